using System.Globalization;
using System.Text.Json;

namespace GrnFast.Host.Serve;

/// <summary>A request's <c>id</c>: a string or an integer, echoed with the same JSON type. "1" and 1 are different ids.</summary>
internal readonly record struct RequestId(string? Text, long Number)
{
    /// <summary>Reads a string (at most <see cref="HostProtocol.MaxIdLength"/> characters) or a 64-bit integer.</summary>
    public static bool TryRead(JsonElement e, out RequestId id)
    {
        id = default;
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                var s = e.GetString()!;
                if (s.Length > HostProtocol.MaxIdLength) return false;
                id = new RequestId(s, 0);
                return true;
            case JsonValueKind.Number when e.TryGetInt64(out long n):
                id = new RequestId(null, n);
                return true;
            default:
                return false;
        }
    }

    public void Write(Utf8JsonWriter json, string property)
    {
        if (Text is not null) json.WriteString(property, Text);
        else json.WriteNumber(property, Number);
    }

    public override string ToString() => Text ?? Number.ToString(CultureInfo.InvariantCulture);
}
