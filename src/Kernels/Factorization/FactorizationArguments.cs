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

    /// <summary><paramref name="rows"/> rows of <paramref name="width"/> elements and the pivot column fit a row-major matrix of <paramref name="length"/> elements.</summary>
    public static void Rows(int length, int ld, int rows, int pivot, int width)
    {
        if (rows < 0 || pivot < 0 || width < 0) throw new ArgumentException($"rows {rows}, pivot {pivot} and width {width} must not be negative");
        if (rows == 0) return;
        if (ld < Math.Max(width, pivot + 1)) throw new ArgumentException($"leading dimension {ld} is below the row width {Math.Max(width, pivot + 1)}", nameof(ld));
        if ((long)(rows - 1) * ld + Math.Max(width, pivot + 1) > length)
            throw new ArgumentException($"{rows} rows with leading dimension {ld} do not fit a matrix of {length} elements", nameof(rows));
    }

    [DoesNotReturn]
    private static void Throw(int n, int a, int b, int c, int d, int e) =>
        throw new ArgumentException($"operand lengths differ: {n}, {a}, {b}, {c}, {d}, {e}");

    [DoesNotReturn]
    private static void ThrowDestination(int needed, int actual) =>
        throw new ArgumentException($"destination holds {actual} elements, {needed} are needed", "dest");
}
