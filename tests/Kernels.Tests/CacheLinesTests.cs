using System.Runtime.InteropServices;
using GrnFast.Kernels;
using Xunit;

namespace GrnFast.Kernels.Tests;

public class CacheLinesTests
{
    [Fact]
    public void AllocatedBuffersStartOnALineAndHoldTheirLength()
    {
        foreach (int n in new[] { 0, 1, 7, 8, 9, 1000, 64_000 })
        {
            var doubles = CacheLines.Allocate<double>(n);
            Assert.Equal(n, doubles.Count);
            Assert.All(doubles, v => Assert.Equal(0.0, v));
            Assert.InRange(doubles.Offset + n, n, doubles.Array!.Length);
            // The array is pinned, so the address of its element is stable without a fixed block.
            Assert.Equal(0, (long)Marshal.UnsafeAddrOfPinnedArrayElement(doubles.Array, doubles.Offset) % CacheLines.Bytes);

            var ints = CacheLines.Allocate<int>(n);
            Assert.Equal(n, ints.Count);
            Assert.Equal(0, (long)Marshal.UnsafeAddrOfPinnedArrayElement(ints.Array!, ints.Offset) % CacheLines.Bytes);
        }
    }

    [Fact]
    public void OffsetReachesTheNextLineFromEveryElement()
    {
        var data = GC.AllocateArray<double>(64, pinned: true);
        for (int i = 0; i < 16; i++)
        {
            int offset = CacheLines.Offset(ref data[i]);
            Assert.InRange(offset, 0, CacheLines.Bytes / sizeof(double) - 1);
            Assert.Equal(0, (long)Marshal.UnsafeAddrOfPinnedArrayElement(data, i + offset) % CacheLines.Bytes);
        }
    }
}
