using System.Text.RegularExpressions;
using FamilyLinkBot.Resources;

namespace FamilyLinkBot.Tests.Resources;

/// <summary>The ko, en and zh strings: complete, consistent, valid for Telegram, and every key the code uses exists.</summary>
public sealed partial class TextsTests
{
    private static readonly Texts Texts = Texts.Shared;

    public static TheoryData<string> EnglishKeys() => [.. Texts.Keys(Language.En).Order()];

    [Fact]
    public void EveryLanguageHasTheSameKeys()
    {
        var english = Texts.Keys(Language.En).ToHashSet();
        foreach (var language in LanguageCodes.All)
        {
            var keys = Texts.Keys(language).ToHashSet();
            Assert.Empty(english.Except(keys).Select(k => $"{language.Code()} lacks {k}"));
            Assert.Empty(keys.Except(english).Select(k => $"{language.Code()} has extra {k}"));
        }
    }

    [Theory]
    [MemberData(nameof(EnglishKeys))]
    public void PlaceholdersAreTheSameInEveryLanguage(string key)
    {
        var expected = Placeholders(Texts.Get(Language.En, key));
        foreach (var language in LanguageCodes.All)
        {
            Assert.Equal(expected, Placeholders(Texts.Get(language, key)));
        }
    }

    [Theory]
    [MemberData(nameof(EnglishKeys))]
    public void KoreanAndChineseAreWrittenInTheirOwnScript(string key)
    {
        if (key == "lang.name" || !AsciiWord().IsMatch(Plain(Texts.Get(Language.En, key))))
        {
            return;
        }

        Assert.Matches(Hangul(), Texts.Get(Language.Ko, key));
        Assert.Matches(Han(), Texts.Get(Language.Zh, key));
    }

    [Theory]
    [MemberData(nameof(EnglishKeys))]
    public void StringsUseOnlyBalancedTelegramTags(string key)
    {
        foreach (var language in LanguageCodes.All)
        {
            var text = Texts.Get(language, key);
            var open = new Stack<string>();
            foreach (Match tag in Tag().Matches(text))
            {
                var name = tag.Groups["name"].Value;
                Assert.Contains(name, new[] { "b", "i", "code", "u" });
                if (tag.Groups["close"].Success)
                {
                    Assert.Equal(name, open.Pop());
                }
                else
                {
                    open.Push(name);
                }
            }

            Assert.Empty(open);
            Assert.DoesNotMatch(BareAmpersand(), text);
        }
    }

    [Theory]
    [MemberData(nameof(EnglishKeys))]
    public void TagsAreTheSameInEveryLanguage(string key)
    {
        var expected = Tags(Texts.Get(Language.En, key));
        foreach (var language in LanguageCodes.All)
        {
            Assert.True(expected.SequenceEqual(Tags(Texts.Get(language, key))), $"{language.Code()} {key}: tags differ from English");
        }
    }

    [Theory]
    [MemberData(nameof(EnglishKeys))]
    public void KoreanAndChineseHaveNoLatinWordsButCommandsUrlsAndTelegram(string key)
    {
        foreach (var language in new[] { Language.Ko, Language.Zh })
        {
            var words = LatinWord().Matches(Plain(Url().Replace(Code().Replace(Texts.Get(language, key), ""), "")))
                .Select(m => m.Value)
                .Where(w => w != "Telegram")
                .ToList();
            Assert.True(words.Count == 0, $"{language.Code()} {key}: {string.Join(", ", words)}");
        }
    }

    public static TheoryData<string> ButtonKeys() =>
        [.. Texts.Keys(Language.En).Where(IsButtonLabel).Order()];

    [Theory]
    [MemberData(nameof(ButtonKeys))]
    public void ButtonLabelsFitAPhone(string key)
    {
        // A case row holds three buttons, a region row two: past this they are cut off on a phone.
        var korean = Texts.Get(Language.Ko, key);
        var chinese = Texts.Get(Language.Zh, key);
        Assert.True(Hangul().Count(korean) <= 12, $"ko {key}: \"{korean}\" has more than 12 Hangul syllables");
        Assert.True(Han().Count(chinese) <= 8, $"zh {key}: \"{chinese}\" has more than 8 Han characters");
    }

    [Fact]
    public void ButtonLabelsAreFoundByTheirKeys()
    {
        // The button-length theory is only as good as the keys it sees: the keys the code passes as labels must be in it.
        string[] used = ["button.confirm", "button.message_caseworker", "button.new_token", "button.close_case", "button.discreet",
            "region.heilongjiang", "relation.other", "menu.register", "cw.button.reply", "topic.repatriation", "subscribe.case_regions"];
        Assert.All(used, key => Assert.True(IsButtonLabel(key) && Texts.Has(Language.Ko, key), key));
    }

    [Fact]
    public void NoStringTypesALimitThatAPlaceholderShouldCarry()
    {
        // Limits come from the code ({limit}); a typed "3,000" or "100자" would go stale when the limit changes.
        foreach (var language in LanguageCodes.All)
        {
            foreach (var key in Texts.Keys(language))
            {
                Assert.DoesNotMatch(TypedLimit(), Texts.Get(language, key));
            }
        }
    }

    [Fact]
    public void OneNameForTheCaseCodeOnBothSides()
    {
        foreach (var key in Texts.Keys(Language.En))
        {
            Assert.DoesNotMatch("(?i)token", Placeholder().Replace(Texts.Get(Language.En, key), ""));
            Assert.DoesNotContain("토큰", Texts.Get(Language.Ko, key), StringComparison.Ordinal);
            Assert.DoesNotContain("令牌", Texts.Get(Language.Zh, key), StringComparison.Ordinal);
            Assert.DoesNotContain("个案码", Texts.Get(Language.Zh, key), StringComparison.Ordinal);
        }

        Assert.Contains("조회 코드", Texts.Get(Language.Ko, "reg.token"), StringComparison.Ordinal);
        Assert.Contains("case code", Texts.Get(Language.En, "reg.token"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("查询码", Texts.Get(Language.Zh, "reg.token"), StringComparison.Ordinal);
    }

    private static bool IsButtonLabel(string key) =>
        key.StartsWith("button.", StringComparison.Ordinal)
        || key.Contains(".button.", StringComparison.Ordinal)
        || (key.StartsWith("menu.", StringComparison.Ordinal) && key != "menu.title")
        || key.StartsWith("relation.", StringComparison.Ordinal)
        || key.StartsWith("region.", StringComparison.Ordinal)
        || key.StartsWith("topic.", StringComparison.Ordinal)
        || key is "subscribe.case_regions" or "feeds.remove" or "broadcast.stop_button" or "lang.name";

    private static List<string> Tags(string text) => [.. Tag().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal)];

    [Fact]
    public void EveryKeyTheCodeNamesExists()
    {
        var prefixes = Texts.Keys(Language.En).Select(k => k.Split('.')[0]).ToHashSet();
        var missing = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "src"), "*.cs", SearchOption.AllDirectories))
        {
            foreach (Match literal in KeyLiteral().Matches(File.ReadAllText(file)))
            {
                var key = literal.Groups["key"].Value;
                if (prefixes.Contains(key.Split('.')[0]) && !Texts.Has(Language.En, key) && !key.EndsWith('.') && !key.EndsWith('_')) // a prefix completed at run time
                {
                    missing.Add($"{Path.GetFileName(file)}: {key}");
                }
            }
        }

        Assert.Empty(missing);
    }

    [Fact]
    public void FormatEscapesValuesButNotTheTemplate()
    {
        var text = Texts.Format(Language.En, "reg.token", ("token", "<b>&"));

        Assert.Contains("&lt;b&gt;&amp;", text);
        Assert.Contains("<code>", text);
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FamilyLinkBot.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root (FamilyLinkBot.sln) was not found.");
    }

    private static List<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value).Order()];

    private static string Plain(string text) => Placeholder().Replace(Command().Replace(Tag().Replace(text, ""), ""), "");

    [GeneratedRegex(@"\{[a-z_]+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"<(?<close>/)?(?<name>[a-z\-]+)[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"/[a-z_]+")]
    private static partial Regex Command();

    [GeneratedRegex(@"[A-Za-z]{3,}")]
    private static partial Regex AsciiWord();

    [GeneratedRegex(@"[A-Za-z]{2,}")]
    private static partial Regex LatinWord();

    [GeneratedRegex(@"https?://\S*")]
    private static partial Regex Url();

    [GeneratedRegex(@"<code>.*?</code>", RegexOptions.Singleline)]
    private static partial Regex Code();

    [GeneratedRegex(@"\d,\d{3}|\d{2,}\s*(자|字|个字|characters)")]
    private static partial Regex TypedLimit();

    [GeneratedRegex(@"\p{IsHangulSyllables}")]
    private static partial Regex Hangul();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Han();

    [GeneratedRegex(@"&(?!(amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)")]
    private static partial Regex BareAmpersand();

    [GeneratedRegex("\"(?<key>[a-z][a-z_]*(\\.[a-z0-9_]+)+\\.?)\"")]
    private static partial Regex KeyLiteral();
}
