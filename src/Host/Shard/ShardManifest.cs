using System.Text;
using System.Text.Json;
using GrnFast.Host.Infer;
using GrnFast.IO;

namespace GrnFast.Host.Shard;

/// <summary>
/// The small JSON file a finished shard writes after its part: which run it belongs to (<see cref="RunIdentity"/>:
/// inputs' checksums, options, shard count), which targets it fitted, how many edges, and the part's size and
/// SHA-256, so a truncated or foreign part is never taken for a finished one. Written atomically, after the part.
/// </summary>
internal sealed record ShardManifest
{
    public const string FormatName = "grnfast shard manifest 1";

    public required ShardSpec Shard { get; init; }
    public required RunIdentity Run { get; init; }
    /// <summary>Targets of the whole run, their total cost, this shard's cost and the digest of the plan.</summary>
    public required int TotalTargets { get; init; }
    public required long TotalCost { get; init; }
    public required long ShardCost { get; init; }
    public required string PlanDigest { get; init; }
    /// <summary>This shard's targets, in the run's target order (targets without edges included).</summary>
    public required IReadOnlyList<string> Targets { get; init; }
    public required long Edges { get; init; }
    public required string PartFile { get; init; }
    public required long PartBytes { get; init; }
    public required string PartSha256 { get; init; }
    public int NotConverged { get; init; }
    public string Summary { get; init; } = "";
    /// <summary>
    /// Set for --method celloracle: the part is CellOracle's links table of the shard's targets (every link), and the
    /// merge applies this filter (CellOracle's filter_links, per cluster over all targets) before writing. Null: the
    /// part is a network TSV.
    /// </summary>
    public CellOracleTable? Links { get; init; }
    /// <summary>Where and how it ran: informative only (host, threads, BLAS, seconds per stage).</summary>
    public IReadOnlyDictionary<string, string> RunInfo { get; init; } = new Dictionary<string, string>();

    public void Write(string path) => AtomicFile.WriteText(path, w => w.Write(ToJson()));

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("format", FormatName);
            json.WriteNumber("shard", Shard.Index);
            json.WriteNumber("shards", Shard.Count);
            json.WriteString("fingerprint", Run.Fingerprint);
            json.WriteString("grnfast", Run.Version);
            json.WriteStartArray("inputs");
            foreach (var i in Run.Inputs)
            {
                json.WriteStartObject();
                json.WriteString("option", i.Option);
                json.WriteString("path", i.Path);
                json.WriteNumber("bytes", i.Bytes);
                json.WriteString("sha256", i.Sha256);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("options");
            foreach (var (name, value) in Run.Options)
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                if (value is null) json.WriteNull("value"); else json.WriteString("value", value);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartObject("plan");
            json.WriteNumber("targets", TotalTargets);
            json.WriteNumber("cost", TotalCost);
            json.WriteNumber("shardCost", ShardCost);
            json.WriteString("digest", PlanDigest);
            json.WriteEndObject();
            json.WriteStartObject("part");
            json.WriteString("file", PartFile);
            json.WriteNumber("bytes", PartBytes);
            json.WriteString("sha256", PartSha256);
            json.WriteNumber("edges", Edges);
            json.WriteEndObject();
            json.WriteStartObject("fit");
            json.WriteNumber("notConverged", NotConverged);
            json.WriteString("summary", Summary);
            json.WriteEndObject();
            if (Links is { } links)
            {
                json.WriteStartObject("links");
                json.WriteString("table", "celloracle");
                if (links.Filter is { } f)
                {
                    json.WriteStartObject("filter");
                    json.WriteNumber("p", f.P);
                    json.WriteString("weight", CellOracleLinks.Name(f.Weight));
                    json.WriteNumber("top", f.Top);
                    json.WriteEndObject();
                }
                else json.WriteNull("filter");
                json.WriteEndObject();
            }
            json.WriteStartObject("run");
            foreach (var (key, value) in RunInfo) json.WriteString(key, value);
            json.WriteEndObject();
            json.WriteStartArray("targets");
            foreach (var t in Targets) json.WriteStringValue(t);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <exception cref="InvalidDataException">When the file is not a manifest this version reads; the message says why.</exception>
    public static ShardManifest Read(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            string format = root.GetProperty("format").GetString() ?? "";
            if (format != FormatName) throw new InvalidDataException($"format '{format}', expected '{FormatName}'");
            var inputs = root.GetProperty("inputs").EnumerateArray().Select(i => new InputChecksum(
                Text(i, "option"), Text(i, "path"), i.GetProperty("bytes").GetInt64(), Text(i, "sha256"))).ToArray();
            var options = root.GetProperty("options").EnumerateArray().Select(o => (Text(o, "name"), o.GetProperty("value").GetString())).ToArray();
            var shard = new ShardSpec(root.GetProperty("shard").GetInt32(), root.GetProperty("shards").GetInt32());
            var run = new RunIdentity(Text(root, "grnfast"), shard.Count, inputs, options);
            if (run.Fingerprint != Text(root, "fingerprint")) throw new InvalidDataException("its fingerprint does not match its inputs and options (edited by hand?)");
            var plan = root.GetProperty("plan");
            var part = root.GetProperty("part");
            var fit = root.GetProperty("fit");
            return new ShardManifest
            {
                Shard = shard,
                Run = run,
                TotalTargets = plan.GetProperty("targets").GetInt32(),
                TotalCost = plan.GetProperty("cost").GetInt64(),
                ShardCost = plan.GetProperty("shardCost").GetInt64(),
                PlanDigest = Text(plan, "digest"),
                Targets = root.GetProperty("targets").EnumerateArray().Select(t => t.GetString() ?? throw new InvalidDataException("a target is null")).ToArray(),
                Edges = part.GetProperty("edges").GetInt64(),
                PartFile = Text(part, "file"),
                PartBytes = part.GetProperty("bytes").GetInt64(),
                PartSha256 = Text(part, "sha256"),
                NotConverged = fit.GetProperty("notConverged").GetInt32(),
                Summary = Text(fit, "summary"),
                Links = root.TryGetProperty("links", out var links) ? ReadLinks(links) : null,
                RunInfo = root.GetProperty("run").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString()),
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or InvalidDataException)
        {
            throw new InvalidDataException($"not a readable shard manifest ({e.Message})", e);
        }
    }

    private static CellOracleTable ReadLinks(JsonElement links)
    {
        if (Text(links, "table") != "celloracle") throw new InvalidDataException($"links table '{Text(links, "table")}', expected 'celloracle'");
        var f = links.GetProperty("filter");
        if (f.ValueKind == JsonValueKind.Null) return new CellOracleTable(null);
        var weight = CellOracleLinks.WeightNamed(Text(f, "weight")) ?? throw new InvalidDataException($"filter weight '{Text(f, "weight")}' is not coef_abs, coef_mean or -logp");
        return new CellOracleTable(new LinkFilter(f.GetProperty("p").GetDouble(), weight, f.GetProperty("top").GetInt32()));
    }

    private static string Text(JsonElement e, string name) => e.GetProperty(name).GetString() ?? throw new InvalidDataException($"'{name}' is null");
}

/// <summary>What the merge of celloracle shards needs beyond the links: the filter to apply (null: every link).</summary>
internal sealed record CellOracleTable(LinkFilter? Filter);
