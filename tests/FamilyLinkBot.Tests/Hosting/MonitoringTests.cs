using System.Globalization;
using System.Net;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Monitoring;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.EndToEnd;
using FamilyLinkBot.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FamilyLinkBot.Tests.Hosting;

/// <summary>/healthz and /metrics for operators: aggregates only, and unhealthy when Telegram stops answering.</summary>
public sealed class MonitoringTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private BotApiEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await BotApiEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    private static Dictionary<string, string?> Enabled(string staleAfter = "00:05:00") => new()
    {
        ["Monitoring:Enabled"] = "true",
        ["Monitoring:ListenUrl"] = "http://127.0.0.1:0",
        ["Monitoring:TelegramStaleAfter"] = staleAfter,
    };

    [Fact]
    public async Task MonitoringIsOffByDefault()
    {
        await using var bot = await TestBot.StartAsync(_emulator, _folder.Path);

        Assert.Null(bot.Host.Services.GetService(typeof(MonitoringServer)));
    }

    [Fact]
    public async Task MetricsAfterAnEndToEndRunHoldCountsButNoIdOrPseudonymOrText()
    {
        await using var bot = await TestBot.StartAsync(_emulator, _folder.Path, Enabled());
        var family = await CaseFlowTests.OnboardAsync(_emulator);
        var token = await CaseFlowTests.RegisterAsync(family, "Mi-rae Secret-Alias");
        await family.Says("Where is my sister? She was in Tumen.");
        var url = bot.Service<MonitoringServer>().BoundUrl;

        var metrics = await _http.GetStringAsync(url + "/metrics");

        Assert.Contains("familylinkbot_updates_processed", metrics);
        Assert.Contains("familylinkbot_telegram_requests", metrics);
        Assert.Contains("method=\"sendMessage\"", metrics);
        Assert.Contains("outcome=\"ok\"", metrics);
        Assert.Contains("familylinkbot_outbox_pending", metrics);
        Assert.Contains("lane=\"bulk\"", metrics);
        Assert.Contains("familylinkbot_broadcast_recipients", metrics);

        var forbidden = new List<string> { _emulator.Token, _emulator.Token.Split(':')[1], token, token.Replace("-", "", StringComparison.Ordinal), "Mi-rae", "Secret-Alias", "Tumen" };
        foreach (var user in _emulator.Users)
        {
            forbidden.Add(user.Id.ToString(CultureInfo.InvariantCulture));
            forbidden.Add(user.ChatId.ToString(CultureInfo.InvariantCulture));
        }

        forbidden.AddRange(await PseudonymsAsync(bot.DatabasePath));
        foreach (var secret in forbidden)
        {
            Assert.False(metrics.Contains(secret, StringComparison.Ordinal), $"the metrics hold an identifying value ({secret.Length} characters)");
        }

        // Every label of the bot's metrics is one of a few fixed words: no free-form value can slip in.
        var ours = metrics.Split('\n').Where(l => l.StartsWith("familylinkbot_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(ours);
        foreach (var line in ours)
        {
            foreach (System.Text.RegularExpressions.Match label in System.Text.RegularExpressions.Regex.Matches(line, "(\\w+)=\"([^\"]*)\""))
            {
                if (!label.Groups[1].Value.StartsWith("otel_scope", StringComparison.Ordinal))
                {
                    Assert.True(System.Text.RegularExpressions.Regex.IsMatch(label.Groups[2].Value, "^[A-Za-z_]{1,40}$"), "label " + label.Groups[1].Value);
                }
            }
        }
    }

    [Fact]
    public async Task HealthzIsHealthyThenUnhealthyWhenTheBotApiStopsAnswering()
    {
        var emulator = await BotApiEmulator.StartAsync();
        await using var bot = await TestBot.StartAsync(emulator, _folder.Path, Enabled(staleAfter: "00:00:02"));
        var url = bot.Service<MonitoringServer>().BoundUrl + "/healthz";

        using (var healthy = await _http.GetAsync(url))
        {
            var body = await healthy.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
            Assert.Contains("\"status\": \"healthy\"", body);
            foreach (var check in new[] { "database", "key", "telegram", "outbox" })
            {
                Assert.Contains($"\"{check}\"", body);
            }
        }

        await emulator.DisposeAsync();

        var status = HttpStatusCode.OK;
        var last = "";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (status == HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            using var response = await _http.GetAsync(url);
            status = response.StatusCode;
            last = await response.Content.ReadAsStringAsync();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        using var json = System.Text.Json.JsonDocument.Parse(last);
        Assert.Equal("unhealthy", json.RootElement.GetProperty("status").GetString());
        var checks = json.RootElement.GetProperty("checks");
        Assert.False(checks.GetProperty("telegram").GetProperty("healthy").GetBoolean());
        Assert.True(checks.GetProperty("database").GetProperty("healthy").GetBoolean());
    }

    [Fact]
    public async Task HealthzIsUnhealthyWhenAnOutboxMessageIsStuck()
    {
        var settings = Enabled();
        settings["Monitoring:OutboxStuckAfter"] = "00:00:01";
        await using var bot = await TestBot.StartAsync(_emulator, _folder.Path, settings);
        var family = await CaseFlowTests.OnboardAsync(_emulator);
        var url = bot.Service<MonitoringServer>().BoundUrl + "/healthz";

        // A message due long ago that is still pending: claimed by another process that never finished it, so this
        // one's dispatcher leaves it alone (sent rows are deleted at once, so the test queues its own).
        await using (var connection = await TestStore.OpenAsync(bot.DatabasePath))
        {
            await using var command = connection.CreateCommand();
            command.CommandText =
                """
                INSERT INTO outbox (chat_ref, lane, payload, not_before, created_at, claimed_by, claimed_until)
                SELECT id, 1, @empty, 1000, 1000, 'elsewhere:0', 253402300799000 FROM chats LIMIT 1;
                """;
            FamilyLinkBot.Storage.DbCommandExtensions.With(command, "@empty", Array.Empty<byte>());
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        using var response = await _http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("has been due for", body);
        _ = family;
    }

    private static async Task<List<string>> PseudonymsAsync(string databasePath)
    {
        var list = new List<string>();
        await using var connection = await TestStore.OpenAsync(databasePath);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT chat_index FROM chats;";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add(Pseudonym.Of((byte[])reader[0]));
        }

        Assert.NotEmpty(list);
        return list;
    }
}
