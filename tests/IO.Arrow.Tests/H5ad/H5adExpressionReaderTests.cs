using GrnFast.IO.H5ad;
using GrnFast.Kernels;
using static GrnFast.IO.Arrow.Tests.H5ad.H5adFixtures;

namespace GrnFast.IO.Arrow.Tests.H5ad;

/// <summary>Files written by anndata read back exactly: every storage, dtype, filter, layer and name source.</summary>
public class H5adExpressionReaderTests
{
    /// <summary>Every matrix in the fixtures: file, layer (null = X), the storage the reader must give.</summary>
    public static TheoryData<string, string?, string> Matrices() => new()
    {
        { "dense.h5ad", null, "float32 RowMajor" },            // float32, uncompressed
        { "dense.h5ad", "X_norm", "float64 RowMajor" },        // float64 stays float64
        { "dense.h5ad", "counts", "float32 RowMajor" },        // int32 -> float32
        { "dense.h5ad", "counts64", "float32 RowMajor" },      // int64 -> float32
        { "dense_gzip.h5ad", null, "float64 RowMajor" },       // gzip, chunked
        { "dense_gzip.h5ad", "counts", "float32 RowMajor" },
        { "dense_gzip.h5ad", "chunked", "float32 RowMajor" },  // 2 x 3 chunks, partial at the edge
        { "csr.h5ad", null, "blocks" },                        // CSR float32, int32 indptr/indices
        { "csr.h5ad", "X_norm", "blocks" },                    // CSR float64 data -> float32
        { "csr.h5ad", "csc", "float32 ColumnMajor" },          // CSC densified
        { "csr_gzip.h5ad", null, "blocks" },                   // CSR float64, int64 indptr/indices, gzip
        { "csr_gzip.h5ad", "csc", "float32 ColumnMajor" },     // CSC int64 data and indices, gzip
        { "shuffle.h5ad", null, "float32 RowMajor" },          // gzip + shuffle
        { "shuffle.h5ad", "csr", "blocks" },                   // CSR int64, gzip + shuffle
        { "lzf.h5ad", null, "float32 RowMajor" },              // lzf (h5py's filter, decoded by LzfFilter); a raw chunk
        { "lzf.h5ad", "counts", "float32 RowMajor" },          // lzf, a compressed chunk
        { "lzf.h5ad", "csr", "blocks" },
        { "latest.h5ad", null, "float32 RowMajor" },           // HDF5's newest format (superblock v3)
        { "latest.h5ad", "X_norm", "float64 RowMajor" },
        { "no_x.h5ad", "counts", "float32 RowMajor" },
        { "old_categorical.h5ad", null, "float32 RowMajor" },
        { "infer.h5ad", null, "float32 RowMajor" },
        { "infer_csr.h5ad", null, "blocks" },
    };

    [Theory]
    [MemberData(nameof(Matrices))]
    public void ReadsEveryMatrixExactly(string file, string? layer, string storage)
    {
        var (dtype, expected) = Matrix(file, layer);
        using var d = H5adExpressionReader.Read(Path(file), layer);

        string actualStorage = d.Blocks is not null ? "blocks" : $"{(d.Double is null ? "float32" : "float64")} {d.Layout}";
        Assert.Equal(storage, actualStorage);
        Assert.Equal(dtype, d.Double is null ? "float32" : "float64");
        Assert.False(d.IsMemoryMapped);
        Assert.Equal(Path(file), d.Source);
        Assert.Equal(expected.GetLength(0), d.Cells);
        Assert.Equal(expected.GetLength(1), d.Genes);
        AssertEqual(expected, Dense(d), $"{file} {layer ?? "X"}");
        Assert.Equal(Strings(File0(file).GetProperty("var_index")), d.GeneNames);
        Assert.Equal(Strings(File0(file).GetProperty("obs")), d.CellNames);
    }

    /// <summary>Conversions and CSC scattering go a slab at a time; slabs smaller than a row or a gene must change nothing.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void SmallSlabsReadTheSameValues(int slab)
    {
        foreach (var row in Matrices())
        {
            string file = (string)row[0];
            string? layer = (string?)row[1];
            var (_, expected) = Matrix(file, layer);
            using var d = H5adExpressionReader.Read(Path(file), layer, null, new H5adReadLimits(SlabValues: slab));
            AssertEqual(expected, Dense(d), $"{file} {layer ?? "X"} in slabs of {slab}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(100)]
    public void CsrBlocksOfAnySizeDensifyToTheMatrix(int cellsPerBlock)
    {
        foreach (var (file, layer) in new[] { ("csr.h5ad", (string?)null), ("csr_gzip.h5ad", null), ("shuffle.h5ad", "csr"), ("infer_csr.h5ad", null) })
        {
            var (_, expected) = Matrix(file, layer);
            using var d = H5adExpressionReader.Read(Path(file), layer, null, new H5adReadLimits(CellsPerBlock: cellsPerBlock));
            int cells = expected.GetLength(0);
            var sizes = d.Blocks!.Blocks.Select(b => b.Rows).ToArray();
            Assert.Equal((cells + cellsPerBlock - 1) / cellsPerBlock, sizes.Length);
            Assert.All(sizes[..^1], n => Assert.Equal(cellsPerBlock, n));
            Assert.Equal(cells, sizes.Sum());
            Assert.All(d.Blocks.Blocks, b => Assert.IsType<CsrCellBlock<int, int>>(b));
            AssertEqual(expected, Dense(d), $"{file} {layer ?? "X"} in blocks of {cellsPerBlock}");
        }
    }

    [Fact]
    public void DefaultBlocksHoldAtMost16384CellsAndBoundTheDenseBlock()
    {
        using var d = H5adExpressionReader.Read(Path("infer_csr.h5ad"));
        Assert.Single(d.Blocks!.Blocks); // 60 cells, 6 genes: one block
        Assert.Equal(16384, H5adSparseMatrix.MaxCellsPerBlock);
        Assert.True(H5adSparseMatrix.MaxBlockValues / 30000 < 16384, "with 30,000 genes the dense block bound must cut blocks below 16384 cells");
    }

    [Fact]
    public void DenseFloat32IsOneRowMajorView()
    {
        using var d = H5adExpressionReader.Read(Path("dense.h5ad"));
        var (_, expected) = Matrix("dense.h5ad", null);
        var view = d.Single!.Value;
        Assert.Equal(MatrixLayout.RowMajor, view.Layout);
        var row = view.Row(3);
        for (int c = 0; c < d.Genes; c++) Assert.Equal((float)expected[3, c], row[c]);
    }

    [Theory]
    [InlineData("dense.h5ad", "symbol")]          // string array
    [InlineData("dense.h5ad", "symbol_cat")]      // categorical (codes + categories)
    [InlineData("dense_gzip.h5ad", "symbol")]
    [InlineData("dense_gzip.h5ad", "symbol_cat")]
    [InlineData("dense_gzip.h5ad", "gene_ids")]   // the index, named explicitly
    [InlineData("csr_gzip.h5ad", "symbol_cat")]
    [InlineData("latest.h5ad", "symbol_cat")]
    [InlineData("old_categorical.h5ad", "symbol")] // anndata 0.7: codes with a categories reference
    public void GeneNamesFromAVarColumn(string file, string column)
    {
        using var d = H5adExpressionReader.Read(Path(file), null, column);
        var expected = column == File0(file).GetProperty("var_index_column").GetString()
            ? Strings(File0(file).GetProperty("var_index"))
            : Strings(File0(file).GetProperty("var").GetProperty(column));
        Assert.Equal(expected, d.GeneNames);
    }

    [Fact]
    public void TheIndexColumnIsWhatVarsIndexAttributeNames()
    {
        Assert.Equal("gene_ids", File0("dense_gzip.h5ad").GetProperty("var_index_column").GetString());
        using var d = H5adExpressionReader.Read(Path("dense_gzip.h5ad"));
        Assert.Equal(Strings(File0("dense_gzip.h5ad").GetProperty("var_index")), d.GeneNames);
        Assert.StartsWith("ENSMUSG", d.GeneNames[0]);
    }

    [Fact]
    public void ThroughExpressionReaderByExtension()
    {
        using var d = ExpressionReader.Read(Path("dense.h5ad"), layer: "X_norm", varNames: "symbol");
        Assert.NotNull(d.Double);
        Assert.Equal(Strings(File0("dense.h5ad").GetProperty("var").GetProperty("symbol")), d.GeneNames);
        Assert.Throws<ArgumentException>(() => ExpressionReader.Read(Path("dense.h5ad"), genesByCells: true));
        Assert.Throws<ArgumentException>(() => ExpressionReader.Read(Path("dense.h5ad"), geneNamesPath: "genes.txt"));
        using var dir = new TempDirectory();
        var csv = dir.File("x.csv", "G1,G2\n1,2\n3,4\n");
        Assert.Equal("layer", Assert.Throws<ArgumentException>(() => ExpressionReader.Read(csv, layer: "X_norm")).ParamName);
        Assert.Equal("varNames", Assert.Throws<ArgumentException>(() => ExpressionReader.Read(csv, varNames: "symbol")).ParamName);
    }
}
