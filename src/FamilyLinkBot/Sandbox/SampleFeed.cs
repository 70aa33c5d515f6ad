using System.Globalization;
using System.Text;
using System.Xml;

namespace FamilyLinkBot.Sandbox;

/// <summary>
/// The sandbox's sample news feed (RSS 2.0, served by the sandbox page itself at /sample-feed.xml): a few
/// invented border stories in Korean and English, and more that "Publish a story" adds one at a time, so the
/// bot's feed poller finds something new. Every story is fictional and says so; every publishable one is about
/// escapees, so that it passes the relevance rules (docs/DESIGN.md#7-news-alerts) and reaches the families of its region.
/// </summary>
public sealed class SampleFeed(TimeProvider time)
{
    private static readonly (string Title, string Summary)[] Initial =
    [
        ("[예시] 단둥 세관, 화물 검사 강화", "[Sample] Customs in Dandong tighten checks on cargo at the border bridge."),
        ("[Sample] Rally in Seoul calls for an end to forced repatriation", "[예시] 서울에서 강제북송 중단을 요구하는 집회가 열렸습니다."),
        ("[예시] 투먼 인근 국경 경비 강화 보도", "[Sample] Reports of reinforced border patrols near Tumen."),
    ];

    private static readonly (string Title, string Summary)[] Publishable =
    [
        ("[예시] 훈춘에서 탈북민 강제북송 우려", "[Sample] Fears that escapees held in Hunchun will be repatriated."),
        ("[Sample] Two escapees caught crossing the Tumen River", "[예시] 투먼 인근에서 두만강을 건너던 탈북민 2명이 붙잡혔습니다."),
        ("[예시] 선양 구금시설에 탈북민 억류 보도", "[Sample] Escapees reported detained at a facility in Shenyang."),
        ("[Sample] Repatriation from Dandong reported by activists", "[예시] 활동가들이 단둥에서의 강제북송을 전했습니다."),
        ("[예시] 옌지에서 탈북민 가족을 위한 기도회", "[Sample] Prayer meeting in Yanji for families of escapees."),
    ];

    private readonly Lock _gate = new();
    private readonly List<SampleStory> _stories = [];
    private int _published;
    private int _version;

    /// <summary>Changes whenever a story is added; the feed's ETag.</summary>
    public int Version
    {
        get
        {
            lock (_gate)
            {
                EnsureInitial();
                return _version;
            }
        }
    }

    public IReadOnlyList<SampleStory> Stories
    {
        get
        {
            lock (_gate)
            {
                EnsureInitial();
                return [.. _stories];
            }
        }
    }

    /// <summary>Adds the next sample story (they cycle, each with a new link) and returns it.</summary>
    public SampleStory Publish()
    {
        lock (_gate)
        {
            EnsureInitial();
            var (title, summary) = Publishable[_published % Publishable.Length];
            _published++;
            var story = new SampleStory(_stories.Count + 1, _published > Publishable.Length ? $"{title} ({_published})" : title, summary, time.GetUtcNow());
            _stories.Add(story);
            _version++;
            return story;
        }
    }

    /// <summary>The feed as RSS 2.0; links point at <paramref name="baseUrl"/> so nothing leaves the machine.</summary>
    public string ToRss(string baseUrl)
    {
        var stories = Stories;
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false }))
        {
            xml.WriteStartElement("rss");
            xml.WriteAttributeString("version", "2.0");
            xml.WriteStartElement("channel");
            xml.WriteElementString("title", "FamilyLinkBot sandbox — sample border news (fictional)");
            xml.WriteElementString("link", baseUrl);
            xml.WriteElementString("description", "Invented stories for trying FamilyLinkBot's news alerts.");
            foreach (var story in stories.Reverse())
            {
                var link = $"{baseUrl}sample-news/{story.Number}";
                xml.WriteStartElement("item");
                xml.WriteElementString("title", story.Title);
                xml.WriteElementString("link", link);
                xml.WriteElementString("guid", link);
                xml.WriteElementString("description", story.Summary);
                xml.WriteElementString("pubDate", story.PublishedAt.ToString("r", CultureInfo.InvariantCulture));
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        // StringBuilder output claims utf-16; the bytes are sent as UTF-8.
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }

    private void EnsureInitial()
    {
        if (_stories.Count > 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        for (var i = 0; i < Initial.Length; i++)
        {
            _stories.Add(new SampleStory(i + 1, Initial[i].Title, Initial[i].Summary, now.AddHours(i - Initial.Length)));
        }

        _version = 1;
    }
}

/// <summary>One story of the sample feed.</summary>
public sealed record SampleStory(int Number, string Title, string Summary, DateTimeOffset PublishedAt);
