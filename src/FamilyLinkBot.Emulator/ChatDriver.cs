using Telegram.Bot.Types;

namespace FamilyLinkBot.Testing;

/// <summary>
/// A person talking to the bot in their private chat, for end-to-end tests that read like a conversation:
/// <c>await family.Says("/register"); await family.Presses("Child");</c>. Each step waits until the bot
/// has responded (a new message, an edit, a deletion or a callback answer in this chat) and then for a
/// short quiet period, so replies made of several messages are complete.
/// </summary>
public sealed class ChatDriver(BotApiEmulator emulator, EmulatedUser user)
{
    private readonly BotApiEmulator _emulator = emulator ?? throw new ArgumentNullException(nameof(emulator));

    public EmulatedUser User { get; } = user ?? throw new ArgumentNullException(nameof(user));

    public long ChatId => User.ChatId;

    /// <summary>How long to wait for the bot before throwing TimeoutException.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After the first response, wait until the chat has been quiet this long.</summary>
    public TimeSpan QuietPeriod { get; set; } = DefaultQuietPeriod;

    /// <summary>The <see cref="QuietPeriod"/> of drivers made from now on (a slower store may want a longer one).</summary>
    public static TimeSpan DefaultQuietPeriod { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>How long a press answered only by its callback answer waits for a message to follow.</summary>
    public TimeSpan ToastOnlyWait { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The bot's messages in this chat that are still there, oldest first.</summary>
    public IReadOnlyList<BotMessage> Replies =>
        _emulator.MessagesIn(ChatId).Where(m => m.IsFromBot && !m.IsDeleted).ToList();

    /// <summary>The user sends <paramref name="text"/>; returns the bot message it sent or changed last in response.</summary>
    public Task<BotMessage> Says(string text) =>
        Respond(() => _emulator.SendTextCore(User, text, null).UpdateId, $"a reply to \"{text}\"");

    /// <summary>The user sends <paramref name="text"/>; returns once the bot has fetched and confirmed the update.</summary>
    public async Task SaysNothingExpected(string text)
    {
        var updateId = _emulator.SendTextCore(User, text, null).UpdateId;
        if (!await _emulator.Changed.WaitAsync(() => _emulator.IsUpdateConfirmed(updateId), Timeout, CancellationToken.None))
        {
            throw _emulator.TimeoutError(ChatId, $"the bot to fetch \"{text}\"");
        }
    }

    /// <summary>The user answers the bot's <paramref name="target"/> with Telegram's reply; returns what the bot sent or changed last.</summary>
    public Task<BotMessage> RepliesTo(BotMessage target, string text)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(text);
        var replied = target.ToMessage();
        return Respond(
            () => _emulator.SendUserMessage(User, null, "text", text, m => m.ReplyToMessage = replied).UpdateId,
            $"a reply to \"{text}\" (answering message {target.MessageId})");
    }

    /// <summary>Presses the button labelled <paramref name="buttonLabel"/> on <paramref name="message"/> (not merely the newest one showing it).</summary>
    public Task<BotMessage> PressesOn(BotMessage message, string buttonLabel)
    {
        ArgumentNullException.ThrowIfNull(message);
        var button = message.Buttons.FirstOrDefault(b => b.Text == buttonLabel)
            ?? throw new InvalidOperationException($"No button \"{buttonLabel}\" on message {message.MessageId}.");
        return Respond(() => _emulator.PressCore(User, ChatId, message.MessageId, null, button.CallbackData!).UpdateId, $"a response to the button \"{buttonLabel}\"");
    }

    public Task<BotMessage> SendsPhoto(string? caption = null) =>
        Respond(() => _emulator.SendUserMessage(User, null, "photo", caption ?? "", m => m.Photo = TelegramFiles.Photo()).UpdateId, "a reply to a photo");

    public Task<BotMessage> SendsSticker(string emoji = "👍") =>
        Respond(() => _emulator.SendUserMessage(User, null, "sticker", "", m => m.Sticker = TelegramFiles.Sticker(emoji)).UpdateId, "a reply to a sticker");

    public Task<BotMessage> SendsVoice(int durationSeconds = 3) =>
        Respond(() => _emulator.SendUserMessage(User, null, "voice", "", m => m.Voice = TelegramFiles.Voice(durationSeconds)).UpdateId, "a reply to a voice message");

    public Task<BotMessage> SendsDocument(string fileName = "document.pdf", string? caption = null) =>
        Respond(() => _emulator.SendUserMessage(User, null, "document", caption ?? "", m => m.Document = TelegramFiles.Document(fileName)).UpdateId, "a reply to a document");

    /// <summary>
    /// Presses the button labelled <paramref name="buttonLabel"/> (exact text, else case-insensitive) on the
    /// newest bot message that shows one; returns the bot message sent or changed last in response.
    /// </summary>
    public Task<BotMessage> Presses(string buttonLabel)
    {
        var (message, data) = FindButton(buttonLabel);
        return Respond(() => _emulator.PressCore(User, ChatId, message.MessageId, null, data).UpdateId, $"a response to the button \"{buttonLabel}\"");
    }

    /// <summary>Presses a button with any callback data (forged, stale…) and returns the bot's answerCallbackQuery.</summary>
    public Task<CallbackAnswer> PressesRaw(BotMessage message, string callbackData)
    {
        ArgumentNullException.ThrowIfNull(message);
        return PressRaw(message.MessageId, null, callbackData);
    }

    public Task<CallbackAnswer> PressesRaw(Message message, string callbackData)
    {
        ArgumentNullException.ThrowIfNull(message);
        return PressRaw(message.Id, message, callbackData);
    }

    /// <summary>The newest bot message in the chat that is not deleted.</summary>
    public BotMessage LastReply()
    {
        var replies = Replies;
        return replies.Count > 0
            ? replies[^1]
            : throw new InvalidOperationException("The bot has not sent anything to this chat (or deleted it all).");
    }

    public IReadOnlyList<string> ButtonLabels(BotMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.ChatId == ChatId
            ? message.ButtonLabels
            : throw new ArgumentException("The message is from another chat than this driver's.", nameof(message));
    }

    private async Task<CallbackAnswer> PressRaw(int messageId, Message? fallback, string callbackData)
    {
        var query = _emulator.PressCore(User, ChatId, messageId, fallback, callbackData).Query;
        CallbackAnswer? answer = null;
        if (!await _emulator.Changed.WaitAsync(() => (answer = _emulator.FindAnswer(query.Id)) is not null, Timeout, CancellationToken.None))
        {
            throw _emulator.TimeoutError(ChatId, "an answerCallbackQuery for the press");
        }

        await QuietAsync(DateTime.UtcNow + Timeout);
        return answer!;
    }

    private async Task<BotMessage> Respond(Func<int> send, string awaited)
    {
        var activityBefore = _emulator.BotActivity(ChatId);
        var messagesBefore = _emulator.BotMessageActivity(ChatId);
        var revisionBefore = _emulator.CurrentRevision;
        var deadline = DateTime.UtcNow + Timeout;
        var updateId = send();
        var responded = await _emulator.Changed.WaitAsync(
            () => _emulator.IsUpdateDelivered(updateId) && _emulator.BotActivity(ChatId) > activityBefore,
            Timeout,
            CancellationToken.None);
        if (!responded)
        {
            throw _emulator.TimeoutError(ChatId, awaited);
        }

        // Only the press's callback answer so far: the bot answers a press once its change is stored, and the message
        // it leads to goes through the outbox a moment later. Wait a little for it; a press that only toasts costs this.
        if (_emulator.BotMessageActivity(ChatId) == messagesBefore)
        {
            await _emulator.Changed.WaitAsync(() => _emulator.BotMessageActivity(ChatId) != messagesBefore, ToastOnlyWait, CancellationToken.None);
        }

        await QuietAsync(deadline);

        // The message the bot touched last in response; a deletion-only response returns the deleted one.
        var touched = _emulator.MessagesIn(ChatId)
            .Where(m => m.IsFromBot && m.Revision > revisionBefore)
            .OrderByDescending(m => !m.IsDeleted)
            .ThenByDescending(m => m.Revision)
            .FirstOrDefault();
        return touched ?? LastReply();
    }

    private async Task QuietAsync(DateTime deadline)
    {
        var seen = _emulator.BotActivity(ChatId);
        while (QuietPeriod > TimeSpan.Zero && DateTime.UtcNow < deadline)
        {
            var changed = await _emulator.Changed.WaitAsync(() => _emulator.BotActivity(ChatId) != seen, QuietPeriod, CancellationToken.None);
            if (!changed)
            {
                return;
            }

            seen = _emulator.BotActivity(ChatId);
        }
    }

    private (BotMessage Message, string CallbackData) FindButton(string label)
    {
        var candidates = Replies.Where(m => m.ReplyMarkup is not null).Reverse().ToList();
        foreach (var comparison in new[] { StringComparison.Ordinal, StringComparison.OrdinalIgnoreCase })
        {
            foreach (var message in candidates)
            {
                var button = message.Buttons.FirstOrDefault(b => string.Equals(b.Text, label, comparison));
                if (button is not null)
                {
                    return button.CallbackData is { } data
                        ? (message, data)
                        : throw new InvalidOperationException($"The button \"{button.Text}\" is not a callback button (it opens a URL or similar).");
                }
            }
        }

        var available = candidates.SelectMany(m => m.ButtonLabels).Distinct().Select(l => $"\"{l}\"");
        throw new InvalidOperationException(
            $"No button \"{label}\" on the bot's messages in this chat. Buttons shown: {string.Join(", ", available)}"
            + (candidates.Count == 0 ? "(none)" : ""));
    }
}
