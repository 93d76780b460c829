namespace GrnFast.Kernels.Blas;

/// <summary>
/// Checks level-3 arguments against the spans before any library sees them, so a bad leading dimension is an
/// ArgumentException naming the parameter rather than a read past a buffer in native code.
/// </summary>
internal static class BlasArguments
{
    public static void Gemm(Transpose transA, Transpose transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        bool ta = transA == Transpose.Yes, tb = transB == Transpose.Yes;
        Operand(aLength, lda, ta ? k : m, ta ? m : k, "a", "lda");
        Operand(bLength, ldb, tb ? n : k, tb ? k : n, "b", "ldb");
        Operand(cLength, ldc, m, n, "c", "ldc");
    }

    public static void Syrk(Transpose trans, int n, int k, int aLength, int lda, int cLength, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        bool t = trans == Transpose.Yes;
        Operand(aLength, lda, t ? k : n, t ? n : k, "a", "lda");
        Operand(cLength, ldc, n, n, "c", "ldc");
    }

    /// <summary>A rows x cols column-major operand with leading dimension ld needs (cols - 1) * ld + rows elements.</summary>
    private static void Operand(int length, int ld, int rows, int cols, string name, string ldName)
    {
        if (ld < Math.Max(1, rows))
            throw new ArgumentException($"{ldName} = {ld} is less than max(1, {rows}), the rows of {name} as stored", ldName);
        long needed = rows == 0 || cols == 0 ? 0 : (long)(cols - 1) * ld + rows;
        if (length < needed)
            throw new ArgumentException($"{name} holds {length} elements; as stored it is {rows} x {cols} with leading dimension {ld} and needs {needed}", name);
    }
}
