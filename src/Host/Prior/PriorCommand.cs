using System.Globalization;
using GrnFast.Host.Cli;
using GrnFast.Host.Evaluate;
using GrnFast.IO;
using GrnFast.Solvers.Evaluation;
using GrnFast.Solvers.Priors;

namespace GrnFast.Host.Prior;

/// <summary>
/// <c>grnfast prior SUBCOMMAND</c>: prior generators for benchmarks (database, motif, perturbation, random, shuffle,
/// rewire, split), each a thin shell around a pure generator in GrnFast.Solvers.Priors. Output is TSV
/// <c>regulator target weight</c>, written atomically.
/// </summary>
internal static class PriorCommand
{
    private const string Subcommands = "database, motif, perturbation, random, shuffle, rewire, split";

    public static int Run(string[] args, TextWriter stdout, Log log)
    {
        if (args.Length == 0) throw new UsageException($"prior needs a generator: {Subcommands} (see grnfast prior --help)");
        if (args[0] is "--help" or "-h" || args.Contains("--help") || args.Contains("-h"))
        {
            stdout.WriteLine(HelpText.Prior);
            return 0;
        }
        var rest = args[1..];
        return args[0] switch
        {
            "database" => Database(rest, log),
            "motif" => Motif(rest, log),
            "perturbation" => Perturbation(rest, log),
            "random" => RandomControl(rest, log),
            "shuffle" => Shuffle(rest, log),
            "rewire" => Rewire(rest, log),
            "split" => Split(rest, log),
            _ => throw new UsageException($"unknown prior generator '{args[0]}' (generators: {Subcommands}; see grnfast prior --help)"),
        };
    }

    private static OptionReader Options(string sub, string[] args, params string[] valued)
        => new($"prior {sub}", args, valued, []);

    private static int Seed(OptionReader o) => o.Int("--seed", _ => true, "an integer") ?? 0;

    private static int Database(string[] args, Log log)
    {
        var o = Options("database", args, "--gold", "--precision", "--recall", "--regulators", "--seed", "--out");
        string goldPath = o.Required("--gold"), output = o.Required("--out");
        double precision = o.Required(o.Double("--precision", p => p > 0 && p <= 1, "in (0, 1]"), "--precision");
        double recall = o.Required(o.Double("--recall", r => r > 0 && r <= 1, "in (0, 1]"), "--recall");
        int seed = Seed(o);
        var gold = EdgeFiles.ReadGoldStandard(goldPath, log).Gold;
        var regulators = Regulators(o.String("--regulators"), gold, log);
        var edges = Generate(goldPath, () => DatabaseLikePrior.Generate(gold, precision, recall, seed, regulators));
        int hits = edges.Count(e => gold.Edges.ContainsKey(e.Pair));
        PriorWriter.Write(output, edges);
        log.Info(Invariant($"database prior: {edges.Count} edges, {hits} true ({(double)hits / edges.Count:F3} precision, {(double)hits / gold.Edges.Count:F3} recall of {gold.Edges.Count}); seed {seed}; wrote {output}"));
        return 0;
    }

    private static int Motif(string[] args, Log log)
    {
        var o = Options("motif", args, "--gold", "--recall", "--per-target", "--regulators", "--seed", "--out");
        string goldPath = o.Required("--gold"), output = o.Required("--out");
        double recall = o.Required(o.Double("--recall", r => r >= 0 && r <= 1, "in [0, 1]"), "--recall");
        int perTarget = o.Required(o.Int("--per-target", k => k >= 1, "an integer >= 1"), "--per-target");
        int seed = Seed(o);
        var gold = EdgeFiles.ReadGoldStandard(goldPath, log).Gold;
        var regulators = Regulators(o.String("--regulators"), gold, log);
        var edges = Generate(goldPath, () => MotifLikePrior.Generate(gold, recall, perTarget, seed, regulators));
        int hits = edges.Count(e => gold.Edges.ContainsKey(e.Pair));
        PriorWriter.Write(output, edges);
        log.Info(Invariant($"motif prior: {edges.Count} edges for {gold.Genes.Count} genes, {hits} true ({(double)hits / Math.Max(1, edges.Count):F3} precision, {(double)hits / gold.Edges.Count:F3} recall); seed {seed}; wrote {output}"));
        return 0;
    }

    private static int Perturbation(string[] args, Log log)
    {
        var o = Options("perturbation", args, "--expression", "--wildtype", "--knockdowns", "--min-z", "--weight", "--out");
        string knockouts = o.Required("--expression"), wildtype = o.Required("--wildtype"), output = o.Required("--out");
        string? knockdowns = o.String("--knockdowns");
        double minZ = o.Double("--min-z", z => z >= 0 && double.IsFinite(z), "a finite number >= 0") ?? 2;
        var weight = o.Choice("--weight", "confidence", "abs-z") == "abs-z" ? PerturbationWeight.AbsoluteZ : PerturbationWeight.Confidence;

        var (genes, reference) = ReadWildType(wildtype);
        var z = PerturbationPrior.ZScores(ReadPerturbations(knockouts, genes, wildtype), reference);
        if (knockdowns is not null) z = PerturbationPrior.Combine(z, PerturbationPrior.ZScores(ReadPerturbations(knockdowns, genes, wildtype), reference));
        var constant = Enumerable.Range(0, genes.Count).Where(j => Enumerable.Range(0, genes.Count).All(i => double.IsNaN(z[i, j]))).Select(j => genes[j]).ToList();
        if (constant.Count > 0) log.Warn($"{constant.Count} genes do not vary across the perturbations and get no edges: {Log.FirstFew(constant)}");
        var edges = PerturbationPrior.Edges(genes, z, minZ, weight);
        if (edges.Count == 0) log.Warn($"no pair reaches |z| >= {minZ.ToString(CultureInfo.InvariantCulture)}: the prior is empty");
        PriorWriter.Write(output, edges);
        log.Info(Invariant($"perturbation prior: {edges.Count} of {genes.Count * (genes.Count - 1)} pairs with |z| >= {minZ}{(knockdowns is null ? "" : " (knockouts and knockdowns combined)")}, weight {(weight == PerturbationWeight.AbsoluteZ ? "|z|" : "erf(|z|/sqrt 2)")}; wrote {output}"));
        return 0;
    }

    private static int RandomControl(string[] args, Log log)
    {
        var o = Options("random", args, "--like", "--regulators", "--genes", "--seed", "--out");
        string likePath = o.Required("--like"), output = o.Required("--out");
        int seed = Seed(o);
        var like = Edges(EdgeFiles.ReadNetwork(likePath, log, "prior"));
        string[]? regulators = o.String("--regulators") is { } r ? NameListReader.Read(r, log.Warn).Select(n => n.Name).ToArray() : null;
        string[]? genes = o.String("--genes") is { } g ? NameListReader.Read(g, log.Warn).Select(n => n.Name).ToArray() : null;
        var edges = Generate(likePath, () => RandomPrior.Generate(like, seed, regulators, genes));
        var original = new HashSet<GenePair>(like.Select(e => e.Pair));
        PriorWriter.Write(output, edges);
        log.Info($"random prior: {edges.Count} edges like {likePath}, {edges.Count(e => original.Contains(e.Pair))} shared with it; seed {seed}; wrote {output}");
        return 0;
    }

    private static int Shuffle(string[] args, Log log)
    {
        var o = Options("shuffle", args, "--like", "--swaps-per-edge", "--seed", "--out");
        string likePath = o.Required("--like"), output = o.Required("--out");
        int swapsPerEdge = o.Int("--swaps-per-edge", s => s >= 0, "an integer >= 0") ?? 10;
        int seed = Seed(o);
        var like = Edges(EdgeFiles.ReadNetwork(likePath, log, "prior"));
        var shuffled = Generate(likePath, () => DegreePreservingShuffle.Shuffle(like, seed, swapsPerEdge));
        if (shuffled.Swaps < (long)swapsPerEdge * like.Count)
            log.Warn($"only {shuffled.Swaps} of {(long)swapsPerEdge * like.Count} swaps were possible in {shuffled.Attempts} attempts: the network leaves little room to shuffle");
        PriorWriter.Write(output, shuffled.Edges);
        log.Info($"shuffled prior: {shuffled.Edges.Count} edges with the degrees of {likePath}, {shuffled.Swaps} swaps, {shuffled.SharedEdges} edges still shared; seed {seed}; wrote {output}");
        return 0;
    }

    private static int Rewire(string[] args, Log log)
    {
        var o = Options("rewire", args, "--gold", "--fraction", "--seed", "--out");
        string goldPath = o.Required("--gold"), output = o.Required("--out");
        double fraction = o.Required(o.Double("--fraction", f => f >= 0 && f <= 1, "in [0, 1]"), "--fraction");
        int seed = Seed(o);
        var gold = EdgeFiles.ReadGoldStandard(goldPath, log).Gold;
        var network = gold.Edges.Keys.Select(p => new RegulatoryEdge(p.Regulator, p.Target, 1)).ToList();
        var edges = Generate(goldPath, () => RewiredNetwork.Rewire(network, gold.Genes, fraction, seed));
        PriorWriter.Write(output, edges);
        log.Info($"rewired network: {edges.Count} edges, {edges.Count(e => gold.Edges.ContainsKey(e.Pair))} shared with {goldPath}; seed {seed}; wrote {output}");
        return 0;
    }

    private static int Split(string[] args, Log log)
    {
        var o = Options("split", args, "--gold", "--by", "--heldout-fraction", "--out-prior", "--out-heldout", "--seed");
        string goldPath = o.Required("--gold"), priorOut = o.Required("--out-prior"), heldOutOut = o.Required("--out-heldout");
        var axis = o.Required(o.Choice("--by", "target", "regulator"), "--by") == "target" ? SplitAxis.Target : SplitAxis.Regulator;
        double fraction = o.Required(o.Double("--heldout-fraction", f => f > 0 && f < 1, "in (0, 1)"), "--heldout-fraction");
        int seed = Seed(o);
        if (Path.GetFullPath(priorOut) == Path.GetFullPath(heldOutOut)) throw new UsageException("--out-prior and --out-heldout must be different files");
        var gold = EdgeFiles.ReadGoldStandard(goldPath, log).Gold;
        var split = Generate(goldPath, () => GoldStandardSplit.Split(gold, axis, fraction, seed));
        string role = axis == SplitAxis.Target ? "targets" : "regulators";
        PriorWriter.WriteGenes(heldOutOut, $"held-out {role} of {goldPath} (seed {seed}); score with evaluate --heldout-{role}", split.HeldOutGenes);
        PriorWriter.Write(priorOut, split.Prior);
        log.Info($"split by {axis.ToString().ToLowerInvariant()}: {split.HeldOutGenes.Count} {role} held out (wrote {heldOutOut}), {split.KeptGenes.Count} kept with {split.Prior.Count} of {gold.Edges.Count} true edges (wrote {priorOut}); seed {seed}");
        return 0;
    }

    private static List<RegulatoryEdge> Edges(LoadedNetwork network)
        => network.Order.Select(p => new RegulatoryEdge(p.Regulator, p.Target, network.Edges[p].Score)).ToList();

    /// <summary>Listed regulators that are genes of the gold standard (others warned); null when no file.</summary>
    private static string[]? Regulators(string? path, GoldStandard gold, Log log)
    {
        if (path is null) return null;
        var listed = NameListReader.Read(path, log.Warn);
        var missing = listed.Where(n => !gold.Contains(n.Name)).Select(n => n.Name).ToList();
        if (missing.Count == listed.Count) throw new InputFormatException(path, null, $"none of the {listed.Count} regulators is a gene of the gold standard");
        if (missing.Count > 0) log.Warn($"{missing.Count} of {listed.Count} regulators in {path} are not genes of the gold standard; ignored: {Log.FirstFew(missing)}");
        return listed.Select(n => n.Name).Where(gold.Contains).ToArray();
    }

    /// <summary>A generator's complaint about its input (e.g. too few free pairs) is bad input naming the file.</summary>
    private static T Generate<T>(string input, Func<T> generate)
    {
        try { return generate(); }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            string message = e is ArgumentOutOfRangeException o ? $"{o.ParamName}: {o.Message.Split(" (Parameter")[0]}" : e.Message.Split(" (Parameter")[0];
            throw new InputFormatException(input, null, message);
        }
    }

    private static (IReadOnlyList<string> Genes, double[] Reference) ReadWildType(string path)
    {
        using var data = DelimitedExpressionReader.Read(path);
        if (data.Cells != 1)
            throw new InputFormatException(path, null, $"the wild type must be one row of expression (DREAM4 *_wildtype.tsv); it has {data.Cells} rows");
        var reference = new double[data.Genes];
        for (int j = 0; j < data.Genes; j++) reference[j] = Value(data, 0, j);
        return (data.GeneNames.ToArray(), reference);
    }

    private static double[,] ReadPerturbations(string path, IReadOnlyList<string> genes, string wildtype)
    {
        using var data = DelimitedExpressionReader.Read(path);
        if (data.Genes != genes.Count)
            throw new InputFormatException(path, null, $"{data.Genes} genes, but the wild type {wildtype} has {genes.Count}");
        for (int j = 0; j < genes.Count; j++)
            if (data.GeneNames[j] != genes[j])
                throw new InputFormatException(path, 1, $"column {j + 1} is gene '{data.GeneNames[j]}' but '{genes[j]}' in the wild type {wildtype}: the genes must be in the same order", j + 1, data.GeneNames[j]);
        if (data.Cells != genes.Count)
            throw new InputFormatException(path, null, $"{data.Cells} rows for {genes.Count} genes: row i must perturb gene i (DREAM4 knockouts/knockdowns layout)");
        var x = new double[data.Cells, data.Genes];
        for (int i = 0; i < data.Cells; i++)
            for (int j = 0; j < data.Genes; j++)
                x[i, j] = Value(data, i, j);
        return x;
    }

    private static double Value(ExpressionData data, int cell, int gene)
        => data.Single is { } s ? s[cell, gene] : data.Double is { } d ? d[cell, gene] : throw new InvalidOperationException("text expression is not block-stored");

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
