using System.Globalization;
using GrnFast.Host.Cli;

namespace GrnFast.Host.Shard;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (1-based, as <c>--shard 3/16</c> and Slurm's
/// <c>--array=1-16</c> number them), and the names of its files in a shard directory.
/// </summary>
internal readonly record struct ShardSpec(int Index, int Count)
{
    /// <summary>More shards than this is a typo, not a plan (a job array rarely allows more tasks).</summary>
    public const int MaxCount = 100_000;

    /// <summary>Parses "I/N" with 1 &lt;= I &lt;= N.</summary>
    public static ShardSpec Parse(string option, string text)
    {
        int slash = text.IndexOf('/');
        if (slash > 0
            && int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count >= 1 && count <= MaxCount && index >= 1 && index <= count)
            return new ShardSpec(index, count);
        throw new UsageException($"{option}: '{text}' is not valid; it must be I/N with 1 <= I <= N <= {MaxCount} (e.g. 3/16: the third of 16 shards)");
    }

    /// <summary>"shard-0003-of-0016": zero-padded so a directory listing sorts by index.</summary>
    public string Stem
    {
        get
        {
            int width = Math.Max(4, Count.ToString(CultureInfo.InvariantCulture).Length);
            string Pad(int v) => v.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
            return $"shard-{Pad(Index)}-of-{Pad(Count)}";
        }
    }

    /// <summary>The shard's network part (TSV, the columns and order of a network file).</summary>
    public string PartFile => Stem + ".tsv";

    /// <summary>The shard's manifest (JSON), written after the part: a part without one is incomplete.</summary>
    public string ManifestFile => Stem + ".json";

    public override string ToString() => $"{Index}/{Count}";
}
