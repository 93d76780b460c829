namespace GrnFast.Native;

/// <summary>The return codes of every entry point (GF_OK, GF_ERR_* in include/grnfast.h; the values are the ABI).</summary>
internal static class Status
{
    public const int Ok = 0;
    /// <summary>A null or invalid pointer, handle, size, index or enum value: the caller's bug.</summary>
    public const int Argument = 1;
    /// <summary>An option's name or value is not accepted (the command line's rules).</summary>
    public const int Option = 2;
    /// <summary>The data cannot be fitted as given (e.g. a regulator with zero variance only, a missing file).</summary>
    public const int Input = 3;
    public const int Cancelled = 4;
    /// <summary>Valid, but this build cannot do it (e.g. a matrix of more than 2^31 - 1 values).</summary>
    public const int Unsupported = 5;
    /// <summary>Another call is using the context right now.</summary>
    public const int Busy = 6;
    /// <summary>gf_network_copy: the caller's buffers hold fewer edges than the network has.</summary>
    public const int BufferTooSmall = 7;
    /// <summary>The caller was compiled against another GRNFAST_ABI_VERSION.</summary>
    public const int AbiMismatch = 8;
    public const int OutOfMemory = 9;
    /// <summary>A bug in the library; the message says where.</summary>
    public const int Internal = 99;
}

/// <summary>A rejected argument of an entry point; its message is the context's error message.</summary>
internal sealed class NativeArgumentException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
