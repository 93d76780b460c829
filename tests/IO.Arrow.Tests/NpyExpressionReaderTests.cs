using System.Globalization;
using GrnFast.IO;
using GrnFast.IO.Npy;
using GrnFast.Kernels;

namespace GrnFast.IO.Arrow.Tests;

public class NpyExpressionReaderTests
{
    public static TheoryData<bool, bool, int> Cases()
    {
        var d = new TheoryData<bool, bool, int>();
        foreach (bool dbl in new[] { false, true })
            foreach (bool fortran in new[] { false, true })
                foreach (int version in new[] { 1, 2, 3 })
                    d.Add(dbl, fortran, version);
        return d;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReadsEveryLayoutAndTypeAsAViewIntoTheMapping(bool dbl, bool fortran, int version)
    {
        using var dir = new TempDirectory();
        var p = dir.Combine("x.npy");
        const int rows = 300, cols = 50;
        if (dbl) NpyTestFile.Write(p, NpyTestFile.Values<double>(rows, cols, fortran), rows, cols, fortran, version);
        else NpyTestFile.Write(p, NpyTestFile.Values<float>(rows, cols, fortran), rows, cols, fortran, version);

        long before = GC.GetAllocatedBytesForCurrentThread();
        using var d = NpyExpressionReader.Read(p);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(d.IsMemoryMapped);
        Assert.Equal(rows, d.Cells);
        Assert.Equal(cols, d.Genes);
        Assert.Equal(fortran ? MatrixLayout.ColumnMajor : MatrixLayout.RowMajor, d.Layout);
        Assert.Equal(dbl, d.Double.HasValue);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                Assert.Equal(10.0 * r + c, dbl ? d.Double!.Value[r, c] : d.Single!.Value[r, c]);

        nint address = dbl ? MemoryAddress.Of(d.Double!.Value.Data.Span) : MemoryAddress.Of(d.Single!.Value.Data.Span);
        Assert.True(IsInsideMappingOf(p, address), "the view's memory is not inside the file mapping");
        // A fixed few KB (file handles, header text) is allowed; the 60 KB of data must not be.
        Assert.True(allocated < rows * cols * sizeof(float) / 4, $"reading allocated {allocated} bytes: the data was copied");
    }

    [Fact]
    public void ColumnSpansOfFortranOrderPointIntoTheMapping()
    {
        using var dir = new TempDirectory();
        var p = dir.Combine("f.npy");
        NpyTestFile.Write(p, NpyTestFile.Values<float>(4, 3, true), 4, 3, fortran: true);
        using var d = NpyExpressionReader.Read(p, new[] { "a", "b", "c" });
        Assert.Equal(new[] { 2f, 12f, 22f, 32f }, d.Single!.Value.Column(2).ToArray());
        Assert.True(IsInsideMappingOf(p, MemoryAddress.Of(d.Single!.Value.Column(1))));
    }

    /// <summary>Whether <paramref name="address"/> lies in a mapping of <paramref name="path"/> (Linux /proc/self/maps).</summary>
    private static bool IsInsideMappingOf(string path, nint address)
    {
        string full = Path.GetFullPath(path);
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            if (!line.EndsWith(full, StringComparison.Ordinal)) continue;
            var range = line[..line.IndexOf(' ')].Split('-');
            ulong lo = ulong.Parse(range[0], NumberStyles.HexNumber), hi = ulong.Parse(range[1], NumberStyles.HexNumber);
            if ((ulong)address >= lo && (ulong)address < hi) return true;
        }
        return false;
    }

    [Fact]
    public void DisposeReleasesTheMapping()
    {
        using var dir = new TempDirectory();
        var p = dir.Combine("x.npy");
        NpyTestFile.Write(p, NpyTestFile.Values<float>(2, 2, false), 2, 2, false);
        var d = NpyExpressionReader.Read(p);
        d.Dispose();
        Assert.DoesNotContain(File.ReadLines("/proc/self/maps"), l => l.EndsWith(Path.GetFullPath(p), StringComparison.Ordinal));
    }

    private static InputFormatException Fails(Action<string> write, string[]? genes = null)
    {
        using var dir = new TempDirectory();
        var p = dir.Combine("bad.npy");
        write(p);
        var e = Assert.Throws<InputFormatException>(() => NpyExpressionReader.Read(p, genes));
        Assert.StartsWith(p, e.Message);
        return e;
    }

    [Fact]
    public void WrongDtype()
        => Assert.Contains("dtype '<i8' is not supported", Fails(p => NpyTestFile.Write(p, new long[6], 2, 3, false)).Message);

    [Fact]
    public void BigEndianIsRejected()
        => Assert.Contains("dtype '>f4' is not supported", Fails(p => NpyTestFile.Write(p, new float[6], 2, 3, false, descr: ">f4")).Message);

    [Fact]
    public void NotTwoDimensional()
        => Assert.Contains("shape (6,) is not 2-D", Fails(p => NpyTestFile.Write(p, new float[6], 2, 3, false, shape: "(6,)")).Message);

    [Fact]
    public void Truncated()
        => Assert.Contains("truncated: the header says 2 x 3 float32 (24 bytes of data) but the file has 20",
            Fails(p => NpyTestFile.Write(p, new float[6], 2, 3, false, dropBytes: 4)).Message);

    [Fact]
    public void NotNpyAtAll()
        => Assert.Contains("not a NumPy .npy file", Fails(p => File.WriteAllText(p, "hello, world")).Message);

    [Fact]
    public void EmptyFile()
        => Assert.EndsWith("the file is empty", Fails(p => File.WriteAllBytes(p, Array.Empty<byte>())).Message);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NaNNamesCellAndGene(bool fortran)
    {
        var e = Fails(p =>
        {
            var v = NpyTestFile.Values<double>(3, 2, fortran);
            v[fortran ? 1 * 3 + 2 : 2 * 2 + 1] = double.NaN; // cell row 2, gene column 1
            NpyTestFile.Write(p, v, 3, 2, fortran);
        }, new[] { "g0", "g1" });
        Assert.Contains("cell row 2, column 1 (0-based) is NaN: gene 'g1'", e.Message);
        Assert.Equal("g1", e.Gene);
    }

    [Fact]
    public void InfinityIsAnError()
        => Assert.Contains("is infinite", Fails(p => NpyTestFile.Write(p, new[] { 1f, float.PositiveInfinity }, 1, 2, false)).Message);

    [Fact]
    public void GeneNameCountMustMatchColumns()
    {
        using var dir = new TempDirectory();
        var p = dir.Combine("x.npy");
        NpyTestFile.Write(p, new float[6], 2, 3, false);
        var names = dir.File("genes.txt", "a\nb\n");
        var e = Assert.Throws<InputFormatException>(() => ExpressionReader.Read(p, geneNamesPath: names));
        Assert.Contains("genes.txt: lists 2 genes but", e.Message);
        Assert.Contains("has 3 columns", e.Message);
    }
}
