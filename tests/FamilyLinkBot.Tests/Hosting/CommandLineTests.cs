using FamilyLinkBot.Hosting;
using FamilyLinkBot.Monitoring;

namespace FamilyLinkBot.Tests.Hosting;

/// <summary>Which arguments start the bot, which run a sub-command, and which are refused with the usage.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData]
    [InlineData("--Telegram:Mode=Webhook")]
    [InlineData("--Delivery:MessagesPerSecond", "20")]
    [InlineData("--environment", "Production")]
    [InlineData("--News:Feeds:0:Url=https://example.org/rss", "Admins:UserIds:0=42")]
    [InlineData("/Storage:ConnectionString=Data Source=x.db")]
    public void ConfigurationOverridesRunTheBot(params string[] args) =>
        Assert.Equal(CommandKind.Run, CommandLine.Parse(args).Kind);

    [Theory]
    [InlineData("status")]
    [InlineData("start")]
    [InlineData("--hlep")]
    [InlineData("--verbose")]
    [InlineData("-v")]
    [InlineData("--Unknown:Key=1")]
    [InlineData("--Telegram")]
    [InlineData("--Telegram:Mode=Webhook", "extra")]
    [InlineData("check", "--verbose")]
    [InlineData("keygen", "a.key", "b.key")]
    [InlineData("rotate-key", "--new")]
    [InlineData("migrate-to-postgres", "--from")]
    [InlineData("migrate-to-postgres", "--from", "--Storage:Provider=PostgreSQL")]
    [InlineData("migrate-to-postgres", "data/familylinkbot.db")]
    [InlineData("check", "--Sandbox:ListenUrl=http://127.0.0.1:1")]
    public void AnythingElseIsRefused(params string[] args)
    {
        var parsed = CommandLine.Parse(args);

        Assert.Equal(CommandKind.Invalid, parsed.Kind);
        Assert.False(string.IsNullOrWhiteSpace(parsed.Problem));
    }

    [Theory]
    [InlineData("check")]
    [InlineData("check", "--Storage:ConnectionString=Data Source=x.db")]
    [InlineData("keygen")]
    [InlineData("keygen", "new.key")]
    [InlineData("rotate-key", "--new", "new.key", "--Crypto:MasterKeyPath=old.key")]
    [InlineData("sandbox", "--Sandbox:ListenUrl=http://127.0.0.1:5081")]
    [InlineData("migrate-to-postgres", "--from", "data/familylinkbot.db")]
    [InlineData("migrate-to-postgres", "--from", "data/familylinkbot.db", "--Storage:Provider=PostgreSQL", "--Storage:ConnectionString", "Host=db;Database=flb")]
    public void KnownSubCommandsWithTheirOptionsRun(params string[] args)
    {
        var parsed = CommandLine.Parse(args);

        Assert.Equal(CommandKind.SubCommand, parsed.Kind);
        Assert.Equal(args[0], parsed.SubCommand);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("check", "--help")]
    public void HelpIsHelp(params string[] args) => Assert.Equal(CommandKind.Help, CommandLine.Parse(args).Kind);

    [Fact]
    public void ALongUnknownArgumentIsNotEchoedWhole()
    {
        var pasted = "123456:" + new string('S', 40);

        Assert.DoesNotContain(pasted, CommandLine.Parse([pasted]).Problem);
    }

    [Theory]
    [InlineData("https://api.telegram.org/bot123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/sendMessage", "sendMessage")]
    [InlineData("http://127.0.0.1:8081/bot123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/getUpdates", "getUpdates")]
    [InlineData("http://127.0.0.1:8081/bot123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "other")]
    [InlineData("http://127.0.0.1:8081/bot123456:AAAA/send_Message1", "other")]
    public void MetricsTakeOnlyTheMethodNameFromABotApiUrl(string url, string method) =>
        Assert.Equal(method, TelegramCallRecorder.MethodOf(new Uri(url)));
}
