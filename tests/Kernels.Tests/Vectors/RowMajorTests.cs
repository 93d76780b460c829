using GrnFast.Kernels.Vectors;

namespace GrnFast.Kernels.Tests.Vectors;

/// <summary>Row-major column kernels: twins bit for bit, and agreement with the column-wise definitions.</summary>
public class RowMajorTests
{
    public static TheoryData<int, int> Shapes() => new()
    {
        { 0, 5 }, { 1, 1 }, { 3, 0 }, { 7, 33 }, { 64, 17 }, { 65, 301 }, { 129, 1030 }, { 300, 31 }, { 3, 4100 }, { 2, 8193 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ColumnMomentsMatchTwinAndMeanVariance(int rows, int cols)
    {
        int seed = rows * 1000 + cols;
        var rng = new Random(seed);
        var xd = TestData.Doubles(rng, rows * cols, 0.01);
        var xf = TestData.Floats(rng, rows * cols, 0.01);
        string where = $"ColumnMoments {rows}x{cols} seed={seed} [{KernelInfo.InstructionSet}]";

        foreach (bool useFloat in new[] { false, true })
        {
            double[] mv = new double[cols], vv = new double[cols], ms = new double[cols], vs = new double[cols];
            if (useFloat) { VectorKernels.ColumnMoments(xf, rows, cols, mv, vv); ScalarKernels.ColumnMoments(xf, rows, cols, ms, vs); }
            else { VectorKernels.ColumnMoments(xd, rows, cols, mv, vv); ScalarKernels.ColumnMoments(xd, rows, cols, ms, vs); }
            if (TestData.FirstDifference(mv, ms) >= 0) Assert.Fail($"{where} float={useFloat}: mean differs at {TestData.FirstDifference(mv, ms)}");
            if (TestData.FirstDifference(vv, vs) >= 0) Assert.Fail($"{where} float={useFloat}: variance differs at {TestData.FirstDifference(vv, vs)}");
            for (int c = 0; c < cols; c++)
            {
                var column = new double[rows];
                for (int r = 0; r < rows; r++) column[r] = useFloat ? xf[r * cols + c] : xd[r * cols + c];
                var (m, v) = VectorKernels.MeanVariance(column);
                if (!(double.IsNaN(m) == double.IsNaN(mv[c]))) Assert.Fail($"{where} float={useFloat} col={c}: NaN pattern of mean");
                if (!(double.IsNaN(v) == double.IsNaN(vv[c]))) Assert.Fail($"{where} float={useFloat} col={c}: NaN pattern of variance");
                if (double.IsFinite(m)) { if (!(Math.Abs(m - mv[c]) <= 1e-12)) Assert.Fail($"{where} col={c}: mean {mv[c]:R} vs {m:R}"); }
                if (double.IsFinite(v)) { if (!(Math.Abs(v - vv[c]) <= 1e-12 * (1 + v))) Assert.Fail($"{where} col={c}: variance {vv[c]:R} vs {v:R}"); }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void GatherCenterScaleMatchesTwin(int rows, int cols)
    {
        int seed = rows * 7919 + cols;
        var rng = new Random(seed);
        var xd = TestData.Doubles(rng, rows * cols, 0.01);
        var xf = TestData.Floats(rng, rows * cols, 0.01);
        var mean = TestData.Doubles(rng, cols);
        var scale = TestData.Doubles(rng, cols);
        // Unsorted, with repeats: the solver passes regulator indices in its own order.
        var columns = cols == 0 ? [] : Enumerable.Range(0, Math.Max(1, cols * 2 / 3)).Select(_ => rng.Next(cols)).ToArray();
        string where = $"GatherCenterScale {rows}x{cols} seed={seed} [{KernelInfo.InstructionSet}]";
        int size = rows * columns.Length;

        double[] v = new double[size], s = new double[size];
        VectorKernels.GatherCenterScale(xd, rows, cols, columns, mean, scale, v);
        ScalarKernels.GatherCenterScale(xd, rows, cols, columns, mean, scale, s);
        if (TestData.FirstDifference(v, s) >= 0) Assert.Fail($"{where} double->double at {TestData.FirstDifference(v, s)}");
        for (int j = 0; j < columns.Length; j++)
            for (int r = 0; r < rows; r++)
                if (!(TestData.SameValue(v[j * rows + r], (xd[r * cols + columns[j]] - mean[columns[j]]) * scale[columns[j]]))) Assert.Fail($"{where} j={j} r={r}");

        VectorKernels.GatherCenterScale(xf, rows, cols, columns, mean, scale, v);
        ScalarKernels.GatherCenterScale(xf, rows, cols, columns, mean, scale, s);
        if (TestData.FirstDifference(v, s) >= 0) Assert.Fail($"{where} float->double at {TestData.FirstDifference(v, s)}");

        float[] vf = new float[size], sf = new float[size];
        VectorKernels.GatherCenterScale(xf, rows, cols, columns, mean, scale, vf);
        ScalarKernels.GatherCenterScale(xf, rows, cols, columns, mean, scale, sf);
        if (TestData.FirstDifference(vf, sf) >= 0) Assert.Fail($"{where} float->float at {TestData.FirstDifference(vf, sf)}");
        VectorKernels.GatherCenterScale(xd, rows, cols, columns, mean, scale, vf);
        ScalarKernels.GatherCenterScale(xd, rows, cols, columns, mean, scale, sf);
        if (TestData.FirstDifference(vf, sf) >= 0) Assert.Fail($"{where} double->float at {TestData.FirstDifference(vf, sf)}");
    }

    [Fact]
    public void RowMajorKernelsNameTheBadArgument()
    {
        var x = new double[12];
        Assert.Equal("rows", Assert.Throws<ArgumentException>(() => VectorKernels.ColumnMoments(x, 4, 4, new double[4], new double[4])).ParamName);
        Assert.Equal("mean", Assert.Throws<ArgumentException>(() => VectorKernels.ColumnMoments(x, 3, 4, new double[3], new double[4])).ParamName);
        Assert.Equal("columns", Assert.Throws<ArgumentOutOfRangeException>(() =>
            VectorKernels.GatherCenterScale(x, 3, 4, [4], new double[4], new double[4], new double[3])).ParamName);
        Assert.Equal("destColumnMajor", Assert.Throws<ArgumentException>(() =>
            VectorKernels.GatherCenterScale(x, 3, 4, [0, 1], new double[4], new double[4], new double[5])).ParamName);
    }
}
