using GrnFast.IO;
using GrnFast.Solvers.Evaluation;

namespace GrnFast.Host.Evaluate;

/// <summary>A gold standard as read, with what was dropped on the way.</summary>
internal sealed record LoadedGoldStandard(string Path, GoldStandard Gold, int SelfLoops, int Duplicates, int AbsentRows);

/// <summary>A network or prior as read: distinct non-self pairs, first occurrence kept.</summary>
internal sealed record LoadedNetwork(string Path, Dictionary<GenePair, PredictedScore> Edges, IReadOnlyList<GenePair> Order,
    HashSet<string> Genes, bool HasWeights, bool HasCoefficients, int SelfLoops, int Duplicates);

/// <summary>
/// Reads gold standards, networks and priors for <c>evaluate</c> and <c>prior</c>: self loops are dropped (they never
/// count) and reported; a repeated pair is warned about with its first repeat's line and the count, and the first
/// occurrence is kept.
/// </summary>
internal static class EdgeFiles
{
    public static LoadedGoldStandard ReadGoldStandard(string path, Log log)
    {
        var file = EdgeListReader.ReadGoldStandard(path);
        var genes = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<GenePair, int>();
        var edges = new Dictionary<GenePair, EdgeSign>();
        int selfLoops = 0, duplicates = 0, absent = 0;
        string? firstDuplicate = null;
        foreach (var row in file.Rows)
        {
            genes.Add(row.Regulator);
            genes.Add(row.Target);
            var pair = new GenePair(row.Regulator, row.Target);
            if (row.Regulator == row.Target) { if (row.IsEdge) selfLoops++; continue; }
            if (!seen.TryAdd(pair, row.Line))
            {
                duplicates++;
                firstDuplicate ??= $"{path}:{row.Line}: {row.Regulator} -> {row.Target} repeats line {seen[pair]}";
                continue;
            }
            if (row.IsEdge) edges[pair] = (EdgeSign)row.Sign;
            else absent++;
        }
        if (duplicates > 0) log.Warn($"{firstDuplicate} ({duplicates} repeated pair{(duplicates == 1 ? "" : "s")} in all); the first of each is kept");
        if (selfLoops > 0) log.Info($"{path}: {selfLoops} self loop{(selfLoops == 1 ? "" : "s")} dropped (self loops never count)");
        if (edges.Count == 0)
            throw new InputFormatException(path, null, $"the gold standard has no true edges ({file.Rows.Count} rows{(absent > 0 ? $", {absent} labelled 0" : "")}{(selfLoops > 0 ? $", {selfLoops} self loops" : "")})");
        return new LoadedGoldStandard(path, new GoldStandard(genes, edges), selfLoops, duplicates, absent);
    }

    public static LoadedNetwork ReadNetwork(string path, Log log, string what = "network")
    {
        var file = EdgeListReader.ReadNetwork(path);
        var edges = new Dictionary<GenePair, PredictedScore>();
        var order = new List<GenePair>();
        var seen = new Dictionary<GenePair, int>();
        var genes = new HashSet<string>(StringComparer.Ordinal);
        int selfLoops = 0, duplicates = 0;
        string? firstDuplicate = null;
        foreach (var row in file.Rows)
        {
            if (row.Regulator == row.Target) { selfLoops++; continue; }
            var pair = new GenePair(row.Regulator, row.Target);
            if (!seen.TryAdd(pair, row.Line))
            {
                duplicates++;
                firstDuplicate ??= $"{path}:{row.Line}: {row.Regulator} -> {row.Target} repeats line {seen[pair]}";
                continue;
            }
            genes.Add(row.Regulator);
            genes.Add(row.Target);
            edges.Add(pair, new PredictedScore(row.Weight, row.Coefficient));
            order.Add(pair);
        }
        if (duplicates > 0) log.Warn($"{firstDuplicate} ({duplicates} repeated pair{(duplicates == 1 ? "" : "s")} in this {what}); the first of each is kept");
        if (selfLoops > 0) log.Info($"{path}: {selfLoops} self loop{(selfLoops == 1 ? "" : "s")} dropped (self loops never count)");
        if (edges.Count == 0) throw new InputFormatException(path, null, $"the {what} has no edges besides self loops");
        return new LoadedNetwork(path, edges, order, genes, file.HasWeights, file.HasCoefficients, selfLoops, duplicates);
    }
}
