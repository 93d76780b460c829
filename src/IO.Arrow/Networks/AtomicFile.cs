using System.Text;

namespace GrnFast.IO;

/// <summary>
/// Writes a text file so that readers see either the old content or the complete new one (UTF-8 without BOM,
/// "\n" line ends): <see cref="AtomicOutput.WriteFile"/> with a text writer, so text and binary outputs share one
/// temporary-file, fsync and rename implementation.
/// </summary>
public static class AtomicFile
{
    public static void WriteText(string path, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        AtomicOutput.WriteFile(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            write(writer);
        });
    }
}
