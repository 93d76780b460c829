using System.Globalization;
using GrnFast.IO;
using GrnFast.Solvers.CellOracle;

namespace GrnFast.Host.Infer;

/// <summary>One row of CellOracle's links table.</summary>
internal readonly record struct CellOracleLink(string Source, string Target, double CoefMean, double? CoefVariance, PValue P, string? Cluster)
{
    public double CoefAbs => Math.Abs(CoefMean);
}

/// <summary>
/// The links of a <c>--method celloracle</c> run, as CellOracle's <c>Links.links_dict</c> (merged with a <c>cluster</c>
/// column, as <c>Links.merge_links</c> does, when there are clusters), optionally filtered like <c>filter_links</c>.
/// </summary>
internal sealed class CellOracleLinks(List<CellOracleLink> rows, bool bayesian, bool clustered, string summary)
{
    public List<CellOracleLink> Rows { get; } = rows;
    public bool Bayesian { get; } = bayesian;
    public bool Clustered { get; } = clustered;
    public string Summary { get; } = summary;

    /// <summary>Per cluster: links with p &lt;= P, the top N by the weight, in weight order.</summary>
    public CellOracleLinks Filter(LinkFilter f)
    {
        var kept = new List<CellOracleLink>();
        foreach (var cluster in Rows.GroupBy(r => r.Cluster ?? "", StringComparer.Ordinal))
            kept.AddRange(cluster.Where(r => r.P.P <= f.P).OrderBy(r => r, Comparer(f.Weight)).Take(f.Top));
        return new CellOracleLinks(kept, Bayesian, Clustered, $"{Summary}; {kept.Count} links kept by the filter (p <= {f.P:G3}, top {f.Top} by {Name(f.Weight)} per cluster)");
    }

    /// <summary>Cluster label (ordinal), then the weight descending, then source and target (ordinal).</summary>
    public static IComparer<CellOracleLink> Comparer(LinkWeight weight) => Comparer<CellOracleLink>.Create((a, b) =>
    {
        int c = string.CompareOrdinal(a.Cluster, b.Cluster);
        if (c != 0) return c;
        c = Weight(b, weight).CompareTo(Weight(a, weight));
        if (c != 0) return c;
        c = string.CompareOrdinal(a.Source, b.Source);
        return c != 0 ? c : string.CompareOrdinal(a.Target, b.Target);
    });

    private static double Weight(CellOracleLink l, LinkWeight w) => w switch
    {
        LinkWeight.CoefMean => l.CoefMean,
        LinkWeight.NegLogP => l.P.NegLog10P,
        _ => l.CoefAbs,
    };

    /// <summary>The weight's column name, as --filter-weight takes it.</summary>
    internal static string Name(LinkWeight w) => w switch { LinkWeight.CoefMean => "coef_mean", LinkWeight.NegLogP => "-logp", _ => "coef_abs" };

    /// <summary>The weight a column name (<see cref="Name"/>) stands for; null for another name.</summary>
    internal static LinkWeight? WeightNamed(string name) => name switch
    {
        "coef_abs" => LinkWeight.CoefAbs,
        "coef_mean" => LinkWeight.CoefMean,
        "-logp" => LinkWeight.NegLogP,
        _ => null,
    };

    /// <summary>
    /// Writes <c>source target coef_mean coef_abs [coef_variance] p -logp [cluster]</c>, tab-separated (comma for .csv),
    /// sorted by cluster then coef_abs, atomically. An undefined p is NaN (CellOracle's value), its -logp 0.
    /// </summary>
    public void Write(string path, LinkWeight order = LinkWeight.CoefAbs)
    {
        char sep = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? ',' : '\t';
        var sorted = Rows.ToArray();
        Array.Sort(sorted, Comparer(order));
        AtomicFile.WriteText(path, w =>
        {
            var header = new List<string> { "source", "target", "coef_mean", "coef_abs" };
            if (Bayesian) header.Add("coef_variance");
            header.AddRange(["p", "-logp"]);
            if (Clustered) header.Add("cluster");
            w.Write(string.Join(sep, header));
            w.Write('\n');
            foreach (var r in sorted)
            {
                w.Write(r.Source); w.Write(sep); w.Write(r.Target); w.Write(sep);
                w.Write(Format(r.CoefMean)); w.Write(sep); w.Write(Format(r.CoefAbs)); w.Write(sep);
                if (Bayesian) { w.Write(Format(r.CoefVariance ?? double.NaN)); w.Write(sep); }
                w.Write(Format(r.P.P)); w.Write(sep); w.Write(Format(r.P.NegLog10P));
                if (Clustered) { w.Write(sep); w.Write(r.Cluster); }
                w.Write('\n');
            }
        });
    }

    /// <summary>Round-trip text; NaN and inf spelled as pandas reads them.</summary>
    private static string Format(double v) => double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "inf" : v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads back a tab-separated table <see cref="Write"/> wrote (a shard's part): the same doubles, so writing the
    /// rows again gives the same bytes. Which columns it has says whether it is BayesianRidge and clustered.
    /// </summary>
    /// <exception cref="InvalidDataException">Not such a table; the message names the file and line.</exception>
    public static CellOracleLinks Parse(string text, string path)
    {
        var lines = text.Split('\n');
        if (lines.Length < 2 || lines[^1] != "")
            throw new InvalidDataException($"{path}: not a CellOracle links table (a header and a final newline expected)");
        var header = lines[0].Split('\t');
        bool bayesian = header.Contains("coef_variance"), clustered = header.Contains("cluster");
        var expected = new List<string> { "source", "target", "coef_mean", "coef_abs" };
        if (bayesian) expected.Add("coef_variance");
        expected.AddRange(["p", "-logp"]);
        if (clustered) expected.Add("cluster");
        if (!header.SequenceEqual(expected))
            throw new InvalidDataException($"{path}: line 1 is not a CellOracle links header ({string.Join(" ", expected)} expected)");
        var rows = new List<CellOracleLink>(lines.Length - 2);
        for (int n = 1; n < lines.Length - 1; n++)
        {
            var f = lines[n].Split('\t');
            int at = 2;
            double Next() => f.Length == expected.Count && TryParse(f[at++], out double v) ? v
                : throw new InvalidDataException($"{path}: line {n + 1} is not a row of {string.Join(" ", expected)}");
            double coef = Next(), abs = Next();
            double? variance = bayesian ? Next() : null;
            double p = Next(), negLog = Next();
            if (!abs.Equals(Math.Abs(coef))) throw new InvalidDataException($"{path}: line {n + 1}: coef_abs is not |coef_mean|");
            rows.Add(new CellOracleLink(f[0], f[1], coef, variance, new PValue(p, negLog), clustered ? f[^1] : null));
        }
        return new CellOracleLinks(rows, bayesian, clustered, $"{rows.Count} links");
    }

    private static bool TryParse(string s, out double v)
    {
        if (s == "inf") { v = double.PositiveInfinity; return true; }
        if (s == "-inf") { v = double.NegativeInfinity; return true; }
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v);
    }
}
