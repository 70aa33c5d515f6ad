using FamilyLinkBot.Crypto;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Tests.Support;
using Telegram.Bot.Types.Enums;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>Korean word case codes (issue 18) over the emulator: what a family receives and what a caseworker may type.</summary>
public sealed class KoreanCaseCodeTests : CaseworkerTestBase
{
    private const string Alias = "미래";

    [Fact]
    public async Task KoreanFamilyGetsAWordCodeThatOpensTheCaseHoweverItIsTyped()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator, "한국어");
        var code = await RegisterInKoreanAsync(family);

        var words = code.Split(' ');
        Assert.Equal(CaseWordCode.WordCount, words.Length);
        Assert.All(words, w => Assert.Contains(w, CaseWordList.Shared.Words));
        var shown = family.LastReply();
        Assert.True(shown.ProtectContent);
        Assert.Contains(shown.Entities, e => e.Type == MessageEntityType.Code && shown.Text.Substring(e.Offset, e.Length) == code);
        var cases = await family.Says("/cases");
        Assert.Contains(CaseFlowTests.Ko("code_form.words"), cases.Text);
        Assert.DoesNotContain(code, cases.Text);

        var caseworker = await CaseworkerAsync();
        var first = await caseworker.Says("/case " + code.Replace(" ", ""));
        Assert.Contains(Alias, first.Text);
        var reference = ReferencePattern().Match(first.Text).Value;
        Assert.Contains(Alias, (await caseworker.Says("/case " + code.Replace(' ', '-'))).Text);
        Assert.Contains(Alias, (await caseworker.Says("/case " + Misspelt(words, 2))).Text);
        Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(En("cw.not_found"), (await caseworker.Says("/case " + Misspelt(words, 1, 4))).Text);

        // /status and /reply find where the code ends, typed joined or hyphenated, and keep the rest.
        var done = await caseworker.Says("/status " + code.Replace(" ", "") + " located 투먼에서 확인했어요");
        Assert.Equal(EnF("cw.status.done", ("ref", reference), ("status", En("status.located"))), done.Text);
        var replied = await caseworker.Says("/reply " + code.Replace(' ', '-') + " 어머님, 곧 연락드릴게요");
        Assert.Equal(EnF("cw.reply.done", ("ref", reference)), replied.Text);
        var before = Emulator.MessagesIn(caseworker.ChatId).Count;
        await caseworker.Says("/case " + Misspelt(words, 6));
        var shownNow = Emulator.MessagesIn(caseworker.ChatId).Skip(before).ToList();
        Assert.Contains(shownNow, m => m.Text.Contains(En("status.located"), StringComparison.Ordinal) && m.Text.Contains("투먼에서 확인했어요", StringComparison.Ordinal));
        Assert.Contains(shownNow, m => m.Text.Contains("어머님, 곧 연락드릴게요", StringComparison.Ordinal));

        // The code, in any form it was typed, never reaches a log line.
        LogSafety.AssertClean(Bot.Logs, Emulator, [code, code.Replace(" ", ""), code.Replace(' ', '-'), .. words]);
    }

    [Fact]
    public async Task EnglishFamilyKeepsLettersAndItsOldCodeWorksUntilItSwitchesToWords()
    {
        var family = await CaseFlowTests.OnboardAsync(Emulator);
        var letters = await CaseFlowTests.RegisterAsync(family, Alias);
        Assert.StartsWith("FL-", letters, StringComparison.Ordinal);

        // The family moves to Korean: the case keeps its FL- code, which still opens it.
        await family.Says("/language");
        await family.Presses("한국어");
        var cases = await family.Says("/cases");
        Assert.Contains(CaseFlowTests.Ko("code_form.letters"), cases.Text);
        var caseworker = await CaseworkerAsync();
        Assert.Contains(Alias, (await caseworker.Says("/case " + letters)).Text);

        // "New code" offers the other form; the word code replaces the FL- code at once.
        var prompt = await family.Presses(CaseFlowTests.Ko("button.new_token"));
        Assert.Contains(CaseFlowTests.Ko("code_form.letters"), prompt.Text);
        await family.Presses(CaseFlowTests.Ko("button.new_code_words"));
        var code = CaseFlowTests.TokenIn(family.LastReply());
        Assert.Equal(CaseWordCode.WordCount, code.Split(' ').Length);
        Assert.Contains(CaseFlowTests.Ko("code_form.words"), (await family.Says("/cases")).Text);
        Assert.Equal(En("cw.not_found"), (await caseworker.Says("/case " + letters)).Text);
        Assert.Contains(Alias, (await caseworker.Says("/case " + code)).Text);

        // And back: the same-form button keeps words, the switch button gives letters again.
        await family.Presses(CaseFlowTests.Ko("button.new_token"));
        await family.Presses(CaseFlowTests.Ko("button.make_new_token"));
        var again = CaseFlowTests.TokenIn(family.LastReply());
        Assert.Equal(CaseWordCode.WordCount, again.Split(' ').Length);
        Assert.NotEqual(code, again);
        await family.Says("/cases");
        await family.Presses(CaseFlowTests.Ko("button.new_token"));
        await family.Presses(CaseFlowTests.Ko("button.new_code_letters"));
        var back = CaseFlowTests.TokenIn(family.LastReply());
        Assert.StartsWith("FL-", back, StringComparison.Ordinal);
        Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(En("cw.not_found"), (await caseworker.Says("/case " + again)).Text);
        Assert.Contains(Alias, (await caseworker.Says("/case " + back)).Text);
    }

    [Fact]
    public async Task EnglishAndChineseFamiliesStillGetLettersCodes()
    {
        var english = await CaseFlowTests.OnboardAsync(Emulator);
        Assert.Matches("^FL-[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$", await CaseFlowTests.RegisterAsync(english, Alias));
        var cases = await english.Says("/cases");
        Assert.Contains(En("code_form.letters"), cases.Text);

        var chinese = await CaseFlowTests.OnboardAsync(Emulator, "中文");
        await chinese.Says("/register");
        await chinese.Says("1");
        await chinese.Says(Alias);
        await chinese.Says("2");
        await chinese.Says("图们");
        await chinese.Says("2026-03");
        await chinese.Presses(FirstContactTests.Rendered(Texts.Shared.Get(Language.Zh, "button.confirm")));
        Assert.StartsWith("FL-", CaseFlowTests.TokenIn(chinese.LastReply()), StringComparison.Ordinal);
    }

    private static async Task<string> RegisterInKoreanAsync(ChatDriver family)
    {
        await family.Says("/register");
        await family.Says("2");                               // Child, typed as its number
        await family.Says(Alias);
        await family.Says("2");                               // Jilin
        await family.Says("투먼");
        await family.Says("2026-03");
        await family.Presses(CaseFlowTests.Ko("button.confirm"));
        var code = CaseFlowTests.TokenIn(family.LastReply());
        Assert.NotEmpty(code);
        return code;
    }

    // The words with one vowel changed in each chosen word, such that the list corrects it back (and only to it).
    private static string Misspelt(string[] words, params int[] which)
    {
        var result = (string[])words.Clone();
        foreach (var i in which)
        {
            result[i] = Typo(words[i]);
        }

        return string.Join(' ', result);
    }

    private static string Typo(string word)
    {
        var list = CaseWordList.Shared;
        var index = list.Words.ToList().IndexOf(word);
        for (var position = word.Length - 1; position >= 0; position--)
        {
            var offset = word[position] - 0xAC00;
            for (var vowel = 0; vowel < 21; vowel++)
            {
                var syllable = (char)(0xAC00 + (offset / 588 * 588) + (vowel * 28) + (offset % 28));
                var typo = word[..position] + syllable + word[(position + 1)..];
                if (typo != word && list.Match(typo, out var exact) == index && !exact)
                {
                    return typo;
                }
            }
        }

        throw new InvalidOperationException("No correctable typo for a list word.");
    }
}
