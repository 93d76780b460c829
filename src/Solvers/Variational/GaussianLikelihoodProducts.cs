using System.Runtime.InteropServices;
using GrnFast.Kernels.Blas;
using GrnFast.Kernels.Variational;

namespace GrnFast.Solvers.Variational;

/// <summary>
/// The matrix products of PMF-GRN's Gaussian likelihood W ~ N((d U) V^T, sigma) for one step, on a batch of cells:
/// given V = A o B and d U (written by the model into <see cref="VColumn"/> and <see cref="ActivityColumn"/>), it forms
/// H = R V (nb x K) and dV = R^T (d U) (G x K) for the residual R = W - (d U) V^T, and the residual's sum of squares.
/// <para>Without a mask (Gram form) R is never formed: H = W V - (d U)(V^T V) and dV = W^T (d U) - V ((d U)^T (d U)),
/// each one GEMM over operands extended by K, [W, d U][V; -G_V] and [W; -V^T]^T [d U; G_U], held in one
/// (nb + K) x (G + K) matrix Z = [[W, d U], [-V^T, G_U]]; ||R||^2 = ||W||^2 - 2 &lt;d U, H&gt; - &lt;G_U, G_V&gt;.</para>
/// <para>With a mask of held-out entries the residual must be masked entry by entry: M = (d U) V^T, R' = tau (W - M)
/// masked in place by one fused kernel (which also sums the squares per gene in a fixed order), H = R' V, dV = R'^T d U.</para>
/// <see cref="Multiply"/> returns the factor that turns H and dV into d ll / d (d U) and d ll / d V (tau in the Gram
/// form, 1 with a mask, where tau is already inside R'). Not thread-safe: one per model.
/// </summary>
internal sealed class GaussianLikelihoodProducts<T> where T : unmanaged
{
    private readonly T[] _w;
    private readonly T[]? _mask;
    private readonly int _cells, _genes, _regulators;
    private readonly double[] _observedPerCell;

    /// <summary>V in the first G rows of a (G + K) x K matrix; in the Gram form the last K rows hold -V^T V.</summary>
    private readonly T[] _v;
    private readonly T[] _h, _dv;

    /// <summary>Gram form: Z (leading dimension nb + K) and ||W_c||^2 per cell.</summary>
    private readonly T[]? _z;
    private readonly double[]? _cellSquares;
    private bool _zHoldsAllCells;

    /// <summary>With a mask: d U (nb x K), the mean then the residual (nb x G), a batch's W and mask rows, per-gene sums of squares.</summary>
    private readonly T[]? _du, _m, _wBatch, _maskBatch;
    private readonly double[]? _geneSums;

    private int _batchCells;
    private bool _batchRows;

    public GaussianLikelihoodProducts(T[] w, T[]? mask, int cells, int genes, int regulators, int batchCapacity)
    {
        _w = w; _mask = mask; _cells = cells; _genes = genes; _regulators = regulators;
        int n = cells, g = genes, k = regulators;
        _observedPerCell = new double[n];
        if (mask is null) Array.Fill(_observedPerCell, g);
        else
            for (int j = 0; j < g; j++)
                for (int c = 0; c < n; c++) _observedPerCell[c] += PmfGrnModel<T>.ToDouble(mask[c + (long)n * j]);
        _v = new T[(g + k) * k];
        _h = new T[batchCapacity * k];
        _dv = new T[g * k];
        if (mask is null)
        {
            _z = new T[checked((batchCapacity + k) * (g + k))];
            _cellSquares = new double[n];
            for (int j = 0; j < g; j++)
                for (int c = 0; c < n; c++)
                {
                    double x = PmfGrnModel<T>.ToDouble(w[c + (long)n * j]);
                    _cellSquares[c] += x * x;
                }
        }
        else
        {
            _du = new T[batchCapacity * k];
            _m = new T[(long)batchCapacity * g];
            _geneSums = new double[g];
            if (batchCapacity < n)
            {
                _wBatch = new T[(long)batchCapacity * g];
                _maskBatch = new T[(long)batchCapacity * g];
            }
        }
    }

    /// <summary>The entries of cell c that enter the likelihood (G without a mask).</summary>
    public double Observed(int cell) => _observedPerCell[cell];

    /// <summary>Where the model writes column r of V (G entries).</summary>
    public Span<T> VColumn(int r) => _v.AsSpan((_genes + _regulators) * r, _genes);

    /// <summary>Where the model writes column r of d U for the current batch (nb entries).</summary>
    public Span<T> ActivityColumn(int r) => _z is not null
        ? _z.AsSpan((_batchCells + _regulators) * (_genes + r), _batchCells)
        : _du!.AsSpan(_batchCells * r, _batchCells);

    /// <summary>Column r of H (nb entries) and of dV (G entries), after <see cref="Multiply"/>.</summary>
    public ReadOnlySpan<T> HColumn(int r) => _h.AsSpan(_batchCells * r, _batchCells);

    public ReadOnlySpan<T> DvColumn(int r) => _dv.AsSpan(_genes * r, _genes);

    /// <summary>Starts a step on the cells of <paramref name="batch"/> (null: all, in order): lays out the buffers and gathers the batch's rows of W (and the mask).</summary>
    public void Begin(int[]? batch, ParallelOptions options)
    {
        int nb = _batchCells = batch?.Length ?? _cells;
        _batchRows = batch is not null;
        if (_z is not null)
        {
            // W's rows into Z's top-left block (kept across full-batch steps).
            if (batch is null && _zHoldsAllCells) return;
            GatherRows(_w, batch, _z, nb + _regulators, options);
            _zHoldsAllCells = batch is null;
        }
        else if (batch is not null)
        {
            GatherRows(_w, batch, _wBatch!, nb, options);
            GatherRows(_mask!, batch, _maskBatch!, nb, options);
        }
    }

    /// <summary>Forms H and dV for the V and d U the model wrote; returns the factor that makes them d ll / d (d U) and d ll / d V.</summary>
    public double Multiply(double tau, IBlas blas, ParallelOptions options, int threads)
    {
        int nb = _batchCells, g = _genes, k = _regulators, ldv = g + k;
        if (_z is { } z)
        {
            int ldz = nb + k, duAt = ldz * g;
            // -V^T into Z's bottom-left block, in tiles of 64 genes: V's column r is read in runs of 64 and each Z column
            // written in runs along r, so both stay in cache (a gene at a time strides V by G + K per element).
            const int tile = 64;
            Parallel.For(0, (g + tile - 1) / tile, options, t =>
            {
                int from = t * tile, to = Math.Min(g, from + tile);
                for (int r = 0; r < k; r++)
                {
                    int at = ldv * r;
                    for (int gene = from; gene < to; gene++) z[nb + (long)ldz * gene + r] = PmfGrnModel<T>.FromDouble(-PmfGrnModel<T>.ToDouble(_v[at + gene]));
                }
            });
            Syrk(blas, k, g, _v, ldv, _v.AsSpan(g), ldv, negate: true);
            Syrk(blas, k, nb, z.AsSpan(duAt), ldz, z.AsSpan(duAt + nb), ldz, negate: false);
            Gemm(blas, Transpose.No, Transpose.No, nb, k, g + k, z, ldz, _v, ldv, _h, nb);
            Gemm(blas, Transpose.Yes, Transpose.No, g, k, nb + k, z, ldz, z.AsSpan(duAt), ldz, _dv, g);
            return tau;
        }
        T[] w = _batchRows ? _wBatch! : _w, mask = _batchRows ? _maskBatch! : _mask!;
        Gemm(blas, Transpose.No, Transpose.Yes, nb, g, k, _du!, nb, _v, ldv, _m!, nb);
        int chunks = Math.Min(g, 4 * threads);
        Parallel.For(0, chunks, options, ch =>
        {
            int lo = (int)((long)g * ch / chunks), hi = (int)((long)g * (ch + 1) / chunks);
            for (int gene = lo; gene < hi; gene++)
            {
                int at = (int)((long)nb * gene);
                _geneSums![gene] = MaskedResidual(w.AsSpan(at, nb), mask.AsSpan(at, nb), _m.AsSpan(at, nb), tau);
            }
        });
        Gemm(blas, Transpose.No, Transpose.No, nb, k, g, _m!, nb, _v, ldv, _h, nb);
        Gemm(blas, Transpose.Yes, Transpose.No, g, k, nb, _m!, nb, _du!, nb, _dv, g);
        return 1;
    }

    /// <summary>
    /// The residual's sum of squares over the batch. The Gram form needs sum over columns of &lt;d U, H&gt;
    /// (<paramref name="crossColumns"/>, one per regulator, added in order); the masked form summed it in <see cref="Multiply"/>.
    /// </summary>
    public double SumOfSquares(int[]? batch, ReadOnlySpan<double> crossColumns)
    {
        double ss = 0;
        if (_z is null)
        {
            foreach (var s in _geneSums!) ss += s;
            return ss;
        }
        int nb = _batchCells, g = _genes, k = _regulators, ldz = nb + k;
        for (int j = 0; j < nb; j++) ss += _cellSquares![batch?[j] ?? j];
        for (int r = 0; r < k; r++) ss -= 2 * crossColumns[r];
        // <G_U, G_V>: G_U is Z's bottom-right block, -G_V the bottom block of the extended V.
        for (int j = 0; j < k; j++)
            for (int i = 0; i < k; i++) ss += PmfGrnModel<T>.ToDouble(_z[ldz * (g + j) + nb + i]) * PmfGrnModel<T>.ToDouble(_v[g + i + (g + k) * j]);
        return Math.Max(ss, 0);
    }

    /// <summary>The rows of <paramref name="batch"/> (all cells if null) of a cells x G column-major matrix into the top rows of <paramref name="destination"/> (leading dimension <paramref name="ld"/>).</summary>
    private void GatherRows(T[] source, int[]? batch, T[] destination, int ld, ParallelOptions options)
    {
        int n = _cells;
        Parallel.For(0, _genes, options, gene =>
        {
            long from = (long)n * gene, to = (long)ld * gene;
            if (batch is null) Array.Copy(source, from, destination, to, n);
            else for (int j = 0; j < batch.Length; j++) destination[to + j] = source[from + batch[j]];
        });
    }

    private static double MaskedResidual(ReadOnlySpan<T> w, ReadOnlySpan<T> mask, Span<T> m, double tau) => typeof(T) == typeof(float)
        ? VariationalKernels.MaskedResidual(MemoryMarshal.Cast<T, float>(w), MemoryMarshal.Cast<T, float>(mask), MemoryMarshal.Cast<T, float>(m), tau)
        : VariationalKernels.MaskedResidual(MemoryMarshal.Cast<T, double>(w), MemoryMarshal.Cast<T, double>(mask), MemoryMarshal.Cast<T, double>(m), tau);

    /// <summary>C = op(A) op(B) (alpha 1, beta 0) in the work precision.</summary>
    internal static void Gemm(IBlas blas, Transpose ta, Transpose tb, int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc)
    {
        if (typeof(T) == typeof(float))
            blas.Gemm(ta, tb, m, n, k, 1f, MemoryMarshal.Cast<T, float>(a), lda, MemoryMarshal.Cast<T, float>(b), ldb, 0f, MemoryMarshal.Cast<T, float>(c), ldc);
        else
            blas.Gemm(ta, tb, m, n, k, 1.0, MemoryMarshal.Cast<T, double>(a), lda, MemoryMarshal.Cast<T, double>(b), ldb, 0.0, MemoryMarshal.Cast<T, double>(c), ldc);
    }

    /// <summary>C = A^T A or -A^T A (A rows x n column-major, C n x n, both triangles written).</summary>
    private static void Syrk(IBlas blas, int n, int rows, ReadOnlySpan<T> a, int lda, Span<T> c, int ldc, bool negate)
    {
        if (typeof(T) == typeof(float))
            blas.Syrk(Transpose.Yes, n, rows, negate ? -1f : 1f, MemoryMarshal.Cast<T, float>(a), lda, 0f, MemoryMarshal.Cast<T, float>(c), ldc);
        else
            blas.Syrk(Transpose.Yes, n, rows, negate ? -1.0 : 1.0, MemoryMarshal.Cast<T, double>(a), lda, 0.0, MemoryMarshal.Cast<T, double>(c), ldc);
        for (int col = 0; col < n; col++)
            for (int row = col + 1; row < n; row++) c[row + ldc * col] = c[col + ldc * row];
    }
}
