using System.Globalization;
using System.Text;
using GrnFast.Host;

namespace GrnFast.Host.Tests;

/// <summary>Runs grnfast in-process and a scratch directory with generated inputs.</summary>
public sealed class Cli : IDisposable
{
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "grnfast-host-" + Guid.NewGuid().ToString("N"));

    public Cli() => Directory.CreateDirectory(Dir);

    public string File(string name, string content)
    {
        var p = Path.Combine(Dir, name);
        System.IO.File.WriteAllText(p, content);
        return p;
    }

    public string PathOf(string name) => Path.Combine(Dir, name);

    public (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// cells x 6 genes: G2 = 2 G1 + noise, G3 = -G1 + G4 + noise, G4..G6 independent; G5 optionally constant.
    /// </summary>
    public string Expression(string name = "x.csv", int cells = 60, bool constantG5 = false, int seed = 1)
    {
        var rng = new Random(seed);
        double N() => rng.NextDouble() * 2 - 1;
        var sb = new StringBuilder("cell,G1,G2,G3,G4,G5,G6\n");
        for (int c = 0; c < cells; c++)
        {
            double g1 = N(), g4 = N(), g5 = constantG5 ? 1.5 : N(), g6 = N();
            double g2 = 2 * g1 + 0.05 * N(), g3 = -g1 + g4 + 0.05 * N();
            sb.Append(CultureInfo.InvariantCulture, $"c{c},{g1:R},{g2:R},{g3:R},{g4:R},{g5:R},{g6:R}\n");
        }
        return File(name, sb.ToString());
    }

    public string Regulators(params string[] names) => File("tfs.txt", string.Join('\n', names) + "\n");

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
