using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Alerts;

/// <summary>How an alert reads (docs/DESIGN.md#7-news-alerts): localized topic label, the title as published (escaped), source, link.</summary>
public static class AlertText
{
    // Telegram refuses messages over 4,096 characters; a hostile feed's title or link must not make the alert undeliverable.
    private const int MaxTitleChars = 600;
    private const int MaxLinkChars = 1_000;

    public static string TopicLabels(Texts texts, Language language, IReadOnlyList<string> topics) =>
        string.Join(" · ", topics.Select(t => texts.Get(language, "topic." + t)));

    public static string RegionLabels(Texts texts, Language language, IReadOnlyList<string> regions) =>
        string.Join(", ", regions.Select(r => texts.Get(language, "region." + r)));

    public static string Title(NewsAlert alert) => Cap(alert.Title, MaxTitleChars) ?? "";

    /// <summary>The link, or nothing when it is missing or too long to send.</summary>
    public static string Link(NewsAlert alert) => alert.Link is { Length: <= MaxLinkChars } link ? link : "";

    public static string Render(Texts texts, Language language, NewsAlert alert) =>
        texts.Format(
            language,
            "alert.message",
            ("topic", TopicLabels(texts, language, alert.Topics)),
            ("title", Title(alert)),
            ("source", Cap(alert.Source, 100)),
            ("link", Link(alert)));

    private static string? Cap(string? text, int max) => text is null || text.Length <= max ? text : text[..(max - 1)] + "…";
}
