using GrnFast.IO.Text;

namespace GrnFast.IO;

/// <summary>One row of a network or prior file: regulator -> target, its weight (1 when the file has none), its
/// coefficient (NaN when the file has none) and its 1-based line.</summary>
public readonly record struct WeightedEdgeRow(string Regulator, string Target, double Weight, double Coefficient, int Line);

/// <summary>The rows of a network or prior file, and which columns it had.</summary>
public sealed record WeightedEdgeList(string Path, IReadOnlyList<WeightedEdgeRow> Rows, bool HasWeights, bool HasCoefficients);

/// <summary>One row of a gold standard: regulator -> target, whether it is a true edge (DREAM's 0 rows are not), its
/// sign (+1 activation, -1 repression, 0 not given) and its 1-based line.</summary>
public readonly record struct GoldStandardRow(string Regulator, string Target, bool IsEdge, int Sign, int Line);

/// <summary>The rows of a gold-standard file, and whether it had a sign column.</summary>
public sealed record GoldStandardFile(string Path, IReadOnlyList<GoldStandardRow> Rows, bool HasSigns);

/// <summary>
/// Reads edge lists: networks, priors and gold standards in the layouts GRN tools write.
/// <list type="bullet">
/// <item>Delimiter: comma for .csv, tab for .tsv/.tab, otherwise sniffed from the first line (tab, comma, blanks).</item>
/// <item>An optional header: the first line is one when its first field is a column name (TF, regulator, source,
/// Gene1, ...) or its third field is neither a number nor a sign. A header's columns are then found by name, the rest by
/// position.</item>
/// <item>Networks (<see cref="ReadNetwork"/>): GrnFast's <c>TF target importance coef</c>, arboreto's
/// <c>TF target importance</c>, BEELINE's rankedEdges <c>Gene1 Gene2 EdgeWeight</c>, CellOracle's links
/// (<c>source target coef_mean coef_abs ...</c>), headerless <c>regulator target [weight [coef]]</c>, and 2-column
/// lists (weight 1).</item>
/// <item>Gold standards (<see cref="ReadGoldStandard"/>): DREAM's headerless <c>G1 G2 1</c> (0 rows name genes but are
/// not edges), BEELINE's refNetwork.csv <c>Gene1,Gene2[,Type]</c> (Type + or -), and other 2-column lists. A third
/// column is a number (0 = no edge, any other = an edge; e.g. BEELINE's ChIP Score) or a sign: +, -, activation,
/// repression (activator, repressor, ...), or unknown / ? (an edge without a sign).</item>
/// </list>
/// Blank lines and '#' comments are skipped. Self loops and duplicates are returned as read (callers count them).
/// </summary>
public static class EdgeListReader
{
    private static readonly string[] RegulatorNames = ["tf", "regulator", "regulators", "source", "from", "gene1", "regulatorygene", "regulator_gene", "tf_name", "tfs"];
    private static readonly string[] TargetNames = ["target", "targets", "gene2", "to", "targetgene", "target_gene", "gene"];
    private static readonly string[] WeightNames = ["importance", "edgeweight", "edge_weight", "weight", "score", "combined_confidences", "confidence", "coef_abs", "abs_coef"];
    private static readonly string[] CoefficientNames = ["coef", "coefficient", "coef_mean", "beta"];
    private static readonly string[] LabelNames = ["type", "sign", "mode", "effect", "regulation", "label", "edge", "score", "value"];

    /// <summary>Reads a network or prior: regulator, target, weight (finite; default 1), coefficient (finite; default NaN).</summary>
    public static WeightedEdgeList ReadNetwork(string path)
    {
        var rows = new List<WeightedEdgeRow>();
        var layout = Scan(path, isGold: false, (line, number, fields, columns) =>
        {
            var (regulator, target) = Names(path, line, number, fields, columns);
            double weight = columns.Weight is { } w ? Number(path, line, number, fields, w, regulator, target) : 1;
            double coef = columns.Coefficient is { } c ? Number(path, line, number, fields, c, regulator, target) : double.NaN;
            rows.Add(new WeightedEdgeRow(regulator, target, weight, coef, number));
        });
        return new WeightedEdgeList(path, rows, layout.Weight is not null, layout.Coefficient is not null);
    }

    /// <summary>Reads a gold standard: regulator, target, and an optional 0/1 label or sign.</summary>
    public static GoldStandardFile ReadGoldStandard(string path)
    {
        var rows = new List<GoldStandardRow>();
        bool signs = false;
        Scan(path, isGold: true, (line, number, fields, columns) =>
        {
            var (regulator, target) = Names(path, line, number, fields, columns);
            bool isEdge = true;
            int sign = 0;
            if (columns.Label is { } l)
            {
                var text = line.AsSpan()[fields[l]];
                if (Sign(text) is { } s) { sign = s; signs |= s != 0; }
                else if (NumberText.TryParseDouble(text, out double v) == NumberText.Outcome.Finite) isEdge = v != 0;
                else
                    throw new InputFormatException(path, number, $"field {l + 1} ('{text}') of {regulator} -> {target} is neither a 0/1 label nor a sign (+, -, activation, repression, unknown)", l + 1, target);
            }
            rows.Add(new GoldStandardRow(regulator, target, isEdge, sign, number));
        });
        return new GoldStandardFile(path, rows, signs);
    }

    /// <summary>+1, -1, 0 (an edge of unknown sign), or null when the text is not a sign word.</summary>
    private static int? Sign(ReadOnlySpan<char> text)
    {
        var t = text.Trim();
        if (t.Length == 0) return 0;
        if (t is "+") return 1;
        if (t is "-") return -1;
        if (t.Length > 16) return null; // longer than any sign word
        Span<char> lower = stackalloc char[t.Length];
        t.ToLowerInvariant(lower);
        return lower switch
        {
            "activation" or "activator" or "activating" or "activates" or "positive" or "up" => 1,
            "repression" or "repressor" or "repressing" or "represses" or "inhibition" or "inhibitor" or "inhibitory" or "negative" or "down" => -1,
            "unknown" or "?" or "dual" or "na" or "n/a" => 0,
            _ => null,
        };
    }

    /// <summary>Zero-based columns of a file's fields; Weight, Coefficient and Label are null when absent.</summary>
    private sealed record Columns(int Regulator, int Target, int? Weight, int? Coefficient, int? Label, int MinFields);

    private delegate void RowReader(string line, int number, List<Range> fields, Columns columns);

    private static Columns Scan(string path, bool isGold, RowReader read)
    {
        char? delimiter = DelimitedLine.DelimiterForExtension(path);
        var fields = new List<Range>();
        using var reader = DelimitedLineFile.Open(path);
        int number = 0, rows = 0;
        Columns? columns = null;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#')) continue;
            delimiter ??= DelimitedLine.Sniff(line);
            if (delimiter == ' ') DelimitedLine.SplitBlanks(line, fields); else DelimitedLine.Split(line, delimiter.Value, fields);
            // A trailing delimiter (R, some DREAM files) leaves an empty last field.
            if (fields.Count > 2 && fields[^1].GetOffsetAndLength(line.Length).Length == 0) fields.RemoveAt(fields.Count - 1);
            if (columns is null)
            {
                var names = fields.Select(f => DelimitedLine.Text(line, f).ToLowerInvariant()).ToArray();
                bool header = RegulatorNames.Contains(names[0])
                    || (names.Length >= 3 && !NumberText.IsNumber(line.AsSpan()[fields[2]]) && (!isGold || Sign(line.AsSpan()[fields[2]]) is null));
                columns = header ? FromHeader(path, number, names, isGold) : Positional(path, number, fields.Count, isGold);
                if (header) continue;
            }
            if (fields.Count < columns.MinFields)
                throw new InputFormatException(path, number, $"expected at least {columns.MinFields} fields separated by {Describe(delimiter.Value)}, got {fields.Count}");
            read(line, number, fields, columns);
            rows++;
        }
        if (number == 0) throw new InputFormatException(path, null, "the file is empty");
        if (rows == 0) throw new InputFormatException(path, null, "the file has no edges (only a header, blank lines or comments)");
        return columns!;
    }

    private static Columns Positional(string path, int number, int count, bool isGold)
    {
        int max = isGold ? 3 : 4;
        if (count < 2 || count > max)
            throw new InputFormatException(path, number, isGold
                ? $"expected 2 or 3 fields (regulator, target[, 0/1 or sign]), got {count}"
                : $"expected 2 to 4 fields (regulator, target[, weight[, coef]]), got {count}");
        return isGold
            ? new Columns(0, 1, null, null, count >= 3 ? 2 : null, count)
            : new Columns(0, 1, count >= 3 ? 2 : null, count >= 4 ? 3 : null, null, count);
    }

    private static Columns FromHeader(string path, int number, string[] names, bool isGold)
    {
        if (names.Length < 2) throw new InputFormatException(path, number, $"the header has {names.Length} column; expected at least regulator and target");
        int? Find(string[] wanted, params int[] taken)
        {
            foreach (var w in wanted)
                for (int i = 0; i < names.Length; i++)
                    if (names[i] == w && !taken.Contains(i)) return i;
            return null;
        }
        int regulator = Find(RegulatorNames) ?? 0;
        int target = Find(TargetNames, regulator) ?? (regulator == 0 ? 1 : 0);
        int? weight = null, coef = null, label = null;
        if (isGold) label = Find(LabelNames, regulator, target) ?? (names.Length == 3 ? 2 : null);
        else
        {
            coef = Find(CoefficientNames, regulator, target);
            weight = Find(WeightNames, regulator, target, coef ?? -1);
            // Unnamed columns: the third is the weight, the fourth the coefficient (GrnFast's order).
            var rest = Enumerable.Range(0, names.Length).Where(i => i != regulator && i != target && i != weight && i != coef).ToArray();
            if (weight is null && rest.Length > 0) { weight = rest[0]; rest = rest[1..]; }
            if (coef is null && rest.Length > 0 && names.Length == 4) coef = rest[0];
        }
        int minFields = new[] { regulator, target, weight ?? 0, coef ?? 0, label ?? 0 }.Max() + 1;
        return new Columns(regulator, target, weight, coef, label, minFields);
    }

    private static (string Regulator, string Target) Names(string path, string line, int number, List<Range> fields, Columns columns)
    {
        string regulator = DelimitedLine.Text(line, fields[columns.Regulator]);
        string target = DelimitedLine.Text(line, fields[columns.Target]);
        if (regulator.Length == 0) throw new InputFormatException(path, number, $"field {columns.Regulator + 1} (the regulator) is empty", columns.Regulator + 1);
        if (target.Length == 0) throw new InputFormatException(path, number, $"field {columns.Target + 1} (the target) is empty", columns.Target + 1);
        return (regulator, target);
    }

    private static double Number(string path, string line, int number, List<Range> fields, int column, string regulator, string target)
    {
        var text = line.AsSpan()[fields[column]];
        return NumberText.TryParseDouble(text, out double v) switch
        {
            NumberText.Outcome.Finite => v,
            NumberText.Outcome.NotANumber => throw new InputFormatException(path, number, $"field {column + 1} ('{text}') of {regulator} -> {target} is not a number", column + 1, target),
            _ => throw new InputFormatException(path, number, $"field {column + 1} ('{text}') of {regulator} -> {target} is not finite", column + 1, target),
        };
    }

    private static string Describe(char delimiter) => delimiter switch { '\t' => "tabs", ',' => "commas", _ => "blanks" };
}
