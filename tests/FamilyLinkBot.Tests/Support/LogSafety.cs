using System.Globalization;
using FamilyLinkBot.Testing;

namespace FamilyLinkBot.Tests.Support;

/// <summary>
/// The shared log-safety net: no Telegram id, name, username, message text or bot token of the run may appear in
/// any captured log line at any level (docs/DESIGN.md#2-data-classification).
/// </summary>
public static class LogSafety
{
    public static void AssertClean(LogSink logs, BotApiEmulator emulator, IEnumerable<string>? extraSecrets = null)
    {
        var text = logs.AllText;
        Assert.DoesNotContain(emulator.Token, text);
        Assert.DoesNotContain(emulator.Token.Split(':')[1], text);
        foreach (var user in emulator.Users)
        {
            Assert.False(text.Contains(user.Id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal), "a Telegram user id is in the logs");
            foreach (var name in new[] { user.FirstName, user.LastName, user.Username })
            {
                if (name is { Length: >= 5 }) // shorter ones ("Test") are ordinary words in log lines
                {
                    Assert.False(text.Contains(name, StringComparison.Ordinal), "a Telegram name is in the logs");
                }
            }
        }

        foreach (var sent in emulator.UserTexts.Concat(extraSecrets ?? []))
        {
            if (sent.Length >= 6 && !sent.StartsWith('/'))
            {
                Assert.False(text.Contains(sent, StringComparison.Ordinal), "a message text is in the logs");
            }
        }
    }
}
