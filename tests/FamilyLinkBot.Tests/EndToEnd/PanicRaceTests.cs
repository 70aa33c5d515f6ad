using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>
/// /panic sent the instant a message arrives (docs/DESIGN.md#6-disappearing-messages-and-discreet-notifications): the send's outcome may not be recorded yet, since outcomes are
/// committed in groups, and /panic must still take the message off the phone.
/// </summary>
public sealed class PanicRaceTests : EmulatedBotTest
{
    private const int Families = 12;

    protected override IReadOnlyList<string> SecretTexts => ["Mi-rae", "Tumen detention centre"];

    [Fact]
    public async Task PanicTheMomentTheCodeArrivesDeletesItForEveryFamily()
    {
        var families = new List<ChatDriver>();
        for (var i = 0; i < Families; i++)
        {
            var family = await CaseFlowTests.OnboardAsync(Emulator);
            await family.Says("/register");
            await family.Presses("Child");
            await family.Says("Mi-rae");
            await family.Presses("Jilin");
            await family.Says("Tumen detention centre");
            await family.Says("2026-03");
            families.Add(family);
        }

        var codes = await Task.WhenAll(families.Select(async family =>
        {
            var confirmed = family.Presses("Confirm");
            // The frightened family's thumb: /panic the moment the code shows, before anything else happens.
            await Emulator.WaitUntilAsync(() => CodeIn(family) is not null, TimeSpan.FromSeconds(20));
            var code = CodeIn(family)!;
            Emulator.SendText(family.User, "/panic");
            await ((Task)confirmed).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return (family, code);
        }));

        foreach (var (family, code) in codes)
        {
            await Emulator.WaitUntilAsync(
                () => Emulator.MessagesIn(family.ChatId).Single(m => m.MessageId == code.MessageId).IsDeleted,
                TimeSpan.FromSeconds(15));
        }

        Assert.All(codes, c => Assert.DoesNotContain(
            Emulator.MessagesIn(c.family.ChatId), m => !m.IsDeleted && CaseFlowTests.TokenIn(m).Length > 0));
    }

    private BotMessage? CodeIn(ChatDriver family) =>
        Emulator.MessagesIn(family.ChatId).FirstOrDefault(m => m.IsFromBot && CaseFlowTests.TokenIn(m).Length > 0);
}
