namespace GrnFast.Host.Tests;

/// <summary>Bad bench configs: exit code 1, a message naming the file and the key, and no output folder.</summary>
public class BenchConfigTests
{
    private const string Priors = """[{ "name": "none", "type": "none" }, { "name": "db", "type": "database", "precision": 0.5, "recall": 0.5 }]""";
    private const string Methods = """[{ "name": "lasso", "method": "lasso", "path": 10 }]""";

    /// <summary>A 6-gene "files" dataset (G3 = -G1 + G4, G2 = 2 G1) that loads in milliseconds.</summary>
    private static string FilesDataset(Cli cli)
    {
        cli.Expression("x.csv", cells: 40);
        cli.File("gold.tsv", "G1\tG2\t1\nG1\tG3\t1\nG4\tG3\t1\n");
        return """{ "name": "tiny", "kind": "files", "expression": "x.csv", "gold": "gold.tsv", "regulators": "all" }""";
    }

    private static (int Code, string Err, string Output) Bench(Cli cli, string json)
    {
        var config = cli.File("bench.json", json);
        var output = cli.PathOf("out");
        var (code, _, err) = cli.Run("bench", config, "--out", output);
        return (code, err, output);
    }

    private static void Fails(Cli cli, string json, params string[] expected)
    {
        var (code, err, output) = Bench(cli, json);
        Assert.True(code == 1, $"exit {code}: {err}");
        Assert.Contains("bench.json", err);
        foreach (var e in expected) Assert.Contains(e, err);
        Assert.False(Directory.Exists(output), "an output folder was written");
        Assert.Empty(Directory.GetDirectories(cli.Dir, "out.tmp-*"));
    }

    [Fact]
    public void TinyFilesDatasetRuns()
    {
        using var cli = new Cli();
        var (code, err, output) = Bench(cli, $$"""{ "seeds": [1], "datasets": [{{FilesDataset(cli)}}], "methods": {{Methods}}, "priors": {{Priors}} }""");
        Assert.True(code == 0, err);
        // 1 dataset x 1 method x 2 priors x 1 seed x the 2 default modes
        Assert.Equal(4, SmokeBench.ReadTsv(Path.Combine(output, "runs.tsv")).Count);
    }

    [Fact]
    public void UnknownKeysAreNamed()
    {
        using var cli = new Cli();
        Fails(cli, $$"""{ "seedz": [1], "datasets": [{{FilesDataset(cli)}}], "methods": {{Methods}}, "priors": {{Priors}} }""", "seedz: unknown key");
        Fails(cli, $$"""{ "datasets": [{{FilesDataset(cli)}}], "methods": [{ "name": "l", "method": "lasso", "lambda": 2 }], "priors": {{Priors}} }""", "methods[0].lambda: unknown key");
        Fails(cli, $$"""{ "datasets": [{{FilesDataset(cli)}}], "methods": {{Methods}}, "priors": [{ "name": "none", "type": "none" }, { "name": "db", "type": "database", "precision": 0.5, "recall": 0.5, "weigth": 0.2 }] }""",
            "priors[1].weigth: unknown key");
    }

    [Fact]
    public void MissingDatasetsAreErrorsNotSkips()
    {
        using var cli = new Cli();
        Fails(cli, $$"""{ "datasets": [{ "name": "b", "kind": "beeline", "folder": "no-such-folder" }], "methods": {{Methods}}, "priors": {{Priors}} }""",
            "datasets[0].folder", "folder not found", "no-such-folder");
        Fails(cli, $$"""{ "datasets": [{ "name": "f", "kind": "files", "expression": "missing.csv", "gold": "g.tsv", "regulators": "all" }], "methods": {{Methods}}, "priors": {{Priors}} }""",
            "datasets[0].expression", "file not found");
        Directory.CreateDirectory(cli.PathOf("dream4"));
        Fails(cli, $$"""{ "datasets": [{ "name": "d", "kind": "dream4", "root": "dream4", "network": 2 }], "methods": {{Methods}}, "priors": {{Priors}} }""",
            "datasets[0].root", "DREAM4 file not found");
        Fails(cli, $$"""{ "datasets": [{ "name": "d", "kind": "dream4", "network": 2 }], "methods": {{Methods}}, "priors": {{Priors}} }""",
            "datasets[0].network", "embedded");
    }

    [Fact]
    public void BadValuesAreNamed()
    {
        using var cli = new Cli();
        string d = FilesDataset(cli);
        Fails(cli, $$"""{ "datasets": [{{d}}], "methods": [{ "name": "l", "method": "lasso", "l1Ratio": 0.5 }], "priors": {{Priors}} }""", "methods[0].l1Ratio", "only to method elasticnet");
        Fails(cli, $$"""{ "datasets": [{{d}}], "methods": [{ "name": "l", "method": "lars" }], "priors": {{Priors}} }""", "methods[0].method", "'lars'");
        Fails(cli, $$"""{ "datasets": [{{d}}], "methods": {{Methods}}, "priors": [{ "name": "none", "type": "none" }, { "name": "db", "type": "database", "precision": 1.5, "recall": 0.5 }] }""", "priors[1].precision", "1.5");
        Fails(cli, $$"""{ "datasets": [{{d}}], "methods": {{Methods}}, "priors": [{ "name": "none", "type": "none" }, { "name": "r", "type": "random", "like": "db" }] }""", "priors[1].like", "'db'");
        Fails(cli, $$"""{ "datasets": [{{d}}], "methods": {{Methods}}, "priors": [{ "name": "db", "type": "database", "precision": 0.5, "recall": 0.5 }] }""", "needs an entry of type none");
        Fails(cli, $$"""{ "datasets": [{{d}}], "methods": {{Methods}}, "priors": [{ "name": "none", "type": "none" }, { "name": "p", "type": "perturbation" }] }""", "priors[1].datasets", "no perturbation data");
        Fails(cli, $$"""{ "datasets": [{{d}}], "methods": {{Methods}}, "priors": [{ "name": "none", "type": "none" }, { "name": "c", "type": "file", "source": "chip" }] }""", "priors[1].source", "no prior file 'chip'");
        Fails(cli, $$"""{ "datasets": [{{d}}, {{d}}], "methods": {{Methods}}, "priors": {{Priors}} }""", "datasets[1].name", "'tiny' is already");
        Fails(cli, $$"""{ "seeds": [1, "two"], "datasets": [{{d}}], "methods": {{Methods}}, "priors": {{Priors}} }""", "seeds[1]", "\"two\"");
        Fails(cli, $$"""{ "scoring": ["held-out"], "datasets": [{{d}}], "methods": {{Methods}}, "priors": {{Priors}} }""", "scoring[0]", "'held-out'");
        Fails(cli, $$"""{ "datasets": [{{d}}], "methods": {{Methods}} }""", "priors: is required");
        Fails(cli, """{ "datasets": [ }""", "bench.json:1:", "not valid JSON");
    }

    [Fact]
    public void UsageErrors()
    {
        using var cli = new Cli();
        var (code, _, err) = cli.Run("bench");
        Assert.Equal(2, code);
        Assert.Contains("needs a config file", err);
        (code, _, err) = cli.Run("bench", "a.json", "b.json");
        Assert.Equal(2, code);
        Assert.Contains("unexpected argument 'b.json'", err);
        (code, _, err) = cli.Run("bench", "a.json", "--threads", "-1");
        Assert.Equal(2, code);
        (code, _, err) = cli.Run("bench", cli.PathOf("none.json"));
        Assert.Equal(1, code);
        Assert.Contains("does not exist", err);
        (code, var help, _) = cli.Run("bench", "--help");
        Assert.Equal(0, code);
        Assert.Contains("heldout-targets", help);
    }
}
