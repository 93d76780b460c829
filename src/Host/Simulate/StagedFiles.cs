using System.Text;

namespace GrnFast.Host.Simulate;

/// <summary>
/// A set of output files written all or nothing: each goes to a temporary file beside its destination, flushed to
/// disk; only when every one is complete are they renamed into place. If anything fails before that, the temporary
/// files are deleted and no destination is touched (AtomicFile's guarantee, for several files at once).
/// </summary>
internal sealed class StagedFiles : IDisposable
{
    private readonly List<(string Temp, string Final)> _staged = [];
    private bool _committed;

    public IReadOnlyList<string> Paths => _staged.Select(s => s.Final).ToArray();

    public void Text(string path, Action<TextWriter> write)
        => Binary(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            write(writer);
        });

    public void Binary(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"cannot write '{path}': directory '{directory}' does not exist");
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        _staged.Add((temp, full));
        using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        write(stream);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Stages an output that a writer creates at a path it is given (a file, or a directory of parts).</summary>
    public void Output(string path, Action<string> write)
    {
        string full = System.IO.Path.GetFullPath(path);
        string directory = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"cannot write '{path}': directory '{directory}' does not exist");
        string temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        _staged.Add((temp, full));
        write(temp);
    }

    public void Commit()
    {
        foreach (var (temp, final) in _staged)
        {
            if (Directory.Exists(temp))
            {
                if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
                Directory.Move(temp, final);
            }
            else File.Move(temp, final, overwrite: true);
        }
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed) return;
        foreach (var (temp, _) in _staged)
        {
            try
            {
                if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
                else File.Delete(temp);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
