using GrnFast.IO.H5ad;

namespace GrnFast.IO.Arrow.Tests.H5ad;

/// <summary>The LZF decoder on streams encoded by hand from the format (h5py's real chunks are covered by lzf.h5ad).</summary>
public class LzfFilterTests
{
    private static string Decode(byte[] input, int capacity = 64)
    {
        var output = new byte[capacity];
        int n = LzfFilter.Decompress(input, output);
        return n < 0 ? "too small" : System.Text.Encoding.ASCII.GetString(output, 0, n);
    }

    [Fact]
    public void LiteralRunsAndBackReferences()
    {
        // literal "abc" (control 2), then 9 bytes from 3 back: length field 7 + extension 0 -> 9, offset 3 - 1 = 2
        Assert.Equal("abcabcabcabc", Decode([0x02, (byte)'a', (byte)'b', (byte)'c', 0xE0, 0x00, 0x02]));
        // a reference overlapping what it writes repeats a pattern: "a" then 4 more from 1 back (length field 2)
        Assert.Equal("aaaaa", Decode([0x00, (byte)'a', 0x40, 0x00]));
        // the extension byte adds to the length: 7 + 3 + 2 = 12 bytes from 2 back
        Assert.Equal("xyxyxyxyxyxyxy", Decode([0x01, (byte)'x', (byte)'y', 0xE0, 0x03, 0x01]));
        // a literal of 32 bytes (control 31), the longest one
        var literal = Enumerable.Range(0, 32).Select(i => (byte)('A' + i % 26)).ToArray();
        Assert.Equal(System.Text.Encoding.ASCII.GetString(literal), Decode([0x1F, .. literal]));
        Assert.Equal("", Decode([]));
    }

    [Fact]
    public void TooSmallOutputIsReportedNotOverrun()
    {
        Assert.Equal("too small", Decode([0x02, (byte)'a', (byte)'b', (byte)'c', 0xE0, 0x00, 0x02], capacity: 11));
        Assert.Equal("abcabcabcabc", Decode([0x02, (byte)'a', (byte)'b', (byte)'c', 0xE0, 0x00, 0x02], capacity: 12));
    }

    [Theory]
    [InlineData(new byte[] { 0x40, 0x05 })]                    // a reference before the start
    [InlineData(new byte[] { 0x05, (byte)'a' })]               // a literal run past the end
    [InlineData(new byte[] { 0x00, (byte)'a', 0xE0 })]         // a long reference cut before its extension
    [InlineData(new byte[] { 0x00, (byte)'a', 0x40 })]         // a reference cut before its offset
    public void InvalidStreamsThrow(byte[] input)
        => Assert.Throws<InvalidDataException>(() => LzfFilter.Decompress(input, new byte[64]));
}
