using GrnFast.IO;

namespace GrnFast.Host.Bench;

/// <summary>
/// Where the DREAM4 in-silico size-100 files are in the challenge's own layout (as in the shared data folder), and
/// the embedded copy of network 1 (src/Host/DemoData).
/// </summary>
internal static class Dream4Files
{
    private const string EmbeddedPrefix = "GrnFast.Demo.";

    public static string Experiment(string root, int network, Dream4Experiment e) => e == Dream4Experiment.Multifactorial
        ? Path.Combine(root, "DREAM4_InSilico_Size100_Multifactorial", $"insilico_size100_{network}_multifactorial.tsv")
        : Path.Combine(root, "DREAM4_InSilico_Size100", $"insilico_size100_{network}", $"insilico_size100_{network}_{Name(e)}.tsv");

    public static string Gold(string root, int network)
        => Path.Combine(root, "DREAM4_Challenge2_GoldStandards", "Size 100", $"DREAM4_GoldStandard_InSilico_Size100_{network}.tsv");

    /// <summary>The challenge's map from the multifactorial network's gene names ("New") to the size-100 network's ("Old").</summary>
    public static string MultifactorialMapping(string root, int network)
        => Path.Combine(root, "DREAM4_Challenge2_GoldStandards", "Size 100 multifactorial", "Mapping", $"insilico_size100_multifactorial_{network}_goldstandard_ref.tsv");

    public static string Name(Dream4Experiment e) => e switch
    {
        Dream4Experiment.Knockouts => "knockouts",
        Dream4Experiment.Knockdowns => "knockdowns",
        Dream4Experiment.Wildtype => "wildtype",
        _ => "multifactorial",
    };

    /// <summary>Every file the dataset will read exists; a missing one is named with the config key.</summary>
    public static void Check(string root, int network, IEnumerable<Dream4Experiment> experiments, ConfigObject o)
    {
        var needed = experiments.Select(e => Experiment(root, network, e))
            .Concat([Experiment(root, network, Dream4Experiment.Knockouts), Experiment(root, network, Dream4Experiment.Wildtype), Gold(root, network)]);
        if (experiments.Contains(Dream4Experiment.Multifactorial)) needed = needed.Append(MultifactorialMapping(root, network));
        foreach (var f in needed.Distinct())
            if (!File.Exists(f)) throw o.Error(o.PathOf("root"), $"DREAM4 file not found: {f} (root must be the DREAM4 folder of the shared data, with DREAM4_InSilico_Size100 and DREAM4_Challenge2_GoldStandards)");
    }

    /// <summary>An experiment table of network 1 from the embedded copy.</summary>
    public static ExpressionData ReadEmbedded(Dream4Experiment e)
    {
        string name = $"insilico_size100_1_{Name(e)}.tsv";
        using var stream = typeof(Dream4Files).Assembly.GetManifestResourceStream(EmbeddedPrefix + name)
            ?? throw new InvalidOperationException($"DREAM4 data '{name}' is not embedded in this build");
        using var reader = new StreamReader(stream);
        return DelimitedExpressionReader.Read(reader, $"embedded {name}", '\t', genesByCells: false);
    }

    /// <summary>The embedded gold standard's rows (regulator, target, is an edge).</summary>
    public static IEnumerable<(string Regulator, string Target, bool IsEdge)> ReadEmbeddedGold()
    {
        const string name = "DREAM4_GoldStandard_InSilico_Size100_1.tsv";
        using var stream = typeof(Dream4Files).Assembly.GetManifestResourceStream(EmbeddedPrefix + name)
            ?? throw new InvalidOperationException($"DREAM4 gold standard '{name}' is not embedded in this build");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split('\t');
            if (f.Length == 3) yield return (f[0], f[1], f[2].Trim() == "1");
        }
    }
}
