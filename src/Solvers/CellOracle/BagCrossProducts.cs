using GrnFast.Kernels.Blas;

namespace GrnFast.Solvers.CellOracle;

/// <summary>
/// The weighted cross-products of one bootstrap bag, shared by every target of the cluster:
///   C_b = Z_reg^T diag(c) Z   (q x m),   s_b = Z^T c,   N = sum c,
/// with c the bag's bootstrap counts (how often each cell was drawn). A target's ridge system for this bag is then a
/// slice: (C_b[S, S] - s_S s_S^T / N + alpha I) theta = sigma_y (C_b[S, y] - s_S s_y / N), i.e. scikit-learn's Ridge
/// with sample_weight = c (BaggingRegressor passes the bootstrap as sample weights), its weighted centring included.
/// <para>
/// Formulation: gather the bag's distinct cells (about 63% of the cluster: a bootstrap of n draws leaves ~e^-1 of the
/// cells out), each row scaled by sqrt(c_i), into W; then one GEMM C_b = W_reg^T W. Compared with a GEMM over all
/// cells with zero weights this does 1/0.632 = 1.6x fewer flops; compared with per-target weighted Grams
/// (sum_j |S_j|^2 n per bag) it is one BLAS-3 call at full speed whose cost, q m n_b, does not grow with the candidate
/// sets. Scaling both sides by sqrt(c) is also how scikit-learn applies sample weights (_rescale_data), so the
/// rounding matches its closely. With no counts (BayesianRidge, every cell once) Z itself is the GEMM operand.
/// </para>
/// <para>
/// Determinism: the GEMM is cut into fixed tiles of <see cref="TileColumns"/> columns of C, run in parallel, each one
/// BLAS call. Give a single-threaded BLAS (new ManagedBlas(1); a native one only if nothing else in the process changes
/// its process-wide thread count): OpenBLAS's own threading splits a product
/// differently for 1 and 2 threads and its edge kernels round differently (seen on 41 x 141 x 126), while fixed tiles on
/// one BLAS thread each give the same bits for any thread count.
/// </para>
/// </summary>
internal sealed class BagCrossProducts
{
    /// <summary>Columns of C per GEMM call; fixed, so the split does not depend on the thread count.</summary>
    public const int TileColumns = 256;

    private double[] _w = [];
    private int[] _rows = [];

    public BagCrossProducts(int regulators, int columns)
    {
        Regulators = regulators;
        Columns = columns;
        C = new double[(long)regulators * columns];
        Sums = new double[columns];
        Squares = new double[columns];
    }

    public int Regulators { get; }
    public int Columns { get; }
    /// <summary>q x m column-major: sum_i c_i z_ir z_ik.</summary>
    public double[] C { get; }
    /// <summary>sum_i c_i z_ik.</summary>
    public double[] Sums { get; }
    /// <summary>sum_i c_i z_ik^2.</summary>
    public double[] Squares { get; }
    /// <summary>N = sum_i c_i.</summary>
    public double Weight { get; private set; }

    /// <summary>Centred weighted Gram entry of regulators r and s.</summary>
    public double Gram(int r, int s) => C[(long)s * Regulators + r] - Sums[r] * Sums[s] / Weight;

    /// <summary>Centred weighted cross-product of regulator r with column k.</summary>
    public double Cross(int r, int k) => C[(long)k * Regulators + r] - Sums[r] * Sums[k] / Weight;

    /// <summary>Centred weighted sum of squares of column k.</summary>
    public double SumOfSquares(int k) => Squares[k] - Sums[k] * Sums[k] / Weight;

    /// <summary>Computes the products for bootstrap <paramref name="counts"/> (null: every cell once).</summary>
    public void Compute(ClusterExpression z, int[]? counts, IBlas blas, int threads)
    {
        int n = z.Cells, m = Columns, q = Regulators;
        if (m != z.Columns) throw new ArgumentException("column count mismatch", nameof(z));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        double[] w;
        int rows;
        if (counts is null)
        {
            w = z.Z;
            rows = n;
            Weight = n;
            Parallel.For(0, m, parallel, k =>
            {
                double s = 0, ss = 0;
                foreach (var v in z.Column(k)) { s += v; ss += v * v; }
                Sums[k] = s; Squares[k] = ss;
            });
        }
        else
        {
            if (_rows.Length < n) _rows = new int[n];
            rows = 0;
            long total = 0;
            for (int i = 0; i < n; i++)
                if (counts[i] > 0) { _rows[rows++] = i; total += counts[i]; }
            Weight = total;
            if (_w.LongLength < (long)rows * m) _w = new double[(long)rows * m];
            w = _w;
            var picked = _rows;
            int nb = rows;
            Parallel.For(0, m, parallel, k =>
            {
                var src = z.Column(k);
                var dst = w.AsSpan(k * nb, nb);
                double s = 0, ss = 0;
                for (int t = 0; t < nb; t++)
                {
                    int cell = picked[t];
                    double c = counts[cell], v = src[cell];
                    // w_t = sqrt(c) z: W^T W = Z^T diag(c) Z
                    dst[t] = Math.Sqrt(c) * v;
                    s += c * v;
                    ss += c * v * v;
                }
                Sums[k] = s; Squares[k] = ss;
            });
        }
        if (rows == 0 || q == 0) { Array.Clear(C); return; }
        int tiles = (m + TileColumns - 1) / TileColumns, ld = rows;
        var c = C;
        Parallel.For(0, tiles, parallel, t =>
        {
            int first = t * TileColumns, width = Math.Min(TileColumns, m - first);
            // C[:, tile] = W_reg^T W[:, tile]
            blas.Gemm(Transpose.Yes, Transpose.No, q, width, ld, 1.0, w, ld, w.AsSpan(first * ld, width * ld), ld, 0.0, c.AsSpan(first * q, width * q), q);
        });
    }
}
