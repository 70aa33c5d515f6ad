using System.Net.Http.Json;
using System.Text.Json;
using FamilyLinkBot.Sandbox;
using Microsoft.Extensions.Logging;

namespace FamilyLinkBot.Tests.Sandbox;

/// <summary>Plays the sandbox page through its JSON API, as the page's script does.</summary>
public sealed class SandboxClient(Uri pageUrl) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = pageUrl, Timeout = TimeSpan.FromSeconds(40) };

    public HttpClient Http => _http;

    public static Task<SandboxHost> StartAsync(string dataFolder) =>
        SandboxHost.StartAsync(
            new SandboxOptions { DataFolder = dataFolder, ListenUrl = "http://127.0.0.1:0" },
            new Dictionary<string, string?> { ["Telegram:PollingTimeoutSeconds"] = "1" },
            logging => logging.ClearProviders());

    public async Task SendAsync(string pane, string text)
    {
        using var response = await _http.PostAsJsonAsync($"api/panes/{pane}/send", new { text });
        response.EnsureSuccessStatusCode();
    }

    public async Task<JsonElement> MessagesAsync(string pane, long? since = null)
    {
        var json = await _http.GetStringAsync($"api/panes/{pane}/messages" + (since is { } s ? $"?since={s}" : ""));
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    /// <summary>The newest bot message of the pane that matches, waiting for it (long polls, 15 s at most).</summary>
    public async Task<JsonElement> WaitForBotMessageAsync(string pane, Func<JsonElement, bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        long? since = null;
        while (DateTime.UtcNow < deadline)
        {
            var snapshot = await MessagesAsync(pane, since);
            var found = snapshot.GetProperty("messages").EnumerateArray()
                .Where(m => m.GetProperty("fromBot").GetBoolean())
                .LastOrDefault();
            if (found.ValueKind != JsonValueKind.Undefined && match(found))
            {
                return found;
            }

            since = snapshot.GetProperty("revision").GetInt64();
        }

        throw new TimeoutException($"No matching bot message in the {pane} pane.");
    }

    /// <summary>Presses the button labelled <paramref name="label"/> on the newest bot message, once it shows one.</summary>
    public async Task PressAsync(string pane, string label)
    {
        var message = await WaitForBotMessageAsync(pane, m => Buttons(m).Any(b => b.Text == label));
        var button = Buttons(message).First(b => b.Text == label);
        using var response = await _http.PostAsJsonAsync($"api/panes/{pane}/press", new { messageId = message.GetProperty("id").GetInt32(), callbackData = button.Data });
        response.EnsureSuccessStatusCode();
    }

    public static IEnumerable<(string Text, string? Data)> Buttons(JsonElement message) =>
        message.GetProperty("keyboard").ValueKind == JsonValueKind.Array
            ? message.GetProperty("keyboard").EnumerateArray().SelectMany(row => row.EnumerateArray())
                .Select(b => (b.GetProperty("text").GetString()!, b.TryGetProperty("callback_data", out var d) ? d.GetString() : null))
            : [];

    public void Dispose() => _http.Dispose();
}
