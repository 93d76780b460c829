namespace GrnFast.Host.Cli;

/// <summary>The command line itself is wrong (unknown option, missing or bad value): exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
