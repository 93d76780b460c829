using System.Text.Json;
using GrnFast.Host.Cli;
using GrnFast.IO;
using GrnFast.Simulation.Networks;
using GrnFast.Simulation.Noise;
using GrnFast.Solvers.ElasticNet;

namespace GrnFast.Host.Bench;

/// <summary>
/// Reads a bench config (JSON; comments and trailing commas allowed). Paths are relative to the config file's folder
/// unless absolute. Every problem is an <see cref="InputFormatException"/> naming the file and the key; datasets whose
/// files are missing are errors here, before anything runs. The layout is documented in docs/prior-benchmark.md.
/// </summary>
internal static class BenchConfigReader
{
    public static BenchConfig Read(string path, string? outputOverride)
    {
        if (!System.IO.File.Exists(path)) throw new InputFormatException(path, null, "the config file does not exist");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(System.IO.File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InputFormatException(path, e.LineNumber is { } l ? (int)l + 1 : null, $"not valid JSON: {e.Message.Split(" Path:", 2)[0]}");
        }
        using (document)
        {
            string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            string Resolve(string p) => Path.IsPathRooted(p) ? p : Path.GetFullPath(Path.Combine(folder, p));
            var root = new ConfigObject(path, "", document.RootElement);

            string output = outputOverride ?? (root.String("output") is { } o ? Resolve(o) : Path.Combine("out", "bench-" + Path.GetFileNameWithoutExtension(path)));
            if (outputOverride is not null) root.String("output");
            var seeds = root.Array("seeds")?.Select(s => s.Value.ValueKind == JsonValueKind.Number && s.Value.TryGetInt32(out int v) && v >= 0
                ? v : throw root.Error(s.Key, $"{ConfigObject.Describe(s.Value)} is not a seed; it must be an integer >= 0")).ToList() ?? [1];
            if (seeds.Distinct().Count() != seeds.Count) throw root.Error("seeds", "lists a seed twice");
            int threads = root.Int("threads", t => t >= 0, "an integer >= 0 (0 = all cores)") ?? 0;
            double fraction = root.Double("heldoutFraction", f => f > 0 && f < 1, "in (0, 1)") ?? 0.3;
            var scoring = (root.Strings("scoring") ?? ["exclude-prior", "heldout-targets"]).Select((s, i) => Mode(root, $"scoring[{i}]", s)).ToList();
            if (scoring.Distinct().Count() != scoring.Count) throw root.Error("scoring", "lists a mode twice");

            var datasets = (root.Array("datasets") ?? throw root.Error("datasets", "is required (a list of datasets)"))
                .Select(d => Dataset(new ConfigObject(path, d.Key, d.Value), Resolve)).ToList();
            Unique(root, "datasets", datasets.Select(d => (d.Key, d.Name)));
            var methods = (root.Array("methods") ?? throw root.Error("methods", "is required (a list of methods)"))
                .Select(m => Method(new ConfigObject(path, m.Key, m.Value))).ToList();
            Unique(root, "methods", methods.Select((m, i) => ($"methods[{i}]", m.Name)));
            var priors = (root.Array("priors") ?? throw root.Error("priors", "is required (a list of priors)"))
                .Select(p => Prior(new ConfigObject(path, p.Key, p.Value))).ToList();
            Unique(root, "priors", priors.Select(p => (p.Key, p.Name)));
            CheckPriors(root, priors, datasets);
            foreach (var d in datasets)
                foreach (var m in d.Methods ?? [])
                    if (!methods.Any(x => x.Name == m)) throw root.Error($"{d.Key}.methods", $"'{m}' is not a method name ({string.Join(", ", methods.Select(x => x.Name))})");

            var plotObject = root.Object("plots");
            var plots = new PlotSpec(
                plotObject?.String("mode") is { } pm ? Mode(plotObject, plotObject.PathOf("mode"), pm) : scoring[0],
                plotObject?.String("method") ?? methods[0].Name,
                plotObject?.Int("seed", _ => true, "an integer") ?? seeds[0],
                plotObject?.Int("width", w => w >= 200 && w <= 4000, "in 200..4000") ?? 900,
                plotObject?.Int("height", h => h >= 150 && h <= 4000, "in 150..4000") ?? 600);
            if (plotObject is not null)
            {
                plotObject.RejectUnknown();
                if (!scoring.Contains(plots.Mode)) throw root.Error("plots.mode", $"'{ScoringModes.Name(plots.Mode)}' is not among the scoring modes");
                if (!methods.Any(m => m.Name == plots.Method)) throw root.Error("plots.method", $"'{plots.Method}' is not a method name ({string.Join(", ", methods.Select(m => m.Name))})");
                if (!seeds.Contains(plots.Seed)) throw root.Error("plots.seed", $"{plots.Seed} is not among the seeds");
            }
            root.RejectUnknown();
            return new BenchConfig
            {
                Path = path,
                Output = output,
                Seeds = seeds,
                Threads = threads,
                Scoring = scoring,
                HeldOutFraction = fraction,
                Datasets = datasets,
                Methods = methods,
                Priors = priors,
                Plots = plots,
            };
        }
    }

    private static ScoringMode Mode(ConfigObject o, string key, string text) => text switch
    {
        "heldout-targets" => ScoringMode.HeldOutTargets,
        "exclude-prior" => ScoringMode.ExcludePrior,
        "all" => ScoringMode.All,
        _ => throw o.Error(key, $"'{text}' is not a scoring mode (heldout-targets, exclude-prior, all)"),
    };

    private static void Unique(ConfigObject root, string list, IEnumerable<(string Key, string Name)> names)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, name) in names)
        {
            if (seen.TryGetValue(name, out var first)) throw root.Error($"{key}.name", $"'{name}' is already the name of {first}");
            if (name.Any(c => char.IsWhiteSpace(c) || c is '/' or '\\' or '\t'))
                throw root.Error($"{key}.name", $"'{name}' must not contain blanks or slashes (it names output files)");
            seen[name] = key;
        }
    }

    private static DatasetSpec Dataset(ConfigObject o, Func<string, string> resolve)
    {
        string name = o.RequiredString("name");
        string kind = o.Choice("kind", "dream4", "beeline", "files", "simulated") ?? throw o.Error(o.PathOf("kind"), "is required (dream4, beeline, files or simulated)");
        var regulators = Regulators(o, resolve);
        bool scoreGold = (o.Choice("scoreRegulators", "candidates", "gold") ?? "candidates") == "gold";
        var methodNames = o.Strings("methods");
        string Existing(string key, bool directory = false)
        {
            var p = resolve(o.RequiredString(key));
            if (directory ? !Directory.Exists(p) : !System.IO.File.Exists(p))
                throw o.Error(o.PathOf(key), $"{(directory ? "folder" : "file")} not found: {p}");
            return p;
        }
        DatasetSpec spec;
        switch (kind)
        {
            case "dream4":
            {
                string? rootFolder = o.Has("root") ? Existing("root", directory: true) : null;
                if (!o.Has("root")) o.String("root");
                int network = o.Int("network", n => n is >= 1 and <= 3, "1, 2 or 3 (DREAM4 size-100 networks)") ?? 1;
                var experiments = (o.Strings("expression") ?? ["knockouts", "knockdowns"]).Select((e, i) => e switch
                {
                    "knockouts" => Dream4Experiment.Knockouts,
                    "knockdowns" => Dream4Experiment.Knockdowns,
                    "wildtype" => Dream4Experiment.Wildtype,
                    "multifactorial" => Dream4Experiment.Multifactorial,
                    _ => throw o.Error($"{o.PathOf("expression")}[{i}]", $"'{e}' is not a DREAM4 experiment (knockouts, knockdowns, wildtype, multifactorial)"),
                }).ToList();
                if (experiments.Distinct().Count() != experiments.Count) throw o.Error(o.PathOf("expression"), "lists an experiment twice");
                if (rootFolder is null && network != 1) throw o.Error(o.PathOf("network"), "the embedded DREAM4 copy has network 1 only; give \"root\" for networks 2 and 3");
                if (rootFolder is null && experiments.Contains(Dream4Experiment.Multifactorial))
                    throw o.Error(o.PathOf("expression"), "the embedded DREAM4 copy has no multifactorial data; give \"root\" (the DREAM4 folder of the shared data)");
                bool withKnockdowns = (o.Choice("perturbation", "knockouts", "knockouts+knockdowns") ?? "knockouts") == "knockouts+knockdowns";
                if (rootFolder is not null) Dream4Files.Check(rootFolder, network, experiments, o);
                spec = new Dream4Spec { Name = name, Key = o.Key, Root = rootFolder, Network = network, Expression = experiments, PerturbationWithKnockdowns = withKnockdowns, Regulators = regulators };
                break;
            }
            case "beeline":
            {
                string folder = Existing("folder", directory: true);
                foreach (var f in new[] { "ExpressionData.csv", "refNetwork.csv" })
                    if (!System.IO.File.Exists(Path.Combine(folder, f))) throw o.Error(o.PathOf("folder"), $"{folder} has no {f} (a BEELINE dataset folder has ExpressionData.csv and refNetwork.csv)");
                spec = new BeelineSpec { Name = name, Key = o.Key, Folder = folder, Regulators = regulators };
                break;
            }
            case "files":
            {
                string expression = Existing("expression");
                bool genesByCells = o.Bool("genesByCells") ?? false;
                string gold = Existing("gold");
                var files = new Dictionary<string, string>(StringComparer.Ordinal);
                if (o.Object("priorFiles") is { } pf)
                {
                    foreach (var (priorName, value) in pf.Fields())
                    {
                        string key = pf.PathOf(priorName);
                        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } p) throw o.Error(key, "must be a file path");
                        var full = resolve(p);
                        if (!System.IO.File.Exists(full)) throw o.Error(key, $"file not found: {full}");
                        files[priorName] = full;
                    }
                }
                if (regulators is null) throw o.Error(o.PathOf("regulators"), "is required for kind files (\"all\", \"gold\", a list file, or {\"file\": ..., \"column\": ...})");
                spec = new FilesSpec { Name = name, Key = o.Key, Expression = expression, GenesByCells = genesByCells, Gold = gold, PriorFiles = files, Regulators = regulators };
                break;
            }
            default:
                spec = Simulated(o, name, regulators, resolve);
                break;
        }
        o.RejectUnknown();
        return spec with { ScoreGoldRegulators = scoreGold, Methods = methodNames };
    }

    private static SimulatedSpec Simulated(ConfigObject o, string name, RegulatorSpec? regulators, Func<string, string> resolve)
    {
        string? networkFile = o.String("network") is { } nf ? resolve(nf) : null;
        if (networkFile is not null && !System.IO.File.Exists(networkFile)) throw o.Error(o.PathOf("network"), $"file not found: {networkFile}");
        string? generate = o.Choice("generate", "scale-free", "small-world");
        if ((networkFile is null) == (generate is null)) throw o.Error(o.Key, "needs exactly one of \"network\" (an edge list or .dot file) and \"generate\" (scale-free or small-world)");
        var generator = new NetworkGeneratorOptions
        {
            Kind = generate == "small-world" ? NetworkKind.SmallWorld : NetworkKind.ScaleFree,
            Genes = o.Int("genes", g => g >= 2, "an integer >= 2") ?? 100,
            Regulators = o.Int("regulatorCount", r => r >= 1, "an integer >= 1"),
            MeanInDegree = o.Double("inDegree", d => d >= 1, "a number >= 1") ?? 2,
        };
        if (networkFile is not null && (o.Has("genes") || o.Has("regulatorCount") || o.Has("inDegree")))
            throw o.Error(o.Key, "\"genes\", \"regulatorCount\" and \"inDegree\" shape a generated network; they do not apply with \"network\"");
        try { generator.Validate(); }
        catch (ArgumentOutOfRangeException e) { throw o.Error(o.Key, $"generated network: {e.Message.Split(" (Parameter", 2)[0]}"); }
        var values = (o.Choice("values", "counts", "lognorm", "clean") ?? "lognorm") switch
        {
            "counts" => ExpressionValues.Counts,
            "clean" => ExpressionValues.Clean,
            _ => ExpressionValues.LogNormalized,
        };
        return new SimulatedSpec
        {
            Name = name,
            Key = o.Key,
            Regulators = regulators,
            NetworkFile = networkFile,
            Generator = generator,
            NetworkSeed = (ulong)(o.Int("networkSeed", s => s >= 0, "an integer >= 0") ?? 1),
            Seed = (ulong)(o.Int("seed", s => s >= 0, "an integer >= 0") ?? 1),
            Cells = o.Int("cells", c => c >= 10, "an integer >= 10") ?? 1000,
            Knockouts = o.Bool("knockouts") ?? false,
            PerturbFraction = o.Double("perturbFraction", f => f > 0 && f < 1, "in (0, 1)") ?? 0.5,
            Values = values,
            Dropout = o.Double("dropout", d => d > 0 && d < 1, "in (0, 1)"),
            ScreenCells = o.Int("screenCells", c => c >= 0, "an integer >= 0 (0: no separate screen)") ?? 0,
            ScreenPerturbFraction = o.Double("screenPerturbFraction", f => f > 0 && f < 1, "in (0, 1)") ?? 0.8,
        };
    }

    private static RegulatorSpec? Regulators(ConfigObject o, Func<string, string> resolve)
    {
        string key = o.PathOf("regulators");
        RegulatorSpec.File FileSpec(string path, string? column, string fileKey)
        {
            var p = resolve(path);
            if (!System.IO.File.Exists(p)) throw o.Error(fileKey, $"file not found: {p}");
            return new RegulatorSpec.File(p, column);
        }
        switch (o.KindOf("regulators"))
        {
            case null:
                return null;
            case JsonValueKind.String:
                return o.String("regulators") switch
                {
                    "all" => new RegulatorSpec.All(),
                    "gold" => new RegulatorSpec.Gold(),
                    "network" => new RegulatorSpec.Network(),
                    var path => FileSpec(path!, null, key),
                };
            case JsonValueKind.Object:
                var file = o.Object("regulators")!;
                var spec = FileSpec(file.RequiredString("file"), file.String("column"), file.PathOf("file"));
                file.RejectUnknown();
                return spec;
            default:
                throw o.Error(key, "must be \"all\", \"gold\", \"network\", a list file, or {\"file\": PATH, \"column\": NAME}");
        }
    }

    private static MethodSpec Method(ConfigObject o)
    {
        string name = o.RequiredString("name");
        string method = o.Choice("method", "lasso", "elasticnet", "ridge") ?? throw o.Error(o.PathOf("method"), "is required (lasso, elasticnet or ridge)");
        if (o.Has("l1Ratio") && method != "elasticnet") throw o.Error(o.PathOf("l1Ratio"), $"applies only to method elasticnet (this is {method})");
        double l1 = method switch
        {
            "lasso" => 1,
            "ridge" => 0,
            _ => o.Double("l1Ratio", r => r >= 0 && r <= 1, "in [0, 1]") ?? 0.5,
        };
        double? alpha = o.Double("alpha", a => a >= 0, "a number >= 0");
        if (alpha is not null && (o.Has("path") || o.Has("pathMinRatio") || o.Has("select")))
            throw o.Error(o.PathOf("alpha"), "fits one alpha; it cannot be combined with path, pathMinRatio or select");
        int path = o.Int("path", k => k >= 1, "an integer >= 1") ?? 50;
        double minRatio = o.Double("pathMinRatio", e => e > 0 && e <= 1, "in (0, 1]") ?? 1e-3;
        ModelSelection selection = new ModelSelection.Ebic();
        if (o.String("select") is { } s)
        {
            try { selection = ModelSelection.Parse(s); }
            catch (ArgumentException) { throw o.Error(o.PathOf("select"), $"'{s}' is not valid; use ebic, ebic:GAMMA or cv:K with K >= 2"); }
        }
        var options = new ElasticNetOptions
        {
            L1Ratio = l1,
            Alpha = alpha,
            PathLength = alpha is null ? path : 1,
            PathMinRatio = minRatio,
            Selection = selection,
            Tolerance = o.Double("tol", t => t > 0, "a number > 0") ?? new ElasticNetOptions().Tolerance,
        };
        try { options.Validate(); }
        catch (ArgumentOutOfRangeException e) { throw o.Error(o.Key, $"invalid options: {e.Message.Split(" (Parameter", 2)[0]}"); }
        o.RejectUnknown();
        return new MethodSpec(name, method, options);
    }

    private static PriorSpec Prior(ConfigObject o)
    {
        string name = o.RequiredString("name");
        var typeText = o.Choice("type", "none", "database", "motif", "perturbation", "rewired", "random", "shuffled", "file")
            ?? throw o.Error(o.PathOf("type"), "is required (none, database, motif, perturbation, rewired, random, shuffled or file)");
        var type = typeText switch
        {
            "none" => PriorType.None,
            "database" => PriorType.Database,
            "motif" => PriorType.Motif,
            "perturbation" => PriorType.Perturbation,
            "rewired" => PriorType.Rewired,
            "random" => PriorType.Random,
            "shuffled" => PriorType.Shuffled,
            _ => PriorType.File,
        };
        double Required(string key, Func<double, bool> valid, string requirement)
            => o.Double(key, valid, requirement) ?? throw o.Error(o.PathOf(key), $"is required for type {typeText} ({requirement})");
        var spec = new PriorSpec { Name = name, Key = o.Key, Type = type, Datasets = o.Strings("datasets") };
        spec = type switch
        {
            PriorType.Database => spec with { Precision = Required("precision", p => p > 0 && p <= 1, "in (0, 1]"), Recall = Required("recall", r => r > 0 && r <= 1, "in (0, 1]") },
            PriorType.Motif => spec with
            {
                Recall = Required("recall", r => r >= 0 && r <= 1, "in [0, 1]"),
                PerTarget = o.Int("perTarget", k => k >= 1, "an integer >= 1") ?? throw o.Error(o.PathOf("perTarget"), "is required for type motif (candidate regulators per target)"),
            },
            PriorType.Perturbation => spec with { MinZ = o.Double("minZ", z => z >= 0, "a number >= 0") ?? 2 },
            PriorType.Rewired => spec with { Fraction = Required("fraction", f => f >= 0 && f <= 1, "in [0, 1]") },
            PriorType.Random or PriorType.Shuffled => spec with { Like = o.String("like") ?? throw o.Error(o.PathOf("like"), $"is required for type {typeText} (the name of the prior it controls for)") },
            PriorType.File => spec with { Source = o.String("source") ?? throw o.Error(o.PathOf("source"), "is required for type file (a key of the datasets' priorFiles)") },
            _ => spec,
        };
        if (type != PriorType.None)
        {
            var mode = o.Choice("mode", "weight", "mask") == "mask" ? PriorMode.Mask : PriorMode.Weight;
            double weight = mode == PriorMode.Mask
                ? o.Double("weight", w => w > 0, "a number > 0 in mask mode") ?? 1.0
                : o.Double("weight", w => w > 0 && w <= 1, "in (0, 1] in weight mode") ?? 0.5;
            spec = spec with { Mode = mode, Weight = weight };
        }
        else if (o.Has("mode") || o.Has("weight") || o.Has("datasets")) throw o.Error(o.Key, "a prior of type none takes no mode, weight or datasets");
        o.RejectUnknown();
        return spec;
    }

    /// <summary>Controls name an earlier prior; file priors name a prior file of every dataset they run on; perturbation priors need perturbation data.</summary>
    private static void CheckPriors(ConfigObject root, IReadOnlyList<PriorSpec> priors, IReadOnlyList<DatasetSpec> datasets)
    {
        var names = datasets.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        if (!priors.Any(p => p.Type == PriorType.None))
            throw root.Error("priors", "needs an entry of type none: gains are measured against it");
        for (int i = 0; i < priors.Count; i++)
        {
            var p = priors[i];
            foreach (var d in p.Datasets ?? [])
                if (!names.Contains(d)) throw root.Error($"{p.Key}.datasets", $"'{d}' is not a dataset name ({string.Join(", ", names)})");
            if (p.Like is { } like)
            {
                var target = priors.Take(i).FirstOrDefault(q => q.Name == like)
                    ?? throw root.Error($"{p.Key}.like", $"'{like}' is not the name of an earlier prior");
                if (target.Type == PriorType.None) throw root.Error($"{p.Key}.like", $"'{like}' is the empty prior; a control copies a prior with edges");
                foreach (var d in datasets.Where(d => p.AppliesTo(d.Name)))
                    if (!target.AppliesTo(d.Name)) throw root.Error($"{p.Key}.datasets", $"runs on dataset '{d.Name}' but '{like}' does not; restrict it with \"datasets\"");
            }
            foreach (var d in datasets.Where(d => p.AppliesTo(d.Name)))
            {
                if (p.Type == PriorType.File && (d is not FilesSpec f || !f.PriorFiles.ContainsKey(p.Source!)))
                    throw root.Error($"{p.Key}.source", $"dataset '{d.Name}' has no prior file '{p.Source}' (list it in its priorFiles, or restrict this prior with \"datasets\")");
                if (p.Type == PriorType.Perturbation && !HasPerturbations(d))
                    throw root.Error($"{p.Key}.datasets", $"dataset '{d.Name}' has no perturbation data (DREAM4 knockouts need \"root\" or the embedded copy; simulated data need \"knockouts\": true or \"screenCells\"); restrict this prior with \"datasets\"");
            }
        }
    }

    private static bool HasPerturbations(DatasetSpec d) => d switch
    {
        Dream4Spec => true,
        SimulatedSpec s => s.Knockouts || s.ScreenCells > 0,
        _ => false,
    };
}
