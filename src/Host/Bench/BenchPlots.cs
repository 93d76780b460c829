using ScottPlot;

namespace GrnFast.Host.Bench;

/// <summary>PNG plots of a bench with ScottPlot: precision-recall curves per dataset, and the gain of each prior type.</summary>
internal static class BenchPlots
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();
    private static readonly MarkerShape[] Shapes = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.FilledTriangleDown];

    /// <summary>One file per dataset, <c>pr-DATASET.png</c>: a curve per prior of the chosen run; the dashed line is a random ranking.</summary>
    public static List<string> PrecisionRecall(IReadOnlyList<PrCurve> curves, PlotSpec spec, string folder)
    {
        var written = new List<string>();
        foreach (var dataset in curves.GroupBy(c => c.Dataset))
        {
            var plot = new Plot();
            int i = 0;
            foreach (var c in dataset)
            {
                var color = Palette.GetColor(i++);
                if (c.Points.Count == 0) continue;
                // A step curve from recall 0 at the first point's precision, as average precision integrates it.
                var xs = new List<double> { 0 };
                var ys = new List<double> { c.Points[0].Precision };
                foreach (var p in c.Points)
                {
                    xs.Add(p.Recall);
                    ys.Add(p.Precision);
                }
                var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), color);
                line.LineWidth = 2;
                line.LegendText = $"{c.Prior} ({BenchReport.Number(Math.Round(c.AuprcRatio, 2))}x)";
            }
            double rate = dataset.First().PositiveRate;
            plot.Add.HorizontalLine(rate, 1, Colors.Gray, LinePattern.Dashed);
            plot.Axes.SetLimits(0, 1, 0, 1.02);
            plot.XLabel("recall");
            plot.YLabel("precision");
            plot.Title($"{dataset.Key}: {ScoringModes.Name(spec.Mode)}, {spec.Method}, seed {spec.Seed} (AUPRC ratio)", 14);
            plot.ShowLegend(Alignment.UpperRight);
            string path = Path.Combine(folder, $"pr-{dataset.Key}.png");
            plot.SavePng(path, spec.Width, spec.Height);
            written.Add(path);
        }
        return written;
    }

    /// <summary>
    /// One file per mode and method, <c>gain-MODE-METHOD.png</c>: for each prior type (x) and dataset (colour), the
    /// relative AUPRC gain over no prior in percent, mean over seeds with error bars of one sd.
    /// </summary>
    public static List<string> Gain(IReadOnlyList<BenchRow> rows, BenchConfig config, string folder)
    {
        var written = new List<string>();
        var priors = config.Priors.Where(p => p.Type != PriorType.None).Select(p => p.Name).ToList();
        var datasets = config.Datasets.Select(d => d.Name).ToList();
        foreach (var mode in config.Scoring)
            foreach (var method in config.Methods)
            {
                var plot = new Plot();
                double width = 0.8 / Math.Max(1, datasets.Count);
                for (int k = 0; k < datasets.Count; k++)
                {
                    var xs = new List<double>();
                    var ys = new List<double>();
                    var errors = new List<double>();
                    for (int i = 0; i < priors.Count; i++)
                    {
                        var gains = rows.Where(r => r.Mode == mode && r.Method == method.Name && r.Dataset == datasets[k] && r.Prior == priors[i])
                            .Select(r => 100 * r.RelativeGainAuprc).Where(double.IsFinite).ToList();
                        if (gains.Count == 0) continue;
                        double mean = gains.Average();
                        xs.Add(i + (k - (datasets.Count - 1) / 2.0) * width);
                        ys.Add(mean);
                        errors.Add(gains.Count > 1 ? Math.Sqrt(gains.Sum(g => (g - mean) * (g - mean)) / (gains.Count - 1)) : 0);
                    }
                    if (xs.Count == 0) continue;
                    var color = Palette.GetColor(k);
                    var bars = plot.Add.ErrorBar(xs, ys, errors);
                    bars.Color = color;
                    var markers = plot.Add.Markers(xs.ToArray(), ys.ToArray(), Shapes[k / 10 % Shapes.Length], 7, color);
                    markers.LegendText = datasets[k];
                }
                plot.Add.HorizontalLine(0, 1, Colors.Black, LinePattern.Solid);
                var ticks = new ScottPlot.TickGenerators.NumericManual();
                for (int i = 0; i < priors.Count; i++) ticks.AddMajor(i, priors[i]);
                plot.Axes.Bottom.TickGenerator = ticks;
                plot.Axes.Bottom.TickLabelStyle.FontSize = 11;
                plot.Axes.SetLimitsX(-0.6, priors.Count - 0.4);
                plot.YLabel("AUPRC gain over no prior (%)");
                plot.Title($"{ScoringModes.Name(mode)}, {method.Name}: mean ± sd over seeds", 14);
                plot.ShowLegend(Edge.Right);
                string path = Path.Combine(folder, $"gain-{ScoringModes.Name(mode)}-{method.Name}.png");
                plot.SavePng(path, config.Plots.Width + 200, config.Plots.Height);
                written.Add(path);
            }
        return written;
    }
}
