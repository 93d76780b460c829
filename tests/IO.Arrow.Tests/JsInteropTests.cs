using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using GrnFast.IO;
using GrnFast.Kernels;
using static GrnFast.IO.Arrow.Tests.ArrowTestData;

namespace GrnFast.IO.Arrow.Tests;

/// <summary>
/// Cross-implementation checks against the official JavaScript Arrow (npm apache-arrow, pinned in
/// tests/interop/js/package-lock.json): streams GrnFast writes are read by it with identical values, and streams it
/// writes are read by GrnFast. Node and the npm packages are required: ./run-tests installs them.
/// </summary>
public class JsInteropTests
{
    private static readonly string JsDirectory = Path.Combine(RepoRoot(), "tests", "interop", "js");

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "GrnFast.sln"))) return d.FullName;
        throw new InvalidOperationException("GrnFast.sln not found above " + AppContext.BaseDirectory);
    }

    private static string Node(params string[] args)
    {
        if (!File.Exists(Path.Combine(JsDirectory, "node_modules", "apache-arrow", "package.json")))
            Assert.Fail($"{JsDirectory}/node_modules is missing: run ./run-tests (it runs npm ci there, installing nodejs and npm first if needed), or npm ci --prefix tests/interop/js");
        var psi = new ProcessStartInfo("node") { WorkingDirectory = JsDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(psi)!; }
        catch (Win32Exception e) { throw new InvalidOperationException($"node is not installed ({e.Message}): run ./run-tests, which installs nodejs and npm with apt-get", e); }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(120_000)) { p.Kill(entireProcessTree: true); Assert.Fail($"node {string.Join(' ', args)} timed out"); }
            if (p.ExitCode != 0) Assert.Fail($"node {string.Join(' ', args)} exited with {p.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
    }

    /// <summary>What the JavaScript reader sees in a stream file.</summary>
    private sealed record JsView(JsonElement Root)
    {
        public (string Name, string Type, bool Nullable)[] Fields => Root.GetProperty("fields").EnumerateArray()
            .Select(f => (f.GetProperty("name").GetString()!, f.GetProperty("type").GetString()!, f.GetProperty("nullable").GetBoolean())).ToArray();
        public Dictionary<string, string> Metadata => Root.GetProperty("metadata").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        public int[] BatchLengths => Root.GetProperty("batchLengths").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        public int NullCount(string field) => Root.GetProperty("nullCounts").GetProperty(field).GetInt32();
        public JsonElement[] Column(string field) => Root.GetProperty("columns").GetProperty(field).EnumerateArray().ToArray();
        public string[] Strings(string field) => Column(field).Select(e => e.GetString()!).ToArray();
        public double[] Doubles(string field) => Column(field).Select(Number).ToArray();
    }

    private static double Number(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString() switch { "NaN" => double.NaN, "Infinity" => double.PositiveInfinity, "-Infinity" => double.NegativeInfinity, "-0" => -0.0, var s => throw new FormatException(s) }
        : e.GetDouble();

    private static JsView ReadWithJs(string path) => new(JsonDocument.Parse(Node("read-stream.mjs", path)).RootElement);

    private static string WriteWithJs(TempDirectory dir, string name, object description)
    {
        var json = dir.Combine(name + ".json");
        File.WriteAllText(json, JsonSerializer.Serialize(description));
        var path = dir.Combine(name);
        Node("write-stream.mjs", json, path);
        return path;
    }

    private static void AssertBits(double expected, double actual, string what)
    {
        if (BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(actual)) Assert.Fail($"{what}: {expected:R} != {actual:R}");
    }

    [Fact]
    public void NetworksAndPathCoefficientsAreReadByJs()
    {
        using var dir = new TempDirectory();
        var edges = new[]
        {
            new NetworkEdge("GATA1", "KLF1", 0.1 + 0.2, -0.0),
            new NetworkEdge("SPI1", "CEBPA", 2.5, 1e-300),
            new NetworkEdge("Δ-TF", "ß-target", 2.5, double.MaxValue),
            new NetworkEdge("A", "B", double.Epsilon, -7.25),
        };
        NetworkWriter.Write(dir.Combine("net.arrows"), edges);
        var js = ReadWithJs(dir.Combine("net.arrows"));
        Assert.Equal(new[] { ("TF", "Utf8", false), ("target", "Utf8", false), ("importance", "Float64", false), ("coef", "Float64", false) }, js.Fields);
        var sorted = edges.ToArray();
        System.Array.Sort(sorted, NetworkWriter.Compare);
        Assert.Equal(sorted.Select(e => e.Regulator), js.Strings("TF"));
        Assert.Equal(sorted.Select(e => e.Target), js.Strings("target"));
        for (int i = 0; i < sorted.Length; i++)
        {
            AssertBits(sorted[i].Importance, js.Doubles("importance")[i], $"importance {i}");
            AssertBits(sorted[i].Coefficient, js.Doubles("coef")[i], $"coef {i}");
        }

        var rows = new[] { new PathCoefficient("A", "T", 0.125, 0.5), new PathCoefficient("B", "T", 0.125, -0.75) };
        NetworkWriter.WritePathCoefficients(dir.Combine("path.arrows"), rows);
        var p = ReadWithJs(dir.Combine("path.arrows"));
        Assert.Equal(new[] { "TF", "target", "alpha", "coef" }, p.Fields.Select(f => f.Name));
        Assert.Equal(new[] { "B", "A" }, p.Strings("TF"));
        Assert.Equal(new[] { -0.75, 0.5 }, p.Doubles("coef"));
    }

    [Fact]
    public void DenseExpressionAndItsPartsAreReadByJs()
    {
        using var dir = new TempDirectory();
        using var source = Matrix(300, 7, 21);
        ArrowExpressionWriter.Write(source, dir.Combine("x.arrows"), new ArrowWriteOptions { BatchCells = 128 });
        var js = ReadWithJs(dir.Combine("x.arrows"));
        Assert.Equal(new[] { 128, 128, 44 }, js.BatchLengths);
        Assert.Equal("dense", js.Metadata["grnfast.layout"]);
        Assert.Equal(new[] { ("_cell", "Utf8", false) }.Concat(source.GeneNames.Select(g => (g, "Float32", false))), js.Fields);
        Assert.Equal(source.CellNames, js.Strings("_cell"));
        var values = Dense(source);
        for (int g = 0; g < source.Genes; g++)
        {
            Assert.Equal(0, js.NullCount(source.GeneNames[g]));
            var column = js.Doubles(source.GeneNames[g]);
            for (int c = 0; c < source.Cells; c++) AssertBits(values[g * source.Cells + c], column[c], $"gene {g} cell {c}");
        }

        // Every part of a split matrix is a complete stream on its own.
        var parts = dir.Combine("parts.arrows");
        Assert.True(ArrowExpressionWriter.Write(source, parts, new ArrowWriteOptions { BatchCells = 50, PartBytes = 4096 }).IsDirectory);
        var cells = Directory.GetFiles(parts).Order(StringComparer.Ordinal).SelectMany(p => ReadWithJs(p).Strings("_cell")).ToArray();
        Assert.Equal(source.CellNames, cells);
    }

    [Fact]
    public void CsrExpressionIsReadByJs()
    {
        using var dir = new TempDirectory();
        using var source = Matrix(120, 9, 22);
        ArrowExpressionWriter.Write(source, dir.Combine("s.arrows"), new ArrowWriteOptions { BatchCells = 50, Sparse = true });
        var js = ReadWithJs(dir.Combine("s.arrows"));
        Assert.Equal("csr", js.Metadata["grnfast.layout"]);
        Assert.Equal(string.Join('\n', source.GeneNames), js.Metadata["grnfast.genes"]);
        Assert.Equal(new[] { ("_cell", "Utf8", false), ("indices", "List<Int32>", false), ("data", "List<Float32>", false) }, js.Fields);
        Assert.Equal(new[] { 50, 50, 20 }, js.BatchLengths);
        var indices = js.Column("indices");
        var data = js.Column("data");
        var rebuilt = new float[source.Cells * source.Genes];
        for (int c = 0; c < source.Cells; c++)
        {
            var idx = indices[c].EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var val = data[c].EnumerateArray().Select(Number).ToArray();
            Assert.Equal(idx.Length, val.Length);
            Assert.Equal(idx.Order(), idx); // genes ascending within a cell
            for (int k = 0; k < idx.Length; k++) rebuilt[idx[k] * source.Cells + c] = (float)val[k];
        }
        Assert.Equal(Dense(source), rebuilt);
    }

    [Fact]
    public void DenseStreamsWrittenByJsAreMappedByGrnFast()
    {
        using var dir = new TempDirectory();
        var path = WriteWithJs(dir, "js.arrows", new
        {
            fields = new object[]
            {
                new { name = "_cell", type = "utf8", nullable = true },
                new { name = "GATA1", type = "float32", nullable = true },
                new { name = "SPI1", type = "float32", nullable = false },
            },
            metadata = new Dictionary<string, string>(),
            batches = new object[]
            {
                new Dictionary<string, object> { ["_cell"] = new[] { "a", "b" }, ["GATA1"] = new[] { 0.1f, -2f }, ["SPI1"] = new[] { 3.5f, 0f } },
                new Dictionary<string, object> { ["_cell"] = new[] { "c", "d", "e" }, ["GATA1"] = new[] { 1e-30f, 7f, 8f }, ["SPI1"] = new[] { float.MaxValue, 1f, 2f } },
            },
        });
        var counting = new CountingAllocator();
        using var d = ArrowExpressionReader.Read(path, counting);
        Assert.Equal(new[] { "GATA1", "SPI1" }, d.GeneNames);
        Assert.Equal(new[] { "a", "b", "c", "d", "e" }, d.CellNames);
        Assert.Equal(new[] { 2, 3 }, d.Blocks!.Blocks.Select(b => b.Rows));
        Assert.Equal(new[] { 0.1f, -2f, 1e-30f, 7f, 8f, 3.5f, 0f, float.MaxValue, 1f, 2f }, Dense(d));
        Assert.Equal(0, counting.Bytes);
        var maps = Mappings(path);
        using var cols = d.Blocks.Blocks[1].Open();
        ulong start = Address(cols.Column(1));
        Assert.Contains(maps, m => start >= m.Start && start + 12 <= m.End);
    }

    [Fact]
    public void CsrStreamsWrittenByJsAreReadByGrnFast()
    {
        using var dir = new TempDirectory();
        var path = WriteWithJs(dir, "csr.arrows", new
        {
            fields = new object[] { new { name = "indices", type = "list<int32>" }, new { name = "data", type = "list<float32>" } },
            metadata = new Dictionary<string, string> { ["grnfast.layout"] = "csr", ["grnfast.genes"] = "A\nB\nC" },
            batches = new object[]
            {
                new Dictionary<string, object> { ["indices"] = new[] { new[] { 2, 0 }, System.Array.Empty<int>() }, ["data"] = new[] { new[] { 5f, 6f }, System.Array.Empty<float>() } },
                new Dictionary<string, object> { ["indices"] = new[] { new[] { 1 } }, ["data"] = new[] { new[] { 0.25f } } },
            },
        });
        using var d = ArrowExpressionReader.Read(path);
        Assert.All(d.Blocks!.Blocks, b => Assert.IsType<CsrCellBlock<int, int>>(b));
        Assert.Equal(new[] { "A", "B", "C" }, d.GeneNames);
        // cells x genes: c0 = (6, 0, 5), c1 = 0, c2 = (0, 0.25, 0); column-major
        Assert.Equal(new float[] { 6, 0, 0, 0, 0, 0.25f, 5, 0, 0 }, Dense(d));
    }

    [Fact]
    public void BadStreamsWrittenByJsAreRejectedClearly()
    {
        using var dir = new TempDirectory();
        var doubles = WriteWithJs(dir, "f64.arrows", new
        {
            fields = new object[] { new { name = "A", type = "float32" }, new { name = "B", type = "float64" } },
            batches = new object[] { new Dictionary<string, object> { ["A"] = new[] { 1f }, ["B"] = new[] { 2.0 } } },
        });
        Assert.Contains("field 2 'B' is float64; gene columns must be float32", Assert.Throws<InputFormatException>(() => ArrowExpressionReader.Read(doubles)).Message);
        var nulls = WriteWithJs(dir, "null.arrows", new
        {
            fields = new object[] { new { name = "A", type = "float32", nullable = true } },
            batches = new object[] { new Dictionary<string, object?> { ["A"] = new float?[] { 1f, null, 3f } } },
        });
        Assert.Contains("gene 'A' has 1 null values", Assert.Throws<InputFormatException>(() => ArrowExpressionReader.Read(nulls)).Message);
    }
}
