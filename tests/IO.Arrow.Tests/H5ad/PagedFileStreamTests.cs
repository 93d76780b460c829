using GrnFast.IO.H5ad;

namespace GrnFast.IO.Arrow.Tests.H5ad;

public class PagedFileStreamTests
{
    /// <summary>Random seeks and reads of every size (within a page, across pages, several pages, past the end) return the file's bytes.</summary>
    [Fact]
    public void ReadsWhatTheFileHolds()
    {
        using var dir = new TempDirectory();
        var bytes = new byte[5 * 65536 + 123];
        var rng = new Random(7);
        rng.NextBytes(bytes);
        var p = dir.Combine("f.bin");
        File.WriteAllBytes(p, bytes);
        using var s = new PagedFileStream(File.OpenHandle(p));
        Assert.Equal(bytes.Length, s.Length);
        for (int i = 0; i < 3000; i++)
        {
            long at = rng.Next(bytes.Length + 100);
            int size = i % 10 == 0 ? rng.Next(65536, 3 * 65536) : rng.Next(0, 70000 >> rng.Next(0, 12));
            if (i % 2 == 0) s.Seek(at, SeekOrigin.Begin);
            else s.Seek(at - bytes.Length, SeekOrigin.End);
            var buffer = new byte[size];
            int got = s.Read(buffer);
            int expected = (int)Math.Clamp(bytes.Length - at, 0, size);
            Assert.True(expected == got, $"case {i}: read {got} of {size} at {at}, expected {expected}");
            Assert.True(bytes.AsSpan((int)Math.Min(at, bytes.Length), got).SequenceEqual(buffer.AsSpan(0, got)), $"case {i}: wrong bytes at {at}");
            Assert.Equal(at + got, s.Position);
        }
    }
}
