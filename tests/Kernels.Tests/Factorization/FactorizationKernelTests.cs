using GrnFast.Kernels.Factorization;

namespace GrnFast.Kernels.Tests.Factorization;

/// <summary>
/// NetREX-CF's masked kernels give their scalar twins' bits at every length 0..300 and two large odd ones, with
/// NaN, +-inf and -0 at random positions of every operand; and the twins compute the formulas they document.
/// </summary>
public class FactorizationKernelTests
{
    private const double SpecialRate = 0.03;

    /// <summary>Network weights: a third exact zeros (empty edges), the rest random, plus specials.</summary>
    private static double[] Network(Random rng, int n)
    {
        var s = TestData.Doubles(rng, n, SpecialRate);
        for (int i = 0; i < n; i++) if (rng.Next(3) == 0) s[i] = 0.0;
        return s;
    }

    /// <summary>Prior indicators 0/1 with specials sprinkled in (the kernels must not care).</summary>
    private static double[] Indicator(Random rng, int n)
    {
        var b = TestData.Doubles(rng, n, SpecialRate);
        for (int i = 0; i < n; i++) if (!double.IsNaN(b[i]) && !double.IsInfinity(b[i])) b[i] = rng.Next(2);
        return b;
    }

    /// <summary>A row-major lower triangle with unit-ish diagonal and small off-diagonal entries (well conditioned).</summary>
    private static double[] WellConditionedFactor(Random rng, int rows, int ld)
    {
        var l = new double[ld * Math.Max(1, rows)];
        for (int p = 0; p < rows; p++)
        {
            for (int q = 0; q < p; q++) l[p * ld + q] = (rng.NextDouble() - 0.5) / Math.Sqrt(rows);
            l[p * ld + p] = 1 + rng.NextDouble();
        }
        return l;
    }

    /// <summary>
    /// C -= A B^T: the twin's bits at every row count 0..300 and two large odd ones, with depths and column counts that
    /// cover every register block and its tails, specials in every operand, the columns between C's untouched, and the
    /// product it documents.
    /// </summary>
    [Fact]
    public void SubtractProductsMatchesTwin()
    {
        foreach (int rows in TestData.Lengths())
        {
            int seed = 19_000 + rows, depth = rows % 37 + rows / 7, count = rows % 6, lda = Math.Max(1, rows + rows % 3), ldb = count + rows % 2 + 1, ldc = rows + 2;
            var rng = new Random(seed);
            var a = TestData.Doubles(rng, Math.Max(1, depth * lda), rows % 4 == 0 ? SpecialRate : 0);
            var b = TestData.Doubles(rng, Math.Max(1, depth * ldb), rows % 4 == 1 ? SpecialRate : 0);
            var c = TestData.Doubles(rng, Math.Max(1, count * ldc), rows % 4 == 2 ? SpecialRate : 0);
            var cv = (double[])c.Clone();
            var cs = (double[])c.Clone();
            FactorizationKernels.SubtractProducts(a, lda, rows, depth, b, ldb, count, cv, ldc);
            FactorizationScalarKernels.SubtractProducts(a, lda, rows, depth, b, ldb, count, cs, ldc);
            string where = $"rows={rows} depth={depth} count={count} seed={seed} [{KernelInfo.InstructionSet}]";
            if (TestData.FirstDifference(cv, cs) is int at and >= 0) Assert.Fail($"{where}: c[{at}] {cv[at]:R} vs twin {cs[at]:R}");
            for (int q = 0; q < count; q++)
            {
                for (int r = rows; r < ldc && q * ldc + r < c.Length; r++) Assert.Equal(c[q * ldc + r], cv[q * ldc + r]);
                if (rows % 4 == 3)
                    for (int r = 0; r < rows; r++)
                    {
                        double expected = c[q * ldc + r];
                        for (int p = 0; p < depth; p++) expected -= a[r + p * lda] * b[q + p * ldb];
                        Assert.True(Math.Abs(cv[q * ldc + r] - expected) <= 1e-12 * (1 + Math.Abs(expected)), $"{where}: c[{r}, {q}] = {cv[q * ldc + r]:R}, expected {expected:R}");
                    }
            }
        }
        Assert.Equal("c", Assert.Throws<ArgumentException>(() => FactorizationKernels.SubtractProducts(new double[9], 3, 3, 3, new double[6], 2, 2, new double[5], 3)).ParamName);
        Assert.Equal("ldb", Assert.Throws<ArgumentException>(() => FactorizationKernels.SubtractProducts(new double[9], 3, 3, 3, new double[6], 1, 2, new double[6], 3)).ParamName);
    }

    /// <summary>
    /// The upper triangle of C -= A B^T: the twin's bits at every size 0..300 (specials in some), the product it documents
    /// on the upper triangle, and the lower triangle below the 16-column groups' diagonal blocks untouched.
    /// </summary>
    [Fact]
    public void SubtractProductsUpperMatchesTwin()
    {
        foreach (int n in TestData.Lengths().Where(n => n <= 300))
        {
            int seed = 23_000 + n, depth = n % 23 + 1, lda = n + n % 3 + 1, ldb = n + n % 2 + 1, ldc = n + 1;
            var rng = new Random(seed);
            var a = TestData.Doubles(rng, depth * lda, n % 5 == 0 ? SpecialRate : 0);
            var b = TestData.Doubles(rng, depth * ldb, 0);
            var c = TestData.Doubles(rng, Math.Max(1, n * ldc), 0);
            var cv = (double[])c.Clone();
            var cs = (double[])c.Clone();
            FactorizationKernels.SubtractProductsUpper(a, lda, depth, b, ldb, n, cv, ldc);
            FactorizationScalarKernels.SubtractProductsUpper(a, lda, depth, b, ldb, n, cs, ldc);
            string where = $"n={n} depth={depth} seed={seed} [{KernelInfo.InstructionSet}]";
            if (TestData.FirstDifference(cv, cs) is int at and >= 0) Assert.Fail($"{where}: c[{at}] {cv[at]:R} vs twin {cs[at]:R}");
            if (n % 5 == 0) continue;
            for (int q = 0; q < n; q++)
                for (int r = 0; r < n; r++)
                {
                    double expected = c[q * ldc + r];
                    if (r <= q)
                    {
                        for (int p = 0; p < depth; p++) expected -= a[r + p * lda] * b[q + p * ldb];
                        Assert.True(Math.Abs(cv[q * ldc + r] - expected) <= 1e-12 * (1 + Math.Abs(expected)), $"{where}: c[{r}, {q}] = {cv[q * ldc + r]:R}, expected {expected:R}");
                    }
                    else if (r / FactorizationScalarKernels.UpperGroup > q / FactorizationScalarKernels.UpperGroup) Assert.Equal(expected, cv[q * ldc + r]);
                }
        }
    }

    /// <summary>L^T z = b for a column-major L: the twin's bits at every size 0..300 (specials included), and it solves.</summary>
    [Fact]
    public void BackSubstituteColumnMajorMatchesTwinAndSolves()
    {
        foreach (int rows in Enumerable.Range(0, 301).Append(517))
        {
            int seed = 21_000 + rows, ld = Math.Max(1, rows + rows % 3);
            var rng = new Random(seed);
            // Column p of the column-major L at p * ld holds row p of a row-major lower factor's transpose.
            var lower = WellConditionedFactor(rng, rows, ld);
            var l = new double[lower.Length];
            for (int p = 0; p < rows; p++)
                for (int r = p; r < rows; r++) l[p * ld + r] = lower[r * ld + p];
            var b = TestData.Doubles(rng, rows);
            var zv = (double[])b.Clone();
            var zs = (double[])b.Clone();
            FactorizationKernels.BackSubstituteColumnMajor(l, ld, rows, zv);
            FactorizationScalarKernels.BackSubstituteColumnMajor(l, ld, rows, zs);
            string where = $"rows={rows} seed={seed} [{KernelInfo.InstructionSet}]";
            if (TestData.FirstDifference(zv, zs) is int at and >= 0) Assert.Fail($"{where}: z[{at}] {zv[at]:R} vs twin {zs[at]:R}");
            for (int q = 0; q < rows; q++)
            {
                double ltz = 0; // (L^T z)_q = sum_{r >= q} L[r, q] z_r
                for (int r = q; r < rows; r++) ltz += l[q * ld + r] * zv[r];
                Assert.True(Math.Abs(ltz - b[q]) <= 1e-12 * (1 + Math.Abs(b[q])), $"{where}: (L^T z)[{q}] = {ltz:R}, b = {b[q]:R}");
            }
            if (rows == 0) continue;
            for (int k = 0; k < rows; k++)
                if (rng.NextDouble() < SpecialRate) { int p = rng.Next(rows); l[p * ld + p + rng.Next(rows - p)] = double.NaN; }
            var sb = TestData.Doubles(rng, rows, SpecialRate);
            zv = (double[])sb.Clone();
            zs = (double[])sb.Clone();
            FactorizationKernels.BackSubstituteColumnMajor(l, ld, rows, zv);
            FactorizationScalarKernels.BackSubstituteColumnMajor(l, ld, rows, zs);
            if (TestData.FirstDifference(zv, zs) is int at2 and >= 0) Assert.Fail($"{where} specials: z[{at2}] {zv[at2]:R} vs twin {zs[at2]:R}");
        }
    }

    [Fact]
    public void LossMatchesTwinAtEveryLength()
    {
        foreach (int n in TestData.Lengths())
        {
            int seed = 11_000 + n;
            var rng = new Random(seed);
            var (s, b, a, beta, eta, r) = (Network(rng, n), Indicator(rng, n), TestData.Doubles(rng, n, SpecialRate),
                TestData.Doubles(rng, n, SpecialRate), TestData.Doubles(rng, n, SpecialRate), TestData.Doubles(rng, n, SpecialRate));
            double lambda = 0.5 + rng.NextDouble() * 5;
            double v = FactorizationKernels.CollaborativeFilterLoss(s, b, a, beta, eta, r, lambda);
            double t = FactorizationScalarKernels.CollaborativeFilterLoss(s, b, a, beta, eta, r, lambda);
            if (!TestData.SameValue(v, t)) Assert.Fail($"CollaborativeFilterLoss n={n} seed={seed} [{KernelInfo.InstructionSet}]: vector {v:R} twin {t:R}");
        }
    }

    [Fact]
    public void LossTwinIsTheFormula()
    {
        var rng = new Random(12);
        int n = 97;
        var s = Network(rng, n);
        for (int i = 0; i < n; i++) if (!double.IsFinite(s[i])) s[i] = 0.5;
        var b = Array.ConvertAll(new double[n], _ => (double)rng.Next(2));
        var a = Array.ConvertAll(new double[n], _ => 1 + rng.NextDouble());
        var beta = Array.ConvertAll(new double[n], _ => rng.NextDouble() * 9);
        var eta = Array.ConvertAll(new double[n], _ => rng.NextDouble());
        var r = Array.ConvertAll(new double[n], _ => rng.NextDouble() * 2 - 0.5);
        double expected = 0;
        for (int i = 0; i < n; i++)
        {
            bool on = s[i] != 0;
            double target = on ? 1 : b[i];
            double w = 5 * ((on ? beta[i] : 0) + a[i]);
            expected += w * (target - r[i]) * (target - r[i]) + (on ? eta[i] : 0);
        }
        Assert.Equal(expected, FactorizationScalarKernels.CollaborativeFilterLoss(s, b, a, beta, eta, r, 5), 1e-9 * expected);
        // An edge that may not exist (eta = +inf) costs nothing while empty, everything when present.
        Assert.Equal(5.0 * 1 * 0.25, FactorizationScalarKernels.CollaborativeFilterLoss([0.0], [0.0], [1.0], [2.0], [double.PositiveInfinity], [0.5], 5));
        Assert.Equal(double.PositiveInfinity, FactorizationScalarKernels.CollaborativeFilterLoss([0.3], [0.0], [1.0], [2.0], [double.PositiveInfinity], [0.5], 5));
    }

    [Fact]
    public void ThresholdStepMatchesTwinAtEveryLength()
    {
        foreach (int n in TestData.Lengths())
        {
            int seed = 13_000 + n;
            var rng = new Random(seed);
            var (s, g, b, a, beta, eta, r) = (Network(rng, n), TestData.Doubles(rng, n, SpecialRate), Indicator(rng, n), TestData.Doubles(rng, n, SpecialRate),
                TestData.Doubles(rng, n, SpecialRate), TestData.Doubles(rng, n, SpecialRate), TestData.Doubles(rng, n, SpecialRate));
            var c = TestData.Doubles(rng, n, SpecialRate);
            double lambda = 0.5 + rng.NextDouble() * 5, step = rng.NextDouble(), ridge = rng.NextDouble();
            var dv = new double[n];
            var dt = new double[n];
            FactorizationKernels.HardThresholdStep(s, g, c, ridge, b, a, beta, eta, r, lambda, step, dv);
            FactorizationScalarKernels.HardThresholdStep(s, g, c, ridge, b, a, beta, eta, r, lambda, step, dt);
            int i = TestData.FirstDifference(dv, dt);
            if (i >= 0) Assert.Fail($"HardThresholdStep n={n} seed={seed} i={i} [{KernelInfo.InstructionSet}]: vector {dv[i]:R} twin {dt[i]:R}");
            for (int k = 0; k < n; k++)
            {
                // The twin is the element map of the whole half-gradient (s ridge - c) + q.
                double gradient = (s[k] * ridge - c[k]) + g[k];
                double expected = FactorizationScalarKernels.ThresholdTerm(s[k], gradient, b[k], a[k], beta[k], eta[k], r[k], lambda, step);
                if (!expected.Equals(dt[k])) Assert.Fail($"HardThresholdStep n={n} seed={seed}: twin {dt[k]:R} at {k}, the element map of the gradient {expected:R}");
                if (double.IsNaN(s[k] - step * gradient) && !double.IsNaN(dv[k])) Assert.Fail($"HardThresholdStep n={n} seed={seed}: NaN step at {k} was thresholded away");
            }
        }
    }

    [Fact]
    public void ThresholdTwinIsTheProximalMapOfTheEdgeCost()
    {
        // g is half the gradient, so the step on the full gradient is step/2 and the proximal quadratic is (1/step)(x - u)^2:
        // the kept value minimises (1/step)(x - u)^2 + g(x), g(0) = lambda alpha (b - r)^2, g(x != 0) = lambda (alpha + beta)(1 - r)^2 + eta.
        var rng = new Random(14);
        for (int k = 0; k < 2000; k++)
        {
            double s = rng.NextDouble() * 4 - 2, grad = rng.NextDouble() * 4 - 2, b = rng.Next(2), alpha = 1 + rng.NextDouble() * 3;
            double beta = rng.NextDouble() * 10, eta = rng.NextDouble() * 3, r = rng.NextDouble() * 1.6 - 0.3, lambda = 5, step = rng.NextDouble();
            double u = s - step * grad;
            double off = u * u / step + lambda * alpha * (b - r) * (b - r);
            double on = lambda * (alpha + beta) * (1 - r) * (1 - r) + eta;
            double x = FactorizationScalarKernels.ThresholdTerm(s, grad, b, alpha, beta, eta, r, lambda, step);
            if (Math.Abs(off - on) < 1e-9 * (1 + Math.Abs(on))) continue;
            Assert.Equal(off < on ? 0.0 : u, x);
        }
        Assert.Equal(0.0, FactorizationScalarKernels.ThresholdTerm(100, 0, 0, 1, 1, double.PositiveInfinity, 0, 5, 1));
    }

    [Fact]
    public void WeightsMatchTwinAtEveryLength()
    {
        foreach (int n in TestData.Lengths())
        {
            int seed = 15_000 + n;
            var rng = new Random(seed);
            var (s, b, a, beta) = (Network(rng, n), Indicator(rng, n), TestData.Doubles(rng, n, SpecialRate), TestData.Doubles(rng, n, SpecialRate));
            double lambda = 0.5 + rng.NextDouble() * 5, baseWeight = rng.NextDouble() * 3;
            var (xv, tv, xt, tt) = (new double[n], new double[n], new double[n], new double[n]);
            FactorizationKernels.CollaborativeFilterWeights(s, b, a, beta, lambda, baseWeight, xv, tv);
            FactorizationScalarKernels.CollaborativeFilterWeights(s, b, a, beta, lambda, baseWeight, xt, tt);
            int i = TestData.FirstDifference(xv, xt);
            if (i >= 0) Assert.Fail($"CollaborativeFilterWeights excess n={n} seed={seed} i={i}: vector {xv[i]:R} twin {xt[i]:R}");
            i = TestData.FirstDifference(tv, tt);
            if (i >= 0) Assert.Fail($"CollaborativeFilterWeights target n={n} seed={seed} i={i}: vector {tv[i]:R} twin {tt[i]:R}");
        }
    }

    [Fact]
    public void LengthsMustAgree()
    {
        Assert.Throws<ArgumentException>(() => FactorizationKernels.CollaborativeFilterLoss(new double[3], new double[3], new double[3], new double[3], new double[3], new double[2], 1));
        Assert.Throws<ArgumentException>(() => FactorizationKernels.HardThresholdStep(new double[3], new double[3], new double[3], 0.5, new double[3], new double[3], new double[3], new double[3], new double[3], 1, 1, new double[2]));
        Assert.Throws<ArgumentException>(() => FactorizationKernels.HardThresholdStep(new double[3], new double[3], new double[2], 0.5, new double[3], new double[3], new double[3], new double[3], new double[3], 1, 1, new double[3]));
        Assert.Throws<ArgumentException>(() => FactorizationScalarKernels.CollaborativeFilterWeights(new double[3], new double[4], new double[3], new double[3], 1, 1, new double[3], new double[3]));
    }
    [Fact]
    public void ColumnCombinationMatchesTwinAtEveryLength()
    {
        foreach (int n in TestData.Lengths())
        {
            int seed = 17_000 + n;
            var rng = new Random(seed);
            int ld = n + rng.Next(4), columns = 1 + rng.Next(9), k = rng.Next(12);
            var matrix = TestData.Doubles(rng, ld * columns, SpecialRate);
            var index = Array.ConvertAll(new int[k], _ => rng.Next(columns));
            var weights = TestData.Doubles(rng, k, SpecialRate);
            var dv = TestData.Doubles(rng, n, SpecialRate);
            var dt = (double[])dv.Clone();
            FactorizationKernels.AddColumnCombination(matrix, ld, index, weights, dv);
            FactorizationScalarKernels.AddColumnCombination(matrix, ld, index, weights, dt);
            int i = TestData.FirstDifference(dv, dt);
            if (i >= 0) Assert.Fail($"AddColumnCombination n={n} seed={seed} i={i} [{KernelInfo.InstructionSet}]: vector {dv[i]:R} twin {dt[i]:R}");
        }
    }

    [Fact]
    public void ForwardSubstitutionMatchesTwinAtEveryLength()
    {
        foreach (int n in TestData.Lengths())
        {
            int seed = 19_000 + n;
            var rng = new Random(seed);
            int w = rng.Next(18), ldl = w + rng.Next(3), ldx = n + rng.Next(3);
            var l = TestData.Doubles(rng, Math.Max(0, (w - 1) * ldl + w), SpecialRate);
            var inverse = TestData.Doubles(rng, w, SpecialRate);
            var xv = TestData.Doubles(rng, Math.Max(0, (w - 1) * ldx + n) + rng.Next(2), SpecialRate);
            var xt = (double[])xv.Clone();
            FactorizationKernels.ForwardSubstituteColumns(l, ldl, inverse, xv, ldx, n);
            FactorizationScalarKernels.ForwardSubstituteColumns(l, ldl, inverse, xt, ldx, n);
            int i = TestData.FirstDifference(xv, xt);
            if (i >= 0) Assert.Fail($"ForwardSubstituteColumns n={n} w={w} seed={seed} i={i} [{KernelInfo.InstructionSet}]: vector {xv[i]:R} twin {xt[i]:R}");
        }
    }

    [Fact]
    public void ForwardSubstitutionTwinSolvesTheTriangle()
    {
        // X (3 x 2, rows 3 apart) against L = [[2], [1, 4], [-1, 0.5, 0.5]] (rows 4 apart): L X' = X column by column.
        double[] l = [2, 99, 99, 99, 1, 4, 99, 99, -1, 0.5, 0.5];
        double[] inverse = [0.5, 0.25, 2];
        double[] x = [2, 4, 99, 9, 6, 99, 1, 3, 99];
        double[] original = (double[])x.Clone();
        FactorizationScalarKernels.ForwardSubstituteColumns(l, 4, inverse, x, 3, 2);
        for (int c = 0; c < 2; c++)
            for (int j = 0; j < 3; j++)
            {
                double lx = 0;
                for (int p = 0; p <= j; p++) lx += (p == j ? 1 / inverse[j] : l[j * 4 + p]) * x[p * 3 + c];
                Assert.Equal(original[j * 3 + c], lx, 1e-12);
            }
        Assert.Equal(99, x[2]);
        Assert.Equal(99, x[5]);
        Assert.Throws<ArgumentException>(() => FactorizationKernels.ForwardSubstituteColumns(l, 4, inverse, x, 3, 4));
        Assert.Throws<ArgumentException>(() => FactorizationKernels.ForwardSubstituteColumns(l, 2, inverse, x, 3, 2));
        Assert.Throws<ArgumentException>(() => FactorizationKernels.ForwardSubstituteColumns(l, 4, inverse, x.AsSpan(0, 7), 3, 2));
    }

    [Fact]
    public void ColumnCombinationsMatchTwinAtEveryLength()
    {
        foreach (int n in TestData.Lengths())
        {
            int seed = 21_000 + n;
            var rng = new Random(seed);
            int ld = n + rng.Next(4), columns = 1 + rng.Next(9), outputs = rng.Next(5), destLd = n + rng.Next(3);
            var matrix = TestData.Doubles(rng, Math.Max(1, ld) * columns, SpecialRate);
            var starts = new int[outputs + 1];
            for (int j = 0; j < outputs; j++) starts[j + 1] = starts[j] + rng.Next(6);
            int k = starts[outputs] + rng.Next(3);
            var index = Array.ConvertAll(new int[k], _ => rng.Next(columns));
            var weights = TestData.Doubles(rng, k, SpecialRate);
            var dv = TestData.Doubles(rng, Math.Max(0, outputs - 1) * destLd + n + rng.Next(2), SpecialRate);
            var dt = (double[])dv.Clone();
            FactorizationKernels.AddColumnCombinations(matrix, Math.Max(1, ld), n, index, weights, starts, dv, Math.Max(1, destLd));
            FactorizationScalarKernels.AddColumnCombinations(matrix, Math.Max(1, ld), n, index, weights, starts, dt, Math.Max(1, destLd));
            int i = TestData.FirstDifference(dv, dt);
            if (i >= 0) Assert.Fail($"AddColumnCombinations n={n} seed={seed} i={i} [{KernelInfo.InstructionSet}]: vector {dv[i]:R} twin {dt[i]:R}");
        }
    }

    [Fact]
    public void ColumnCombinationsTwinIsTheCompressedColumnProduct()
    {
        // dest (3 x 2, ld 3) += M S: M 3 x 3 column-major (ld 4), S's column 0 = 2 e_2 - e_0, column 1 = 3 e_1.
        double[] m = [1, 2, 3, 99, 4, 5, 6, 99, 7, 8, 9, 99];
        var dest = new double[] { 10, 20, 30, 0, 0, 0 };
        FactorizationScalarKernels.AddColumnCombinations(m, 4, 3, [2, 0, 1], [2.0, -1.0, 3.0], [0, 2, 3], dest, 3);
        Assert.Equal([10 + 14 - 1, 20 + 16 - 2, 30 + 18 - 3, 12, 15, 18], dest);
        Assert.Throws<ArgumentException>(() => FactorizationKernels.AddColumnCombinations(m, 4, 3, [3], [1.0], [0, 1], new double[3], 3));
        Assert.Throws<ArgumentException>(() => FactorizationKernels.AddColumnCombinations(m, 4, 3, [0, 1], [1.0, 1.0], [0, 2, 1], new double[6], 3));
        Assert.Throws<ArgumentException>(() => FactorizationKernels.AddColumnCombinations(m, 4, 3, [0, 1], [1.0, 1.0], [0, 1, 2], new double[5], 3));
        Assert.Throws<ArgumentException>(() => FactorizationKernels.AddColumnCombinations(m, 4, 3, [0], [1.0, 1.0], [0, 1], new double[3], 3));
    }

    [Fact]
    public void ColumnCombinationTwinIsTheSparseProduct()
    {
        // dest += M v for v sparse: columns 2 and 0 of a 3 x 3 column-major M (ld 4, one padding row) with weights 2 and -1.
        double[] m = [1, 2, 3, 99, 4, 5, 6, 99, 7, 8, 9, 99];
        var dest = new double[] { 10, 20, 30 };
        FactorizationScalarKernels.AddColumnCombination(m, 4, [2, 0], [2.0, -1.0], dest);
        Assert.Equal([10 + 14 - 1, 20 + 16 - 2, 30 + 18 - 3], dest);
        Assert.Throws<ArgumentException>(() => FactorizationKernels.AddColumnCombination(m, 4, [3], [1.0], new double[3]));
        Assert.Throws<ArgumentException>(() => FactorizationKernels.AddColumnCombination(m, 4, [0, 1], [1.0], new double[3]));
        Assert.Throws<ArgumentException>(() => FactorizationKernels.AddColumnCombination(m, 2, [0], [1.0], new double[3]));
    }
}
