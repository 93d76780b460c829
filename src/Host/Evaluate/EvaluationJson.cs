using System.Text;
using System.Text.Json;
using GrnFast.IO;
using GrnFast.Solvers.Evaluation;

namespace GrnFast.Host.Evaluate;

/// <summary>Counts that <c>evaluate</c> reports besides the metrics (what was dropped or did not match).</summary>
internal sealed record EvaluationCounts
{
    public int GoldSelfLoops { get; init; }
    public int GoldDuplicates { get; init; }
    public int GoldAbsentRows { get; init; }
    public int NetworkSelfLoops { get; init; }
    public int NetworkDuplicates { get; init; }
    public int NetworkEdges { get; init; }
    public int NetworkEdgesOutsideUniverse { get; init; }
    public int GoldGenesAbsentFromNetwork { get; init; }
    public int RegulatorsNotInGold { get; init; }
    public int HeldOutGenesListed { get; init; }
    public int HeldOutGenesNotInUniverse { get; init; }
    public int PriorPairsListed { get; init; }
    public int PriorPairsOutsideUniverse { get; init; }
    public int PriorGenesNotInGold { get; init; }
}

/// <summary>Writes the metrics file of <c>evaluate</c>: one JSON object, NaN as null, written atomically.</summary>
internal static class EvaluationJson
{
    public static string Mode(EvaluateArguments a)
    {
        var parts = new List<string>();
        if (a.HeldOutTargets is not null) parts.Add("heldout-targets");
        if (a.HeldOutRegulators is not null) parts.Add("heldout-regulators");
        if (a.ExcludePriors.Count > 0) parts.Add("exclude-prior");
        return parts.Count == 0 ? "all" : string.Join('+', parts);
    }

    public static void Write(string path, EvaluateArguments a, NetworkEvaluationResult r, EvaluationCounts c)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("network", a.Network);
            w.WriteString("gold_standard", a.Gold);
            w.WriteString("mode", Mode(a));
            w.WriteStartObject("universe");
            w.WriteNumber("genes", r.Genes);
            w.WriteNumber("regulators", r.Regulators);
            w.WriteString("regulators_from", a.Regulators ?? "gold standard");
            w.WriteNumber("pairs", r.UniversePairs);
            w.WriteEndObject();
            if ((a.HeldOutTargets ?? a.HeldOutRegulators) is { } heldOutFile)
            {
                w.WriteStartObject("heldout");
                w.WriteString("axis", a.HeldOutTargets is not null ? "targets" : "regulators");
                w.WriteString("file", heldOutFile);
                w.WriteNumber("genes_listed", c.HeldOutGenesListed);
                w.WriteNumber("genes_used", c.HeldOutGenesListed - c.HeldOutGenesNotInUniverse);
                w.WriteNumber("pairs", r.HeldOutPairs);
                w.WriteEndObject();
            }
            else w.WriteNull("heldout");
            if (a.ExcludePriors.Count > 0)
            {
                w.WriteStartObject("exclude_prior");
                w.WriteStartArray("files");
                foreach (var f in a.ExcludePriors) w.WriteStringValue(f);
                w.WriteEndArray();
                w.WriteNumber("pairs_listed", c.PriorPairsListed);
                w.WriteNumber("pairs_excluded", r.ExcludedPairs);
                w.WriteNumber("positives_excluded", r.ExcludedPositives);
                w.WriteEndObject();
            }
            else w.WriteNull("exclude_prior");
            w.WriteNumber("network_edges_scored", r.NetworkEdgesScored);
            Metrics(w, r.Unsigned);
            if (r.Activation is { } act && r.Repression is { } rep)
            {
                w.WriteStartObject("signed");
                w.WriteStartObject("activation");
                Metrics(w, act);
                w.WriteEndObject();
                w.WriteStartObject("repression");
                Metrics(w, rep);
                w.WriteEndObject();
                w.WriteNumber("unsigned_positives_skipped", r.UnsignedPositivesSkipped);
                w.WriteEndObject();
            }
            else w.WriteNull("signed");
            w.WriteStartObject("counts");
            w.WriteNumber("network_edges", c.NetworkEdges);
            w.WriteNumber("network_edges_outside_universe", c.NetworkEdgesOutsideUniverse);
            w.WriteNumber("network_self_loops", c.NetworkSelfLoops);
            w.WriteNumber("network_duplicates", c.NetworkDuplicates);
            w.WriteNumber("gold_self_loops", c.GoldSelfLoops);
            w.WriteNumber("gold_duplicates", c.GoldDuplicates);
            w.WriteNumber("gold_rows_labelled_0", c.GoldAbsentRows);
            w.WriteNumber("gold_genes_absent_from_network", c.GoldGenesAbsentFromNetwork);
            w.WriteNumber("regulators_not_in_gold", c.RegulatorsNotInGold);
            w.WriteNumber("heldout_genes_not_in_universe", c.HeldOutGenesNotInUniverse);
            w.WriteNumber("prior_pairs_outside_universe", c.PriorPairsOutsideUniverse);
            w.WriteNumber("prior_genes_not_in_gold", c.PriorGenesNotInGold);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        string text = Encoding.UTF8.GetString(buffer.ToArray());
        AtomicFile.WriteText(path, t => t.Write(text + "\n"));
    }

    private static void Metrics(Utf8JsonWriter w, RankingMetrics m)
    {
        w.WriteNumber("pairs", m.Pairs);
        w.WriteNumber("positives", m.Positives);
        w.WriteNumber("predicted_pairs", m.PredictedPairs);
        Number(w, "positive_rate", m.PositiveRate);
        Number(w, "auprc", m.Auprc);
        Number(w, "auprc_ratio", m.AuprcRatio);
        Number(w, "auroc", m.Auroc);
        Number(w, "auroc_ratio", m.AurocRatio);
        Number(w, "early_precision", m.EarlyPrecision.Precision);
        Number(w, "early_precision_ratio", m.EarlyPrecision.Ratio);
        w.WriteNumber("early_precision_k", m.EarlyPrecision.K);
        w.WriteNumber("early_precision_selected", m.EarlyPrecision.Selected);
        w.WriteNumber("early_precision_true", m.EarlyPrecision.TruePositives);
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value); else w.WriteNull(name);
    }
}
