namespace GrnFast.IO;

/// <summary>
/// Binary outputs written so that readers see either the old content or the complete new one, as
/// <see cref="AtomicFile"/> does for text: everything goes to a temporary name in the destination's directory (same
/// file system, so the rename is atomic), is flushed to disk, and is renamed into place. On failure nothing is left.
/// </summary>
public static class AtomicOutput
{
    /// <summary>Writes one file through <paramref name="write"/>.</summary>
    public static void WriteFile(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string temp = TempName(path, full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                // fsync before the rename: after a crash the name never points at a partly written file.
                stream.Flush(flushToDisk: true);
            }
            if (Directory.Exists(full)) ReplaceDirectoryWithFile(temp, path, full);
            else File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Fills a fresh temporary directory through <paramref name="write"/> (which creates files in it), then renames it to
    /// <paramref name="path"/>. An existing file or directory of that name is replaced: it is first renamed aside, so
    /// the name never points at a partial directory; only a crash between the two renames leaves the name missing
    /// (the old content then survives under a hidden name next to it).
    /// </summary>
    public static void WriteDirectory(string path, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path.TrimEnd('/', Path.DirectorySeparatorChar));
        string temp = TempName(path, full);
        Directory.CreateDirectory(temp);
        try
        {
            write(temp);
            foreach (var f in Directory.EnumerateFiles(temp))
                using (var s = new FileStream(f, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                    s.Flush(flushToDisk: true);
            string? aside = null;
            if (File.Exists(full) || Directory.Exists(full))
            {
                aside = TempName(path, full) + ".old";
                if (File.Exists(full)) File.Move(full, aside); else Directory.Move(full, aside);
            }
            Directory.Move(temp, full);
            if (aside is not null) TryDelete(aside);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static string TempName(string path, string full)
    {
        string directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"cannot write '{path}': directory '{directory}' does not exist");
        return Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
    }

    private static void ReplaceDirectoryWithFile(string temp, string path, string full)
    {
        string aside = TempName(path, full) + ".old";
        Directory.Move(full, aside);
        File.Move(temp, full);
        TryDelete(aside);
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else File.Delete(path);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
