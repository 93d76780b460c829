namespace GrnFast.Host.Serve;

/// <summary>The constants of the host protocol (docs/protocol.md).</summary>
internal static class HostProtocol
{
    public const int Version = 1;

    /// <summary>"GRNF", the first four bytes of every frame.</summary>
    public static ReadOnlySpan<byte> Magic => "GRNF"u8;

    public const int MinHeaderBytes = 2;

    /// <summary>16 MiB: a longer header is a protocol error (it cannot be a sensible request).</summary>
    public const int MaxHeaderBytes = 16 << 20;

    /// <summary>
    /// The largest single inline payload the host accepts, 2 GiB - 1 MiB (a payload is one managed array). Larger
    /// data goes by path (.arrows files are memory-mapped).
    /// </summary>
    public const long MaxPayloadBytes = (2L << 30) - (1L << 20);

    /// <summary>The largest sum of the payloads of one frame, 4 GiB.</summary>
    public const long MaxFramePayloadBytes = 4L << 30;

    /// <summary>Payload lengths are JSON integers below 2^53 (exact in every JSON implementation).</summary>
    public const long MaxDeclaredLength = (1L << 53) - 1;

    /// <summary>String ids longer than this are refused (they are echoed in every response).</summary>
    public const int MaxIdLength = 256;

    /// <summary>The methods an <c>infer</c> request runs: the command line's (celloracle answers with its links table).</summary>
    public static readonly IReadOnlyList<string> Methods = Infer.InferOptionRules.Methods;
}

/// <summary>The size limits on inline payloads; tests lower them to exercise the limits without gigabytes.</summary>
internal sealed record PayloadLimits(long MaxPayloadBytes, long MaxFramePayloadBytes)
{
    public static PayloadLimits Default { get; } = new(HostProtocol.MaxPayloadBytes, HostProtocol.MaxFramePayloadBytes);
}

/// <summary>The <c>code</c> of an error response.</summary>
internal static class ErrorCode
{
    public const string BadRequest = "bad_request";
    public const string InvalidJson = "invalid_json";
    public const string UnknownOp = "unknown_op";
    public const string BadArrow = "bad_arrow";
    public const string BadInput = "bad_input";
    public const string NotFound = "not_found";
    public const string Cancelled = "cancelled";
    public const string UnsupportedProtocol = "unsupported_protocol";
    public const string Internal = "internal";
    public const string Protocol = "protocol";
}
