namespace GrnFast.IO;

/// <summary>
/// Binary outputs written so that readers see either the old content or the complete new one, as
/// <see cref="AtomicFile"/> does for text: everything goes to a temporary name in the destination's directory (same
/// file system, so the rename is atomic), is flushed to disk, and is renamed into place. On failure nothing is left.
/// Replacing a directory (or a file by a directory) takes two renames: the old entry is first moved aside, so the name
/// never points at partial content; only a crash between the renames leaves the name missing, the old content then
/// surviving under a hidden name next to it.
/// </summary>
public static class AtomicOutput
{
    /// <summary>Writes one file through <paramref name="write"/>.</summary>
    public static void WriteFile(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = FullPath(path);
        string temp = TempName(path, full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                // fsync before the rename: after a crash the name never points at a partly written file.
                stream.Flush(flushToDisk: true);
            }
            Publish(temp, isDirectory: false, path, full);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Fills a fresh temporary directory through <paramref name="write"/>, then renames it to <paramref name="path"/>.</summary>
    public static void WriteDirectory(string path, Action<string> write) => WriteFiles(path, write, collapseSingleFile: false);

    /// <summary>
    /// As <see cref="WriteDirectory"/>, but when <paramref name="write"/> leaves exactly one file, that file (not a
    /// directory holding it) becomes <paramref name="path"/>. Returns true when a directory was written.
    /// </summary>
    public static bool WriteFileOrDirectory(string path, Action<string> write) => WriteFiles(path, write, collapseSingleFile: true);

    /// <summary>
    /// For callers that publish several outputs together (all or nothing): a fresh temporary name beside
    /// <paramref name="path"/> to write a file or directory to, later passed to <see cref="Publish(string, string)"/>
    /// or <see cref="Discard"/>.
    /// </summary>
    public static string Stage(string path) => TempName(path, FullPath(path));

    /// <summary>Moves a staged file or directory into place at <paramref name="path"/>, replacing what is there.</summary>
    public static void Publish(string staged, string path) => Publish(staged, Directory.Exists(staged), path, FullPath(path));

    /// <summary>Deletes a staged file or directory that will not be published; never throws for I/O.</summary>
    public static void Discard(string staged) => TryDelete(staged);

    private static bool WriteFiles(string path, Action<string> write, bool collapseSingleFile)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = FullPath(path);
        string temp = TempName(path, full);
        Directory.CreateDirectory(temp);
        try
        {
            write(temp);
            var files = Directory.GetFiles(temp);
            foreach (var f in files)
                using (var s = new FileStream(f, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                    s.Flush(flushToDisk: true);
            if (collapseSingleFile && files.Length == 1 && Directory.GetDirectories(temp).Length == 0)
            {
                Publish(files[0], isDirectory: false, path, full);
                TryDelete(temp);
                return false;
            }
            Publish(temp, isDirectory: true, path, full);
            return true;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Renames <paramref name="source"/> to <paramref name="full"/>, replacing whatever is there.</summary>
    private static void Publish(string source, bool isDirectory, string path, string full)
    {
        bool existsAsDirectory = Directory.Exists(full);
        if (!isDirectory && !existsAsDirectory)
        {
            File.Move(source, full, overwrite: true); // one atomic rename(2)
            return;
        }
        string? aside = null;
        if (existsAsDirectory || File.Exists(full))
        {
            aside = TempName(path, full) + ".old";
            if (existsAsDirectory) Directory.Move(full, aside); else File.Move(full, aside);
        }
        if (isDirectory) Directory.Move(source, full); else File.Move(source, full);
        if (aside is not null) TryDelete(aside);
    }

    private static string FullPath(string path) => Path.GetFullPath(path.Length > 1 ? path.TrimEnd('/') : path);

    private static string TempName(string path, string full)
    {
        string directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"cannot write '{path}': directory '{directory}' does not exist");
        return Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
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
