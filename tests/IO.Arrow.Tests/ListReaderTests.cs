using GrnFast.IO;

namespace GrnFast.IO.Arrow.Tests;

public class ListReaderTests
{
    [Fact]
    public void RegulatorsSkipCommentsBlanksAndWarnOnRepeats()
    {
        using var dir = new TempDirectory();
        var p = dir.File("tfs.txt", "# TFs\nG1\n\n  G2  \nG1\n");
        var warnings = new List<string>();
        var names = NameListReader.Read(p, warnings.Add);
        Assert.Equal(new[] { "G1", "G2" }, names.Select(n => n.Name));
        Assert.Equal(4, names[1].Line);
        var w = Assert.Single(warnings);
        Assert.Contains("tfs.txt:5: 'G1' repeats line 2", w);
    }

    [Fact]
    public void GeneNamesMustBeUnique()
    {
        using var dir = new TempDirectory();
        var p = dir.File("genes.txt", "a\nb\na\n");
        var e = Assert.Throws<InputFormatException>(() => NameListReader.ReadUnique(p));
        Assert.Contains("genes.txt:3: gene 'a' appears twice (lines 1 and 3)", e.Message);
    }

    [Fact]
    public void PriorWithAndWithoutHeader()
    {
        using var dir = new TempDirectory();
        var a = PriorReader.Read(dir.File("a.tsv", "regulator\ttarget\tweight\nG1\tG2\t0.5\nG3\tG4\n"));
        Assert.Equal(new[] { new PriorEdge("G1", "G2", 0.5, 2), new PriorEdge("G3", "G4", 1, 3) }, a.Edges);
        var b = PriorReader.Read(dir.File("b.tsv", "G1\tG2\t0.25\n"));
        Assert.Equal(0.25, Assert.Single(b.Edges).Confidence);
        var c = PriorReader.Read(dir.File("c.tsv", "TF\tgene\nG1\tG2\n"));
        Assert.Single(c.Edges);
        var d = PriorReader.Read(dir.File("d.tsv", "a\tb\tscore\nG1\tG2\t1\n"));
        Assert.Single(d.Edges);
    }

    [Theory]
    [InlineData("G1\tG2\t1.5\n", "p.tsv:1: field 3 ('1.5'): the confidence of G1 -> G2 must be in [0, 1]")]
    [InlineData("G1\tG2\t0.5\nG1\tG3\tabc\n", "p.tsv:2: field 3 ('abc') is not a finite number")]
    [InlineData("G1\tG2\t0.5\nG1\tG3\tnan\n", "p.tsv:2: field 3 ('nan') is not a finite number")]
    [InlineData("G1\n", "p.tsv:1: expected 2 or 3 fields")]
    [InlineData("", "p.tsv: the file is empty")]
    public void PriorErrors(string text, string message)
    {
        using var dir = new TempDirectory();
        var p = dir.File("p.tsv", text);
        var e = Assert.Throws<InputFormatException>(() => PriorReader.Read(p));
        Assert.Contains(message, e.Message);
    }
}
