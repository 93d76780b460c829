using GrnFast.IO;

namespace GrnFast.Host.Tests.Serve;

/// <summary>Inputs shared by the host tests: the DREAM4 demo data from the source tree and generated problems.</summary>
internal static class ServeData
{
    public static string Repo { get; } = FindRepo();

    public static string Knockouts => Path.Combine(Repo, "src", "Host", "DemoData", "insilico_size100_1_knockouts.tsv");

    public static string GoldStandard => Path.Combine(Repo, "src", "Host", "DemoData", "DREAM4_GoldStandard_InSilico_Size100_1.tsv");

    public static readonly string[] Regulators = Enumerable.Range(1, 20).Select(i => $"G{i}").ToArray();

    public static string RegulatorsJson => "[" + string.Join(",", Regulators.Select(r => $"\"{r}\"")) + "]";

    /// <summary>A prior file: every 5th true edge of the gold standard with confidence 0.8, and a few false ones at 0.3.</summary>
    public static string WritePrior(string dir)
    {
        var lines = File.ReadLines(GoldStandard).Select(l => l.Split('\t')).ToList();
        var rows = lines.Where(f => f[2] == "1").Where((_, i) => i % 5 == 0).Select(f => $"{f[0]}\t{f[1]}\t0.8")
            .Concat(lines.Where(f => f[2] == "0").Where((_, i) => i % 400 == 0).Select(f => $"{f[0]}\t{f[1]}\t0.3"));
        var path = Path.Combine(dir, "prior.tsv");
        File.WriteAllText(path, "regulator\ttarget\tweight\n" + string.Join("\n", rows) + "\n");
        return path;
    }

    /// <summary>
    /// cells x genes float64, column-major: 50 independent drivers, every other gene a noisy mix of two of them. Fitted
    /// with a tight tolerance on one thread this takes seconds, long enough to cancel while it runs.
    /// </summary>
    public static (double[] Data, string[] Genes) SlowProblem(int cells = 400, int genes = 300)
    {
        var rng = new Random(11);
        var x = new double[cells * genes];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble() * 2 - 1;
        for (int j = 50; j < genes; j++)
            for (int c = 0; c < cells; c++)
                x[j * cells + c] = 0.5 * x[j * cells + c] + 0.3 * x[(j % 50) * cells + c] + 0.2 * x[(j * 7 % 50) * cells + c];
        return (x, Enumerable.Range(0, genes).Select(j => $"g{j}").ToArray());
    }

    /// <summary>A small inline problem that fits in milliseconds: 30 cells x 5 genes, G2 = 2 G1 + noise.</summary>
    public static byte[] TinyExpression()
    {
        var (x, genes) = (new double[30 * 5], new[] { "G1", "G2", "G3", "G4", "G5" });
        var rng = new Random(5);
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble();
        for (int c = 0; c < 30; c++) x[30 + c] = 2 * x[c] + 0.01 * x[60 + c];
        return TestStreams.Expression(x, 30, genes, batchRows: 16);
    }

    public static ExpressionData ReadKnockouts() => ExpressionReader.Read(Knockouts);

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GrnFast.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no GrnFast.sln above {AppContext.BaseDirectory}");
    }
}
