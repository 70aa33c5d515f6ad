using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>Defects a security review found (issue 13), each driven the way a family, caseworker or operator meets it.</summary>
public sealed class SecurityReviewTests : CaseworkerTestBase
{
    [Fact]
    public async Task ANewTokenEndsTheOldFollowerUntilTheyOpenTheCaseWithTheNewOne()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        var oldToken = await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        var oldFollower = await CaseworkerAsync();
        var colleague = await CaseworkerAsync();
        var reference = ReferencePattern().Match((await oldFollower.Says("/case " + oldToken)).Text).Value;
        Assert.Contains(reference, (await oldFollower.Says("/mycases")).Text);

        await family.Says("/cases");
        await family.Presses(En("button.new_token"));
        await family.Presses(En("button.make_new_token"));
        var newToken = CaseFlowTests.TokenIn(family.LastReply());

        Assert.DoesNotContain(reference, (await oldFollower.Says("/mycases")).Text);
        await SendToCaseworkerAsync(family, "First after the new token");
        await NextInAsync(colleague, m => m.Text.Contains("First after the new token", StringComparison.Ordinal));

        // Opened again with the new token, the case is theirs to follow again.
        Assert.Contains(reference, (await oldFollower.Says("/case " + newToken)).Text);
        Assert.Contains(reference, (await oldFollower.Says("/mycases")).Text);
        await SendToCaseworkerAsync(family, "Second after the new token");
        await NextInAsync(oldFollower, m => m.Text.Contains("Second after the new token", StringComparison.Ordinal));
        // The /case view shows the conversation so far; the relayed copy of the first message never reached them.
        var firstCopy = EnF("cw.relay.from_family", ("ref", reference), ("text", "First after the new token"));
        Assert.Contains(Emulator.MessagesIn(colleague.ChatId), m => m.Text == firstCopy);
        Assert.DoesNotContain(Emulator.MessagesIn(oldFollower.ChatId), m => m.Text == firstCopy);
    }

    [Fact]
    public async Task TypedAnswersToRegisterStepsDisappearLikePressedOnes()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        await family.Says("/register");
        await family.Says("Spouse");
        await family.Says("Mi-rae");
        await family.Says("Liaoning");
        await family.Says("Skip");
        await family.Says("Unknown");
        Assert.Contains("Mi-rae", family.LastReply().Text);

        var typed = Emulator.MessagesIn(family.ChatId).Where(m => !m.IsFromBot && m.Text is "Spouse" or "Mi-rae" or "Liaoning" or "Skip" or "Unknown").ToList();
        Assert.Equal(5, typed.Count);
        foreach (var message in typed)
        {
            Assert.NotNull(await ExpiryAsync(family, message.MessageId));
        }

        // Past the family's timer they are gone from the phone, typed choices included.
        Time.Advance(TimeSpan.FromHours(25));
        await Emulator.WaitUntilAsync(() => typed.All(m => Emulator.MessagesIn(family.ChatId).Single(s => s.MessageId == m.MessageId).IsDeleted), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task CaseworkersCopiesOfRelayedTextFollowTheFamilysTimerNotTheirOwn()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        var token = await CaseFlowTests.RegisterAsync(family, "Mi-rae");
        await family.Says("/privacy");
        await family.Presses(En("button.timer_1h"));
        var caseworker = await CaseworkerAsync();
        await caseworker.Says("/privacy");
        await caseworker.Presses(En("button.timer_off"));
        await caseworker.Says("/case " + token);

        var sentAt = Time.GetUtcNow().ToUnixTimeSeconds();
        await SendToCaseworkerAsync(family, FamilyText);
        var copy = await NextInAsync(caseworker, m => m.Text.Contains(FamilyText, StringComparison.Ordinal));

        // The send's outcome (and with it the tracking row) is committed a moment after the message arrives.
        long? expires = null;
        await Emulator.WaitUntilAsync(() => (expires = ExpiryAsync(caseworker, copy.MessageId).GetAwaiter().GetResult()) is not null, TimeSpan.FromSeconds(10));
        Assert.NotNull(expires);
        Assert.InRange(expires.Value - sentAt, 3600, 3600 + 60);
    }

    private static async Task SendToCaseworkerAsync(ChatDriver family, string text)
    {
        await family.Says("/cases");
        await family.Presses(En("button.message_caseworker"));
        Assert.Equal(En("relay.sent"), (await family.Says(text)).Text);
    }
}
