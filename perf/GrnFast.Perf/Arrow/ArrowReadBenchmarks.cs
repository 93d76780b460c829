using System.Numerics.Tensors;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using BenchmarkDotNet.Attributes;
using GrnFast.IO;

namespace GrnFast.Perf.Arrow;

/// <summary>
/// Reading a dense expression stream of ~320 MB (10,000 cells x 8,000 genes float32) and
/// summing every column once (batches of 2,500 cells), page cache warm: GrnFast's memory-mapped zero-copy reader vs Apache.Arrow's
/// ArrowStreamReader over a FileStream (which copies every body into allocator memory) vs reading the whole file
/// into a byte[] and parsing that with Arrow's memory reader (one managed copy).
/// </summary>
[MemoryDiagnoser]
public class ArrowReadBenchmarks
{
    private const int Cells = 10_000, Genes = 8_000;
    private string _path = "";

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"grnfast-arrow-bench-{Environment.ProcessId}.arrows");
        var rng = new Random(1);
        var data = new float[Cells * Genes];
        for (int i = 0; i < data.Length; i++) data[i] = (float)rng.NextDouble();
        var genes = Enumerable.Range(0, Genes).Select(g => $"G{g}").ToArray();
        using var x = ExpressionData.FromColumnMajor("bench", data, Cells, genes);
        var r = ArrowExpressionWriter.Write(x, _path, new ArrowWriteOptions { BatchCells = 2500 });
        Console.WriteLine($"// {_path}: {r.Bytes / 1e6:F0} MB, {r.Batches} batches of {r.BatchCells} cells");
        Mapped(); // warm the page cache
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark(Baseline = true, Description = "mapped (GrnFast)")]
    public double Mapped()
    {
        double sum = 0;
        using var data = ArrowExpressionReader.Read(_path);
        foreach (var block in data.Blocks!.Blocks)
        {
            using var cols = block.Open();
            for (int g = 0; g < cols.Genes; g++) sum += TensorPrimitives.Sum(cols.Column(g));
        }
        return sum;
    }

    [Benchmark(Description = "FileStream ArrowStreamReader")]
    public double FileStreamReader()
    {
        double sum = 0;
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var reader = new ArrowStreamReader(stream);
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            using (batch)
                foreach (var column in batch.Arrays)
                    if (column is FloatArray f) sum += TensorPrimitives.Sum(f.Values);
        }
        return sum;
    }

    [Benchmark(Description = "ReadAllBytes + memory reader")]
    public double ReadAllBytes()
    {
        double sum = 0;
        using var reader = new ArrowStreamReader(File.ReadAllBytes(_path));
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            using (batch)
                foreach (var column in batch.Arrays)
                    if (column is FloatArray f) sum += TensorPrimitives.Sum(f.Values);
        }
        return sum;
    }
}
