using System.Diagnostics;
using System.Globalization;
using GrnFast.Host.Cli;
using GrnFast.IO;
using GrnFast.Simulation;
using GrnFast.Simulation.Networks;
using GrnFast.Simulation.Noise;

namespace GrnFast.Host.Simulate;

/// <summary><c>grnfast simulate</c>: read or generate the network, resolve perturbations and paths, simulate, write.</summary>
internal static class SimulateCommand
{
    public const string AllRegulators = "all-regulators";

    public static int Run(SimulateArguments a, Log log, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var network = LoadNetwork(a, log);
        var perturbations = new List<Perturbation>();
        foreach (var g in Genes(a.Knockouts, "--knockout", network)) perturbations.Add(Perturbation.Knockout(g));
        foreach (var g in Genes(a.Knockdowns, "--knockdown", network))
        {
            if (perturbations.Any(p => p.Gene == g))
                throw new UsageException($"gene '{network.Genes[g]}' is in both --knockout and --knockdown; a cell carries one guide");
            perturbations.Add(Perturbation.Knockdown(g, a.KnockdownFactor));
        }
        var options = a.Options with
        {
            Perturbations = perturbations,
            Trajectories = a.Trajectories.Select(t => Path(t, a.Options.CellTypes)).ToArray(),
        };

        SimulationResult result;
        try { result = Simulator.Run(network, options, cancellation); }
        catch (ArgumentOutOfRangeException e) { throw new UsageException(OptionMessage(e)); }
        catch (DropoutRateException e) { throw new UsageException($"--dropout: {e.Message}"); }
        double simulate = clock.Elapsed.TotalSeconds;

        var c = result.Calibration;
        if (c.Cyclic)
        {
            string how = c.Converged ? $"converged in {c.Sweeps} sweeps" : $"did NOT converge in {c.Sweeps} sweeps; cells start from the last iterate and the burn-in settles them";
            log.Info($"the network has cycles: half responses from a fixed-point iteration of the noise-free steady state ({how})");
            if (!c.Converged) log.Warn("the fixed-point iteration for the half responses did not converge (an oscillating feedback loop?)");
        }
        foreach (var t in result.CellTypes.Where(t => t.RewiredEdges > 0))
            log.Info($"{t.Name}: {t.RewiredEdges} of {network.Edges.Count} edges moved to new targets");
        var m = result.Measured;
        log.Info($"simulated {result.CellCount} cells x {result.GeneCount} genes in {simulate:F2} s ({result.CellTypes.Count} cell type(s), "
            + $"{perturbations.Count} guide(s), burn-in {result.BurnIn:G4} = {result.BurnInSteps} steps of dt {result.TimeStep:G4}); "
            + $"{Describe(options.Technical.Values)}, zeros {m.ZeroFraction:P1}"
            + (m.DropoutMidpoint is { } x0 ? $" (requested {options.Technical.DropoutRate:P1}; {m.BaselineZeroFraction:P1} without dropout; logistic midpoint {x0:G4})" : ""));

        var written = SimulationFiles.Write(a.Out, result, a.Formats);
        log.Info($"wrote {string.Join(", ", written.Select(System.IO.Path.GetFileName))} in {clock.Elapsed.TotalSeconds - simulate:F2} s");
        return 0;
    }

    private static GeneNetwork LoadNetwork(SimulateArguments a, Log log)
    {
        GeneNetwork network;
        if (a.NetworkFile is { } file)
        {
            var read = NetworkFileReader.Read(file, a.Edges, !a.IgnoreWeights, a.NetworkSeed);
            network = read.Network;
            var notes = new List<string>();
            if (read.DrawnStrengths > 0) notes.Add($"{read.DrawnStrengths} strengths drawn from [{a.Edges.StrengthMin:G4}, {a.Edges.StrengthMax:G4}]");
            if (read.DrawnSigns > 0) notes.Add($"{read.DrawnSigns} unsigned edges drawn as activation with probability {a.Edges.ActivationFraction:G3}");
            if (read.SkippedZeroRows > 0) notes.Add($"{read.SkippedZeroRows} rows with weight 0 skipped as non-edges");
            if (read.PresenceOnly) notes.Add("every weight is 1, read as edge presence (unsigned)");
            if (read.SelfLoops > 0) notes.Add($"{read.SelfLoops} self loops kept as autoregulation");
            log.Info($"{file}: {Summary(network)}{(notes.Count > 0 ? "; " + string.Join("; ", notes) : "")}");
        }
        else
        {
            var g = a.Generator!;
            network = NetworkGenerator.Generate(g, a.NetworkSeed);
            log.Info($"generated a {(g.Kind == NetworkKind.SmallWorld ? $"small-world network ({g.ModuleCount} modules, bias {g.ModuleBias:G3})" : "scale-free network")} "
                + $"with seed {a.NetworkSeed}: {Summary(network)}");
        }
        return network;
    }

    private static string Summary(GeneNetwork n)
    {
        int regulators = Enumerable.Range(0, n.GeneCount).Count(n.IsRegulator);
        int masters = Enumerable.Range(0, n.GeneCount).Count(n.IsMasterRegulator);
        int activating = n.Edges.Count(e => e.IsActivation);
        return $"{n.GeneCount} genes, {n.Edges.Count} edges ({activating} activating, {n.Edges.Count - activating} repressing), "
            + $"{regulators} regulators, {masters} master regulators, {(n.Topology.IsAcyclic ? "acyclic" : "with cycles")}, depth {n.Topology.Depth}";
    }

    /// <summary>GENE[,GENE...], @FILE (one name per line) or all-regulators, resolved to gene indices.</summary>
    internal static IReadOnlyList<int> Genes(string? spec, string option, GeneNetwork network)
    {
        if (spec is null) return [];
        if (spec == AllRegulators) return Enumerable.Range(0, network.GeneCount).Where(network.IsRegulator).ToArray();
        var result = new List<int>();
        var seen = new HashSet<int>();
        if (spec.StartsWith('@'))
        {
            string path = spec[1..];
            foreach (var name in NameListReader.Read(path))
            {
                if (!network.TryGetIndex(name.Name, out int g))
                    throw new InputFormatException(path, name.Line, $"gene '{name.Name}' (listed for {option}) is not in the network{Suggest(name.Name, network)}", 1, name.Name);
                if (seen.Add(g)) result.Add(g);
            }
            return result;
        }
        foreach (var name in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!network.TryGetIndex(name, out int g))
                throw new UsageException($"{option}: gene '{name}' is not in the network ({network.GeneCount} genes){Suggest(name, network)}");
            if (!seen.Add(g)) throw new UsageException($"{option}: gene '{name}' is listed twice");
            result.Add(g);
        }
        if (result.Count == 0) throw new UsageException($"{option}: no gene given (GENE[,GENE...], @FILE or {AllRegulators})");
        return result;
    }

    private static string Suggest(string name, GeneNetwork network)
    {
        var match = network.Genes.FirstOrDefault(g => g.Equals(name, StringComparison.OrdinalIgnoreCase));
        return match is null ? "" : $" (did you mean '{match}'?)";
    }

    /// <summary>FROM:TO with 1-based cell type numbers or names (type1:type2).</summary>
    internal static TrajectoryPath Path(string text, int cellTypes)
    {
        var parts = text.Split(':');
        if (parts.Length == 2 && Type(parts[0], cellTypes) is { } from && Type(parts[1], cellTypes) is { } to && from != to)
            return new TrajectoryPath(from, to);
        throw new UsageException($"--trajectory: '{text}' is not valid; it must be FROM:TO, two different cell types among 1..{cellTypes} (or type1..type{cellTypes})");
    }

    private static int? Type(string text, int cellTypes)
    {
        string t = text.StartsWith("type", StringComparison.OrdinalIgnoreCase) ? text[4..] : text;
        return int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k >= 1 && k <= cellTypes ? k - 1 : null;
    }

    private static string Describe(ExpressionValues v) => v switch
    {
        ExpressionValues.Counts => "counts",
        ExpressionValues.LogNormalized => "log-normalised counts",
        _ => "clean concentrations",
    };

    // The simulator's last line of validation, in the command line's words.
    private static string OptionMessage(ArgumentOutOfRangeException e)
    {
        string option = e.ParamName switch
        {
            nameof(SimulationOptions.Decay) => "--decay",
            nameof(SimulationOptions.Noise) => "--noise",
            nameof(SimulationOptions.TimeStep) => "--dt",
            nameof(SimulationOptions.BurnIn) => "--burn-in",
            nameof(SimulationOptions.BasalMin) or nameof(SimulationOptions.BasalMax) => "--basal",
            nameof(SimulationOptions.Trajectories) => "--trajectory",
            nameof(SimulationOptions.Perturbations) => "--knockout/--knockdown",
            nameof(SimulationOptions.Cells) => "--cells",
            nameof(SimulationOptions.CellTypes) => "--cell-types",
            _ => e.ParamName ?? "option",
        };
        return $"{option}: {e.Message.Split(" (Parameter", 2)[0]}";
    }
}
