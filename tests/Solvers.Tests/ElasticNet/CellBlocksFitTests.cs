using GrnFast.Kernels;
using GrnFast.Kernels.Blas;
using GrnFast.Solvers.Data;
using GrnFast.Solvers.ElasticNet;
using GrnFast.Solvers.Gram;
using GrnFast.Solvers.Results;
using static GrnFast.Solvers.Tests.ElasticNet.ElasticNetGrnTests;

namespace GrnFast.Solvers.Tests.ElasticNet;

/// <summary>Block-stored cells (Arrow batches, sparse blocks) give the in-memory answers up to summation order.</summary>
public class CellBlocksFitTests
{
    private static readonly SyntheticProblem Small = new(cells: 120, genes: 30, regulators: 12, seed: 7, zeroFraction: 0.3);

    /// <summary>Splits the float32 column-major matrix into dense blocks of the given row counts.</summary>
    private static CellBlocks Split(MatrixView<float> x, params int[] sizes)
    {
        var data = x.Data;
        var blocks = new List<CellBlock>();
        int start = 0;
        foreach (var size in sizes.Append(x.Rows - sizes.Sum()))
        {
            var columns = new ReadOnlyMemory<float>[x.Cols];
            // Each block gets its own copy, column-contiguous, as an Arrow record batch has.
            for (int c = 0; c < x.Cols; c++) columns[c] = data.Slice(c * x.Rows + start, size).ToArray();
            blocks.Add(new DenseCellBlock(size, columns));
            start += size;
        }
        return new CellBlocks(x.Cols, blocks);
    }

    /// <summary>The same matrix as CSR blocks (zeros not stored).</summary>
    private static CellBlocks SplitSparse(MatrixView<float> x, int blockRows)
    {
        var blocks = new List<CellBlock>();
        for (int start = 0; start < x.Rows; start += blockRows)
        {
            int rows = Math.Min(blockRows, x.Rows - start);
            var indptr = new List<long> { 0 };
            var indices = new List<int>();
            var values = new List<float>();
            for (int r = start; r < start + rows; r++)
            {
                for (int c = 0; c < x.Cols; c++)
                    if (x[r, c] != 0) { indices.Add(c); values.Add(x[r, c]); }
                indptr.Add(indices.Count);
            }
            blocks.Add(new CsrCellBlock<long, int>(rows, x.Cols, indptr.ToArray(), indices.ToArray(), values.ToArray(), $"block at {start}"));
        }
        return new CellBlocks(x.Cols, blocks);
    }

    private static GrnFitResult Fit(CellBlocks x, ElasticNetOptions o, int threads = 1)
        => ElasticNetGrn.Fit(x, Small.Problem(), o, new SolverContext(new ManagedBlas(), threads));

    private static void AssertClose(GrnFitResult expected, GrnFitResult actual, double tolerance, string what)
    {
        for (int j = 0; j < expected.Targets.Length; j++)
        {
            Assert.Equal(expected.Targets[j].SelectedAlpha, actual.Targets[j].SelectedAlpha, tolerance * expected.Targets[j].SelectedAlpha);
            var a = Dense(expected.Targets[j].Regulators, expected.Targets[j].Coefficients, 12);
            var b = Dense(actual.Targets[j].Regulators, actual.Targets[j].Coefficients, 12);
            for (int i = 0; i < 12; i++)
                Assert.True(Math.Abs(a[i] - b[i]) <= tolerance * (1 + Math.Abs(a[i])), $"{what}: target {j} regulator {i}: {a[i]} vs {b[i]}");
        }
    }

    [Fact]
    public void MomentsOverBlocksEqualTheWholeMatrix()
    {
        var x = Small.ViewFloat;
        var whole = ExpressionMoments.Compute(x);
        var one = ExpressionMoments.Compute(Split(x));
        Assert.Equal(whole.Mean, one.Mean);
        Assert.Equal(whole.Variance, one.Variance);
        foreach (var blocks in new[] { Split(x, 1, 0, 50, 7), SplitSparse(x, 13) })
        {
            var m = ExpressionMoments.Compute(blocks);
            for (int g = 0; g < x.Cols; g++)
            {
                Assert.Equal(whole.Mean[g], m.Mean[g], 1e-12 * (1 + Math.Abs(whole.Mean[g])));
                Assert.Equal(whole.Variance[g], m.Variance[g], 1e-11 * whole.Variance[g]);
            }
        }
    }

    [Fact]
    public void ANonFiniteValueInAnyBlockMakesTheGeneUnusable()
    {
        var values = Small.ViewFloat.Data.ToArray();
        values[5 * Small.Cells + 100] = float.NaN;
        var x = new MatrixView<float>(values, Small.Cells, Small.Genes, MatrixLayout.ColumnMajor);
        var m = ExpressionMoments.Compute(Split(x, 60));
        Assert.False(m.IsUsable(5));
        Assert.True(m.IsUsable(6));
        var ex = Assert.Throws<ArgumentException>(() => Fit(Split(x, 60), new ElasticNetOptions()));
        Assert.Contains("column 5", ex.Message);
    }

    [Theory]
    [InlineData(GramPrecision.Float64, 1e-8)]
    [InlineData(GramPrecision.Float32, 1e-4)]
    public void PathsOnBlocksMatchTheInMemoryFit(GramPrecision precision, double tolerance)
    {
        var x = Small.ViewFloat;
        var opts = new ElasticNetOptions { PathLength = 20, Tolerance = 1e-10, Precision = precision };
        var reference = SyntheticProblem.Fit(x, Small.Problem(), opts with { Precision = GramPrecision.Float64 });
        AssertClose(reference, Fit(Split(x), opts), tolerance, "one block");
        AssertClose(reference, Fit(Split(x, 1, 0, 50, 7), opts, threads: 2), tolerance, "uneven blocks");
        AssertClose(reference, Fit(SplitSparse(x, 16), opts), tolerance, "CSR blocks");
    }

    [Fact]
    public void CrossValidationOnBlocksSelectsWhatTheInMemoryFitSelects()
    {
        var x = Small.ViewFloat;
        var opts = new ElasticNetOptions { PathLength = 15, Selection = new ModelSelection.CrossValidation(4), Seed = 3, Tolerance = 1e-10 };
        var reference = SyntheticProblem.Fit(x, Small.Problem(), opts);
        AssertClose(reference, Fit(Split(x, 33, 33), opts), 1e-8, "CV on blocks");
    }

    /// <summary>Chunks that straddle block boundaries, and fold sums, against one GEMM on the whole Z.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(64)]
    [InlineData(1000)]
    public void BlockedCrossProductsEqualOneGemm(int chunkRows)
    {
        var x = Small.ViewFloat;
        var moments = ExpressionMoments.Compute(x);
        int[] columns = [.. Enumerable.Range(0, 30)];
        var z = StandardizedExpression.Build(x, moments, columns, 12, float32: false, threads: 1);
        var whole = CrossProducts.Compute(z, new ManagedBlas());
        var foldOf = new int[Small.Cells];
        for (int i = 0; i < foldOf.Length; i++) foldOf[i] = (i * 7) % 3;
        var blocked = CrossProducts.ComputeBlocked(Split(x, 10, 45, 1), columns, 12, z.Mean, z.Std, float32: false, foldOf, 3,
            new ManagedBlas(), 1, default, out var folds, chunkRows);
        for (int i = 0; i < whole.Data.Length; i++) Assert.Equal(whole.Data[i], blocked.Data[i], 1e-12);
        Assert.NotNull(folds);
        for (int f = 0; f < 3; f++)
        {
            int[] rows = [.. Enumerable.Range(0, Small.Cells).Where(i => foldOf[i] == f)];
            var expected = CrossProducts.ComputeFold(z, rows, new ManagedBlas());
            Assert.Equal(expected.Cells, folds[f].Cells);
            for (int i = 0; i < expected.Data.Length; i++) Assert.Equal(expected.Data[i], folds[f].Data[i], 1e-12);
            for (int k = 0; k < 30; k++) Assert.Equal(expected.ColumnSquares[k], folds[f].ColumnSquares[k], 1e-12);
        }
    }

    [Fact]
    public void CancellationStopsTheBlockedPass()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            ElasticNetGrn.Fit(Split(Small.ViewFloat, 40), Small.Problem(), new ElasticNetOptions(), new SolverContext(new ManagedBlas(), 1, cancel.Token)));
    }
}
