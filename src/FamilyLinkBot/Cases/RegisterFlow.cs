using System.Globalization;
using System.Text.RegularExpressions;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Conversations.Commands;

namespace FamilyLinkBot.Cases;

/// <summary>
/// The register flow (SPEC §4.1): relation, alias, place (region and detail), since when, then a summary to
/// confirm. Answers live in the encrypted session until Confirm; each invalid answer re-asks with the reason.
/// </summary>
public sealed partial class RegisterFlow(CaseRepository cases) : IFlow, IMenuAction
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

    // The latest "today" on Earth (UTC+14), so a date that is today anywhere is never called future.
    private static readonly TimeSpan LatestOffset = TimeSpan.FromHours(14);

    public string Name => FlowName;

    public string Prefix => "reg";

    public static void Begin(Turn turn)
    {
        turn.Session.StartFlow(FlowName, Relation, turn.Now);
        turn.SessionChanged = true;
        Ask(turn);
    }

    public async Task HandleAsync(Turn turn, string argument, CancellationToken cancellationToken)
    {
        var parts = argument.Split(':', 2);
        var step = turn.Session.Step;
        if (turn.Session.Flow != FlowName)
        {
            turn.CallbackAnswer = turn.T("answer.button_expired");
            return;
        }

        switch (parts[0])
        {
            case Relation when step == Relation && parts.Length == 2 && CaseChoices.Relations.Contains(parts[1]):
                turn.Session.Data[Relation] = parts[1];
                MoveTo(turn, Alias);
                break;
            case Region when step == Region && parts.Length == 2 && CaseChoices.Regions.Contains(parts[1]):
                turn.Session.Data[Region] = parts[1];
                MoveTo(turn, PlaceDetail);
                break;
            case "skip" when step is Alias or PlaceDetail:
                turn.Session.Data.Remove(step);
                MoveTo(turn, step == Alias ? Region : Since);
                break;
            case "unknown" when step == Since:
                turn.Session.Data.Remove(Since);
                MoveTo(turn, Confirm);
                break;
            case "confirm" when step == Confirm:
                await ConfirmAsync(turn, cancellationToken);
                break;
            case "restart" when step == Confirm:
                Begin(turn);
                break;
            default:
                turn.CallbackAnswer = turn.T("answer.button_expired");
                break;
        }
    }

    public Task HandleTextAsync(Turn turn, string text, CancellationToken cancellationToken)
    {
        switch (turn.Session.Step)
        {
            case Alias:
                AcceptText(turn, text, Alias, AliasLimit, Region);
                break;
            case PlaceDetail:
                AcceptText(turn, text, PlaceDetail, PlaceDetailLimit, Since);
                break;
            case Since:
                AcceptDate(turn, text);
                break;
            default:
                // A choice step: the text matched none of the options (the router tried labels and numbers).
                turn.Reply(turn.T("choice.invalid"));
                Ask(turn);
                break;
        }

        return Task.CompletedTask;
    }

    public Task HandleNonTextAsync(Turn turn, CancellationToken cancellationToken)
    {
        turn.Reply(turn.T("nontext.refused"));
        Ask(turn);
        return Task.CompletedTask;
    }

    private static void AcceptText(Turn turn, string text, string field, int limit, string next)
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
        MoveTo(turn, Confirm);
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
        turn.Reply(turn.F("reg.done", ("status", CaseText.Status(turn, summary.Status))), sensitive: true);
        turn.Reply(turn.F("reg.token", ("token", token.ToString())), sensitive: true);
    }

    private static void MoveTo(Turn turn, string step)
    {
        turn.Session.Step = step;
        turn.SessionChanged = true;
        Ask(turn);
    }

    /// <summary>Shows the current step's question with its buttons (a fresh menu each time).</summary>
    private static void Ask(Turn turn)
    {
        switch (turn.Session.Step)
        {
            case Relation:
                turn.Reply(turn.T("reg.relation.prompt"), Pairs(CaseChoices.Relations.Select(r => new MenuOption($"reg:{Relation}:{r}", CaseChoices.RelationKey(r)))));
                break;
            case Alias:
                turn.Reply(turn.T("reg.alias.prompt"), [[new MenuOption("reg:skip", "button.skip")]], acceptsNumbers: false);
                break;
            case Region:
                turn.Reply(turn.T("reg.region.prompt"), Pairs(CaseChoices.Regions.Select(r => new MenuOption($"reg:{Region}:{r}", CaseChoices.RegionKey(r)))));
                break;
            case PlaceDetail:
                turn.Reply(turn.T("reg.place_detail.prompt"), [[new MenuOption("reg:skip", "button.skip")]], acceptsNumbers: false);
                break;
            case Since:
                turn.Reply(turn.T("reg.since.prompt"), [[new MenuOption("reg:unknown", "button.unknown")]], acceptsNumbers: false);
                break;
            case Confirm:
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
                break;
            default:
                turn.Session.EndFlow();
                MainMenu.Show(turn);
                break;
        }
    }

    private static List<IReadOnlyList<MenuOption>> Pairs(IEnumerable<MenuOption> options) =>
        options.Chunk(2).Select(pair => (IReadOnlyList<MenuOption>)pair).ToList();

    [GeneratedRegex(@"^(?<y>\d{4})\s*[-./년]\s*(?<m>\d{1,2})(\s*[-./월]\s*(?<d>\d{1,2})\s*일?)?\s*월?$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex DatePattern();
}
