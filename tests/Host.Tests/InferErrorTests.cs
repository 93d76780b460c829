namespace GrnFast.Host.Tests;

/// <summary>Every bad input: the exit code, a message naming file/line/gene, and no output file.</summary>
public class InferErrorTests
{
    private static void AssertFails(Cli cli, (int Code, string Out, string Err) r, int code, params string[] fragments)
    {
        Assert.True(r.Code == code, $"exit {r.Code}, expected {code}; stderr: {r.Err}");
        foreach (var f in fragments) Assert.Contains(f, r.Err);
        Assert.DoesNotContain("   at ", r.Err); // no stack trace
        Assert.Equal("", r.Out);
        Assert.False(File.Exists(cli.PathOf("out.tsv")), "an output file was written");
        Assert.Empty(Directory.GetFiles(cli.Dir, "*.tmp"));
    }

    private static (int, string, string) Infer(Cli cli, string expression, params string[] extra)
        => cli.Run(["infer", "--expression", expression, "--regulators", cli.Regulators("G1", "G4"), "--out", cli.PathOf("out.tsv"), .. extra]);

    [Fact]
    public void NaNValue()
    {
        using var cli = new Cli();
        var x = cli.File("x.csv", "cell,G1,G2\nc1,1,2\nc2,3,nan\nc3,4,5\n");
        AssertFails(cli, Infer(cli, x), 1, "x.csv:3: field 3 ('nan') is NaN", "gene 'G2'", "cell 'c2'");
    }

    [Fact]
    public void NotANumber()
    {
        using var cli = new Cli();
        var x = cli.File("expression.csv", "cell,G1,G2\nc1,1,2\nc2,abc,3\n");
        AssertFails(cli, Infer(cli, x), 1, "expression.csv:3: field 2 ('abc') is not a number", "gene 'G1'");
    }

    [Fact]
    public void ZeroVarianceTargetListedByTheUser()
    {
        using var cli = new Cli();
        var x = cli.Expression(constantG5: true);
        var targets = cli.File("targets.txt", "G2\nG5\n");
        AssertFails(cli, Infer(cli, x, "--targets", targets), 1, "targets.txt:2: target 'G5' has zero variance");
    }

    [Fact]
    public void TargetNotInTheData()
    {
        using var cli = new Cli();
        var targets = cli.File("targets.txt", "G2\nNope\n");
        AssertFails(cli, Infer(cli, cli.Expression(), "--targets", targets), 1, "targets.txt:2: target 'Nope' is not a gene");
    }

    [Fact]
    public void DuplicateGenes()
    {
        using var cli = new Cli();
        var x = cli.File("x.csv", "cell,G1,G2,G1\nc1,1,2,3\nc2,3,4,5\n");
        AssertFails(cli, Infer(cli, x), 1, "x.csv:1: gene 'G1' appears twice (fields 2 and 4)");
    }

    [Fact]
    public void EmptyFile()
    {
        using var cli = new Cli();
        AssertFails(cli, Infer(cli, cli.File("x.csv", "")), 1, "x.csv: the file is empty");
    }

    [Fact]
    public void RaggedRow()
    {
        using var cli = new Cli();
        var x = cli.File("x.tsv", "G1\tG2\tG3\n1\t2\t3\n4\t5\n");
        AssertFails(cli, Infer(cli, x), 1, "x.tsv:3: expected 3 fields, got 2");
    }

    [Fact]
    public void MissingExpressionFile()
    {
        using var cli = new Cli();
        AssertFails(cli, Infer(cli, cli.PathOf("nope.csv")), 1, "nope.csv");
    }

    [Fact]
    public void NoRegulatorInTheData()
    {
        using var cli = new Cli();
        var r = cli.Run("infer", "--expression", cli.Expression(), "--regulators", cli.Regulators("X1", "X2"), "--out", cli.PathOf("out.tsv"));
        AssertFails(cli, r, 1, "tfs.txt: none of the 2 regulators is a usable gene");
    }

    [Fact]
    public void BadPriorConfidence()
    {
        using var cli = new Cli();
        var prior = cli.File("prior.tsv", "G1\tG2\t0.5\nG4\tG3\t7\n");
        AssertFails(cli, Infer(cli, cli.Expression(), "--prior", prior), 1, "prior.tsv:2: field 3 ('7')");
    }

    [Fact]
    public void UnknownFlag()
    {
        using var cli = new Cli();
        var r = Infer(cli, cli.Expression(), "--foo", "1");
        AssertFails(cli, r, 2);
        Assert.Equal("grnfast: unknown option '--foo' (see grnfast infer --help)", r.Item3.Trim());
    }

    [Fact]
    public void MissingOut()
    {
        using var cli = new Cli();
        var r = cli.Run("infer", "--expression", cli.Expression(), "--regulators", cli.Regulators("G1"));
        AssertFails(cli, r, 2, "grnfast: missing required option --out (see grnfast infer --help)");
    }

    [Theory]
    [InlineData("--alpha", "abc", "--alpha: 'abc' is not valid")]
    [InlineData("--method", "forest", "--method: 'forest' is not one of lasso, elasticnet, ridge")]
    [InlineData("--select", "aic", "--select: 'aic' is not valid")]
    [InlineData("--threads", "-1", "--threads: '-1' is not valid")]
    [InlineData("--prior-mode", "mask", "--prior-mode needs at least one --prior FILE")]
    public void BadValues(string option, string value, string message)
    {
        using var cli = new Cli();
        AssertFails(cli, Infer(cli, cli.Expression(), option, value), 2, message);
    }

    [Fact]
    public void AlphaExcludesPath()
    {
        using var cli = new Cli();
        AssertFails(cli, Infer(cli, cli.Expression(), "--alpha", "0.1", "--path", "10"), 2, "--alpha fits one alpha");
    }

    [Fact]
    public void OptionWithoutValueAndUnknownCommand()
    {
        using var cli = new Cli();
        AssertFails(cli, cli.Run("infer", "--expression"), 2, "option '--expression' needs a value");
        AssertFails(cli, cli.Run("frobnicate"), 2, "unknown command 'frobnicate'");
        AssertFails(cli, cli.Run("demo", "--fast"), 2, "unknown option '--fast' (see grnfast demo --help)");
    }
}
