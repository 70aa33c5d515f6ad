using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FamilyLinkBot.Alerts;
using FamilyLinkBot.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Telegram.Bot;

namespace FamilyLinkBot.Sandbox;

/// <summary>
/// The sandbox page (docs/DESIGN.md#11-sandbox) on its own Kestrel: static files embedded in the program, a small JSON API over
/// the emulator's chats, and the sample feed. Loopback only, and only for requests that name a loopback host
/// (a web page elsewhere cannot reach it through DNS rebinding).
/// </summary>
public static class SandboxWebApp
{
    private static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(25);

    private static readonly Dictionary<string, (string Resource, string ContentType)> StaticFiles = new(StringComparer.Ordinal)
    {
        ["/"] = ("index.html", "text/html; charset=utf-8"),
        ["/index.html"] = ("index.html", "text/html; charset=utf-8"),
        ["/app.js"] = ("app.js", "text/javascript; charset=utf-8"),
        ["/app.css"] = ("app.css", "text/css; charset=utf-8"),
    };

    public static WebApplication Build(SandboxHost sandbox, IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = sandbox.DataFolder });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, port);
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddRouting();
        var app = builder.Build();
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        app.Use(async (context, next) =>
        {
            if (context.Request.Host.Host is not ("127.0.0.1" or "localhost" or "[::1]"))
            {
                context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
                return;
            }

            if (HttpMethods.IsPost(context.Request.Method) && IsCrossSite(context.Request))
            {
                // A page elsewhere that the user visits must not publish stories or send messages as them (issue 13).
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }

            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.CacheControl = "no-store";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
            await next(context);
        });

        foreach (var (path, (resource, contentType)) in StaticFiles)
        {
            app.MapGet(path, () => Results.Bytes(ReadResource(resource), contentType));
        }

        app.MapGet("/api/panes", () => Results.Json(new
        {
            panes = sandbox.Panes.Select(p => new { id = p.Id }),
            commands = sandbox.Commands,
            bot = "@" + sandbox.Emulator.BotUsername,
        }));

        app.MapGet("/api/panes/{pane}/messages", async (string pane, long? since, HttpContext context) =>
        {
            if (sandbox.FindPane(pane) is not { } found)
            {
                return Results.NotFound();
            }

            if (since is { } seen)
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
                try
                {
                    await sandbox.Emulator.WaitForAsync(() => Version(sandbox) != seen, LongPoll, linked.Token);
                }
                catch (OperationCanceledException)
                {
                    return Results.NoContent();
                }
            }

            return Results.Json(Describe(sandbox, found));
        });

        app.MapPost("/api/panes/{pane}/send", (string pane, SendRequest request) =>
        {
            if (sandbox.FindPane(pane) is not { } found)
            {
                return Results.NotFound();
            }

            var text = request.Text?.Trim() ?? "";
            if (text.Length is 0 or > 4096)
            {
                return Results.BadRequest(new { error = "A message has 1 to 4096 characters." });
            }

            var message = sandbox.Emulator.SendText(found.User, text);
            return Results.Json(new { id = message.Id });
        });

        app.MapPost("/api/panes/{pane}/press", (string pane, PressRequest request) =>
        {
            if (sandbox.FindPane(pane) is not { } found)
            {
                return Results.NotFound();
            }

            // Only what a Telegram app could do: press a button that is shown on a message that is still there.
            var message = sandbox.Emulator.MessagesIn(found.ChatId)
                .FirstOrDefault(m => m.MessageId == request.MessageId && m.IsFromBot && !m.IsDeleted);
            if (message is null || request.CallbackData is null || !message.Buttons.Any(b => b.CallbackData == request.CallbackData))
            {
                return Results.Conflict(new { error = "That button is not shown any more." });
            }

            sandbox.Emulator.Press(found.User, message, request.CallbackData);
            return Results.Json(new { ok = true });
        });

        app.MapGet("/api/feed", () => Results.Json(new
        {
            url = new Uri(sandbox.PageUrl, "sample-feed.xml").ToString(),
            stories = sandbox.Feed.Stories.Reverse().Select(s => new { number = s.Number, title = s.Title, publishedAt = s.PublishedAt }),
        }));

        app.MapPost("/api/feed/publish", () =>
        {
            var story = sandbox.Feed.Publish();
            // Read the feed now rather than at the next poll (a minute away), so the story's alert follows the click.
            if (sandbox.Bot.Services.GetService<FeedPoller>() is { } poller)
            {
                // The poller logs its own failures, and the next scheduled poll reads the story anyway: observe and move on.
                _ = poller.PollOnceAsync(CancellationToken.None).ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            }

            return Results.Json(new { number = story.Number, title = story.Title });
        });

        app.MapGet("/sample-feed.xml", (HttpContext context) =>
        {
            var etag = $"\"v{sandbox.Feed.Version}\"";
            context.Response.Headers.ETag = etag;
            if (context.Request.Headers.IfNoneMatch == etag)
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            return Results.Text(sandbox.Feed.ToRss(sandbox.PageUrl.ToString()), "application/rss+xml; charset=utf-8", Encoding.UTF8);
        });

        app.MapGet("/sample-news/{number:int}", (int number) =>
            sandbox.Feed.Stories.FirstOrDefault(s => s.Number == number) is { } story
                ? Results.Content(
                    $"<!doctype html><html lang=\"ko\"><meta charset=\"utf-8\"><title>{HtmlEncoder.Default.Encode(story.Title)}</title>"
                    + $"<h1>{HtmlEncoder.Default.Encode(story.Title)}</h1><p>{HtmlEncoder.Default.Encode(story.Summary)}</p>"
                    + "<p>이 기사는 샌드박스용으로 지어낸 예시예요. This story is invented for the sandbox.</p></html>",
                    "text/html; charset=utf-8")
                : Results.NotFound());

        return app;
    }

    // Grows with every change a pane can show: messages sent, edited or deleted, and button answers.
    internal static long Version(SandboxHost sandbox) => sandbox.Emulator.Revision + sandbox.Emulator.CallbackAnswers.Count;

    private static object Describe(SandboxHost sandbox, SandboxPane pane)
    {
        var version = Version(sandbox);
        var messages = sandbox.Emulator.MessagesIn(pane.ChatId)
            .Where(m => !m.IsDeleted)
            .Select(m => new
            {
                id = m.MessageId,
                fromBot = m.IsFromBot,
                kind = m.Kind,
                text = m.Text,
                entities = JsonSerializer.SerializeToElement(m.Entities, JsonBotAPI.Options),
                @protected = m.ProtectContent,
                edited = m.EditCount > 0,
                sentAt = m.SentAt,
                keyboard = m.ReplyMarkup is null ? (JsonElement?)null : JsonSerializer.SerializeToElement(m.ReplyMarkup.InlineKeyboard, JsonBotAPI.Options),
            });
        var answers = sandbox.Emulator.CallbackAnswers
            .Where(a => a.ChatId == pane.ChatId && !string.IsNullOrEmpty(a.Text))
            .TakeLast(3)
            .Select(a => new { id = a.CallbackQueryId, text = a.Text, alert = a.ShowAlert });
        return new { revision = version, messages, answers };
    }

    /// <summary>
    /// A browser's request from another origin: Sec-Fetch-Site says so, or Origin names another scheme, host or port.
    /// Requests without either header (curl, tests) are not a browser's and are let through.
    /// </summary>
    internal static bool IsCrossSite(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return true;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false;
        }

        return !Uri.TryCreate(origin, UriKind.Absolute, out var from)
            || !string.Equals(from.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(from.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    private static byte[] ReadResource(string name)
    {
        using var stream = typeof(SandboxWebApp).Assembly.GetManifestResourceStream("FamilyLinkBot.Sandbox.wwwroot." + name)
            ?? throw new InvalidOperationException("A sandbox page file is missing from the program: " + name);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

/// <summary>POST /api/panes/{pane}/send.</summary>
public sealed record SendRequest(string? Text);

/// <summary>POST /api/panes/{pane}/press.</summary>
public sealed record PressRequest(int MessageId, string? CallbackData);
