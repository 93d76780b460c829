using System.Globalization;
using GrnFast.Host.Cli;
using GrnFast.IO;

// Not GrnFast.Host.Convert: that namespace would hide System.Convert from all code in GrnFast.Host.
namespace GrnFast.Host.Conversion;

/// <summary>The validated arguments of <c>grnfast convert IN OUT.arrows [options]</c>.</summary>
internal sealed record ConvertArguments
{
    public required string Input { get; init; }
    public required string Output { get; init; }
    public bool GenesByCells { get; init; }
    public string? GeneNames { get; init; }
    public required ArrowWriteOptions Options { get; init; }

    /// <summary>True when --part-bytes was given (the log then says the split was asked for).</summary>
    public bool PartBytesGiven { get; init; }

    private static readonly string[] Valued = ["--genes", "--batch-cells", "--part-bytes"];

    public static ConvertArguments Parse(IReadOnlyList<string> args)
    {
        if (args.Count < 2 || args[0].StartsWith("--", StringComparison.Ordinal) || args[1].StartsWith("--", StringComparison.Ordinal))
            throw new UsageException("convert needs an input and an output: grnfast convert IN OUT.arrows [options] (see grnfast convert --help)");
        string input = args[0], output = args[1];
        if (!output.TrimEnd('/').EndsWith(ArrowExpressionReader.Extension, StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"the output '{output}' must end in {ArrowExpressionReader.Extension}: convert writes Arrow IPC streams (a directory of that name when split into parts)");
        var o = new OptionReader("convert", args.Skip(2).ToArray(), Valued, ["--genes-by-cells", "--sparse"]);

        string? genes = o.String("--genes");
        bool genesByCells = o.Switch("--genes-by-cells");
        bool npy = ExpressionReader.IsNpy(input), arrow = ArrowExpressionReader.IsArrow(input);
        if (genes is not null && !npy) throw new UsageException("--genes names the columns of .npy input; other formats name their genes themselves");
        if (genesByCells && (npy || arrow)) throw new UsageException("--genes-by-cells applies to text input; .npy and Arrow input are cells x genes");

        var defaults = new ArrowWriteOptions();
        string? partText = o.String("--part-bytes");
        long partBytes = partText is null ? defaults.PartBytes : ParseBytes(partText);
        if (partBytes < 1 << 10 || partBytes > ArrowWriteOptions.MaxPartBytes)
            throw new UsageException($"--part-bytes: '{partText}' is not valid; it must be 1K .. {ArrowWriteOptions.MaxPartBytes / (1 << 20)}M (a part is mapped as one view of at most 2 GiB)");
        return new ConvertArguments
        {
            Input = input,
            Output = output,
            GenesByCells = genesByCells,
            GeneNames = genes,
            PartBytesGiven = partText is not null,
            Options = new ArrowWriteOptions
            {
                BatchCells = o.Int("--batch-cells", n => n >= 1, "an integer >= 1") ?? defaults.BatchCells,
                PartBytes = partBytes,
                Sparse = o.Switch("--sparse"),
            },
        };
    }

    /// <summary>Bytes, with an optional binary suffix K, M or G (1K = 1024).</summary>
    private static long ParseBytes(string text)
    {
        string t = text.Trim();
        long unit = 1;
        if (t.Length > 0 && char.ToUpperInvariant(t[^1]) is 'K' or 'M' or 'G')
        {
            unit = char.ToUpperInvariant(t[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, _ => 1L << 30 };
            t = t[..^1];
        }
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n > long.MaxValue / unit)
            throw new UsageException($"--part-bytes: '{text}' is not valid; it must be a number of bytes, optionally with K, M or G (e.g. 512M)");
        return n * unit;
    }
}
