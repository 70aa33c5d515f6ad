using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FamilyLinkBot.Testing;

/// <summary>
/// Telegram's side of webhook mode for several bot instances behind a round-robin load balancer
/// (docs/DESIGN.md#12-scale-out). The emulator records setWebhook but does not push, so this takes its queued updates
/// itself (it clears the webhook and calls getUpdates as one more client of the emulator) and POSTs each, as the
/// emulator serialized it, to the next instance with the secret header. Up to <c>maxConnections</c> POSTs are in flight
/// at once, as Telegram's max_connections allows; one chat's next update is sent only after its previous one was
/// answered 200, so each chat's updates arrive in order. A POST that fails (refused, 5xx) is tried again on the next
/// instance, as a load balancer and Telegram's redelivery together would.
/// </summary>
public sealed class WebhookPusher : IAsyncDisposable
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly BotApiEmulator _emulator;
    private readonly string[] _targets;
    private readonly string _secret;
    private readonly HttpClient _toBots;
    private readonly HttpClient _toEmulator = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly SemaphoreSlim _connections;
    private readonly CancellationTokenSource _stop = new();
    // Each chat's last push; the loop is the only writer, so a plain dictionary is enough.
    private readonly Dictionary<long, Task> _tails = [];
    private readonly int[] _pushedTo;
    private Task _loop = Task.CompletedTask;
    private int _next = -1;
    private int _failedAttempts;

    private WebhookPusher(BotApiEmulator emulator, IReadOnlyList<string> targets, string secret, int maxConnections)
    {
        if (targets.Count == 0)
        {
            throw new ArgumentException("At least one instance to push to.", nameof(targets));
        }

        _emulator = emulator;
        _targets = [.. targets];
        _secret = secret;
        _connections = new SemaphoreSlim(maxConnections, maxConnections);
        _pushedTo = new int[_targets.Length];
        _toBots = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>Updates answered 200, per instance (in the order of the targets given).</summary>
    public IReadOnlyList<int> PushedTo => [.. Enumerable.Range(0, _pushedTo.Length).Select(i => Volatile.Read(ref _pushedTo[i]))];

    /// <summary>Updates answered 200 by any instance.</summary>
    public int Pushed => PushedTo.Sum();

    /// <summary>POSTs that failed (connection refused, a non-200 answer) and were tried again on the next instance.</summary>
    public int FailedAttempts => Volatile.Read(ref _failedAttempts);

    /// <summary>
    /// Starts pushing to <paramref name="targets"/> (each the full URL of an instance's webhook endpoint). Start it once
    /// every instance has called setWebhook: it deletes the webhook so that it may call getUpdates itself.
    /// </summary>
    public static async Task<WebhookPusher> StartAsync(BotApiEmulator emulator, IReadOnlyList<string> targets, string secret, int maxConnections = 40)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        ArgumentNullException.ThrowIfNull(targets);
        var pusher = new WebhookPusher(emulator, targets, secret, maxConnections);
        await pusher.CallEmulatorAsync("deleteWebhook", "{}", CancellationToken.None);
        pusher._loop = Task.Run(() => pusher.RunAsync(pusher._stop.Token));
        return pusher;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Task.WhenAll(_tails.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _toBots.Dispose();
        _toEmulator.Dispose();
        _connections.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var offset = 0;
        while (!stop.IsCancellationRequested)
        {
            using var answer = await GetUpdatesAsync(offset, stop);
            if (answer is null)
            {
                continue;
            }

            foreach (var update in answer.RootElement.GetProperty("result").EnumerateArray())
            {
                var id = update.GetProperty("update_id").GetInt32();
                offset = Math.Max(offset, id + 1);
                var chat = ChatOf(update) ?? -id;
                var body = Encoding.UTF8.GetBytes(update.GetRawText());
                _tails[chat] = PushAfterAsync(_tails.GetValueOrDefault(chat), body, stop);
            }

            if (_tails.Count > 10_000)
            {
                foreach (var done in _tails.Where(t => t.Value.IsCompleted).Select(t => t.Key).ToList())
                {
                    _tails.Remove(done);
                }
            }
        }
    }

    /// <summary>The parsed answer of one getUpdates, or null when there was nothing to take (and it is worth asking again).</summary>
    private async Task<JsonDocument?> GetUpdatesAsync(int offset, CancellationToken stop)
    {
        string text;
        try
        {
            text = await CallEmulatorAsync("getUpdates", $$"""{"offset":{{offset}},"limit":100,"timeout":1}""", stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return null;
        }
        catch (HttpRequestException)
        {
            await Task.Delay(100, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return null;
        }

        var answer = JsonDocument.Parse(text);
        if (answer.RootElement.GetProperty("ok").GetBoolean())
        {
            return answer;
        }

        var code = answer.RootElement.TryGetProperty("error_code", out var c) ? c.GetInt32() : 0;
        answer.Dispose();
        if (code == (int)HttpStatusCode.Conflict)
        {
            // An instance (re)started and set the webhook again: take the updates back.
            await CallEmulatorAsync("deleteWebhook", "{}", stop);
        }
        else
        {
            await Task.Delay(100, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return null;
    }

    private async Task PushAfterAsync(Task? previous, byte[] body, CancellationToken stop)
    {
        if (previous is not null)
        {
            await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _connections.WaitAsync(stop);
        try
        {
            for (var attempt = 0; !stop.IsCancellationRequested; attempt++)
            {
                var target = (int)((uint)Interlocked.Increment(ref _next) % (uint)_targets.Length);
                if (await TryPostAsync(_targets[target], body, stop))
                {
                    Interlocked.Increment(ref _pushedTo[target]);
                    return;
                }

                Interlocked.Increment(ref _failedAttempts);
                // Every instance in turn first, then a growing pause, as Telegram backs off an unanswering webhook.
                if (attempt >= _targets.Length - 1)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 20 << Math.Min(attempt, 6))), stop);
                }
            }
        }
        finally
        {
            _connections.Release();
        }
    }

    private async Task<bool> TryPostAsync(string target, byte[] body, CancellationToken stop)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Add(SecretHeader, _secret);
        try
        {
            using var response = await _toBots.SendAsync(request, stop);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false; // refused or cut off: a dead instance
        }
        catch (TaskCanceledException) when (!stop.IsCancellationRequested)
        {
            return false; // timed out
        }
    }

    private async Task<string> CallEmulatorAsync(string method, string json, CancellationToken cancellationToken)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _toEmulator.PostAsync(new Uri($"{_emulator.BaseUrl}/bot{_emulator.Token}/{method}"), content, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    private static long? ChatOf(JsonElement update)
    {
        foreach (var kind in (string[])["message", "edited_message"])
        {
            if (update.TryGetProperty(kind, out var message) && message.TryGetProperty("chat", out var chat))
            {
                return chat.GetProperty("id").GetInt64();
            }
        }

        if (update.TryGetProperty("callback_query", out var query))
        {
            return query.TryGetProperty("message", out var message) && message.TryGetProperty("chat", out var chat)
                ? chat.GetProperty("id").GetInt64()
                : query.GetProperty("from").GetProperty("id").GetInt64();
        }

        return null;
    }
}
