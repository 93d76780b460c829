using System.Diagnostics;
using GrnFast.Kernels.Blas;
using GrnFast.Kernels.Factorization;
using GrnFast.Kernels.Vectors;
using GrnFast.Solvers.Results;

namespace GrnFast.Solvers.NetRex;

/// <summary>
/// PALM on the NetREX-CF objective, in the Gram form: E enters only through K = E E^T (G x G), because A = Z E with
/// Z (T x G) updated in closed form, so E A^T = K Z^T and A A^T = Z K Z^T. One outer iteration:
/// <list type="number">
/// <item>A: the proximal ridge step A = (S^T S + (lambda_a + mu_A/2) I)^-1 (S^T E + (mu_A/2) A), mu_A = ||S^T S + lambda_a I||_F,
/// i.e. Z = M^-1 (S^T + (mu_A/2) Z) by one T x T Cholesky.</item>
/// <item>S: U = S - step (S A A^T + lambda_s S - E A^T) with step = 2/mu_S, mu_S = 2 ||A A^T + lambda_s I||_F (twice the
/// notebook's, so that mu_S bounds the gradient's Lipschitz constant), then the exact proximal map of the CF and L0 terms:
/// S_ij = U_ij where U_ij^2 &gt; step * delta_ij, else 0 (<see cref="FactorizationKernels.HardThresholdStep"/>).</item>
/// <item>X then Y: for a random block of genes (regulators), the exact minimiser of the CF term plus r ||x||^2:
/// (sum_j w_ij y_j y_j^T + r I) x_i = sum_j w_ij t_ij y_j, with w = lambda (beta S0 + alpha) split into the dense
/// lambda Y Y^T and a sparse excess.</item>
/// </list>
/// Each step minimises F (or a majoriser of it that touches at the current point) over one block, so F never increases.
/// </summary>
internal sealed class NetRexCfPalm
{
    private readonly NetRexCfEdges _edges;
    private readonly double[] _k;
    // K by the sparse product's row panels (null when too large to copy): K S is formed at every iteration.
    private readonly double[]? _kPanels;
    private readonly double _traceK;
    private readonly NetRexCfOptions _o;
    private readonly SolverContext _context;
    private readonly int _g, _t;
    // _sts holds S^T S of the current S between the S-step (or Activities) and the next A-step, which shifts it in place.
    private readonly double[] _eat, _aat, _aatT, _ks, _rhs, _r, _grad, _sts, _inverse, _excess, _weightedTarget;
    // Z^T (G x T): the A-step works on it, so that S + (mu_A/2) Z^T is element-wise; the state's Z is written back by Run.
    private readonly double[] _zt;
    // Scratch of UpdatePrediction: gathered latent columns, and the rows or columns of R they give.
    private double[] _gathered = [], _block = [];
    private readonly double[] _factor, _triangularInverse, _stripLoss, _stripLinear, _stripSquares;
    private readonly SparseNetwork _sparse;
    // The Y-step's regulator Grams, kept across iterations of the state in _current (null: rebuilt at every visit).
    private SupportGrams? _regulatorGrams;
    // The factor steps' buffers (d x T for the X-step, d x G for the Y-step), made at the first iteration (they need d).
    private NetRexCfFactorStep.Buffers? _geneBuffers, _regulatorBuffers;
    // The state whose E A^T, A A^T and sparse S the buffers hold (set by Activities, kept current by Iterate).
    private NetRexCfState? _current;
    // Stopwatch ticks per step of Iterate (A, S, X, Y, F), summed over a Run.
    private readonly long[] _phaseTicks = new long[5];

    public NetRexCfPalm(NetRexCfEdges edges, double[] gram, NetRexCfOptions options, SolverContext context)
    {
        _edges = edges; _k = gram; _o = options; _context = context;
        _g = edges.Genes; _t = edges.Regulators;
        if (gram.Length != (long)_g * _g) throw new ArgumentException($"the Gram matrix has {gram.Length} entries, {_g} genes need {(long)_g * _g}", nameof(gram));
        for (int i = 0; i < _g; i++) _traceK += gram[i + i * _g];
        long m = (long)_g * _t;
        _eat = new double[m]; _ks = new double[m]; _zt = new double[m]; _rhs = new double[m]; _r = new double[m]; _grad = new double[m];
        _excess = new double[m]; _weightedTarget = new double[m];
        _factor = new double[(long)_t * _t]; _triangularInverse = new double[(long)_t * _t];
        _aat = new double[(long)_t * _t]; _aatT = new double[(long)_t * _t]; _sts = new double[(long)_t * _t]; _inverse = new double[(long)_t * _t];
        _stripLoss = new double[(m + StripLength - 1) / StripLength];
        _stripLinear = new double[_stripLoss.Length];
        _stripSquares = new double[_stripLoss.Length];
        _sparse = new SparseNetwork(_g, _t);
        _kPanels = SparseNetwork.PackRowPanels(gram, _g, _g);
    }

    private IBlas Blas => _context.Blas;

    /// <summary>F at the given iterates.</summary>
    public double Objective(NetRexCfState s)
    {
        Activities(s);
        Prediction(s);
        return ObjectiveAtCurrentProducts(s);
    }

    /// <summary>Runs up to <paramref name="maxIterations"/> outer iterations from <paramref name="state"/>, in place.</summary>
    public NetRexCfFit Run(NetRexCfState state, int maxIterations, Random rng)
    {
        var history = new List<double> { Objective(state) };
        Array.Clear(_phaseTicks);
        double change = double.PositiveInfinity, increase = 0;
        var status = double.IsFinite(history[0]) ? SolverStatus.MaxIterations : SolverStatus.NumericalFailure;
        var seconds = new List<double>();
        var clock = new Stopwatch();
        for (int k = 0; k < maxIterations && status != SolverStatus.NumericalFailure; k++)
        {
            if (_context.Cancellation.IsCancellationRequested) { status = SolverStatus.Cancelled; break; }
            clock.Restart();
            double f = Iterate(state, rng);
            seconds.Add(clock.Elapsed.TotalSeconds);
            double previous = history[^1];
            history.Add(f);
            if (!double.IsFinite(f)) { status = SolverStatus.NumericalFailure; break; }
            change = Math.Abs(f - previous) / Math.Max(Math.Abs(f), double.Epsilon);
            if (f > previous) increase = Math.Max(increase, (f - previous) / Math.Max(Math.Abs(previous), double.Epsilon));
            if (change <= _o.Tolerance) { status = SolverStatus.Converged; break; }
        }
        Transposed(_zt, _g, _t, state.Z);
        var certificate = new NetRexCfCertificate(history.ToArray(), change, _o.Tolerance, history.Count - 1, increase);
        double hz = Stopwatch.Frequency;
        var phases = new NetRexCfPhaseSeconds(_phaseTicks[0] / hz, _phaseTicks[1] / hz, _phaseTicks[2] / hz,
            _phaseTicks[3] / hz, _phaseTicks[4] / hz);
        return new NetRexCfFit(status, certificate, state, seconds.ToArray(), phases);
    }

    /// <summary>One outer iteration (A, S, X, Y); returns F after it. The state's Z is stale until <see cref="Run"/> writes it back.</summary>
    private double Iterate(NetRexCfState s, Random rng)
    {
        int g = _g, t = _t;
        if (!ReferenceEquals(_current, s)) Objective(s);
        long mark = Stopwatch.GetTimestamp();
        // A-step: Z^T <- (S + (mu_A/2) Z^T) M^-1, M = S^T S + (lambda_a + mu_A/2) I. The new E A^T = K Z'^T follows from the
        // old one without K Z'^T: K Z'^T = (K S + (mu_A/2) K Z^T) M^-1, with K S sparse in S. S^T S is the one F used.
        double muA = FrobeniusWithShift(_sts, t, _o.LambdaA);
        double half = muA / 2;
        for (int j = 0; j < t; j++) _sts[j + j * t] += _o.LambdaA + half;
        // M's factor and inverse factor are serial: one thread forms them while the other starts K S.
        bool factored = false;
        _sparse.LeftMultiply(_k, g, _ks, _context.Threads, Blas, s.S, _kPanels, addend: _eat, addScale: half,
            alongside: () => factored = InverseFactor(_sts, t));
        if (!factored) return double.NaN;
        InverseFromFactor(t, _inverse);
        Blas.Gemm(Transpose.No, Transpose.No, g, t, t, 1.0, _ks, g, _inverse, t, 0.0, _eat, g);
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(_zt, half, s.S, _rhs);
        Blas.Gemm(Transpose.No, Transpose.No, g, t, t, 1.0, _rhs, g, _inverse, t, 0.0, _zt, g);
        ActivityGram();
        mark = Lap(0, mark);

        // S-step on the new activities: grad/2 = S A A^T + lambda_s S - E A^T, S A A^T by panels of (A A^T)^T on the sparse S^T.
        double muS = 2 * FrobeniusWithShift(_aat, t, _o.LambdaS);
        double step = 2 / muS;
        // _grad holds S A A^T; the threshold pass adds lambda_s S - E A^T as it reads them.
        // A A^T is symmetric but for round-off in ActivityGram's diagonal blocks: its transpose keeps the bits of S A A^T.
        Transposed(_aat, t, t, _aatT);
        _sparse.RightMultiply(_aatT, _context.Threads, _grad);
        // In place: each element of the step reads only its own S entry. The CF weights of the X- and Y-steps depend on
        // the new support only, so each short strip gets them right after its step, while its prior, alpha and beta
        // are still in the cache.
        var e = _edges;
        var state = s;
        ElementStrips(_grad.Length, (a, n) =>
        {
            FactorizationKernels.HardThresholdStep(state.S.AsSpan(a, n), _grad.AsSpan(a, n), _eat.AsSpan(a, n), _o.LambdaS, e.Prior.AsSpan(a, n),
                e.Alpha.AsSpan(a, n), e.Beta.AsSpan(a, n), e.Eta.AsSpan(a, n), _r.AsSpan(a, n), e.Lambda, step, state.S.AsSpan(a, n));
            FactorizationKernels.CollaborativeFilterWeights(state.S.AsSpan(a, n), e.Prior.AsSpan(a, n), e.Alpha.AsSpan(a, n),
                e.Beta.AsSpan(a, n), e.Lambda, e.BaseWeight, _excess.AsSpan(a, n), _weightedTarget.AsSpan(a, n));
        }, CacheStripLength);
        _sparse.Load(s.S, _context.Threads);
        _sparse.Gram(_sts, _context.Threads, Blas, s.S);
        mark = Lap(1, mark);

        // X and Y.
        var genes = Block(g, rng);
        var regulators = Block(t, rng);
        if (_geneBuffers?.Factors != s.Factors)
        {
            _geneBuffers = new NetRexCfFactorStep.Buffers(s.Factors, t);
            _regulatorBuffers = new NetRexCfFactorStep.Buffers(s.Factors, g);
        }
        _regulatorGrams?.Changing(s.X, genes);
        NetRexCfFactorStep.Update(s.X, s.Y, s.Factors, g, t, _excess, _weightedTarget, _edges.BaseWeight, _o.FactorRegularization, genes, byRows: true, _context,
            buffers: _geneBuffers);
        mark = Lap(2, mark);
        NetRexCfFactorStep.Update(s.Y, s.X, s.Factors, t, g, _excess, _weightedTarget, _edges.BaseWeight, _o.FactorRegularization, regulators, byRows: false, _context,
            grams: _regulatorGrams, buffers: _regulatorBuffers);
        mark = Lap(3, mark);
        UpdatePrediction(s, genes, regulators);
        double objective = ObjectiveAtCurrentProducts(s);
        Lap(4, mark);
        return objective;
    }

    /// <summary>
    /// Memory the kept regulator Grams may take, counting old columns for a block of every gene (at D1: 54 MB of Grams
    /// and 1.4 MB of old columns in use).
    /// </summary>
    private const double MaxKeptBytes = 512.0 * 1024 * 1024;

    /// <summary>Adds the ticks since <paramref name="mark"/> to step <paramref name="phase"/>; returns now.</summary>
    private long Lap(int phase, long mark)
    {
        long now = Stopwatch.GetTimestamp();
        _phaseTicks[phase] += now - mark;
        return now;
    }

    /// <summary>
    /// Runs an element-wise kernel over [0, n) in strips of 64 K elements on the solver's threads: these kernels stream
    /// five to eight G x T arrays and are bound by one core's memory bandwidth; each element's result does not depend
    /// on the split.
    /// </summary>
    private void ElementStrips(int n, Action<int, int> strip, int length = StripLength)
    {
        Parallel.For(0, (n + length - 1) / length, new ParallelOptions { MaxDegreeOfParallelism = _context.Threads }, b =>
        {
            int a = b * length;
            strip(a, Math.Min(length, n - a));
        });
    }

    private const int StripLength = 1 << 16;

    /// <summary>Strips whose seven or eight arrays fit a core's L2 together (8 K elements: 64 KB each).</summary>
    private const int CacheStripLength = 1 << 13;

    /// <summary>dest (columns x rows) = M^T for a column-major rows x columns M (read as the row-major columns x rows block it is).</summary>
    private static void Transposed(double[] m, int rows, int columns, double[] dest)
        => VectorKernels.Transpose(m, rows, columns, rows, dest, columns);

    /// <summary>
    /// A A^T = Z (E A^T) = (Z^T)^T P (T x T, symmetric): its upper blocks over <see cref="GramParts"/> parts of the
    /// regulators, one GEMM per part for the blocks above the diagonal and the diagonal one, the lower blocks mirrored:
    /// with p parts, (p + 1) / 2p of the full product's multiply-adds (at D1, 3.3-3.5 ms with two parts, 3.0-3.1 with four).
    /// </summary>
    private void ActivityGram()
    {
        int g = _g, t = _t, parts = Math.Max(1, Math.Min(GramParts, t / 32));
        for (int b = 0; b < parts; b++)
        {
            int c0 = b * t / parts, c1 = (b + 1) * t / parts;
            Blas.Gemm(Transpose.Yes, Transpose.No, c1, c1 - c0, g, 1.0, _zt, g, _eat.AsSpan(c0 * g), g, 0.0, _aat.AsSpan(c0 * t), t);
        }
        for (int b = 0; b < parts; b++)
        {
            int c0 = b * t / parts, c1 = (b + 1) * t / parts;
            for (int c = c0; c < c1; c++)
                for (int r = c1; r < t; r++) _aat[r + c * t] = _aat[c + r * t];
        }
    }

    /// <summary>Parts of the regulators <see cref="ActivityGram"/> splits A A^T into (each at least 32 wide).</summary>
    private const int GramParts = 4;

    /// <summary>Indices 0..n-1 when the block covers them all, else FactorBlock of them drawn without replacement.</summary>
    private int[] Block(int n, Random rng)
    {
        var all = Enumerable.Range(0, n).ToArray();
        if (_o.FactorBlock >= n) return all;
        for (int i = 0; i < _o.FactorBlock; i++)
        {
            int j = i + rng.Next(n - i);
            (all[i], all[j]) = (all[j], all[i]);
        }
        var block = all.AsSpan(0, _o.FactorBlock).ToArray();
        Array.Sort(block);
        return block;
    }

    /// <summary>E A^T = K Z^T (G x T) and A A^T = Z (E A^T) (T x T) for the current Z, and the sparse S; a new state's X is not the one the kept Grams saw.</summary>
    private void Activities(NetRexCfState s)
    {
        if (!ReferenceEquals(_current, s))
            _regulatorGrams = SupportGrams.Bytes(_t, _g, s.Factors) <= MaxKeptBytes ? new SupportGrams(_t, _g, s.Factors) : null;
        Transposed(s.Z, _t, _g, _zt);
        Blas.Gemm(Transpose.No, Transpose.No, _g, _t, _g, 1.0, _k, _g, _zt, _g, 0.0, _eat, _g);
        ActivityGram();
        _sparse.Load(s.S, _context.Threads);
        _sparse.Gram(_sts, _context.Threads, Blas, s.S);
        _current = s;
    }

    /// <summary>R = X^T Y (G x T).</summary>
    private void Prediction(NetRexCfState s)
        => Blas.Gemm(Transpose.Yes, Transpose.No, _g, _t, s.Factors, 1.0, s.X, s.Factors, s.Y, s.Factors, 0.0, _r, _g);

    /// <summary>
    /// R = X^T Y after an iteration that moved only the genes <paramref name="genes"/> (columns of X) and the regulators
    /// <paramref name="regulators"/> (columns of Y): their columns and rows of R again, by two GEMMs on gathered copies
    /// (d (|J| G + |I| T) multiply-adds, 35 M against 90 M at D1); all of R when the blocks cover more than half of it.
    /// </summary>
    private void UpdatePrediction(NetRexCfState s, int[] genes, int[] regulators)
    {
        int g = _g, t = _t, d = s.Factors, ni = genes.Length, nj = regulators.Length;
        if ((double)ni * t + (double)nj * g > 0.5 * g * t)
        {
            Prediction(s);
            return;
        }
        if (_gathered.Length < (long)d * Math.Max(ni, nj)) _gathered = new double[(long)d * Math.Max(ni, nj)];
        if (_block.Length < Math.Max((long)g * nj, (long)ni * t)) _block = new double[Math.Max((long)g * nj, (long)ni * t)];
        // Columns J: R[:, J] = X^T Y_J.
        for (int k = 0; k < nj; k++) s.Y.AsSpan(regulators[k] * d, d).CopyTo(_gathered.AsSpan(k * d, d));
        Blas.Gemm(Transpose.Yes, Transpose.No, g, nj, d, 1.0, s.X, d, _gathered, d, 0.0, _block, g);
        for (int k = 0; k < nj; k++) _block.AsSpan(k * g, g).CopyTo(_r.AsSpan(regulators[k] * g, g));
        // Rows I: R[I, :] = X_I^T Y.
        for (int k = 0; k < ni; k++) s.X.AsSpan(genes[k] * d, d).CopyTo(_gathered.AsSpan(k * d, d));
        Blas.Gemm(Transpose.Yes, Transpose.No, ni, t, d, 1.0, _gathered, d, s.Y, d, 0.0, _block, ni);
        for (int j = 0; j < t; j++)
            for (int k = 0; k < ni; k++) _r[genes[k] + (long)j * g] = _block[k + (long)j * ni];
    }

    /// <summary>
    /// F with E A^T, A A^T, S^T S and R current: ||E - S A||^2 = tr K - 2 &lt;S, E A^T&gt; + &lt;S^T S, A A^T&gt;,
    /// lambda_a ||A||^2 = lambda_a tr(A A^T).
    /// </summary>
    private double ObjectiveAtCurrentProducts(NetRexCfState s)
    {
        double quadratic = VectorKernels.Dot(_sts, _aat);
        // The CF loss, <S, E A^T> and ||S||^2 by strips (each strip's S read once from memory), summed in strip order:
        // the same bits for any thread count.
        var e = _edges;
        ElementStrips(_r.Length, (a, n) =>
        {
            int strip = a / StripLength;
            var sStrip = s.S.AsSpan(a, n);
            _stripLoss[strip] = FactorizationKernels.CollaborativeFilterLoss(sStrip, e.Prior.AsSpan(a, n),
                e.Alpha.AsSpan(a, n), e.Beta.AsSpan(a, n), e.Eta.AsSpan(a, n), _r.AsSpan(a, n), e.Lambda);
            _stripLinear[strip] = VectorKernels.Dot(sStrip, _eat.AsSpan(a, n));
            _stripSquares[strip] = VectorKernels.SumOfSquares(sStrip);
        });
        double cf = 0, linear = 0, squares = 0;
        for (int k = 0; k < _stripLoss.Length; k++) { cf += _stripLoss[k]; linear += _stripLinear[k]; squares += _stripSquares[k]; }
        double data = _traceK - 2 * linear + quadratic;
        double traceA = 0;
        for (int j = 0; j < _t; j++) traceA += _aat[j + j * _t];
        return data + cf + _o.LambdaA * traceA + _o.LambdaS * squares
            + _o.FactorRegularization * (VectorKernels.SumOfSquares(s.X) + VectorKernels.SumOfSquares(s.Y));
    }

    /// <summary>||M + shift I||_F for a t x t M.</summary>
    private static double FrobeniusWithShift(double[] m, int t, double shift)
    {
        double sum = 0;
        for (int c = 0; c < t; c++)
            for (int r = 0; r < t; r++)
            {
                double v = m[r + c * t] + (r == c ? shift : 0);
                sum += v * v;
            }
        return Math.Sqrt(sum);
    }

    /// <summary>
    /// M^-1 for a symmetric positive definite t x t M (unchanged), in two parts so that the serial one can run beside K S:
    /// here M = L L^T by <see cref="RowCholesky"/> and W = L^-1 (<see cref="RowCholesky.InvertFactor"/>, t^3 / 6 multiply-adds) into the
    /// scratch buffers; <see cref="InverseFromFactor"/> then forms M^-1 = W^T W by one GEMM (the t^3 of column-by-column
    /// solves, at the BLAS's rate). False if M is not positive definite.
    /// </summary>
    private bool InverseFactor(double[] m, int t)
    {
        var l = _factor;
        Array.Copy(m, l, (long)t * t);
        if (!RowCholesky.Factor(l, t)) return false;
        RowCholesky.InvertFactor(l, t, _triangularInverse);
        return true;
    }

    /// <summary>dest = W^T W from <see cref="InverseFactor"/>'s W, by one GEMM.</summary>
    private void InverseFromFactor(int t, double[] dest)
    {
        var w = _triangularInverse;
        // w row-major holds W (lower); read column-major it is W^T, so W^T W = w w^T in column-major terms.
        Blas.Gemm(Transpose.No, Transpose.Yes, t, t, t, 1.0, w, t, w, t, 0.0, dest, t);
    }
}
