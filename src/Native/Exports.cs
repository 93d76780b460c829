using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GrnFast.Host.Info;
using GrnFast.Host.Infer;
using GrnFast.IO;
using GrnFast.Kernels;
using GrnFast.Kernels.Blas;

namespace GrnFast.Native;

/// <summary>
/// The entry points of libgrnfast.so (include/grnfast.h documents them). Each validates its arguments and
/// catches everything: no exception crosses into C; a failure is a GF_ERR_* code plus, where a context is
/// given, a message from gf_last_error.
/// </summary>
internal static unsafe class Exports
{
    /// <summary>GRNFAST_ABI_VERSION: raised when a struct, signature or code's meaning changes.</summary>
    public const int AbiVersion = 1;

    /// <summary>gf_context_options.blas: GF_BLAS_DEFAULT and GF_BLAS_MANAGED (the same in this version).</summary>
    public const int BlasDefault = 0, BlasManaged = 1;

    /// <summary>gf_describe's "features=": what was appended to ABI 1 after its first layout, for callers to check.</summary>
    public const string Features = "prior_sources,network_std,blas_managed";

    private static readonly byte* VersionText = NativeContext.Utf8(InfoCommand.Version);

    [UnmanagedCallersOnly(EntryPoint = "gf_abi_version")]
    public static int GetAbiVersion() => AbiVersion;

    [UnmanagedCallersOnly(EntryPoint = "gf_version")]
    public static byte* GetVersion() => VersionText;

    [UnmanagedCallersOnly(EntryPoint = "gf_context_create")]
    public static int ContextCreate(int abiVersion, ContextOptions* options, nint* context)
    {
        try
        {
            if (context is null) return Status.Argument;
            *context = 0;
            if (abiVersion != AbiVersion) return Status.AbiMismatch;
            int threads = 0, seedSet = 0, seed = 0;
            delegate* unmanaged<void*, int, byte*, void> log = null;
            void* logUser = null;
            if (options is not null)
            {
                if (options->Size < (uint)sizeof(ContextOptions)) return Status.Argument;
                if (options->Threads < 0 || options->HasSeed is not (0 or 1) || options->Blas < 0) return Status.Argument;
                // GF_BLAS_DEFAULT or GF_BLAS_MANAGED, which are the same: the pipeline's cross-products of the
                // elastic-net methods and celloracle always use the managed GEMM (deterministic per column, so
                // results do not depend on threads or shards); netrex-cf, pmf-grn and joint resolve theirs as
                // grnfast infer does (GRNFAST_BLAS). There is no context yet for gf_last_error: the log callback
                // gets the reason.
                if (options->Blas is not (BlasDefault or BlasManaged))
                {
                    if (options->Log != null)
                    {
                        var text = NativeContext.Utf8($"gf_context_options.blas = {options->Blas} is not supported: use GF_BLAS_DEFAULT (0) or GF_BLAS_MANAGED (1); "
                            + "grnfast infer's cross-products use the managed GEMM (netrex-cf, pmf-grn and joint: the BLAS named by GRNFAST_BLAS)");
                        try { options->Log(options->LogUser, 1, text); }
                        finally { NativeMemory.Free(text); }
                    }
                    return Status.Unsupported;
                }
                threads = options->Threads;
                seedSet = options->HasSeed;
                seed = options->Seed;
                log = options->Log;
                logUser = options->LogUser;
            }
            var ctx = new NativeContext { Threads = threads, Seed = seedSet == 1 ? seed : null, LogCallback = log, LogUser = logUser };
            *context = Handles.Add(ctx);
            return Status.Ok;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "gf_context_free")]
    public static int ContextFree(nint context)
    {
        try
        {
            var ctx = Handles.Get<NativeContext>(context, "context");
            // Claimed for good: a call that starts from now on gets GF_ERR_BUSY, then GF_ERR_ARGUMENT.
            if (!ctx.Enter()) return Status.Busy;
            if (!Handles.TryRemove<NativeContext>(context, out _)) return Status.Argument;
            ctx.Release();
            return Status.Ok;
        }
        catch (NativeArgumentException e)
        {
            return e.Status;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "gf_last_error")]
    public static byte* LastError(nint context)
    {
        try
        {
            var ctx = Handles.Get<NativeContext>(context, "context");
            return ctx.Error is null ? EmptyText : ctx.Error;
        }
        catch (Exception)
        {
            return InvalidContextText;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "gf_cancel")]
    public static int Cancel(nint context)
    {
        try
        {
            var ctx = Handles.Get<NativeContext>(context, "context");
            ctx.Cancel();
            return Status.Ok;
        }
        catch (NativeArgumentException e) { return e.Status; }
        catch (Exception) { return Status.Internal; }
    }

    [UnmanagedCallersOnly(EntryPoint = "gf_describe")]
    public static int Describe(nint context, byte** text)
        => Call(context, ctx =>
        {
            if (text is null) throw new NativeArgumentException(Status.Argument, "text is NULL");
            *text = null;
            *text = ctx.SetDescription(
                $"version={InfoCommand.Version}\nabi={AbiVersion}\nisa={KernelInfo.InstructionSet}\n"
                + $"threads={(ctx.Threads == 0 ? Environment.ProcessorCount : ctx.Threads)}\n"
                + "gemm=managed (deterministic blocked GEMM; lasso, elasticnet, ridge, celloracle)\n"
                + $"blas={BlasResolver.Describe()} (netrex-cf, pmf-grn, joint)\n"
                + $"methods={string.Join(",", Methods())}\n"
                + $"features={Features}\n");
        });

    [UnmanagedCallersOnly(EntryPoint = "gf_data_dense")]
    public static int DataDense(nint context, void* values, int dtype, int layout, long cells, long genes, long ld, byte** geneNames, nint* data)
        => Call(context, ctx =>
        {
            if (data is null) throw new NativeArgumentException(Status.Argument, "data (the out pointer) is NULL");
            *data = 0;
            *data = Handles.Add(NativeData.Dense(values, dtype, layout, cells, genes, ld, geneNames));
        });

    [UnmanagedCallersOnly(EntryPoint = "gf_data_csr")]
    public static int DataCsr(nint context, long* indptr, int* indices, float* values, long cells, long genes, byte** geneNames, nint* data)
        => Call(context, ctx =>
        {
            if (data is null) throw new NativeArgumentException(Status.Argument, "data (the out pointer) is NULL");
            *data = 0;
            *data = Handles.Add(NativeData.Csr(indptr, indices, values, cells, genes, geneNames));
        });

    [UnmanagedCallersOnly(EntryPoint = "gf_data_copied")]
    public static int DataCopied(nint context, nint data, int* copied)
        => Call(context, ctx =>
        {
            if (copied is null) throw new NativeArgumentException(Status.Argument, "copied is NULL");
            *copied = Handles.Get<NativeData>(data, "data").Copied ? 1 : 0;
        });

    [UnmanagedCallersOnly(EntryPoint = "gf_data_free")]
    public static int DataFree(nint data)
    {
        try
        {
            if (!Handles.TryRemove<NativeData>(data, out var d)) return Status.Argument;
            d!.Data.Dispose();
            return Status.Ok;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "gf_infer")]
    public static int Infer(nint context, nint data, Request* request, Network** network)
        => Call(context, ctx =>
        {
            if (network is null) throw new NativeArgumentException(Status.Argument, "network (the out pointer) is NULL");
            *network = null;
            *network = NativeInfer.Run(ctx, Handles.Get<NativeData>(data, "data"), request);
        });

    [UnmanagedCallersOnly(EntryPoint = "gf_network_copy")]
    public static int NetworkCopy(Network* network, long capacity, int* regulators, int* targets, double* importance, double* coefficient)
    {
        try
        {
            if (!Networks.IsLive(network)) return Status.Argument;
            long n = network->Count;
            if (capacity < 0) return Status.Argument;
            if (capacity < n) return Status.BufferTooSmall;
            if (n > 0 && regulators is null && targets is null && importance is null && coefficient is null) return Status.Argument;
            if (regulators is not null) new ReadOnlySpan<int>(network->Regulators, (int)n).CopyTo(new Span<int>(regulators, (int)n));
            if (targets is not null) new ReadOnlySpan<int>(network->Targets, (int)n).CopyTo(new Span<int>(targets, (int)n));
            if (importance is not null) new ReadOnlySpan<double>(network->Importance, (int)n).CopyTo(new Span<double>(importance, (int)n));
            if (coefficient is not null) new ReadOnlySpan<double>(network->Coefficient, (int)n).CopyTo(new Span<double>(coefficient, (int)n));
            return Status.Ok;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "gf_network_free")]
    public static int NetworkFree(Network* network)
    {
        try { return Networks.Free(network) ? Status.Ok : Status.Argument; }
        catch (Exception) { return Status.Internal; }
    }

    private static readonly byte* EmptyText = NativeContext.Utf8("");
    private static readonly byte* InvalidContextText = NativeContext.Utf8("gf_last_error: not a live context handle");

    /// <summary>The methods <c>--method</c> accepts: the shared option rules' own list.</summary>
    private static IEnumerable<string> Methods() => InferOptionRules.Methods;

    /// <summary>Runs one call on a context: claims it, clears its error, maps any exception to a code and message.</summary>
    private static int Call(nint context, Action<NativeContext> body, [CallerMemberName] string entry = "")
    {
        NativeContext ctx;
        try { ctx = Handles.Get<NativeContext>(context, "context"); }
        catch (NativeArgumentException e) { return e.Status; }
        catch (Exception) { return Status.Internal; }
        if (!ctx.Enter()) return Status.Busy;
        try
        {
            ctx.SetError(null);
            body(ctx);
            return Status.Ok;
        }
        catch (Exception e)
        {
            var (status, message) = Classify(e);
            try { ctx.SetError(message); } catch (Exception) { }
            return status;
        }
        finally
        {
            ctx.Exit();
        }
    }

    private static (int Status, string Message) Classify(Exception e) => e switch
    {
        NativeArgumentException a => (a.Status, a.Message),
        OperationCanceledException => (Status.Cancelled, "cancelled"),
        InputFormatException or InputFieldException or InvalidDataException => (Status.Input, e.Message),
        FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException => (Status.Input, e.Message),
        OutOfMemoryException => (Status.OutOfMemory, "out of memory"),
        _ => (Status.Internal, $"internal error ({e.GetType().Name}): {e.Message}"),
    };
}
