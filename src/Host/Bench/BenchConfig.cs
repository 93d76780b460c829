using GrnFast.Host.Cli;
using GrnFast.Simulation.Networks;
using GrnFast.Simulation.Noise;
using GrnFast.Solvers.ElasticNet;

namespace GrnFast.Host.Bench;

/// <summary>How a run's network is scored (docs/prior-benchmark.md).</summary>
internal enum ScoringMode
{
    /// <summary>The gold is split by target; gold-derived priors see only the training targets' edges; pairs into the held-out targets are scored.</summary>
    HeldOutTargets,
    /// <summary>The prior is built from the whole gold; every pair it lists is left out of scoring (for the baseline too).</summary>
    ExcludePrior,
    /// <summary>Every candidate pair is scored: the level copying the prior reaches, for reference only.</summary>
    All,
}

/// <summary>A whole benchmark: datasets x methods x priors x seeds, each scored in every mode.</summary>
internal sealed record BenchConfig
{
    /// <summary>The config file, as given.</summary>
    public required string Path { get; init; }
    /// <summary>The output directory (the config's "output", relative to the config file, unless --out overrides it).</summary>
    public required string Output { get; init; }
    public required IReadOnlyList<int> Seeds { get; init; }
    /// <summary>0 = all cores.</summary>
    public int Threads { get; init; }
    public required IReadOnlyList<ScoringMode> Scoring { get; init; }
    /// <summary>Fraction of the gold's targets held out per seed (held-out-targets mode).</summary>
    public double HeldOutFraction { get; init; } = 0.3;
    public required IReadOnlyList<DatasetSpec> Datasets { get; init; }
    public required IReadOnlyList<MethodSpec> Methods { get; init; }
    public required IReadOnlyList<PriorSpec> Priors { get; init; }
    public required PlotSpec Plots { get; init; }
}

/// <summary>Which run the precision-recall plots show (one per dataset).</summary>
internal sealed record PlotSpec(ScoringMode Mode, string Method, int Seed, int Width, int Height);

/// <summary>Candidate regulators of a dataset.</summary>
internal abstract record RegulatorSpec
{
    private RegulatorSpec() { }
    /// <summary>Every gene of the data.</summary>
    public sealed record All : RegulatorSpec;
    /// <summary>The gold standard's regulators (genes with a true outgoing edge).</summary>
    public sealed record Gold : RegulatorSpec;
    /// <summary>Genes with targets in the simulated network (what <c>simulate</c> writes as regulators.txt).</summary>
    public sealed record Network : RegulatorSpec;
    /// <summary>A list file (one name per line), or a column of a delimited file with a header (e.g. BEELINE's TF.csv, column TF).</summary>
    public sealed record File(string Path, string? Column) : RegulatorSpec;
}

/// <summary>One dataset: where its expression, gold standard and optional perturbation data come from.</summary>
internal abstract record DatasetSpec
{
    public required string Name { get; init; }
    /// <summary>"datasets[2]": how messages name this entry.</summary>
    public required string Key { get; init; }
    public RegulatorSpec? Regulators { get; init; }
    /// <summary>Score pairs out of the gold's regulators only (BEELINE's convention for ChIP gold standards) instead of every candidate regulator.</summary>
    public bool ScoreGoldRegulators { get; init; }
    /// <summary>Methods run on this dataset; null: all.</summary>
    public IReadOnlyList<string>? Methods { get; init; }
}

/// <summary>Which DREAM4 experiments make the expression matrix.</summary>
internal enum Dream4Experiment { Knockouts, Knockdowns, Wildtype, Multifactorial }

/// <summary>
/// DREAM4 in-silico size 100, network 1-3: from <see cref="Root"/> (the folder with DREAM4_InSilico_Size100,
/// DREAM4_InSilico_Size100_Multifactorial and DREAM4_Challenge2_GoldStandards) or, when null, the copy of network 1
/// embedded in grnfast (knockouts, knockdowns, wild type). Multifactorial data are relabelled to the knockouts'
/// gene names with the challenge's mapping file, so both describe the same network.
/// </summary>
internal sealed record Dream4Spec : DatasetSpec
{
    public string? Root { get; init; }
    public int Network { get; init; } = 1;
    public required IReadOnlyList<Dream4Experiment> Expression { get; init; }
    /// <summary>Knockouts z-scored against the wild type (and knockdowns combined by Stouffer when set) for perturbation priors.</summary>
    public bool PerturbationWithKnockdowns { get; init; }
}

/// <summary>A BEELINE dataset folder: ExpressionData.csv (genes x cells) and refNetwork.csv.</summary>
internal sealed record BeelineSpec : DatasetSpec
{
    public required string Folder { get; init; }
}

/// <summary>Any expression file with a gold standard and optional named prior files (e.g. mDC with its ChIP and STRING networks).</summary>
internal sealed record FilesSpec : DatasetSpec
{
    public required string Expression { get; init; }
    public bool GenesByCells { get; init; }
    public required string Gold { get; init; }
    /// <summary>Named edge lists usable by priors of type "file" (weights ignored: every listed pair is a prior edge).</summary>
    public IReadOnlyDictionary<string, string> PriorFiles { get; init; } = new Dictionary<string, string>();
}

/// <summary>Cells made by the simulator (docs/simulator.md) from a generated or given network.</summary>
internal sealed record SimulatedSpec : DatasetSpec
{
    /// <summary>An edge list or .dot file; null: generate.</summary>
    public string? NetworkFile { get; init; }
    public NetworkGeneratorOptions Generator { get; init; } = new();
    public ulong NetworkSeed { get; init; } = 1;
    public ulong Seed { get; init; } = 1;
    public int Cells { get; init; } = 1000;
    /// <summary>Knock out every regulator in <see cref="PerturbFraction"/> of the cells (Perturb-seq); false: unperturbed cells.</summary>
    public bool Knockouts { get; init; }
    public double PerturbFraction { get; init; } = 0.5;
    public ExpressionValues Values { get; init; } = ExpressionValues.LogNormalized;
    public double? Dropout { get; init; }
    /// <summary>Cells of a separate knockout screen of the same network (other dynamics seed) for perturbation priors; 0: use the dataset's own guides.</summary>
    public int ScreenCells { get; init; }
    public double ScreenPerturbFraction { get; init; } = 0.8;
}

/// <summary>One inference method: the pipeline's method name and solver options.</summary>
internal sealed record MethodSpec(string Name, string Method, ElasticNetOptions Options);

/// <summary>Prior types (docs/prior-benchmark.md).</summary>
internal enum PriorType { None, Database, Motif, Perturbation, Rewired, Random, Shuffled, File }

/// <summary>One prior: how it is made and how inference uses it.</summary>
internal sealed record PriorSpec
{
    public required string Name { get; init; }
    public required string Key { get; init; }
    public required PriorType Type { get; init; }
    public double Precision { get; init; }
    public double Recall { get; init; }
    public int PerTarget { get; init; }
    public double MinZ { get; init; } = 2;
    public double Fraction { get; init; }
    /// <summary>Random and shuffled controls: the prior (an earlier entry) whose size, weights or degrees they copy.</summary>
    public string? Like { get; init; }
    /// <summary>File priors: the dataset's prior file of this name.</summary>
    public string? Source { get; init; }
    /// <summary>Datasets this prior runs on; null: all.</summary>
    public IReadOnlyList<string>? Datasets { get; init; }
    public PriorMode Mode { get; init; } = PriorMode.Weight;
    public double Weight { get; init; } = 0.5;

    public bool AppliesTo(string dataset) => Datasets is null || Datasets.Contains(dataset, StringComparer.Ordinal);

    public static string TypeName(PriorType t) => t switch
    {
        PriorType.None => "none",
        PriorType.Database => "database",
        PriorType.Motif => "motif",
        PriorType.Perturbation => "perturbation",
        PriorType.Rewired => "rewired",
        PriorType.Random => "random",
        PriorType.Shuffled => "shuffled",
        _ => "file",
    };
}

internal static class ScoringModes
{
    public static string Name(ScoringMode m) => m switch
    {
        ScoringMode.HeldOutTargets => "heldout-targets",
        ScoringMode.ExcludePrior => "exclude-prior",
        _ => "all",
    };
}
