using GrnFast.Host.Cli;
using GrnFast.Host.Infer;

namespace GrnFast.Host.Tests;

/// <summary>
/// The elastic-net warm-up swallows its errors (a failed warm-up must not fail a run), so a test has to see that it
/// fits for every option set the command line hands the solver; otherwise it would silently stop compiling anything.
/// </summary>
public class WarmupTests
{
    public static TheoryData<string[]> OptionSets() => new()
    {
        Array.Empty<string>(),
        new[] { "--method", "lasso", "--path", "50", "--path-min-ratio", "1e-3", "--select", "ebic" },
        new[] { "--method", "lasso", "--select", "cv:10", "--precision", "float32" },
        new[] { "--method", "lasso", "--solver", "cd", "--precision", "float32" },
        new[] { "--method", "lasso", "--solver", "homotopy" },
        new[] { "--method", "elasticnet", "--l1-ratio", "0.5", "--select", "cv:5" },
        new[] { "--method", "ridge", "--alpha", "0.1" },
        new[] { "--method", "lasso", "--alpha", "0.05", "--precision", "float32" },
    };

    [Theory]
    [MemberData(nameof(OptionSets))]
    public void WarmupFitsWithTheOptionsTheCommandLineGives(string[] options)
    {
        var args = InferArguments.Parse(["--expression", "x.npy", "--genes", "g.txt", "--regulators", "r.txt", "--out", "o.tsv", .. options]);
        Assert.True(ElasticNetWarmup.Fit(args.ToRequest().Options), string.Join(' ', options));
    }
}
