using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace GrnFast.Kernels.Vectors;

/// <summary>Argument checks shared by the vectorized kernels and their scalar twins, so both reject the same input.</summary>
internal static class KernelArguments
{
    // The checks sit on hot paths (an axpy of 50 elements): the compare is inlined, the message is built
    // only in the throwing helper, which the JIT keeps out of line.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SameLength(int expected, int actual, string parameter)
    {
        if (actual != expected) ThrowLengthsDiffer(expected, actual, parameter);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DestinationFits(int needed, int actual, string parameter)
    {
        if (actual < needed) ThrowDestinationTooSmall(needed, actual, parameter);
    }

    [DoesNotReturn]
    private static void ThrowLengthsDiffer(int expected, int actual, string parameter) =>
        throw new ArgumentException($"length {actual} differs from the first operand's {expected}", parameter);

    [DoesNotReturn]
    private static void ThrowDestinationTooSmall(int needed, int actual, string parameter) =>
        throw new ArgumentException($"destination holds {actual} elements, {needed} are needed", parameter);

    public static void RowMajor(int length, int rows, int cols, string parameter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if ((long)rows * cols > length)
            throw new ArgumentException($"a {rows} x {cols} matrix needs {(long)rows * cols} elements, the buffer has {length}", parameter);
    }

    /// <summary>A rows x columns block with rows <paramref name="sourceLd"/> apart fits the source, its transpose with rows <paramref name="destLd"/> apart the destination.</summary>
    public static void Transpose(int sourceLength, int sourceLd, int rows, int columns, int destLength, int destLd)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (sourceLd < columns) throw new ArgumentException($"source leading dimension {sourceLd} is below the {columns} columns", nameof(sourceLd));
        if (destLd < rows) throw new ArgumentException($"destination leading dimension {destLd} is below the {rows} rows", nameof(destLd));
        if (rows == 0 || columns == 0) return;
        if ((long)(rows - 1) * sourceLd + columns > sourceLength)
            throw new ArgumentException($"a {rows} x {columns} block with rows {sourceLd} apart needs {(long)(rows - 1) * sourceLd + columns} elements, the source has {sourceLength}", "source");
        if ((long)(columns - 1) * destLd + rows > destLength)
            throw new ArgumentException($"its {columns} x {rows} transpose with rows {destLd} apart needs {(long)(columns - 1) * destLd + rows} elements, the destination has {destLength}", "dest");
    }

    public static void Columns(ReadOnlySpan<int> columns, int cols, string parameter)
    {
        foreach (int c in columns)
        {
            if ((uint)c >= (uint)cols) throw new ArgumentOutOfRangeException(parameter, c, $"column index outside [0, {cols})");
        }
    }
}
