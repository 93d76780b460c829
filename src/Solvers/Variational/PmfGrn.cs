using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using GrnFast.Kernels.Variational;
using GrnFast.Solvers.Results;

namespace GrnFast.Solvers.Variational;

/// <summary>
/// The data of one PMF-GRN fit: expression W (cells x genes, column-major, float or double), the prior probability of
/// each (gene, regulator) pair (G x K column-major, NaN where the prior does not list the pair) and, for the joint
/// model, external evidence per pair.
/// </summary>
public sealed class PmfGrnProblem
{
    public required int Cells { get; init; }
    public required int Genes { get; init; }
    public required int Regulators { get; init; }
    public float[]? ExpressionSingle { get; init; }
    public double[]? ExpressionDouble { get; init; }
    public required double[] PriorProbability { get; init; }
    public PairEvidence? Evidence { get; init; }
}

/// <summary>
/// PMF-GRN (Skok Gibbs et al. 2024) fitted by stochastic variational inference with hand-derived reparameterised
/// gradients (<see cref="PmfGrnModel{T}"/>), clipped Adam and KL annealing; with evidence it is the joint model
/// p(W, Y | Theta) of docs/pmf-grn.md. Each gene is centred and scaled to unit variance over the cells first.
/// The same seed gives the same bits for the same BLAS and thread count (noise is counter-based; sums have a fixed order).
/// </summary>
public static class PmfGrn
{
    public static PmfGrnResult Fit(PmfGrnProblem problem, PmfGrnOptions options, SolverContext context)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        options.Validate();
        int n = problem.Cells, g = problem.Genes, k = problem.Regulators;
        if (n < 2) throw new ArgumentException($"PMF-GRN needs at least 2 cells (got {n})", nameof(problem));
        if (g < 1 || k < 1) throw new ArgumentException($"PMF-GRN needs at least one gene and one regulator (got {g} genes, {k} regulators)", nameof(problem));
        long cells = (long)n * g;
        if ((problem.ExpressionSingle?.LongLength ?? problem.ExpressionDouble?.LongLength) != cells)
            throw new ArgumentException($"the expression must hold {n} x {g} values", nameof(problem));
        if (problem.PriorProbability.LongLength != (long)g * k) throw new ArgumentException($"the prior must hold {g} x {k} values", nameof(problem));
        if (problem.Evidence is { } ev)
        {
            if (ev.Pairs.Length != ev.Values.Length) throw new ArgumentException("evidence pairs and values differ in length", nameof(problem));
            var seen = new HashSet<int>();
            for (int q = 0; q < ev.Pairs.Length; q++)
            {
                if (ev.Pairs[q] < 0 || ev.Pairs[q] >= g * k) throw new ArgumentException($"evidence pair index {ev.Pairs[q]} is outside 0..{g * k - 1}", nameof(problem));
                if (!seen.Add(ev.Pairs[q])) throw new ArgumentException($"evidence pair index {ev.Pairs[q]} is given twice", nameof(problem));
                if (!(ev.Values[q] >= 0 && ev.Values[q] <= 1)) throw new ArgumentException($"evidence values must be in [0, 1] (got {ev.Values[q]})", nameof(problem));
            }
        }
        return options.Precision == VariationalPrecision.Float32 ? FitCore<float>(problem, options, context) : FitCore<double>(problem, options, context);
    }

    private static PmfGrnResult FitCore<T>(PmfGrnProblem problem, PmfGrnOptions o, SolverContext context) where T : unmanaged
    {
        var total = Stopwatch.StartNew();
        int n = problem.Cells, g = problem.Genes, k = problem.Regulators;
        var w = ScaledExpression<T>(problem);
        ulong seed = (ulong)(uint)o.Seed;

        T[]? mask = null;
        if (o.HoldoutFraction > 0)
        {
            mask = new T[(long)n * g];
            for (long i = 0; i < mask.LongLength; i++)
                mask[i] = PmfGrnModel<T>.FromDouble(Uniform(seed ^ 0x5DEECE66DUL, i) < o.HoldoutFraction ? 0 : 1);
        }

        var prior = new double[problem.PriorProbability.Length];
        for (int i = 0; i < prior.Length; i++)
        {
            double pv = problem.PriorProbability[i];
            double p = double.IsNaN(pv) ? o.AbsentPrior : Math.Clamp(pv, o.MinPrior, o.MaxPrior);
            prior[i] = Math.Log(p / (1 - p));
        }

        bool joint = problem.Evidence is { Pairs.Length: > 0 };
        var layout = new ParameterLayout(g, k, n, joint);
        int batchSize = o.BatchSize == 0 || o.BatchSize >= n ? n : o.BatchSize;
        var model = new PmfGrnModel<T>(layout, w, mask, prior, joint ? problem.Evidence : null, o, context, batchSize);
        double standardize = total.Elapsed.TotalSeconds;

        // Parameters, Adam's moments and the noise live in the work precision (float32 halves the memory every pass streams).
        var theta = Array.ConvertAll(Initial(layout, prior, o, seed), PmfGrnModel<T>.FromDouble);
        var grad = new T[layout.Length];
        var adamM = new T[layout.Length];
        var adamV = new T[layout.Length];
        var noise = new T[layout.NoiseLength];
        int stepsPerEpoch = (n + batchSize - 1) / batchSize;
        var order = Enumerable.Range(0, n).ToArray();
        var shuffle = new Random(o.Seed);
        var batches = new int[stepsPerEpoch][];
        var elboHistory = new List<double>();
        var lossHistory = new List<double>();
        var epochSeconds = new List<double>();
        var validation = new List<(int, double)>();
        double bestValidation = double.PositiveInfinity;
        int? bestEpoch = null;
        T[]? bestTheta = null;
        int sinceBest = 0;
        T[]? fullMean = mask is null ? null : new T[(long)n * g];
        var status = SolverStatus.MaxIterations;
        long step = 0;
        double lr = o.LearningRate;
        double maxLsU = Math.Log(o.GuideMaxStdLogU);

        for (int epoch = 0; epoch < o.Epochs; epoch++)
        {
            if (context.Cancellation.IsCancellationRequested) { status = SolverStatus.Cancelled; break; }
            var clock = Stopwatch.StartNew();
            if (batchSize < n)
            {
                shuffle.Shuffle(order);
                for (int b = 0; b < stepsPerEpoch; b++)
                {
                    int from = b * batchSize, len = Math.Min(batchSize, n - from);
                    batches[b] = order.AsSpan(from, len).ToArray();
                    Array.Sort(batches[b]);
                }
            }
            double beta = o.KlFactor(epoch), elbo = 0, loss = 0;
            bool finite = true;
            for (int b = 0; b < stepsPerEpoch; b++)
            {
                FillNoise(seed, step, noise, context.Threads);
                var adamStep = AdamStep.At((int)Math.Min(step + 1, int.MaxValue), lr, o.Beta1, o.Beta2, o.AdamEpsilon, o.GradientClip);
                // The latent blocks take their Adam step inside the evaluation, fused with their gradient; the rest here.
                void AdamOn(int start, int length) =>
                    PmfGrnModel<T>.Adam(theta.AsSpan(start, length), adamM.AsSpan(start, length), adamV.AsSpan(start, length), grad.AsSpan(start, length), adamStep);
                var terms = model.Evaluate(theta, noise, batchSize < n ? batches[b] : null, beta, grad, new AdamUpdate<T>(adamM, adamV, adamStep));
                step++;
                if (!double.IsFinite(terms.Loss)) { finite = false; break; }
                elbo += terms.Elbo / stepsPerEpoch;
                loss += terms.Loss / stepsPerEpoch;
                InChunks(terms.ReadyLength, theta.Length, context.Threads, AdamOn);
                CapLogStd(theta.AsSpan(layout.LsU, layout.CellTerms), maxLsU);
            }
            if (!finite) { status = SolverStatus.NumericalFailure; break; }
            elboHistory.Add(elbo);
            lossHistory.Add(loss);
            lr *= o.LearningRateDecay;
            epochSeconds.Add(clock.Elapsed.TotalSeconds);

            if (fullMean is not null && ((epoch + 1) % o.ValidationEvery == 0 || epoch + 1 == o.Epochs))
            {
                double v = ValidationLoss(model, theta, fullMean);
                validation.Add((epoch + 1, v));
                if (v < bestValidation)
                {
                    bestValidation = v; bestEpoch = epoch + 1; bestTheta = (T[])theta.Clone(); sinceBest = 0;
                }
                else if (o.Patience > 0 && ++sinceBest >= o.Patience)
                {
                    status = SolverStatus.Converged;
                    break;
                }
            }
        }
        double solve = total.Elapsed.TotalSeconds - standardize;
        if (bestTheta is not null) theta = bestTheta;

        int window = Math.Max(10, o.Epochs / 20);
        double change = double.NaN;
        if (lossHistory.Count >= 2 * window)
        {
            double last = lossHistory.Skip(lossHistory.Count - window).Average();
            double before = lossHistory.Skip(lossHistory.Count - 2 * window).Take(window).Average();
            change = Math.Abs(last - before) / Math.Max(Math.Abs(last), 1e-300);
            if (status == SolverStatus.MaxIterations && change <= o.Tolerance) status = SolverStatus.Converged;
        }

        var parameters = Array.ConvertAll(theta, PmfGrnModel<T>.ToDouble);
        var (meanA, stdA, signed) = Posterior(layout, parameters);
        var sorted = epochSeconds.Order().ToArray();
        return new PmfGrnResult
        {
            Status = status,
            Certificate = new VariationalCertificate(
                elboHistory.Count > 0 ? elboHistory[^1] : double.NaN, lossHistory.Count > 0 ? lossHistory[^1] : double.NaN,
                elboHistory.ToArray(), lossHistory.ToArray(), change, o.Tolerance, lossHistory.Count, (int)step,
                bestTheta is null ? null : bestValidation, bestEpoch, validation.ToArray()),
            MeanA = meanA,
            StdA = stdA,
            SignedMean = signed,
            NoiseStd = Math.Exp(parameters[layout.MuT]),
            EvidenceLink = joint ? (Math.Exp(parameters[layout.MuS]), parameters[layout.MuC]) : null,
            Parameters = parameters,
            Layout = layout,
            Timings = new StageTimings(standardize, 0, solve),
            SecondsPerEpoch = sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2],
        };
    }

    /// <summary>
    /// Runs <paramref name="step"/> over [from, end) in fixed chunks on the solver's threads: the Adam step on the entries
    /// the evaluation did not step itself (depth and globals; in minibatches also every u). Element-wise, so the bits do
    /// not depend on the chunks.
    /// </summary>
    private static void InChunks(int from, int end, int threads, Action<int, int> step)
    {
        const int chunk = 1 << 16;
        int chunks = (end - from + chunk - 1) / chunk;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            int start = from + c * chunk;
            step(start, Math.Min(chunk, end - start));
        });
    }

    private static void FillNoise<T>(ulong seed, long step, T[] noise, int threads) where T : unmanaged
    {
        if (noise is float[] single) NormalNoise.FillParallel(seed, step, single, threads);
        else NormalNoise.FillParallel(seed, step, (double[])(object)noise, threads);
    }

    /// <summary>ls = min(ls, cap): the guide's log standard deviations of log U are kept below <see cref="PmfGrnOptions.GuideMaxStdLogU"/>.</summary>
    private static void CapLogStd<T>(Span<T> ls, double cap) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            var single = MemoryMarshal.Cast<T, float>(ls);
            TensorPrimitives.Min(single, (float)cap, single);
        }
        else
        {
            var wide = MemoryMarshal.Cast<T, double>(ls);
            TensorPrimitives.Min(wide, cap, wide);
        }
    }

    /// <summary>Mean negative log-likelihood per held-out entry at the guide means.</summary>
    private static double ValidationLoss<T>(PmfGrnModel<T> model, T[] theta, T[] fullMean) where T : unmanaged
    {
        var (ss, count, variance) = model.HeldOut(theta, fullMean);
        if (count == 0) return double.NaN;
        return 0.5 * Math.Log(2 * Math.PI * variance) + 0.5 * ss / (count * variance);
    }

    /// <summary>W with each gene centred and divided by its standard deviation over the cells (genes with zero variance are only centred).</summary>
    private static T[] ScaledExpression<T>(PmfGrnProblem p) where T : unmanaged
    {
        int n = p.Cells, g = p.Genes;
        var w = new T[(long)n * g];
        for (int gene = 0; gene < g; gene++)
        {
            long at = (long)n * gene;
            double sum = 0, sq = 0;
            for (int c = 0; c < n; c++)
            {
                double x = p.ExpressionDouble?[at + c] ?? p.ExpressionSingle![at + c];
                if (!double.IsFinite(x)) throw new ArgumentException($"the expression of gene {gene} in cell {c} is not finite ({x})", nameof(p));
                sum += x;
                sq += x * x;
            }
            double mean = sum / n, variance = Math.Max(0, sq / n - mean * mean);
            double s = variance > 0 ? 1 / Math.Sqrt(variance) : 1;
            for (int c = 0; c < n; c++) w[at + c] = PmfGrnModel<T>.FromDouble(((p.ExpressionDouble?[at + c] ?? p.ExpressionSingle![at + c]) - mean) * s);
        }
        return w;
    }

    /// <summary>Guide start: logit A at the prior mean, B and log U small random, depth 0.5, every std <see cref="PmfGrnOptions.InitialGuideStd"/>.</summary>
    internal static double[] Initial(ParameterLayout l, double[] priorLogitA, PmfGrnOptions o, ulong seed)
    {
        var theta = new double[l.Length];
        double ls = Math.Log(o.InitialGuideStd);
        Array.Fill(theta, ls);
        priorLogitA.CopyTo(theta, l.MuA);
        var muB = theta.AsSpan(l.MuB, l.Pairs);
        NormalNoise.Fill(seed, -1, 0, muB);
        TensorPrimitives.Multiply(muB, 0.1, muB);
        var muU = theta.AsSpan(l.MuU, l.CellTerms);
        NormalNoise.Fill(seed, -2, 0, muU);
        TensorPrimitives.Multiply(muU, 0.1, muU);
        TensorPrimitives.Add(muU, o.PriorMeanLogU, muU);
        Array.Clear(theta, l.MuE, l.Cells);
        theta[l.MuT] = 0;
        if (l.Joint) { theta[l.MuS] = 0; theta[l.MuC] = 0; }
        return theta;
    }

    /// <summary>E[A], sd[A] for A = sigmoid(a), a ~ N(mu, s^2), by the trapezoid rule on z in [-8, 8] (step 0.5), and E[A] E[B].</summary>
    internal static (double[] Mean, double[] Std, double[] Signed) Posterior(ParameterLayout l, double[] theta)
    {
        const int points = 33;
        Span<double> z = stackalloc double[points];
        Span<double> weight = stackalloc double[points];
        double total = 0;
        for (int j = 0; j < points; j++)
        {
            z[j] = -8 + 0.5 * j;
            weight[j] = Math.Exp(-0.5 * z[j] * z[j]);
            total += weight[j];
        }
        for (int j = 0; j < points; j++) weight[j] /= total;
        var mean = new double[l.Pairs];
        var std = new double[l.Pairs];
        var signed = new double[l.Pairs];
        for (int i = 0; i < l.Pairs; i++)
        {
            double mu = theta[l.MuA + i], s = Math.Exp(theta[l.LsA + i]), m1 = 0, m2 = 0;
            for (int j = 0; j < points; j++)
            {
                double a = PmfGrnModel<double>.Sigmoid(mu + s * z[j]);
                m1 += weight[j] * a;
                m2 += weight[j] * a * a;
            }
            mean[i] = m1;
            std[i] = Math.Sqrt(Math.Max(0, m2 - m1 * m1));
            signed[i] = m1 * theta[l.MuB + i];
        }
        return (mean, std, signed);
    }

    private static double Uniform(ulong seed, long index)
    {
        ulong z = seed + (ulong)index * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / 9007199254740992.0);
    }
}
