using System.Numerics;
using GrnFast.Kernels;
using PureHDF;

namespace GrnFast.IO.H5ad;

/// <summary>
/// A dense X or layer: a 2-D cells x genes dataset (anndata encoding-type "array"), stored in C order, so it
/// loads into one row-major in-memory matrix. float64 stays float64 and float32 stays float32; integers and
/// float16 become float32. Chunked and gzip/shuffle-filtered datasets are decoded by PureHDF.
/// </summary>
internal static class H5adDenseMatrix
{
    public static ExpressionData Read(H5adFile file, IH5Dataset dataset, string path, IReadOnlyList<string> genes, IReadOnlyList<string>? cells)
    {
        var (type, dims) = file.Guard(path, () => (dataset.Type, dataset.Space.Dimensions));
        if (dims.Length != 2) throw file.Error(path, $"has rank {dims.Length}; expression is a 2-D cells x genes array");
        var t = H5adNumbers.TypeOf(type)
            ?? throw file.Error(path, $"holds {H5adNumbers.Describe(type)}; expression must be numbers (float32, float64 or integers)");
        var (rows, cols) = H5adShape.Check(file, path, dims[0], dims[1], genes, cells);
        long count = (long)rows * cols;
        if (count > Array.MaxLength)
            throw file.Error(path, $"is a dense {rows} x {cols} array ({count} values), more than one in-memory matrix holds ({Array.MaxLength}); store X as CSR (scipy.sparse.csr_matrix), which is read in blocks of cells");

        if (t == H5adNumberType.Float64)
        {
            var data = new double[count];
            H5adNumbers.Read(file, dataset, path, t, 0, data.AsMemory(), cols);
            CheckFinite<double>(file, path, data, cols, genes, cells);
            return new ExpressionData(file.Source, genes, cells, null, new MatrixView<double>(data, rows, cols, MatrixLayout.RowMajor), null);
        }
        else
        {
            var data = new float[count];
            H5adNumbers.Read(file, dataset, path, t, 0, data.AsMemory(), cols);
            CheckFinite<float>(file, path, data, cols, genes, cells);
            return new ExpressionData(file.Source, genes, cells, new MatrixView<float>(data, rows, cols, MatrixLayout.RowMajor), null, null);
        }
    }

    private static void CheckFinite<T>(H5adFile file, string path, ReadOnlySpan<T> values, int cols, IReadOnlyList<string> genes, IReadOnlyList<string>? cells)
        where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (T.IsFinite(values[i])) continue;
            int row = i / cols, col = i % cols;
            throw file.Error(path, $"the value at row {row}{H5adShape.CellName(cells, row)}, column {col} is {(T.IsNaN(values[i]) ? "NaN" : "infinite")}: gene '{genes[col]}'", genes[col]);
        }
    }
}
