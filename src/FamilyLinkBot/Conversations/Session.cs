using System.Text.Json;

namespace FamilyLinkBot.Conversations;

/// <summary>
/// What the bot remembers of one chat's conversation between updates: the live menu (whose buttons
/// are the only ones that work) and the flow in progress with its answers so far. Stored encrypted.
/// </summary>
public sealed class Session
{
    public Menu? Menu { get; set; }

    /// <summary>The flow in progress (e.g. "register"), or null.</summary>
    public string? Flow { get; set; }

    public string? Step { get; set; }

    public Dictionary<string, string> Data { get; set; } = new(StringComparer.Ordinal);

    public DateTimeOffset? FlowTouchedAt { get; set; }

    /// <summary>
    /// The Show buttons of discreet notices (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications), newest last, each under its own id rather than an index of the live
    /// menu, so that any number of notices never breaks them; at most <see cref="NoticeButton.Kept"/>, the oldest dropped.
    /// </summary>
    public List<NoticeButton> Notices { get; set; } = [];

    /// <summary>Keeps a new button under its own id (a discreet notice's Show, a relayed copy's Reply), dropping the oldest past <see cref="NoticeButton.Kept"/>.</summary>
    public NoticeButton AddNotice(string action) => AddNotice(new NoticeButton(CallbackData.NewMenuId(), action));

    /// <inheritdoc cref="AddNotice(string)"/>
    public NoticeButton AddNotice(NoticeButton notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        Notices.Add(notice);
        if (Notices.Count > NoticeButton.Kept)
        {
            Notices.RemoveRange(0, Notices.Count - NoticeButton.Kept);
        }

        return notice;
    }

    public void StartFlow(string flow, string step, DateTimeOffset now)
    {
        Flow = flow;
        Step = step;
        Data.Clear();
        FlowTouchedAt = now;
    }

    /// <summary>The session as it is stored (before encryption), to tell whether a turn changed it.</summary>
    public string Snapshot() => JsonSerializer.Serialize(this, SessionJson.Default.Session);

    public void EndFlow()
    {
        Flow = null;
        Step = null;
        Data.Clear();
        FlowTouchedAt = null;
    }
}

/// <summary>The buttons of the newest menu message; pressing one of an older menu is "expired".</summary>
public sealed class Menu
{
    public required string Id { get; init; }

    public required List<MenuOption> Options { get; init; }

    /// <summary>Whether typing an option's number selects it (off where the step also takes free text).</summary>
    public bool AcceptsNumbers { get; init; } = true;
}

/// <summary>One button: the action it triggers, and its label as a resource key or literal text.</summary>
public sealed record MenuOption(string Action, string? LabelKey, string? Text = null);

/// <summary>A notice's Show button: its callback data is <c>1.{Id}.0</c>, and it runs <see cref="Action"/>.</summary>
public sealed record NoticeButton(string Id, string Action)
{
    /// <summary>Show buttons kept per chat; pressing an older one answers "expired".</summary>
    public const int Kept = 50;
}
