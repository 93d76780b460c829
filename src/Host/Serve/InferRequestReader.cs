using System.Text.Json;
using GrnFast.Host.Infer;
using GrnFast.IO;

namespace GrnFast.Host.Serve;

/// <summary>
/// Turns the header and payloads of an <c>infer</c> frame into an <see cref="InferJob"/>: field types and shapes
/// first, then the options through <see cref="InferOptionRules"/> (exactly the command line's rules), then the inline
/// streams. Everything is checked here, when the request arrives, so a bad request is answered at once.
/// </summary>
internal static class InferRequestReader
{
    public static InferJob Read(JsonElement root, RequestFrame frame, RequestId id)
    {
        if (!root.TryGetProperty("expression", out var expression) || expression.ValueKind == JsonValueKind.Null)
            throw RequestException.BadRequest("expression", "infer needs 'expression': {\"path\": FILE} or {\"stream\": NAME}");
        if (expression.ValueKind != JsonValueKind.Object)
            throw RequestException.BadRequest("expression", "expression must be an object: {\"path\": FILE} or {\"stream\": NAME}");
        string? path = OptionalString(expression, "path", "expression.path");
        string? stream = OptionalString(expression, "stream", "expression.stream");
        if (path is null == stream is null)
            throw RequestException.BadRequest("expression", "expression needs exactly one of 'path' and 'stream'");
        if (path is not null) CheckPath(path, "expression.path");
        byte[]? expressionBytes = stream is null ? null : Payload(frame, stream, "expression.stream");

        // Checked after the options: celloracle with options.baseGrn takes the base GRN's TFs when regulators is absent.
        var regulators = Names(root, "regulators");
        var targets = Names(root, "targets");

        var priorSpecs = new List<(string? Path, string? Stream, byte[]? Bytes)>();
        if (root.TryGetProperty("priors", out var priors) && priors.ValueKind != JsonValueKind.Null)
        {
            if (priors.ValueKind != JsonValueKind.Array)
                throw RequestException.BadRequest("priors", "priors must be an array of {\"path\": FILE} or {\"stream\": NAME}");
            int i = 0;
            foreach (var p in priors.EnumerateArray())
            {
                string field = $"priors[{i}]";
                if (p.ValueKind != JsonValueKind.Object) throw RequestException.BadRequest(field, $"{field} must be {{\"path\": FILE}} or {{\"stream\": NAME}}");
                string? pp = OptionalString(p, "path", $"{field}.path");
                string? ps = OptionalString(p, "stream", $"{field}.stream");
                if (pp is null == ps is null) throw RequestException.BadRequest(field, $"{field} needs exactly one of 'path' and 'stream'");
                if (pp is not null) CheckPath(pp, $"{field}.path");
                priorSpecs.Add((pp, ps, ps is null ? null : Payload(frame, ps, $"{field}.stream")));
                i++;
            }
        }

        if (root.TryGetProperty("options", out var options) && options.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            throw RequestException.BadRequest("options", "options must be an object");
        var settings = InferOptionRules.Read(new JsonOptionValues(root), priorSpecs.Count, path);
        if (settings.GeneNames is { } genes) CheckPath(genes, "expression.genes");
        if (settings.PmfGrn?.Evidence is { } evidence) CheckPath(evidence, "options.evidence");
        if (settings.CellOracle?.BaseGrn is { } baseGrn) CheckPath(baseGrn, "options.baseGrn");
        if (settings.CellOracle?.Groups is { } groups) CheckPath(groups, "options.groups");
        if (regulators is null && settings.CellOracle?.BaseGrn is null)
            throw RequestException.BadRequest("regulators", settings.CellOracle is null ? "infer needs 'regulators': an array of gene names"
                : "infer needs 'regulators': an array of gene names (celloracle without it takes the TFs of options.baseGrn)");

        bool progress = false;
        if (root.TryGetProperty("progress", out var pr) && pr.ValueKind != JsonValueKind.Null)
            progress = pr.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw RequestException.BadRequest("progress", "progress must be true or false"),
            };
        string? output = null;
        if (root.TryGetProperty("output", out var o) && o.ValueKind != JsonValueKind.Null)
        {
            if (o.ValueKind != JsonValueKind.Object) throw RequestException.BadRequest("output", "output must be {\"path\": FILE}");
            output = OptionalString(o, "path", "output.path");
            if (output is null) throw RequestException.BadRequest("output.path", "output needs a 'path'");
            CheckPath(output, "output.path");
        }

        // The payloads last: the header is fully valid before any Arrow is decoded.
        var inlinePriors = new List<PriorInput>(priorSpecs.Count);
        foreach (var (pp, ps, bytes) in priorSpecs)
            inlinePriors.Add(pp is not null ? new PriorInput.File(pp) : new PriorInput.Loaded(InlineStreams.ReadPrior(ps!, bytes!)));
        var inline = expressionBytes is null ? null : InlineStreams.ReadExpression(stream!, expressionBytes);

        return new InferJob
        {
            Id = id,
            Request = settings.ToRequest(
                inline is null ? new ExpressionInput.File(path!, settings.GenesByCells, settings.GeneNames, settings.Layer, settings.VarNames) : new ExpressionInput.InMemory(inline),
                regulators is null ? null : new GeneListInput.Listed("regulators", regulators),
                targets is null ? null : new GeneListInput.Listed("targets", targets),
                inlinePriors, settings.Threads),
            Progress = progress,
            OutputPath = output,
            Inline = inline,
        };
    }

    /// <summary>A path the host can open: not empty, no NUL (which the OS cannot take and .NET rejects with an exception).</summary>
    private static void CheckPath(string path, string field)
    {
        if (path.Length == 0) throw RequestException.BadRequest(field, $"{field} is empty");
        if (path.Contains('\0')) throw RequestException.BadRequest(field, $"{field} contains a NUL character");
    }

    private static string? OptionalString(JsonElement obj, string name, string field)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw RequestException.BadRequest(field, $"{field} must be a string");
    }

    /// <summary>A non-empty array of non-empty gene names, or null when the field is absent or null.</summary>
    private static List<string>? Names(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Array) throw RequestException.BadRequest(field, $"{field} must be an array of gene names");
        var names = new List<string>(v.GetArrayLength());
        foreach (var e in v.EnumerateArray())
        {
            string at = $"{field}[{names.Count}]";
            if (e.ValueKind != JsonValueKind.String) throw RequestException.BadRequest(at, $"{at} must be a string (a gene name)");
            var name = e.GetString()!;
            if (name.Length == 0) throw RequestException.BadRequest(at, $"{at} is an empty name");
            names.Add(name);
        }
        if (names.Count == 0)
            throw RequestException.BadRequest(field, field == "targets" ? "targets is empty; give null (or leave it out) to fit every gene" : $"{field} is empty");
        return names;
    }

    private static byte[] Payload(RequestFrame frame, string name, string field)
    {
        if (frame.TryGetStream(name, out var bytes)) return bytes;
        var declared = frame.Streams.Count == 0 ? "none" : string.Join(", ", frame.Streams.Select(s => $"'{s.Name}'"));
        throw RequestException.BadRequest(field, $"{field}: this frame declares no stream named '{FrameReader.Quote(name)}' (declared: {declared})");
    }
}
