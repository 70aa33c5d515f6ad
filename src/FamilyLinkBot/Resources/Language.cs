namespace FamilyLinkBot.Resources;

/// <summary>The languages the bot speaks (docs/DESIGN.md#4-conversations); Korean first.</summary>
public enum Language
{
    Ko,
    En,
    Zh,
}

public static class LanguageCodes
{
    public static IReadOnlyList<Language> All { get; } = [Language.Ko, Language.En, Language.Zh];

    public static string Code(this Language language) => language switch
    {
        Language.Ko => "ko",
        Language.En => "en",
        Language.Zh => "zh",
    };

    public static Language? Parse(string? code) => code switch
    {
        "ko" => Language.Ko,
        "en" => Language.En,
        "zh" => Language.Zh,
        _ => null,
    };

    /// <summary>The best language for someone who has not chosen yet, from Telegram's language_code.</summary>
    public static Language FromTelegram(string? languageCode)
    {
        if (string.IsNullOrEmpty(languageCode))
        {
            return Language.Ko;
        }

        var primary = languageCode.Split('-', '_')[0].ToUpperInvariant();
        return primary switch
        {
            "EN" => Language.En,
            "ZH" => Language.Zh,
            _ => Language.Ko,
        };
    }
}
