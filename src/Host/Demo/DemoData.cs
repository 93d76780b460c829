using GrnFast.IO;

namespace GrnFast.Host.Demo;

/// <summary>
/// DREAM4 in-silico size-100 network 1, embedded in the assembly: knockouts, knockdowns and wild type stacked
/// as 201 "cells" x 100 genes, and the gold-standard edges.
/// </summary>
internal sealed class DemoData
{
    private const string Prefix = "GrnFast.Demo.";
    private static readonly string[] Experiments = ["insilico_size100_1_knockouts.tsv", "insilico_size100_1_knockdowns.tsv", "insilico_size100_1_wildtype.tsv"];
    private const string GoldStandard = "DREAM4_GoldStandard_InSilico_Size100_1.tsv";

    private DemoData(ExpressionData expression, HashSet<(int Regulator, int Target)> gold)
    {
        Expression = expression;
        Gold = gold;
    }

    public ExpressionData Expression { get; }

    /// <summary>True edges (regulator column, target column); self loops never appear.</summary>
    public HashSet<(int Regulator, int Target)> Gold { get; }

    public static DemoData Load()
    {
        var tables = Experiments.Select(name =>
        {
            using var reader = new StreamReader(Open(name));
            return DelimitedExpressionReader.Read(reader, name, '\t', genesByCells: false);
        }).ToList();
        var genes = tables[0].GeneNames;
        foreach (var t in tables)
            if (!t.GeneNames.SequenceEqual(genes)) throw new InvalidOperationException($"demo data: {t.Source} has other genes than {tables[0].Source}");
        int cells = tables.Sum(t => t.Cells), p = genes.Count;
        var data = new float[cells * p];
        int row = 0;
        foreach (var t in tables)
        {
            for (int g = 0; g < p; g++) t.Single!.Value.Column(g).CopyTo(data.AsSpan(g * cells + row, t.Cells));
            row += t.Cells;
            t.Dispose();
        }
        var expression = ExpressionData.FromColumnMajor("DREAM4 size-100 network 1 (knockouts + knockdowns + wild type)", data, cells, genes);

        var column = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < p; i++) column[genes[i]] = i;
        var gold = new HashSet<(int, int)>();
        using (var reader = new StreamReader(Open(GoldStandard)))
            while (reader.ReadLine() is { } line)
            {
                var f = line.Split('\t');
                if (f.Length == 3 && f[2].Trim() == "1" && f[0] != f[1]) gold.Add((column[f[0]], column[f[1]]));
            }
        return new DemoData(expression, gold);
    }

    private static Stream Open(string name)
        => typeof(DemoData).Assembly.GetManifestResourceStream(Prefix + name)
           ?? throw new InvalidOperationException($"demo data '{name}' is not embedded in this build");
}
