using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GrnFast.Kernels.Blas;
using GrnFast.Kernels.Variational;

namespace GrnFast.Solvers.Variational;

/// <summary>
/// Where each guide parameter and each noise draw lives in the flat vectors the model works on. G genes, K regulators,
/// N cells; G x K and N x K blocks are column-major (gene or cell index fastest).
/// <code>
/// parameters: muA lsA muB lsB (G*K each) | muU lsU (N*K each) | muE lsE (N each) | muT lsT | joint: muS lsS muC lsC
/// noise:      epsA epsB (G*K each)       | epsU (N*K)         | epsE (N)         | epsT    | joint: epsS epsC
/// </code>
/// ls are log standard deviations; a = logit A, u = log U, e = logit d, t = log sigma_obs, S = exp(s) and c are the
/// evidence link's scale and offset.
/// </summary>
public sealed class ParameterLayout
{
    public ParameterLayout(int genes, int regulators, int cells, bool joint)
    {
        Genes = genes; Regulators = regulators; Cells = cells; Joint = joint;
        Pairs = checked(genes * regulators);
        CellTerms = checked(cells * regulators);
        MuU = 4 * Pairs; LsU = MuU + CellTerms; MuE = LsU + CellTerms; LsE = MuE + cells; MuT = LsE + cells;
        Length = MuT + (joint ? 6 : 2);
        EpsU = 2 * Pairs; EpsE = EpsU + CellTerms; EpsT = EpsE + cells;
        NoiseLength = EpsT + (joint ? 3 : 1);
    }

    public int Genes { get; }
    public int Regulators { get; }
    public int Cells { get; }
    public bool Joint { get; }
    public int Pairs { get; }
    public int CellTerms { get; }
    public int MuA => 0;
    public int LsA => Pairs;
    public int MuB => 2 * Pairs;
    public int LsB => 3 * Pairs;
    public int MuU { get; }
    public int LsU { get; }
    public int MuE { get; }
    public int LsE { get; }
    public int MuT { get; }
    public int LsT => MuT + 1;
    public int MuS => MuT + 2;
    public int LsS => MuT + 3;
    public int MuC => MuT + 4;
    public int LsC => MuT + 5;
    public int Length { get; }

    public int EpsA => 0;
    public int EpsB => Pairs;
    public int EpsU { get; }
    public int EpsE { get; }
    public int EpsT { get; }
    public int EpsS => EpsT + 1;
    public int EpsC => EpsT + 2;
    public int NoiseLength { get; }
}

/// <summary>One Monte-Carlo estimate of the objective: log-likelihoods, KL (unweighted), ELBO = ll + llY - KL, and the minimised loss -(ll + llY - beta KL) / (N G).</summary>
/// <remarks><see cref="ReadyLength"/>: the parameters [0, ReadyLength) already took their Adam step inside the evaluation (their gradient entries are not written).</remarks>
public readonly record struct ElboTerms(double LogLikelihood, double EvidenceLogLikelihood, double Kl, double Elbo, double Loss, int ReadyLength = 0);

/// <summary>Adam's moment estimates for every parameter (laid out as the parameters, in the work precision) and the constants of this step.</summary>
internal sealed record AdamUpdate<T>(T[] Mean, T[] Square, AdamStep Step);

/// <summary>External per-pair evidence for the joint model: pair index g + G k and its value y in [0, 1].</summary>
public sealed record PairEvidence(int[] Pairs, double[] Values);

/// <summary>
/// The PMF-GRN objective and its hand-derived reparameterised gradient (docs/pmf-grn.md has the derivation): the
/// latents' draws, the chain of the likelihood's gradient to every latent, the KL terms and the joint model's evidence.
/// Expression W enters only through <see cref="GaussianLikelihoodProducts{T}"/> (H = R V, dV = R^T d U and ||R||^2).
/// Not thread-safe: one model per fit.
/// </summary>
internal sealed class PmfGrnModel<T> where T : unmanaged
{
    private const double HalfLog2Pi = 0.91893853320467274178;
    private readonly ParameterLayout _l;
    private readonly T[] _w;
    private readonly T[]? _mask;
    private readonly T[] _priorLogitA;
    private readonly PairEvidence? _evidence;
    private readonly PmfGrnOptions _o;
    private readonly SolverContext _context;
    private readonly int _batchCapacity;

    /// <summary>The draws of the step: A and B (G x K), U and depth d of the batch cells; the guide's standard deviations exp(ls) of a, b and u.</summary>
    private readonly T[] _a, _b, _u, _d, _stdA, _stdB, _stdU;
    /// <summary>d llY / d a per pair (joint model; zero outside the evidence pairs).</summary>
    private readonly double[]? _evidenceGradient;
    private readonly GaussianLikelihoodProducts<T> _products;
    private readonly double[] _crossColumns;
    /// <summary>Scratch: d ll / d x per latent, per-cell sums over regulators, per-column KL terms.</summary>
    private readonly T[] _dllU, _dllA, _dllB;
    private readonly double[] _dd, _klColumnsU, _klColumnsA;
    /// <summary>A minibatch's rows of the U guide, noise and gradient, column-major nb x K (null for full batches).</summary>
    private readonly T[]? _batchMuU, _batchLsU, _batchEpsU, _batchGradMuU, _batchGradLsU;

    public PmfGrnModel(ParameterLayout layout, T[] w, T[]? mask, double[] priorLogitA, PairEvidence? evidence, PmfGrnOptions options, SolverContext context, int batchCapacity)
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double)) throw new NotSupportedException(typeof(T).Name);
        _l = layout; _w = w; _mask = mask; _priorLogitA = Array.ConvertAll(priorLogitA, FromDouble); _evidence = evidence; _o = options; _context = context;
        int n = layout.Cells, g = layout.Genes, k = layout.Regulators;
        _batchCapacity = batchCapacity;
        _products = new GaussianLikelihoodProducts<T>(w, mask, n, g, k, batchCapacity);
        _a = new T[layout.Pairs]; _b = new T[layout.Pairs];
        _u = new T[batchCapacity * k]; _d = new T[batchCapacity];
        _stdA = new T[layout.Pairs]; _stdB = new T[layout.Pairs]; _stdU = new T[batchCapacity * k];
        _crossColumns = new double[k];
        if (evidence is not null && layout.Joint) _evidenceGradient = new double[layout.Pairs];
        _dllU = new T[batchCapacity * k]; _dllA = new T[layout.Pairs]; _dllB = new T[layout.Pairs];
        _dd = new double[batchCapacity]; _klColumnsU = new double[k]; _klColumnsA = new double[k];
        if (batchCapacity < n)
        {
            _batchMuU = new T[batchCapacity * k]; _batchLsU = new T[batchCapacity * k]; _batchEpsU = new T[batchCapacity * k];
            _batchGradMuU = new T[batchCapacity * k]; _batchGradLsU = new T[batchCapacity * k];
        }
    }

    public ParameterLayout Layout => _l;

    /// <summary>
    /// The loss and its gradient (written to <paramref name="grad"/>, every element) at guide parameters
    /// <paramref name="theta"/> and standard-normal draws <paramref name="noise"/>, on the cells in <paramref name="batch"/>
    /// (null: all cells, in order), with the KL weighted by <paramref name="klFactor"/>.
    /// The element-wise passes run column by column (one regulator's genes or cells) in parallel; every sum is taken
    /// per column and the columns are added in order, so the bits do not depend on the thread count.
    /// With <paramref name="adam"/>, each column of the latent blocks the rest of the evaluation no longer reads (the pairs'
    /// a and b; in full batches also the cells' u) takes its Adam step in the same pass as its gradient
    /// (<see cref="LatentKernels.LatentStep(Span{double}, Span{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, double, double, double, double, AdamMoments{double}, in AdamStep)"/>:
    /// the same bits as the gradient then the step), and their gradient entries are not written; the returned
    /// <see cref="ElboTerms.ReadyLength"/> says how many leading parameters were stepped that way.
    /// </summary>
    public ElboTerms Evaluate(T[] theta, T[] noise, int[]? batch, double klFactor, T[] grad, AdamUpdate<T>? adam = null)
    {
        var l = _l;
        int n = l.Cells, g = l.Genes, k = l.Regulators, p = l.Pairs;
        int nb = batch?.Length ?? n;
        if (nb > _batchCapacity) throw new ArgumentException($"batch of {nb} cells exceeds the capacity {_batchCapacity}", nameof(batch));
        double scale = (double)n / nb;
        double c0 = 1.0 / ((double)n * g);
        // Every pair and (batch) cell entry is written below; the rest (cells outside the batch, depth, globals) starts at zero.
        if (batch is not null) Array.Clear(grad);
        else grad.AsSpan(l.MuE).Clear();
        var options = new ParallelOptions { MaxDegreeOfParallelism = _context.Threads };
        double kl = 0;

        // Globals: t = log sigma_obs.
        double st = Math.Exp(ToDouble(theta[l.LsT]));
        double t = ToDouble(theta[l.MuT]) + st * ToDouble(noise[l.EpsT]);
        double tau = Math.Exp(-2 * t);

        // V = A o B, one regulator's genes at a time.
        Parallel.For(0, k, options, r =>
        {
            int at = g * r;
            SampleSigmoidProduct(theta.AsSpan(l.MuA + at, g), theta.AsSpan(l.LsA + at, g), noise.AsSpan(l.EpsA + at, g),
                theta.AsSpan(l.MuB + at, g), theta.AsSpan(l.LsB + at, g), noise.AsSpan(l.EpsB + at, g), _a.AsSpan(at, g), _b.AsSpan(at, g), _products.VColumn(r),
                _stdA.AsSpan(at, g), _stdB.AsSpan(at, g));
        });

        // Depth d of the batch cells, then d U (column-major nb x K) from the batch's rows of the U guide.
        double observed = 0;
        for (int j = 0; j < nb; j++)
        {
            int c = batch?[j] ?? j;
            _d[j] = FromDouble(Sigmoid(ToDouble(theta[l.MuE + c]) + Math.Exp(ToDouble(theta[l.LsE + c])) * ToDouble(noise[l.EpsE + c])));
            observed += _products.Observed(c);
        }
        T[] muU = theta, lsU = theta, epsU = noise;
        int muAt = l.MuU, lsAt = l.LsU, epsAt = l.EpsU;
        if (batch is not null)
        {
            muU = _batchMuU!; lsU = _batchLsU!; epsU = _batchEpsU!; muAt = lsAt = epsAt = 0;
            Parallel.For(0, k, options, r =>
            {
                for (int j = 0; j < nb; j++)
                {
                    int from = batch[j] + n * r, to = j + nb * r;
                    _batchMuU![to] = theta[l.MuU + from]; _batchLsU![to] = theta[l.LsU + from]; _batchEpsU![to] = noise[l.EpsU + from];
                }
            });
        }
        _products.Begin(batch, options);
        Parallel.For(0, k, options, r =>
        {
            int at = nb * r;
            SampleScaledLogNormal(muU.AsSpan(muAt + at, nb), lsU.AsSpan(lsAt + at, nb), epsU.AsSpan(epsAt + at, nb), _d.AsSpan(0, nb), _u.AsSpan(at, nb), _products.ActivityColumn(r), _stdU.AsSpan(at, nb));
        });

        // H = R V and dV = R^T (d U); hScale turns them into d ll / d (d U) and d ll / d V (before the minibatch scale).
        double hScale = _products.Multiply(tau, _context.Blas, options, _context.Threads);

        // Cells: u (d ll / d log u = scale d h u) column by column, then e through d ll / d d = sum over regulators of u h.
        double sigmaU = _o.PriorStdLogU, sigmaE = _o.PriorStdLogitDepth;
        T[] gradMuU = batch is null ? grad : _batchGradMuU!, gradLsU = batch is null ? grad : _batchGradLsU!;
        int gradMuAt = batch is null ? l.MuU : 0, gradLsAt = batch is null ? l.LsU : 0;
        Parallel.For(0, k, options, r =>
        {
            int at = nb * r;
            var dll = _dllU.AsSpan(at, nb);
            _crossColumns[r] = ActivityDataGradient(_products.HColumn(r), _products.ActivityColumn(r), _u.AsSpan(at, nb), _d.AsSpan(0, nb), scale * hScale, dll);
            _klColumnsU[r] = batch is null && adam is not null
                ? LatentStep(theta.AsSpan(l.MuU + at, nb), theta.AsSpan(l.LsU + at, nb), _stdU.AsSpan(at, nb), noise.AsSpan(l.EpsU + at, nb), dll,
                    default, _o.PriorMeanLogU, sigmaU, klFactor * scale, c0, adam, l.MuU + at, l.LsU + at)
                : LatentGradient(muU.AsSpan(muAt + at, nb), lsU.AsSpan(lsAt + at, nb), _stdU.AsSpan(at, nb), epsU.AsSpan(epsAt + at, nb), dll,
                    default, _o.PriorMeanLogU, sigmaU, klFactor * scale, c0, gradMuU.AsSpan(gradMuAt + at, nb), gradLsU.AsSpan(gradLsAt + at, nb));
        });
        int cellChunks = Math.Min(nb, 4 * _context.Threads);
        Parallel.For(0, cellChunks, options, ch =>
        {
            int lo = (int)((long)nb * ch / cellChunks), hi = (int)((long)nb * (ch + 1) / cellChunks);
            var dd = _dd.AsSpan(lo, hi - lo);
            dd.Clear();
            for (int r = 0; r < k; r++) AddProducts(_u.AsSpan(nb * r + lo, hi - lo), _products.HColumn(r)[lo..hi], dd);
            for (int j = 0; j < dd.Length; j++) dd[j] *= hScale;
        });
        if (batch is not null)
            Parallel.For(0, k, options, r =>
            {
                for (int j = 0; j < nb; j++)
                {
                    int to = l.MuU + batch[j] + n * r, from = j + nb * r;
                    grad[to] = _batchGradMuU![from];
                    grad[to + l.CellTerms] = _batchGradLsU![from];
                }
            });
        double klLocal = 0;
        for (int r = 0; r < k; r++) klLocal += _klColumnsU[r];
        for (int j = 0; j < nb; j++)
        {
            int c = batch?[j] ?? j;
            double d = ToDouble(_d[j]);
            klLocal += Latent(theta, noise, grad, l.MuE + c, l.LsE + c, l.EpsE + c, 0, sigmaE, scale * _dd[j] * d * (1 - d), klFactor * scale, c0);
        }
        kl += scale * klLocal;

        // The Gaussian likelihood and t = log sigma_obs.
        double ss = _products.SumOfSquares(batch, _crossColumns);
        double ll = scale * (-observed * (HalfLog2Pi + t) - 0.5 * tau * ss);
        double dllT = scale * (-observed + tau * ss);
        kl += Latent(theta, noise, grad, l.MuT, l.LsT, l.EpsT, 0, _o.PriorStdLogNoise, dllT, klFactor, c0);

        // Genes x regulators: a and b (evidence gradients first).
        double llY = 0;
        if (_evidence is { } ev && l.Joint)
        {
            double sS = Math.Exp(ToDouble(theta[l.LsS])), sC = Math.Exp(ToDouble(theta[l.LsC]));
            double logScale = ToDouble(theta[l.MuS]) + sS * ToDouble(noise[l.EpsS]);
            double offset = ToDouble(theta[l.MuC]) + sC * ToDouble(noise[l.EpsC]);
            double scaleY = Math.Exp(logScale), lambda = _o.EvidenceWeight;
            double dS = 0, dC = 0;
            for (int q = 0; q < ev.Pairs.Length; q++)
            {
                int i = ev.Pairs[q];
                double a = ToDouble(theta[l.MuA + i]) + Math.Exp(ToDouble(theta[l.LsA + i])) * ToDouble(noise[l.EpsA + i]);
                double eta = scaleY * a + offset, y = ev.Values[q];
                llY += lambda * (y * eta - Softplus(eta));
                double r = lambda * (y - Sigmoid(eta));
                _evidenceGradient![i] += r * scaleY;
                dS += r * scaleY * a;
                dC += r;
            }
            kl += Latent(theta, noise, grad, l.MuS, l.LsS, l.EpsS, 0, _o.PriorStdEvidenceLink, dS, klFactor, c0);
            kl += Latent(theta, noise, grad, l.MuC, l.LsC, l.EpsC, 0, _o.PriorStdEvidenceLink, dC, klFactor, c0);
        }
        double sigmaA = _o.PriorStdLogitA, sigmaB = _o.PriorStdB;
        Parallel.For(0, k, options, r =>
        {
            int at = g * r;
            var dllA = _dllA.AsSpan(at, g);
            var dllB = _dllB.AsSpan(at, g);
            EdgeDataGradient(_products.DvColumn(r), _a.AsSpan(at, g), _b.AsSpan(at, g), scale * hScale, dllA, dllB);
            if (_evidenceGradient is { } eg)
            {
                for (int i = 0; i < g; i++) dllA[i] = FromDouble(ToDouble(dllA[i]) + eg[at + i]);
                eg.AsSpan(at, g).Clear();
            }
            _klColumnsA[r] = adam is not null
                ? LatentStep(theta.AsSpan(l.MuA + at, g), theta.AsSpan(l.LsA + at, g), _stdA.AsSpan(at, g), noise.AsSpan(l.EpsA + at, g), dllA,
                        _priorLogitA.AsSpan(at, g), 0, sigmaA, klFactor, c0, adam, l.MuA + at, l.LsA + at)
                    + LatentStep(theta.AsSpan(l.MuB + at, g), theta.AsSpan(l.LsB + at, g), _stdB.AsSpan(at, g), noise.AsSpan(l.EpsB + at, g), dllB,
                        default, 0.0, sigmaB, klFactor, c0, adam, l.MuB + at, l.LsB + at)
                : LatentGradient(theta.AsSpan(l.MuA + at, g), theta.AsSpan(l.LsA + at, g), _stdA.AsSpan(at, g), noise.AsSpan(l.EpsA + at, g), dllA,
                        _priorLogitA.AsSpan(at, g), 0, sigmaA, klFactor, c0, grad.AsSpan(l.MuA + at, g), grad.AsSpan(l.LsA + at, g))
                    + LatentGradient(theta.AsSpan(l.MuB + at, g), theta.AsSpan(l.LsB + at, g), _stdB.AsSpan(at, g), noise.AsSpan(l.EpsB + at, g), dllB,
                        default, 0.0, sigmaB, klFactor, c0, grad.AsSpan(l.MuB + at, g), grad.AsSpan(l.LsB + at, g));
        });
        for (int r = 0; r < k; r++) kl += _klColumnsA[r];

        double elbo = ll + llY - kl;
        // The KL of the locals is counted once at weight klFactor * scale inside their gradients; kl already carries scale.
        double loss = -c0 * (ll + llY - klFactor * kl);
        int ready = adam is null ? 0 : batch is null ? l.MuE : l.MuU;
        return new ElboTerms(ll, llY, kl, elbo, loss, ready);
    }

    /// <summary>
    /// Adds d loss / d mu and d loss / d ls of one latent x = mu + exp(ls) eps with prior N(m, sigma) to grad, given
    /// d ll / d x; the KL enters with weight <paramref name="klWeight"/>. Returns KL(q || p) (unweighted).
    /// </summary>
    private static double Latent(T[] theta, T[] noise, T[] grad, int mu, int ls, int eps,
        double priorMean, double priorStd, double dll, double klWeight, double c0)
    {
        double m = ToDouble(theta[mu]), lsv = ToDouble(theta[ls]), s = Math.Exp(lsv), iv = 1 / (priorStd * priorStd), diff = m - priorMean;
        grad[mu] = FromDouble(ToDouble(grad[mu]) + c0 * (-dll + klWeight * diff * iv));
        grad[ls] = FromDouble(ToDouble(grad[ls]) + c0 * (-dll * ToDouble(noise[eps]) * s + klWeight * (s * s * iv - 1)));
        return Math.Log(priorStd) - lsv + 0.5 * (s * s + diff * diff) * iv - 0.5;
    }

    // The kernels in the work precision: T is float or double, every span of a call the same.
    private static ReadOnlySpan<float> F(ReadOnlySpan<T> x) => MemoryMarshal.Cast<T, float>(x);
    private static Span<float> F(Span<T> x) => MemoryMarshal.Cast<T, float>(x);
    private static ReadOnlySpan<double> D(ReadOnlySpan<T> x) => MemoryMarshal.Cast<T, double>(x);
    private static Span<double> D(Span<T> x) => MemoryMarshal.Cast<T, double>(x);

    private static void SampleSigmoidProduct(ReadOnlySpan<T> muA, ReadOnlySpan<T> lsA, ReadOnlySpan<T> epsA,
        ReadOnlySpan<T> muB, ReadOnlySpan<T> lsB, ReadOnlySpan<T> epsB, Span<T> a, Span<T> b, Span<T> v, Span<T> stdA, Span<T> stdB)
    {
        if (typeof(T) == typeof(float)) LatentKernels.SampleSigmoidProduct(F(muA), F(lsA), F(epsA), F(muB), F(lsB), F(epsB), F(a), F(b), F(v), F(stdA), F(stdB));
        else LatentKernels.SampleSigmoidProduct(D(muA), D(lsA), D(epsA), D(muB), D(lsB), D(epsB), D(a), D(b), D(v), D(stdA), D(stdB));
    }

    private static void SampleScaledLogNormal(ReadOnlySpan<T> mu, ReadOnlySpan<T> ls, ReadOnlySpan<T> eps, ReadOnlySpan<T> d, Span<T> u, Span<T> du, Span<T> std)
    {
        if (typeof(T) == typeof(float)) LatentKernels.SampleScaledLogNormal(F(mu), F(ls), F(eps), F(d), F(u), F(du), F(std));
        else LatentKernels.SampleScaledLogNormal(D(mu), D(ls), D(eps), D(d), D(u), D(du), D(std));
    }

    private static double ActivityDataGradient(ReadOnlySpan<T> h, ReadOnlySpan<T> du, ReadOnlySpan<T> u, ReadOnlySpan<T> d, double factor, Span<T> dll)
        => typeof(T) == typeof(float)
            ? LatentKernels.ActivityDataGradient(F(h), F(du), F(u), F(d), factor, F(dll))
            : LatentKernels.ActivityDataGradient(D(h), D(du), D(u), D(d), factor, D(dll));

    private static void EdgeDataGradient(ReadOnlySpan<T> dv, ReadOnlySpan<T> a, ReadOnlySpan<T> b, double factor, Span<T> dllA, Span<T> dllB)
    {
        if (typeof(T) == typeof(float)) LatentKernels.EdgeDataGradient(F(dv), F(a), F(b), factor, F(dllA), F(dllB));
        else LatentKernels.EdgeDataGradient(D(dv), D(a), D(b), factor, D(dllA), D(dllB));
    }

    /// <summary>The latent gradient with per-element prior means, or with <paramref name="priorMean"/> for all when <paramref name="priorMeans"/> is empty.</summary>
    private static double LatentGradient(ReadOnlySpan<T> mu, ReadOnlySpan<T> ls, ReadOnlySpan<T> std, ReadOnlySpan<T> eps, ReadOnlySpan<T> dll, ReadOnlySpan<T> priorMeans,
        double priorMean, double priorStd, double klWeight, double c0, Span<T> gradMu, Span<T> gradLs)
    {
        if (typeof(T) == typeof(float))
            return priorMeans.IsEmpty
                ? LatentKernels.LatentGradient(F(mu), F(ls), F(std), F(eps), F(dll), priorMean, priorStd, klWeight, c0, F(gradMu), F(gradLs))
                : LatentKernels.LatentGradient(F(mu), F(ls), F(std), F(eps), F(dll), F(priorMeans), priorStd, klWeight, c0, F(gradMu), F(gradLs));
        return priorMeans.IsEmpty
            ? LatentKernels.LatentGradient(D(mu), D(ls), D(std), D(eps), D(dll), priorMean, priorStd, klWeight, c0, D(gradMu), D(gradLs))
            : LatentKernels.LatentGradient(D(mu), D(ls), D(std), D(eps), D(dll), D(priorMeans), priorStd, klWeight, c0, D(gradMu), D(gradLs));
    }

    private static void AddProducts(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<double> sum)
    {
        if (typeof(T) == typeof(float)) VariationalKernels.AddProducts(F(x), F(y), sum);
        else VariationalKernels.AddProducts(D(x), D(y), sum);
    }

    /// <summary>
    /// The latent gradient and Adam step of one column, the parameters mu at [<paramref name="muAt"/>, + length) and ls at
    /// [<paramref name="lsAt"/>, + length) of the parameter vector (and of Adam's moments).
    /// </summary>
    private static double LatentStep(Span<T> mu, Span<T> ls, ReadOnlySpan<T> std, ReadOnlySpan<T> eps, ReadOnlySpan<T> dll, ReadOnlySpan<T> priorMeans,
        double priorMean, double priorStd, double klWeight, double c0, AdamUpdate<T> adam, int muAt, int lsAt)
    {
        int n = mu.Length;
        Span<T> meanMu = adam.Mean.AsSpan(muAt, n), squareMu = adam.Square.AsSpan(muAt, n), meanLs = adam.Mean.AsSpan(lsAt, n), squareLs = adam.Square.AsSpan(lsAt, n);
        return typeof(T) == typeof(float)
            ? LatentKernels.LatentStep(F(mu), F(ls), F(std), F(eps), F(dll), F(priorMeans), priorMean, priorStd, klWeight, c0,
                new AdamMoments<float>(F(meanMu), F(squareMu), F(meanLs), F(squareLs)), adam.Step)
            : LatentKernels.LatentStep(D(mu), D(ls), D(std), D(eps), D(dll), D(priorMeans), priorMean, priorStd, klWeight, c0,
                new AdamMoments<double>(D(meanMu), D(squareMu), D(meanLs), D(squareLs)), adam.Step);
    }

    /// <summary>One clipped Adam step in the work precision.</summary>
    internal static void Adam(Span<T> p, Span<T> m, Span<T> v, ReadOnlySpan<T> g, in AdamStep step)
    {
        if (typeof(T) == typeof(float)) VariationalKernels.Adam(F(p), F(m), F(v), F(g), step);
        else VariationalKernels.Adam(D(p), D(m), D(v), D(g), step);
    }

    /// <summary>Sum of squared residuals of the held-out entries (mask 0) and their count, at the guide means (no noise).</summary>
    public (double SumSquares, double Count, double NoiseVariance) HeldOut(ReadOnlySpan<T> theta, T[] fullMean)
    {
        var l = _l;
        int n = l.Cells, g = l.Genes, k = l.Regulators;
        var v = new T[l.Pairs];
        for (int i = 0; i < l.Pairs; i++) v[i] = FromDouble(Sigmoid(ToDouble(theta[l.MuA + i])) * ToDouble(theta[l.MuB + i]));
        var du = new T[n * k];
        for (int c = 0; c < n; c++)
        {
            double d = Sigmoid(ToDouble(theta[l.MuE + c]));
            for (int r = 0; r < k; r++) du[c + n * r] = FromDouble(d * Math.Exp(ToDouble(theta[l.MuU + c + n * r])));
        }
        GaussianLikelihoodProducts<T>.Gemm(_context.Blas, Transpose.No, Transpose.Yes, n, g, k, du, n, v, g, fullMean, n);
        double ss = 0, count = 0;
        for (long i = 0; i < (long)n * g; i++)
        {
            if (_mask is null || ToDouble(_mask[i]) != 0) continue;
            double r = ToDouble(_w[i]) - ToDouble(fullMean[i]);
            ss += r * r;
            count++;
        }
        return (ss, count, Math.Exp(2 * ToDouble(theta[l.MuT])));
    }

    internal static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    internal static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    internal static double ToDouble(T x) => typeof(T) == typeof(float) ? Unsafe.As<T, float>(ref x) : Unsafe.As<T, double>(ref x);

    internal static T FromDouble(double x)
    {
        if (typeof(T) == typeof(float))
        {
            float f = (float)x;
            return Unsafe.As<float, T>(ref f);
        }
        return Unsafe.As<double, T>(ref x);
    }
}

