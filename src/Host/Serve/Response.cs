using System.Buffers;
using System.Text.Json;

namespace GrnFast.Host.Serve;

/// <summary>
/// One response frame being built: its JSON header (written with <see cref="Json"/>) and its payloads. The
/// header's <c>streams</c> array is added by <see cref="Finish"/> from the payloads.
/// </summary>
internal sealed class Response
{
    /// <summary>Longest message text sent; longer ones (e.g. quoting a huge field) are cut.</summary>
    private const int MaxMessageChars = 4000;

    private readonly ArrayBufferWriter<byte> _header = new(256);
    private readonly List<(string Name, ReadOnlyMemory<byte> Bytes)> _streams = [];

    private Response(string type)
    {
        Json = new Utf8JsonWriter(_header);
        Json.WriteStartObject();
        Json.WriteString("type", type);
    }

    public Utf8JsonWriter Json { get; }

    public IReadOnlyList<(string Name, ReadOnlyMemory<byte> Bytes)> Streams => _streams;

    public static Response Hello()
    {
        var r = new Response("hello");
        r.WriteHelloFields();
        return r;
    }

    public static Response Result(RequestId id, string op)
    {
        var r = new Response("result");
        id.Write(r.Json, "id");
        r.Json.WriteString("op", op);
        return r;
    }

    public static Response Progress(RequestId id, int done, int total)
    {
        var r = new Response("progress");
        id.Write(r.Json, "id");
        r.Json.WriteNumber("done", done);
        r.Json.WriteNumber("total", total);
        return r;
    }

    public static Response Error(RequestId? id, string code, string message, IEnumerable<(string Key, object? Value)>? details = null)
    {
        var r = new Response("error");
        if (id is { } i) i.Write(r.Json, "id");
        else r.Json.WriteNull("id");
        r.Json.WriteString("code", code);
        r.Json.WriteString("message", Cut(message));
        r.Json.WriteStartObject("data");
        foreach (var (key, value) in details ?? [])
        {
            switch (value)
            {
                case null: r.Json.WriteNull(key); break;
                case string s: r.Json.WriteString(key, Cut(s)); break;
                case int n: r.Json.WriteNumber(key, n); break;
                case long n: r.Json.WriteNumber(key, n); break;
                case double d when double.IsFinite(d): r.Json.WriteNumber(key, d); break;
                case bool b: r.Json.WriteBoolean(key, b); break;
                case RequestId rid: rid.Write(r.Json, key); break;
                case int[] ns:
                    r.Json.WriteStartArray(key);
                    foreach (var n in ns) r.Json.WriteNumberValue(n);
                    r.Json.WriteEndArray();
                    break;
                default: r.Json.WriteString(key, Cut(value.ToString() ?? "")); break;
            }
        }
        r.Json.WriteEndObject();
        return r;
    }

    public static Response Error(RequestId? id, RequestException e) => Error(id, e.Code, e.Message, e.Details);

    /// <summary>The fields of the handshake, also the result of a <c>hello</c> request.</summary>
    public void WriteHelloFields()
    {
        Json.WriteNumber("protocol", HostProtocol.Version);
        Json.WriteString("version", Info.InfoCommand.Version);
        Json.WriteStartArray("methods");
        foreach (var m in HostProtocol.Methods) Json.WriteStringValue(m);
        Json.WriteEndArray();
    }

    public void AddStream(string name, ReadOnlyMemory<byte> bytes) => _streams.Add((name, bytes));

    private readonly List<(string Name, long Length)> _forwarded = [];

    /// <summary>Declares a payload of <paramref name="length"/> bytes that the sender copies in (see <see cref="FrameWriter.SendForwarding"/>).</summary>
    public void DeclareStream(string name, long length) => _forwarded.Add((name, length));

    public IReadOnlyList<(string Name, long Length)> Forwarded => _forwarded;

    /// <summary>Closes the header (adding <c>streams</c>) and returns its UTF-8 bytes.</summary>
    public ReadOnlyMemory<byte> Finish()
    {
        if (_streams.Count > 0 || _forwarded.Count > 0)
        {
            Json.WriteStartArray("streams");
            foreach (var (name, bytes) in _streams)
            {
                Json.WriteStartObject();
                Json.WriteString("name", name);
                Json.WriteNumber("length", bytes.Length);
                Json.WriteEndObject();
            }
            foreach (var (name, length) in _forwarded)
            {
                Json.WriteStartObject();
                Json.WriteString("name", name);
                Json.WriteNumber("length", length);
                Json.WriteEndObject();
            }
            Json.WriteEndArray();
        }
        Json.WriteEndObject();
        Json.Flush();
        return _header.WrittenMemory;
    }

    private static string Cut(string s) => s.Length <= MaxMessageChars ? s : string.Concat(s.AsSpan(0, MaxMessageChars), "...");
}
