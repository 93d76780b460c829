namespace GrnFast.Simulation.Tests.Cli;

/// <summary>Every bad input: the exit code, a message naming the option or file/line/gene, and no output at all.</summary>
public class SimulateErrorTests
{
    private const string Net = "A\tB\t+\nB\tC\t-\nA\tD\t+\n";

    private static void AssertFails(SimulateCli cli, (int Code, string Out, string Err) r, int code, params string[] fragments)
    {
        Assert.True(r.Code == code, $"exit {r.Code}, expected {code}; stderr: {r.Err}");
        foreach (var f in fragments) Assert.Contains(f, r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.Empty(cli.OutputFiles());
        Assert.Empty(Directory.GetFiles(cli.Dir, "*.tmp"));
    }

    [Fact]
    public void UnknownGeneInAKnockoutList()
    {
        using var cli = new SimulateCli();
        var net = cli.File("net.tsv", Net);
        AssertFails(cli, cli.Simulate("--network", net, "--knockout", "A,Z"), 2, "--knockout: gene 'Z' is not in the network (4 genes)");
        AssertFails(cli, cli.Simulate("--network", net, "--knockdown", "b"), 2, "--knockdown: gene 'b' is not in the network", "did you mean 'B'?");
        var list = cli.File("ko.txt", "A\n\nQ\n");
        AssertFails(cli, cli.Simulate("--network", net, "--knockout", "@" + list), 1, "ko.txt:3: gene 'Q' (listed for --knockout) is not in the network");
        AssertFails(cli, cli.Simulate("--network", net, "--knockout", "A", "--knockdown", "A"), 2, "gene 'A' is in both --knockout and --knockdown");
    }

    [Theory]
    [InlineData("--decay", "-0.8", "--decay: '-0.8' is not valid; it must be a finite rate > 0")]
    [InlineData("--noise", "-1", "--noise: '-1' is not valid")]
    [InlineData("--dt", "0", "--dt: '0' is not valid")]
    [InlineData("--basal", "-1:2", "--basal: '-1:2' is not valid")]
    [InlineData("--strength", "3:1", "--strength: '3:1' is not valid")]
    [InlineData("--cells", "0", "--cells: '0' is not valid")]
    [InlineData("--dropout", "1.5", "--dropout: '1.5' is not valid")]
    [InlineData("--knockdown-factor", "2", "--knockdown-factor needs --knockdown")]
    [InlineData("--library-sd", "-0.1", "--library-sd: '-0.1' is not valid")]
    [InlineData("--format", "csv", "--format: 'csv' is not one of tsv, npy")]
    public void BadRatesAndValuesNameTheOption(string option, string value, string message)
    {
        using var cli = new SimulateCli();
        var net = cli.File("net.tsv", Net);
        AssertFails(cli, cli.Simulate("--network", net, option, value), 2, message);
    }

    [Fact]
    public void CoarseStepsAreRefused()
    {
        using var cli = new SimulateCli();
        var net = cli.File("net.tsv", Net);
        AssertFails(cli, cli.Simulate("--network", net, "--dt", "0.5", "--decay", "2"), 2, "--dt 0.5 with --decay 2", "too coarse");
    }

    [Fact]
    public void NetworkSourcesAndGeneratorOptionsMustAgree()
    {
        using var cli = new SimulateCli();
        var net = cli.File("net.tsv", Net);
        AssertFails(cli, cli.Simulate("--cells", "10"), 2, "give either --network FILE or --generate");
        AssertFails(cli, cli.Simulate("--network", net, "--generate", "scale-free"), 2, "give either --network FILE or --generate");
        AssertFails(cli, cli.Simulate("--network", net, "--genes", "10"), 2, "--genes shapes a generated network");
        AssertFails(cli, cli.Simulate("--generate", "scale-free", "--modules", "3"), 2, "--modules and --module-bias apply to --generate small-world");
        AssertFails(cli, cli.Simulate("--generate", "scale-free", "--genes", "10", "--regulators", "3", "--masters", "5"), 2, "--masters: 5 is not valid");
        AssertFails(cli, cli.Simulate("--generate", "hub"), 2, "--generate: 'hub' is not one of scale-free, small-world");
    }

    [Fact]
    public void TrajectoriesNeedTwoCellTypes()
    {
        using var cli = new SimulateCli();
        var net = cli.File("net.tsv", Net);
        AssertFails(cli, cli.Simulate("--network", net, "--trajectory", "1:2"), 2, "--trajectory joins two cell types");
        AssertFails(cli, cli.Simulate("--network", net, "--cell-types", "2", "--trajectory", "1:3"), 2, "--trajectory: '1:3' is not valid", "among 1..2");
        AssertFails(cli, cli.Simulate("--network", net, "--cell-types", "2", "--trajectory", "2:2"), 2, "--trajectory: '2:2' is not valid");
    }

    [Theory]
    [InlineData("A\tB\t+\nA\tB\t-\n", "net.tsv:2: the edge A -> B is listed twice (lines 1 and 2)")]
    [InlineData("A\tB\tstrong\n", "net.tsv:1: field 3 ('strong') is neither a finite weight nor a sign")]
    [InlineData("A\tB\t+\nC\n", "net.tsv:2: expected 2 to 4 fields")]
    [InlineData("A\tB\t1\tzero\n", "net.tsv:1: field 4 ('zero'): the Hill coefficient of A -> B must be a finite number > 0")]
    [InlineData("A\tB\t0\nB\tC\t0\n", "net.tsv: the file lists 3 genes but no edges (2 rows with weight 0 are non-edges)")]
    [InlineData("", "net.tsv: the file is empty")]
    public void BadEdgeListsNameFileLineAndField(string content, string message)
    {
        using var cli = new SimulateCli();
        var net = cli.File("net.tsv", content);
        AssertFails(cli, cli.Simulate("--network", net), 1, message);
    }

    [Fact]
    public void BadDotFilesNameTheLine()
    {
        using var cli = new SimulateCli();
        var dot = cli.File("net.dot", "digraph g {\n\"A\" -> \"B\" [value=\"+\"];\n\"A\" => \"C\";\n}\n");
        AssertFails(cli, cli.Simulate("--network", dot), 1, "net.dot:3: cannot read this GraphViz line: '\"A\" => \"C\";'");
        var sign = cli.File("sign.dot", "digraph g {\n\"A\" -> \"B\" [value=\"x\"];\n}\n");
        AssertFails(cli, cli.Simulate("--network", sign), 1, "sign.dot:2: edge value 'x' is not a sign");
    }

    [Fact]
    public void MissingNetworkFileAndOutputDirectory()
    {
        using var cli = new SimulateCli();
        AssertFails(cli, cli.Simulate("--network", cli.PathOf("absent.tsv")), 1, "absent.tsv");
        var net = cli.File("net.tsv", Net);
        var r = cli.Run("simulate", "--network", net, "--out", cli.PathOf("nowhere/sim"));
        Assert.Equal(1, r.Code);
        Assert.Contains("does not exist", r.Err);
        Assert.Empty(Directory.GetFiles(cli.Dir, "*.tmp"));
    }

    [Fact]
    public void UnreachableDropoutRateNamesTheOption()
    {
        using var cli = new SimulateCli();
        var net = cli.File("net.tsv", Net);
        AssertFails(cli, cli.Simulate("--network", net, "--cells", "50", "--library-size", "2", "--dropout", "0.1"), 2,
            "--dropout: the requested dropout rate 0.1 is not above the zero fraction");
    }
}
