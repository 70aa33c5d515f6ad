using System.Collections.Concurrent;
using System.Diagnostics;

namespace FamilyLinkBot.Tests.Support;

/// <summary>
/// The real program as a child process whose output lines are kept with the time each came, killed when the test ends
/// whatever happened, so none outlives its test.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly ConcurrentQueue<(DateTimeOffset At, string Line)> _output = new();

    public ChildProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public IEnumerable<string> Lines => _output.Select(o => o.Line);

    /// <summary>When the process first wrote a line containing <paramref name="text"/>, or null.</summary>
    public DateTimeOffset? When(string text) =>
        _output.Where(o => o.Line.Contains(text, StringComparison.Ordinal)).Select(o => (DateTimeOffset?)o.At).FirstOrDefault();

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit(5000);
        }

        Process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue((DateTimeOffset.UtcNow, line));
        }
    }
}
