using GrnFast.Solvers.Data;

namespace GrnFast.Host.Shard;

/// <summary>
/// Which targets each of N shards fits. A target's cost is its candidate count plus one (loading its
/// Gram slice and its path grow with the candidates; the one keeps candidate-free targets from being free),
/// and targets go, most expensive first, to the shard with the least cost so far (ties: lower target
/// position, then lower shard): the longest-processing-time rule, within 4/3 of the best balance. It depends
/// only on the problem, so every shard of a run computes the same plan on its own.
/// </summary>
internal static class ShardPlan
{
    /// <summary>The cost of fitting each target: candidates + 1.</summary>
    public static long[] Costs(RegulatorTargetProblem problem)
    {
        var candidates = problem.Candidates();
        var costs = new long[candidates.Length];
        for (int j = 0; j < costs.Length; j++) costs[j] = candidates[j].Regulators.Length + 1L;
        return costs;
    }

    /// <summary>The shard (0-based) of every target.</summary>
    public static int[] Assign(IReadOnlyList<long> costs, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        var order = new int[costs.Count];
        for (int j = 0; j < order.Length; j++) order[j] = j;
        Array.Sort(order, (a, b) => costs[a] != costs[b] ? costs[b].CompareTo(costs[a]) : a.CompareTo(b));
        var load = new PriorityQueue<int, (long Load, int Shard)>(shards);
        for (int s = 0; s < shards; s++) load.Enqueue(s, (0, s));
        var shardOf = new int[costs.Count];
        foreach (int j in order)
        {
            load.TryDequeue(out int s, out var current);
            shardOf[j] = s;
            load.Enqueue(s, (current.Load + costs[j], s));
        }
        return shardOf;
    }

    /// <summary>
    /// The problem restricted to the targets of <paramref name="shard"/> (in their original order, with their
    /// penalty weights), and what the manifest records about the plan.
    /// </summary>
    public static (RegulatorTargetProblem Problem, ShardSelection Selection) Select(RegulatorTargetProblem problem, ShardSpec shard, IReadOnlyList<string> geneNames)
    {
        var costs = Costs(problem);
        var shardOf = Assign(costs, shard.Count);
        int t = problem.TargetColumns.Length;
        var position = new int[t];
        var kept = new List<int>();
        long shardCost = 0, totalCost = 0;
        for (int j = 0; j < t; j++)
        {
            totalCost += costs[j];
            position[j] = -1;
            if (shardOf[j] != shard.Index - 1) continue;
            position[j] = kept.Count;
            kept.Add(problem.TargetColumns[j]);
            shardCost += costs[j];
        }
        var weights = new PenaltyWeights(problem.Weights.DefaultWeight);
        foreach (var (r, j, w) in problem.Weights.Entries)
            if (position[j] >= 0) weights.Set(r, position[j], w);
        var restricted = new RegulatorTargetProblem(problem.RegulatorColumns, kept.ToArray(), weights);
        var selection = new ShardSelection(shard, t, totalCost, shardCost, PlanDigest(problem, costs, geneNames));
        return (restricted, selection);
    }

    /// <summary>SHA-256 over every target's name and cost, in order: shards of one run agree on it.</summary>
    private static string PlanDigest(RegulatorTargetProblem problem, long[] costs, IReadOnlyList<string> geneNames)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        for (int j = 0; j < costs.Length; j++)
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{geneNames[problem.TargetColumns[j]]}\t{costs[j]}\n"));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

/// <summary>The shard a run fitted: how many targets the whole run has, the costs, and the plan's digest.</summary>
internal sealed record ShardSelection(ShardSpec Shard, int TotalTargets, long TotalCost, long ShardCost, string PlanDigest);
