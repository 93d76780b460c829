using GrnFast.Kernels.Vectors;

namespace GrnFast.Kernels.Tests.Vectors;

/// <summary>The block transpose: the twin's bits and the definition, at every row count 0..300, with padding left alone.</summary>
public class TransposeTests
{
    [Fact]
    public void TransposeMatchesTwinAndDefinition()
    {
        foreach (int rows in TestData.Lengths().Where(n => n <= 300))
        {
            // Column counts around the 8 x 8 blocks, and leading dimensions with and without padding.
            int columns = rows % 3 == 0 ? rows % 17 : rows % 3 == 1 ? 16 : rows / 2 + 1, sourceLd = columns + rows % 4, destLd = rows + rows % 5;
            int seed = 31_000 + rows;
            var rng = new Random(seed);
            var source = TestData.Doubles(rng, Math.Max(1, rows * sourceLd), 0.01);
            var fill = TestData.Doubles(rng, Math.Max(1, columns * destLd));
            var vector = (double[])fill.Clone();
            var scalar = (double[])fill.Clone();
            VectorKernels.Transpose(source, sourceLd, rows, columns, vector, destLd);
            ScalarKernels.Transpose(source, sourceLd, rows, columns, scalar, destLd);
            string where = $"{rows} x {columns}, ld {sourceLd} -> {destLd}, seed {seed} [{KernelInfo.InstructionSet}]";
            if (TestData.FirstDifference(vector, scalar) is int at and >= 0) Assert.Fail($"{where}: dest[{at}] {vector[at]:R} vs twin {scalar[at]:R}");
            for (int c = 0; c < columns; c++)
                for (int r = 0; r < destLd && c * destLd + r < fill.Length; r++)
                {
                    double expected = r < rows ? source[r * sourceLd + c] : fill[c * destLd + r];
                    Assert.True(expected.Equals(vector[c * destLd + r]), $"{where}: dest[{r}, {c}] = {vector[c * destLd + r]:R}, expected {expected:R}");
                }
        }
    }

    [Fact]
    public void TransposeRejectsBlocksThatDoNotFit()
    {
        Assert.Equal("sourceLd", Assert.Throws<ArgumentException>(() => VectorKernels.Transpose(new double[12], 3, 3, 4, new double[12], 3)).ParamName);
        Assert.Equal("destLd", Assert.Throws<ArgumentException>(() => VectorKernels.Transpose(new double[12], 4, 3, 4, new double[12], 2)).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentException>(() => VectorKernels.Transpose(new double[11], 4, 3, 4, new double[12], 3)).ParamName);
        Assert.Equal("dest", Assert.Throws<ArgumentException>(() => ScalarKernels.Transpose(new double[12], 4, 3, 4, new double[11], 3)).ParamName);
    }
}
