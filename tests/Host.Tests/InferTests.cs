using System.Text.Json;

namespace GrnFast.Host.Tests;

public class InferTests
{
    private static string[] Rows(string path) => File.ReadAllLines(path)[1..];

    [Fact]
    public void FitsAGeneratedNetwork()
    {
        using var cli = new Cli();
        var x = cli.Expression(constantG5: true);
        var tfs = cli.File("tfs.txt", "# regulators\nG1\nG4\nG5\nG6\nMissing1\nMissing2\nG1\n");
        var r = cli.Run("infer", "--expression", x, "--regulators", tfs, "--out", cli.PathOf("net.tsv"), "--timings", cli.PathOf("t.json"), "--threads", "1");
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal("", r.Out); // logs go to stderr only
        Assert.Contains("2 of 6 regulators in", r.Err);
        Assert.Contains("Missing1, Missing2", r.Err);
        Assert.Contains("'G1' repeats line 2", r.Err);
        Assert.Contains("regulators dropped for zero variance or non-finite values: G5", r.Err);
        Assert.Contains("genes are not fitted as targets (zero variance or non-finite values): G5", r.Err);
        Assert.Contains("targets fitted", r.Err);

        var lines = File.ReadAllLines(cli.PathOf("net.tsv"));
        Assert.Equal("TF\ttarget\timportance\tcoef", lines[0]);
        var edges = lines[1..].Select(l => l.Split('\t')).ToArray();
        Assert.All(edges, e => Assert.NotEqual(e[0], e[1]));                 // no self loops
        Assert.All(edges, e => Assert.NotEqual("G5", e[0]));
        Assert.All(edges, e => Assert.True(double.Parse(e[2], System.Globalization.CultureInfo.InvariantCulture) != 0));
        var importance = edges.Select(e => double.Parse(e[2], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(importance.OrderByDescending(v => v), importance);      // sorted
        Assert.Contains(edges, e => e[0] == "G1" && e[1] == "G2" && double.Parse(e[3], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Contains(edges, e => e[0] == "G1" && e[1] == "G3" && double.Parse(e[3], System.Globalization.CultureInfo.InvariantCulture) < 0);
        // G2's strongest regulator is G1
        Assert.Equal("G1", edges.First(e => e[1] == "G2")[0]);

        using var json = JsonDocument.Parse(File.ReadAllText(cli.PathOf("t.json")));
        foreach (var key in new[] { "load", "standardize", "gram", "solve", "write", "total", "cells", "genes", "regulators", "targets", "threads", "blas" })
            Assert.True(json.RootElement.TryGetProperty(key, out _), key);
        Assert.Equal(60, json.RootElement.GetProperty("cells").GetInt32());
        Assert.Equal(3, json.RootElement.GetProperty("regulators").GetInt32());
        Assert.Equal(5, json.RootElement.GetProperty("targets").GetInt32());
    }

    /// <summary>
    /// ElasticNet(rho = 1) is the lasso, and the network is the same bits for any thread count: same
    /// file byte for byte.
    /// </summary>
    [Fact]
    public void ElasticNetWithL1RatioOneIsTheLassoAndThreadsDoNotChangeTheOutput()
    {
        using var cli = new Cli();
        var x = cli.Expression(cells: 80);
        var tfs = cli.Regulators("G1", "G3", "G4", "G6");
        var lasso = cli.Run("infer", "--expression", x, "--regulators", tfs, "--method", "lasso", "--threads", "1", "--out", cli.PathOf("lasso.tsv"));
        var enet = cli.Run("infer", "--expression", x, "--regulators", tfs, "--method", "elasticnet", "--l1-ratio", "1", "--threads", "2", "--out", cli.PathOf("enet.tsv"));
        var half = cli.Run("infer", "--expression", x, "--regulators", tfs, "--method", "elasticnet", "--l1-ratio", "0.5", "--out", cli.PathOf("half.tsv"));
        Assert.True(lasso.Code == 0 && enet.Code == 0 && half.Code == 0, lasso.Err + enet.Err + half.Err);
        Assert.Equal(File.ReadAllBytes(cli.PathOf("lasso.tsv")), File.ReadAllBytes(cli.PathOf("enet.tsv")));
        Assert.NotEqual(File.ReadAllBytes(cli.PathOf("lasso.tsv")), File.ReadAllBytes(cli.PathOf("half.tsv")));
    }

    [Fact]
    public void MaskPriorRestrictsCandidatesAndPathSnapshotIsWritten()
    {
        using var cli = new Cli();
        var prior = cli.File("prior.tsv", "regulator\ttarget\tweight\nG1\tG2\t1\nG4\tG3\t0.5\nGhost\tG3\t1\n");
        var r = cli.Run("infer", "--expression", cli.Expression(), "--regulators", cli.Regulators("G1", "G4", "G6"),
            "--prior", prior, "--prior-mode", "mask", "--method", "lasso", "--path", "20",
            "--path-coef-index", "10", "--path-coef-out", cli.PathOf("path.tsv"), "--out", cli.PathOf("net.tsv"));
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("prior.tsv: 1 pairs name genes absent from the data (1 genes: Ghost)", r.Err);
        var edges = Rows(cli.PathOf("net.tsv")).Select(l => l.Split('\t')[0] + "->" + l.Split('\t')[1]).ToHashSet();
        Assert.Subset(new HashSet<string> { "G1->G2", "G4->G3" }, edges);
        Assert.Contains("G1->G2", edges);
        var path = File.ReadAllLines(cli.PathOf("path.tsv"));
        Assert.Equal("TF\ttarget\talpha\tcoef", path[0]);
        Assert.All(path[1..], l => Assert.Contains(l.Split('\t')[0] + "->" + l.Split('\t')[1], edges.Append("G1->G2").Append("G4->G3")));
    }

    [Fact]
    public void WeightPriorFromSeveralSourcesAndExplicitTargets()
    {
        using var cli = new Cli();
        var a = cli.File("a.tsv", "G6\tG2\t1\n");
        var b = cli.File("b.tsv", "G6\tG2\t0.2\nG4\tG3\n");
        var targets = cli.File("targets.txt", "G2\nG3\n");
        var r = cli.Run("infer", "--expression", cli.Expression(), "--regulators", cli.Regulators("G1", "G4", "G6"),
            "--targets", targets, "--prior", a, "--prior", b, "--alpha", "0.01", "--out", cli.PathOf("net.tsv"));
        Assert.True(r.Code == 0, r.Err);
        var targetsSeen = Rows(cli.PathOf("net.tsv")).Select(l => l.Split('\t')[1]).ToHashSet();
        Assert.Subset(new HashSet<string> { "G2", "G3" }, targetsSeen);
    }

    [Fact]
    public void NpyInputWithGeneNames()
    {
        using var cli = new Cli();
        // Fortran-order float64 written like numpy.save: 40 cells x 3 genes, g2 = g0 + small noise.
        var rng = new Random(3);
        int n = 40;
        var v = new double[n * 3];
        for (int i = 0; i < n; i++) { v[i] = rng.NextDouble(); v[n + i] = rng.NextDouble(); v[2 * n + i] = v[i] + 0.01 * rng.NextDouble(); }
        string dict = $"{{'descr': '<f8', 'fortran_order': True, 'shape': ({n}, 3), }}";
        int padded = (10 + dict.Length + 1 + 63) / 64 * 64;
        string header = dict + new string(' ', padded - 10 - dict.Length - 1) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange(new byte[] { 1, 0, (byte)header.Length, 0 });
        bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(header));
        bytes.AddRange(System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.AsSpan()).ToArray());
        var npy = cli.PathOf("x.npy");
        File.WriteAllBytes(npy, bytes.ToArray());
        var genes = cli.File("genes.txt", "A\nB\nC\n");
        var r = cli.Run("infer", "--expression", npy, "--genes", genes, "--regulators", cli.File("r.txt", "A\nB\n"), "--out", cli.PathOf("net.tsv"));
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("memory-mapped", r.Err);
        Assert.StartsWith("A\tC\t", Rows(cli.PathOf("net.tsv")).First(l => l.Split('\t')[1] == "C"));
    }

    [Fact]
    public void HelpAndInfoGoToStdout()
    {
        using var cli = new Cli();
        var help = cli.Run("infer", "--help");
        Assert.Equal(0, help.Code);
        Assert.Contains("w = 1 - (1 - W) * confidence", help.Out);
        var info = cli.Run("info");
        Assert.Equal(0, info.Code);
        // The elastic-net methods' cross-products always use the managed GEMM; the native library found is reported with the methods that use it.
        Assert.Contains("\ninfer blas:      managed (blocked GEMM, ", info.Out);
        Assert.Matches(@"\nnative blas:     (none: |unusable \(|\S+ \(/.*\): .*; used by netrex-cf, pmf-grn and joint \(lasso, elasticnet, ridge and celloracle use the managed GEMM\)\n)", info.Out);
        Assert.Contains("instruction set:", info.Out);
        Assert.Contains("GRNFAST_BLAS", info.Out);
        Assert.Equal(2, cli.Run().Code);
    }
}
