using FamilyLinkBot.Testing;

namespace FamilyLinkBot.Tests.Testing;

// The conversation driver against a tiny polling bot running on the real client.
public sealed class ChatDriverTests
{
    [Fact]
    public async Task SaysReturnsTheReplyWithTypedTextIntact()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        await using var bot = new EchoBot(emulator);
        var family = emulator.Driver(emulator.CreateUser());

        var reply = await family.Says("hello <b>&");

        Assert.Equal("You said: hello <b>&", reply.Text);
        Assert.Equal(["Yes", "No"], family.ButtonLabels(reply));
        Assert.Same(reply, family.LastReply());
    }

    [Fact]
    public async Task PressesAButtonAndReturnsTheEditedMessage()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        await using var bot = new EchoBot(emulator);
        var family = emulator.Driver(emulator.CreateUser());
        await family.Says("question");

        var edited = await family.Presses("Yes");
        await family.Says("again");
        var caseInsensitive = await family.Presses("no");

        Assert.Equal("You chose yes", edited.Text);
        Assert.Equal(1, edited.EditCount);
        Assert.Empty(edited.ButtonLabels);
        Assert.Equal("You chose no", caseInsensitive.Text);
        Assert.Equal(2, emulator.CallbackAnswers.Count);
    }

    [Fact]
    public async Task PressesAnUnknownLabelListsTheButtonsShown()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        await using var bot = new EchoBot(emulator);
        var family = emulator.Driver(emulator.CreateUser());
        await family.Says("question");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => family.Presses("Maybe"));

        Assert.Contains("\"Yes\", \"No\"", error.Message);
    }

    [Fact]
    public async Task PressesRawWithForgedDataReturnsTheBotsAnswer()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        await using var bot = new EchoBot(emulator);
        var family = emulator.Driver(emulator.CreateUser());
        var reply = await family.Says("question");

        var answer = await family.PressesRaw(reply, "case:999:close");

        Assert.Equal("This button has expired", answer.Text);
        Assert.Equal("You said: question", family.LastReply().Text);
    }

    [Fact]
    public async Task SaysNothingExpectedReturnsOnceTheBotHasTakenTheUpdate()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        await using var bot = new EchoBot(emulator);
        var family = emulator.Driver(emulator.CreateUser());

        await family.SaysNothingExpected("/quiet");

        Assert.Empty(family.Replies);
    }

    [Fact]
    public async Task SaysWaitsForAReplyOfSeveralMessages()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        await using var bot = new EchoBot(emulator);
        var family = emulator.Driver(emulator.CreateUser());

        var last = await family.Says("/two");

        Assert.Equal("second", last.Text);
        Assert.Equal(["first", "second"], family.Replies.Select(m => m.Text));
    }

    [Fact]
    public async Task SaysTimesOutWithoutPrintingTheUserId()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        await using var bot = new EchoBot(emulator);
        var user = emulator.CreateUser();
        var family = new ChatDriver(emulator, user) { Timeout = TimeSpan.FromMilliseconds(300) };

        var error = await Assert.ThrowsAsync<TimeoutException>(() => family.Says("/quiet"));

        Assert.Contains("a reply to \"/quiet\"", error.Message);
        Assert.Contains("getUpdates", error.Message);
        Assert.DoesNotContain(user.Id.ToString(), error.Message);
    }

    [Fact]
    public async Task DriversOfTwoUsersSeeOnlyTheirOwnChat()
    {
        await using var emulator = await BotApiEmulator.StartAsync();
        await using var bot = new EchoBot(emulator);
        var family = emulator.Driver(emulator.CreateUser());
        var caseworker = emulator.Driver(emulator.CreateUser("Case", languageCode: "en"));

        await family.Says("from the family");
        await caseworker.Says("from the caseworker");

        Assert.Equal(["You said: from the family"], family.Replies.Select(m => m.Text));
        Assert.Equal(["You said: from the caseworker"], caseworker.Replies.Select(m => m.Text));
    }
}
