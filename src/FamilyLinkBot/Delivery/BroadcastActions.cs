using System.Collections.Frozen;
using System.Globalization;
using FamilyLinkBot.Cases;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Delivery;

/// <summary>
/// The /broadcast flow and its buttons (prefix "bc"): the typed text, the audience menus, the preview with
/// Send / Cancel, and Cancel of a running broadcast from /broadcasts. Admins only, buttons included.
/// </summary>
public sealed class BroadcastActions(BroadcastStore store, Outbox outbox, OutboxStore outboxStore, BroadcastRunner runner) : IMenuAction, IFlow
{
    public const string FlowName = "broadcast";

    private const string TextKey = "text";
    private const string AudienceKey = "audience";

    /// <summary>The compose flow's steps, in order; each is stored in the session under its key (<see cref="Key"/>).</summary>
    private enum BroadcastStep
    {
        /// <summary>Waiting for the broadcast's text.</summary>
        Text,

        /// <summary>The text is in; the audience menu (then the preview) is shown. A new typed text replaces it.</summary>
        Audience,
    }

    private static readonly FrozenDictionary<string, BroadcastStep> StepsByKey =
        Enum.GetValues<BroadcastStep>().ToFrozenDictionary(Key, StringComparer.Ordinal);

    public string Name => FlowName;

    public string Prefix => "bc";

    /// <summary>Starts the compose flow (from /broadcast): asks for the text.</summary>
    public static void Begin(Turn turn)
    {
        turn.Session.StartFlow(FlowName, Key(BroadcastStep.Text), turn.Now);
        turn.Reply(turn.F("broadcast.prompt", ("limit", BroadcastStore.TextLimit)));
    }

    public Task HandleTextAsync(Turn turn, string text, CancellationToken cancellationToken)
    {
        if (turn.Role != Role.Admin)
        {
            turn.Session.EndFlow();
            turn.Reply(turn.T("unknown_command"));
            return Task.CompletedTask;
        }

        Action<Turn, string> handle = CurrentStep(turn) switch
        {
            // A text typed at the audience step replaces the one given before.
            BroadcastStep.Text or BroadcastStep.Audience => AcceptText,
            null => (t, _) =>
            {
                t.Session.EndFlow();
                t.Continue(FollowUp.MainMenu);
            },
        };
        handle(turn, text);
        return Task.CompletedTask;
    }

    private static void AcceptText(Turn turn, string text)
    {
        var trimmed = text.Trim();
        var length = new StringInfo(trimmed).LengthInTextElements;
        if (length == 0 || trimmed.Length > BroadcastStore.TextLimit)
        {
            turn.Reply(length == 0
                ? turn.F("broadcast.prompt", ("limit", BroadcastStore.TextLimit))
                : turn.F("broadcast.too_long", ("length", trimmed.Length), ("limit", BroadcastStore.TextLimit)));
            return;
        }

        turn.Session.Data[TextKey] = trimmed;
        turn.Session.Step = Key(BroadcastStep.Audience);
        ShowAudiences(turn, editPressed: false);
    }

    public Task HandleNonTextAsync(Turn turn, CancellationToken cancellationToken)
    {
        turn.Reply(turn.T("broadcast.nontext"));
        return Task.CompletedTask;
    }

    public async Task HandleAsync(Turn turn, string argument, CancellationToken cancellationToken)
    {
        if (turn.Role != Role.Admin)
        {
            turn.CallbackAnswer = turn.T("answer.button_expired");
            return;
        }

        var parts = argument.Split(':', 2);
        switch (parts)
        {
            case ["aud", "topic"]:
                ShowChoices(turn, "broadcast.topic_prompt", "topic", BroadcastText.Topics, "topic.");
                break;
            case ["aud", "region"]:
                ShowChoices(turn, "broadcast.region_prompt", "region", CaseChoices.Regions, "region.");
                break;
            case ["aud", var value] when Audience.TryParse(value, out var audience) && InFlow(turn, needsAudience: false):
                turn.Session.Data[AudienceKey] = audience.ToString();
                await PreviewAsync(turn, audience, cancellationToken);
                break;
            case ["send"] when InFlow(turn, needsAudience: true) && Audience.TryParse(turn.Session.Data[AudienceKey], out var chosen):
                await StartAsync(turn, turn.Session.Data[TextKey], chosen, cancellationToken);
                break;
            case ["cancel"]:
                turn.Session.EndFlow();
                turn.CloseMenu();
                turn.Reply(turn.T("broadcast.not_sent"));
                break;
            case ["stop", var idText] when long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id):
                await StopAsync(turn, id, cancellationToken);
                break;
            default:
                turn.CallbackAnswer = turn.T("answer.button_expired");
                break;
        }
    }

    private static bool InFlow(Turn turn, bool needsAudience) =>
        turn.Session.Flow == FlowName
        && CurrentStep(turn) == BroadcastStep.Audience
        && turn.Session.Data.ContainsKey(TextKey)
        && (!needsAudience || turn.Session.Data.ContainsKey(AudienceKey));

    /// <summary>The session key of each step (also its stored name, so a flow in progress survives an upgrade).</summary>
    private static string Key(BroadcastStep step) => step switch
    {
        BroadcastStep.Text => "text",
        BroadcastStep.Audience => "audience",
    };

    /// <summary>The step the chat is at; null if the stored step is none of ours (the flow then ends).</summary>
    private static BroadcastStep? CurrentStep(Turn turn) =>
        turn.Session.Step is { } key && StepsByKey.TryGetValue(key, out var step) ? step : null;

    private static void ShowAudiences(Turn turn, bool editPressed)
    {
        IReadOnlyList<MenuOption> languages = [.. LanguageCodes.All.Select(l => new MenuOption("bc:aud:lang:" + l.Code(), null, turn.Texts.Get(l, "lang.name")))];
        turn.Reply(
            turn.T("broadcast.audience_prompt"),
            [
                [new MenuOption("bc:aud:all", "button.bc_all")],
                languages,
                [new MenuOption("bc:aud:topic", "button.bc_topic"), new MenuOption("bc:aud:region", "button.bc_region")],
                [new MenuOption("bc:cancel", "button.cancel")],
            ],
            editPressed: editPressed);
    }

    private static void ShowChoices(Turn turn, string promptKey, string kind, IReadOnlyList<string> codes, string labelPrefix)
    {
        var rows = codes.Chunk(2)
            .Select(pair => (IReadOnlyList<MenuOption>)[.. pair.Select(code => new MenuOption($"bc:aud:{kind}:{code}", labelPrefix + code))])
            .Append([new MenuOption("bc:cancel", "button.cancel")])
            .ToList();
        turn.Reply(turn.T(promptKey), rows, editPressed: true);
    }

    private async Task PreviewAsync(Turn turn, Audience audience, CancellationToken cancellationToken)
    {
        var count = await store.CountAsync(turn.Db, audience, cancellationToken);
        turn.Reply(
            turn.F(
                "broadcast.preview",
                ("text", turn.Session.Data[TextKey]),
                ("audience", new SafeHtml(BroadcastText.Audience(turn.Texts, turn.Language, audience))),
                ("count", count)),
            [[new MenuOption("bc:send", "button.bc_send"), new MenuOption("bc:cancel", "button.cancel")]],
            editPressed: true);
    }

    private async Task StartAsync(Turn turn, string text, Audience audience, CancellationToken cancellationToken)
    {
        var id = await store.CreateAsync(turn.Db, text, audience, turn.Chat.Id, turn.Now, cancellationToken);
        var broadcast = (await store.GetAsync(turn.Db, id, cancellationToken))!;
        var progress = BroadcastText.Progress(turn.Texts, turn.Language, broadcast, new BroadcastCounts(0, 0, broadcast.Total));
        var item = await outboxStore.EnqueueAsync(turn.Db, turn.Chat, Lane.Interactive, new OutgoingMessage { Text = progress }, turn.Now, cancellationToken);
        await store.SetProgressItemAsync(turn.Db, id, "progress_item", item, cancellationToken);
        turn.Session.EndFlow();
        turn.CloseMenu();
        turn.CallbackAnswer = turn.T("broadcast.started");
        turn.AfterCommit(_ =>
        {
            outbox.Wake();
            runner.Wake();
            return Task.CompletedTask;
        });
    }

    private async Task StopAsync(Turn turn, long id, CancellationToken cancellationToken)
    {
        if (await store.FinishAsync(turn.Db, id, BroadcastState.Cancelled, turn.Now, cancellationToken))
        {
            turn.CallbackAnswer = turn.F("broadcast.stopped", ("id", id));
            turn.Reply(turn.F("broadcast.stopped", ("id", id)));
            await EditProgressAsync(turn, id, cancellationToken);
        }
        else
        {
            turn.CallbackAnswer = turn.T("broadcast.not_running");
        }
    }

    /// <summary>Turns the progress message into the final "cancelled" counts, when the admin who started it cancels.</summary>
    private async Task EditProgressAsync(Turn turn, long id, CancellationToken cancellationToken)
    {
        var broadcast = await store.GetAsync(turn.Db, id, cancellationToken);
        if (broadcast?.ProgressItem is not { } item || broadcast.CreatedBy != turn.Chat.Id)
        {
            return;
        }

        if (await outboxStore.MessageIdAsync(turn.Db, item, cancellationToken) is { } messageId)
        {
            var text = BroadcastText.Progress(turn.Texts, turn.Language, broadcast, new BroadcastCounts(broadcast.Sent, broadcast.Failed, 0));
            await outboxStore.EnqueueAsync(turn.Db, turn.Chat, Lane.Interactive, new OutgoingMessage { Text = text, EditMessageId = messageId }, turn.Now, cancellationToken);
        }
    }
}
