using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FamilyLinkBot.Testing;

// All chats the emulator knows and their messages. One lock for everything: the emulator serves one bot,
// and a single short critical section per request is far from the bottleneck at thousands of requests a second.
internal sealed class ChatRegistry
{
    private readonly Dictionary<long, ChatState> _chats = [];
    private readonly Dictionary<string, ChatState> _byUsername = new(StringComparer.OrdinalIgnoreCase);
    private long _revision;

    public Lock Gate { get; } = new();

    public long CurrentRevision
    {
        get
        {
            lock (Gate)
            {
                return _revision;
            }
        }
    }

    public void Add(ChatState chat)
    {
        lock (Gate)
        {
            _chats.Add(chat.Id, chat);
            // Only groups and channels can be addressed as "@username"; users cannot.
            if (chat.Chat.Username is { } username && chat.Chat.Type != Telegram.Bot.Types.Enums.ChatType.Private)
            {
                _byUsername[username] = chat;
            }
        }
    }

    public ChatState? Find(long chatId)
    {
        lock (Gate)
        {
            return _chats.GetValueOrDefault(chatId);
        }
    }

    // chat_id as the Bot API takes it: a number, a number in a string, or "@username". Call under Gate.
    public ChatState Resolve(JsonNode? chatId)
    {
        var text = chatId?.GetValueKind() switch
        {
            JsonValueKind.Number or JsonValueKind.String => chatId.ToString(),
            _ => null,
        };
        if (string.IsNullOrEmpty(text))
        {
            throw Error.Missing("", "chat_id");
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id)
            && _chats.TryGetValue(id, out var chat))
        {
            return chat;
        }

        return text.StartsWith('@') && _byUsername.TryGetValue(text[1..], out var named) ? named : throw Error.ChatNotFound();
    }

    // Call under Gate.
    public long NextRevision() => ++_revision;

    public IReadOnlyList<BotMessage> Snapshot(long chatId)
    {
        lock (Gate)
        {
            return _chats.TryGetValue(chatId, out var chat) ? [.. chat.Messages] : [];
        }
    }

    public List<BotMessage> AllBotMessages()
    {
        lock (Gate)
        {
            return _chats.Values.SelectMany(c => c.Messages).Where(m => m.IsFromBot).ToList();
        }
    }

    public int Activity(long chatId)
    {
        lock (Gate)
        {
            return _chats.TryGetValue(chatId, out var chat) ? chat.Activity : 0;
        }
    }

    /// <summary>The chat's activity other than callback answers: messages sent, edited or deleted.</summary>
    public int MessageActivity(long chatId)
    {
        lock (Gate)
        {
            return _chats.TryGetValue(chatId, out var chat) ? chat.Activity - chat.CallbackAnswers : 0;
        }
    }

    public void Touch(long chatId)
    {
        lock (Gate)
        {
            if (_chats.TryGetValue(chatId, out var chat))
            {
                chat.Activity++;
                chat.CallbackAnswers++;
            }
        }
    }
}
