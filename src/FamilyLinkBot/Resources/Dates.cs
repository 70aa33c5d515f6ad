using System.Globalization;

namespace FamilyLinkBot.Resources;

/// <summary>Dates as families read them: the calendar day in Korea, where they live, as YYYY-MM-DD.</summary>
public static class Dates
{
    private static readonly TimeSpan KoreaOffset = TimeSpan.FromHours(9);

    public static string Show(DateTimeOffset instant) =>
        instant.ToOffset(KoreaOffset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
