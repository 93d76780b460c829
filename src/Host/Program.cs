using GrnFast.Host.Bench;
using GrnFast.Host.Cli;
using GrnFast.Host.Demo;
using GrnFast.Host.Evaluate;
using GrnFast.Host.Info;
using GrnFast.Host.Infer;
using GrnFast.Host.Prior;
using GrnFast.Host.Serve;
using GrnFast.Host.Shard;
using GrnFast.Host.Simulate;
using GrnFast.Host.Slurm;
using GrnFast.IO;

namespace GrnFast.Host;

/// <summary>The <c>grnfast</c> command line. <see cref="Run"/> is the whole program, callable in-process by tests.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        return Run(args, Console.Out, Console.Error, cancel.Token);
    }

    /// <summary>Runs one command; returns the exit code: 0 done, 1 bad input, 2 bad command line, 3 internal error.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation = default)
    {
        var log = new Log(stderr);
        try
        {
            if (args.Length == 0) { stderr.WriteLine(HelpText.Main); return 2; }
            string command = args[0];
            var rest = args.AsSpan(1).ToArray();
            bool help = rest.Contains("--help") || rest.Contains("-h");
            switch (command)
            {
                case "--help" or "-h" or "help":
                    stdout.WriteLine(HelpText.Main);
                    return 0;
                case "--version":
                    stdout.WriteLine($"grnfast {InfoCommand.Version}");
                    return 0;
                case "infer":
                    if (help) { stdout.WriteLine(HelpText.Infer); return 0; }
                    return InferCommand.Run(InferArguments.Parse(rest), log, cancellation);
                case "evaluate":
                    if (help) { stdout.WriteLine(HelpText.Evaluate); return 0; }
                    return EvaluateCommand.Run(EvaluateArguments.Parse(rest), log);
                case "prior":
                    return PriorCommand.Run(rest, stdout, log);
                case "simulate":
                    if (help) { stdout.WriteLine(HelpText.Simulate); return 0; }
                    return SimulateCommand.Run(SimulateArguments.Parse(rest), log, cancellation);
                case "bench":
                    if (help) { stdout.WriteLine(HelpText.Bench); return 0; }
                    return BenchCommand.Run(BenchArguments.Parse(rest), stderr, log, cancellation);
                case "demo":
                    if (help) { stdout.WriteLine(HelpText.Demo); return 0; }
                    NoArguments("demo", rest);
                    return DemoCommand.Run(stdout, log, cancellation);
                case "convert":
                    if (help) { stdout.WriteLine(HelpText.Convert); return 0; }
                    return Conversion.ConvertCommand.Run(Conversion.ConvertArguments.Parse(rest), log, cancellation);
                case "merge":
                    if (help) { stdout.WriteLine(HelpText.Merge); return 0; }
                    return MergeCommand.Run(MergeArguments.Parse(rest), log);
                case "slurm":
                    return SlurmCommand.Run(rest, stdout, log);
                case "info":
                    if (help) { stdout.WriteLine(HelpText.Info); return 0; }
                    NoArguments("info", rest);
                    return InfoCommand.Run(stdout);
                case "serve":
                    if (help) { stdout.WriteLine(HelpText.Serve); return 0; }
                    NoArguments("serve", rest);
                    return ServeCommand.Run(stderr, cancellation);
                default:
                    throw new UsageException($"unknown command '{command}' (commands: infer, merge, slurm, convert, evaluate, prior, simulate, bench, demo, info, serve; see grnfast --help)");
            }
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"grnfast: {e.Message}");
            return 2;
        }
        catch (InputFormatException e)
        {
            stderr.WriteLine($"grnfast: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            stderr.WriteLine($"grnfast: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"grnfast: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("grnfast: cancelled; no output written");
            return 130;
        }
        catch (InvalidOperationException e) when (e.Message.Contains(Kernels.Blas.BlasResolver.EnvironmentVariable, StringComparison.Ordinal))
        {
            stderr.WriteLine($"grnfast: {e.Message}");
            return 1;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"grnfast: internal error: {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("GRNFAST_DEBUG") == "1") stderr.WriteLine(e);
            else stderr.WriteLine("grnfast: set GRNFAST_DEBUG=1 for a stack trace and please report it");
            return 3;
        }
    }

    private static void NoArguments(string command, string[] rest)
    {
        if (rest.Length > 0)
            throw new UsageException(rest[0].StartsWith("--", StringComparison.Ordinal)
                ? $"unknown option '{rest[0]}' (see grnfast {command} --help)"
                : $"unexpected argument '{rest[0]}' (see grnfast {command} --help)");
    }
}
