using GrnFast.Host;

namespace GrnFast.Simulation.Tests.Cli;

/// <summary>Runs grnfast in-process in a scratch directory.</summary>
public sealed class SimulateCli : IDisposable
{
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "grnfast-sim-" + Guid.NewGuid().ToString("N"));

    public SimulateCli() => Directory.CreateDirectory(Dir);

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

    /// <summary>grnfast simulate ... --out DIR/sim with the given arguments.</summary>
    public (int Code, string Out, string Err) Simulate(params string[] args) => Run(["simulate", .. args, "--out", PathOf("sim")]);

    public string[] OutputFiles() => Directory.GetFiles(Dir, "sim*").Select(Path.GetFileName).OfType<string>().Order().ToArray();

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
