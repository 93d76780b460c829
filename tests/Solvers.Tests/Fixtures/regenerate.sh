#!/bin/sh
# Regenerates every fixture in this folder, then checks them. Needs /usr/bin/python3 (numpy, scikit-learn) and
# Rscript with glmnet. Usage: sh regenerate.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$here/make_fixtures.py" --export "$tmp"
Rscript "$here/make_fixtures_glmnet.R" "$tmp" "$here"
/usr/bin/python3 "$here/check_fixtures.py"
