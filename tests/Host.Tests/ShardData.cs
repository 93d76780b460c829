using System.Globalization;
using System.Text;

namespace GrnFast.Host.Tests;

/// <summary>A generated problem big enough that the cross-products' GEMM runs on several threads and blocks.</summary>
internal sealed record ShardData(string Expression, string Regulators, string Prior, int Genes, int Cells)
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
            cli.File("prior.tsv", prior.ToString()), genes, cells);
    }

    /// <summary>
    /// The prior as CellOracle's base GRN (peak_id, gene_short_name, one 0/1 column per TF): two peaks per target,
    /// each with alternate ones of its candidates, so the union of a gene's peaks is its prior candidates.
    /// </summary>
    public string BaseGrn(Cli cli, string name = "base_grn.tsv")
    {
        var edges = File.ReadAllLines(Prior).Select(l => l.Split('\t')).Select(f => (Tf: f[0], Target: f[1])).ToList();
        var tfs = edges.Select(e => e.Tf).Distinct().OrderBy(t => int.Parse(t[1..], CultureInfo.InvariantCulture)).ToArray();
        var sb = new StringBuilder("peak_id\tgene_short_name\t" + string.Join('\t', tfs) + "\n");
        foreach (var target in edges.GroupBy(e => e.Target))
        {
            var mine = target.Select(e => e.Tf).ToList();
            for (int peak = 0; peak < 2; peak++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"chr1_{target.Key}_{peak}\t{target.Key}");
                foreach (var tf in tfs) sb.Append('\t').Append(mine.IndexOf(tf) is int i && i >= 0 && i % 2 == peak ? '1' : '0');
                sb.Append('\n');
            }
        }
        return cli.File(name, sb.ToString());
    }

    /// <summary>A cell -> cluster file (named cells c0, c1, ...): <paramref name="clusters"/> (at least 2) clusters of unequal sizes.</summary>
    public string Groups(Cli cli, int clusters = 3, string name = "groups.tsv")
    {
        var sb = new StringBuilder("cell\tcluster\n");
        for (int c = 0; c < Cells; c++) sb.Append(CultureInfo.InvariantCulture, $"c{c}\tk{(c % 5 == 0 ? 0 : 1 + c % (clusters - 1))}\n");
        return cli.File(name, sb.ToString());
    }
}
