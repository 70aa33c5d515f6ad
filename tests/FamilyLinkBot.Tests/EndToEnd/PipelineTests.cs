using System.Text.Json;
using FamilyLinkBot.Privacy;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>The update pipeline and polling loop: idle flows, the command menu, back-off, and batched deletes.</summary>
public sealed class PipelineTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private BotApiEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await BotApiEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _folder.Dispose();
    }

    private static string En(string key) => CaseFlowTests.En(key);

    [Fact]
    public async Task IdleFlowIsDroppedAfterTheTimeout()
    {
        await using var bot = await TestBot.StartAsync(
            _emulator, _folder.Path, new Dictionary<string, string?> { ["Privacy:SweepInterval"] = "01:00:00" }, s => s.AddSingleton<TimeProvider>(_time));
        var family = await CaseFlowTests.OnboardAsync(_emulator);
        await family.Says("/register");
        var relationMenu = await family.Presses("Parent");

        _time.Advance(TimeSpan.FromMinutes(31));
        var reply = await family.Says("Grandpa");

        Assert.Contains(En("flow.idle_expired"), family.Replies.Select(r => r.Text));
        Assert.NotEqual(En("reg.region.prompt"), reply.Text);
        var stale = await family.PressesRaw(relationMenu, relationMenu.Buttons[0].CallbackData!);
        Assert.Equal(En("answer.button_expired"), stale.Text);
    }

    [Fact]
    public async Task FlowWithinTheTimeoutContinues()
    {
        await using var bot = await TestBot.StartAsync(
            _emulator, _folder.Path, new Dictionary<string, string?> { ["Privacy:SweepInterval"] = "01:00:00" }, s => s.AddSingleton<TimeProvider>(_time));
        var family = await CaseFlowTests.OnboardAsync(_emulator);
        await family.Says("/register");
        await family.Presses("Parent");

        _time.Advance(TimeSpan.FromMinutes(29));
        var reply = await family.Says("Grandpa");

        Assert.Equal(En("reg.region.prompt"), reply.Text);
    }

    [Fact]
    public async Task CommandMenuIsPublishedInEachLanguage()
    {
        await using var bot = await TestBot.StartAsync(_emulator, _folder.Path);
        await _emulator.WaitUntilAsync(() => _emulator.Requests.Count(r => r.Method == "setMyCommands") >= 4, TimeSpan.FromSeconds(10));

        var published = _emulator.Requests.Where(r => r.Method == "setMyCommands").Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        var languages = published.Select(p => p.TryGetProperty("language_code", out var code) ? code.GetString() : "").ToHashSet();
        Assert.Equal(new HashSet<string?> { "ko", "en", "zh", "" }, languages);
        var english = published.Single(p => p.TryGetProperty("language_code", out var c) && c.GetString() == "en");
        var names = english.GetProperty("commands").EnumerateArray().Select(c => c.GetProperty("command").GetString()).ToList();
        Assert.Contains("register", names);
        Assert.Contains("panic", names);
        Assert.DoesNotContain("broadcast", names);
    }

    [Theory]
    [InlineData(502)]
    [InlineData(409)]
    public async Task PollingBacksOffAfterFailuresInsteadOfHammering(int status)
    {
        _emulator.FailNext("getUpdates", status, count: 3);
        await using var bot = await TestBot.StartAsync(_emulator, _folder.Path);
        await _emulator.WaitUntilAsync(() => _emulator.Requests.Any(r => r.Method == "getUpdates" && r.StatusCode == 200), TimeSpan.FromSeconds(30));

        var failures = _emulator.Requests.Where(r => r.Method == "getUpdates" && r.StatusCode == status).Select(r => r.TimeUtc).ToList();
        Assert.Equal(3, failures.Count);
        // Back-off is at least half of 1 s, 2 s, …: a lower bound, so a slow machine cannot make this flaky.
        Assert.True(failures[1] - failures[0] >= TimeSpan.FromMilliseconds(450));
        Assert.True(failures[2] - failures[1] >= TimeSpan.FromMilliseconds(950));
        var reply = await _emulator.Driver(_emulator.CreateUser(languageCode: "en")).Says("/help");
        Assert.Equal(En("help.text"), reply.Text);
    }

    [Fact]
    public async Task PanicDeletesInBatchesOfAtMostOneHundred()
    {
        await using var bot = await TestBot.StartAsync(_emulator, _folder.Path);
        var family = await CaseFlowTests.OnboardAsync(_emulator);
        await using (var db = await bot.Service<Database>().BeginAsync())
        {
            var chatRef = await ChatRefAsync(bot);
            var trackedMessages = bot.Service<TrackedMessageStore>();
            for (var id = 10_000; id < 10_250; id++)
            {
                await trackedMessages.TrackAsync(db, chatRef, id, DateTimeOffset.UtcNow, null, CancellationToken.None);
            }

            await db.CommitAsync();
        }

        _emulator.SendText(family.User, "/panic");
        await _emulator.WaitUntilAsync(() => DeletedIds().Count >= 250, TimeSpan.FromSeconds(10));

        var batches = _emulator.Requests.Where(r => r.Method == "deleteMessages").Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("message_ids").GetArrayLength()).ToList();
        Assert.All(batches, size => Assert.InRange(size, 1, 100));
        Assert.True(batches.Count >= 3);
    }

    private HashSet<int> DeletedIds() =>
        [.. _emulator.Requests.Where(r => r.Method == "deleteMessages")
            .SelectMany(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("message_ids").EnumerateArray().Select(e => e.GetInt32()))];

    private static async Task<string> ChatRefAsync(TestBot bot)
    {
        await using var connection = await TestStore.OpenAsync(bot.DatabasePath);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM chats;";
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
