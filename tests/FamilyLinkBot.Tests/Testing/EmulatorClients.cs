using System.Text;
using FamilyLinkBot.Testing;
using Telegram.Bot;

namespace FamilyLinkBot.Tests.Testing;

// The real Telegram.Bot client pointed at an emulator, and a raw HTTP helper for requests the client would never make.
internal static class EmulatorClients
{
    public static TelegramBotClient Client(BotApiEmulator emulator, bool retryOn429 = false) =>
        new(retryOn429
            ? new TelegramBotClientOptions(emulator.Token, emulator.BaseUrl)
            : new TelegramBotClientOptions(emulator.Token, emulator.BaseUrl) { RetryThreshold = 0, RetryCount = 0 });

    public static async Task<(int Status, string Body)> PostJsonAsync(BotApiEmulator emulator, string method, string json, string? token = null)
    {
        using var http = new HttpClient();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri($"{emulator.BaseUrl}/bot{token ?? emulator.Token}/{method}"), content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
