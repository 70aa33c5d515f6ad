using System.Diagnostics;
using FamilyLinkBot.Tests.EndToEnd;

namespace FamilyLinkBot.Tests.Support;

/// <summary>
/// The real program run as a child process, as an operator runs it: arguments, settings in .NET environment form only
/// (the test process's own bot settings are removed), a working folder without appsettings.json, and a time limit.
/// </summary>
public static class ProgramProcess
{
    private static readonly string[] BotSections =
        ["Telegram", "Storage", "Crypto", "Admins", "News", "Monitoring", "Delivery", "Caseworkers", "Conversations", "Privacy", "Retention"];

    public static Task<(int ExitCode, string Output, string Error)> RunAsync(
        string workingFolder, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunToEndAsync(StartInfo(workingFolder, environment, args), TimeSpan.FromSeconds(90));

    /// <summary>
    /// How to start the program in <paramref name="workingFolder"/> with <paramref name="args"/>, its output redirected,
    /// and of the bot's settings only <paramref name="environment"/> (keys in .NET environment form, Section__Key).
    /// </summary>
    public static ProcessStartInfo StartInfo(string workingFolder, IEnumerable<KeyValuePair<string, string>> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(ProgramStartTests.ProgramPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var key in start.Environment.Keys.Where(k => BotSections.Any(s => k.StartsWith(s + "__", StringComparison.OrdinalIgnoreCase))).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>Runs <paramref name="start"/> (output redirected) to its end, killed after <paramref name="limit"/>.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunToEndAsync(ProcessStartInfo start, TimeSpan limit)
    {
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }
}
