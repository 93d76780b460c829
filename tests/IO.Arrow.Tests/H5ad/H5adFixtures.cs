using System.Text.Json;
using GrnFast.Kernels;

namespace GrnFast.IO.Arrow.Tests.H5ad;

/// <summary>The committed .h5ad fixtures (written by make_fixtures.py with Debian's anndata) and expected.json.</summary>
internal static class H5adFixtures
{
    public static string Dir { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "H5ad", "fixtures");

    public static string Path(string name) => System.IO.Path.Combine(Dir, name);

    private static readonly Lazy<JsonDocument> Expected = new(() => JsonDocument.Parse(File.ReadAllText(Path("expected.json"))));

    public static JsonElement File0(string name) => Expected.Value.RootElement.GetProperty(name);

    public static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    /// <summary>The expected matrix of X (layer null) or a layer: its dtype ("float32"/"float64") and values [cell, gene].</summary>
    public static (string Dtype, double[,] Values) Matrix(string file, string? layer)
    {
        var e = layer is null ? File0(file).GetProperty("X") : File0(file).GetProperty("layers").GetProperty(layer);
        var rows = e.GetProperty("values").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var m = new double[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < rows[i].Length; j++)
                m[i, j] = rows[i][j];
        return (e.GetProperty("dtype").GetString()!, m);
    }

    /// <summary>The data as a dense [cell, gene] array, whatever its storage: a view, or blocks opened one by one.</summary>
    public static double[,] Dense(ExpressionData d)
    {
        var m = new double[d.Cells, d.Genes];
        if (d.Single is { } s) Fill(m, (r, c) => s[r, c]);
        else if (d.Double is { } x) Fill(m, (r, c) => x[r, c]);
        else
        {
            int first = 0;
            foreach (var block in d.Blocks!.Blocks)
            {
                using var columns = block.Open();
                for (int c = 0; c < d.Genes; c++)
                {
                    var column = columns.Column(c);
                    for (int r = 0; r < block.Rows; r++) m[first + r, c] = column[r];
                }
                first += block.Rows;
            }
        }
        return m;
    }

    private static void Fill(double[,] m, Func<int, int, double> at)
    {
        for (int r = 0; r < m.GetLength(0); r++)
            for (int c = 0; c < m.GetLength(1); c++)
                m[r, c] = at(r, c);
    }

    /// <summary>Every element equal, bit for bit (float32 values are compared after rounding the expected double).</summary>
    public static void AssertEqual(double[,] expected, double[,] actual, string what)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        Assert.Equal(expected.GetLength(1), actual.GetLength(1));
        for (int r = 0; r < expected.GetLength(0); r++)
            for (int c = 0; c < expected.GetLength(1); c++)
                if (expected[r, c].CompareTo(actual[r, c]) != 0)
                    Assert.Fail($"{what}: [{r}, {c}] is {actual[r, c]:R}, expected {expected[r, c]:R}");
    }

    public static MatrixLayout? Layout(ExpressionData d) => d.Blocks is null ? d.Layout : null;
}
