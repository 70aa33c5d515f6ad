using FamilyLinkBot.Crypto;
using FamilyLinkBot.Storage;

namespace FamilyLinkBot.Caseworkers;

/// <summary>
/// The label caseworkers see for a case, e.g. "#3f9a01c2": the first 8 hex digits of a keyed blind index of
/// the case's random row id. The token is never stored, so it cannot label messages; this reference is stable,
/// not secret, and leads neither to the token nor to the family (it is not derived from their chat).
/// </summary>
public sealed class CaseReference(KeyStore keys)
{
    private const string Purpose = "case-ref";

    public string Of(string caseId) => "#" + Pseudonym.Of(keys.Index.BlindIndex(Purpose, caseId));
}
