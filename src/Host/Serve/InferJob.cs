using GrnFast.Host.Infer;
using GrnFast.IO;

namespace GrnFast.Host.Serve;

/// <summary>An accepted <c>infer</c> request waiting for or being run by the worker.</summary>
internal sealed class InferJob : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();

    public required RequestId Id { get; init; }
    public required InferRequest Request { get; init; }
    public bool Progress { get; init; }
    /// <summary>Where to write the network instead of returning it as a stream.</summary>
    public string? OutputPath { get; init; }
    /// <summary>The decoded inline expression, freed when the job ends.</summary>
    public ExpressionData? Inline { get; init; }

    public CancellationToken Cancellation => _cancel.Token;

    public void Cancel() => _cancel.Cancel();

    public void Dispose()
    {
        Inline?.Dispose();
        _cancel.Dispose();
    }
}
