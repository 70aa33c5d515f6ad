using System.Diagnostics;
using FamilyLinkBot.Tests.Support;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>The real program started as a child process, as an operator would start it.</summary>
public sealed class ProgramStartTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task StartWithoutTokenStopsAtOnceNamingTheKey()
    {
        var (exitCode, _, error) = await RunAsync(new Dictionary<string, string>());

        Assert.Equal(2, exitCode);
        Assert.Contains("Telegram:BotToken", error);
        Assert.Contains("Telegram__BotToken", error);
        Assert.Contains("@BotFather", error);
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "data")), "nothing is created without a token");
    }

    [Fact]
    public async Task StartWithInvalidValueNamesTheKey()
    {
        var (exitCode, _, error) = await RunAsync(new Dictionary<string, string>
        {
            ["Telegram__BotToken"] = "123456:" + new string('A', 35),
            ["Delivery__MessagesPerSecond"] = "500",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("Delivery:MessagesPerSecond", error);
        Assert.DoesNotContain("AAAAAAAAAAAAAAAAAAAA", error);
    }

    [Fact]
    public async Task StartWithAnUnusableFeedEntryStopsNamingIt()
    {
        var (exitCode, _, error) = await RunAsync(new Dictionary<string, string>
        {
            ["Telegram__BotToken"] = "123456:" + new string('A', 35),
            ["News__Feeds__0__Name"] = "Yonhap",
            ["News__Feeds__0__Url"] = "https://example.org/yonhap.xml",
            ["News__Feeds__1__Name"] = "Daily NK",
            ["News__Feeds__1__Adress"] = "https://example.org/dailynk.xml",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("News:Feeds:1:Adress is not a feed setting", error);
        Assert.Contains("News:Feeds:1:Url must be an absolute http or https URL", error);
        Assert.DoesNotContain("News:Feeds:0", error);
    }

    [Fact]
    public async Task StartWithMalformedTokenNamesTheKeyButNotTheValue()
    {
        var (exitCode, _, error) = await RunAsync(new Dictionary<string, string> { ["Telegram__BotToken"] = "not-a-token-SECRET" });

        Assert.Equal(2, exitCode);
        Assert.Contains("Telegram:BotToken", error);
        Assert.DoesNotContain("SECRET", error);
    }

    [Fact]
    public async Task TheShippedSettingsExampleIsValidAsItIs()
    {
        // An operator copies appsettings.example.json to appsettings.json and adds only the token.
        await using var emulator = await FamilyLinkBot.Testing.BotApiEmulator.StartAsync();
        File.Copy(Path.Combine(Repository.Root, "appsettings.example.json"), Path.Combine(_folder.Path, "appsettings.json"));
        var start = StartInfo(new Dictionary<string, string>
        {
            ["Telegram__BotToken"] = emulator.Token,
            ["Telegram__ApiBaseUrl"] = emulator.BaseUrl,
            // The emulator records a getUpdates when it answers it: a short long-poll makes that soon on a busy machine.
            ["Telegram__PollingTimeoutSeconds"] = "1",
        });

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        try
        {
            await emulator.WaitUntilAsync(() => process.HasExited || emulator.Requests.Any(r => r.Method == "getUpdates"), TimeSpan.FromSeconds(30));
            Assert.False(process.HasExited, "the bot stopped at start: " + (process.HasExited ? await error : ""));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    internal static string ProgramPath => Path.Combine(AppContext.BaseDirectory, "FamilyLinkBot.dll");

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(Dictionary<string, string> environment)
    {
        using var process = Process.Start(StartInfo(environment))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    private ProcessStartInfo StartInfo(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _folder.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(ProgramPath);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Telegram", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }
}
