using System.Buffers.Binary;
using System.Text;
using GrnFast.IO;
using GrnFast.Kernels;

namespace GrnFast.Host.Tests;

/// <summary><c>grnfast convert</c>: every input format to Arrow, the layouts, and bad input with nothing written.</summary>
public class ConvertTests
{
    /// <summary>Every value column-major, as float32 (the precision Arrow stores).</summary>
    private static float[] Values(ExpressionData d)
    {
        var r = new float[d.Cells * d.Genes];
        if (d.Blocks is { } blocks)
        {
            int first = 0;
            foreach (var b in blocks.Blocks)
            {
                using var cols = b.Open();
                for (int g = 0; g < d.Genes; g++) cols.Column(g).CopyTo(r.AsSpan(g * d.Cells + first, b.Rows));
                first += b.Rows;
            }
            return r;
        }
        for (int g = 0; g < d.Genes; g++)
            for (int c = 0; c < d.Cells; c++)
                r[g * d.Cells + c] = d.Single is { } s ? s[c, g] : (float)d.Double!.Value[c, g];
        return r;
    }

    private static void AssertSameMatrix(string expected, string actual, bool genesByCells = false, string? genes = null)
    {
        using var a = ExpressionReader.Read(expected, genesByCells, genes);
        using var b = ExpressionReader.Read(actual);
        Assert.Equal(a.GeneNames, b.GeneNames);
        Assert.Equal(a.CellNames, b.CellNames);
        Assert.Equal(Values(a), Values(b));
    }

    private static void AssertOk((int Code, string Out, string Err) r, params string[] fragments)
    {
        Assert.True(r.Code == 0, $"exit {r.Code}; stderr: {r.Err}");
        Assert.Equal("", r.Out);
        foreach (var f in fragments) Assert.Contains(f, r.Err);
    }

    private static void AssertFails(Cli cli, (int Code, string Out, string Err) r, int code, params string[] fragments)
    {
        Assert.True(r.Code == code, $"exit {r.Code}, expected {code}; stderr: {r.Err}");
        foreach (var f in fragments) Assert.Contains(f, r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.Equal("", r.Out);
        Assert.Empty(Directory.GetFileSystemEntries(cli.Dir, "*.tmp"));
        Assert.Empty(Directory.GetFileSystemEntries(cli.Dir, ".*"));
    }

    [Fact]
    public void CsvWithCellNames()
    {
        using var cli = new Cli();
        var x = cli.Expression(cells: 120);
        var r = cli.Run("convert", x, cli.PathOf("x.arrows"));
        AssertOk(r, "read", "120 cells x 6 genes, with cell names", "(one file)", "dense float32", "1 record batch of up to 120 cells");
        AssertSameMatrix(x, cli.PathOf("x.arrows"));
        using var d = ExpressionReader.Read(cli.PathOf("x.arrows"));
        Assert.True(d.IsMemoryMapped);
        Assert.Equal("c7", d.CellNames![7]);
    }

    [Fact]
    public void BeelineGenesByCells()
    {
        using var cli = new Cli();
        var x = cli.File("ExpressionData.csv", ",c1,c2,c3\nGATA1,1.5,0,2\nSPI1,0,3.25,1\n");
        AssertOk(cli.Run("convert", x, cli.PathOf("b.arrows"), "--genes-by-cells", "--batch-cells", "2"), "2 record batches of up to 2 cells");
        AssertSameMatrix(x, cli.PathOf("b.arrows"), genesByCells: true);
        using var d = ExpressionReader.Read(cli.PathOf("b.arrows"));
        Assert.Equal(new[] { "GATA1", "SPI1" }, d.GeneNames);
        Assert.Equal(new[] { "c1", "c2", "c3" }, d.CellNames);
    }

    [Fact]
    public void Dream4TsvAsDistributed()
    {
        using var cli = new Cli();
        var x = Path.Combine(RepoRoot(), "src/Host/DemoData/insilico_size100_1_knockouts.tsv");
        AssertOk(cli.Run("convert", x, cli.PathOf("k.arrows"), "--sparse"), "100 cells x 100 genes", "CSR");
        AssertSameMatrix(x, cli.PathOf("k.arrows"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NpyWithGeneNames(bool fortran)
    {
        using var cli = new Cli();
        var values = new double[] { 1, 2.5, -3, 4, 0, 6 }; // 3 cells x 2 genes in the file's order
        var npy = Npy(cli.PathOf("x.npy"), values, 3, 2, fortran);
        var genes = cli.File("genes.txt", "A\nB\n");
        AssertOk(cli.Run("convert", npy, cli.PathOf("n.arrows"), "--genes", genes), "3 cells x 2 genes");
        AssertSameMatrix(npy, cli.PathOf("n.arrows"), genes: genes);
        using var d = ExpressionReader.Read(cli.PathOf("n.arrows"));
        Assert.Equal(new[] { "A", "B" }, d.GeneNames);
        Assert.Null(d.CellNames);
        Assert.Equal(fortran ? new float[] { 1, 2.5f, -3, 4, 0, 6 } : new float[] { 1, -3, 0, 2.5f, 4, 6 }, Values(d));
    }

    [Fact]
    public void ArrowToArrowPartsAndBack()
    {
        using var cli = new Cli();
        var x = cli.Expression(cells: 2000);
        AssertOk(cli.Run("convert", x, cli.PathOf("x.arrows")));
        var parts = cli.PathOf("parts.arrows");
        var r = cli.Run("convert", cli.PathOf("x.arrows"), parts, "--batch-cells", "100", "--part-bytes", "16K");
        AssertOk(r, "parts.arrows/ as", "parts of at most 16.0 KiB (--part-bytes)");
        Assert.True(Directory.GetFiles(parts, "*.arrows").Length > 3);
        AssertSameMatrix(x, parts);
        AssertOk(cli.Run("convert", parts, cli.PathOf("sparse.arrows"), "--sparse"), "(one file)", "CSR");
        AssertSameMatrix(x, cli.PathOf("sparse.arrows"));
        AssertOk(cli.Run("convert", cli.PathOf("sparse.arrows"), cli.PathOf("again.arrows"), "--batch-cells", "512"), "4 record batches of up to 512 cells");
        AssertSameMatrix(x, cli.PathOf("again.arrows"));
    }

    [Fact]
    public void Help()
    {
        using var cli = new Cli();
        var r = cli.Run("convert", "--help");
        Assert.Equal(0, r.Code);
        Assert.Contains("usage: grnfast convert IN OUT.arrows", r.Out);
        Assert.Contains("convert IN OUT.arrows", cli.Run("--help").Out);
    }

    [Fact]
    public void BadTextInputLeavesNoOutputAndKeepsTheOld()
    {
        using var cli = new Cli();
        var good = cli.Expression();
        var outPath = cli.PathOf("out.arrows");
        AssertOk(cli.Run("convert", good, outPath));
        byte[] before = File.ReadAllBytes(outPath);
        var bad = cli.File("bad.csv", "cell,G1,G2\nc1,1,2\nc2,abc,3\n");
        AssertFails(cli, cli.Run("convert", bad, outPath), 1, "bad.csv:3: field 2 ('abc') is not a number");
        Assert.Equal(before, File.ReadAllBytes(outPath));
        AssertFails(cli, cli.Run("convert", bad, cli.PathOf("new.arrows")), 1, "bad.csv:3");
        Assert.False(File.Exists(cli.PathOf("new.arrows")));
    }

    [Fact]
    public void CorruptArrowInput()
    {
        using var cli = new Cli();
        AssertOk(cli.Run("convert", cli.Expression(), cli.PathOf("x.arrows")));
        var bytes = File.ReadAllBytes(cli.PathOf("x.arrows"));
        File.WriteAllBytes(cli.PathOf("cut.arrows"), bytes[..(bytes.Length / 2)]);
        AssertFails(cli, cli.Run("convert", cli.PathOf("cut.arrows"), cli.PathOf("o.arrows")), 1, "cut.arrows: truncated");
        Assert.False(File.Exists(cli.PathOf("o.arrows")));
        AssertFails(cli, cli.Run("convert", cli.File("e.arrows", ""), cli.PathOf("o.arrows")), 1, "e.arrows: the file is empty");
    }

    [Fact]
    public void MissingInputAndMissingOutputDirectory()
    {
        using var cli = new Cli();
        AssertFails(cli, cli.Run("convert", cli.PathOf("none.csv"), cli.PathOf("o.arrows")), 1, "none.csv");
        AssertFails(cli, cli.Run("convert", cli.Expression(), cli.PathOf("no/such/o.arrows")), 1, "does not exist");
    }

    [Theory]
    [InlineData("convert needs an input and an output")]
    [InlineData("must end in .arrows", "OUT.tsv")]
    [InlineData("--genes names the columns of .npy input", "o.arrows", "--genes", "g.txt")]
    [InlineData("--part-bytes: '12Q' is not valid", "o.arrows", "--part-bytes", "12Q")]
    [InlineData("--part-bytes: '3G' is not valid", "o.arrows", "--part-bytes", "3G")]
    [InlineData("--batch-cells: '0' is not valid", "o.arrows", "--batch-cells", "0")]
    [InlineData("unknown option '--layer'", "o.arrows", "--layer", "X")]
    public void CommandLineErrors(string message, params string[] args)
    {
        using var cli = new Cli();
        var x = cli.Expression();
        string[] full = args.Length == 0 ? ["convert", x] : ["convert", x, cli.PathOf(args[0]), .. args[1..]];
        AssertFails(cli, cli.Run(full), 2, message);
        Assert.Empty(Directory.GetFiles(cli.Dir, "o.*"));
    }

    [Fact]
    public void GenesByCellsDoesNotApplyToBinaryInput()
    {
        using var cli = new Cli();
        var npy = Npy(cli.PathOf("x.npy"), [1, 2], 1, 2, false);
        AssertFails(cli, cli.Run("convert", npy, cli.PathOf("o.arrows"), "--genes-by-cells"), 2, "--genes-by-cells applies to text input");
    }

    /// <summary>A version-1 .npy of float64 values in file order.</summary>
    private static string Npy(string path, double[] values, int rows, int cols, bool fortran)
    {
        string dict = $"{{'descr': '<f8', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': ({rows}, {cols}), }}";
        int total = 10 + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        string header = dict + new string(' ', padded - total) + "\n";
        using var f = File.Create(path);
        f.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        f.Write(len);
        f.Write(Encoding.ASCII.GetBytes(header));
        var b = new byte[8];
        foreach (var v in values) { BinaryPrimitives.WriteDoubleLittleEndian(b, v); f.Write(b); }
        return path;
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "GrnFast.sln"))) return d.FullName;
        throw new InvalidOperationException("GrnFast.sln not found above " + AppContext.BaseDirectory);
    }
}
