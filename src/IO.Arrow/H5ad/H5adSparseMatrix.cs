using System.Buffers;
using GrnFast.Kernels;
using PureHDF;

namespace GrnFast.IO.H5ad;

/// <summary>
/// A sparse X or layer: a group with encoding-type "csr_matrix" or "csc_matrix", a "shape" attribute
/// (cells, genes) and datasets data, indices and indptr (scipy's layout; int32 or int64 indices and offsets).
/// <para>
/// CSR (cells are rows, the layout of count matrices) becomes <see cref="CellBlocks"/> of
/// <see cref="CsrCellBlock{TOffset, TIndex}"/>: each block is a run of cells whose offsets are rebased to
/// start at 0 and whose indices are narrowed to int32 (genes &lt; 2^31), so the sparse data is held once and
/// densified one block at a time by the solver. Blocks hold at most <see cref="MaxCellsPerBlock"/> cells and
/// at most <see cref="MaxBlockValues"/> dense values, which bounds the buffer each open block needs.
/// </para>
/// <para>
/// CSC (genes are rows of the stored matrix) has no cheap access by cells, so it is densified into one
/// in-memory column-major float32 matrix. Sparse values are float32 either way (float64 data is rounded).
/// </para>
/// Everything is checked on reading, before any fitting: offsets start at 0, never decrease and end at the
/// number of stored values; indices are inside the matrix; values are finite.
/// </summary>
internal static class H5adSparseMatrix
{
    /// <summary>Cells per block when the genes allow it (the block size of the Arrow reader's record batches).</summary>
    public const int MaxCellsPerBlock = 16384;

    /// <summary>Dense values (cells x genes) of one opened block at most: 128 MiB of float32.</summary>
    public const long MaxBlockValues = 1L << 25;

    public static ExpressionData Read(H5adFile file, IH5Group group, string path, bool csr, IReadOnlyList<string> genes, IReadOnlyList<string>? cells)
    {
        var shape = Shape(file, group, path);
        var (rows, cols) = H5adShape.Check(file, path, shape[0], shape[1], genes, cells);
        int major = csr ? rows : cols;

        var data = Member(file, group, path, "data");
        var indices = Member(file, group, path, "indices");
        var indptr = Member(file, group, path, "indptr");
        var dataType = H5adNumbers.TypeOf(data.Type) ?? throw file.Error(data.Path, $"holds {H5adNumbers.Describe(data.Type)}; expression must be numbers");
        var indexType = IntegerType(file, indices);
        var offsetType = IntegerType(file, indptr);
        if (indices.Length != data.Length)
            throw file.Error(path, $"has {indices.Length} indices but {data.Length} values; they must pair up");
        if (indptr.Length != (ulong)major + 1)
            throw file.Error(indptr.Path, $"has {indptr.Length} entries; a {(csr ? "CSR" : "CSC")} matrix of shape ({rows}, {cols}) needs {major + 1}");

        var offsets = new long[major + 1];
        H5adNumbers.Read(file, indptr.Dataset, indptr.Path, offsetType, 0, offsets.AsMemory());
        CheckOffsets(file, indptr.Path, offsets, (long)data.Length, csr, cells, genes);

        if (!csr)
            return Densify(file, path, rows, cols, offsets, indices, indexType, data, dataType, genes, cells);

        int perBlock = file.Limits.CellsPerBlock > 0 ? file.Limits.CellsPerBlock : (int)Math.Clamp(MaxBlockValues / cols, 1, MaxCellsPerBlock);
        var blocks = new List<CellBlock>((rows + perBlock - 1) / perBlock);
        for (int r0 = 0; r0 < rows; r0 += perBlock)
        {
            int n = Math.Min(perBlock, rows - r0);
            long lo = offsets[r0], count = offsets[r0 + n] - lo;
            if (count > Array.MaxLength)
                throw file.Error(data.Path, $"cells {r0}..{r0 + n - 1} hold {count} values, more than one block holds; duplicate indices?");
            var blockIndices = new int[count];
            var blockData = new float[count];
            H5adNumbers.Read(file, indices.Dataset, indices.Path, indexType, lo, blockIndices.AsMemory());
            H5adNumbers.Read(file, data.Dataset, data.Path, dataType, lo, blockData.AsMemory());
            var blockOffsets = new int[n + 1];
            for (int r = 0; r <= n; r++) blockOffsets[r] = (int)(offsets[r0 + r] - lo);
            CheckEntries(file, indices.Path, data.Path, blockOffsets, blockIndices, blockData, r0, cols, csr: true, genes, cells);
            blocks.Add(new CsrCellBlock<int, int>(n, cols, blockOffsets, blockIndices, blockData, $"{file.Source}: {path} cells {r0}..{r0 + n - 1}"));
        }
        return ExpressionData.FromBlocks(file.Source, genes, cells, new CellBlocks(cols, blocks), null);
    }

    /// <summary>CSC: scatter each gene's stored values into its column of a dense column-major matrix.</summary>
    private static ExpressionData Densify(H5adFile file, string path, int rows, int cols, long[] offsets,
        Stored indices, H5adNumberType indexType, Stored data, H5adNumberType dataType, IReadOnlyList<string> genes, IReadOnlyList<string>? cells)
    {
        long size = (long)rows * cols;
        if (size > Array.MaxLength)
            throw file.Error(path, $"is CSC of shape ({rows}, {cols}), which is read densely and holds more than {Array.MaxLength} values; store X as CSR (adata.X = adata.X.tocsr()), which is read in blocks of cells");
        var dense = new float[size];
        int slab = file.Limits.SlabValues;
        int capacity = (int)Math.Min((ulong)slab, Math.Max(1, data.Length));
        var idx = ArrayPool<int>.Shared.Rent(capacity);
        var val = ArrayPool<float>.Shared.Rent(capacity);
        try
        {
            // Runs of whole genes of at most `slab` values (a single gene may exceed it: then it is read alone).
            for (int j0 = 0, j1; j0 < cols; j0 = j1)
            {
                j1 = j0 + 1;
                while (j1 < cols && offsets[j1 + 1] - offsets[j0] <= slab) j1++;
                long lo = offsets[j0];
                int count = (int)(offsets[j1] - lo);
                if (count > idx.Length)
                {
                    ArrayPool<int>.Shared.Return(idx);
                    ArrayPool<float>.Shared.Return(val);
                    idx = ArrayPool<int>.Shared.Rent(count);
                    val = ArrayPool<float>.Shared.Rent(count);
                }
                H5adNumbers.Read(file, indices.Dataset, indices.Path, indexType, lo, idx.AsMemory(0, count));
                H5adNumbers.Read(file, data.Dataset, data.Path, dataType, lo, val.AsMemory(0, count));
                var runOffsets = new int[j1 - j0 + 1];
                for (int j = j0; j <= j1; j++) runOffsets[j - j0] = (int)(offsets[j] - lo);
                CheckEntries(file, indices.Path, data.Path, runOffsets, idx.AsSpan(0, count), val.AsSpan(0, count), j0, rows, csr: false, genes, cells);
                for (int j = j0; j < j1; j++)
                    for (int k = runOffsets[j - j0]; k < runOffsets[j - j0 + 1]; k++)
                        dense[(long)j * rows + idx[k]] += val[k]; // duplicates add up, as in scipy
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(idx);
            ArrayPool<float>.Shared.Return(val);
        }
        return new ExpressionData(file.Source, genes, cells, new MatrixView<float>(dense, rows, cols, MatrixLayout.ColumnMajor), null, null);
    }

    /// <summary>The "shape" attribute: two non-negative integers.</summary>
    private static ulong[] Shape(H5adFile file, IH5Group group, string path)
    {
        var shape = file.Guard(path, () =>
        {
            if (!group.AttributeExists("shape")) return null;
            var a = group.Attribute("shape");
            return H5adNumbers.TypeOf(a.Type) is { } t && H5adNumbers.IsInteger(t) ? a.Read<long[]>() : null;
        });
        if (shape is null) throw file.Error(path, "has no integer 'shape' attribute; a sparse matrix needs (cells, genes)");
        if (shape.Length != 2 || shape[0] < 0 || shape[1] < 0)
            throw file.Error(path, $"has shape ({string.Join(", ", shape)}); expected two non-negative numbers (cells, genes)");
        return [(ulong)shape[0], (ulong)shape[1]];
    }

    /// <summary>One of data, indices, indptr: a 1-D dataset with its HDF5 path, type and length.</summary>
    private sealed record Stored(IH5Dataset Dataset, string Path, IH5DataType Type, ulong Length);

    private static Stored Member(H5adFile file, IH5Group group, string path, string name)
    {
        string p = $"{path}/{name}";
        var (dataset, type, dims) = file.Guard(p, () =>
        {
            if (!group.LinkExists(name)) return (null, null!, null!);
            var d = group.Get(name) as IH5Dataset;
            return d is null ? (null, null!, null!) : (d, d.Type, d.Space.Dimensions);
        });
        if (dataset is null) throw file.Error(path, $"has no dataset '{name}'; a sparse matrix has data, indices and indptr");
        if (dims.Length != 1) throw file.Error(p, $"has rank {dims.Length}; it must be 1-D");
        return new Stored(dataset, p, type, dims[0]);
    }

    private static H5adNumberType IntegerType(H5adFile file, Stored m)
        => H5adNumbers.TypeOf(m.Type) is { } t && H5adNumbers.IsInteger(t) ? t
            : throw file.Error(m.Path, $"holds {H5adNumbers.Describe(m.Type)}; it must be integers (int32 or int64)");

    private static void CheckOffsets(H5adFile file, string path, long[] offsets, long stored, bool csr, IReadOnlyList<string>? cells, IReadOnlyList<string> genes)
    {
        if (offsets[0] != 0) throw file.Error(path, $"starts at {offsets[0]}; it must start at 0");
        for (int i = 0; i + 1 < offsets.Length; i++)
        {
            if (offsets[i + 1] < offsets[i])
                throw file.Error(path, $"decreases from {offsets[i]} to {offsets[i + 1]} at {(csr ? $"row {i}{H5adShape.CellName(cells, i)}" : $"column {i} (gene '{genes[i]}')")}; offsets never decrease");
        }
        if (offsets[^1] != stored)
            throw file.Error(path, $"ends at {offsets[^1]} but there are {stored} stored values; they must agree");
    }

    /// <summary>Indices within 0..<paramref name="bound"/>-1 and finite values, for a run of major rows starting at <paramref name="first"/>.</summary>
    private static void CheckEntries(H5adFile file, string indicesPath, string dataPath, ReadOnlySpan<int> runOffsets,
        ReadOnlySpan<int> idx, ReadOnlySpan<float> val, int first, int bound, bool csr, IReadOnlyList<string> genes, IReadOnlyList<string>? cells)
    {
        for (int m = 0; m + 1 < runOffsets.Length; m++)
        {
            for (int k = runOffsets[m]; k < runOffsets[m + 1]; k++)
            {
                int major = first + m;
                if ((uint)idx[k] >= (uint)bound)
                {
                    string where = csr ? $"row {major}{H5adShape.CellName(cells, major)}" : $"column {major} (gene '{genes[major]}')";
                    throw file.Error(indicesPath, $"{where} has {(csr ? "gene" : "cell")} index {idx[k]}, outside 0..{bound - 1}");
                }
                if (!float.IsFinite(val[k]))
                {
                    string gene = genes[csr ? idx[k] : major];
                    int cell = csr ? major : idx[k];
                    throw file.Error(dataPath, $"the value at row {cell}{H5adShape.CellName(cells, cell)}, gene '{gene}' is {(float.IsNaN(val[k]) ? "NaN" : "infinite in float32")}", gene);
                }
            }
        }
    }
}
