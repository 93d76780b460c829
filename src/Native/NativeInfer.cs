using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using GrnFast.Host;
using GrnFast.Host.Infer;
using GrnFast.IO;

namespace GrnFast.Native;

/// <summary>gf_infer: a gf_request turned into the host's <see cref="InferRequest"/>, run by <see cref="InferPipeline"/>.</summary>
internal static unsafe class NativeInfer
{
    public static Network* Run(NativeContext context, NativeData data, Request* request)
    {
        if (request is null) throw Bad("request is NULL");
        if (request->Size < FirstSize)
            throw Bad($"request->size is {request->Size}; set it to sizeof(gf_request) ({sizeof(Request)} in ABI {Exports.AbiVersion}; at least {FirstSize})");
        // Fields appended to gf_request later (prior_sources) are read only when the caller's size covers them:
        // a caller compiled against the first layout passes the smaller size and gets their defaults (zero).
        Request r = default;
        Buffer.MemoryCopy(request, &r, sizeof(Request), Math.Min(request->Size, (uint)sizeof(Request)));
        var names = data.Data.GeneNames;

        var regulators = Indices(r.Regulators, r.RegulatorCount, "regulators", names);
        var targets = r.TargetCount == 0 && r.Targets is null ? null : Indices(r.Targets, r.TargetCount, "targets", names);
        if (targets is { Count: 0 }) throw Bad("n_targets is 0 with targets set; pass targets = NULL to fit every gene");
        var priors = Priors(r, names);
        var options = Options(r);

        var values = new NativeOptionValues(options, context.Seed);
        var settings = InferOptionRules.Read(values, priors.Count, null);
        values.CheckAllRead();
        if (regulators.Count == 0 && settings.CellOracle?.BaseGrn is null)
            throw Bad(settings.CellOracle is null ? "n_regulators is 0; give at least one regulator" : "n_regulators is 0; celloracle then takes its regulators from a base GRN (option base-grn)");

        var inferRequest = settings.ToRequest(new ExpressionInput.InMemory(data.Data),
            regulators.Count == 0 ? null : new GeneListInput.Listed("regulators", regulators),
            targets is null ? null : new GeneListInput.Listed("targets", targets),
            [.. priors.Select(p => new PriorInput.Loaded(p))], context.Threads);

        var cts = context.BeginRun();
        Timer? poll = null;
        try
        {
            int* flag = r.Cancel;
            if (flag is not null)
            {
                if (Volatile.Read(ref *flag) != 0) cts.Cancel();
                poll = new Timer(_ => { if (Volatile.Read(ref *flag) != 0) cts.Cancel(); }, null, 10, 10);
            }
            var progress = r.Progress == null && flag is null ? null : new CallbackProgress(r.Progress, r.ProgressUser, flag, cts);
            var log = new Log(context.LogCallback == null ? TextWriter.Null : new CallbackLogWriter(context));
            var outcome = InferPipeline.Run(inferRequest, log, cts.Token, progress);
            return Networks.Allocate(outcome.Edges, names);
        }
        finally
        {
            poll?.Dispose();
            context.EndRun(cts);
        }
    }

    private static List<string> Indices(int* indices, int count, string field, IReadOnlyList<string> names)
    {
        if (count < 0) throw Bad($"n_{field} is {count}");
        if (count > 0 && indices is null) throw Bad($"{field} is NULL with n_{field} = {count}");
        var list = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            int g = indices[i];
            if ((uint)g >= (uint)names.Count) throw Bad($"{field}[{i}] = {g} is not a gene index (0..{names.Count - 1})");
            list.Add(names[g]);
        }
        return list;
    }

    /// <summary>The size of gf_request before prior_sources was appended: the least a caller may pass.</summary>
    private static readonly uint FirstSize = (uint)Marshal.OffsetOf<Request>(nameof(Request.PriorSources));

    /// <summary>The prior edges as sources: one, or one per distinct prior_sources value (0..S-1, each used).</summary>
    private static List<PriorSource> Priors(Request r, IReadOnlyList<string> names)
    {
        if (r.PriorCount < 0) throw Bad($"n_priors is {r.PriorCount}");
        if (r.PriorCount == 0)
        {
            if (r.PriorSources is not null) throw Bad("prior_sources is set with n_priors = 0");
            return [];
        }
        if (r.PriorCount > int.MaxValue) throw new NativeArgumentException(Status.Unsupported, $"n_priors {r.PriorCount}: at most {int.MaxValue} prior edges");
        if (r.PriorRegulators is null || r.PriorTargets is null)
            throw Bad($"{(r.PriorRegulators is null ? "prior_regulators" : "prior_targets")} is NULL with n_priors = {r.PriorCount}");
        var edges = new PriorEdge[r.PriorCount];
        for (int i = 0; i < edges.Length; i++)
        {
            int a = r.PriorRegulators[i], b = r.PriorTargets[i];
            if ((uint)a >= (uint)names.Count) throw Bad($"prior_regulators[{i}] = {a} is not a gene index (0..{names.Count - 1})");
            if ((uint)b >= (uint)names.Count) throw Bad($"prior_targets[{i}] = {b} is not a gene index (0..{names.Count - 1})");
            double w = r.PriorWeights is null ? 1 : r.PriorWeights[i];
            if (!(w >= 0 && w <= 1)) throw Bad($"prior_weights[{i}] = {w} is not a confidence in [0, 1]");
            edges[i] = new PriorEdge(names[a], names[b], w, i);
        }
        if (r.PriorSources is null) return [new PriorSource("gf_request.prior", edges)];
        int sources = 0;
        for (int i = 0; i < edges.Length; i++)
        {
            int s = r.PriorSources[i];
            if (s < 0 || s >= edges.Length) throw Bad($"prior_sources[{i}] = {s} is not a source number (0..n_priors - 1)");
            sources = Math.Max(sources, s + 1);
        }
        var bySource = new List<PriorEdge>[sources];
        for (int s = 0; s < sources; s++) bySource[s] = [];
        for (int i = 0; i < edges.Length; i++) bySource[r.PriorSources[i]].Add(edges[i]);
        for (int s = 0; s < sources; s++)
            if (bySource[s].Count == 0) throw Bad($"prior source {s} has no edge; number the sources 0..{sources - 1} without gaps");
        // A source's edges keep their index in the request as their "line", so messages point at prior_*[i].
        return [.. bySource.Select((list, s) => new PriorSource($"gf_request.prior[source {s}]", list.ToArray()))];
    }

    private static List<(string, string)> Options(Request r)
    {
        if (r.OptionCount < 0) throw new NativeArgumentException(Status.Option, $"n_options is {r.OptionCount}");
        if (r.OptionCount > 0 && (r.OptionKeys is null || r.OptionValues is null))
            throw new NativeArgumentException(Status.Option, $"{(r.OptionKeys is null ? "option_keys" : "option_values")} is NULL with n_options = {r.OptionCount}");
        var list = new List<(string, string)>(r.OptionCount);
        for (int i = 0; i < r.OptionCount; i++)
        {
            if (r.OptionKeys[i] is null) throw new NativeArgumentException(Status.Option, $"option_keys[{i}] is NULL");
            if (r.OptionValues[i] is null) throw new NativeArgumentException(Status.Option, $"option_values[{i}] is NULL");
            list.Add((Marshal.PtrToStringUTF8((nint)r.OptionKeys[i])!, Marshal.PtrToStringUTF8((nint)r.OptionValues[i])!));
        }
        return list;
    }

    private static NativeArgumentException Bad(string message) => new(Status.Argument, message);

    /// <summary>The caller's progress callback, one call at a time; a nonzero return or the flag cancels the run.</summary>
    private sealed class CallbackProgress(delegate* unmanaged<void*, int, int, int> callback, void* user, int* flag, CancellationTokenSource cts)
        : IProgress<(int Done, int Total)>
    {
        private readonly Lock _lock = new();

        public void Report((int Done, int Total) value)
        {
            if (flag is not null && Volatile.Read(ref *flag) != 0) cts.Cancel();
            if (callback == null) return;
            int stop;
            lock (_lock) stop = callback(user, value.Done, value.Total);
            if (stop != 0) cts.Cancel();
        }
    }
}

/// <summary>gf_network: one native allocation (header, then the four arrays), freed by gf_network_free.</summary>
internal static unsafe class Networks
{
    private static readonly ConcurrentDictionary<nint, byte> Live = new();

    /// <summary>The edges in the command line's order (importance descending, then regulator and target name), as gene indices.</summary>
    public static Network* Allocate(List<NetworkEdge> edges, IReadOnlyList<string> names)
    {
        var sorted = edges.ToArray();
        Array.Sort(sorted, NetworkWriter.Compare);
        var index = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++) index[names[i]] = i;
        long n = sorted.Length;
        // std: pmf-grn and joint give every edge a posterior standard deviation; other methods none (NULL).
        bool std = n > 0 && sorted.All(e => e.Std is not null);
        nuint bytes = (nuint)(sizeof(Network) + n * (2 * sizeof(int) + (std ? 3 : 2) * sizeof(double)));
        var block = (byte*)NativeMemory.AlignedAlloc(bytes, 16);
        var net = (Network*)block;
        net->Count = n;
        net->Importance = (double*)(block + sizeof(Network));
        net->Coefficient = net->Importance + n;
        net->Std = std ? net->Coefficient + n : null;
        net->Regulators = (int*)(net->Coefficient + (std ? 2 * n : n));
        net->Targets = net->Regulators + n;
        for (int k = 0; k < n; k++)
        {
            net->Regulators[k] = index[sorted[k].Regulator];
            net->Targets[k] = index[sorted[k].Target];
            net->Importance[k] = sorted[k].Importance;
            net->Coefficient[k] = sorted[k].Coefficient;
            if (std) net->Std[k] = sorted[k].Std!.Value;
        }
        Live[(nint)net] = 0;
        return net;
    }

    public static bool IsLive(Network* net) => net is not null && Live.ContainsKey((nint)net);

    public static bool Free(Network* net)
    {
        if (net is null || !Live.TryRemove((nint)net, out _)) return false;
        NativeMemory.AlignedFree(net);
        return true;
    }
}
