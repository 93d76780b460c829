using GrnFast.IO;

namespace GrnFast.IO.Arrow.Tests;

/// <summary>CellOracle's base-GRN table and the cell -> cluster groups file.</summary>
public class CellOracleInputTests
{
    [Fact]
    public void BaseGrnUnionsTheTfsOfEveryPeakOfAGene()
    {
        using var dir = new TempDirectory();
        var p = dir.File("base.tsv",
            "peak_id\tgene_short_name\tGata1\tTal1\tSpi1\n" +
            "chr1_100_600\tHbb\t1\t0\t0\n" +
            "chr1_900_1400\tHbb\t0\t1\t0\n" +
            "chr2_5_300\tCd19\t0\t0\t1\n" +
            "chr3_1_9\tActb\t0\t0\t0\n" +
            "chr1_2000_2400\tHbb\t1.0\t0.0\t0\n");
        var g = BaseGrnReader.Read(p);
        Assert.Equal(new[] { "Gata1", "Tal1", "Spi1" }, g.Regulators);
        Assert.Equal(5, g.Peaks);
        Assert.Equal(3, g.Targets);
        Assert.Equal(new[] { "Gata1->Hbb@2", "Tal1->Hbb@3", "Spi1->Cd19@4" }, g.Edges.Edges.Select(e => $"{e.Regulator}->{e.Target}@{e.Line}"));
        Assert.All(g.Edges.Edges, e => Assert.Equal(1.0, e.Confidence));
    }

    [Fact]
    public void BaseGrnCsvWithPandasIndexAndNoPeakId()
    {
        using var dir = new TempDirectory();
        var p = dir.File("base.csv", ",gene_short_name,\"Gata1\",Tal1\n0,Hbb,1,1\n1,Cd19,0,1\n");
        var g = BaseGrnReader.Read(p);
        Assert.Equal(new[] { "Gata1", "Tal1" }, g.Regulators);
        Assert.Equal(new[] { "Gata1->Hbb", "Tal1->Hbb", "Tal1->Cd19" }, g.Edges.Edges.Select(e => $"{e.Regulator}->{e.Target}"));
    }

    [Theory]
    [InlineData("peak_id\tgene\tGata1\nx\tHbb\t1\n", "base.tsv:1: no 'gene_short_name' column")]
    [InlineData("peak_id\tgene_short_name\nx\tHbb\n", "base.tsv:1: the header names no TF column")]
    [InlineData("peak_id\tgene_short_name\tGata1\tGata1\nx\tHbb\t1\t0\n", "base.tsv:1: TF 'Gata1' names columns 3 and 4")]
    [InlineData("peak_id\tgene_short_name\tGata1\tTal1\nx\tHbb\t1\t2\n", "base.tsv:2: field 4 ('2') for TF Tal1 -> Hbb is not 0 or 1")]
    [InlineData("peak_id\tgene_short_name\tGata1\tTal1\nx\tHbb\t1\t0.5\n", "base.tsv:2: field 4 ('0.5') for TF Tal1 -> Hbb is not 0 or 1")]
    [InlineData("peak_id\tgene_short_name\tGata1\tTal1\nx\tHbb\tyes\t0\n", "base.tsv:2: field 3 ('yes') for TF Gata1 -> Hbb is not 0 or 1")]
    [InlineData("peak_id\tgene_short_name\tGata1\tTal1\nx\tHbb\tnan\t0\n", "base.tsv:2: field 3 ('nan') for TF Gata1 -> Hbb is not 0 or 1")]
    [InlineData("peak_id\tgene_short_name\tGata1\tTal1\nx\tHbb\t1\n", "base.tsv:2: expected 4 fields like the header, got 3")]
    [InlineData("peak_id\tgene_short_name\tGata1\nx\t\t1\n", "base.tsv:2: field 2 (gene_short_name) is empty")]
    [InlineData("peak_id\tgene_short_name\tGata1\n", "base.tsv: the base GRN has a header but no rows")]
    [InlineData("", "base.tsv: the file is empty")]
    public void BadBaseGrnsNameFileLineAndGene(string content, string message)
    {
        using var dir = new TempDirectory();
        var p = dir.File("base.tsv", content);
        var e = Assert.Throws<InputFormatException>(() => BaseGrnReader.Read(p));
        Assert.StartsWith(Path.Combine(dir.Path, message), e.Message);
    }

    [Fact]
    public void GroupsByNameWithHeaderOrByPosition()
    {
        using var dir = new TempDirectory();
        var named = CellGroupReader.Read(dir.File("obs.csv", ",louvain\nAAAC-1,0\nAAAG-1,3\n\n# x\nAACT-1,0\n"));
        Assert.True(named.Named);
        Assert.Equal(new[] { "AAAC-1:0@2", "AAAG-1:3@3", "AACT-1:0@6" }, named.Rows.Select(r => $"{r.Cell}:{r.Label}@{r.Line}"));

        var noHeader = CellGroupReader.Read(dir.File("groups.tsv", "c1\tA\nc2\tB\n"));
        Assert.Equal(new[] { "c1", "c2" }, noHeader.Rows.Select(r => r.Cell));

        var positional = CellGroupReader.Read(dir.File("labels.txt", "cluster\nA\nA\nB\n"));
        Assert.False(positional.Named);
        Assert.Equal(new[] { "A", "A", "B" }, positional.Rows.Select(r => r.Label));
        Assert.All(positional.Rows, r => Assert.Null(r.Cell));
    }

    [Theory]
    [InlineData("c1\tA\nc2\tB\tx\n", "g.tsv:2: expected 'cell, cluster' or one cluster label per line, got 3 fields")]
    [InlineData("c1\tA\nB\n", "g.tsv:2: expected 2 fields like the first line, got 1")]
    [InlineData("c1\tA\nc2\t\n", "g.tsv:2: the cluster label (field 2) is empty")]
    [InlineData("cell\tcluster\n", "g.tsv: the file assigns no cell to a cluster")]
    [InlineData("", "g.tsv: the file is empty")]
    public void BadGroupFilesNameFileAndLine(string content, string message)
    {
        using var dir = new TempDirectory();
        var p = dir.File("g.tsv", content);
        var e = Assert.Throws<InputFormatException>(() => CellGroupReader.Read(p));
        Assert.StartsWith(Path.Combine(dir.Path, message), e.Message);
    }
}
