using FamilyLinkBot.Cases;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Caseworkers;

/// <summary>A case found by its token, with its family's chat (for its data key and pushes; never shown).</summary>
public sealed record FoundCase(CaseSummary Case, ChatRecord Family) : IDisposable
{
    public void Dispose() => Family.Dispose();
}

/// <summary>
/// Finds a case by the token a caseworker typed. Every attempt counts against the per-user limit; a malformed
/// token, an unknown or erased case and a limited attempt all give null and the same "not found" answer.
/// </summary>
public sealed class CaseLookup(CaseRepository cases, ChatRepository chats, TokenLookupLimiter limiter)
{
    /// <summary>The case, or null after replying "not found" (one answer for every kind of miss).</summary>
    public async Task<FoundCase?> FindOrAnswerAsync(Turn turn, string tokenText, CancellationToken cancellationToken)
    {
        var found = await FindAsync(turn, tokenText, cancellationToken);
        if (found is null)
        {
            turn.Reply(turn.T("cw.not_found"));
        }

        return found;
    }

    private async Task<FoundCase?> FindAsync(Turn turn, string tokenText, CancellationToken cancellationToken)
    {
        if (!limiter.TryAcquire(turn.Chat.Id, turn.Now) || !CaseToken.TryParse(tokenText, out var token))
        {
            return null;
        }

        if (await cases.FindByTokenAsync(turn.Db, token, cancellationToken) is not { } found)
        {
            return null;
        }

        var family = await chats.GetAsync(turn.Db, found.ChatRef, cancellationToken);
        if (family is null)
        {
            return null;
        }

        var summary = await CaseRepository.GetAsync(turn.Db, family, found.CaseId, cancellationToken);
        if (summary is null)
        {
            family.Dispose();
            return null;
        }

        return new FoundCase(summary, family);
    }

    /// <summary>Splits "TOKEN rest": the token is the first word (tokens have no spaces when copied).</summary>
    public static (string First, string Remainder) SplitFirst(string arguments)
    {
        var trimmed = arguments.Trim();
        var space = trimmed.IndexOfAny([' ', '\n', '\t']);
        return space < 0 ? (trimmed, "") : (trimmed[..space], trimmed[(space + 1)..].Trim());
    }
}
