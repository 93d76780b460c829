using System.Buffers.Binary;
using System.Text.Json;

namespace GrnFast.Host.Serve;

/// <summary>One request frame as read: its header (null when it is not JSON) and its payloads.</summary>
internal sealed class RequestFrame : IDisposable
{
    /// <summary>1-based position of the frame in the session, for messages.</summary>
    public required int Number { get; init; }

    /// <summary>The parsed header; null when it is not valid JSON (see <see cref="JsonError"/>).</summary>
    public JsonDocument? Header { get; init; }

    public string? JsonError { get; init; }

    /// <summary>The payloads in declaration order.</summary>
    public IReadOnlyList<(string Name, byte[] Bytes)> Streams { get; init; } = [];

    /// <summary>A problem with the declared streams that still let the reader stay in step (repeated names, over the size limit).</summary>
    public RequestException? StreamsProblem { get; init; }

    /// <summary>The frame was answered while it was read (a large <c>echo</c>, its payloads forwarded as they arrived).</summary>
    public bool Answered { get; init; }

    public bool TryGetStream(string name, out byte[] bytes)
    {
        foreach (var (n, b) in Streams)
            if (n == name) { bytes = b; return true; }
        bytes = [];
        return false;
    }

    public void Dispose() => Header?.Dispose();
}

/// <summary>
/// Reads request frames: <c>GRNF</c>, u32 LE header length, JSON header, the declared payloads. Buffers grow as bytes
/// arrive (at most eight times what arrived), so a length field never makes the host allocate memory for bytes that do not
/// exist. What leaves the reader out of step with the frames throws <see cref="ProtocolViolationException"/>.
/// </summary>
internal sealed class FrameReader(Stream input, PayloadLimits limits)
{
    /// <summary>
    /// Called with each JSON-object header, its declared payloads and the input positioned at them; returns true when
    /// it consumed the payloads and answered the frame itself (streaming <c>echo</c>), false to read them as usual.
    /// </summary>
    public Func<JsonElement, IReadOnlyList<(string Name, long Length)>, Stream, int, bool>? Forward { get; init; }

    /// <summary>Buffers start at this size and grow by <see cref="Growth"/> when full.</summary>
    private const int FirstChunk = 1 << 20;

    /// <summary>
    /// x8 rather than x2: a 1 GiB payload is copied 0.6 GiB on the way instead of 1 GiB and touches 1.6 GiB of fresh
    /// memory instead of 2 (fresh pages, not the copy, dominate on a busy machine).
    /// </summary>
    private const int Growth = 8;

    private static readonly JsonDocumentOptions JsonOptions = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    private readonly byte[] _prefix = new byte[8];
    private int _frames;

    /// <summary>The next frame, or null when the input ends at a frame boundary.</summary>
    public RequestFrame? Read()
    {
        int number = ++_frames;
        int got = Fill(_prefix.AsSpan(0, 4));
        if (got == 0) return null;
        if (got < 4) throw new ProtocolViolationException($"input ends inside the magic of frame {number} ({got} of 4 bytes)");
        if (!_prefix.AsSpan(0, 4).SequenceEqual(HostProtocol.Magic))
            throw new ProtocolViolationException($"frame {number} does not start with the magic GRNF (got 0x{Convert.ToHexString(_prefix, 0, 4)})");
        if (Fill(_prefix.AsSpan(4, 4)) < 4) throw new ProtocolViolationException($"input ends inside the header length of frame {number}");
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(_prefix.AsSpan(4));
        if (headerLength is < HostProtocol.MinHeaderBytes or > HostProtocol.MaxHeaderBytes)
            throw new ProtocolViolationException($"frame {number} declares a header of {headerLength} bytes; a header has {HostProtocol.MinHeaderBytes} to {HostProtocol.MaxHeaderBytes} bytes");
        var header = ReadGrowing(headerLength, () => $"the header of frame {number}");

        JsonDocument? json = null;
        string? jsonError = null;
        // The reader does not check every string's UTF-8; GetString on a bad one would throw later, anywhere.
        if (!System.Text.Unicode.Utf8.IsValid(header)) jsonError = "the header is not valid UTF-8";
        else
        {
            try { json = JsonDocument.Parse(header, JsonOptions); }
            catch (JsonException e) { jsonError = e.Message; }
        }

        // A header that is not a JSON object declares no payloads: the next frame follows at once.
        try
        {
            var declared = json is { RootElement.ValueKind: JsonValueKind.Object } ? Declared(json.RootElement, number) : [];
            if (json is { RootElement.ValueKind: JsonValueKind.Object } && declared.Count > 0 && Forward is { } forward && forward(json.RootElement, declared, input, number))
                return new RequestFrame { Number = number, Header = json, Answered = true };
            return ReadPayloads(number, json, jsonError, declared);
        }
        catch
        {
            json?.Dispose();
            throw;
        }
    }

    private RequestFrame ReadPayloads(int number, JsonDocument? json, string? jsonError, List<(string Name, long Length)> declared)
    {
        long total = 0;
        RequestException? problem = null;
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < declared.Count; i++)
        {
            var (name, length) = declared[i];
            total = total > long.MaxValue - length ? long.MaxValue : total + length;
            if (problem is not null) continue;
            if (!names.Add(name))
                problem = new RequestException(ErrorCode.BadRequest, $"streams[{i}]: the name '{name}' is declared twice", ("field", $"streams[{i}].name"));
            else if (length > limits.MaxPayloadBytes)
                problem = new RequestException(ErrorCode.BadRequest,
                    $"streams[{i}] ('{name}') declares {length} bytes; an inline payload has at most {limits.MaxPayloadBytes} bytes (pass large data by path)",
                    ("field", $"streams[{i}].length"), ("limit", limits.MaxPayloadBytes));
        }
        if (problem is null && total > limits.MaxFramePayloadBytes)
            problem = new RequestException(ErrorCode.BadRequest,
                $"the payloads of this frame total {total} bytes; a frame carries at most {limits.MaxFramePayloadBytes} (pass large data by path)",
                ("field", "streams"), ("limit", limits.MaxFramePayloadBytes));

        if (problem is not null)
        {
            // Stay in step: read past the payloads without keeping them.
            Skip(total, number);
            return new RequestFrame { Number = number, Header = json, JsonError = jsonError, StreamsProblem = problem };
        }
        var streams = new List<(string, byte[])>(declared.Count);
        foreach (var (name, length) in declared)
            streams.Add((name, ReadGrowing(length, () => $"stream '{name}' of frame {number}")));
        return new RequestFrame { Number = number, Header = json, JsonError = jsonError, Streams = streams };
    }

    /// <summary>The <c>streams</c> declaration. A malformed one leaves the payload boundaries unknown: a protocol error.</summary>
    private static List<(string Name, long Length)> Declared(JsonElement header, int number)
    {
        var list = new List<(string, long)>();
        if (!header.TryGetProperty("streams", out var streams) || streams.ValueKind == JsonValueKind.Null) return list;
        if (streams.ValueKind != JsonValueKind.Array)
            throw new ProtocolViolationException($"frame {number}: 'streams' must be an array of {{\"name\", \"length\"}}; the payload boundaries are unknown");
        int i = 0;
        foreach (var s in streams.EnumerateArray())
        {
            if (s.ValueKind != JsonValueKind.Object
                || !s.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || !s.TryGetProperty("length", out var length) || length.ValueKind != JsonValueKind.Number)
                throw new ProtocolViolationException($"frame {number}: streams[{i}] must be an object with a string 'name' and an integer 'length'; the payload boundaries are unknown");
            if (!length.TryGetInt64(out long n) || n < 0 || n > HostProtocol.MaxDeclaredLength)
                throw new ProtocolViolationException($"frame {number}: streams[{i}].length ({Quote(length.GetRawText())}) is not an integer in [0, 2^53); the payload boundaries are unknown");
            list.Add((name.GetString()!, n));
            i++;
        }
        return list;
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes into a buffer that grows with what arrives.</summary>
    private byte[] ReadGrowing(long length, Func<string> what)
    {
        if (length == 0) return [];
        int total = checked((int)length);
        var buffer = GC.AllocateUninitializedArray<byte>(Math.Min(total, FirstChunk));
        int filled = 0;
        while (filled < total)
        {
            if (filled == buffer.Length)
            {
                var larger = GC.AllocateUninitializedArray<byte>((int)Math.Min(total, (long)Growth * buffer.Length));
                buffer.AsSpan(0, filled).CopyTo(larger);
                buffer = larger;
            }
            int n = input.Read(buffer, filled, buffer.Length - filled);
            if (n == 0) throw new ProtocolViolationException($"input ends inside {what()}: {filled} of {total} bytes arrived");
            filled += n;
        }
        return buffer;
    }

    private void Skip(long length, int number)
    {
        var scratch = new byte[64 << 10];
        long left = length;
        while (left > 0)
        {
            int n = input.Read(scratch, 0, (int)Math.Min(left, scratch.Length));
            if (n == 0) throw new ProtocolViolationException($"input ends inside the payloads of frame {number}: {length - left} of {length} bytes arrived");
            left -= n;
        }
    }

    /// <summary>Reads until <paramref name="target"/> is full or the input ends; returns the bytes read.</summary>
    private int Fill(Span<byte> target)
    {
        int filled = 0;
        while (filled < target.Length)
        {
            int n = input.Read(target[filled..]);
            if (n == 0) break;
            filled += n;
        }
        return filled;
    }

    internal static string Quote(string raw) => raw.Length <= 60 ? raw : raw[..60] + "...";
}
