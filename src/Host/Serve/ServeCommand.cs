namespace GrnFast.Host.Serve;

/// <summary><c>grnfast serve</c>: one <see cref="HostServer"/> session on the process's stdin and stdout.</summary>
internal static class ServeCommand
{
    public static int Run(TextWriter stderr, CancellationToken interrupt)
    {
        using var input = new BufferedStream(Console.OpenStandardInput(), 1 << 16);
        using var output = Console.OpenStandardOutput();
        var server = new HostServer(input, output, stderr);
        // Ctrl-C (the CLI's cancellation): a blocked read of stdin cannot be interrupted, so the host leaves at once.
        // Clients that should survive a terminal's Ctrl-C start the host in its own process group.
        using var interrupted = interrupt.Register(() =>
        {
            stderr.WriteLine("grnfast: serve: interrupted");
            stderr.Flush();
            Environment.Exit(130);
        });
        int code = server.Run();
        stderr.Flush();
        return code;
    }
}
