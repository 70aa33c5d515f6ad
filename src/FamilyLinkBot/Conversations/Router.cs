using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Conversations;

/// <summary>
/// Hands each turn to its handler: a command by name, a button by its action prefix, typed text to
/// the live menu (by label or number) or to the flow in progress. It holds no command logic itself.
/// </summary>
public sealed class Router
{
    private readonly FrozenDictionary<string, IBotCommand> _commands;
    private readonly FrozenDictionary<string, IMenuAction> _actions;
    private readonly FrozenDictionary<string, IFlow> _flows;
    private readonly FrozenDictionary<Type, IBotCommand> _commandsByType;
    private readonly FrozenDictionary<Type, IMenuAction> _actionsByType;
    private readonly IReplyTarget[] _replyTargets;

    // A follow-up may hand on again (a menu button that opens a command that shows a menu); more is a loop.
    private const int MaxFollowUps = 4;

    public Router(IEnumerable<IBotCommand> commands, IEnumerable<IMenuAction> actions, IEnumerable<IFlow> flows, IEnumerable<IReplyTarget> replyTargets)
    {
        _commands = commands.ToFrozenDictionary(c => c.Name, StringComparer.Ordinal);
        _actions = actions.ToFrozenDictionary(a => a.Prefix, StringComparer.Ordinal);
        _flows = flows.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);
        _commandsByType = _commands.Values.ToFrozenDictionary(c => c.GetType());
        _actionsByType = _actions.Values.ToFrozenDictionary(a => a.GetType());
        _replyTargets = [.. replyTargets];
    }

    /// <summary>The action a button stores to run a command (e.g. the main menu's buttons).</summary>
    public static string CommandAction(string commandName) => "cmd:" + commandName;

    public IEnumerable<IBotCommand> Commands => _commands.Values;

    public bool HasCommand(string name) => _commands.ContainsKey(name);

    /// <summary>A text message: a command, a typed menu choice, or an answer to the current flow step.</summary>
    public async Task HandleTextAsync(Turn turn, string text, CancellationToken cancellationToken)
    {
        await HandleTextCoreAsync(turn, text, cancellationToken);
        await RunFollowUpsAsync(turn, cancellationToken);
    }

    private async Task HandleTextCoreAsync(Turn turn, string text, CancellationToken cancellationToken)
    {
        var isCommand = TryParseCommand(text, out var name, out var arguments);
        if (!isCommand && turn.RepliedToMessageId is { } repliedTo)
        {
            // A Telegram reply to one of the bot's messages: a feature that owns that message takes it (a caseworker
            // answering a relayed message); otherwise it is read like any other text.
            foreach (var target in _replyTargets)
            {
                if (await target.TryHandleAsync(turn, repliedTo, text, cancellationToken))
                {
                    return;
                }
            }
        }

        if (isCommand)
        {
            await RunCommandAsync(turn, name, arguments, cancellationToken);
            return;
        }

        if (turn.Session.Menu is { } menu && MatchOption(turn, menu, text) is { } chosen)
        {
            await RunActionAsync(turn, chosen.Action, cancellationToken);
            return;
        }

        if (turn.Session.Flow is { } flowName && _flows.TryGetValue(flowName, out var flow))
        {
            await flow.HandleTextAsync(turn, text, cancellationToken);
            return;
        }

        if (turn.Session.Menu is not null)
        {
            turn.Reply(turn.T("choice.invalid"));
            return;
        }

        await RunCommandAsync(turn, "start", "", cancellationToken);
    }

    /// <summary>A photo, sticker, voice message or file: never stored, answered politely.</summary>
    public async Task HandleNonTextAsync(Turn turn, CancellationToken cancellationToken)
    {
        if (turn.Session.Flow is { } flowName && _flows.TryGetValue(flowName, out var flow))
        {
            await flow.HandleNonTextAsync(turn, cancellationToken);
            await RunFollowUpsAsync(turn, cancellationToken);
            return;
        }

        turn.Reply(turn.T("nontext.refused"));
    }

    /// <summary>A button press: valid only for the chat's live menu; anything else has expired.</summary>
    public async Task HandleCallbackAsync(Turn turn, string? data, CancellationToken cancellationToken)
    {
        if (CallbackData.TryParse(data, out var noticeId, out var noticeIndex)
            && noticeIndex == 0
            && turn.Session.Notices.Find(n => string.Equals(n.Id, noticeId, StringComparison.Ordinal)) is { } notice)
        {
            // A notice's Show button (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications): valid whatever menu is live now, for the chat's newest notices.
            await RunActionAsync(turn, notice.Action, cancellationToken);
            return;
        }

        if (!CallbackData.TryParse(data, out var menuId, out var index)
            || turn.Session.Menu is not { } menu
            || !string.Equals(menu.Id, menuId, StringComparison.Ordinal)
            || index >= menu.Options.Count)
        {
            turn.CallbackAnswer = turn.T("answer.button_expired");
            return;
        }

        await RunActionAsync(turn, menu.Options[index].Action, cancellationToken);
        await RunFollowUpsAsync(turn, cancellationToken);
    }

    /// <summary>Runs what the handlers handed on (<see cref="Turn.Continue"/>), in order, within the same turn.</summary>
    private async Task RunFollowUpsAsync(Turn turn, CancellationToken cancellationToken)
    {
        for (var count = 0; turn.TakeFollowUp() is { } next; count++)
        {
            if (count == MaxFollowUps)
            {
                throw new InvalidOperationException("Handlers handed on to each other more than " + MaxFollowUps + " times in one turn.");
            }

            switch (next)
            {
                case ActionFollowUp action:
                    await _actionsByType[action.Handler].HandleAsync(turn, action.Argument, cancellationToken);
                    break;
                case CommandFollowUp command:
                    await RunCommandAsync(turn, _commandsByType[command.Handler].Name, command.Arguments, cancellationToken);
                    break;
                case MainMenuFollowUp:
                    FamilyLinkBot.Conversations.Commands.MainMenu.Show(turn, _commands.Values);
                    break;
                default:
                    throw new InvalidOperationException("Unknown follow-up " + next.GetType().Name + ".");
            }
        }
    }

    private async Task RunCommandAsync(Turn turn, string name, string arguments, CancellationToken cancellationToken)
    {
        // Someone without the role gets exactly the unknown-command answer: no hint that the command exists.
        if (!_commands.TryGetValue(name, out var command) || !Allowed(turn.Role, command.Role))
        {
            turn.Reply(turn.T("unknown_command"));
            return;
        }

        await command.HandleAsync(turn, arguments, cancellationToken);
    }

    private async Task RunActionAsync(Turn turn, string action, CancellationToken cancellationToken)
    {
        var colon = action.IndexOf(':', StringComparison.Ordinal);
        var prefix = colon < 0 ? action : action[..colon];
        var argument = colon < 0 ? "" : action[(colon + 1)..];
        if (prefix == "cmd")
        {
            await RunCommandAsync(turn, argument, "", cancellationToken);
            return;
        }

        if (!_actions.TryGetValue(prefix, out var handler))
        {
            turn.CallbackAnswer = turn.T("answer.button_expired");
            return;
        }

        await handler.HandleAsync(turn, argument, cancellationToken);
    }

    private static bool Allowed(Role have, Role need) => need switch
    {
        Role.Anyone => true,
        // Admins may use the caseworker commands without joining: they run the bot and invite the caseworkers.
        Role.Caseworker => have is Role.Caseworker or Role.Admin,
        Role.Admin => have is Role.Admin,
    };

    /// <summary>Parses "/name@Bot args" (Telegram appends the bot's username in groups).</summary>
    public static bool TryParseCommand(string text, out string name, out string arguments)
    {
        name = "";
        arguments = "";
        if (text.Length < 2 || text[0] != '/')
        {
            return false;
        }

        var end = 1;
        while (end < text.Length && !char.IsWhiteSpace(text[end]))
        {
            end++;
        }

        var token = text[1..end];
        var at = token.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            token = token[..at];
        }

        if (token.Length == 0 || token.Length > 32 || !token.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            return false;
        }

        name = token.ToLowerInvariant();
        arguments = text[end..].Trim();
        return true;
    }

    /// <summary>The option whose number, or label in any of our languages, the user typed.</summary>
    public static MenuOption? MatchOption(Turn turn, Menu menu, string typed)
    {
        var wanted = Normalize(typed);
        if (wanted.Length == 0)
        {
            return null;
        }

        if (menu.AcceptsNumbers
            && int.TryParse(wanted.TrimEnd('.'), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && number >= 1 && number <= menu.Options.Count)
        {
            return menu.Options[number - 1];
        }

        // Region labels are short ("지린(길림)"), but people type the province's full name ("지린성", "吉林省").
        return MatchLabel(turn, menu, wanted)
            ?? (wanted.Length > 1 && wanted[^1] is '성' or '省' ? MatchLabel(turn, menu, wanted[..^1]) : null);
    }

    private static MenuOption? MatchLabel(Turn turn, Menu menu, string wanted)
    {
        foreach (var option in menu.Options)
        {
            foreach (var label in Labels(turn, option))
            {
                if (LabelMatches(Normalize(label), wanted))
                {
                    return option;
                }
            }
        }

        return null;
    }

    private static IEnumerable<string> Labels(Turn turn, MenuOption option)
    {
        if (option.Text is { } text)
        {
            yield return text;
        }

        if (option.LabelKey is { } key)
        {
            foreach (var language in LanguageCodes.All)
            {
                if (turn.Texts.Has(language, key))
                {
                    yield return turn.Texts.Get(language, key);
                }
            }
        }
    }

    /// <summary>Exact match, or either part of a label like "지린성(길림성)".</summary>
    private static bool LabelMatches(string label, string wanted)
    {
        if (label == wanted)
        {
            return true;
        }

        var open = label.IndexOf('(', StringComparison.Ordinal);
        if (open > 0 && label.EndsWith(')'))
        {
            return label[..open].TrimEnd() == wanted || label[(open + 1)..^1].Trim() == wanted;
        }

        return false;
    }

    private static string Normalize(string text) =>
        text.Normalize(NormalizationForm.FormKC).Trim().ToUpperInvariant();
}
