using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace FamilyLinkBot.Testing;

/// <summary>
/// A Telegram Bot API server on 127.0.0.1 for tests, benchmarks and the sandbox. It answers the real
/// Telegram.Bot client like Telegram does (same JSON, same errors, same getUpdates semantics), holds the
/// users, chats and messages a bot would see, and lets a test play the users' side.
/// </summary>
public sealed partial class BotApiEmulator : IAsyncDisposable
{
    private const long FirstUserId = 5_000_000_000;
    private const long FirstGroupId = -1_002_000_000_000;

    // Spaced by a prime so ids have varied digits and are easy to search for in files.
    private const long IdSpacing = 104_729;

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly BotApiEmulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly ChangeSignal _changed = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ChatRegistry _chats = new();
    private readonly CallbackQueries _queries;
    private readonly UpdateQueue _updates;
    private readonly UpdateMethods _updateMethods;
    private readonly FaultInjector _faults;
    private readonly Outage _outage;
    private readonly RequestLog _log;
    private readonly User _bot;
    private BotApiEndpoint? _endpoint;
    private RateLimits? _rateLimits;
    private WebApplication? _app;
    private int _users;
    private int _groups;
    private int _disposed;

    private BotApiEmulator(BotApiEmulatorOptions options)
    {
        _options = options;
        _time = options.TimeProvider;
        if (options.Token is { } token && !TokenShape().IsMatch(token))
        {
            throw Error.BadToken(nameof(options));
        }

        BotId = options.Token is { } given ? long.Parse(given[..given.IndexOf(':')], System.Globalization.CultureInfo.InvariantCulture)
            : 7_000_000_000 + RandomNumberGenerator.GetInt32(1_000_000_000);
        Token = options.Token ?? $"{BotId}:AA{RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 33)}";
        _bot = new User
        {
            Id = BotId,
            IsBot = true,
            FirstName = "FamilyLink Test Bot",
            Username = options.BotUsername,
            CanJoinGroups = true,
            CanReadAllGroupMessages = false,
            SupportsInlineQueries = false,
            CanConnectToBusiness = false,
            HasMainWebApp = false,
        };
        _queries = new CallbackQueries(_time);
        _updates = new UpdateQueue(firstUpdateId: options.FirstUpdateId ?? 600_000_000 + RandomNumberGenerator.GetInt32(100_000_000), _changed);
        _updateMethods = new UpdateMethods(_updates, _shutdown.Token);
        _faults = new FaultInjector(options.RandomFaults);
        _outage = new Outage(_time);
        _log = new RequestLog(options.RequestHistoryLimit, _changed);
    }

    /// <summary>"http://127.0.0.1:PORT", the base URL for <see cref="TelegramBotClientOptions"/>.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>The bot's token; requests with any other token get 401.</summary>
    public string Token { get; }

    public long BotId { get; }

    public string BotUsername => _options.BotUsername;

    /// <summary>Delay before each answer (real time), to look like a slow network.</summary>
    public TimeSpan ResponseDelay
    {
        get => Endpoint.ResponseDelay;
        set => Endpoint.ResponseDelay = value;
    }

    /// <summary>Every answered request so far (a snapshot; capped by <see cref="BotApiEmulatorOptions.RequestHistoryLimit"/>).</summary>
    public IReadOnlyList<RecordedRequest> Requests => _log.Snapshot();

    /// <summary>How many 429 answers the bot has provoked (flood limits and injected ones).</summary>
    public int Count429 => _log.Count429;

    /// <summary>How many 502 answers the emulator gave (injected faults).</summary>
    public int Count502 => _log.Count502;

    /// <summary>
    /// The most sends and edits (without allow_paid_broadcast) the emulator accepted in any one-second window: with
    /// <see cref="BotApiEmulatorOptions.StrictWindowMessages"/> never above it; otherwise it shows what a bot did.
    /// </summary>
    public int PeakMessagesInOneSecond => _rateLimits?.Peak ?? 0;

    /// <summary>Every answerCallbackQuery the bot made.</summary>
    public IReadOnlyList<CallbackAnswer> CallbackAnswers => _queries.Answers;

    /// <summary>Every message the bot has sent, in all chats, in their current state.</summary>
    public IEnumerable<BotMessage> AllBotMessages => _chats.AllBotMessages();

    /// <summary>The update_id the next update will get.</summary>
    public int NextUpdateId => _updates.NextId;

    /// <summary>A number that grows with every change to any chat's messages (sent, edited, deleted).</summary>
    public long Revision => _chats.CurrentRevision;

    /// <summary>Updates queued and not yet confirmed by the bot.</summary>
    public int PendingUpdateCount => _updates.PendingCount;

    /// <summary>The webhook URL the bot set, or null.</summary>
    public string? WebhookUrl => _updateMethods.WebhookUrl;

    private BotApiEndpoint Endpoint => _endpoint ?? throw new InvalidOperationException("The emulator has not started.");

    /// <summary>Starts an emulator on a free port of 127.0.0.1.</summary>
    public static async Task<BotApiEmulator> StartAsync(BotApiEmulatorOptions? options = null, CancellationToken ct = default)
    {
        var emulator = new BotApiEmulator(options ?? new BotApiEmulatorOptions());
        try
        {
            await emulator.StartServerAsync(ct);
            return emulator;
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _shutdown.CancelAsync(); // long polls answer [] at once
        if (_app is not null)
        {
            using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _app.StopAsync(stopTimeout.Token);
            await _app.DisposeAsync();
        }

        _shutdown.Dispose();
    }

    // ---- Users and chats ----

    /// <summary>A new user who has started the bot. Ids are unique, positive and large (5,000,…).</summary>
    public EmulatedUser CreateUser(string firstName = "Test", string? lastName = null, string? username = null, string? languageCode = "ko")
    {
        var n = Interlocked.Increment(ref _users);
        var user = new EmulatedUser(FirstUserId + (n * IdSpacing), firstName, lastName, username, languageCode);
        _chats.Add(new ChatState(user.ToPrivateChat(), NewChatInstance()));
        _createdUsers.Enqueue(user);
        return user;
    }

    /// <summary>
    /// A user with a chosen id (positive, at most 2^52, unlike any other), who has started the bot: for the
    /// sandbox, whose users must keep their ids across runs because the bot's database remembers them.
    /// </summary>
    public EmulatedUser CreateUser(long userId, string firstName, string? languageCode)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(userId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(userId, 1L << 52);
        var user = new EmulatedUser(userId, firstName, null, null, languageCode);
        _chats.Add(new ChatState(user.ToPrivateChat(), NewChatInstance()));
        _createdUsers.Enqueue(user);
        return user;
    }

    /// <summary>Every user created so far (for checks that none of their ids or names leaked anywhere).</summary>
    public IReadOnlyList<EmulatedUser> Users => [.. _createdUsers];

    /// <summary>Every text and caption users sent, in order.</summary>
    public IReadOnlyList<string> UserTexts => [.. _userTexts];

    /// <summary>The update id of the newest message or button press from this user.</summary>
    public int LastUpdateIdFrom(EmulatedUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return _lastUpdateIds.TryGetValue(user.Id, out var id) ? id : throw new InvalidOperationException("That user has sent nothing yet.");
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<EmulatedUser> _createdUsers = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _userTexts = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, int> _lastUpdateIds = new();

    /// <summary>A new supergroup (id -100…) the bot is a member and administrator of.</summary>
    public EmulatedChat CreateGroup(string title)
    {
        var n = Interlocked.Increment(ref _groups);
        var group = new EmulatedChat(FirstGroupId - (n * IdSpacing), ChatType.Supergroup, title);
        _chats.Add(new ChatState(group.ToChat(), NewChatInstance()));
        return group;
    }

    /// <summary>The user blocks the bot (or the group removes it): sends there answer 403.</summary>
    public void Block(long chatId) => SetBlocked(chatId, true);

    public void Unblock(long chatId) => SetBlocked(chatId, false);

    /// <summary>A driver that plays this user in readable end-to-end tests.</summary>
    public ChatDriver Driver(EmulatedUser user) => new(this, user);

    // ---- Inbound updates ----

    /// <summary>The user sends a text message (to their private chat unless <paramref name="chat"/> is given).</summary>
    public Message SendText(EmulatedUser from, string text, EmulatedChat? chat = null) =>
        SendTextCore(from, text, chat).Message;

    public Message SendPhoto(EmulatedUser from, string? caption = null, EmulatedChat? chat = null) =>
        SendUserMessage(from, chat, "photo", caption ?? "", m => m.Photo = TelegramFiles.Photo()).Message;

    public Message SendSticker(EmulatedUser from, string emoji = "👍", EmulatedChat? chat = null) =>
        SendUserMessage(from, chat, "sticker", "", m => m.Sticker = TelegramFiles.Sticker(emoji)).Message;

    public Message SendVoice(EmulatedUser from, int durationSeconds = 3, EmulatedChat? chat = null) =>
        SendUserMessage(from, chat, "voice", "", m => m.Voice = TelegramFiles.Voice(durationSeconds)).Message;

    public Message SendDocument(EmulatedUser from, string fileName = "document.pdf", string? caption = null, EmulatedChat? chat = null) =>
        SendUserMessage(from, chat, "document", caption ?? "", m => m.Document = TelegramFiles.Document(fileName)).Message;

    /// <summary>The user presses an inline button: a callback_query update with the message as it is now.</summary>
    public CallbackQuery Press(EmulatedUser from, Message botMessage, string callbackData)
    {
        ArgumentNullException.ThrowIfNull(botMessage);
        return PressCore(from, botMessage.Chat.Id, botMessage.Id, botMessage, callbackData).Query;
    }

    public CallbackQuery Press(EmulatedUser from, BotMessage botMessage, string callbackData)
    {
        ArgumentNullException.ThrowIfNull(botMessage);
        return PressCore(from, botMessage.ChatId, botMessage.MessageId, null, callbackData).Query;
    }

    /// <summary>Queues raw update JSON as is (update_id added if missing); returns its update_id.</summary>
    public int EnqueueRawJson(string updateJson)
    {
        var id = _updates.EnqueueRaw(updateJson, nameof(updateJson));
        _changed.Notify();
        return id;
    }

    /// <summary>
    /// Delivers an update again with the same update_id, even if the bot confirmed it, as Telegram
    /// does when a bot crashed before its offset reached the server.
    /// </summary>
    public void Redeliver(int updateId)
    {
        _updates.Redeliver(updateId, nameof(updateId));
        _changed.Notify();
    }

    /// <summary>True once the bot called getUpdates with an offset beyond this update.</summary>
    public bool IsUpdateConfirmed(int updateId) => _updates.IsConfirmed(updateId);

    // ---- Faults ----

    /// <summary>The next <paramref name="count"/> calls of <paramref name="method"/> ("*" = any) fail with this status.</summary>
    public void FailNext(string method, int statusCode, int count = 1, int? retryAfter = null) =>
        _faults.Add(method, FaultDecision.Fail(statusCode, retryAfter), count);

    /// <summary>
    /// The next calls of <paramref name="method"/> lose their connection. With <paramref name="afterEffect"/>
    /// the request takes effect first (the message is sent) and only the answer is lost.
    /// </summary>
    public void DropConnectionNext(string method, int count = 1, bool afterEffect = false) =>
        _faults.Add(method, FaultDecision.DropConnection(afterEffect), count);

    /// <summary>
    /// Telegram unreachable for <paramref name="duration"/> (or until <see cref="EndOutage"/>): every request, getUpdates
    /// included, is answered 502 or loses its connection, as in an outage of Telegram or of the server's network.
    /// </summary>
    public void BeginOutage(TimeSpan duration, OutageKind kind = OutageKind.BadGateway) => _outage.Begin(kind, duration);

    /// <summary>Ends an outage early.</summary>
    public void EndOutage() => _outage.End();

    /// <summary>True while an outage is in force.</summary>
    public bool InOutage => _outage.Now() is not null;

    // ---- What the chats show ----

    /// <summary>Messages in a chat as it shows now, both sides, in order; deleted ones flagged.</summary>
    public IReadOnlyList<BotMessage> MessagesIn(long chatId) => _chats.Snapshot(chatId);

    // ---- Waiting ----

    /// <summary>
    /// The newest message from the bot in the chat that is not deleted and matches the predicate, as soon
    /// as one exists. Throws TimeoutException (listing recent calls and the chat's last texts) otherwise.
    /// </summary>
    public async Task<BotMessage> WaitForBotMessageAsync(
        long chatId,
        Func<BotMessage, bool>? predicate = null,
        TimeSpan? timeout = null,
        CancellationToken ct = default)
    {
        BotMessage? found = null;
        var ok = await _changed.WaitAsync(
            () => (found = MessagesIn(chatId).LastOrDefault(m => m.IsFromBot && !m.IsDeleted && (predicate?.Invoke(m) ?? true))) is not null,
            timeout ?? DefaultTimeout,
            ct);
        return ok ? found! : throw TimeoutError(chatId, "a matching bot message");
    }

    /// <summary>Waits until <paramref name="condition"/> holds, re-checking on every request the emulator answers.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct = default)
    {
        if (!await _changed.WaitAsync(condition, timeout, ct))
        {
            throw TimeoutError(null, "the condition");
        }
    }

    /// <summary>True once <paramref name="condition"/> holds, false after <paramref name="timeout"/>; re-checked on every change.</summary>
    public Task<bool> WaitForAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct = default) =>
        _changed.WaitAsync(condition, timeout, ct);

    // ---- For ChatDriver ----

    internal ChangeSignal Changed => _changed;

    internal long CurrentRevision => _chats.CurrentRevision;

    internal int BotActivity(long chatId) => _chats.Activity(chatId);

    internal int BotMessageActivity(long chatId) => _chats.MessageActivity(chatId);

    internal bool IsUpdateDelivered(int updateId) => _updates.IsDelivered(updateId);

    internal CallbackAnswer? FindAnswer(string queryId) => _queries.FindAnswer(queryId);

    internal (Message Message, int UpdateId) SendTextCore(EmulatedUser from, string text, EmulatedChat? chat)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SendUserMessage(from, chat, "text", text, null);
    }

    internal (Message Message, int UpdateId) SendUserMessage(
        EmulatedUser from, EmulatedChat? chat, string kind, string text, Action<Message>? media)
    {
        ArgumentNullException.ThrowIfNull(from);
        BotMessage message;
        lock (_chats.Gate)
        {
            var state = _chats.Find(chat?.Id ?? from.ChatId) ?? throw Error.UnknownChat(nameof(chat));
            var now = _time.GetUtcNow();
            var id = state.NextMessageId++;
            var template = new Message
            {
                Id = id,
                From = from.ToUser(),
                Chat = state.Chat,
                Date = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()).UtcDateTime,
            };
            media?.Invoke(template);
            message = new BotMessage
            {
                ChatId = state.Id,
                MessageId = id,
                IsFromBot = false,
                Kind = kind,
                Text = text,
                RawText = text,
                Entities = kind == "text" ? CommandEntities(text) : [],
                SentAt = now,
                Template = template,
                Revision = _chats.NextRevision(),
            };
            state.Add(message);
        }

        var telegramMessage = message.ToMessage();
        var updateId = _updates.Enqueue("message", id => Serialize(new Update { Id = id, Message = telegramMessage }));
        if (text.Length > 0)
        {
            _userTexts.Enqueue(text);
        }

        _lastUpdateIds[from.Id] = updateId;
        _changed.Notify();
        return (telegramMessage, updateId);
    }

    internal (CallbackQuery Query, int UpdateId) PressCore(
        EmulatedUser from, long chatId, int messageId, Message? fallback, string callbackData)
    {
        ArgumentNullException.ThrowIfNull(from);
        Message message;
        string chatInstance;
        lock (_chats.Gate)
        {
            var chat = _chats.Find(chatId) ?? throw Error.UnknownChat(nameof(chatId));
            var current = chat.Find(messageId);
            if (current?.IsDeleted == true)
            {
                throw Error.PressOnDeletedMessage();
            }

            message = current?.ToMessage() ?? fallback ?? throw Error.UnknownChat(nameof(messageId));
            chatInstance = chat.ChatInstance;
        }

        var query = new CallbackQuery
        {
            Id = _queries.Issue(chatId),
            From = from.ToUser(),
            Message = message,
            ChatInstance = chatInstance,
            Data = callbackData,
        };
        var updateId = _updates.Enqueue("callback_query", id => Serialize(new Update { Id = id, CallbackQuery = query }));
        _lastUpdateIds[from.Id] = updateId;
        _changed.Notify();
        return (query, updateId);
    }

    // Never user ids: test output may be shared. Methods, statuses and the bot's texts only.
    internal TimeoutException TimeoutError(long? chatId, string awaited)
    {
        var text = new StringBuilder($"Timed out waiting for {awaited}.");
        text.Append("\nRecent Bot API calls: ");
        text.AppendJoin(", ", _log.Recent(12).Select(r => r.ToString()));
        if (chatId is { } id)
        {
            text.Append("\nLast bot messages in the chat:");
            foreach (var message in MessagesIn(id).Where(m => m.IsFromBot).TakeLast(5))
            {
                var shown = message.Text.Length > 200 ? message.Text[..200] + "…" : message.Text;
                text.Append("\n  ").Append(message.IsDeleted ? "[deleted] " : "").Append(shown);
            }
        }

        return new TimeoutException(text.ToString());
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, _options.Port);
            kestrel.AddServerHeader = false;
        });
        if (_options.Logging)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information)
                .AddFilter("Microsoft", LogLevel.Warning);
        }

        _app = builder.Build();
        var logger = _options.Logging
            ? _app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<BotApiEmulator>()
            : (ILogger)NullLogger.Instance;
        var chatMessages = new MessageMethods(_chats, _time, _bot);
        var methods = new MethodTable(chatMessages, _updateMethods, new BotMethods(_bot, _queries, _chats), new CommandStore());
        _rateLimits = new RateLimits(_options);
        _endpoint = new BotApiEndpoint(Token, methods, _faults, _outage, _rateLimits, _log, _time, logger);
        _app.Run(_endpoint.HandleAsync);
        await _app.StartAsync(ct);

        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.First();
        BaseUrl = address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
    }

    private void SetBlocked(long chatId, bool blocked)
    {
        lock (_chats.Gate)
        {
            (_chats.Find(chatId) ?? throw Error.UnknownChat(nameof(chatId))).Blocked = blocked;
        }
    }

    // Telegram marks a leading /command (with an optional @botname) as a bot_command entity.
    private static List<MessageEntity> CommandEntities(string text)
    {
        if (!text.StartsWith('/'))
        {
            return [];
        }

        var end = 1;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '_' or '@'))
        {
            end++;
        }

        return end > 1 ? [new MessageEntity { Type = MessageEntityType.BotCommand, Offset = 0, Length = end }] : [];
    }

    private static string NewChatInstance() =>
        (BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)) >> 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Serialize<T>(T value) => JsonSerializer.Serialize(value, JsonBotAPI.Options);

    [GeneratedRegex(@"^\d{1,15}:[A-Za-z0-9_-]{30,}$")]
    private static partial Regex TokenShape();
}
