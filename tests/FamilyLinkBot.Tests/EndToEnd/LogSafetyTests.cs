using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Sdk;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>The shared log-safety net itself: it must catch each kind of leak it promises to catch.</summary>
public sealed class LogSafetyTests : IAsyncLifetime
{
    private BotApiEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await BotApiEmulator.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public void CleanLogsPass()
    {
        _emulator.CreateUser(firstName: "Young-hee");
        LogSafety.AssertClean(Logged("Update 17 of chat 3a0e8a7a handled."), _emulator);
    }

    [Fact]
    public void UserIdInALogIsCaught()
    {
        var user = _emulator.CreateUser();
        Assert.ThrowsAny<XunitException>(() => LogSafety.AssertClean(Logged($"chat {user.Id} failed"), _emulator));
    }

    [Fact]
    public void NameInALogIsCaught()
    {
        _emulator.CreateUser(firstName: "Young-hee");
        Assert.ThrowsAny<XunitException>(() => LogSafety.AssertClean(Logged("hello Young-hee"), _emulator));
    }

    [Fact]
    public void MessageTextInALogIsCaught()
    {
        var user = _emulator.CreateUser();
        _emulator.SendText(user, "my daughter Mi-rae in Tumen");
        Assert.ThrowsAny<XunitException>(() => LogSafety.AssertClean(Logged("text was: my daughter Mi-rae in Tumen"), _emulator));
    }

    [Fact]
    public void TokenOrKeyInALogIsCaught()
    {
        Assert.ThrowsAny<XunitException>(() => LogSafety.AssertClean(Logged("POST /bot" + _emulator.Token + "/sendMessage"), _emulator));
        Assert.ThrowsAny<XunitException>(() => LogSafety.AssertClean(Logged("key=c2VjcmV0LWtleS1tYXRlcmlhbA=="), _emulator, ["c2VjcmV0LWtleS1tYXRlcmlhbA=="]));
    }

    private static LogSink Logged(string line)
    {
        var sink = new LogSink();
        sink.CreateLogger("Test").LogInformation("{Line}", line);
        return sink;
    }
}
