using HostCli = GrnFast.Host.Tests.Cli;

namespace GrnFast.Simulation.Tests.Cli;

/// <summary>
/// Runs grnfast in-process in a scratch directory: the Host tests' <see cref="HostCli"/> (linked into this project),
/// plus the simulate-specific helpers.
/// </summary>
public sealed class SimulateCli : IDisposable
{
    private readonly HostCli _cli = new();

    public string Dir => _cli.Dir;

    public string File(string name, string content) => _cli.File(name, content);

    public string PathOf(string name) => _cli.PathOf(name);

    public (int Code, string Out, string Err) Run(params string[] args) => _cli.Run(args);

    /// <summary>grnfast simulate ... --out DIR/sim with the given arguments.</summary>
    public (int Code, string Out, string Err) Simulate(params string[] args) => Run(["simulate", .. args, "--out", PathOf("sim")]);

    public string[] OutputFiles() => Directory.GetFiles(Dir, "sim*").Select(Path.GetFileName).OfType<string>().Order().ToArray();

    public void Dispose() => _cli.Dispose();
}
