using System.Globalization;
using FamilyLinkBot.Conversations;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// /feeds (admins, docs/DESIGN.md#45-admin-commands): the feeds with their last fetch result and a Remove button each;
/// <c>/feeds add URL [name]</c> adds one (http and https only). Its first fetch records its stories as seen, without alerts.
/// </summary>
public sealed class FeedsCommand(FeedStore store, FeedPoller poller, IOptions<NewsOptions> options) : IBotCommand, IMenuAction
{
    private const int MaxNameChars = 60;

    public string Name => "feeds";

    public Role Role => Role.Admin;

    // Admin commands stay out of the public command menu.
    public string? DescriptionKey => null;

    public string Prefix => "feeds";

    public async Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        var parts = arguments.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
        switch (parts)
        {
            case []:
                await ShowAsync(turn, editPressed: false, cancellationToken);
                break;
            case [var verb, var url, ..] when verb.Equals("add", StringComparison.OrdinalIgnoreCase):
                await AddAsync(turn, url, parts.Length == 3 ? parts[2] : null, cancellationToken);
                break;
            default:
                turn.Reply(turn.T("feeds.usage"));
                break;
        }
    }

    /// <summary>The Remove buttons ("feeds:rm:&lt;id&gt;"); admins only, even though only an admin's menu can hold them.</summary>
    async Task IMenuAction.HandleAsync(Turn turn, string argument, CancellationToken cancellationToken)
    {
        if (turn.Role != Role.Admin
            || !argument.StartsWith("rm:", StringComparison.Ordinal)
            || !long.TryParse(argument.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            turn.CallbackAnswer = turn.T("answer.button_expired");
            return;
        }

        var removed = await store.RemoveAsync(turn.Db, id, cancellationToken);
        turn.CallbackAnswer = turn.T(removed is null ? "answer.button_expired" : "feeds.removed");
        await ShowAsync(turn, editPressed: true, cancellationToken);
    }

    private async Task AddAsync(Turn turn, string url, string? name, CancellationToken cancellationToken)
    {
        if (!FeedFetcher.IsFetchableUrl(url) || url.Length > 2_000)
        {
            turn.Reply(turn.T("feeds.invalid_url"));
            return;
        }

        if (!options.Value.AllowPrivateAddresses && FeedAddressGuard.NamesInternalHost(url))
        {
            turn.Reply(turn.T("feeds.private_address"));
            return;
        }

        var uri = new Uri(url);
        var feedName = string.IsNullOrWhiteSpace(name) ? uri.Host : name.Trim();
        if (feedName.Length > MaxNameChars)
        {
            feedName = feedName[..MaxNameChars];
        }

        var (outcome, shownName) = await store.AddAsync(turn.Db, uri.AbsoluteUri, feedName, cancellationToken);
        if (outcome == FeedAddOutcome.AlreadyListed)
        {
            turn.Reply(turn.F("feeds.exists", ("name", shownName)));
            return;
        }

        turn.Reply(turn.F("feeds.added", ("name", shownName)));
        turn.AfterCommit(_ =>
        {
            poller.Wake();
            return Task.CompletedTask;
        });
    }

    private async Task ShowAsync(Turn turn, bool editPressed, CancellationToken cancellationToken)
    {
        var feeds = await store.ListAsync(turn.Db, cancellationToken);
        if (feeds.Count == 0)
        {
            if (editPressed)
            {
                turn.Reply(turn.T("feeds.empty"), [], editPressed: true);
            }
            else
            {
                turn.Reply(turn.T("feeds.empty"));
            }
            return;
        }

        var lines = new List<string> { turn.F("feeds.title", ("count", feeds.Count)) };
        var rows = new List<IReadOnlyList<MenuOption>>();
        for (var i = 0; i < feeds.Count; i++)
        {
            var feed = feeds[i];
            var result = feed.LastPolledAt is { } at
                ? turn.F("feeds.result", ("time", at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)), ("result", FeedResult.Describe(turn.Texts, turn.Language, feed.LastResult)))
                : turn.T("feeds.never");
            lines.Add(turn.F(
                "feeds.item",
                ("number", i + 1),
                ("name", feed.Name),
                ("origin", turn.T(feed.FromConfig ? "feeds.origin_config" : "feeds.origin_admin")),
                ("url", feed.Url),
                ("result", result)));
            rows.Add([new MenuOption("feeds:rm:" + feed.Id.ToString(CultureInfo.InvariantCulture), null, turn.T("feeds.remove") + " " + (i + 1) + ". " + feed.Name)]);
        }

        lines.Add(turn.T("feeds.usage"));
        turn.Reply(string.Join("\n\n", lines), rows, acceptsNumbers: false, editPressed: editPressed);
    }
}
