using static GrnFast.IO.Arrow.Tests.H5ad.H5adFixtures;

namespace GrnFast.IO.Arrow.Tests.H5ad;

/// <summary>Broken .h5ad files: an <see cref="InputFormatException"/> naming the file and the HDF5 object, never another exception.</summary>
public class H5adBadInputTests
{
    private static InputFormatException Fails(string path, string? layer = null, string? varNames = null, params string[] fragments)
    {
        var e = Assert.Throws<InputFormatException>(() => H5adExpressionReader.Read(path, layer, varNames).Dispose());
        Assert.Equal(path, e.File);
        Assert.StartsWith(path + ": ", e.Message);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
        return e;
    }

    [Theory]
    [InlineData("bad_shape.h5ad", "/X: has 4 columns but /var has 3 genes")]
    [InlineData("bad_indices.h5ad", "/X/indices: row 4 (cell 'cell4') has gene index 3, outside 0..2")]
    [InlineData("bad_indptr.h5ad", "/X/indptr: decreases from", "at row 2 (cell 'cell2')")]
    [InlineData("bad_rows.h5ad", "/X: has 5 rows but /obs has 4 cells")]
    [InlineData("bad_var_missing.h5ad", "/var/_index: is missing", "_index attribute")]
    [InlineData("bad_duplicate.h5ad", "/var/_index: gene 'Sox2' appears twice (rows 0 and 2)", "adata.var_names_make_unique()")]
    [InlineData("bad_szip.h5ad", "/X: is compressed with HDF5 filter 'szip' (id 4), which GrnFast cannot decode", "compression='gzip'")]
    [InlineData("bad_compound_var.h5ad", "/var: is a compound dataset", "anndata < 0.7", "write_h5ad")]
    public void BrokenFixture(string file, params string[] fragments) => Fails(Path(file), null, null, fragments);

    [Fact]
    public void DuplicateGeneIsNamed()
    {
        var e = Fails(Path("bad_duplicate.h5ad"));
        Assert.Equal("Sox2", e.Gene);
        e = Fails(Path("dense.h5ad"), varNames: "family", fragments: ["/var/family: gene 'POU' appears twice (rows 1 and 4)", "columns: _index, family, n_cells, symbol, symbol_cat"]);
        Assert.Equal("POU", e.Gene);
    }

    [Fact]
    public void MissingLayerListsTheLayers()
    {
        Fails(Path("dense.h5ad"), layer: "X_nrom", fragments: "/layers: has no layer 'X_nrom' (layers: X_norm, counts, counts64)");
        Fails(Path("dense_gzip.h5ad"), layer: "spliced", fragments: "(layers: chunked, counts)");
        Fails(Path("infer.h5ad"), layer: "counts", fragments: "has no layer 'counts' (the file has no layers)");
        Fails(Path("dense.h5ad"), layer: "counts/extra", fragments: "has no layer 'counts/extra'");
    }

    [Fact]
    public void MissingXNamesTheLayers() => Fails(Path("no_x.h5ad"), fragments: ["/X: is missing", "(layers: counts)"]);

    [Fact]
    public void VarColumnsThatAreNotNames()
    {
        Fails(Path("dense.h5ad"), varNames: "gene_symbols", fragments: "/var: has no column 'gene_symbols' (/var columns: _index, family, n_cells, symbol, symbol_cat)");
        Fails(Path("dense.h5ad"), varNames: "n_cells", fragments: "/var/n_cells: holds int64, not strings");
        Fails(Path("old_categorical.h5ad"), varNames: "__categories", fragments: "has no column '__categories'");
    }

    [Fact]
    public void NotHdf5()
    {
        using var dir = new TempDirectory();
        Fails(dir.File("empty.h5ad", ""), fragments: "the file is empty");
        Fails(dir.File("text.h5ad", "cell,G1\nc1,1\n"), fragments: "not a readable HDF5 file");
        Assert.Throws<FileNotFoundException>(() => H5adExpressionReader.Read(dir.Combine("missing.h5ad")));
    }

    [Theory]
    [InlineData("dense.h5ad")]
    [InlineData("dense_gzip.h5ad")]
    [InlineData("csr_gzip.h5ad")]
    [InlineData("shuffle.h5ad")]
    [InlineData("latest.h5ad")]                           // superblock v3
    public void TruncatedAnywhere(string file)
    {
        using var dir = new TempDirectory();
        var bytes = File.ReadAllBytes(Path(file));
        var p = dir.Combine(file);
        // Every 1/16 of the file, and a byte short of the end: HDF5 records the end-of-file address.
        foreach (int length in Enumerable.Range(0, 16).Select(i => bytes.Length * i / 16).Append(bytes.Length - 1).Distinct())
        {
            File.WriteAllBytes(p, bytes[..length]);
            var e = Assert.Throws<InputFormatException>(() => H5adExpressionReader.Read(p).Dispose());
            Assert.StartsWith(p + ": ", e.Message);
            if (length > 0) Assert.Contains($"truncated: the HDF5 superblock says the file is {bytes.Length} bytes but it has {length}", e.Message);
        }
    }

    /// <summary>
    /// Damaged bytes anywhere (fixed seed, 400 cases per file, 1,600 in all): the reader either reads something or throws
    /// <see cref="InputFormatException"/> naming the file; it never crashes with another exception or hangs.
    /// </summary>
    [Theory]
    [InlineData("dense.h5ad", 1)]
    [InlineData("csr_gzip.h5ad", 2)]
    [InlineData("shuffle.h5ad", 3)]
    [InlineData("lzf.h5ad", 4)]
    public async Task CorruptBytesGiveAnInputErrorOrData(string file, int seed)
    {
        using var dir = new TempDirectory();
        var original = File.ReadAllBytes(Path(file));
        var p = dir.Combine(file);
        var rng = new Random(seed);
        int failures = 0;
        for (int i = 0; i < 400; i++)
        {
            var bytes = (byte[])original.Clone();
            int n = 1 + rng.Next(4);
            for (int k = 0; k < n; k++) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            File.WriteAllBytes(p, bytes);
            var read = Task.Run(() =>
            {
                try { H5adExpressionReader.Read(p).Dispose(); return (Exception?)null; }
                catch (Exception e) { return e; }
            });
            // A hang fails here with a TimeoutException rather than stalling the run.
            if (await read.WaitAsync(TimeSpan.FromSeconds(20)) is { } e)
            {
                Assert.True(e is InputFormatException, $"case {i} (seed {seed}): {e.GetType().Name}: {e.Message}");
                Assert.StartsWith(p + ": ", e.Message);
                failures++;
            }
        }
        Assert.True(failures > 0, "no damaged file was rejected");
    }
}
