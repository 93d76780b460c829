using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GrnFast.Host.Tests;

/// <summary><c>grnfast infer --expression X.h5ad</c> on the fixtures of tests/IO.Arrow.Tests/H5ad (written by anndata).</summary>
public class H5adInferTests
{
    /// <summary>tests/IO.Arrow.Tests/H5ad/fixtures, found from the test binaries upwards.</summary>
    private static string Fixture(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var p = Path.Combine(dir.FullName, "tests", "IO.Arrow.Tests", "H5ad", "fixtures", name);
            if (File.Exists(p)) return p;
        }
        throw new FileNotFoundException($"fixture {name} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>A copy of the fixture in the scratch directory, so messages name a path the test knows.</summary>
    private static string Copy(Cli cli, string name)
    {
        var p = cli.PathOf(name);
        File.Copy(Fixture(name), p);
        return p;
    }

    private static (int Code, string Out, string Err) Infer(Cli cli, string expression, string regulators, params string[] extra)
        => cli.Run(["infer", "--expression", expression, "--regulators", regulators, "--out", cli.PathOf("net.tsv"), .. extra]);

    [Fact]
    public void DenseH5adGivesTheNetworkOfTheSameValuesAsCsv()
    {
        using var cli = new Cli();
        var h5ad = Copy(cli, "infer.h5ad");
        // The same float32 values as text: expected.json holds them exactly; "R" round-trips float32.
        var expected = JsonDocument.Parse(File.ReadAllText(Fixture("expected.json"))).RootElement.GetProperty("infer.h5ad");
        var genes = expected.GetProperty("var_index").EnumerateArray().Select(g => g.GetString()!).ToArray();
        var cells = expected.GetProperty("obs").EnumerateArray().Select(c => c.GetString()!).ToArray();
        var csv = new StringBuilder("cell," + string.Join(',', genes) + "\n");
        int r = 0;
        foreach (var row in expected.GetProperty("X").GetProperty("values").EnumerateArray())
            csv.Append(cells[r++]).Append(',').AppendJoin(',', row.EnumerateArray().Select(v => ((float)v.GetDouble()).ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        var text = cli.File("infer.csv", csv.ToString());
        var regulators = cli.Regulators("G1", "G4", "G5");

        var fromH5ad = Infer(cli, h5ad, regulators, "--method", "lasso");
        Assert.True(fromH5ad.Code == 0, fromH5ad.Err);
        Assert.Contains("60 cells x 6 genes (float32)", fromH5ad.Err);
        var network = File.ReadAllLines(cli.PathOf("net.tsv"));
        var fromCsv = Infer(cli, text, regulators, "--method", "lasso");
        Assert.True(fromCsv.Code == 0, fromCsv.Err);

        // G2 = 2 G1 + noise and G3 = G4 - G1 + noise are in the data; both runs find them, with the same numbers.
        Assert.Contains(network, l => l.StartsWith("G1\tG2\t", StringComparison.Ordinal));
        Assert.Contains(network, l => l.StartsWith("G4\tG3\t", StringComparison.Ordinal));
        AssertSameNetwork(File.ReadAllLines(cli.PathOf("net.tsv")), network);
    }

    /// <summary>CSR X is read as blocks of cells (densified one block at a time) and fitted on the blocked path: same network as dense X.</summary>
    [Fact]
    public void CsrH5adGivesTheNetworkOfDenseH5ad()
    {
        using var cli = new Cli();
        var regulators = cli.Regulators("G1", "G4", "G5");
        var dense = Infer(cli, Copy(cli, "infer.h5ad"), regulators, "--method", "lasso");
        Assert.True(dense.Code == 0, dense.Err);
        var expected = File.ReadAllLines(cli.PathOf("net.tsv"));
        var csr = Infer(cli, Copy(cli, "infer_csr.h5ad"), regulators, "--method", "lasso");
        Assert.True(csr.Code == 0, csr.Err);
        Assert.Contains("blocks", csr.Err);
        AssertSameNetwork(expected, File.ReadAllLines(cli.PathOf("net.tsv")));
    }

    /// <summary>
    /// Same edges; numbers equal but for the last bits (a row-major and a column-major matrix sum in different orders).
    /// Compared by (TF, target): edges whose importances tie but for the last bit (G1 -> G5 and G5 -> G1 both enter at
    /// their correlation) may swap places in the sorted files.
    /// </summary>
    private static void AssertSameNetwork(string[] expected, string[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(expected[0], actual[0]);
        static string[] ByPair(string[] rows) => rows[1..].OrderBy(l => string.Join('\t', l.Split('\t')[..2]), StringComparer.Ordinal).ToArray();
        var expectedRows = ByPair(expected);
        var actualRows = ByPair(actual);
        for (int i = 0; i < expectedRows.Length; i++)
        {
            var e = expectedRows[i].Split('\t');
            var a = actualRows[i].Split('\t');
            Assert.Equal(e[..2], a[..2]);
            for (int k = 2; k < e.Length; k++)
            {
                double x = double.Parse(e[k], CultureInfo.InvariantCulture), y = double.Parse(a[k], CultureInfo.InvariantCulture);
                Assert.True(Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Abs(x)), $"line {i + 1} field {k + 1}: {y} vs {x}");
            }
        }
    }

    [Fact]
    public void LayerAndVarNamesChooseTheMatrixAndTheNames()
    {
        using var cli = new Cli();
        var h5ad = Copy(cli, "dense.h5ad");
        var r = Infer(cli, h5ad, cli.Regulators("Sox2", "Nanog"), "--layer", "X_norm", "--var-names", "symbol_cat", "--alpha", "0.01");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("7 cells x 5 genes (float64)", r.Err);
        var targets = File.ReadAllLines(cli.PathOf("net.tsv")).Skip(1).Select(l => l.Split('\t')[1]).ToHashSet();
        Assert.NotEmpty(targets);
        Assert.Subset(new HashSet<string> { "Sox2", "Pou5f1", "Nanog", "Klf4", "Myc" }, targets);
    }

    private static void AssertFails((int Code, string Out, string Err) r, Cli cli, int code, params string[] fragments)
    {
        Assert.True(r.Code == code, $"exit {r.Code}, expected {code}; stderr: {r.Err}");
        foreach (var f in fragments) Assert.Contains(f, r.Err);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.DoesNotContain("internal error", r.Err);
        Assert.Equal("", r.Out);
        Assert.False(File.Exists(cli.PathOf("net.tsv")), "an output file was written");
        Assert.Empty(Directory.GetFiles(cli.Dir, "*.tmp"));
    }

    [Theory]
    [InlineData("bad_indices.h5ad", "bad_indices.h5ad: /X/indices: row 4 (cell 'cell4') has gene index 3, outside 0..2")]
    [InlineData("bad_shape.h5ad", "bad_shape.h5ad: /X: has 4 columns but /var has 3 genes")]
    [InlineData("bad_duplicate.h5ad", "bad_duplicate.h5ad: /var/_index: gene 'Sox2' appears twice")]
    [InlineData("bad_compound_var.h5ad", "bad_compound_var.h5ad: /var: is a compound dataset")]
    [InlineData("no_x.h5ad", "no_x.h5ad: /X: is missing", "(layers: counts)")]
    public void BadH5adExitsWithTheFileAndTheField(string file, params string[] fragments)
    {
        using var cli = new Cli();
        AssertFails(Infer(cli, Copy(cli, file), cli.Regulators("Sox2", "Nanog")), cli, 1, fragments);
    }

    [Fact]
    public void MissingLayerAndVarColumnAndTruncatedFile()
    {
        using var cli = new Cli();
        var h5ad = Copy(cli, "dense.h5ad");
        var tfs = cli.Regulators("Sox2");
        AssertFails(Infer(cli, h5ad, tfs, "--layer", "spliced"), cli, 1, "dense.h5ad: /layers: has no layer 'spliced' (layers: X_norm, counts, counts64)");
        AssertFails(Infer(cli, h5ad, tfs, "--var-names", "gene_symbols"), cli, 1, "dense.h5ad: /var: has no column 'gene_symbols'");
        var bytes = File.ReadAllBytes(h5ad);
        var cut = cli.PathOf("cut.h5ad");
        File.WriteAllBytes(cut, bytes[..(bytes.Length * 2 / 3)]);
        AssertFails(Infer(cli, cut, tfs), cli, 1, "cut.h5ad: truncated");
    }

    [Fact]
    public void H5adOptionsOnlyWithH5adInput()
    {
        using var cli = new Cli();
        var csv = cli.Expression();
        var tfs = cli.Regulators("G1");
        AssertFails(Infer(cli, csv, tfs, "--layer", "X_norm"), cli, 2, "--layer names a layer of .h5ad input");
        AssertFails(Infer(cli, csv, tfs, "--var-names", "symbol"), cli, 2, "--var-names names a var column of .h5ad input");
        var h5ad = Copy(cli, "dense.h5ad");
        AssertFails(Infer(cli, h5ad, tfs, "--genes-by-cells"), cli, 2, "--genes-by-cells applies to text input; .h5ad input is cells x genes");
        AssertFails(Infer(cli, h5ad, tfs, "--genes", cli.File("g.txt", "A\n")), cli, 2, "--genes names the columns of .npy input");
        Assert.Contains("--layer NAME", cli.Run("infer", "--help").Out);
    }
}
