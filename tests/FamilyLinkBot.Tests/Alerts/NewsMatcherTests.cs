using FamilyLinkBot.Alerts;

namespace FamilyLinkBot.Tests.Alerts;

public sealed class NewsMatcherTests
{
    private static readonly NewsMatcher Matcher = new(MatchingRules.LoadDefault());

    // Headlines in the style of Yonhap, Daily NK, RFA, NK News and Chinese outlets, with the topics and regions the
    // shipped rules give them. Some are honest false positives or misses; they are marked, so a rules change shows.
    public static TheoryData<string, string[], string[]> Headlines => new()
    {
        // Korean
        { "중국 공안, 단둥서 탈북민 10여명 체포…강제북송 우려", ["repatriation", "detention"], ["liaoning"] },
        { "中 선양 공안에 구금된 탈북민 가족 \"북송만은 막아달라\"", ["repatriation", "detention"], ["liaoning"] },
        { "두만강 건너던 탈북민 일가족, 투먼서 붙잡혀", ["border", "detention"], ["jilin"] },
        { "중국, 국경 봉쇄 해제…압록강 화물 운송 재개", ["border"], [] },
        { "탈북민 강제북송 규탄 집회, 주한 중국대사관 앞에서 열려", ["repatriation", "rallies"], [] },
        { "유엔 인권이사회, 북한인권 결의안 채택", ["policy"], [] },
        { "하나원 수료생 정착지원금 인상", ["resettlement"], [] },
        { "러시아 블라디보스토크서 북한 노동자 억류", ["detention"], ["russia"] },
        { "옌볜 조선족자치주 훈춘시, 국경 무역 확대", ["border"], ["jilin"] },
        { "연길 간수소 수감 탈북 여성, 이달 말 북송 가능성", ["repatriation", "detention"], ["jilin"] },
        { "헤이룽장성 하얼빈서 탈북민 3명 공안에 연행", ["detention"], ["heilongjiang"] },
        { "내몽골 얼롄하오터 통해 몽골행 시도하던 탈북민 체포", ["detention"], ["inner_mongolia"] },
        { "UN인권이사회, 北 인권결의안 채택", ["policy"], [] },
        { "탈북민 단체, 도문 변방대 앞 1인 시위", ["border", "rallies"], ["jilin"] },
        // Korean: region only, so no alert (a route, not an event)
        { "라오스 거쳐 태국 도착한 탈북민 5명, 한국행 희망", [], ["southeast_asia"] },
        { "베이징 주재 한국대사관 진입 탈북민, 제3국 통해 입국", [], ["elsewhere_china"] },
        // Korean near-misses
        { "쌍방울 대북송금 재판 오늘 선고", [], [] },
        { "국경절 연휴 맞아 중국 관광객 몰려", [], [] },
        { "코스피, 외국인 매수에 2%대 반등", [], [] },
        { "북한 무력시위에 한미 연합훈련 강화", [], [] },
        { "6·25 전사자 유해 송환 행사 엄수", [], [] },
        { "국위 선양한 국가대표 선수단 금의환향", [], [] },
        { "북한 조선중앙통신 보도문 발표", [], [] },
        { "국경없는의사회, 가자지구 의료 지원", [], [] },

        // English
        { "China forcibly repatriates 60 North Korean defectors from Jilin detention centers", ["repatriation", "detention"], ["jilin"] },
        { "Activists hold vigil outside Chinese embassy over repatriations", ["repatriation", "rallies"], [] },
        { "UN rapporteur urges China to halt deportations of North Koreans", ["repatriation", "policy"], [] },
        { "Tumen River crossing: defectors describe escape through Hunchun", ["border"], ["jilin"] },
        { "Seoul opens new Hanawon branch to help defectors resettle", ["resettlement"], [] },
        { "Thai police detain North Korean escapees near Laos border", ["border", "detention"], ["southeast_asia"] },
        { "Russia deports North Korean workers from Vladivostok", ["repatriation"], ["russia"] },
        { "South Korea's parliament passes bill to support defectors' resettlement", ["policy", "resettlement"], [] },
        { "High-resolution satellite images show new fence along the Yalu", ["border"], [] },
        { "Korean drama filming in Dandong", [], ["liaoning"] },
        // English near-misses
        { "Border collie wins dog show", [], [] },
        { "Borderline personality disorder: what a new study shows", [], [] },
        { "Reporters Without Borders ranks North Korea last again", [], [] },
        { "Cardiac arrest survival rates improve", [], [] },
        { "Rally driver wins Dakar stage", [], [] },
        { "US repatriation of remains from Korean War ceremony held", [], [] },
        // Honest false positives: a rally of stocks is excluded, but a border tax is about a border; an arrest in
        // Shanghai is an arrest. Admin review (News:RequireApproval) is where these stop.
        { "Stocks rally as border tax plan shelved", ["border"], [] },
        { "Police arrest three in Shanghai fraud ring", ["detention"], ["elsewhere_china"] },

        // Chinese
        { "吉林图们边境 又有一批脱北者被遣返", ["repatriation", "border"], ["jilin"] },
        { "丹东警方在鸭绿江边抓捕多名越境者", ["border", "detention"], ["liaoning"] },
        { "联合国难民署呼吁中国停止强制遣返朝鲜人", ["repatriation", "policy"], [] },
        { "韩国民众在中国大使馆前集会 抗议遣返脱北者", ["repatriation", "rallies"], [] },
        { "延吉看守所关押的脱北女性面临遣送", ["repatriation", "detention"], ["jilin"] },
        { "俄罗斯海参崴扣押朝鲜渔船", ["detention"], ["russia"] },
        { "缅甸 泰国 边境 脱北者 被捕", ["border", "detention"], ["southeast_asia"] },
        { "脱北者在韩国定居后的生活", ["resettlement"], [] },
        { "長白朝鮮族自治縣 邊境 加強巡邏", ["border"], ["jilin"] },
        // Chinese: region only, and near-misses
        { "北京烤鸭节开幕", [], ["elsewhere_china"] },
        { "哈尔滨冰雪节吸引游客", [], ["heilongjiang"] },
        { "西湖龙井茶叶价格上涨", [], [] },
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
        var match = Matcher.Match("Weekly update", "Chinese police detained two women in Hunchun last week.");

        Assert.Equal(["detention"], match.Topics);
        Assert.Equal(["jilin"], match.Regions);
    }

    [Fact]
    public void FeedItemIsMatchedByTitleAndSummary()
    {
        var item = new FeedItem("1", "https://news.example/1", "Update from the border", "Families fear repatriation from Dandong.", null);

        var match = Matcher.Match(item);

        Assert.Equal(["border", "repatriation"], match.Topics.Order());
        Assert.Equal(["liaoning"], match.Regions);
    }

    [Fact]
    public void PhraseDoesNotSpanTitleAndSummary()
    {
        // "stocks" ends the title and "rally" starts the summary: that is a real rally, not "stocks rally".
        var match = Matcher.Match("Lawmakers warn on stocks", "Rally planned in Seoul on Saturday");

        Assert.Contains("rallies", match.Topics);
    }

    [Theory]
    [InlineData("강제\u200B북송 우려")]
    [InlineData("re\u00ADpatriated to the North")]
    [InlineData("ＲＥＰＡＴＲＩＡＴＥＤ ｔｏ ｔｈｅ Ｎｏｒｔｈ")]
    [InlineData("REPATRIATED\r\n\tto the North")]
    [InlineData("\u202Erepatriated\u202C to the North")]
    public void HiddenCharactersAndWidthsDoNotHideAKeyword(string headline)
    {
        Assert.Contains("repatriation", Matcher.Match(headline).Topics);
    }

    [Theory]
    [InlineData("Cross-border trade resumes", "border")]
    [InlineData("U.N. panel condemns forced returns", "policy")]
    [InlineData("Defectors' ‘forcibly returned’ kin", "repatriation")]
    [InlineData("Dandong에서 체포", "detention")]
    public void WordEdgesFollowPunctuationAndScriptChanges(string headline, string topic)
    {
        Assert.Contains(topic, Matcher.Match(headline).Topics);
    }

    [Fact]
    public void ExcludeCancelsOnlyTheOccurrenceItCovers()
    {
        Assert.Empty(Matcher.Match("Border collie breeders gather").Topics);
        Assert.Equal(["border"], Matcher.Match("Border collie breeders gather near the border").Topics);
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
        var match = Matcher.Match("\uD800 단둥 \uDC00 체포 \uD83D");

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
