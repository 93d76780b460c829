#!/usr/bin/env bash
# Publishes libgrnfast.so with NativeAOT (src/Native; ILCompiler from NuGet, linked by the system gcc), compiles
# tests/native/test_grnfast.c against include/grnfast.h with gcc -Wall -Wextra -Werror, and runs it. One test for
# ./run-tests: exit status 0 when the library builds without warnings and every check of the C program passes.
# Needs gcc, g++, libc6-dev, binutils (nm) and zlib1g-dev (./run-tests installs them). Output: artifacts/native/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${GRNFAST_NATIVE_OUT:-artifacts/native}

# -warnaserror: an AOT or trim analysis warning in the code the library reaches fails the test.
dotnet publish src/Native -r linux-x64 -c Release --nologo -v q -warnaserror -o "$out" >&2
lib="$out/libgrnfast.so"
[ -f "$lib" ] || { echo "tests/native/run.sh: $lib was not produced" >&2; exit 1; }

# Every entry point the header declares is exported by the library.
declared=$(grep -oE '\bgf_[a-z_]+\(' include/grnfast.h | tr -d '(' | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | grep '^gf_' | sort -u)
if [ "$declared" != "$exported" ]; then
  echo "tests/native/run.sh: header and library disagree: declared-only: $(comm -23 <(echo "$declared") <(echo "$exported") | xargs) exported-only: $(comm -13 <(echo "$declared") <(echo "$exported") | xargs)" >&2
  exit 1
fi

gcc -std=c11 -Wall -Wextra -Werror -O1 -Iinclude tests/native/test_grnfast.c -L"$out" -lgrnfast -Wl,-rpath,"$(cd "$out" && pwd)" -lm -pthread \
  -o "$out/test_grnfast"
# C++ callers: the header compiles as C++ too (extern "C").
echo '#include "grnfast.h"
int main() { return gf_abi_version() == GRNFAST_ABI_VERSION ? 0 : 1; }' | g++ -x c++ -Wall -Wextra -Werror -Iinclude - -L"$out" -lgrnfast -Wl,-rpath,"$(cd "$out" && pwd)" -o "$out/test_grnfast_cxx"
"$out/test_grnfast_cxx"
"$out/test_grnfast"
