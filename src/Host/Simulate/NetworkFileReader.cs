using System.Globalization;
using System.Text.RegularExpressions;
using GrnFast.IO;
using GrnFast.Simulation.Networks;
using GrnFast.Simulation.Random;

namespace GrnFast.Host.Simulate;

/// <summary>
/// Reads the network to simulate from:
/// <list type="bullet">
/// <item>an edge list (.tsv/.txt/.csv): <c>regulator target [weight|sign [hill]]</c>, separated by tabs (or commas in
/// .csv, or blanks when a line has neither); an optional header (first line naming a regulator or target column:
/// regulator/tf/source/gene1/..., target/gene2/...); '#' comments. A numeric weight is the signed
/// strength K (its sign activates or represses); a sign word (+, -, activation, repression, ...) keeps the sign and
/// draws |K|; a missing or unknown sign (?, +-, dual, unknown) draws both. Rows with weight 0 are non-edges (DREAM gold
/// standards list every pair) and are skipped; when every other weight is 1 the column only marks edges, which then
/// get drawn signs and strengths. The optional 4th field is the Hill coefficient.</item>
/// <item>a GraphViz .dot/.gv file as GeneNetWeaver writes it (the networks SERGIO ships): <c>"A";</c> declares a gene,
/// <c>"A" -&gt; "B" [value="+"];</c> an edge whose value is +, -, or +-/? (unknown: drawn).</item>
/// </list>
/// Genes are ordered by first appearance. A repeated pair is an error naming both lines.
/// </summary>
internal static partial class NetworkFileReader
{
    public sealed record Result(GeneNetwork Network, int SkippedZeroRows, int DrawnSigns, int DrawnStrengths, int SelfLoops, bool PresenceOnly);

    private static readonly HashSet<string> HeaderWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "regulator", "regulators", "tf", "tfs", "source", "from", "gene1", "reg", "regulatorygene", "regulator_gene", "tf_name",
    };

    private static readonly HashSet<string> TargetWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "target", "targets", "gene2", "to", "target_gene", "targetgene", "gene",
    };

    public static bool IsDot(string path)
        => path.EndsWith(".dot", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".gv", StringComparison.OrdinalIgnoreCase);

    /// <param name="edges">How edges without a weight get their sign, strength and Hill coefficient.</param>
    /// <param name="useWeights">False: a numeric weight gives only the sign; |K| is drawn.</param>
    public static Result Read(string path, EdgeParameters edges, bool useWeights, ulong seed)
    {
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            throw new InputFormatException(path, null, "compressed input is not supported; decompress it first (gunzip)");
        var builder = new Builder(path, edges, RandomSource.Stream(seed, StreamPurpose.EdgeParameters));
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        if (IsDot(path)) ReadDot(reader, builder);
        else ReadEdgeList(reader, builder, useWeights, path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase));
        return builder.Build();
    }

    private static void ReadEdgeList(StreamReader reader, Builder builder, bool useWeights, bool csv)
    {
        int number = 0;
        bool first = true;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#')) continue;
            var fields = Split(line, csv);
            bool header = first && (HeaderWords.Contains(fields[0]) || (fields.Length >= 2 && TargetWords.Contains(fields[1])));
            first = false;
            if (header) continue;
            if (fields.Length is < 2 or > 4)
                throw new InputFormatException(builder.Path, number, $"expected 2 to 4 fields (regulator, target[, weight or sign[, Hill coefficient]]), got {fields.Length}");
            for (int f = 0; f < 2; f++)
                if (fields[f].Length == 0) throw new InputFormatException(builder.Path, number, $"field {f + 1} is empty", f + 1);
            double? weight = null;
            double? sign = null;
            if (fields.Length >= 3)
            {
                string w = fields[2];
                if (SignOf(w) is { } s) sign = s;
                else if (!IsUnknownSign(w))
                {
                    if (!double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                        throw new InputFormatException(builder.Path, number, $"field 3 ('{w}') is neither a finite weight nor a sign (+, -, activation, repression, ?)", 3, fields[1]);
                    if (value == 0)
                    {
                        // A non-edge still names two genes of the network (isolated genes are expressed at their basal rate).
                        builder.Gene(fields[0]);
                        builder.Gene(fields[1]);
                        builder.SkippedZero++;
                        continue;
                    }
                    if (useWeights) weight = value;
                    else sign = Math.Sign(value);
                }
            }
            double? hill = null;
            if (fields.Length == 4)
            {
                if (!double.TryParse(fields[3], NumberStyles.Float, CultureInfo.InvariantCulture, out double n) || !double.IsFinite(n) || n <= 0)
                    throw new InputFormatException(builder.Path, number, $"field 4 ('{fields[3]}'): the Hill coefficient of {fields[0]} -> {fields[1]} must be a finite number > 0", 4, fields[1]);
                hill = n;
            }
            builder.Add(fields[0], fields[1], weight, sign, hill, number);
        }
        if (number == 0) throw new InputFormatException(builder.Path, null, "the file is empty");
    }

    private static void ReadDot(StreamReader reader, Builder builder)
    {
        int number = 0;
        while (reader.ReadLine() is { } raw)
        {
            number++;
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal) || line.StartsWith('#') || line == "}" || line == "{") continue;
            if (DigraphLine().IsMatch(line) || GraphAttributeLine().IsMatch(line) || DefaultsLine().IsMatch(line)) continue;
            if (EdgeLine().Match(line) is { Success: true } e)
            {
                string value = Attribute(e.Groups["attrs"].Value, "value") ?? Attribute(e.Groups["attrs"].Value, "sign") ?? "";
                double? sign = SignOf(value);
                double? weight = null;
                if (sign is null && Attribute(e.Groups["attrs"].Value, "weight") is { } w
                    && double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) && double.IsFinite(parsed) && parsed != 0)
                    weight = parsed;
                else if (sign is null && value.Length > 0 && !IsUnknownSign(value))
                    throw new InputFormatException(builder.Path, number, $"edge value '{value}' is not a sign (+, -, +-, ?)", null, Unquote(e.Groups["to"].Value));
                builder.Add(Unquote(e.Groups["from"].Value), Unquote(e.Groups["to"].Value), weight, sign, null, number);
                continue;
            }
            if (NodeLine().Match(line) is { Success: true } n)
            {
                builder.Gene(Unquote(n.Groups["id"].Value));
                continue;
            }
            throw new InputFormatException(builder.Path, number, $"cannot read this GraphViz line: '{Shorten(line)}' (expected \"A\"; or \"A\" -> \"B\" [value=\"+\"];)");
        }
        if (number == 0) throw new InputFormatException(builder.Path, null, "the file is empty");
    }

    private static string[] Split(string line, bool csv)
    {
        char? delimiter = csv ? ',' : line.Contains('\t') ? '\t' : line.Contains(',') ? ',' : null;
        var parts = delimiter is { } d ? line.Split(d) : line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++) parts[i] = Unquote(parts[i].Trim());
        return parts;
    }

    private static double? SignOf(string text) => text.ToLowerInvariant() switch
    {
        "+" or "activation" or "activator" or "activates" or "activating" or "positive" => 1,
        "-" or "repression" or "repressor" or "represses" or "repressing" or "inhibition" or "negative" => -1,
        _ => null,
    };

    private static bool IsUnknownSign(string text) => text.ToLowerInvariant() is "?" or "+-" or "-+" or "dual" or "unknown" or "";

    private static string? Attribute(string attributes, string name)
    {
        var m = Regex.Match(attributes, $@"(?:^|[\s,;]){name}\s*=\s*(""(?<v>[^""]*)""|(?<v>[^\s,;\]]+))");
        return m.Success ? m.Groups["v"].Value : null;
    }

    private static string Unquote(string text)
        => text.Length >= 2 && text[0] == '"' && text[^1] == '"' ? text[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal) : text;

    private static string Shorten(string line) => line.Length <= 60 ? line : line[..57] + "...";

    private const string Id = @"(?:""(?:[^""\\]|\\.)*""|[A-Za-z0-9_.:+\-]+)";

    [GeneratedRegex(@"^(?:strict\s+)?(?:di)?graph\b.*\{?$")]
    private static partial Regex DigraphLine();

    [GeneratedRegex(@"^[A-Za-z_]+\s*=\s*[^;]*;?$")]
    private static partial Regex GraphAttributeLine();

    [GeneratedRegex(@"^(?:node|edge|graph)\s*\[.*\]\s*;?$")]
    private static partial Regex DefaultsLine();

    [GeneratedRegex(@"^(?<from>" + Id + @")\s*->\s*(?<to>" + Id + @")\s*(?:\[(?<attrs>[^\]]*)\])?\s*;?$")]
    private static partial Regex EdgeLine();

    [GeneratedRegex(@"^(?<id>" + Id + @")\s*(?:\[[^\]]*\])?\s*;?$")]
    private static partial Regex NodeLine();

    private sealed class Builder(string path, EdgeParameters parameters, RandomSource random)
    {
        private readonly List<string> _genes = [];
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
        private readonly List<RegulatoryEdge> _edges = [];
        private readonly Dictionary<(int, int), int> _lines = [];
        private int _drawnSigns, _drawnStrengths, _selfLoops;

        public string Path { get; } = path;
        public int SkippedZero { get; set; }
        public bool PresenceOnly { get; private set; }

        public int Gene(string name)
        {
            if (!_index.TryGetValue(name, out int i))
            {
                i = _genes.Count;
                _genes.Add(name);
                _index.Add(name, i);
            }
            return i;
        }

        public void Add(string regulator, string target, double? weight, double? sign, double? hill, int line)
        {
            int r = Gene(regulator), t = Gene(target);
            if (!_lines.TryAdd((r, t), line))
                throw new InputFormatException(Path, line, $"the edge {regulator} -> {target} is listed twice (lines {_lines[(r, t)]} and {line})", null, target);
            if (r == t) _selfLoops++;
            _pending.Add((r, t, weight, sign, hill));
        }

        private readonly List<(int Regulator, int Target, double? Weight, double? Sign, double? Hill)> _pending = [];

        public Result Build()
        {
            if (_genes.Count == 0) throw new InputFormatException(Path, null, "the file lists no genes or edges");
            if (_pending.Count == 0) throw new InputFormatException(Path, null, $"the file lists {_genes.Count} genes but no edges{(SkippedZero > 0 ? $" ({SkippedZero} rows with weight 0 are non-edges)" : "")}");
            // Weights that are all 1 (and no sign anywhere) only say which pairs are edges, as a DREAM gold standard's
            // 0/1 column does: such edges are unsigned, and get drawn signs and strengths like edges without weights.
            bool presenceOnly = _pending.All(e => e.Weight is 1 && e.Sign is null);
            if (presenceOnly) PresenceOnly = true;
            // Draws happen in file order, so the same file and seed give the same network.
            foreach (var (r, t, weight, sign, hill) in _pending)
            {
                double k;
                if (weight is { } w && !presenceOnly) k = w;
                else
                {
                    double s = sign ?? parameters.DrawSign(random);
                    if (sign is null) _drawnSigns++;
                    k = s * parameters.DrawMagnitude(random);
                    _drawnStrengths++;
                }
                _edges.Add(new RegulatoryEdge(r, t, k, hill ?? parameters.HillCoefficient));
            }
            return new Result(new GeneNetwork(_genes, _edges), SkippedZero, _drawnSigns, _drawnStrengths, _selfLoops, PresenceOnly);
        }
    }
}
