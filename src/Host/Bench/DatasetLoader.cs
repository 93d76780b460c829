using GrnFast.Host.Evaluate;
using GrnFast.Host.Simulate;
using GrnFast.IO;
using GrnFast.Simulation;
using GrnFast.Simulation.Networks;
using GrnFast.Solvers.Evaluation;
using GrnFast.Solvers.Priors;
using RegulatoryEdge = GrnFast.Solvers.Priors.RegulatoryEdge;

namespace GrnFast.Host.Bench;

/// <summary>Loads (or simulates) one dataset of a bench config into memory.</summary>
internal static class DatasetLoader
{
    public static BenchDataset Load(DatasetSpec spec, int threads, Log log, CancellationToken cancellation) => spec switch
    {
        Dream4Spec d => Dream4(d, log),
        BeelineSpec b => Beeline(b, log),
        FilesSpec f => Files(f, log),
        SimulatedSpec s => Simulated(s, threads, log, cancellation),
        _ => throw new InvalidOperationException(spec.GetType().Name),
    };

    private static BenchDataset Dream4(Dream4Spec d, Log log)
    {
        ExpressionData Read(Dream4Experiment e) => d.Root is null ? Dream4Files.ReadEmbedded(e) : DelimitedExpressionReader.Read(Dream4Files.Experiment(d.Root, d.Network, e));
        using var knockouts = Read(Dream4Experiment.Knockouts);
        using var wildtype = Read(Dream4Experiment.Wildtype);
        var genes = knockouts.GeneNames.ToArray();
        var tables = new List<(string Name, double[,] Values)>();
        foreach (var e in d.Expression)
        {
            using var table = Read(e);
            var names = table.GeneNames.ToArray();
            if (e == Dream4Experiment.Multifactorial) names = Relabel(names, Dream4Files.MultifactorialMapping(d.Root!, d.Network));
            tables.Add((Dream4Files.Name(e), Reorder(table, names, genes)));
        }
        int cells = tables.Sum(t => t.Values.GetLength(0));
        var data = new float[cells * genes.Length];
        int row = 0;
        foreach (var (_, values) in tables)
        {
            for (int i = 0; i < values.GetLength(0); i++, row++)
                for (int g = 0; g < genes.Length; g++)
                    data[g * cells + row] = (float)values[i, g];
        }
        string what = $"DREAM4 network {d.Network}{(d.Root is null ? " (embedded)" : "")}, {string.Join(" + ", tables.Select(t => t.Name))}";
        var expression = ExpressionData.FromColumnMajor(what, data, cells, genes);

        GoldStandard gold;
        if (d.Root is null)
        {
            var rows = Dream4Files.ReadEmbeddedGold().ToList();
            var edges = rows.Where(r => r.IsEdge && r.Regulator != r.Target).ToDictionary(r => new GenePair(r.Regulator, r.Target), _ => EdgeSign.Unsigned);
            gold = new GoldStandard(rows.SelectMany(r => new[] { r.Regulator, r.Target }), edges);
        }
        else gold = EdgeFiles.ReadGoldStandard(Dream4Files.Gold(d.Root, d.Network), log).Gold;

        var reference = Reorder(wildtype, wildtype.GeneNames.ToArray(), genes);
        var z = PerturbationPrior.ZScores(Reorder(knockouts, genes, genes), Row(reference));
        string source = $"{genes.Length} knockouts vs the wild type";
        if (d.PerturbationWithKnockdowns)
        {
            using var knockdowns = Read(Dream4Experiment.Knockdowns);
            z = PerturbationPrior.Combine(z, PerturbationPrior.ZScores(Reorder(knockdowns, knockdowns.GeneNames.ToArray(), genes), Row(reference)));
            source = $"{genes.Length} knockouts and {genes.Length} knockdowns vs the wild type (Stouffer)";
        }
        var effects = new List<PerturbationEffect>();
        for (int i = 0; i < genes.Length; i++)
            for (int j = 0; j < genes.Length; j++)
                if (i != j && double.IsFinite(z[i, j])) effects.Add(new PerturbationEffect(genes[i], genes[j], Math.Abs(z[i, j])));
        return Finish(d, expression, gold, what, log, effects, source);
    }

    /// <summary>Renames the multifactorial table's genes (the challenge relabelled them) to the size-100 network's names.</summary>
    private static string[] Relabel(string[] names, string mappingPath)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(mappingPath).Skip(1))
        {
            var f = line.Split('\t');
            if (f.Length == 2) map[f[0].Trim('"')] = f[1].Trim('"');
        }
        return names.Select(n => map.TryGetValue(n, out var old) ? old : throw new InputFormatException(mappingPath, null, $"gene '{n}' of the multifactorial data has no entry in the mapping")).ToArray();
    }

    /// <summary>The table's rows with columns in <paramref name="order"/>; <paramref name="names"/> are the table's column names.</summary>
    private static double[,] Reorder(ExpressionData table, string[] names, string[] order)
    {
        var column = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++) column[names[i]] = i;
        var result = new double[table.Cells, order.Length];
        for (int g = 0; g < order.Length; g++)
        {
            if (!column.TryGetValue(order[g], out int c)) throw new InputFormatException(table.Source, 1, $"gene '{order[g]}' of the knockouts is not a column", null, order[g]);
            for (int i = 0; i < table.Cells; i++) result[i, g] = Value(table, i, c);
        }
        return result;
    }

    private static double[] Row(double[,] table)
    {
        if (table.GetLength(0) != 1) throw new InvalidOperationException($"the wild type has {table.GetLength(0)} rows");
        return Enumerable.Range(0, table.GetLength(1)).Select(j => table[0, j]).ToArray();
    }

    private static double Value(ExpressionData data, int cell, int gene)
        => data.Single is { } s ? s[cell, gene] : data.Double is { } d ? d[cell, gene] : throw new InvalidOperationException("block-stored expression");

    private static BenchDataset Beeline(BeelineSpec b, Log log)
    {
        var expression = ExpressionReader.Read(Path.Combine(b.Folder, "ExpressionData.csv"), genesByCells: true);
        var gold = EdgeFiles.ReadGoldStandard(Path.Combine(b.Folder, "refNetwork.csv"), log).Gold;
        return Finish(b, expression, gold, $"BEELINE {Path.GetFileName(b.Folder)}", log);
    }

    private static BenchDataset Files(FilesSpec f, Log log)
    {
        var expression = ExpressionReader.Read(f.Expression, f.GenesByCells);
        try
        {
            var gold = EdgeFiles.ReadGoldStandard(f.Gold, log).Gold;
            var priors = new Dictionary<string, List<RegulatoryEdge>>(StringComparer.Ordinal);
            foreach (var (name, path) in f.PriorFiles)
                priors[name] = EdgeFiles.ReadNetwork(path, log, "prior").Order.Select(p => new RegulatoryEdge(p.Regulator, p.Target, 1)).ToList();
            return Finish(f, expression, gold, Path.GetFileName(f.Expression), log, priorFiles: priors);
        }
        catch
        {
            expression.Dispose();
            throw;
        }
    }

    private static BenchDataset Simulated(SimulatedSpec s, int threads, Log log, CancellationToken cancellation)
    {
        GeneNetwork network = s.NetworkFile is { } file
            ? NetworkFileReader.Read(file, new EdgeParameters(), useWeights: true, s.NetworkSeed).Network
            : NetworkGenerator.Generate(s.Generator, s.NetworkSeed);
        var regulators = Enumerable.Range(0, network.GeneCount).Where(g => network.Edges.Any(e => e.Regulator == g && e.Target != g)).ToArray();
        var knockouts = regulators.Select(Perturbation.Knockout).ToArray();
        var options = new SimulationOptions
        {
            Cells = s.Cells,
            Seed = s.Seed,
            SystemSeed = s.NetworkSeed,
            Perturbations = s.Knockouts ? knockouts : [],
            PerturbFraction = s.PerturbFraction,
            Technical = new() { Values = s.Values, DropoutRate = s.Dropout },
            Threads = threads,
        };
        SimulationResult result;
        try { result = Simulator.Run(network, options, cancellation); }
        catch (Exception e) when (e is ArgumentOutOfRangeException or Simulation.Noise.DropoutRateException)
        {
            throw new InputFormatException("bench config", null, $"{s.Key}: the simulator refused the settings: {e.Message.Split(" (Parameter", 2)[0]}");
        }
        int p = network.GeneCount, cells = result.CellCount;
        var values = result.Measured.Values;
        var data = new float[values.Length];
        for (int c = 0; c < cells; c++)
            for (int g = 0; g < p; g++)
                data[g * cells + c] = values[c * p + g];
        string what = $"simulated {(s.NetworkFile is null ? s.Generator.Kind.ToString() : Path.GetFileName(s.NetworkFile))}, {(s.Knockouts ? $"Perturb-seq ({s.PerturbFraction:P0} of cells with one of {knockouts.Length} knockouts)" : "unperturbed cells")}";
        var expression = ExpressionData.FromColumnMajor(what, data, cells, network.Genes);

        var edges = new Dictionary<GenePair, EdgeSign>();
        foreach (var e in network.Edges)
            if (e.Regulator != e.Target) edges[new GenePair(network.Genes[e.Regulator], network.Genes[e.Target])] = e.IsActivation ? EdgeSign.Activation : EdgeSign.Repression;
        var gold = new GoldStandard(network.Genes, edges);

        List<PerturbationEffect>? effects = null;
        string? source = null;
        if (s.ScreenCells > 0 || s.Knockouts)
        {
            var screen = result;
            if (s.ScreenCells > 0)
            {
                // A separate screen of the same cell type: same network and basal rates (system seed), other dynamics.
                screen = Simulator.Run(network, options with { Cells = s.ScreenCells, Seed = s.Seed + 1_000_003, Perturbations = knockouts, PerturbFraction = s.ScreenPerturbFraction }, cancellation);
            }
            var guide = screen.Cells.Select(c => c.Guide == Simulator.NonTargeting ? -1 : network.TryGetIndex(c.Guide, out int g) ? g : throw new InvalidOperationException(c.Guide)).ToArray();
            effects = GuideEffectPrior.ZScores(screen.Measured.Values, p, guide)
                .Select(e => new PerturbationEffect(network.Genes[e.Regulator], network.Genes[e.Target], Math.Abs(e.Z))).ToList();
            source = s.ScreenCells > 0
                ? $"a separate screen of {s.ScreenCells} cells ({s.ScreenPerturbFraction:P0} with one of {knockouts.Length} knockouts), Welch z vs control cells"
                : $"the dataset's own guides ({knockouts.Length} knockouts), Welch z vs control cells";
        }
        var names = regulators.Select(g => network.Genes[g]).ToArray();
        return Finish(s, expression, gold, what, log, effects, source, networkRegulators: names);
    }

    /// <summary>Restricts the gold to the data's genes, resolves the regulators, and checks there is something to score.</summary>
    private static BenchDataset Finish(DatasetSpec spec, ExpressionData expression, GoldStandard gold, string what, Log log,
        List<PerturbationEffect>? perturbation = null, string? perturbationSource = null,
        Dictionary<string, List<RegulatoryEdge>>? priorFiles = null, string[]? networkRegulators = null)
    {
        try
        {
            var genes = new HashSet<string>(expression.GeneNames, StringComparer.Ordinal);
            var absent = gold.Genes.Where(g => !genes.Contains(g)).ToList();
            if (absent.Count == gold.Genes.Count)
                throw new InputFormatException(expression.Source, null, $"{spec.Key} ({spec.Name}): no gene of the gold standard is a gene of the expression data (gold: {Log.FirstFew(gold.Genes.Take(6).ToList())})");
            if (absent.Count > 0)
            {
                log.Warn($"{spec.Name}: {absent.Count} of {gold.Genes.Count} gold-standard genes are not in the expression data; their edges are dropped: {Log.FirstFew(absent)}");
                var kept = gold.Edges.Where(e => genes.Contains(e.Key.Regulator) && genes.Contains(e.Key.Target)).ToDictionary(e => e.Key, e => e.Value);
                gold = new GoldStandard(gold.Genes.Where(genes.Contains), kept);
            }
            if (gold.Edges.Count == 0) throw new InputFormatException(expression.Source, null, $"{spec.Key} ({spec.Name}): no true edge of the gold standard joins two genes of the data");

            IReadOnlyList<string> regulators = spec.Regulators switch
            {
                null when spec is SimulatedSpec => networkRegulators!,
                null or RegulatorSpec.All => expression.GeneNames.ToArray(),
                RegulatorSpec.Gold => gold.Regulators.ToArray(),
                RegulatorSpec.Network when networkRegulators is not null => networkRegulators,
                RegulatorSpec.Network => throw new InputFormatException("bench config", null, $"{spec.Key}.regulators: \"network\" applies to simulated datasets only"),
                RegulatorSpec.File f => ReadRegulators(f, spec, log),
                _ => throw new InvalidOperationException(),
            };
            var inData = regulators.Where(genes.Contains).Distinct(StringComparer.Ordinal).ToArray();
            if (inData.Length < regulators.Count)
                log.Warn($"{spec.Name}: {regulators.Count - inData.Length} of {regulators.Count} regulators are not genes of the data and are dropped");
            if (!inData.Any(gold.Contains))
                throw new InputFormatException("bench config", null, $"{spec.Key}.regulators: none of the {regulators.Count} regulators is a gene of the gold standard, so no pair can be scored");
            var column = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < expression.Genes; i++) column[expression.GeneNames[i]] = i;
            var targets = gold.Genes.Where(g => column.TryGetValue(g, out int c) && Varies(expression, c)).ToArray();
            var scored = spec.ScoreGoldRegulators ? inData.Where(gold.Regulators.Contains).ToArray() : inData.Where(gold.Contains).ToArray();
            if (scored.Length == 0)
                throw new InputFormatException("bench config", null, $"{spec.Key}.scoreRegulators: none of the candidate regulators is a regulator of the gold standard");
            return new BenchDataset
            {
                Name = spec.Name,
                Targets = targets,
                ScoredRegulators = scored,
                Description = $"{what}: {expression.Cells} samples x {expression.Genes} genes, {inData.Length} candidate regulators, {gold.Edges.Count} true edges",
                Expression = expression,
                Gold = gold,
                Regulators = inData,
                Perturbation = perturbation,
                PerturbationSource = perturbationSource,
                PriorFiles = priorFiles ?? new Dictionary<string, List<RegulatoryEdge>>(),
            };
        }
        catch
        {
            expression.Dispose();
            throw;
        }
    }

    private static bool Varies(ExpressionData data, int gene)
    {
        double first = Value(data, 0, gene);
        for (int i = 1; i < data.Cells; i++)
            if (Value(data, i, gene) != first) return true;
        return false;
    }

    /// <summary>A list file, or one column (by header name) of a delimited file such as BEELINE's TF.csv.</summary>
    private static IReadOnlyList<string> ReadRegulators(RegulatorSpec.File f, DatasetSpec spec, Log log)
    {
        if (f.Column is null) return NameListReader.Read(f.Path, log.Warn).Select(n => n.Name).ToArray();
        var lines = File.ReadLines(f.Path).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0) throw new InputFormatException(f.Path, null, "the regulator file is empty");
        char delimiter = lines[0].Contains('\t') ? '\t' : ',';
        var header = lines[0].Split(delimiter);
        int index = Array.IndexOf(header, f.Column);
        if (index < 0) throw new InputFormatException(f.Path, 1, $"no column '{f.Column}' (asked by {spec.Key}.regulators.column); the header is {string.Join(", ", header)}");
        var names = new List<string>();
        for (int i = 1; i < lines.Count; i++)
        {
            var fields = lines[i].Split(delimiter);
            if (fields.Length <= index || fields[index].Length == 0) throw new InputFormatException(f.Path, i + 1, $"no value in column '{f.Column}'");
            names.Add(fields[index]);
        }
        return names;
    }
}
