using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;
using FamilyLinkBot.Conversations;

namespace FamilyLinkBot.Cases;

/// <summary>
/// The register flow (docs/DESIGN.md#41-family-commands): relation, alias, place (region and detail), since when, then a summary to
/// confirm. Answers live in the encrypted session until Confirm; each invalid answer re-asks with the reason.
/// </summary>
public sealed partial class RegisterFlow(CaseStore cases, Alerts.SubscriptionStore subscriptions) : IFlow, IMenuAction
{
    public const string FlowName = "register";
    public const int AliasLimit = 100;
    public const int PlaceDetailLimit = 200;

    private const string Relation = "relation";
    private const string Alias = "alias";
    private const string Region = "region";
    private const string PlaceDetail = "place_detail";
    private const string Since = "since";
    private const string Confirm = "confirm";

    /// <summary>The flow's steps, in order; each is stored in the session under its key above.</summary>
    private enum RegisterStep
    {
        Relation,
        Alias,
        Region,
        PlaceDetail,
        Since,
        Confirm,
    }

    private static readonly FrozenDictionary<string, RegisterStep> StepsByKey =
        Enum.GetValues<RegisterStep>().ToFrozenDictionary(Key, StringComparer.Ordinal);

    // The latest "today" on Earth (UTC+14), so a date that is today anywhere is never called future.
    private static readonly TimeSpan LatestOffset = TimeSpan.FromHours(14);

    public string Name => FlowName;

    public string Prefix => "reg";

    public static void Begin(Turn turn)
    {
        turn.Session.StartFlow(FlowName, Key(RegisterStep.Relation), turn.Now);
        Ask(turn);
    }

    public async Task HandleAsync(Turn turn, string argument, CancellationToken cancellationToken)
    {
        var parts = argument.Split(':', 2);
        var step = CurrentStep(turn);
        if (turn.Session.Flow != FlowName)
        {
            turn.CallbackAnswer = turn.T("answer.button_expired");
            return;
        }

        MarkAnswerSensitive(turn); // a choice typed ("Child", "Jilin") rather than pressed is an answer too

        switch (parts[0])
        {
            case Relation when step == RegisterStep.Relation && parts.Length == 2 && CaseChoices.Relations.Contains(parts[1]):
                turn.Session.Data[Relation] = parts[1];
                MoveTo(turn, RegisterStep.Alias);
                break;
            case Region when step == RegisterStep.Region && parts.Length == 2 && CaseChoices.Regions.Contains(parts[1]):
                turn.Session.Data[Region] = parts[1];
                MoveTo(turn, RegisterStep.PlaceDetail);
                break;
            case "skip" when step is RegisterStep.Alias or RegisterStep.PlaceDetail:
                turn.Session.Data.Remove(Key(step.Value));
                MoveTo(turn, step == RegisterStep.Alias ? RegisterStep.Region : RegisterStep.Since);
                break;
            case "unknown" when step == RegisterStep.Since:
                turn.Session.Data.Remove(Since);
                MoveTo(turn, RegisterStep.Confirm);
                break;
            case "confirm" when step == RegisterStep.Confirm:
                await ConfirmAsync(turn, cancellationToken);
                break;
            case "restart" when step == RegisterStep.Confirm:
                Begin(turn);
                break;
            default:
                turn.CallbackAnswer = turn.T("answer.button_expired");
                break;
        }
    }

    public Task HandleTextAsync(Turn turn, string text, CancellationToken cancellationToken)
    {
        MarkAnswerSensitive(turn);
        Action<Turn, string> handle = CurrentStep(turn) switch
        {
            RegisterStep.Alias => (t, x) => AcceptText(t, x, Alias, AliasLimit, RegisterStep.Region),
            RegisterStep.PlaceDetail => (t, x) => AcceptText(t, x, PlaceDetail, PlaceDetailLimit, RegisterStep.Since),
            RegisterStep.Since => AcceptDate,
            // A choice step: the text matched none of the options (the router tried labels and numbers).
            RegisterStep.Relation or RegisterStep.Region or RegisterStep.Confirm => (t, _) =>
            {
                t.Reply(t.T("choice.invalid"));
                Ask(t);
            },
            null => (t, _) => Ask(t),
        };
        handle(turn, text);
        return Task.CompletedTask;
    }

    public Task HandleNonTextAsync(Turn turn, CancellationToken cancellationToken)
    {
        turn.Reply(turn.T("nontext.refused"));
        Ask(turn);
        return Task.CompletedTask;
    }

    private static void AcceptText(Turn turn, string text, string field, int limit, RegisterStep next)
    {
        turn.IncomingIsSensitive = true;
        var value = text.Trim();
        var length = new StringInfo(value).LengthInTextElements;
        if (length == 0)
        {
            turn.Reply(turn.T("reg.text.empty"));
            Ask(turn);
            return;
        }

        if (length > limit)
        {
            turn.Reply(turn.F("reg.text.too_long", ("length", length), ("limit", limit)));
            Ask(turn);
            return;
        }

        turn.Session.Data[field] = value;
        MoveTo(turn, next);
    }

    private static void AcceptDate(Turn turn, string text)
    {
        turn.IncomingIsSensitive = true;
        var trimmed = text.Trim();
        var match = trimmed.Length <= 32 ? DatePattern().Match(trimmed) : Match.Empty;
        if (!match.Success)
        {
            turn.Reply(turn.T("reg.since.invalid"));
            Ask(turn);
            return;
        }

        var year = int.Parse(match.Groups["y"].Value, CultureInfo.InvariantCulture);
        var month = int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture);
        var hasDay = match.Groups["d"].Success;
        var day = hasDay ? int.Parse(match.Groups["d"].Value, CultureInfo.InvariantCulture) : 1;
        if (year < 1900 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            turn.Reply(turn.T("reg.since.invalid"));
            Ask(turn);
            return;
        }

        var date = new DateOnly(year, month, day);
        var latestToday = DateOnly.FromDateTime(turn.Now.ToOffset(LatestOffset).DateTime);
        if (date > latestToday)
        {
            turn.Reply(turn.T("reg.since.future"));
            Ask(turn);
            return;
        }

        turn.Session.Data[Since] = hasDay
            ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : date.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        MoveTo(turn, RegisterStep.Confirm);
    }

    private async Task ConfirmAsync(Turn turn, CancellationToken cancellationToken)
    {
        var data = turn.Session.Data;
        if (!data.TryGetValue(Relation, out var relation) || !data.TryGetValue(Region, out var region))
        {
            Begin(turn); // cannot happen through the buttons; start again rather than store half a case
            return;
        }

        var details = new CaseDetails
        {
            Relation = relation,
            Alias = data.GetValueOrDefault(Alias),
            Region = region,
            PlaceDetail = data.GetValueOrDefault(PlaceDetail),
            Since = data.GetValueOrDefault(Since),
        };
        var (summary, token) = await cases.CreateAsync(turn.Db, turn.Chat, details, CaseActions.DefaultForm(turn.Language), turn.Now, cancellationToken);
        turn.Session.EndFlow();
        turn.CloseMenu();
        var done = turn.F("reg.done", ("status", CaseText.Status(turn, summary.Status)));
        if (region != "unknown" && (await subscriptions.GetAsync(turn.Db, turn.Chat.Id, cancellationToken)).CaseRegions)
        {
            // Case-region alerts are on by default (docs/DESIGN.md#7-news-alerts); the family learns it here and where to switch them.
            done += "\n\n" + turn.T("reg.region_alerts");
        }

        turn.Reply(done, sensitive: true);
        turn.Reply(turn.F("reg.token", ("token", token.ToString())), sensitive: true);
    }

    /// <summary>
    /// Every step of the register flow is sensitive (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications): whatever the family sends to it, typed or pressed, valid or
    /// not, disappears with their timer and goes with /panic.
    /// </summary>
    private static void MarkAnswerSensitive(Turn turn) => turn.IncomingIsSensitive = true;

    /// <summary>The session key of each step (also its stored name, so a flow in progress survives an upgrade).</summary>
    private static string Key(RegisterStep step) => step switch
    {
        RegisterStep.Relation => Relation,
        RegisterStep.Alias => Alias,
        RegisterStep.Region => Region,
        RegisterStep.PlaceDetail => PlaceDetail,
        RegisterStep.Since => Since,
        RegisterStep.Confirm => Confirm,
    };

    /// <summary>The step the chat is at; null if the stored step is none of ours (the flow then ends).</summary>
    private static RegisterStep? CurrentStep(Turn turn) =>
        turn.Session.Step is { } key && StepsByKey.TryGetValue(key, out var step) ? step : null;

    private static void MoveTo(Turn turn, RegisterStep step)
    {
        turn.Session.Step = Key(step);
        Ask(turn);
    }

    /// <summary>Shows the current step's question with its buttons (a fresh menu each time).</summary>
    private static void Ask(Turn turn)
    {
        Action<Turn> ask = CurrentStep(turn) switch
        {
            RegisterStep.Relation => t => t.Reply(t.T("reg.relation.prompt"), Pairs(CaseChoices.Relations.Select(r => new MenuOption($"reg:{Relation}:{r}", CaseChoices.RelationKey(r))))),
            RegisterStep.Alias => t => t.Reply(t.F("reg.alias.prompt", ("limit", AliasLimit)), [[new MenuOption("reg:skip", "button.skip")]], acceptsNumbers: false),
            RegisterStep.Region => t => t.Reply(t.T("reg.region.prompt"), Pairs(CaseChoices.Regions.Select(r => new MenuOption($"reg:{Region}:{r}", CaseChoices.RegionKey(r))))),
            RegisterStep.PlaceDetail => t => t.Reply(t.F("reg.place_detail.prompt", ("limit", PlaceDetailLimit)), [[new MenuOption("reg:skip", "button.skip")]], acceptsNumbers: false),
            RegisterStep.Since => t => t.Reply(t.T("reg.since.prompt"), [[new MenuOption("reg:unknown", "button.unknown")]], acceptsNumbers: false),
            RegisterStep.Confirm => AskConfirm,
            null => t =>
            {
                t.Session.EndFlow();
                t.Continue(FollowUp.MainMenu);
            },
        };
        ask(turn);
    }

    private static void AskConfirm(Turn turn)
    {
        var data = turn.Session.Data;
        var details = new CaseDetails
        {
            Relation = data[Relation],
            Alias = data.GetValueOrDefault(Alias),
            Region = data[Region],
            PlaceDetail = data.GetValueOrDefault(PlaceDetail),
            Since = data.GetValueOrDefault(Since),
        };
        var summary = turn.F(
            "reg.summary",
            ("relation", turn.T(CaseChoices.RelationKey(details.Relation))),
            ("alias", details.Alias ?? turn.T("value.not_given")),
            ("place", CaseText.Place(turn, details)),
            ("since", CaseText.Since(turn, details)));
        turn.Reply(summary, [[new MenuOption("reg:confirm", "button.confirm"), new MenuOption("reg:restart", "button.start_over")]], sensitive: true);
    }

    private static List<IReadOnlyList<MenuOption>> Pairs(IEnumerable<MenuOption> options) =>
        options.Chunk(2).Select(pair => (IReadOnlyList<MenuOption>)pair).ToList();

    // "2026-03", "2026.3.15", "2026년 3월 15일", "2026年3月15日".
    [GeneratedRegex(@"^(?<y>\d{4})\s*[-./년年]\s*(?<m>\d{1,2})(\s*[-./월月]\s*(?<d>\d{1,2})\s*[일日]?)?\s*[월月]?$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex DatePattern();
}
