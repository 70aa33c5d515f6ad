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

    [GeneratedRegex(@"\p{IsHangulSyllables}")]
    private static partial Regex Hangul();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Han();

    [GeneratedRegex(@"&(?!(amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)")]
    private static partial Regex BareAmpersand();

    [GeneratedRegex("\"(?<key>[a-z][a-z_]*(\\.[a-z0-9_]+)+\\.?)\"")]
    private static partial Regex KeyLiteral();
}
