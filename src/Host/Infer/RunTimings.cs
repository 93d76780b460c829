using System.Text.Json;
using GrnFast.IO;

namespace GrnFast.Host.Infer;

/// <summary>Seconds per stage of one run and its sizes, written as JSON for --timings.</summary>
internal sealed record RunTimings(double Load, double Standardize, double Gram, double Solve, double Write, double Total,
    int Cells, int Genes, int Regulators, int Targets, int Threads, string Blas)
{
    public void WriteJson(string path)
        => AtomicFile.WriteText(path, w =>
        {
            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                json.WriteStartObject();
                json.WriteNumber("load", Load);
                json.WriteNumber("standardize", Standardize);
                json.WriteNumber("gram", Gram);
                json.WriteNumber("solve", Solve);
                json.WriteNumber("write", Write);
                json.WriteNumber("total", Total);
                json.WriteNumber("cells", Cells);
                json.WriteNumber("genes", Genes);
                json.WriteNumber("regulators", Regulators);
                json.WriteNumber("targets", Targets);
                json.WriteNumber("threads", Threads);
                json.WriteString("blas", Blas);
                json.WriteEndObject();
            }
            w.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
            w.Write('\n');
        });
}
