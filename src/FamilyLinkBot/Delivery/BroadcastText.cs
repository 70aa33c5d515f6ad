using FamilyLinkBot.Cases;
using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Delivery;

/// <summary>How broadcasts read to the admin: audience names and the progress message.</summary>
public static class BroadcastText
{
    public static IReadOnlyList<string> Topics { get; } = ["repatriation", "border", "detention", "rallies", "policy", "resettlement"];

    public static string Audience(Texts texts, Language language, Audience audience) => audience.Kind switch
    {
        AudienceKind.All => texts.Get(language, "broadcast.audience_all"),
        AudienceKind.Language => texts.Format(language, "broadcast.audience_language",
            ("name", LanguageCodes.Parse(audience.Value) is { } l ? texts.Get(l, "lang.name") : audience.Value)),
        AudienceKind.Topic => texts.Format(language, "broadcast.audience_topic", ("name", Label(texts, language, "topic." + audience.Value, audience.Value))),
        AudienceKind.Region => texts.Format(language, "broadcast.audience_region", ("name", Label(texts, language, CaseChoices.RegionKey(audience.Value), audience.Value))),
    };

    public static string Progress(Texts texts, Language language, BroadcastInfo broadcast, BroadcastCounts counts)
    {
        var key = broadcast.State switch
        {
            BroadcastState.Running => "broadcast.progress",
            BroadcastState.Done => "broadcast.progress_done",
            BroadcastState.Cancelled => "broadcast.progress_cancelled",
        };
        var remaining = Math.Max(0, broadcast.Total - counts.Sent - counts.Failed);
        return texts.Format(
            language,
            key,
            ("id", broadcast.Id),
            ("audience", new SafeHtml(Audience(texts, language, broadcast.Audience))),
            ("sent", counts.Sent),
            ("failed", counts.Failed),
            ("remaining", remaining));
    }

    private static string Label(Texts texts, Language language, string key, string fallback) =>
        texts.Has(language, key) ? texts.Get(language, key) : fallback;
}
