using System.Globalization;
using System.Text;

namespace GrnFast.Host.Bench;

/// <summary>The tidy TSV (one row per run) and the markdown summary of a bench.</summary>
internal static class BenchReport
{
    public static readonly string[] Columns =
    [
        "dataset", "method", "prior", "prior_type", "prior_mode", "prior_weight", "seed", "mode", "pairs", "positives",
        "auprc", "auroc", "auprc_ratio", "epr", "seconds", "prior_edges", "prior_true_edges", "prior_only_auprc_ratio",
        "baseline_auprc_ratio", "baseline_epr", "gain_auprc_ratio", "gain_epr", "rel_gain_auprc",
    ];

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Tsv(IEnumerable<BenchRow> rows)
    {
        var sb = new StringBuilder();
        sb.AppendJoin('\t', Columns).Append('\n');
        foreach (var r in rows)
        {
            sb.AppendJoin('\t', [
                r.Dataset, r.Method, r.Prior, PriorSpec.TypeName(r.PriorType), r.PriorMode, Number(r.PriorWeight), r.Seed.ToString(C), ScoringModes.Name(r.Mode),
                r.Pairs.ToString(C), r.Positives.ToString(C), Number(r.Auprc), Number(r.Auroc), Number(r.AuprcRatio), Number(r.Epr),
                r.Seconds.ToString("F4", C), r.PriorEdges.ToString(C), r.PriorTrueEdges.ToString(C), Number(r.PriorOnlyAuprcRatio),
                Number(r.BaselineAuprcRatio), Number(r.BaselineEpr), Number(r.GainAuprcRatio), Number(r.GainEpr), Number(r.RelativeGainAuprc)]);
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>6 significant digits; NA for NaN or infinity.</summary>
    public static string Number(double x) => double.IsFinite(x) ? x.ToString("G6", C) : "NA";

    public static string Markdown(BenchConfig config, BenchResult result, string command)
    {
        var rows = result.Rows;
        var sb = new StringBuilder();
        sb.Append(C, $"# Prior benchmark: {Path.GetFileName(config.Path)}\n\n");
        sb.Append(C, $"`{command}`: {rows.Count} scored runs ({config.Datasets.Count} datasets x {config.Methods.Count} methods x {config.Priors.Count} priors x {config.Seeds.Count} seeds x {config.Scoring.Count} scoring modes, where the prior applies), ");
        sb.Append(C, $"{result.Fits} inferences, {result.Seconds:F1} s. Seeds: {string.Join(", ", config.Seeds)}; held-out fraction of targets {config.HeldOutFraction:G3}.\n\n");
        sb.Append("Datasets:\n\n");
        foreach (var d in result.DatasetDescriptions) sb.Append(C, $"- {d}\n");
        sb.Append("\nMethods: ").AppendJoin("; ", config.Methods.Select(m => $"{m.Name} ({m.Method}, rho {m.Options.L1Ratio:G3}, {(m.Options.Alpha is { } a ? $"alpha {a:G3}" : $"path of {m.Options.PathLength}")})")).Append(".\n\n");
        sb.Append("Priors: ").AppendJoin("; ", config.Priors.Select(Describe)).Append(".\n\n");
        sb.Append("Gains compare each run with the same method without a prior, scored on exactly the same pairs. ");
        sb.Append("Relative gain = AUPRC / baseline AUPRC - 1. Mean ± sd over seeds (per dataset) or over datasets (summary).\n");

        foreach (var mode in config.Scoring)
        {
            var inMode = rows.Where(r => r.Mode == mode).ToList();
            sb.Append(C, $"\n## Gain over no prior by prior type: {ScoringModes.Name(mode)}\n\n");
            sb.Append(ModeNote(mode)).Append("\n\n");
            sb.Append("| prior |");
            foreach (var m in config.Methods) sb.Append(C, $" {m.Name}: relative AUPRC gain | {m.Name}: EPR gain | {m.Name}: datasets improved |");
            sb.Append("\n|---|");
            foreach (var _ in config.Methods) sb.Append("---:|---:|---:|");
            sb.Append('\n');
            foreach (var prior in config.Priors.Where(p => p.Type != PriorType.None))
            {
                sb.Append(C, $"| {prior.Name} |");
                foreach (var m in config.Methods)
                {
                    var perDataset = inMode.Where(r => r.Prior == prior.Name && r.Method == m.Name).GroupBy(r => r.Dataset)
                        .Select(g => (Relative: Mean(g.Select(r => r.RelativeGainAuprc)), Epr: Mean(g.Select(r => r.GainEpr)))).ToList();
                    var relative = perDataset.Select(x => x.Relative).Where(double.IsFinite).ToList();
                    sb.Append(C, $" {MeanSd(relative.Select(x => 100 * x), "F1", "%")} | {MeanSd(perDataset.Select(x => x.Epr), "F2")} | {relative.Count(x => x > 0)}/{relative.Count} |");
                }
                sb.Append('\n');
            }
        }

        foreach (var mode in config.Scoring)
        {
            sb.Append(C, $"\n## Per dataset: {ScoringModes.Name(mode)}\n\n");
            sb.Append("| dataset | method | prior | AUPRC ratio | EPR | gain AUPRC ratio | gain EPR | prior alone AUPRC ratio | pairs | positives |\n");
            sb.Append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
            foreach (var group in rows.Where(r => r.Mode == mode).GroupBy(r => (r.Dataset, r.Method, r.Prior)))
            {
                var g = group.ToList();
                sb.Append(C, $"| {group.Key.Dataset} | {group.Key.Method} | {group.Key.Prior} | {MeanSd(g.Select(r => r.AuprcRatio), "F2")} | {MeanSd(g.Select(r => r.Epr), "F2")} | ");
                sb.Append(C, $"{MeanSd(g.Select(r => r.GainAuprcRatio), "F2")} | {MeanSd(g.Select(r => r.GainEpr), "F2")} | {MeanSd(g.Select(r => r.PriorOnlyAuprcRatio), "F2")} | {Range(g.Select(r => r.Pairs))} | {Range(g.Select(r => r.Positives))} |\n");
            }
        }
        return sb.ToString();
    }

    private static string ModeNote(ScoringMode mode) => mode switch
    {
        ScoringMode.HeldOutTargets => "Pairs into held-out targets only. Knowledge priors (database, motif, rewired, files and their controls) hold no edge into a held-out target; priors made from perturbation data cover every target.",
        ScoringMode.ExcludePrior => "Every pair listed in the prior is left out of scoring, for the run and its baseline alike: does the prior help find the edges it does not list?",
        _ => "Every candidate pair, prior pairs included: the level that copying the prior reaches. For reference only; not a measure of inference.",
    };

    private static string Describe(PriorSpec p) => p.Type switch
    {
        PriorType.None => $"{p.Name} (no prior)",
        PriorType.Database => $"{p.Name} (database-like, precision {p.Precision:G3}, recall {p.Recall:G3}{Use(p)})",
        PriorType.Motif => $"{p.Name} (motif-like, recall {p.Recall:G3}, {p.PerTarget} candidates per target{Use(p)})",
        PriorType.Perturbation => $"{p.Name} (perturbation z-scores, |z| >= {p.MinZ:G3}{Use(p)})",
        PriorType.Rewired => $"{p.Name} (gold with {p.Fraction:P0} of edges rewired{Use(p)})",
        PriorType.Random => $"{p.Name} (random control like {p.Like}{Use(p)})",
        PriorType.Shuffled => $"{p.Name} (degree-preserving shuffle of {p.Like}{Use(p)})",
        _ => $"{p.Name} (file '{p.Source}'{Use(p)})",
    };

    private static string Use(PriorSpec p) => string.Create(C, $", {(p.Mode == Cli.PriorMode.Mask ? "mask" : "weight")} {p.Weight:G3}{(p.Datasets is { } ds ? $", on {string.Join(", ", ds)}" : "")}");

    private static double Mean(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToList();
        return v.Count == 0 ? double.NaN : v.Average();
    }

    /// <summary>"2.61 ± 0.12" over the finite values; one value alone; NA when none.</summary>
    public static string MeanSd(IEnumerable<double> values, string format, string unit = "")
    {
        var v = values.Where(double.IsFinite).ToList();
        if (v.Count == 0) return "NA";
        double mean = v.Average();
        if (v.Count == 1) return mean.ToString(format, C) + unit;
        double sd = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
        return $"{mean.ToString(format, C)}{unit} ± {sd.ToString(format, C)}{unit}";
    }

    private static string Range(IEnumerable<int> values)
    {
        var v = values.ToList();
        int min = v.Min(), max = v.Max();
        return min == max ? min.ToString(C) : $"{min.ToString(C)}-{max.ToString(C)}";
    }
}
