using System.Runtime.InteropServices;
using System.Text;

namespace GrnFast.IO.Arrow.Tests;

/// <summary>Writes .npy files the way numpy.save does (header padded so the data starts on a 64-byte boundary).</summary>
internal static class NpyTestFile
{
    public static void Write<T>(string path, T[] data, int rows, int cols, bool fortran, int version = 1, string? descr = null, string? shape = null, int dropBytes = 0)
        where T : unmanaged
    {
        descr ??= typeof(T) == typeof(float) ? "<f4" : typeof(T) == typeof(double) ? "<f8" : "<i8";
        shape ??= $"({rows}, {cols})";
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        int preamble = version == 1 ? 10 : 12;
        int total = preamble + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        string header = dict + new string(' ', padded - total) + "\n";
        using var f = File.Create(path);
        f.WriteByte(0x93);
        f.Write("NUMPY"u8);
        f.WriteByte((byte)version);
        f.WriteByte(0);
        var len = new byte[version == 1 ? 2 : 4];
        if (version == 1) BitConverter.TryWriteBytes(len, (ushort)header.Length);
        else BitConverter.TryWriteBytes(len, (uint)header.Length);
        f.Write(len);
        f.Write(Encoding.ASCII.GetBytes(header));
        var bytes = MemoryMarshal.AsBytes(data.AsSpan());
        f.Write(bytes[..(bytes.Length - dropBytes)]);
    }

    /// <summary>Values of a rows x cols matrix in C (row-major) or Fortran (column-major) order; (r, c) = 10 r + c.</summary>
    public static T[] Values<T>(int rows, int cols, bool fortran) where T : unmanaged, System.Numerics.INumber<T>
    {
        var v = new T[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                v[fortran ? c * rows + r : r * cols + c] = T.CreateChecked(10 * r + c);
        return v;
    }
}
