namespace GrnFast.Host.Serve;

/// <summary>A request that gets an error response: its <see cref="ErrorCode"/>, message and <c>data</c> fields.</summary>
internal sealed class RequestException(string code, string message, params (string Key, object? Value)[] details) : Exception(message)
{
    public string Code { get; } = code;

    /// <summary>The fields of the response's <c>data</c> object (string, integer or floating-point values).</summary>
    public IReadOnlyList<(string Key, object? Value)> Details { get; } = details;

    public static RequestException BadRequest(string field, string message) => new(ErrorCode.BadRequest, message, ("field", field));
}

/// <summary>The byte stream cannot be resynchronised: the host answers <c>protocol</c> and exits with code 2.</summary>
internal sealed class ProtocolViolationException(string message) : Exception(message);
