using System.Globalization;
using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// /review (admins, docs/DESIGN.md#45-admin-commands, docs/DESIGN.md#7-news-alerts): the oldest alert waiting for approval with Approve and Reject; each decision shows the
/// next one in place. An approved alert is sent to its recipients by <see cref="AlertFanOut"/> after the turn commits.
/// </summary>
public sealed class ReviewCommand(AlertStore alerts, AlertFanOut fanOut) : IBotCommand, IMenuAction
{
    public string Name => "review";

    public Role Role => Role.Admin;

    public string? DescriptionKey => null;

    public string Prefix => "review";

    public Task HandleAsync(Turn turn, string arguments, CancellationToken cancellationToken) =>
        ShowAsync(turn, editPressed: false, cancellationToken);

    async Task IMenuAction.HandleAsync(Turn turn, string argument, CancellationToken cancellationToken)
    {
        var parts = argument.Split(':', 2);
        if (turn.Role != Role.Admin
            || parts.Length != 2
            || parts[0] is not ("ok" or "no")
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            turn.CallbackAnswer = turn.T("answer.button_expired");
            return;
        }

        var approve = parts[0] == "ok";
        if (await alerts.DecideAsync(turn.Db, id, approve, turn.Now, cancellationToken))
        {
            turn.CallbackAnswer = turn.T(approve ? "review.approved" : "review.rejected");
            if (approve)
            {
                turn.AfterCommit(_ =>
                {
                    fanOut.Wake();
                    return Task.CompletedTask;
                });
            }
        }
        else
        {
            turn.CallbackAnswer = turn.T("review.already");
        }

        await ShowAsync(turn, editPressed: true, cancellationToken);
    }

    private async Task ShowAsync(Turn turn, bool editPressed, CancellationToken cancellationToken)
    {
        var alert = await alerts.OldestAsync(turn.Db, AlertState.Pending, cancellationToken);
        if (alert is null)
        {
            if (editPressed)
            {
                turn.Reply(turn.T("review.empty"), [], editPressed: true);
            }
            else
            {
                turn.Reply(turn.T("review.empty"));
            }
            turn.CloseMenu();
            return;
        }

        var waiting = await alerts.CountAsync(turn.Db, AlertState.Pending, cancellationToken);
        var text = turn.F(
            "review.item",
            ("waiting", waiting),
            ("topic", AlertText.TopicLabels(turn.Texts, turn.Language, alert.Topics)),
            ("title", AlertText.Title(alert)),
            ("source", alert.Source),
            ("link", AlertText.Link(alert)),
            ("regions", alert.Regions.Count == 0 ? turn.T("review.no_regions") : AlertText.RegionLabels(turn.Texts, turn.Language, alert.Regions)));
        var id = alert.Id.ToString(CultureInfo.InvariantCulture);
        turn.Reply(text, [[new MenuOption("review:ok:" + id, "button.approve"), new MenuOption("review:no:" + id, "button.reject")]], editPressed: editPressed);
    }
}
