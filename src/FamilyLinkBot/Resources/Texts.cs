using System.Collections.Frozen;
using System.Reflection;
using System.Text;
using System.Text.Json;
using FamilyLinkBot.Telegram;

namespace FamilyLinkBot.Resources;

/// <summary>
/// The localized strings of Resources/Strings/{ko,en,zh}.json. Strings are trusted HTML written by us;
/// every substituted value is escaped here, so callers cannot forget it. The host registers one instance
/// (<see cref="Hosting.HostingExtensions.AddFamilyLinkBot"/>) and it reaches code through constructors and
/// <see cref="Conversations.Turn.Texts"/>; there is no static instance (tests share one of their own).
/// </summary>
public sealed class Texts
{
    private const string ResourcePrefix = "FamilyLinkBot.Strings.";

    private readonly FrozenDictionary<Language, FrozenDictionary<string, string>> _strings;

    private Texts(FrozenDictionary<Language, FrozenDictionary<string, string>> strings) => _strings = strings;

    public IEnumerable<string> Keys(Language language) => _strings[language].Keys;

    public bool Has(Language language, string key) => _strings[language].ContainsKey(key);

    /// <summary>The string as written in the resource (may hold HTML markup of ours).</summary>
    public string Get(Language language, string key) =>
        _strings[language].TryGetValue(key, out var value)
            ? value
            : throw new KeyNotFoundException($"No string '{key}' for language {language.Code()}.");

    /// <summary>The string with each {name} replaced by its value: HTML-escaped, unless it is <see cref="SafeHtml"/>.</summary>
    public string Format(Language language, string key, params ReadOnlySpan<(string Name, object? Value)> values)
    {
        var template = Get(language, key);
        if (values.IsEmpty)
        {
            return template;
        }

        var builder = new StringBuilder(template.Length + 64);
        var position = 0;
        while (position < template.Length)
        {
            var open = template.IndexOf('{', position);
            if (open < 0)
            {
                break;
            }

            var close = template.IndexOf('}', open + 1);
            if (close < 0)
            {
                break;
            }

            builder.Append(template, position, open - position);
            var name = template.AsSpan(open + 1, close - open - 1);
            var matched = false;
            foreach (var (n, v) in values)
            {
                if (name.SequenceEqual(n))
                {
                    builder.Append(v is SafeHtml html ? html.Value : Html.Escape(v?.ToString()));
                    matched = true;
                    break;
                }
            }

            if (!matched)
            {
                builder.Append(template, open, close - open + 1);
            }

            position = close + 1;
        }

        builder.Append(template, position, template.Length - position);
        return builder.ToString();
    }

    /// <summary>
    /// Loads Strings/{lang}.json and every feature file Strings/{feature}.{lang}.json; a key defined twice
    /// for one language is a build mistake and stops the program.
    /// </summary>
    public static Texts Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var names = assembly.GetManifestResourceNames();
        var all = new Dictionary<Language, FrozenDictionary<string, string>>();
        foreach (var language in LanguageCodes.All)
        {
            var suffix = $".{language.Code()}.json";
            var files = names.Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(suffix, StringComparison.Ordinal)).ToList();
            if (!files.Contains(ResourcePrefix + language.Code() + ".json"))
            {
                throw new InvalidOperationException($"The string resource {language.Code()}.json is missing from the build.");
            }

            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var name in files)
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                var entries = JsonSerializer.Deserialize<Dictionary<string, string>>(stream)
                    ?? throw new InvalidOperationException($"The string resource {name} is empty.");
                foreach (var (key, value) in entries)
                {
                    if (!map.TryAdd(key, value))
                    {
                        throw new InvalidOperationException($"The string '{key}' is defined twice for {language.Code()} (again in {name}).");
                    }
                }
            }

            all[language] = map.ToFrozenDictionary(StringComparer.Ordinal);
        }

        return new Texts(all.ToFrozenDictionary());
    }
}

/// <summary>HTML we built ourselves from escaped parts; <see cref="Texts.Format"/> inserts it as is.</summary>
public readonly record struct SafeHtml(string Value);
