using GrnFast.IO;
using GrnFast.Solvers.Data;

namespace GrnFast.Host.Infer;

/// <summary>
/// Turns the user's regulator and target lists into matrix columns. Regulators missing from the data are
/// warned (count and first names); genes that cannot be standardised (zero variance, NaN) are dropped with a
/// warning, except a target the user listed explicitly, which is an error naming it.
/// </summary>
internal static class GeneSelection
{
    public static Dictionary<string, int> ColumnIndex(ExpressionData data)
    {
        var index = new Dictionary<string, int>(data.Genes, StringComparer.Ordinal);
        for (int i = 0; i < data.Genes; i++)
            if (!index.TryAdd(data.GeneNames[i], i))
                throw new InputFormatException(data.Source, null, $"gene '{data.GeneNames[i]}' appears twice (columns {index[data.GeneNames[i]] + 1} and {i + 1})", i + 1, data.GeneNames[i]);
        return index;
    }

    public static int[] Regulators(GeneList list, ExpressionData data, Dictionary<string, int> columns, ExpressionMoments moments, Log log)
    {
        var listed = list.Names;
        var missing = new List<string>();
        var unusable = new List<string>();
        var result = new List<int>();
        foreach (var n in listed)
        {
            if (!columns.TryGetValue(n.Name, out int c)) missing.Add(n.Name);
            else if (!moments.IsUsable(c)) unusable.Add(n.Name);
            else result.Add(c);
        }
        if (missing.Count > 0)
            log.Warn($"{missing.Count} of {listed.Count} regulators in {list.Source} are not genes of {data.Source}: {Log.FirstFew(missing)}");
        if (unusable.Count > 0)
            log.Warn($"{unusable.Count} regulators dropped for zero variance or non-finite values: {Log.FirstFew(unusable)}");
        if (result.Count == 0)
            throw list.Error($"none of the {listed.Count} regulators is a usable gene of {data.Source}");
        return result.ToArray();
    }

    /// <param name="list">The targets the user listed, or null for every usable gene.</param>
    public static int[] Targets(GeneList? list, ExpressionData data, Dictionary<string, int> columns, ExpressionMoments moments, Log log)
    {
        if (list is null)
        {
            var unusable = new List<string>();
            var all = new List<int>(data.Genes);
            for (int c = 0; c < data.Genes; c++)
                if (moments.IsUsable(c)) all.Add(c); else unusable.Add(data.GeneNames[c]);
            if (unusable.Count > 0)
                log.Warn($"{unusable.Count} genes are not fitted as targets (zero variance or non-finite values): {Log.FirstFew(unusable)}");
            if (all.Count == 0) throw new InputFormatException(data.Source, null, "no gene varies across cells");
            return all.ToArray();
        }
        var result = new List<int>(list.Names.Count);
        foreach (var n in list.Names)
        {
            if (!columns.TryGetValue(n.Name, out int c))
                throw list.Error(n, $"target '{n.Name}' is not a gene of {data.Source}");
            if (!moments.IsUsable(c))
                throw list.Error(n, double.IsFinite(moments.Variance[c])
                    ? $"target '{n.Name}' has zero variance in {data.Source}: it cannot be fitted"
                    : $"target '{n.Name}' has non-finite values in {data.Source}");
            result.Add(c);
        }
        return result.ToArray();
    }
}
