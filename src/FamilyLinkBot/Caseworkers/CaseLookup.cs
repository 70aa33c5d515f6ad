using FamilyLinkBot.Cases;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Caseworkers;

/// <summary>A case found by its code or reference, with its family's chat (for its data key and pushes; never shown).</summary>
public sealed record FoundCase(CaseSummary Case, ChatRecord Family) : IDisposable
{
    public void Dispose() => Family.Dispose();
}

/// <summary>
/// Finds the case a caseworker named: by its case code, or by its reference (<c>#3f9a01c2</c>) among the cases
/// this caseworker follows. Every code attempt counts against the per-user limit; a malformed code, an unknown or
/// erased case, a reference not followed and a limited attempt all give null and the same "not found" answer.
/// </summary>
public sealed class CaseLookup(CaseStore cases, ChatStore chats, CaseworkerStore caseworkers, TokenLookupLimiter limiter, CaseReference references)
{
    /// <summary>The case, or null after replying "not found" (one answer for every kind of miss).</summary>
    public async Task<FoundCase?> FindOrAnswerAsync(Turn turn, string caseText, CancellationToken cancellationToken)
    {
        var found = IsReference(caseText)
            ? await FindFollowedAsync(turn, caseText, cancellationToken)
            : await FindByCodeAsync(turn, caseText, cancellationToken);
        if (found is null)
        {
            turn.Reply(turn.T("cw.not_found"));
        }

        return found;
    }

    /// <summary>The case with its family's chat, by case id; null if it is gone.</summary>
    public async Task<FoundCase?> FindByIdAsync(UnitOfWork db, string caseId, CancellationToken cancellationToken)
    {
        if (await cases.ChatRefOfAsync(db, caseId, cancellationToken) is not { } chatRef)
        {
            return null;
        }

        var family = await chats.GetAsync(db, chatRef, cancellationToken);
        if (family is null)
        {
            return null;
        }

        var summary = await cases.GetAsync(db, family, caseId, cancellationToken);
        if (summary is null)
        {
            family.Dispose();
            return null;
        }

        return new FoundCase(summary, family);
    }

    /// <summary>
    /// Splits command arguments into the case named at their start (a case code, or a reference such as
    /// <c>#3f9a01c2</c>) and the rest. The one place that knows where a case code ends, used by /case, /status and /reply.
    /// </summary>
    public static (string Case, string Remainder) SplitCase(string arguments) => Crypto.CaseCodeParser.Split(arguments);

    /// <summary>Splits "word rest" at the first white space.</summary>
    public static (string First, string Remainder) SplitFirst(string arguments)
    {
        var trimmed = arguments.Trim();
        var space = trimmed.IndexOfAny([' ', '\n', '\t']);
        return space < 0 ? (trimmed, "") : (trimmed[..space], trimmed[(space + 1)..].Trim());
    }

    /// <summary>Whether the text is a case reference (<c>#</c> or the full-width <c>＃</c>, then 8 hex digits).</summary>
    public static bool IsReference(string text) =>
        text.Length == 9 && (text[0] is '#' or '＃') && text.Skip(1).All(char.IsAsciiHexDigit);

    private async Task<FoundCase?> FindByCodeAsync(Turn turn, string codeText, CancellationToken cancellationToken)
    {
        if (!await limiter.TryAcquireAsync(turn.Db, turn.Chat.Id, turn.Now, cancellationToken) || !CaseToken.TryParse(codeText, out var token))
        {
            return null;
        }

        return await cases.FindByTokenAsync(turn.Db, token, cancellationToken) is { } found
            ? await FindByIdAsync(turn.Db, found.CaseId, cancellationToken)
            : null;
    }

    /// <summary>A reference names only a case this caseworker already follows, so it reveals nothing new and is not rate-limited.</summary>
    private async Task<FoundCase?> FindFollowedAsync(Turn turn, string referenceText, CancellationToken cancellationToken)
    {
        var wanted = "#" + referenceText[1..].ToLowerInvariant();
        foreach (var followed in await caseworkers.FollowedAsync(turn.Db, turn.Chat.Id, cancellationToken))
        {
            if (string.Equals(references.Of(followed.CaseId), wanted, StringComparison.Ordinal))
            {
                return await FindByIdAsync(turn.Db, followed.CaseId, cancellationToken);
            }
        }

        return null;
    }
}
