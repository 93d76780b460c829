namespace GrnFast.Solvers.ElasticNet;

/// <summary>Precision of the standardised data and of the Gram / cross-product GEMMs. Coordinate descent always runs in double.</summary>
public enum GramPrecision { Float64, Float32 }

/// <summary>Which algorithm follows the regularization path of each target.</summary>
public enum PathSolver
{
    /// <summary>The homotopy for a lasso path (l1 ratio 1, several alphas), coordinate descent otherwise.</summary>
    Auto,
    /// <summary>Warm-started coordinate descent with strong rules at every alpha (any l1 ratio).</summary>
    CoordinateDescent,
    /// <summary>
    /// The exact lasso path by homotopy (LARS with the lasso modification), l1 ratio 1 only. A target it cannot
    /// finish (a zero weight, collinear candidates, a gap above the tolerance) continues by coordinate descent.
    /// Between grid alphas it jumps: the candidates whose bounds the current line crosses join at once and the
    /// grid point is solved and checked for optimality, falling back to the breakpoints one by one when that fails.
    /// The coefficients are the same; an entry alpha inside a grid interval is then estimated to first order.
    /// </summary>
    Homotopy,
    /// <summary>The homotopy visiting every breakpoint (no jumps): exact entry alphas, slower on long paths.</summary>
    HomotopyEvents,
}

/// <summary>How one alpha is chosen from a regularization path.</summary>
public abstract record ModelSelection
{
    private ModelSelection() { }

    /// <summary>Extended BIC (Chen and Chen 2008): n log(RSS/n) + df log n + 2 gamma df log(candidates).</summary>
    public sealed record Ebic(double Gamma = 0.5) : ModelSelection;

    /// <summary>K-fold cross-validation over cells; the alpha with the lowest mean held-out MSE.</summary>
    public sealed record CrossValidation(int Folds) : ModelSelection;

    /// <summary>Parses "ebic", "ebic:GAMMA" or "cv:K".</summary>
    public static ModelSelection Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        if (t == "ebic") return new Ebic();
        if (t.StartsWith("ebic:", StringComparison.Ordinal)
            && double.TryParse(t[5..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var g) && g >= 0)
            return new Ebic(g);
        if (t.StartsWith("cv:", StringComparison.Ordinal) && int.TryParse(t[3..], out var k) && k >= 2)
            return new CrossValidation(k);
        throw new ArgumentException($"unknown model selection '{text}': use ebic, ebic:GAMMA or cv:K with K >= 2", nameof(text));
    }
}

/// <summary>
/// Options of the prior-weighted elastic net, for every target gene j:
///   minimize_theta (1/2n)||x_j - X_S theta||^2 + alpha * sum_i w_ij (rho |theta_i| + (1 - rho)/2 theta_i^2)
/// on standardised regulators (population variance 1) and a centred target.
/// </summary>
public sealed record ElasticNetOptions
{
    /// <summary>rho: 1 = lasso, 0 = ridge.</summary>
    public double L1Ratio { get; init; } = 1.0;

    /// <summary>A fixed alpha; when null a path of <see cref="PathLength"/> values is fitted and one is selected.</summary>
    public double? Alpha { get; init; }

    /// <summary>Number of alphas on the path, alpha_max down to PathMinRatio * alpha_max, log-spaced.</summary>
    public int PathLength { get; init; } = 50;

    /// <summary>epsilon: the last alpha of the path over alpha_max.</summary>
    public double PathMinRatio { get; init; } = 1e-3;

    /// <summary>Selection of one alpha on the path.</summary>
    public ModelSelection Selection { get; init; } = new ModelSelection.Ebic();

    /// <summary>
    /// Stopping tolerance, scaled like scikit-learn's: a fit stops when its duality gap is at most
    /// Tolerance * ||x_j||^2 / n.
    /// </summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>Maximum coordinate-descent sweeps per alpha.</summary>
    public int MaxSweeps { get; init; } = 10_000;

    /// <summary>Precision of the Gram / cross-product computation.</summary>
    public GramPrecision Precision { get; init; } = GramPrecision.Float64;

    /// <summary>Path algorithm; the homotopies need <see cref="L1Ratio"/> = 1.</summary>
    public PathSolver Solver { get; init; } = PathSolver.Auto;

    /// <summary>When set, every target also reports its coefficients at this 0-based path index (for agreement checks).</summary>
    public int? SnapshotPathIndex { get; init; }

    /// <summary>Seed for anything random (cross-validation folds).</summary>
    public int Seed { get; init; }

    /// <summary>Throws with the option's name if a value is out of range.</summary>
    public void Validate()
    {
        if (!(L1Ratio >= 0 && L1Ratio <= 1)) throw new ArgumentOutOfRangeException(nameof(L1Ratio), L1Ratio, "l1 ratio must be in [0, 1]");
        if (Alpha is { } a && !(a > 0 && double.IsFinite(a))) throw new ArgumentOutOfRangeException(nameof(Alpha), a, "alpha must be finite and > 0 (alpha = 0 is unpenalised least squares, which has no duality-gap certificate here)");
        if (PathLength < 1) throw new ArgumentOutOfRangeException(nameof(PathLength), PathLength, "the path needs at least one alpha");
        if (!(PathMinRatio > 0 && PathMinRatio <= 1)) throw new ArgumentOutOfRangeException(nameof(PathMinRatio), PathMinRatio, "path min ratio must be in (0, 1]");
        if (!(Tolerance > 0 && double.IsFinite(Tolerance))) throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "tolerance must be > 0");
        if (MaxSweeps < 1) throw new ArgumentOutOfRangeException(nameof(MaxSweeps), MaxSweeps, "max sweeps must be >= 1");
        if (Solver is PathSolver.Homotopy or PathSolver.HomotopyEvents && L1Ratio != 1) throw new ArgumentOutOfRangeException(nameof(Solver), Solver, "the homotopy solves the lasso only (l1 ratio 1)");
        if (SnapshotPathIndex is { } si && (si < 0 || si >= PathLength)) throw new ArgumentOutOfRangeException(nameof(SnapshotPathIndex), si, "the snapshot index must lie on the path");
        if (Selection is ModelSelection.CrossValidation { Folds: < 2 } cv) throw new ArgumentOutOfRangeException(nameof(Selection), cv.Folds, "cross-validation needs at least 2 folds");
        if (Selection is ModelSelection.Ebic { Gamma: var g } && !(g >= 0)) throw new ArgumentOutOfRangeException(nameof(Selection), g, "EBIC gamma must be >= 0");
    }
}
