using System.Globalization;
using System.Text;

namespace GrnFast.Host.Tests;

/// <summary>A generated problem big enough that the cross-products' GEMM runs on several threads and blocks.</summary>
internal sealed record ShardData(string Expression, string Regulators, string Prior, int Genes)
{
    /// <summary>
    /// cells x genes CSV: the first <paramref name="regulators"/> genes independent, every other gene a sum of 2-4
    /// regulators plus noise; a mask-style prior giving each target 1..25 candidates (true regulators included),
    /// so targets cost very different amounts.
    /// </summary>
    public static ShardData Make(Cli cli, int cells = 500, int genes = 150, int regulators = 40, int seed = 7)
    {
        var rng = new Random(seed);
        double N() => rng.NextDouble() * 2 - 1;
        var parents = new int[genes][];
        var prior = new StringBuilder();
        for (int g = 0; g < genes; g++)
        {
            parents[g] = g < regulators ? [] : Enumerable.Range(0, regulators).OrderBy(_ => rng.Next()).Take(2 + rng.Next(3)).ToArray();
            var candidates = new HashSet<int>(parents[g]);
            int want = 1 + rng.Next(Math.Min(25, regulators - 1));
            while (candidates.Count < want) { int r = rng.Next(regulators); if (r != g) candidates.Add(r); }
            foreach (var r in candidates.Order()) prior.Append(CultureInfo.InvariantCulture, $"G{r + 1}\tG{g + 1}\t{0.2 + 0.8 * rng.NextDouble():R}\n");
        }
        var sb = new StringBuilder("cell");
        for (int g = 0; g < genes; g++) sb.Append(CultureInfo.InvariantCulture, $",G{g + 1}");
        sb.Append('\n');
        var row = new double[genes];
        for (int c = 0; c < cells; c++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"c{c}");
            for (int g = 0; g < genes; g++)
            {
                double v = 0.3 * N();
                foreach (var p in parents[g]) v += (p % 2 == 0 ? 1 : -0.7) * row[p];
                row[g] = g < regulators ? N() : v;
                sb.Append(CultureInfo.InvariantCulture, $",{row[g]:R}");
            }
            sb.Append('\n');
        }
        return new ShardData(cli.File("x.csv", sb.ToString()),
            cli.File("regulators.txt", string.Join('\n', Enumerable.Range(1, regulators).Select(r => $"G{r}")) + "\n"),
            cli.File("prior.tsv", prior.ToString()), genes);
    }
}
