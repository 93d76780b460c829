using System.Globalization;

namespace GrnFast.Host.Tests;

/// <summary>--solver: coordinate descent and the lasso homotopy (with jumps or breakpoint by breakpoint) give the same network; bad uses fail with exit 2 and no output.</summary>
public class PathSolverCliTests
{
    private static Dictionary<(string, string), double> Coefficients(string path) =>
        File.ReadAllLines(path)[1..].Select(l => l.Split('\t'))
            .ToDictionary(e => (e[0], e[1]), e => double.Parse(e[3], CultureInfo.InvariantCulture));

    [Fact]
    public void CoordinateDescentAndHomotopyGiveTheSameLassoNetwork()
    {
        using var cli = new Cli();
        var x = cli.Expression(cells: 80);
        var tfs = cli.Regulators("G1", "G3", "G4", "G6");
        string[] common = ["infer", "--expression", x, "--regulators", tfs, "--method", "lasso", "--path", "20", "--tol", "1e-12"];
        var cd = cli.Run([.. common, "--solver", "cd", "--out", cli.PathOf("cd.tsv")]);
        Assert.True(cd.Code == 0, cd.Err);
        var a = Coefficients(cli.PathOf("cd.tsv"));
        Assert.NotEmpty(a);
        foreach (var solver in new[] { "homotopy", "homotopy-events" })
        {
            var homotopy = cli.Run([.. common, "--solver", solver, "--out", cli.PathOf($"{solver}.tsv")]);
            Assert.True(homotopy.Code == 0, homotopy.Err);
            var b = Coefficients(cli.PathOf($"{solver}.tsv"));
            Assert.Equal(a.Keys.OrderBy(k => k), b.Keys.OrderBy(k => k));
            foreach (var (edge, coef) in a)
                Assert.True(Math.Abs(coef - b[edge]) <= 1e-7 * Math.Max(1, Math.Abs(coef)), $"{edge}: cd {coef:R}, {solver} {b[edge]:R}");
        }
    }

    [Fact]
    public void BadSolverChoicesFailWithoutOutput()
    {
        using var cli = new Cli();
        var x = cli.Expression();
        var tfs = cli.Regulators("G1", "G4");
        foreach (var (extra, message) in new[]
        {
            (new[] { "--solver", "lars" }, "--solver"),
            (new[] { "--solver", "homotopy", "--method", "elasticnet", "--l1-ratio", "0.5" }, "lasso only"),
            (new[] { "--solver", "homotopy-events", "--method", "ridge" }, "homotopy-events solves the lasso only"),
        })
        {
            var r = cli.Run(["infer", "--expression", x, "--regulators", tfs, "--out", cli.PathOf("out.tsv"), .. extra]);
            Assert.True(r.Code == 2, $"{string.Join(' ', extra)}: exit {r.Code}; stderr {r.Err}");
            Assert.Contains(message, r.Err);
            Assert.Contains("--solver", r.Err);
            Assert.DoesNotContain("   at ", r.Err);
            Assert.False(File.Exists(cli.PathOf("out.tsv")));
        }
    }
}
