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

    public static void Columns(ReadOnlySpan<int> columns, int cols, string parameter)
    {
        foreach (int c in columns)
        {
            if ((uint)c >= (uint)cols) throw new ArgumentOutOfRangeException(parameter, c, $"column index outside [0, {cols})");
        }
    }
}
