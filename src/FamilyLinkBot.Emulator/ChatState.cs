using Telegram.Bot.Types;

namespace FamilyLinkBot.Testing;

// One chat the bot can talk to: its description, whether it blocked the bot, and every message in it
// (bot's and user's) in id order. Guarded by ChatRegistry.Gate.
internal sealed class ChatState(Chat chat, string chatInstance)
{
    private readonly List<BotMessage> _messages = [];
    private readonly Dictionary<int, int> _indexById = [];

    public Chat Chat { get; } = chat;

    public long Id => Chat.Id;

    // The opaque chat_instance Telegram puts in callback queries from this chat.
    public string ChatInstance { get; } = chatInstance;

    public bool Blocked { get; set; }

    // Message ids are per chat and shared by both sides, as in Telegram private chats.
    public int NextMessageId { get; set; } = 1;

    // Bot sends, edits, deletions and callback answers in this chat: what "the bot responded" means.
    public int Activity { get; set; }

    // Callback answers alone: a press's toast comes at once, the message it leads to may come a moment later.
    public int CallbackAnswers { get; set; }

    public IReadOnlyList<BotMessage> Messages => _messages;

    public BotMessage? Find(int messageId) =>
        _indexById.TryGetValue(messageId, out var index) ? _messages[index] : null;

    public void Add(BotMessage message)
    {
        _indexById[message.MessageId] = _messages.Count;
        _messages.Add(message);
    }

    public void Replace(BotMessage message) => _messages[_indexById[message.MessageId]] = message;
}
