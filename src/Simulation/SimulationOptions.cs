using GrnFast.Simulation.Noise;

namespace GrnFast.Simulation;

/// <summary>Knockout: production of the gene set to 0. Knockdown: production multiplied by a factor in (0, 1).</summary>
public enum PerturbationKind { Knockout, Knockdown }

/// <summary>One guide's effect: the targeted gene (index into the network's genes) and how its production is changed.</summary>
public readonly record struct Perturbation(int Gene, PerturbationKind Kind, double Factor)
{
    public static Perturbation Knockout(int gene) => new(gene, PerturbationKind.Knockout, 0);
    public static Perturbation Knockdown(int gene, double factor) => new(gene, PerturbationKind.Knockdown, factor);
}

/// <summary>A differentiation path from one cell type's basal rates to another's (indices into the cell types).</summary>
public readonly record struct TrajectoryPath(int From, int To);

/// <summary>
/// Everything the simulator needs besides the network. Defaults: 2000 cells of one type, lambda = 0.8, q = 1,
/// dt = 0.02, burn-in (4 + depth) / lambda, basal rates of master regulators uniform on [0.5, 5] per type,
/// counts with library size 10 x genes.
/// </summary>
public sealed record SimulationOptions
{
    public int Cells { get; init; } = 2000;

    /// <summary>Cell types: each draws its own master-regulator basal rates (and rewires its network when <see cref="RewireFraction"/> &gt; 0).</summary>
    public int CellTypes { get; init; } = 1;

    /// <summary>f: the fraction of edges each cell type after the first moves to new targets.</summary>
    public double RewireFraction { get; init; }

    /// <summary>lambda, the decay rate of every gene.</summary>
    public double Decay { get; init; } = 0.8;

    /// <summary>q, the noise amplitude of the chemical Langevin equation (0: deterministic).</summary>
    public double Noise { get; init; } = 1;

    /// <summary>dt of the Euler-Maruyama steps.</summary>
    public double TimeStep { get; init; } = 0.02;

    /// <summary>Time from the noise-free steady state to the first recorded state; null for (4 + depth) / lambda,
    /// with depth the longest regulatory chain (starting at the noise-free steady state, means and variances settle
    /// within about 5 time units at lambda = 0.8 on a depth-6 network; this leaves twice that).</summary>
    public double? BurnIn { get; init; }

    public double BasalMin { get; init; } = 0.5;
    public double BasalMax { get; init; } = 5;

    /// <summary>Differentiation paths; when given, the cells are split across them instead of across the steady-state cell types.</summary>
    public IReadOnlyList<TrajectoryPath> Trajectories { get; init; } = [];

    /// <summary>Time the basal rates take to move from the start type's to the end type's; pseudotime is time / this.</summary>
    public double TrajectoryTime { get; init; } = 10;

    /// <summary>The guides; each perturbed cell carries exactly one.</summary>
    public IReadOnlyList<Perturbation> Perturbations { get; init; } = [];

    /// <summary>Fraction of each cell type's (or path's) cells that carry a targeting guide; the rest are non-targeting.</summary>
    public double PerturbFraction { get; init; } = 0.5;

    public TechnicalNoiseOptions Technical { get; init; } = new();

    /// <summary>Output rows are shuffled (seeded) so that cell types and guides are not in contiguous blocks.</summary>
    public bool ShuffleCells { get; init; } = true;

    /// <summary>Seed of the dynamics, the pseudotimes, the technical noise and the row order.</summary>
    public ulong Seed { get; init; }

    /// <summary>Seed of the system itself: the cell types' basal rates and rewired networks (default: <see cref="Seed"/>).
    /// Fix it and vary <see cref="Seed"/> for replicate data sets of the same cell types.</summary>
    public ulong? SystemSeed { get; init; }

    /// <summary>0 = all cores. Results do not depend on it.</summary>
    public int Threads { get; init; }

    public double BurnInFor(int depth) => BurnIn ?? (4.0 + depth) / Decay;

    public void Validate(int genes)
    {
        if (Cells < 1) throw new ArgumentOutOfRangeException(nameof(Cells), Cells, "must be >= 1");
        if ((long)Cells * genes > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(Cells), Cells, $"cells x genes must fit one array ({Array.MaxLength} values); simulate fewer cells per run");
        if (CellTypes < 1) throw new ArgumentOutOfRangeException(nameof(CellTypes), CellTypes, "must be >= 1");
        if (!(RewireFraction is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(RewireFraction), RewireFraction, "must be in [0, 1]");
        Positive(Decay, nameof(Decay));
        if (!(Noise >= 0) || !double.IsFinite(Noise)) throw new ArgumentOutOfRangeException(nameof(Noise), Noise, "must be finite and >= 0");
        Positive(TimeStep, nameof(TimeStep));
        if (TimeStep * Decay > 0.5) throw new ArgumentOutOfRangeException(nameof(TimeStep), TimeStep, $"dt * decay = {TimeStep * Decay:G3} is too coarse for Euler-Maruyama; keep it below 0.5 (0.01-0.05 recommended)");
        if (BurnIn is { } b && (!(b >= 0) || !double.IsFinite(b))) throw new ArgumentOutOfRangeException(nameof(BurnIn), b, "must be finite and >= 0");
        if (!(BasalMin >= 0) || !double.IsFinite(BasalMin)) throw new ArgumentOutOfRangeException(nameof(BasalMin), BasalMin, "must be finite and >= 0");
        if (!(BasalMax >= BasalMin) || !double.IsFinite(BasalMax) || BasalMax == 0) throw new ArgumentOutOfRangeException(nameof(BasalMax), BasalMax, "must be finite, > 0 and >= the minimum basal rate");
        foreach (var t in Trajectories)
            if ((uint)t.From >= (uint)CellTypes || (uint)t.To >= (uint)CellTypes || t.From == t.To)
                throw new ArgumentOutOfRangeException(nameof(Trajectories), $"{t.From + 1}:{t.To + 1}", $"a path joins two different cell types among 1..{CellTypes}");
        Positive(TrajectoryTime, nameof(TrajectoryTime));
        var seen = new HashSet<int>();
        foreach (var p in Perturbations)
        {
            if ((uint)p.Gene >= (uint)genes) throw new ArgumentOutOfRangeException(nameof(Perturbations), p.Gene, $"gene index outside 0..{genes - 1}");
            if (!seen.Add(p.Gene)) throw new ArgumentOutOfRangeException(nameof(Perturbations), p.Gene, "a gene is perturbed by two guides");
            if (p.Kind == PerturbationKind.Knockout && p.Factor != 0) throw new ArgumentOutOfRangeException(nameof(Perturbations), p.Factor, "a knockout has factor 0");
            if (p.Kind == PerturbationKind.Knockdown && !(p.Factor is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(Perturbations), p.Factor, "a knockdown factor must be in (0, 1)");
        }
        if (!(PerturbFraction is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(PerturbFraction), PerturbFraction, "must be in [0, 1]");
        Technical.Validate();
    }

    private static void Positive(double value, string name)
    {
        if (!(value > 0) || !double.IsFinite(value)) throw new ArgumentOutOfRangeException(name, value, "must be finite and > 0");
    }
}
