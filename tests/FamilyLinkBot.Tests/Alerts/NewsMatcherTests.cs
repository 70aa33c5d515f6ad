using FamilyLinkBot.Alerts;

namespace FamilyLinkBot.Tests.Alerts;

public sealed class NewsMatcherTests
{
    private static readonly NewsMatcher Matcher = new(MatchingRules.LoadDefault());

    // Headlines in the style of Yonhap, Daily NK, RFA, NK News and Chinese outlets, with the topics and regions the
    // shipped rules give them. A topic needs what happens and to whom (docs/DESIGN.md#7-news-alerts); the full labelled corpus is in
    // headlines.tsv (RelevanceCorpusTests); these pin single behaviours so a rules change that breaks one shows here.
    public static TheoryData<string, string[], string[]> Headlines => new()
    {
        // Korean
        { "중국 공안, 단둥서 탈북민 10여명 체포…강제북송 우려", ["repatriation", "detention"], ["liaoning"] },
        { "中 선양 공안에 구금된 탈북민 가족 \"북송만은 막아달라\"", ["repatriation", "detention"], ["liaoning"] },
        { "두만강 건너던 탈북민 일가족, 투먼서 붙잡혀", ["border", "detention"], ["jilin"] },
        { "탈북민 강제북송 규탄 집회, 주한 중국대사관 앞에서 열려", ["repatriation", "rallies"], [] },
        { "하나원 수료생 정착지원금 인상", ["resettlement", "policy"], [] },
        { "연길 간수소 수감 탈북 여성, 이달 말 북송 가능성", ["repatriation", "detention"], ["jilin"] },
        { "헤이룽장성 하얼빈서 탈북민 3명 공안에 연행", ["detention"], ["heilongjiang"] },
        { "북한군 병사, 군사분계선 넘어 귀순", ["border"], [] },
        // Korean: the same words in other senses, or a region alone
        { "라오스 거쳐 태국 도착한 관광객 5명, 한국행 희망", [], ["southeast_asia"] },
        { "쌍방울 대북송금 재판 오늘 선고", [], [] },
        { "국경절 연휴 맞아 중국 관광객 몰려", [], [] },
        { "중국, 국경 봉쇄 해제…압록강 화물 운송 재개", [], [] },
        { "코스피, 외국인 매수에 2%대 반등 랠리", [], [] },
        { "6·25 전사자 유해 송환 행사 엄수", [], [] },
        { "파키스탄, 아프간 난민 수천명 강제 추방", [], [] },
        { "러시아 귀순 조종사, 스페인서 숨진 채 발견", [], ["russia"] },

        // English
        { "China forcibly repatriates 60 North Korean defectors from Jilin detention centers", ["repatriation", "detention"], ["jilin"] },
        { "Defectors hold vigil outside Chinese embassy over repatriations", ["repatriation", "rallies"], [] },
        { "UN rapporteur urges China to halt deportations of North Korean refugees", ["repatriation", "policy"], [] },
        { "Tumen River crossing: defectors describe escape through Hunchun", ["border"], ["jilin"] },
        { "Seoul opens new Hanawon branch to help defectors resettle", ["resettlement"], [] },
        { "Thai police detain North Korean escapees near Laos border", ["border", "detention"], ["southeast_asia"] },
        { "Parliament passes bill to support defectors' resettlement", ["policy", "resettlement"], [] },
        // English: the same words in other senses
        { "Apple to repatriate $250bn of overseas cash", [], [] },
        { "Bangladesh and Myanmar discuss repatriation of Rohingya refugees", [], ["southeast_asia"] },
        { "KOSPI rallies to record high; K-pop fans rally behind idol", [], [] },
        { "Migrants detained at US border surge", [], [] },
        { "North Korea fires ballistic missile into East Sea", [], [] },
        { "Soviet defector's memoir tops bestseller list", [], [] },
        { "Korean drama filming in Dandong", [], ["liaoning"] },
        { "Reporters Without Borders ranks North Korea last again", [], [] },

        // Chinese, Simplified and Traditional
        { "吉林图们边境 又有一批脱北者被遣返", ["repatriation", "border"], ["jilin"] },
        { "丹东警方在鸭绿江边抓捕多名朝鲜逃亡者", ["border", "detention"], ["liaoning"] },
        { "韩国民众在中国大使馆前集会 抗议遣返脱北者", ["repatriation", "rallies"], [] },
        { "延吉看守所关押的脱北女性面临遣送", ["repatriation", "detention"], ["jilin"] },
        { "脱北者在韩国定居后的生活", ["resettlement"], [] },
        { "中國強制遣返60名脫北者 人權組織譴責", ["repatriation"], [] },
        { "長白邊境 脫北者被捕", ["border", "detention"], ["jilin"] },
        { "巴基斯坦遣返数千名阿富汗难民", [], [] },
        { "中俄边境贸易扩大 黑河大桥通车", [], ["russia"] },
        { "北京烤鸭节开幕", [], ["elsewhere_china"] },
        { "她缺乏边界感怎么办", [], [] },
    };

    [Theory]
    [MemberData(nameof(Headlines))]
    public void HeadlineMatchesExpectedTopicsAndRegions(string headline, string[] topics, string[] regions)
    {
        var match = Matcher.Match(headline);

        Assert.Equal(topics.Order(), match.Topics.Order());
        Assert.Equal(regions.Order(), match.Regions.Order());
        Assert.Equal(topics.Length == 0, match.IsEmpty);
    }

    [Fact]
    public void RegionWithoutTopicIsNotAnAlert()
    {
        var match = Matcher.Match("Korean drama filming in Dandong");

        Assert.True(match.IsEmpty);
        Assert.Contains("liaoning", match.Regions);
    }

    [Fact]
    public void SummaryCountsAsWellAsTitle()
    {
        var match = Matcher.Match("Weekly update", "Chinese police detained two North Korean defectors in Hunchun last week.");

        Assert.Equal(["detention"], match.Topics);
        Assert.Equal(["jilin"], match.Regions);
    }

    [Fact]
    public void FeedItemIsMatchedByTitleAndSummary()
    {
        var item = new FeedItem("1", "https://news.example/1", "Update from the border", "Families of defectors fear repatriation from Dandong.", null);

        var match = Matcher.Match(item);

        Assert.Equal(["border", "repatriation"], match.Topics.Order());
        Assert.Equal(["liaoning"], match.Regions);
    }

    [Fact]
    public void PhraseDoesNotSpanTitleAndSummary()
    {
        // "stocks" ends the title and "rally" starts the summary: that is a real rally, not "stocks rally".
        var json = RulesJson.WithKeyword(RulesJson.Default(), "topics", "rallies", "en", "stocks rally", part: "exclude");
        var matcher = new NewsMatcher(MatchingRules.Parse(json));

        Assert.Empty(matcher.Match("Defectors' stocks rally").Topics);
        Assert.Contains("rallies", matcher.Match("Defectors warn on stocks", "Rally planned in Seoul on Saturday").Topics);
    }

    [Fact]
    public void EventWithoutPeopleOrPeopleWithoutEventIsNoAlert()
    {
        Assert.True(Matcher.Match("China repatriates profits as yuan rallies").IsEmpty);
        Assert.True(Matcher.Match("North Korean defectors share kimchi recipes").IsEmpty);
        Assert.Equal(["repatriation"], Matcher.Match("China repatriates North Korean defectors").Topics);
    }

    [Fact]
    public void PeopleInTheSummaryAndEventInTheTitleMatch()
    {
        var match = Matcher.Match("China repatriates 60 overnight", "<p>The group of escapees from North Korea was held in Tumen.</p>");

        Assert.Contains("repatriation", match.Topics);
    }

    [Fact]
    public void TraditionalAndSimplifiedChineseMatchAlike()
    {
        var simplified = Matcher.Match("脱北者在丹东被捕 面临强制遣返");
        var traditional = Matcher.Match("脫北者在丹東被捕 面臨強制遣返");

        Assert.Equal(["detention", "repatriation"], simplified.Topics.Order());
        Assert.Equal(simplified.Topics.Order(), traditional.Topics.Order());
        Assert.Equal(simplified.Regions.Order(), traditional.Regions.Order());
    }

    [Fact]
    public void MiddleDotBetweenCountryNamesDoesNotHideABorderTerm()
    {
        Assert.Equal(["border"], Matcher.Match("북·중 국경 감시 강화").Topics);
    }

    [Fact]
    public void GenericEscapeWordCountsOnlyNearNorthKorea()
    {
        Assert.Equal(["repatriation"], Matcher.Match("Refugees from North Korea deported by Laos").Topics);
        var far = "Refugees deported by Laos, officials say, in a week when " + string.Concat(Enumerable.Repeat("markets moved ", 10)) + "and North Korea tested a missile";
        Assert.True(Matcher.Match(far).IsEmpty);
    }

    [Fact]
    public void OtherNationsDefectorsAreNotEscapees()
    {
        Assert.True(Matcher.Match("Soviet defector arrested in London").IsEmpty);
        Assert.Equal(["detention"], Matcher.Match("Defector arrested in London").Topics);
    }

    [Theory]
    [InlineData("강제\u200B북송 우려")]
    [InlineData("Defectors re\u00ADpatriated")]
    [InlineData("ＤＥＦＥＣＴＯＲＳ ＲＥＰＡＴＲＩＡＴＥＤ")]
    [InlineData("DEFECTORS\r\n\tREPATRIATED")]
    [InlineData("\u202Edefectors\u202C repatriated")]
    public void HiddenCharactersAndWidthsDoNotHideAKeyword(string headline)
    {
        Assert.Contains("repatriation", Matcher.Match(headline).Topics);
    }

    [Theory]
    [InlineData("Defectors' cross-border escape", "border")]
    [InlineData("U.N. panel condemns forced returns of North Koreans", "repatriation")]
    [InlineData("Defectors' ‘forcibly returned’ kin", "repatriation")]
    [InlineData("Dandong에서 탈북민 체포", "detention")]
    public void WordEdgesFollowPunctuationAndScriptChanges(string headline, string topic)
    {
        Assert.Contains(topic, Matcher.Match(headline).Topics);
    }

    [Fact]
    public void ExcludeCancelsOnlyTheOccurrenceItCovers()
    {
        Assert.Empty(Matcher.Match("Defector's border collie wins dog show").Topics);
        Assert.Equal(["border"], Matcher.Match("Defector's border collie wins dog show near the border").Topics);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "")]
    [InlineData("   \u200B ", null)]
    public void EmptyInputMatchesNothing(string? title, string? summary)
    {
        var match = Matcher.Match(title, summary);

        Assert.True(match.IsEmpty);
        Assert.Empty(match.Regions);
    }

    [Fact]
    public void LoneSurrogatesDoNotThrow()
    {
        var match = Matcher.Match("\uD800 단둥 \uDC00 탈북민 체포 \uD83D");

        Assert.Equal(["detention"], match.Topics);
        Assert.Equal(["liaoning"], match.Regions);
    }

    [Fact]
    public void MegabyteOfNearMissesMatchesCorrectly()
    {
        // Repeated prefixes of keywords and excludes: the worst case for a naive or backtracking matcher.
        var filler = string.Concat(Enumerable.Repeat("repatria bord border-collie 북 송 遣 ", 30_000));
        Assert.True(filler.Length > 1_000_000);

        Assert.True(Matcher.Match(filler).IsEmpty, Matcher.Match(filler).ToString());
        Assert.Equal(["repatriation"], Matcher.Match("Defectors repatriated " + filler).Topics);
        Assert.True(Matcher.Match(filler, "Defectors repatriated").IsEmpty, "text past the input cap is not read");
    }

    [Fact]
    public void MegabyteOfOneLetterAgainstOverlappingRulesMatchesCorrectly()
    {
        var json = RulesJson.WithKeyword(RulesJson.Default(), "topics", "border", "en", "a a a a a a a a");
        json = RulesJson.WithKeyword(json, "topics", "policy", "en", "a a a a a a a a b");
        var matcher = new NewsMatcher(MatchingRules.Parse(json));

        var match = matcher.Match(string.Concat(Enumerable.Repeat("a ", 500_000)));

        Assert.Equal(["border"], match.Topics);
    }

    [Fact]
    public void EveryShippedKeywordMatchesItself()
    {
        var rules = MatchingRules.LoadDefault();
        foreach (var (rule, isTopic) in rules.Topics.Select(r => (r, true)).Concat(rules.Regions.Select(r => (r, false))))
        {
            foreach (var keyword in rule.Keywords.Values.SelectMany(k => k))
            {
                var text = keyword.TrimEnd('*');
                var match = Matcher.Match(text);
                Assert.True(
                    (isTopic ? match.Topics : match.Regions).Contains(rule.Id),
                    $"keyword '{keyword}' of '{rule.Id}' does not match itself");
            }
        }
    }

    [Fact]
    public void MatcherIsSafeToShareBetweenThreads()
    {
        var results = Enumerable.Range(0, 200)
            .AsParallel()
            .Select(i => Matcher.Match(i % 2 == 0 ? "吉林图们边境 又有一批脱北者被遣返" : "Border collie wins dog show"))
            .ToList();

        Assert.All(results.Where((_, i) => i % 2 == 0), m => Assert.Equal(["border", "repatriation"], m.Topics.Order()));
    }
}
