using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GrnFast.Kernels.Vectors.Operators;

namespace GrnFast.Kernels.Vectors;

public static partial class VectorKernels
{
    /// <summary>
    /// Columns accumulated together in one sweep over the rows. Wide, so the rows stream sequentially: the sums (and, in the
    /// second pass, the means) take 32 KB each, in L2. On 5000 x 2000 floats, strips of 512 columns took 12-14 ms for both
    /// passes, whole rows 7.8 ms: the loads, not the adds, set the pace.
    /// </summary>
    private const int MomentColumnBlock = 4096;

    /// <summary>Rows by selected columns per tile of the gather: the source cache lines of a tile stay in L2.</summary>
    private const int GatherRowBlock = 64;
    private const int GatherColumnBlock = 32;

    /// <summary>
    /// Per-column mean and population variance of a row-major (NumPy C-order) rows x cols matrix, in double,
    /// two passes: mean_c = sum_r x_rc / rows, variance_c = sum_r (x_rc - mean_c)^2 / rows. Each column's sums
    /// run over r = 0, 1, ... in order (vectorized across columns), so the bits are those of a left-to-right
    /// sum on every instruction set; they can differ from <see cref="MeanVariance(ReadOnlySpan{double})"/> by
    /// round-off. NaN when rows is 0.
    /// </summary>
    public static void ColumnMoments(ReadOnlySpan<float> rowMajor, int rows, int cols, Span<double> mean, Span<double> variance) =>
        ColumnMomentsCore(rowMajor, rows, cols, mean, variance);

    /// <inheritdoc cref="ColumnMoments(ReadOnlySpan{float}, int, int, Span{double}, Span{double})"/>
    public static void ColumnMoments(ReadOnlySpan<double> rowMajor, int rows, int cols, Span<double> mean, Span<double> variance) =>
        ColumnMomentsCore(rowMajor, rows, cols, mean, variance);

    private static void ColumnMomentsCore<T>(ReadOnlySpan<T> x, int rows, int cols, Span<double> mean, Span<double> variance)
        where T : unmanaged
    {
        KernelArguments.RowMajor(x.Length, rows, cols, nameof(rows));
        KernelArguments.SameLength(cols, mean.Length, nameof(mean));
        KernelArguments.SameLength(cols, variance.Length, nameof(variance));
        if (rows == 0)
        {
            mean.Fill(double.NaN);
            variance.Fill(double.NaN);
            return;
        }
        for (int c0 = 0; c0 < cols; c0 += MomentColumnBlock)
        {
            int width = Math.Min(MomentColumnBlock, cols - c0);
            var m = mean.Slice(c0, width);
            var v = variance.Slice(c0, width);
            m.Clear();
            v.Clear();
            // m_c += x_rc over r in order
            for (int r = 0; r < rows; r++) ElementwiseLoops.AccumulateRow(x.Slice(r * cols + c0, width), default, m, new SumAccumulate());
            for (int c = 0; c < width; c++) m[c] /= rows;
            // v_c += (x_rc - m_c)^2 over r in order
            for (int r = 0; r < rows; r++) ElementwiseLoops.AccumulateRow(x.Slice(r * cols + c0, width), m, v, new SquaredDeviationAccumulate());
            for (int c = 0; c < width; c++) v[c] /= rows;
        }
    }

    /// <summary>
    /// Standardises the selected columns of a row-major rows x cols matrix into a column-major rows x
    /// columns.Length buffer: dest[j * rows + r] = (x[r, c] - mean[c]) * scale[c] with c = columns[j]
    /// (mean and scale are indexed by source column, as <see cref="ColumnMoments(ReadOnlySpan{float}, int, int, Span{double}, Span{double})"/>
    /// returns them). Computed in double. Works in tiles of rows x selected columns so each source cache line
    /// is read once per tile.
    /// </summary>
    public static void GatherCenterScale(ReadOnlySpan<float> rowMajor, int rows, int cols, ReadOnlySpan<int> columns,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> scale, Span<double> destColumnMajor) =>
        GatherCenterScaleCore(rowMajor, rows, cols, columns, mean, scale, destColumnMajor);

    /// <inheritdoc cref="GatherCenterScale(ReadOnlySpan{float}, int, int, ReadOnlySpan{int}, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double})"/>
    public static void GatherCenterScale(ReadOnlySpan<double> rowMajor, int rows, int cols, ReadOnlySpan<int> columns,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> scale, Span<double> destColumnMajor) =>
        GatherCenterScaleCore(rowMajor, rows, cols, columns, mean, scale, destColumnMajor);

    /// <summary>As the double-destination overload, rounding each standardised value to float once (for the float32 Gram path).</summary>
    public static void GatherCenterScale(ReadOnlySpan<float> rowMajor, int rows, int cols, ReadOnlySpan<int> columns,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> scale, Span<float> destColumnMajor) =>
        GatherCenterScaleCore(rowMajor, rows, cols, columns, mean, scale, destColumnMajor);

    /// <inheritdoc cref="GatherCenterScale(ReadOnlySpan{float}, int, int, ReadOnlySpan{int}, ReadOnlySpan{double}, ReadOnlySpan{double}, Span{float})"/>
    public static void GatherCenterScale(ReadOnlySpan<double> rowMajor, int rows, int cols, ReadOnlySpan<int> columns,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> scale, Span<float> destColumnMajor) =>
        GatherCenterScaleCore(rowMajor, rows, cols, columns, mean, scale, destColumnMajor);

    internal static void CheckGather<TIn, TOut>(ReadOnlySpan<TIn> x, int rows, int cols, ReadOnlySpan<int> columns,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> scale, Span<TOut> dest)
    {
        KernelArguments.RowMajor(x.Length, rows, cols, nameof(rows));
        KernelArguments.Columns(columns, cols, nameof(columns));
        KernelArguments.SameLength(cols, mean.Length, nameof(mean));
        KernelArguments.SameLength(cols, scale.Length, nameof(scale));
        KernelArguments.DestinationFits(checked(rows * columns.Length), dest.Length, "destColumnMajor");
    }

    private static void GatherCenterScaleCore<TIn, TOut>(ReadOnlySpan<TIn> x, int rows, int cols, ReadOnlySpan<int> columns,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> scale, Span<TOut> dest)
        where TIn : unmanaged
        where TOut : unmanaged
    {
        CheckGather(x, rows, cols, columns, mean, scale, dest);
        ref TIn xs = ref MemoryMarshal.GetReference(x);
        ref TOut ds = ref MemoryMarshal.GetReference(dest);
        nuint stride = (nuint)cols;
        for (int j0 = 0; j0 < columns.Length; j0 += GatherColumnBlock)
        {
            int j1 = Math.Min(j0 + GatherColumnBlock, columns.Length);
            for (int r0 = 0; r0 < rows; r0 += GatherRowBlock)
            {
                int r1 = Math.Min(r0 + GatherRowBlock, rows);
                for (int j = j0; j < j1; j++)
                {
                    int c = columns[j];
                    double m = mean[c], s = scale[c];
                    ref TIn source = ref Unsafe.Add(ref xs, (nuint)c);
                    ref TOut target = ref Unsafe.Add(ref ds, (nuint)j * (nuint)rows);
                    for (nuint r = (nuint)r0; r < (nuint)r1; r++)
                    {
                        // dest[j * rows + r] = (x[r, c] - m) * s
                        double value = WideningLoads.ToDouble(Unsafe.Add(ref source, r * stride));
                        Unsafe.Add(ref target, r) = WideningLoads.FromDouble<TOut>((value - m) * s);
                    }
                }
            }
        }
    }
}
