using GrnFast.Kernels;
using GrnFast.Kernels.Blas;
using GrnFast.Kernels.Factorization;

namespace GrnFast.Solvers.NetRex;

/// <summary>
/// The Y-step's sparse Grams M_j = sum_i e_ij x_i x_i^T (d x d, upper triangle column-major), one per regulator as last
/// built, kept across PALM iterations so that a visit pays only for what changed since the last one: the genes whose
/// x_i the X-steps moved in between (one block of genes per iteration) and the edges whose weight e_ij the S-steps
/// changed. For those, M_j += e_new x x^T - e_old x_old x_old^T by one signed product over the changed columns instead
/// of a SYRK over the whole support: at D1 a regulator is visited every third iteration and about 100 of its ~670 supported genes
/// moved, so 2 x 100 columns instead of 670. The old x_i are the moved columns kept before each X-step (a ring of
/// <see cref="History"/> iterations); a regulator last built longer ago, or one for which the update would cost more than a
/// rebuild, is rebuilt. Adding and removing the same outer products leaves round-off of order eps ||M_j|| per visit.
/// </summary>
internal sealed class SupportGrams
{
    /// <summary>Iterations back that old latent columns are kept for.</summary>
    public const int History = 12;

    private readonly int _columns, _d;
    private readonly double[]?[] _grams, _weights;
    private readonly int[] _builtAt, _changedAt;
    // Per iteration (a ring of History): the columns of V it changed, as they were before (column q of the slot for the
    // gene _slotGenes[q]), and each gene's place in the slot (-1: not changed then).
    private readonly double[][] _oldColumns;
    private readonly int[][] _slotGenes, _slotPosition;
    private int _iteration = -1;
    // The rows' shared dense part, base V V^T (upper triangle), kept the same way: formed at _baseBuiltAt, last from
    // scratch at _baseRebuiltAt; its update's columns (at most half of V's: more than a quarter changed means a rebuild).
    private double[]? _base;
    private double _baseWeight;
    private int _baseBuiltAt, _baseRebuiltAt;
    private Scratch? _baseScratch;
    private long _updates, _rebuilds;

    /// <param name="rows">Regulators (rows of U, each with its own Gram).</param>
    /// <param name="columns">Genes (columns of V).</param>
    /// <param name="d">Latent factors.</param>
    public SupportGrams(int rows, int columns, int d)
    {
        _columns = columns; _d = d;
        _grams = new double[rows][];
        _weights = new double[rows][];
        _builtAt = new int[rows];
        _changedAt = new int[columns];
        _oldColumns = new double[History][];
        _slotGenes = new int[History][];
        _slotPosition = new int[History][];
        for (int h = 0; h < History; h++)
        {
            _oldColumns[h] = [];
            _slotGenes[h] = [];
            _slotPosition[h] = new int[columns];
            Array.Fill(_slotPosition[h], -1);
        }
    }

    /// <summary>Bytes the Grams and the old columns of V take at most (a block of every column at every iteration).</summary>
    public static double Bytes(int rows, int columns, int d)
        => sizeof(double) * ((double)rows * d * d + (double)rows * columns + (double)History * d * columns);

    /// <summary>Grams updated in place, and built from scratch, so far.</summary>
    public (long Updates, long Rebuilds) Visits => (Interlocked.Read(ref _updates), Interlocked.Read(ref _rebuilds));

    /// <summary>
    /// Starts an iteration: the columns <paramref name="changing"/> of <paramref name="v"/> (d x columns) are about to
    /// change. Their present values are kept (the value a Gram built before now saw), and once they have changed v is
    /// what this iteration's visits see. Keeping only the changed columns (100 of 2000 at D1) instead of a copy of V
    /// per iteration keeps the old columns in 1.4 MB instead of 29 MB, read warm instead of cold.
    /// </summary>
    public void Changing(double[] v, int[] changing)
    {
        _iteration++;
        int slot = _iteration % History, d = _d;
        var position = _slotPosition[slot];
        foreach (int j in _slotGenes[slot]) position[j] = -1;
        if (_oldColumns[slot].Length < changing.Length * d) _oldColumns[slot] = new double[changing.Length * d];
        var old = _oldColumns[slot];
        for (int q = 0; q < changing.Length; q++)
        {
            int j = changing[q];
            _changedAt[j] = _iteration;
            position[j] = q;
            v.AsSpan(j * d, d).CopyTo(old.AsSpan(q * d, d));
        }
        _slotGenes[slot] = (int[])changing.Clone();
    }

    /// <summary>
    /// Column j of V as it was at iteration <paramref name="built"/> (fewer than History iterations ago): the current
    /// column when it has not changed since, else the value kept by the first change after it.
    /// </summary>
    private ReadOnlySpan<double> ColumnAt(int j, int built, double[] v)
    {
        if (_changedAt[j] <= built) return v.AsSpan(j * _d, _d);
        for (int it = built + 1; it <= _iteration; it++)
        {
            int slot = it % History, q = _slotPosition[slot][j];
            if (q >= 0) return _oldColumns[slot].AsSpan(q * _d, _d);
        }
        throw new InvalidOperationException($"column {j} did not change after iteration {built}");
    }

    /// <summary>
    /// dense = baseWeight V V^T (upper triangle, d x d) for the current V: the kept one updated by the columns of V
    /// changed since it was formed (base (x x^T - x_old x_old^T) for each, by the signed product of <see cref="Refresh"/>
    /// over ~2 x 100 columns at D1 instead of a SYRK over all G), or formed from scratch by <paramref name="blas"/> when it is older than <see cref="History"/>
    /// iterations, was last formed from scratch that long ago (so that the round-off of the updates stays a few eps),
    /// or more than a quarter of the columns changed.
    /// </summary>
    public void BaseGram(double[] dense, double baseWeight, double[] v, IBlas blas)
    {
        if (_iteration < 0) throw new InvalidOperationException("Changing must be called before the first visit");
        int d = _d, columns = _columns;
        int built = _baseBuiltAt, changed = 0;
        bool fresh = _base == null || baseWeight != _baseWeight || _iteration - built >= History || _iteration - _baseRebuiltAt >= History;
        if (!fresh)
        {
            for (int j = 0; j < columns; j++) changed += _changedAt[j] > built ? 1 : 0;
            fresh = 4 * changed > columns;
        }
        _base ??= new double[d * d];
        if (fresh)
        {
            blas.Syrk(Transpose.No, d, columns, baseWeight, v, d, 0.0, _base, d);
            _baseWeight = baseWeight;
            _baseRebuiltAt = _iteration;
        }
        else if (changed > 0)
        {
            var scratch = _baseScratch ??= new Scratch(d, columns / 2 + 1);
            double scale = Math.Sqrt(baseWeight);
            int p = 0;
            for (int j = 0; j < columns; j++)
            {
                if (_changedAt[j] <= built) continue;
                scratch.Put(p++, v.AsSpan(j * d, d), scale);
                scratch.PutRemoved(p++, ColumnAt(j, built, v), scale);
            }
            scratch.AddTo(_base, d, p);
        }
        _baseBuiltAt = _iteration;
        _base.CopyTo(dense, 0);
    }

    /// <summary>Starts bringing row i's kept Gram toward the core (a hint: the visit before it is ~100 us long).</summary>
    public void Prefetch(int i)
    {
        var gram = _grams[i];
        if (gram != null) GrnFast.Kernels.CacheHints.PrefetchToL2(gram);
    }

    /// <summary>
    /// One thread's columns for <see cref="Refresh"/>: the two sides of its outer products, d rows at a stride of whole
    /// cache lines, on cache lines (the product loads them as 64-byte vectors at every multiply-add).
    /// </summary>
    public sealed class Scratch(int d, int columns)
    {
        /// <summary>Doubles from one column to the next: d rounded up to a whole number of 64-byte lines.</summary>
        public int Stride { get; } = PaddedStride(d);
        internal ArraySegment<double> Left { get; } = CacheLines.Allocate<double>(PaddedStride(d) * columns);
        internal ArraySegment<double> Right { get; } = CacheLines.Allocate<double>(PaddedStride(d) * columns);

        private static int PaddedStride(int d) => (d + CacheLines.Bytes / sizeof(double) - 1) / (CacheLines.Bytes / sizeof(double)) * (CacheLines.Bytes / sizeof(double));

        /// <summary>Column p of the sides: -s x on the left, s x on the right, so that C -= Left Right^T adds s^2 x x^T.</summary>
        internal void Put(int p, ReadOnlySpan<double> x, double s)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(x, s, Right.AsSpan(p * Stride, x.Length));
            System.Numerics.Tensors.TensorPrimitives.Multiply(x, -s, Left.AsSpan(p * Stride, x.Length));
        }

        /// <summary>Column p with the signs the other way round: C -= Left Right^T takes s^2 x x^T away.</summary>
        internal void PutRemoved(int p, ReadOnlySpan<double> x, double s)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(x, s, Right.AsSpan(p * Stride, x.Length));
            System.Numerics.Tensors.TensorPrimitives.Multiply(x, s, Left.AsSpan(p * Stride, x.Length));
        }

        /// <summary>The upper triangle of the d x d <paramref name="gram"/> += the outer products of columns [0, count).</summary>
        internal void AddTo(double[] gram, int d, int count)
        {
            if (count > 0) FactorizationKernels.SubtractProductsUpper(Left, Stride, count, Right, Stride, d, gram, d);
        }
    }

    /// <summary>
    /// Row i's Gram for the weights <paramref name="e"/> (its row, length columns) and the current V, updated in place
    /// (or rebuilt), its upper triangle (and parts of the lower one, which are scratch). All the changed terms go into
    /// one signed product, e_new x x^T added and e_old x_old x_old^T taken away, by the register-blocked
    /// <see cref="FactorizationKernels.SubtractProductsUpper"/> (at d = 150 and 200 terms, 91 us hot against 160 for the
    /// two SYRKs it replaces). Each row is refreshed by one thread at a time.
    /// </summary>
    public double[] Refresh(int i, ReadOnlySpan<double> e, double[] v, Scratch scratch)
    {
        if (_iteration < 0) throw new InvalidOperationException("Changing must be called before the first visit");
        int d = _d, columns = _columns;
        var gram = _grams[i];
        var used = _weights[i];
        int built = _builtAt[i];
        if (gram != null && used != null && _iteration - built < History)
        {
            int changed = 0, support = 0;
            for (int j = 0; j < columns; j++)
            {
                double now = e[j], then = used[j];
                support += now != 0 ? 1 : 0;
                if (now == then && _changedAt[j] <= built) continue;
                changed += (now != 0 ? 1 : 0) + (then != 0 ? 1 : 0);
            }
            if (changed < support)
            {
                int p = 0;
                for (int j = 0; j < columns; j++)
                {
                    double now = e[j], then = used[j];
                    if (now == then && _changedAt[j] <= built) continue;
                    if (now != 0) scratch.Put(p++, v.AsSpan(j * d, d), Math.Sqrt(now));
                    if (then != 0) scratch.PutRemoved(p++, ColumnAt(j, built, v), Math.Sqrt(then));
                }
                scratch.AddTo(gram, d, p);
                e.CopyTo(used);
                _builtAt[i] = _iteration;
                Interlocked.Increment(ref _updates);
                return gram;
            }
        }
        gram ??= _grams[i] = new double[d * d];
        used ??= _weights[i] = new double[columns];
        int count = 0;
        for (int j = 0; j < columns; j++)
            if (e[j] != 0) scratch.Put(count++, v.AsSpan(j * d, d), Math.Sqrt(e[j]));
        Array.Clear(gram);
        scratch.AddTo(gram, d, count);
        e.CopyTo(used);
        _builtAt[i] = _iteration;
        Interlocked.Increment(ref _rebuilds);
        return gram;
    }
}
