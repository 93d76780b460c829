using System.Text;
using GrnFast.IO;

namespace GrnFast.Host.Simulate;

/// <summary>
/// A set of output files written all or nothing: each goes to a temporary name beside its destination
/// (<see cref="AtomicOutput.Stage"/>), flushed to disk; only when every one is complete are they renamed into place
/// (<see cref="AtomicOutput.Publish(string, string)"/>). If anything fails before that, the temporary files are
/// deleted and no destination is touched (AtomicOutput's guarantee, for several outputs at once).
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
        => Output(path, temp =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            write(stream);
            stream.Flush(flushToDisk: true);
        });

    /// <summary>Stages an output that a writer creates at a path it is given (a file, or a directory of parts).</summary>
    public void Output(string path, Action<string> write)
    {
        string temp = AtomicOutput.Stage(path);
        _staged.Add((temp, Path.GetFullPath(path)));
        write(temp);
    }

    public void Commit()
    {
        foreach (var (temp, final) in _staged) AtomicOutput.Publish(temp, final);
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed) return;
        foreach (var (temp, _) in _staged) AtomicOutput.Discard(temp);
    }
}
