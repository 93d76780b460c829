using GrnFast.Kernels.Blas;

namespace GrnFast.Kernels.Tests.Blas;

/// <summary>The textbook triple loops, in double, with the error bound each computed element is held to.</summary>
internal static class Reference
{
    public static double OpA(double[] a, int lda, bool trans, int i, int p) => trans ? a[i * lda + p] : a[p * lda + i];

    /// <summary>Expected C (column-major, ldc) and, per element, |alpha| sum_p |op(A)_ip op(B)_pj| + |beta c_ij| for the error bound.</summary>
    public static (double[] C, double[] Magnitude) Gemm(Transpose ta, Transpose tb, int m, int n, int k, double alpha, double[] a, int lda,
        double[] b, int ldb, double beta, double[] c, int ldc, bool upperOnly = false)
    {
        var expected = (double[])c.Clone();
        var magnitude = new double[c.Length];
        bool tA = ta == Transpose.Yes, tB = tb == Transpose.Yes;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < (upperOnly ? Math.Min(m, j + 1) : m); i++)
            {
                double s = 0, mag = 0;
                for (int p = 0; p < k; p++)
                {
                    double term = OpA(a, lda, tA, i, p) * (tB ? b[p * ldb + j] : b[j * ldb + p]);
                    s += term;
                    mag += Math.Abs(term);
                }
                double old = c[j * ldc + i];
                expected[j * ldc + i] = alpha * s + (beta == 0 ? 0 : beta * old);
                magnitude[j * ldc + i] = Math.Abs(alpha) * mag + (beta == 0 ? 0 : Math.Abs(beta * old));
            }
        return (expected, magnitude);
    }

    public static double[] Random(Random rng, int length) => TestData.Doubles(rng, length);

    public static float[] ToFloat(double[] x) => Array.ConvertAll(x, v => (float)v);

    public static double[] ToDouble(float[] x) => Array.ConvertAll(x, v => (double)v);
}
