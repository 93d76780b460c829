using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GrnFast.Host.Tests.Serve;

/// <summary>A response frame as a client sees it: the header and the payloads by name.</summary>
public sealed record ResponseFrame(JsonElement Header, IReadOnlyList<(string Name, byte[] Bytes)> Streams)
{
    public string Type => Header.GetProperty("type").GetString()!;

    /// <summary>The id as raw JSON ("\"r1\"", "7" or "null").</summary>
    public string Id => Header.TryGetProperty("id", out var id) ? id.GetRawText() : "(none)";

    public string? Code => Header.TryGetProperty("code", out var c) ? c.GetString() : null;

    public string Message => Header.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";

    public JsonElement Data => Header.GetProperty("data");

    public byte[] Stream(string name) => Streams.Single(s => s.Name == name).Bytes;

    public override string ToString() => Header.GetRawText();
}

/// <summary>Builds request frames and reads response frames, strictly (a malformed response fails the test).</summary>
public static class Frames
{
    /// <summary>A frame with <paramref name="header"/> (JSON text) and payloads; a "streams" declaration is added for them.</summary>
    public static byte[] Request(string header, params (string Name, byte[] Bytes)[] streams)
    {
        if (streams.Length == 0) return Raw(Encoding.UTF8.GetBytes(header));
        var node = JsonNode.Parse(header)!.AsObject();
        var declared = new JsonArray();
        foreach (var (name, bytes) in streams) declared.Add(new JsonObject { ["name"] = name, ["length"] = bytes.Length });
        node["streams"] = declared;
        return Raw(Encoding.UTF8.GetBytes(node.ToJsonString()), streams.Select(s => s.Bytes).ToArray());
    }

    /// <summary>Magic, header length, header bytes as given, payloads back to back.</summary>
    public static byte[] Raw(byte[] header, params byte[][] payloads)
    {
        var frame = new byte[8 + header.Length + payloads.Sum(p => p.Length)];
        "GRNF"u8.CopyTo(frame);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), (uint)header.Length);
        header.CopyTo(frame, 8);
        int at = 8 + header.Length;
        foreach (var p in payloads) { p.CopyTo(frame, at); at += p.Length; }
        return frame;
    }

    public static byte[] Concat(params byte[][] frames) => frames.SelectMany(f => f).ToArray();

    /// <summary>Every frame of a host's complete output; throws if the bytes are not a sequence of well-formed frames.</summary>
    public static List<ResponseFrame> ParseAll(byte[] output)
    {
        var frames = new List<ResponseFrame>();
        using var stream = new MemoryStream(output);
        while (stream.Position < stream.Length) frames.Add(Read(stream) ?? throw new InvalidDataException("truncated frame"));
        return frames;
    }

    /// <summary>The next frame, or null at the end of the stream (at a frame boundary).</summary>
    public static ResponseFrame? Read(Stream stream)
    {
        var prefix = new byte[8];
        int got = ReadFully(stream, prefix);
        if (got == 0) return null;
        if (got < 8) throw new InvalidDataException($"stream ends inside a frame prefix ({got} bytes)");
        if (!prefix.AsSpan(0, 4).SequenceEqual("GRNF"u8)) throw new InvalidDataException($"bad magic {Convert.ToHexString(prefix, 0, 4)}");
        int length = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(prefix.AsSpan(4)));
        if (length is < 2 or > 16 << 20) throw new InvalidDataException($"header length {length}");
        var header = new byte[length];
        if (ReadFully(stream, header) != length) throw new InvalidDataException("stream ends inside a header");
        var root = JsonDocument.Parse(header).RootElement.Clone();
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException("header is not an object");
        var streams = new List<(string, byte[])>();
        if (root.TryGetProperty("streams", out var declared))
            foreach (var s in declared.EnumerateArray())
            {
                var bytes = new byte[s.GetProperty("length").GetInt32()];
                if (ReadFully(stream, bytes) != bytes.Length) throw new InvalidDataException("stream ends inside a payload");
                streams.Add((s.GetProperty("name").GetString()!, bytes));
            }
        return new ResponseFrame(root, streams);
    }

    private static int ReadFully(Stream stream, byte[] buffer)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int n = stream.Read(buffer, filled, buffer.Length - filled);
            if (n == 0) break;
            filled += n;
        }
        return filled;
    }
}
