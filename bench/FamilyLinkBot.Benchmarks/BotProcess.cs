using System.Collections.Concurrent;
using System.Diagnostics;
using FamilyLinkBot.Testing;

namespace FamilyLinkBot.Benchmarks;

/// <summary>
/// The real bot (FamilyLinkBot.dll beside this program) as a child process, configured by environment variables. Its
/// output lines are kept with the time each arrived (only warnings and errors unless the settings raise a category's level).
/// </summary>
public sealed class BotProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<(DateTimeOffset At, string Line)> _output = new();

    private BotProcess(Process process, string folder)
    {
        _process = process;
        Folder = folder;
    }

    public string Folder { get; }

    public int Id => _process.Id;

    /// <summary>A fresh temporary folder for one bot's data; the <see cref="BotProcess"/> started in it deletes it.</summary>
    public static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "flb-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Starts the bot in <paramref name="folder"/> (default: a new one), its working directory.</summary>
    public static BotProcess Start(BotApiEmulator emulator, IDictionary<string, string>? settings = null, string? folder = null)
    {
        folder ??= NewFolder();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FamilyLinkBot.dll"));
        start.Environment["Telegram__BotToken"] = emulator.Token;
        start.Environment["Telegram__ApiBaseUrl"] = emulator.BaseUrl;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var bot = new BotProcess(Process.Start(start)!, folder);
        bot._process.OutputDataReceived += (_, e) => bot.Keep(e.Data);
        bot._process.ErrorDataReceived += (_, e) => bot.Keep(e.Data);
        bot._process.BeginOutputReadLine();
        bot._process.BeginErrorReadLine();
        return bot;
    }

    /// <summary>The output lines so far.</summary>
    public IEnumerable<string> Lines => _output.Select(o => o.Line);

    /// <summary>When the bot first wrote a line containing <paramref name="text"/>, or null.</summary>
    public DateTimeOffset? When(string text) =>
        _output.Where(o => o.Line.Contains(text, StringComparison.Ordinal)).Select(o => (DateTimeOffset?)o.At).FirstOrDefault();

    /// <summary>Resident memory now and at its peak (VmRSS, VmHWM from /proc), in MB.</summary>
    public (double Rss, double Peak) Memory()
    {
        var status = File.ReadAllLines($"/proc/{_process.Id}/status");
        double Read(string key) => double.Parse(status.First(l => l.StartsWith(key, StringComparison.Ordinal)).Split(':')[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        return (Read("VmRSS"), Read("VmHWM"));
    }

    /// <summary>Sends SIGTERM and waits up to <paramref name="timeout"/>; the exit code, or null if it did not exit.</summary>
    public async Task<int?> TerminateAsync(TimeSpan timeout)
    {
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        return _process.WaitForExit(timeout) ? _process.ExitCode : null;
    }

    /// <summary>SIGKILL: no shutdown, its connections and its outbox claims simply end. Returns once it has exited.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // a seeding host in this process may hold the file open
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue((DateTimeOffset.UtcNow, line));
        }
    }
}
