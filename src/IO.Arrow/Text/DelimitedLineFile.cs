namespace GrnFast.IO.Text;

/// <summary>Opens a text input for sequential reading (BOM-aware UTF-8).</summary>
internal static class DelimitedLineFile
{
    public static StreamReader Open(string path)
    {
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            throw new InputFormatException(path, null, "compressed input is not supported; decompress it first (gunzip)");
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
    }
}
