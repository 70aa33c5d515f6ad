namespace FamilyLinkBot.Crypto;

/// <summary>How a case token is written: Crockford letters (<c>FL-XXXX-…</c>) or Korean words (<c>소나무 바다 …</c>).</summary>
public enum CaseCodeForm
{
    Letters,
    Words,
}

/// <summary>The form's stored name (an operational value: plaintext allowed, docs/DESIGN.md#2-data-classification).</summary>
public static class CaseCodeForms
{
    public static string Code(this CaseCodeForm form) => form switch
    {
        CaseCodeForm.Letters => "letters",
        CaseCodeForm.Words => "words",
    };

    public static CaseCodeForm Parse(string? code) => code == "words" ? CaseCodeForm.Words : CaseCodeForm.Letters;
}
