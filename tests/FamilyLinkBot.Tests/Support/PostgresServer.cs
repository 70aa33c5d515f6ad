using System.Diagnostics;

namespace FamilyLinkBot.Tests.Support;

/// <summary>
/// The PostgreSQL server the tests use: the one named by FLB_TEST_POSTGRES (an Npgsql connection string whose role may
/// create databases; .ci/run sets it), or else one throwaway cluster that <c>.ci/postgres start</c> starts on first use
/// and stops when the test process exits. Tests take a database of their own from it (<see cref="PostgresDatabase"/>).
/// </summary>
public static class PostgresServer
{
    public const string Variable = "FLB_TEST_POSTGRES";

    private static readonly Lazy<Task<string>> Server = new(StartAsync);

    public static string Script => Path.Combine(Repository.Root, ".ci", "postgres");

    /// <summary>Why no server can be had here, or null; starts nothing (it runs while tests are discovered).</summary>
    public static string? Unavailable() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)) ? null
        : !File.Exists(Script) ? $"{Variable} is not set and {Script} is missing"
        : !ServerBinariesExist() ? $"{Variable} is not set and no PostgreSQL server (initdb, pg_ctl) is installed (apt-get install postgresql, or `bash .ci/run`)"
        : null;

    /// <summary>The server's connection string, starting the throwaway cluster on first use when FLB_TEST_POSTGRES is not set.</summary>
    public static Task<string> ConnectionStringAsync() => Server.Value;

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
        {
            return given;
        }

        var folder = Path.Combine(Path.GetTempPath(), "flb-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Script, "start", folder })
        {
            start.ArgumentList.Add(argument);
        }

        // The script stops the cluster itself once this process is gone, also when it is killed before ProcessExit runs.
        start.Environment["FLB_PG_WATCH_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Variable} is not set, and `.ci/postgres start` failed (exit {process.ExitCode}): {(await error).Trim()}");
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(folder);
        return (await output).Trim();
    }

    private static void Stop(string folder)
    {
        var stop = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Script, "stop", folder })
        {
            stop.ArgumentList.Add(argument);
        }

        using var process = Process.Start(stop);
        process?.WaitForExit(TimeSpan.FromSeconds(20));
    }

    private static bool ServerBinariesExist() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(folder => File.Exists(Path.Combine(folder, "initdb")))
        || (Directory.Exists("/usr/lib/postgresql")
            && Directory.EnumerateDirectories("/usr/lib/postgresql").Any(version => File.Exists(Path.Combine(version, "bin", "initdb"))));
}
