using FamilyLinkBot.Delivery;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;

namespace FamilyLinkBot.Tests.Delivery;

/// <summary>Families for broadcast tests: emulator users with chat rows written through the real repository.</summary>
internal static class Recipients
{
    public static async Task<List<EmulatedUser>> SeedAsync(
        BotApiEmulator emulator, Database database, ChatStore chats, int count, Language language = Language.Ko)
    {
        var users = new List<EmulatedUser>(count);
        await using var db = await database.BeginAsync();
        for (var i = 0; i < count; i++)
        {
            var user = emulator.CreateUser(languageCode: language.Code());
            using var chat = await chats.CreateAsync(db, user.ChatId, DateTimeOffset.UtcNow, CancellationToken.None);
            await chats.SetLanguageAsync(db, chat, language, CancellationToken.None);
            users.Add(user);
        }

        await db.CommitAsync();
        return users;
    }

    /// <summary>Starts a broadcast as the Send button does, without an admin chat (no progress message).</summary>
    public static async Task<long> StartBroadcastAsync(Database database, BroadcastStore store, BroadcastRunner runner, string text, Audience audience)
    {
        await using var db = await database.BeginAsync();
        var id = await store.CreateAsync(db, text, audience, null, DateTimeOffset.UtcNow, CancellationToken.None);
        await db.CommitAsync();
        runner.Wake();
        return id;
    }

    public static async Task<BroadcastInfo> InfoAsync(TestBot bot, long id)
    {
        await using var db = await bot.Service<Database>().BeginAsync();
        return (await bot.Service<BroadcastStore>().GetAsync(db, id, CancellationToken.None))!;
    }

    public static int Received(BotApiEmulator emulator, EmulatedUser user, string marker) =>
        emulator.MessagesIn(user.ChatId).Count(m => m.IsFromBot && m.Text.Contains(marker, StringComparison.Ordinal));
}
