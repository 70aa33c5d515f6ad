using System.Diagnostics;
using System.Text.Json;
using FamilyLinkBot.Tests.Support;
using Xunit.Abstractions;

namespace FamilyLinkBot.Tests.Sandbox;

/// <summary>
/// The sandbox page in headless Chromium, driven by tests/browser/sandbox.spec.mjs (playwright-core): the family
/// registers a case by clicking buttons, sees its code and opens /cases on a phone-wide page with no button label cut
/// off; caseworker and admin steps run when the bot has them; a published sample story is approved in /review and
/// reaches the family as a discreet alert opened with Show.
/// The screenshot of the final state is saved as TestResults/sandbox.png in the test's output folder.
/// </summary>
public sealed class SandboxBrowserTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static string ScreenshotPath => Path.Combine(AppContext.BaseDirectory, "TestResults", "sandbox.png");

    [BrowserFact]
    public async Task SandboxPageRegistersACaseByClickingInChromium()
    {
        Assert.Null(BrowserSetup.Missing());
        await using var sandbox = await SandboxClient.StartAsync(_folder.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(ScreenshotPath)!);
        File.Delete(ScreenshotPath);

        var start = new ProcessStartInfo(BrowserSetup.NodePath!)
        {
            WorkingDirectory = BrowserSetup.BrowserFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("sandbox.spec.mjs");
        start.ArgumentList.Add(sandbox.PageUrl.ToString());
        start.ArgumentList.Add(ScreenshotPath);
        start.Environment["CHROMIUM_PATH"] = BrowserSetup.ChromiumPath;
        using var node = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var stdout = node.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = node.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await node.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw;
        }

        // The sandbox's users are invented; their messages may be shown.
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);
        output.WriteLine("Screenshot: " + ScreenshotPath);
        var result = JsonDocument.Parse((await stdout).Trim().Split('\n')[^1]).RootElement;
        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.Equal(0, node.ExitCode);
        var steps = result.GetProperty("steps").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Contains("family-register", steps);
        Assert.Contains("feed-alert", steps); // "Publish a border story" reached the family pane, discreetly, then via Show
        // On a phone-wide page, the family's Korean buttons from /start through register to /cases all fit uncut.
        Assert.Contains("family-cases", steps);
        Assert.Contains(steps, s => s!.StartsWith("buttons-fit:", StringComparison.Ordinal));
        Assert.True(File.Exists(ScreenshotPath));
        Assert.All(sandbox.OutboundHosts, host => Assert.Equal("127.0.0.1", host));
    }
}
