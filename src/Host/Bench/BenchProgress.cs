using System.Diagnostics;

namespace GrnFast.Host.Bench;

/// <summary>
/// A progress bar on stderr. On a terminal it redraws one line (<c>[#####.....] 40/100 ... ETA 1m05s</c>); when
/// stderr is a file or pipe it writes a plain line at every tenth of the work, so logs stay readable.
/// </summary>
internal sealed class BenchProgress(TextWriter stderr, int total, bool interactive)
{
    private const int Width = 30;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _done;
    private int _lastDecile;
    private string _status = "";
    private int _lastLength;

    public int Done => _done;

    /// <summary>What is being done now (shown on a terminal).</summary>
    public void Status(string status)
    {
        _status = status;
        if (interactive) Draw();
    }

    /// <summary>One step finished.</summary>
    public void Advance()
    {
        _done++;
        if (interactive) { Draw(); return; }
        int decile = total == 0 ? 10 : _done * 10 / total;
        if (decile > _lastDecile)
        {
            _lastDecile = decile;
            stderr.WriteLine($"grnfast: bench {_done}/{total} ({100.0 * _done / Math.Max(1, total):F0}%), {Elapsed(_clock.Elapsed.TotalSeconds)} elapsed{Eta()}");
        }
    }

    /// <summary>Ends the bar's line on a terminal.</summary>
    public void Finish()
    {
        if (!interactive) return;
        _status = "done";
        Draw();
        stderr.WriteLine();
    }

    private void Draw()
    {
        int filled = total == 0 ? Width : (int)((long)_done * Width / total);
        string line = $"[{new string('#', filled)}{new string('.', Width - filled)}] {_done}/{total} {_status}{Eta()}";
        if (line.Length > 118) line = line[..118];
        stderr.Write("\r" + line + new string(' ', Math.Max(0, _lastLength - line.Length)));
        _lastLength = line.Length;
        stderr.Flush();
    }

    private string Eta()
    {
        if (_done == 0 || _done >= total) return "";
        double perStep = _clock.Elapsed.TotalSeconds / _done;
        return $", ETA {Elapsed(perStep * (total - _done))}";
    }

    private static string Elapsed(double seconds) => seconds < 60 ? $"{seconds:F0}s" : $"{(int)(seconds / 60)}m{(int)(seconds % 60):D2}s";
}
