using System.Globalization;
using System.Security.Cryptography;

namespace FamilyLinkBot.Testing;

// Button presses sent to the bot and the bot's answers. Telegram accepts one answer per query,
// and none after the query has expired.
internal sealed class CallbackQueries(TimeProvider time)
{
    // The brief's expiry for unanswered queries; Telegram's own is undocumented and shorter in practice.
    private static readonly TimeSpan Expiry = TimeSpan.FromMinutes(15);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, IssuedCallbackQuery> _issued = [];
    private readonly List<CallbackAnswer> _answers = [];

    public IReadOnlyList<CallbackAnswer> Answers
    {
        get
        {
            lock (_gate)
            {
                return [.. _answers];
            }
        }
    }

    public string Issue(long chatId)
    {
        lock (_gate)
        {
            string id;
            do
            {
                // Telegram's ids are decimal 64-bit numbers in a string.
                id = (BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 1).ToString(CultureInfo.InvariantCulture);
            }
            while (_issued.ContainsKey(id));

            _issued[id] = new IssuedCallbackQuery(id, chatId, time.GetUtcNow());
            return id;
        }
    }

    public CallbackAnswer Answer(string queryId, string? text, bool showAlert, string? url, int? cacheTime)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (!_issued.TryGetValue(queryId, out var query) || query.Answered || now - query.IssuedAt > Expiry)
            {
                throw Error.QueryIdInvalid();
            }

            if (text?.Length > 200)
            {
                throw Error.CallbackAnswerTooLong();
            }

            query.Answered = true;
            var answer = new CallbackAnswer(queryId, query.ChatId, text, showAlert, url, cacheTime, now);
            _answers.Add(answer);
            return answer;
        }
    }

    public CallbackAnswer? FindAnswer(string queryId)
    {
        lock (_gate)
        {
            return _answers.Find(a => a.CallbackQueryId == queryId);
        }
    }
}
