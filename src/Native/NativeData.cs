using System.Runtime.InteropServices;
using System.Text;
using GrnFast.IO;
using GrnFast.IO.Npy;
using GrnFast.Kernels;

namespace GrnFast.Native;

/// <summary>
/// gf_data: a cells x genes matrix over the caller's buffers, as the pipeline's <see cref="ExpressionData"/>.
/// Dense float32/float64 in either layout with a tight leading dimension and CSR (int64 indptr, int32 indices,
/// float32 values) are views: nothing is copied and the caller's buffers must outlive the handle. A dense matrix
/// whose leading dimension is wider than a row (column) is copied once into a tight managed array, since the
/// solvers' views have no stride; <see cref="Copied"/> says so.
/// </summary>
internal sealed class NativeData(ExpressionData data, bool copied)
{
    public ExpressionData Data { get; } = data;
    public bool Copied { get; } = copied;
    public int Genes => Data.Genes;

    public const int Float32 = 0, Float64 = 1;
    public const int RowMajor = 0, ColumnMajor = 1;

    // A CSR block densifies into cells x genes floats at a time: about 4 M values (16 MB) per block.
    private const long MaxBlockValues = 4L << 20;

    public static unsafe NativeData Dense(void* values, int dtype, int layout, long cells, long genes, long ld, byte** geneNames)
    {
        if (values is null) throw Bad("values is NULL");
        if (dtype is not (Float32 or Float64)) throw Bad($"dtype {dtype} is not GF_FLOAT32 (0) or GF_FLOAT64 (1)");
        if (layout is not (RowMajor or ColumnMajor)) throw Bad($"layout {layout} is not GF_ROW_MAJOR (0) or GF_COL_MAJOR (1)");
        CheckShape(cells, genes);
        long inner = layout == RowMajor ? genes : cells, outer = layout == RowMajor ? cells : genes;
        if (ld == 0) ld = inner;
        if (ld < inner)
            throw Bad($"ld {ld} is less than {(layout == RowMajor ? "genes" : "cells")} ({inner}); a {(layout == RowMajor ? "row-major" : "column-major")} matrix needs ld >= {inner}");
        long count = cells * genes;
        if (count > Array.MaxLength)
            throw new NativeArgumentException(Status.Unsupported, $"{cells} cells x {genes} genes is {count} values; a dense matrix holds at most {Array.MaxLength} (pass CSR, which is read in blocks)");
        var names = GeneNames(geneNames, (int)genes);
        var mlayout = layout == RowMajor ? MatrixLayout.RowMajor : MatrixLayout.ColumnMajor;
        bool copy = ld != inner;
        const string Source = "gf_data";
        if (dtype == Float32)
        {
            var memory = copy ? Tight((float*)values, outer, inner, ld) : new MappedMemoryManager<float>((float*)values, (int)count).Memory;
            return new NativeData(new ExpressionData(Source, names, null, new MatrixView<float>(memory, (int)cells, (int)genes, mlayout), null, null), copy);
        }
        else
        {
            var memory = copy ? Tight((double*)values, outer, inner, ld) : new MappedMemoryManager<double>((double*)values, (int)count).Memory;
            return new NativeData(new ExpressionData(Source, names, null, null, new MatrixView<double>(memory, (int)cells, (int)genes, mlayout), null), copy);
        }
    }

    public static unsafe NativeData Csr(long* indptr, int* indices, float* values, long cells, long genes, byte** geneNames)
    {
        if (indptr is null) throw Bad("indptr is NULL");
        CheckShape(cells, genes);
        long first = indptr[0], last = indptr[cells];
        if (first < 0 || last < first) throw Bad($"indptr runs from {first} to {last}; it must start at >= 0 and not decrease");
        if (last > int.MaxValue)
            throw new NativeArgumentException(Status.Unsupported, $"indptr[cells] = {last}: at most {int.MaxValue} stored values");
        if (last > 0 && (indices is null || values is null)) throw Bad($"{(indices is null ? "indices" : "values")} is NULL with {last - first} stored values");
        for (long r = 0; r < cells; r++)
            if (indptr[r + 1] < indptr[r]) throw Bad($"indptr decreases at row {r} ({indptr[r]} -> {indptr[r + 1]})");
        for (long k = first; k < last; k++)
            if ((uint)indices[k] >= (ulong)genes) throw Bad($"indices[{k}] = {indices[k]} is outside 0..{genes - 1}");
        var names = GeneNames(geneNames, (int)genes);
        var offsets = new MappedMemoryManager<long>(indptr, (int)cells + 1).Memory;
        var idx = new MappedMemoryManager<int>(indices, (int)last).Memory;
        var val = new MappedMemoryManager<float>(values, (int)last).Memory;
        int perBlock = (int)Math.Clamp(MaxBlockValues / genes, 1, cells);
        var blocks = new List<CellBlock>();
        for (int r0 = 0; r0 < cells; r0 += perBlock)
        {
            int n = (int)Math.Min(perBlock, cells - r0);
            blocks.Add(new CsrCellBlock<long, int>(n, (int)genes, offsets.Slice(r0, n + 1), idx, val, $"gf_data: CSR cells {r0}..{r0 + n - 1}"));
        }
        return new NativeData(ExpressionData.FromBlocks("gf_data", names, null, new CellBlocks((int)genes, blocks), null), false);
    }

    private static void CheckShape(long cells, long genes)
    {
        if (cells < 1 || cells > int.MaxValue) throw Bad($"cells {cells} is not in 1..{int.MaxValue}");
        if (genes < 1 || genes > int.MaxValue) throw Bad($"genes {genes} is not in 1..{int.MaxValue}");
    }

    private static unsafe T[] Tight<T>(T* values, long outer, long inner, long ld) where T : unmanaged
    {
        var tight = new T[outer * inner];
        for (long o = 0; o < outer; o++)
            new ReadOnlySpan<T>(values + o * ld, (int)inner).CopyTo(tight.AsSpan((int)(o * inner), (int)inner));
        return tight;
    }

    /// <summary>The caller's names (UTF-8, non-empty, distinct), or "0", "1", ... when it gives none.</summary>
    private static unsafe string[] GeneNames(byte** names, int genes)
    {
        var result = new string[genes];
        if (names is null)
        {
            for (int i = 0; i < genes; i++) result[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return result;
        }
        var seen = new Dictionary<string, int>(genes, StringComparer.Ordinal);
        for (int i = 0; i < genes; i++)
        {
            if (names[i] is null) throw Bad($"gene_names[{i}] is NULL");
            string name;
            try { name = new UTF8Encoding(false, true).GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(names[i])); }
            catch (DecoderFallbackException) { throw Bad($"gene_names[{i}] is not valid UTF-8"); }
            if (name.Length == 0) throw Bad($"gene_names[{i}] is empty");
            if (!seen.TryAdd(name, i)) throw Bad($"gene_names[{i}] '{name}' repeats gene_names[{seen[name]}]");
            result[i] = name;
        }
        return result;
    }

    private static NativeArgumentException Bad(string message) => new(Status.Argument, message);
}
