using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GrnFast.Kernels;
using GrnFast.IO.Npy;

namespace GrnFast.IO;

/// <summary>
/// Memory-maps a NumPy .npy file (format version 1, 2 or 3) holding a 2-D little-endian float32 or float64
/// cells x genes array. Nothing is copied: C order gives a row-major view, Fortran order a column-major one
/// (gene columns contiguous). Every value is checked to be finite.
/// </summary>
public static partial class NpyExpressionReader
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The parsed header of an .npy file.</summary>
    public readonly record struct NpyHeader(bool IsDouble, bool FortranOrder, int Rows, int Cols, long DataOffset);

    /// <param name="path">The .npy file.</param>
    /// <param name="geneNames">Names of the columns (from <c>--genes FILE</c>); when null, "0".."p-1".</param>
    public static unsafe ExpressionData Read(string path, IReadOnlyList<string>? geneNames = null)
    {
        long fileLength = new FileInfo(path).Length;
        NpyHeader h;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            h = ReadHeader(stream, path);
        int size = h.IsDouble ? 8 : 4;
        long count = (long)h.Rows * h.Cols;
        if (count > int.MaxValue)
            throw new InputFormatException(path, null, $"{h.Rows} x {h.Cols} = {count} values is more than one view can hold ({int.MaxValue}); split the cells into several files");
        if (h.DataOffset + count * size > fileLength)
            throw new InputFormatException(path, null, $"truncated: the header says {h.Rows} x {h.Cols} {(h.IsDouble ? "float64" : "float32")} ({count * size} bytes of data) but the file has {Math.Max(0, fileLength - h.DataOffset)}");
        if (h.Rows == 0 || h.Cols == 0)
            throw new InputFormatException(path, null, $"the array is {h.Rows} x {h.Cols}: no cells or no genes");
        if (geneNames is not null && geneNames.Count != h.Cols)
            throw new InputFormatException(path, null, $"{geneNames.Count} gene names were given but the array has {h.Cols} columns");
        geneNames ??= Enumerable.Range(0, h.Cols).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var layout = h.FortranOrder ? MatrixLayout.ColumnMajor : MatrixLayout.RowMajor;

        var owner = new MappedMatrixOwner(path);
        try
        {
            byte* data = owner.Base + h.DataOffset;
            if (h.IsDouble)
            {
                var memory = new MappedMemoryManager<double>((double*)data, (int)count).Memory;
                var view = new MatrixView<double>(memory, h.Rows, h.Cols, layout);
                CheckFinite(path, memory.Span, view, geneNames);
                return new ExpressionData(path, geneNames, null, null, view, owner);
            }
            else
            {
                var memory = new MappedMemoryManager<float>((float*)data, (int)count).Memory;
                var view = new MatrixView<float>(memory, h.Rows, h.Cols, layout);
                CheckFinite(path, memory.Span, view, geneNames);
                return new ExpressionData(path, geneNames, null, view, null, owner);
            }
        }
        catch
        {
            owner.Dispose();
            throw;
        }
    }

    /// <summary>Parses and validates the header; the stream is left after it.</summary>
    public static NpyHeader ReadHeader(Stream stream, string path)
    {
        Span<byte> prefix = stackalloc byte[12];
        int got = stream.ReadAtLeast(prefix, 12, throwOnEndOfStream: false);
        if (got == 0) throw new InputFormatException(path, null, "the file is empty");
        if (got < 10 || !prefix[..6].SequenceEqual(Magic)) throw new InputFormatException(path, null, "not a NumPy .npy file (bad magic)");
        int major = prefix[6];
        long headerLength, dataOffset;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]); dataOffset = 10 + headerLength; }
        else if (major is 2 or 3)
        {
            if (got < 12) throw new InputFormatException(path, null, "truncated .npy header");
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
            dataOffset = 12 + headerLength;
        }
        else throw new InputFormatException(path, null, $".npy format version {major} is not supported (1, 2 or 3)");
        if (headerLength > 1 << 20) throw new InputFormatException(path, null, $"implausible .npy header length {headerLength}");

        var headerBytes = new byte[headerLength];
        stream.Position = dataOffset - headerLength;
        if (stream.ReadAtLeast(headerBytes, (int)headerLength, throwOnEndOfStream: false) < headerLength)
            throw new InputFormatException(path, null, "truncated .npy header");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);

        var descr = DescrPattern().Match(header);
        var order = FortranPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !order.Success || !shape.Success)
            throw new InputFormatException(path, null, $"unreadable .npy header: {header.Trim()}");
        string dtype = descr.Groups[1].Value;
        bool isDouble = dtype switch
        {
            "<f4" or "=f4" => false,
            "<f8" or "=f8" => true,
            _ => throw new InputFormatException(path, null, $"dtype '{dtype}' is not supported: save float32 ('<f4') or float64 ('<f8'), e.g. x.astype(np.float32)"),
        };
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (dims.Length != 2)
            throw new InputFormatException(path, null, $"shape ({shape.Groups[1].Value}) is not 2-D; expected (cells, genes)");
        if (!int.TryParse(dims[0], NumberStyles.None, CultureInfo.InvariantCulture, out int rows)
            || !int.TryParse(dims[1], NumberStyles.None, CultureInfo.InvariantCulture, out int cols))
            throw new InputFormatException(path, null, $"shape ({shape.Groups[1].Value}) has a dimension that is not a non-negative 32-bit integer");
        return new NpyHeader(isDouble, order.Groups[1].Value == "True", rows, cols, dataOffset);
    }

    private static void CheckFinite<T>(string path, ReadOnlySpan<T> values, MatrixView<T> view, IReadOnlyList<string> genes)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (T.IsFinite(values[i])) continue;
            int row = view.Layout == MatrixLayout.RowMajor ? i / view.Cols : i % view.Rows;
            int col = view.Layout == MatrixLayout.RowMajor ? i % view.Cols : i / view.Rows;
            string what = T.IsNaN(values[i]) ? "NaN" : "infinite";
            throw new InputFormatException(path, null, $"value at cell row {row}, column {col} (0-based) is {what}: gene '{genes[col]}'", col + 1, genes[col]);
        }
    }

    [GeneratedRegex(@"['""]descr['""]\s*:\s*['""]([^'""]*)['""]")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"['""]fortran_order['""]\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"['""]shape['""]\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
