using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace GrnFast.Kernels.Factorization;

/// <summary>Argument checks shared by the factorization kernels and their scalar twins, so both reject the same input.</summary>
internal static class FactorizationArguments
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SameLengths(int n, int a, int b, int c, int d, int e)
    {
        if (a != n || b != n || c != n || d != n || e != n) Throw(n, a, b, c, d, e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DestinationFits(int needed, int actual)
    {
        if (actual < needed) ThrowDestination(needed, actual);
    }

    /// <summary>Every column index in [0, cols) of a matrix of <paramref name="length"/> elements with leading dimension ld &gt;= rows, one weight per index.</summary>
    public static void Columns(int length, int ld, ReadOnlySpan<int> columns, int weights, int rows)
    {
        if (weights != columns.Length) Throw(columns.Length, weights, columns.Length, columns.Length, columns.Length, columns.Length);
        if (ld < rows || ld < 1) throw new ArgumentException($"leading dimension {ld} is below the {rows} rows", nameof(ld));
        foreach (int c in columns)
            if (c < 0 || (long)c * ld + rows > length)
                throw new ArgumentException($"column {c} does not fit a matrix of {length} elements with leading dimension {ld}", nameof(columns));
    }

    /// <summary>A row-major w x w triangle (rows ldl apart) and a row-major w x n block (rows ldx apart) fit their buffers.</summary>
    public static void Substitution(int lLength, int ldl, int w, int xLength, int ldx, int n)
    {
        if (n < 0) throw new ArgumentException($"column count {n} must not be negative", nameof(n));
        if (w == 0) return;
        if (ldl < w) throw new ArgumentException($"leading dimension {ldl} is below the {w} rows of the triangle", nameof(ldl));
        if ((long)(w - 1) * ldl + w > lLength) throw new ArgumentException($"a {w}-row triangle with rows {ldl} apart needs {(long)(w - 1) * ldl + w} elements, the buffer has {lLength}", "l");
        if (ldx < n) throw new ArgumentException($"leading dimension {ldx} is below the {n} columns", nameof(ldx));
        if ((long)(w - 1) * ldx + n > xLength) throw new ArgumentException($"{w} rows of {n} columns, {ldx} apart, need {(long)(w - 1) * ldx + n} elements, the buffer has {xLength}", "x");
    }

    /// <summary>
    /// The operands of a compressed-column product: starts non-decreasing within the indices, every index in [0, cols) of
    /// the matrix (checked by its smallest and largest, not one by one), one weight per index, and starts.Length - 1
    /// destination columns of <paramref name="rows"/> rows.
    /// </summary>
    /// <summary>A triangle of <paramref name="rows"/> rows or columns, the p-th at p * ld, and a right-hand side of that length.</summary>
    public static void Triangle(int length, int ld, int rows, int rhs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (ld < rows || ld < 1) throw new ArgumentException($"leading dimension {ld} is below the {rows} rows", nameof(ld));
        if (rows > 0 && (long)(rows - 1) * ld + rows > length)
            throw new ArgumentException($"a {rows}-row triangle with rows {ld} apart needs {(long)(rows - 1) * ld + rows} elements, the buffer has {length}", "l");
        if (rhs != rows) throw new ArgumentException($"the right-hand side has {rhs} entries, the triangle {rows} rows", "b");
    }

    /// <summary>C (rows x count, ldc) -= A (rows x depth, lda) B^T (B count x depth, ldb), all column-major.</summary>
    public static void Products(int aLength, int lda, int rows, int depth, int bLength, int ldb, int count, int cLength, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (lda < rows || lda < 1) throw new ArgumentException($"leading dimension {lda} is below the {rows} rows", nameof(lda));
        if (ldb < count || ldb < 1) throw new ArgumentException($"leading dimension {ldb} is below the {count} columns", nameof(ldb));
        if (ldc < rows || ldc < 1) throw new ArgumentException($"leading dimension {ldc} is below the {rows} rows", nameof(ldc));
        if (rows == 0 || count == 0) return;
        if (depth > 0 && (long)(depth - 1) * lda + rows > aLength)
            throw new ArgumentException($"a {rows} x {depth} matrix with columns {lda} apart needs {(long)(depth - 1) * lda + rows} elements, the buffer has {aLength}", "a");
        if (depth > 0 && (long)(depth - 1) * ldb + count > bLength)
            throw new ArgumentException($"a {count} x {depth} matrix with columns {ldb} apart needs {(long)(depth - 1) * ldb + count} elements, the buffer has {bLength}", "b");
        if ((long)(count - 1) * ldc + rows > cLength)
            throw new ArgumentException($"a {rows} x {count} matrix with columns {ldc} apart needs {(long)(count - 1) * ldc + rows} elements, the buffer has {cLength}", "c");
    }

    public static void Combinations(int length, int ld, int rows, ReadOnlySpan<int> columns, int weights, ReadOnlySpan<int> starts, int destLength, int destLd)
    {
        if (weights != columns.Length) Throw(columns.Length, weights, columns.Length, columns.Length, columns.Length, columns.Length);
        if (rows < 0) throw new ArgumentException($"rows {rows} must not be negative", nameof(rows));
        if (ld < rows || ld < 1) throw new ArgumentException($"leading dimension {ld} is below the {rows} rows", nameof(ld));
        if (destLd < rows || destLd < 1) throw new ArgumentException($"destination leading dimension {destLd} is below the {rows} rows", nameof(destLd));
        int outputs = Math.Max(0, starts.Length - 1);
        if (outputs > 0 && (long)(outputs - 1) * destLd + rows > destLength)
            throw new ArgumentException($"{outputs} destination columns with leading dimension {destLd} do not fit {destLength} elements", "dest");
        for (int j = 0; j < outputs; j++)
            if (starts[j] < 0 || starts[j] > starts[j + 1] || starts[j + 1] > columns.Length)
                throw new ArgumentException($"column range {j} [{(long)starts[j]}, {(long)starts[j + 1]}) is not within the {columns.Length} indices in order", nameof(starts));
        if (outputs == 0 || starts[0] == starts[outputs]) return;
        var used = columns[starts[0]..starts[outputs]];
        int min = System.Numerics.Tensors.TensorPrimitives.Min(used), max = System.Numerics.Tensors.TensorPrimitives.Max(used);
        if (min < 0 || (long)max * ld + rows > length)
            throw new ArgumentException($"column {(min < 0 ? min : max)} does not fit a matrix of {length} elements with leading dimension {ld}", nameof(columns));
    }

    [DoesNotReturn]
    private static void Throw(int n, int a, int b, int c, int d, int e) =>
        throw new ArgumentException($"operand lengths differ: {n}, {a}, {b}, {c}, {d}, {e}");

    [DoesNotReturn]
    private static void ThrowDestination(int needed, int actual) =>
        throw new ArgumentException($"destination holds {actual} elements, {needed} are needed", "dest");
}
