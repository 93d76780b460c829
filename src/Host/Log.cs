namespace GrnFast.Host;

/// <summary>Messages for the user, all on stderr (stdout carries only demo/info text).</summary>
internal sealed class Log(TextWriter stderr)
{
    public void Info(string message) => stderr.WriteLine($"grnfast: {message}");

    public void Warn(string message) => stderr.WriteLine($"grnfast: warning: {message}");

    /// <summary>"a, b, c and 7 more".</summary>
    public static string FirstFew(IReadOnlyCollection<string> names, int shown = 5)
        => names.Count <= shown ? string.Join(", ", names) : $"{string.Join(", ", names.Take(shown))} and {names.Count - shown} more";
}
