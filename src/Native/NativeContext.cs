using System.Runtime.InteropServices;
using System.Text;

namespace GrnFast.Native;

/// <summary>
/// gf_context: the settings of the calls made through it (threads, seed, log callback), the message of its last
/// error, and the cancellation of its running call. One call at a time (<see cref="Enter"/>); gf_cancel and
/// gf_last_error may come from any thread.
/// </summary>
internal sealed unsafe class NativeContext
{
    private int _busy;
    private byte* _error;     // UTF-8, NUL-terminated; owned here, freed on the next error and on free
    private byte* _describe;  // gf_describe's text, same lifetime rules
    private CancellationTokenSource? _running;
    private readonly Lock _cancelLock = new();

    public required int Threads { get; init; }
    /// <summary>--seed for every call unless the call's options give one; null keeps each method's default.</summary>
    public int? Seed { get; init; }
    public delegate* unmanaged<void*, int, byte*, void> LogCallback { get; init; }
    public void* LogUser { get; init; }

    /// <summary>Claims the context for one call; false when another call holds it.</summary>
    public bool Enter() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    public void Exit() => Volatile.Write(ref _busy, 0);

    public byte* Error => _error;

    public void SetError(string? message)
    {
        var old = _error;
        _error = message is null ? null : Utf8(message);
        if (old is not null) NativeMemory.Free(old);
    }

    public byte* SetDescription(string text)
    {
        var old = _describe;
        _describe = Utf8(text);
        if (old is not null) NativeMemory.Free(old);
        return _describe;
    }

    /// <summary>The token of a call, cancelled by <see cref="Cancel"/> from any thread.</summary>
    public CancellationTokenSource BeginRun()
    {
        var cts = new CancellationTokenSource();
        lock (_cancelLock) _running = cts;
        return cts;
    }

    public void EndRun(CancellationTokenSource cts)
    {
        lock (_cancelLock) if (ReferenceEquals(_running, cts)) _running = null;
        cts.Dispose();
    }

    /// <returns>True when a call was running (and is now asked to stop).</returns>
    public bool Cancel()
    {
        lock (_cancelLock)
        {
            if (_running is null) return false;
            _running.Cancel();
            return true;
        }
    }

    public void Release()
    {
        SetError(null);
        if (_describe is not null) { NativeMemory.Free(_describe); _describe = null; }
    }

    public static byte* Utf8(string text)
    {
        int n = Encoding.UTF8.GetByteCount(text);
        var p = (byte*)NativeMemory.Alloc((nuint)n + 1);
        Encoding.UTF8.GetBytes(text, new Span<byte>(p, n));
        p[n] = 0;
        return p;
    }
}

/// <summary>Forwards the pipeline's log lines ("grnfast: ...", "grnfast: warning: ...") to the caller's callback.</summary>
internal sealed unsafe class CallbackLogWriter(NativeContext context) : TextWriter
{
    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => WriteLine(value.ToString());

    public override void WriteLine(string? value)
    {
        if (value is null || context.LogCallback == null) return;
        const string Prefix = "grnfast: ", Warning = "warning: ";
        string text = value.StartsWith(Prefix, StringComparison.Ordinal) ? value[Prefix.Length..] : value;
        int level = text.StartsWith(Warning, StringComparison.Ordinal) ? 1 : 0;
        if (level == 1) text = text[Warning.Length..];
        var p = NativeContext.Utf8(text);
        try { context.LogCallback(context.LogUser, level, p); }
        finally { NativeMemory.Free(p); }
    }
}
