using FamilyLinkBot.Conversations;
using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Delivery;

/// <summary>/broadcasts (admins): the recent broadcasts with their counts, and Cancel for one still running.</summary>
public sealed class BroadcastsCommand(BroadcastStore store) : IBotCommand
{
    private const int Shown = 10;

    public string Name => "broadcasts";

    public Role Role => Role.Admin;

    public string? DescriptionKey => null;

    public async Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken)
    {
        var recent = await store.RecentAsync(turn.Db, Shown, cancellationToken);
        if (recent.Count == 0)
        {
            turn.Reply(turn.T("broadcast.list_empty"));
            return;
        }

        var lines = new List<string> { turn.T("broadcast.list_header") };
        var stops = new List<IReadOnlyList<MenuOption>>();
        foreach (var broadcast in recent)
        {
            var counts = await store.CountsAsync(turn.Db, broadcast, cancellationToken);
            lines.Add(turn.F(
                "broadcast.list_item",
                ("id", broadcast.Id),
                ("date", Dates.Show(broadcast.CreatedAt)),
                ("audience", new SafeHtml(BroadcastText.Audience(turn.Texts, turn.Language, broadcast.Audience))),
                ("state", turn.T(broadcast.State switch
                {
                    BroadcastState.Running => "broadcast.state_running",
                    BroadcastState.Done => "broadcast.state_done",
                    BroadcastState.Cancelled => "broadcast.state_cancelled",
                })),
                ("sent", counts.Sent),
                ("failed", counts.Failed),
                ("total", broadcast.Total)));
            if (broadcast.State == BroadcastState.Running)
            {
                stops.Add([new MenuOption("bc:stop:" + broadcast.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), null, turn.F("broadcast.stop_button", ("id", broadcast.Id)))]);
            }
        }

        var text = string.Join('\n', lines);
        if (stops.Count == 0)
        {
            turn.Reply(text);
        }
        else
        {
            turn.Reply(text, stops, acceptsNumbers: false);
        }
    }
}
