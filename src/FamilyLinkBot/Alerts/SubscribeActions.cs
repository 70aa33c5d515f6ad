using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Alerts;

/// <summary>
/// The /subscribe buttons: one per topic and per region (✅ marks those on), "My cases' regions", and Done.
/// Each press changes one choice and edits the message in place, so the message always shows the current choices.
/// </summary>
public sealed class SubscribeActions(SubscriptionStore subscriptions) : IMenuAction
{
    private const string On = "✅ ";

    public string Prefix => "sub";

    public async Task HandleAsync(Turn turn, string argument, CancellationToken cancellationToken)
    {
        switch (argument.Split(':', 2))
        {
            case ["t", var topic] when MatchingRules.TopicIds.Contains(topic):
                await subscriptions.ToggleAsync(turn.Db, turn.Chat.Id, SubscriptionStore.Topic, topic, cancellationToken);
                await ShowAsync(turn, editPressed: true, cancellationToken);
                break;
            case ["r", var region] when MatchingRules.RegionIds.Contains(region):
                await subscriptions.ToggleAsync(turn.Db, turn.Chat.Id, SubscriptionStore.Region, region, cancellationToken);
                await ShowAsync(turn, editPressed: true, cancellationToken);
                break;
            case ["case"]:
                var current = await subscriptions.GetAsync(turn.Db, turn.Chat.Id, cancellationToken);
                await subscriptions.SetCaseRegionsAsync(turn.Db, turn.Chat.Id, !current.CaseRegions, cancellationToken);
                await ShowAsync(turn, editPressed: true, cancellationToken);
                break;
            case ["done"]:
                turn.CallbackAnswer = turn.T("subscribe.saved");
                var saved = await subscriptions.GetAsync(turn.Db, turn.Chat.Id, cancellationToken);
                turn.Reply(turn.T("subscribe.saved") + "\n" + turn.F("subscribe.current", ("choices", Summary(turn, saved))), [], editPressed: true);
                turn.CloseMenu();
                break;
            default:
                turn.CallbackAnswer = turn.T("answer.button_expired");
                break;
        }
    }

    public async Task ShowAsync(Turn turn, bool editPressed, CancellationToken cancellationToken)
    {
        var choices = await subscriptions.GetAsync(turn.Db, turn.Chat.Id, cancellationToken);
        var rows = new List<IReadOnlyList<MenuOption>>();
        rows.AddRange(Pairs(MatchingRules.TopicIds.Select(t => Toggle(turn, "sub:t:" + t, "topic." + t, choices.Topics.Contains(t)))));
        rows.AddRange(Pairs(MatchingRules.RegionIds.Select(r => Toggle(turn, "sub:r:" + r, "region." + r, choices.Regions.Contains(r)))));
        rows.Add([Toggle(turn, "sub:case", "subscribe.case_regions", choices.CaseRegions)]);
        rows.Add([new MenuOption("sub:done", "button.done")]);
        turn.Reply(turn.T("subscribe.title") + "\n\n" + turn.F("subscribe.current", ("choices", Summary(turn, choices))), rows, editPressed: editPressed);
    }

    private static string Summary(Turn turn, SubscriptionChoices choices)
    {
        var on = MatchingRules.TopicIds.Where(choices.Topics.Contains).Select(t => turn.T("topic." + t))
            .Concat(MatchingRules.RegionIds.Where(choices.Regions.Contains).Select(r => turn.T("region." + r)))
            .ToList();
        if (choices.CaseRegions)
        {
            on.Add(turn.T("subscribe.case_regions"));
        }

        return on.Count == 0 ? turn.T("subscribe.none") : string.Join(", ", on);
    }

    private static MenuOption Toggle(Turn turn, string action, string labelKey, bool isOn) =>
        new(action, null, (isOn ? On : "") + turn.T(labelKey));

    private static IEnumerable<IReadOnlyList<MenuOption>> Pairs(IEnumerable<MenuOption> options) =>
        options.Chunk(2).Select(pair => (IReadOnlyList<MenuOption>)pair);
}
