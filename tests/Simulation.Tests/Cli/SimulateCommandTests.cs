using System.Globalization;
using GrnFast.IO;

namespace GrnFast.Simulation.Tests.Cli;

public class SimulateCommandTests
{
    private const string Chain = "regulator\ttarget\tsign\nM\tA\t+\nA\tB\t-\nM\tC\tactivation\nN\tC\t2.5\nN\tD\t-1.5\n";

    private static void AssertOk((int Code, string Out, string Err) r) => Assert.True(r.Code == 0, $"exit {r.Code}: {r.Err}");

    [Fact]
    public void GeneratedNetworkWritesEveryFileConsistently()
    {
        using var cli = new SimulateCli();
        var r = cli.Simulate("--generate", "scale-free", "--genes", "30", "--cells", "200", "--cell-types", "2", "--rewire", "0.2",
            "--knockout", "G03", "--dropout", "0.4", "--seed", "5");
        AssertOk(r);
        Assert.Equal(
            ["sim.cells.tsv", "sim.expression.npy", "sim.expression.tsv", "sim.genes.txt", "sim.network.tsv", "sim.network.type2.tsv", "sim.parameters.tsv", "sim.regulators.txt"],
            cli.OutputFiles());
        Assert.Contains("zeros 40.", r.Err);
        using var tsv = ExpressionReader.Read(cli.PathOf("sim.expression.tsv"));
        using var npy = ExpressionReader.Read(cli.PathOf("sim.expression.npy"), geneNamesPath: cli.PathOf("sim.genes.txt"));
        Assert.Equal(200, tsv.Cells);
        Assert.Equal(30, tsv.Genes);
        Assert.Equal(tsv.GeneNames, npy.GeneNames);
        Assert.Equal(ToArray(tsv), ToArray(npy));
        var cells = File.ReadAllLines(cli.PathOf("sim.cells.tsv"));
        Assert.Equal("cell\tcell_type\tguide\tperturbation\tpseudotime\tsize_factor\ttotal_counts", cells[0]);
        Assert.Equal(201, cells.Length);
        Assert.Equal(100, cells.Count(l => l.Contains("\tG03\tknockout\t", StringComparison.Ordinal)));
        var network = File.ReadAllLines(cli.PathOf("sim.network.tsv"));
        Assert.Equal("regulator\ttarget\tweight\tsign", network[0]);
        Assert.All(network.Skip(1), l => Assert.Matches(@"^G\d+\tG\d+\t[0-9.E+-]+\t[+-]$", l));
        Assert.NotEqual(network, File.ReadAllLines(cli.PathOf("sim.network.type2.tsv")));
    }

    private static float[] ToArray(ExpressionData data)
    {
        var values = new float[data.Cells * data.Genes];
        for (int c = 0; c < data.Cells; c++)
            for (int g = 0; g < data.Genes; g++)
                values[c * data.Genes + g] = data.Single is { } s ? s[c, g] : (float)data.Double!.Value[c, g];
        return values;
    }

    [Fact]
    public void SameSeedSameBytesForAnyThreadCount()
    {
        byte[][] Run(string threads, string seed)
        {
            using var cli = new SimulateCli();
            AssertOk(cli.Simulate("--generate", "small-world", "--genes", "40", "--cells", "300", "--knockdown", "G02,G05", "--seed", seed, "--threads", threads));
            return cli.OutputFiles().Select(f => File.ReadAllBytes(cli.PathOf(f))).ToArray();
        }
        var one = Run("1", "7");
        Assert.Equal(one, Run("2", "7"));
        var other = Run("1", "8");
        Assert.NotEqual(one[2], other[2]); // expression.tsv
    }

    [Fact]
    public void ReadsAnEdgeListWithSignsAndWeights()
    {
        using var cli = new SimulateCli();
        var net = cli.File("net.tsv", Chain);
        AssertOk(cli.Simulate("--network", net, "--cells", "100", "--values", "clean"));
        var network = File.ReadAllLines(cli.PathOf("sim.network.tsv")).Skip(1).Select(l => l.Split('\t')).ToArray();
        Assert.Equal(5, network.Length);
        // Sorted by regulator, then target, in gene order (M, A, B, C, N, D).
        Assert.Equal(["M>A+", "M>C+", "A>B-", "N>C+", "N>D-"], network.Select(e => $"{e[0]}>{e[1]}{e[3]}").ToArray());
        Assert.Equal("2.5", network.Single(e => e[0] == "N" && e[1] == "C")[2]);
        Assert.Equal("1.5", network.Single(e => e[0] == "N" && e[1] == "D")[2]);
        Assert.Equal(["M", "A", "N"], File.ReadAllLines(cli.PathOf("sim.regulators.txt")));
        Assert.Equal("M\tA\tB\tC\tN\tD", File.ReadAllLines(cli.PathOf("sim.genes.txt")).Aggregate((a, b) => a + "\t" + b));
    }

    [Fact]
    public void ZeroOneColumnsAreEdgePresence()
    {
        // A DREAM gold standard: every ordered pair, 1 for an edge, 0 otherwise, no signs.
        using var cli = new SimulateCli();
        var gold = cli.File("gold.tsv", "G1\tG2\t1\nG1\tG3\t1\nG2\tG3\t0\nG3\tG1\t0\nG2\tG4\t1\nG4\tG3\t0\n");
        var r = cli.Simulate("--network", gold, "--cells", "64", "--network-seed", "3");
        AssertOk(r);
        Assert.Contains("4 genes, 3 edges", r.Err);
        Assert.Contains("3 rows with weight 0 skipped as non-edges", r.Err);
        Assert.Contains("every weight is 1, read as edge presence", r.Err);
        var weights = File.ReadAllLines(cli.PathOf("sim.network.tsv")).Skip(1).Select(l => double.Parse(l.Split('\t')[2], CultureInfo.InvariantCulture)).ToArray();
        Assert.All(weights, w => Assert.InRange(w, 1, 5));
        Assert.Equal(3, weights.Distinct().Count());
    }

    [Fact]
    public void ReadsGeneNetWeaverDotFiles()
    {
        using var cli = new SimulateCli();
        var dot = cli.File("net.dot", "digraph \"Ecoli-1\" {\n\trankdir=LR;\n\t\"crp\";\n\t\"araC\";\n\t\"lone\";\n"
            + "\t\"crp\" -> \"araC\" [value=\"+\"];\n\t\"araC\" -> \"araC\" [value=\"-\"];\n\t\"crp\" -> \"lacZ\" [value=\"+-\"];\n\t\"araC\" -> \"lacZ\" [value=\"?\"];\n}\n");
        var r = cli.Simulate("--network", dot, "--cells", "64");
        AssertOk(r);
        Assert.Contains("4 genes, 4 edges", r.Err);
        Assert.Contains("2 unsigned edges drawn", r.Err);
        Assert.Contains("1 self loops kept", r.Err);
        Assert.Contains("the network has cycles", r.Err);
        Assert.Equal(["crp", "araC", "lone", "lacZ"], File.ReadAllLines(cli.PathOf("sim.genes.txt")));
    }

    [Fact]
    public void SimulatedDataFeedInfer()
    {
        using var cli = new SimulateCli();
        AssertOk(cli.Simulate("--generate", "scale-free", "--genes", "25", "--cells", "300", "--values", "lognorm", "--format", "tsv"));
        var r = cli.Run("infer", "--expression", cli.PathOf("sim.expression.tsv"), "--regulators", cli.PathOf("sim.regulators.txt"), "--out", cli.PathOf("edges.tsv"));
        AssertOk(r);
        Assert.True(File.ReadAllLines(cli.PathOf("edges.tsv")).Length > 5);
    }

    /// <summary>--format arrow: the same values as the TSV, memory-mapped by infer, which finds the same network.</summary>
    [Fact]
    public void ArrowOutputHoldsTheTsvValuesAndFeedsInfer()
    {
        using var cli = new SimulateCli();
        AssertOk(cli.Simulate("--generate", "scale-free", "--genes", "25", "--cells", "300", "--values", "lognorm", "--format", "tsv,arrow"));
        using (var tsv = ExpressionReader.Read(cli.PathOf("sim.expression.tsv")))
        using (var arrows = ExpressionReader.Read(cli.PathOf("sim.expression.arrows")))
        {
            Assert.True(arrows.IsMemoryMapped);
            Assert.Equal(tsv.GeneNames, arrows.GeneNames);
            Assert.Equal(tsv.CellNames, arrows.CellNames);
            var fromArrow = new float[arrows.Cells * arrows.Genes];
            int row = 0;
            foreach (var block in arrows.Blocks!.Blocks)
            {
                using var columns = block.Open();
                for (int g = 0; g < arrows.Genes; g++)
                    for (int r = 0; r < columns.Rows; r++) fromArrow[(row + r) * arrows.Genes + g] = columns.Column(g)[r];
                row += columns.Rows;
            }
            Assert.Equal(ToArray(tsv), fromArrow);
        }
        foreach (var input in new[] { "sim.expression.tsv", "sim.expression.arrows" })
            AssertOk(cli.Run("infer", "--expression", cli.PathOf(input), "--regulators", cli.PathOf("sim.regulators.txt"), "--out", cli.PathOf(input + ".net.tsv")));
        // In memory the cross-products are taken against the raw input, from Arrow blocks over standardised chunks:
        // the same network up to round-off (so near-tied edges may swap places; compare edge by edge).
        static Dictionary<(string, string), double> Edges(string path) => File.ReadAllLines(path)[1..].Select(l => l.Split('\t'))
            .ToDictionary(f => (f[0], f[1]), f => double.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture));
        var a = Edges(cli.PathOf("sim.expression.tsv.net.tsv"));
        var b = Edges(cli.PathOf("sim.expression.arrows.net.tsv"));
        Assert.True(a.Count > 5);
        Assert.Equal(a.Keys.OrderBy(k => k), b.Keys.OrderBy(k => k));
        foreach (var (edge, importance) in a)
            Assert.True(Math.Abs(importance - b[edge]) <= 1e-9 * Math.Max(1e-12, Math.Abs(importance)), $"{edge}: {importance:R} vs {b[edge]:R}");
    }

    [Fact]
    public void DifferentiationWritesPseudotime()
    {
        using var cli = new SimulateCli();
        AssertOk(cli.Simulate("--generate", "scale-free", "--genes", "20", "--cells", "200", "--cell-types", "3", "--trajectory", "1:2", "--trajectory", "type1:type3", "--format", "npy"));
        var rows = File.ReadAllLines(cli.PathOf("sim.cells.tsv")).Skip(1).Select(l => l.Split('\t')).ToArray();
        Assert.Equal(100, rows.Count(r => r[1] == "type1->type2"));
        Assert.Equal(100, rows.Count(r => r[1] == "type1->type3"));
        Assert.All(rows, r => Assert.InRange(double.Parse(r[4], CultureInfo.InvariantCulture), 0, 1));
    }
}
