using GrnFast.IO;
using GrnFast.Kernels;

namespace GrnFast.IO.Arrow.Tests;

public class DelimitedExpressionReaderTests
{
    private static float[] Column(ExpressionData d, int gene) => d.Single!.Value.Column(gene).ToArray();

    [Fact]
    public void CsvCellsByGenesWithoutCellNames()
    {
        using var dir = new TempDirectory();
        var p = dir.File("x.csv", "a,b,c\n1,2,3\n4,5,6\n");
        using var d = DelimitedExpressionReader.Read(p);
        Assert.Equal(new[] { "a", "b", "c" }, d.GeneNames);
        Assert.Null(d.CellNames);
        Assert.Equal(2, d.Cells);
        Assert.Equal(MatrixLayout.ColumnMajor, d.Layout);
        Assert.Equal(new[] { 2f, 5f }, Column(d, 1));
    }

    [Theory]
    [InlineData(",a,b\nc1,1,2\nc2,3,4\n")]        // empty index header (pandas)
    [InlineData("cell,a,b\nc1,1,2\nc2,3,4\n")]    // named index, non-numeric first column
    [InlineData("a,b\nc1,1,2\nc2,3,4\n")]         // R write.table: header one field shorter
    public void CsvWithCellNames(string text)
    {
        using var dir = new TempDirectory();
        using var d = DelimitedExpressionReader.Read(dir.File("x.csv", text));
        Assert.Equal(new[] { "a", "b" }, d.GeneNames);
        Assert.Equal(new[] { "c1", "c2" }, d.CellNames);
        Assert.Equal(new[] { 2f, 4f }, Column(d, 1));
    }

    [Fact]
    public void TsvSniffedForTxtAndQuotedHeader()
    {
        using var dir = new TempDirectory();
        using var d = DelimitedExpressionReader.Read(dir.File("x.txt", "\"G1\"\t\"G2\"\n0.5\t1e-3\n\n0.25\t2\n"));
        Assert.Equal(new[] { "G1", "G2" }, d.GeneNames);
        Assert.Equal(new[] { 0.5f, 0.25f }, Column(d, 0));
    }

    [Fact]
    public void Dream4TimeSeriesSkipsBlankLinesAndUsesTimeAsCellLabel()
    {
        using var dir = new TempDirectory();
        var text = "\"Time\"\t\"G1\"\t\"G2\"\n\n0.0\t0.1\t0.2\n50.0\t0.3\t0.4\n\n0.0\t0.5\t0.6\n";
        using var d = DelimitedExpressionReader.Read(dir.File("ts.tsv", text));
        Assert.Equal(new[] { "G1", "G2" }, d.GeneNames);
        Assert.Equal(3, d.Cells);
        Assert.Equal(new[] { 0.2f, 0.4f, 0.6f }, Column(d, 1));
    }

    [Fact]
    public void BeelineGenesByCells()
    {
        using var dir = new TempDirectory();
        var p = dir.File("ExpressionData.csv", ",E1,E2,E3\nNkx2,1,2,3\nGata1,4,5,6\n");
        using var d = DelimitedExpressionReader.Read(p, genesByCells: true);
        Assert.Equal(new[] { "Nkx2", "Gata1" }, d.GeneNames);
        Assert.Equal(new[] { "E1", "E2", "E3" }, d.CellNames);
        Assert.Equal(3, d.Cells);
        Assert.Equal(new[] { 4f, 5f, 6f }, Column(d, 1));
    }

    [Fact]
    public void RealDream4KnockoutsFileIfPresent()
    {
        const string path = "/work/shared/data/dream4/DREAM4_InSilico_Size100/insilico_size100_1/insilico_size100_1_knockouts.tsv";
        if (!File.Exists(path)) return;
        using var d = DelimitedExpressionReader.Read(path);
        Assert.Equal(100, d.Cells);
        Assert.Equal(100, d.Genes);
        Assert.Equal("G1", d.GeneNames[0]);
        Assert.Equal(0f, d.Single!.Value[0, 0]);
    }

    private static InputFormatException Fails(string name, string text, bool genesByCells = false)
    {
        using var dir = new TempDirectory();
        var p = dir.File(name, text);
        var e = Assert.Throws<InputFormatException>(() => DelimitedExpressionReader.Read(p, genesByCells));
        Assert.StartsWith(p, e.Message);
        return e;
    }

    [Fact]
    public void NotANumberNamesFileLineFieldAndGene()
    {
        var e = Fails("expression.csv", "a,b,c\n1,2,3\n4,abc,6\n");
        Assert.Equal(3, e.Line);
        Assert.Equal(2, e.Field);
        Assert.Equal("b", e.Gene);
        Assert.EndsWith("expression.csv:3: field 2 ('abc') is not a number: gene 'b', cell 'row 2'", e.Message);
    }

    [Theory]
    [InlineData("nan", "NaN")]
    [InlineData("NaN", "NaN")]
    [InlineData("inf", "infinite")]
    [InlineData("-Inf", "infinite")]
    [InlineData("1e60", "infinite")]
    public void NonFiniteValuesAreErrors(string value, string word)
    {
        var e = Fails("x.csv", $"cell,a,b\nc1,1,2\nc2,3,{value}\n");
        Assert.Contains($"x.csv:3: field 3 ('{value}') is {word}", e.Message);
        Assert.Contains("gene 'b', cell 'c2'", e.Message);
    }

    [Fact]
    public void DuplicateGenesNameBothColumns()
    {
        var e = Fails("x.csv", "a,b,a\n1,2,3\n");
        Assert.Contains("x.csv:1: gene 'a' appears twice (fields 1 and 3)", e.Message);
    }

    [Fact]
    public void DuplicateGenesByCellsNameBothLines()
    {
        var e = Fails("x.csv", ",c1,c2\ng1,1,2\ng2,1,2\ng1,3,4\n", genesByCells: true);
        Assert.Contains("x.csv:4: gene 'g1' appears twice (lines 2 and 4)", e.Message);
    }

    [Fact]
    public void RaggedRow()
    {
        var e = Fails("x.tsv", "a\tb\tc\n1\t2\t3\n4\t5\n");
        Assert.Contains("x.tsv:3: expected 3 fields, got 2", e.Message);
    }

    [Fact]
    public void EmptyFileAndHeaderOnly()
    {
        Assert.EndsWith(": the file is empty", Fails("x.csv", "").Message);
        Assert.EndsWith(": the file is empty", Fails("x.csv", "\n\n").Message);
        Assert.EndsWith(": no data rows after the header", Fails("x.csv", "a,b\n").Message);
    }
}
