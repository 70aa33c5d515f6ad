using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.EndToEnd;
using FamilyLinkBot.Tests.Support;

namespace FamilyLinkBot.Tests.Hosting;

/// <summary>
/// What an operator meets in the first hour, over the real program started as a child process: strict arguments,
/// one clear line for each fatal problem (never a stack trace, never a loop), and a <c>check</c> that changes nothing.
/// </summary>
public sealed class OperatorStartTests : IDisposable
{
    private const string WellFormedToken = "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task HelpPrintsUsageWithSubCommandsKeysAndDocs(string argument)
    {
        var run = await RunAsync([argument], new() { ["Telegram__BotToken"] = WellFormedToken });

        Assert.Equal(0, run.ExitCode);
        foreach (var expected in new[] { "Usage:", "check", "sandbox", "keygen", "rotate-key", "migrate-to-postgres", "Storage:Provider", "Telegram:BotToken", "Admins:UserIds", "docs/OPERATIONS.md" })
        {
            Assert.Contains(expected, run.Output);
        }

        AssertNothingCreated();
    }

    [Fact]
    public async Task VersionPrintsTheVersion()
    {
        var run = await RunAsync(["--version"], new() { ["Telegram__BotToken"] = WellFormedToken });

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^FamilyLinkBot \d+\.\d+", run.Output);
        AssertNothingCreated();
    }

    [Theory]
    [InlineData("status")]
    [InlineData("--hlep")]
    [InlineData("--verbose")]
    [InlineData("check", "--verbose")]
    [InlineData("--Telegram:Mode=Webhook", "start")]
    public async Task UnknownSubCommandOrOptionPrintsUsageAndNeverStartsTheBot(params string[] args)
    {
        // With a token in the environment, a lenient parser would start a second poller here.
        var run = await RunAsync(args, new() { ["Telegram__BotToken"] = WellFormedToken, ["Telegram__ApiBaseUrl"] = "http://127.0.0.1:9" });

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("Unknown", run.Error, StringComparison.Ordinal);
        Assert.Contains("Usage:", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        AssertNothingCreated();
    }

    [Fact]
    public async Task TokenRefusedAtStartStopsWithTheBotFatherLine()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        // The emulator answers 401 to any token but its own, as Telegram does.
        var run = await RunAsync([], Settings(emulator, WellFormedToken));
        var exitedAt = DateTimeOffset.UtcNow;

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("the token was refused (401). Copy it again from @BotFather", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.DoesNotContain(WellFormedToken, run.Error + run.Output);
        Assert.Equal(1, emulator.Requests.Count(r => r.Method == "getMe"));
        Assert.DoesNotContain(emulator.Requests, r => r.Method is "getUpdates" or "sendMessage");
        var refused = emulator.Requests.First(r => r.Method == "getMe").TimeUtc;
        // Measured from Telegram's answer, not from process start (which is the runtime's start-up on a busy machine).
        Assert.True(exitedAt - refused < TimeSpan.FromSeconds(5), $"exited {exitedAt - refused} after the 401");
    }

    [Fact]
    public async Task UnreachableTelegramAtStartKeepsTryingAndSaysSoOnce()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now: connections are refused

        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = new Process
        {
            StartInfo = StartInfo([], new()
            {
                ["Telegram__BotToken"] = WellFormedToken,
                ["Telegram__ApiBaseUrl"] = $"http://127.0.0.1:{port}",
            }),
        };
        process.OutputDataReceived += (_, e) => log.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => log.Enqueue(e.Data ?? "");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool stillRunning;
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!process.HasExited && DateTime.UtcNow < deadline && !log.Any(l => l.Contains("Cannot reach Telegram", StringComparison.Ordinal)))
            {
                await Task.Delay(100);
            }

            // Back-off retries follow at 1, 2 and 4 s: none of them may add a line within the minute.
            await Task.Delay(TimeSpan.FromSeconds(6));
            stillRunning = !process.HasExited;
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var text = string.Join("\n", log);
        Assert.True(stillRunning, "a network error at start is not fatal: " + text);
        Assert.Equal(1, Occurrences(text, "Cannot reach Telegram at 127.0.0.1:" + port));
        Assert.Contains("still trying", text);
        Assert.DoesNotContain(WellFormedToken, text);
    }

    [Fact]
    public async Task InvalidValueIsOneLineNamingTheKeyWithoutStackTrace()
    {
        var run = await RunAsync([], new() { ["Telegram__BotToken"] = WellFormedToken, ["Conversations__IdleTimeout"] = "-00:01:00" });

        Assert.Equal(2, run.ExitCode);
        AssertOneLine(run, "Conversations:IdleTimeout");
        Assert.DoesNotContain("Exception", run.Error + run.Output);
    }

    [Theory]
    [InlineData("Storage__ConnectionString", "Data Source=:memory:", "Storage:ConnectionString")]
    [InlineData("News__RulesPath", "/nonexistent/rules.json", "News:RulesPath")]
    [InlineData("Crypto__MasterKey", "not-base64", "Crypto:MasterKey")]
    [InlineData("Monitoring__Enabled", "sometimes", "Monitoring:Enabled")]
    public async Task EveryKindOfBadSettingIsOneLineNamingTheKey(string variable, string value, string key)
    {
        var run = await RunAsync([], new() { ["Telegram__BotToken"] = WellFormedToken, ["Telegram__ApiBaseUrl"] = "http://127.0.0.1:9", [variable] = value });

        Assert.NotEqual(0, run.ExitCode);
        AssertOneLine(run, key);
    }

    [Fact]
    public async Task UnreadableValueNamesTheKeyButNotTheValue()
    {
        var run = await RunAsync([], new() { ["Telegram__BotToken"] = WellFormedToken, ["News__PollInterval"] = "SECRET-ish" });

        Assert.Equal(2, run.ExitCode);
        AssertOneLine(run, "News:PollInterval");
        Assert.DoesNotContain("SECRET", run.Error + run.Output);
    }

    [Fact]
    public async Task SandboxPortInUseIsOneLineNamingTheAddress()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var run = await RunAsync(["sandbox", $"--Sandbox:ListenUrl={url}", $"--Sandbox:DataFolder={_folder.File("sandbox")}"], []);

        Assert.NotEqual(0, run.ExitCode);
        Assert.NotEqual(134, run.ExitCode);
        AssertOneLine(run, url, "in use");
    }

    [Fact]
    public async Task MonitoringPortInUseIsOneLineNamingTheAddressAndKey()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";
        var settings = Settings(emulator, emulator.Token);
        settings["Monitoring__Enabled"] = "true";
        settings["Monitoring__ListenUrl"] = url;

        var run = await RunAsync([], settings);

        Assert.NotEqual(0, run.ExitCode);
        AssertOneLine(run, url, "Monitoring:ListenUrl");
    }

    [Fact]
    public async Task WebhookPortInUseIsOneLineNamingTheAddressAndKey()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";
        var settings = Settings(emulator, emulator.Token);
        settings["Telegram__Mode"] = "Webhook";
        settings["Telegram__WebhookUrl"] = "https://bot.example.org/telegram";
        settings["Telegram__WebhookSecret"] = "0123456789abcdefXYZ";
        settings["Telegram__ListenUrl"] = url;

        var run = await RunAsync([], settings);

        Assert.NotEqual(0, run.ExitCode);
        AssertOneLine(run, url, "Telegram:ListenUrl");
    }

    [Fact]
    public async Task CheckOnAnEmptyFolderCreatesNothing()
    {
        await using var emulator = await BotApiEmulator.StartAsync();

        var run = await RunAsync(["check"], Settings(emulator, emulator.Token));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("does not exist yet", run.Output);
        Assert.Contains("none yet", run.Output);
        Assert.Contains("All checks passed.", run.Output);
        AssertNothingCreated();
    }

    [Fact]
    public async Task CheckValidatesTheSectionsTheBotValidates()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var settings = Settings(emulator, emulator.Token);
        settings["News__Feeds__0__Name"] = "broken";
        settings["News__Feeds__0__Url"] = "ftp://example.invalid/feed";
        settings["News__Feeds__0__Language"] = "en";
        settings["Caseworkers__TokenLookupsPerMinute"] = "0";

        var check = await RunAsync(["check"], settings);
        var start = await RunAsync([], settings);

        Assert.Equal(1, check.ExitCode);
        Assert.Contains("PROBLEM  configuration: News:Feeds", check.Output);
        Assert.Contains("PROBLEM  configuration: Caseworkers:TokenLookupsPerMinute", check.Output);
        Assert.Equal(2, start.ExitCode);
        foreach (var line in Lines(start.Error))
        {
            Assert.Contains(line.Replace("Configuration error: ", "", StringComparison.Ordinal), check.Output);
        }

        AssertNothingCreated();
    }

    [Theory]
    [InlineData("News__PollInterval", "00:00:10", "News:PollInterval")]
    [InlineData("News__MaxFeedBytes", "0", "News:MaxFeedBytes")]
    [InlineData("Caseworkers__InviteValidity", "00:00:01", "Caseworkers:InviteValidity")]
    [InlineData("Caseworkers__TokenLookupsPerMinute", "5000", "Caseworkers:TokenLookupsPerMinute")]
    [InlineData("Crypto__MasterKeyPath", " ", "Crypto:MasterKeyPath")]
    public async Task CheckReportsEachSectionsBadValueThroughTheHostsOwnValidation(string variable, string value, string key)
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        var settings = Settings(emulator, emulator.Token);
        settings[variable] = value;

        var check = await RunAsync(["check"], settings);

        Assert.Equal(1, check.ExitCode);
        Assert.Contains("PROBLEM  configuration: " + key, check.Output);
        Assert.DoesNotContain("   at ", check.Output + check.Error);
        AssertNothingCreated();
    }

    private static Dictionary<string, string> Settings(BotApiEmulator emulator, string token) => new()
    {
        ["Telegram__BotToken"] = token,
        ["Telegram__ApiBaseUrl"] = emulator.BaseUrl,
        ["Telegram__PollingTimeoutSeconds"] = "1",
    };

    private void AssertNothingCreated() =>
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.Path));

    /// <summary>Standard error is one line that names each of <paramref name="mentions"/>, with no stack frame anywhere.</summary>
    private static void AssertOneLine((int ExitCode, string Output, string Error) run, params string[] mentions)
    {
        var lines = Lines(run.Error);
        Assert.Single(lines);
        foreach (var mention in mentions)
        {
            Assert.Contains(mention, lines[0]);
        }

        Assert.DoesNotContain("   at ", run.Error + run.Output);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args, Dictionary<string, string> environment)
    {
        return ProgramProcess.RunToEndAsync(StartInfo(args, environment), TimeSpan.FromSeconds(60));
    }

    private ProcessStartInfo StartInfo(string[] args, Dictionary<string, string> environment) =>
        ProgramProcess.StartInfo(_folder.Path, environment, args);
}
