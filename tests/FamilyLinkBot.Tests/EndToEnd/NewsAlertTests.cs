using System.Diagnostics;
using System.Globalization;
using FamilyLinkBot.Alerts;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Testing;
using FamilyLinkBot.Testing.Feeds;
using FamilyLinkBot.Tests.Support;

namespace FamilyLinkBot.Tests.EndToEnd;

/// <summary>
/// News alerts through the real bot (docs/DESIGN.md#7-news-alerts, docs/DESIGN.md#41-family-commands, docs/DESIGN.md#45-admin-commands): the feed poller against the loopback feed server, the
/// review and fan-out through the outbox, and /subscribe driven with its buttons over the Bot API emulator.
/// </summary>
public sealed class NewsAlertTests : IAsyncLifetime
{
    private const string Repatriation = "China forcibly repatriates 60 North Koreans from Jilin";
    private const string Border = "China tightens border controls to stop North Koreans fleeing";
    private const string Unrelated = "Sunny weekend ahead for the capital, forecasters say";

    private readonly TempFolder _folder = new();
    private BotApiEmulator _emulator = null!;
    private FeedServer _feeds = null!;
    private TestBot? _bot;

    public async Task InitializeAsync()
    {
        _emulator = await BotApiEmulator.StartAsync();
        _feeds = await FeedServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_bot is not null)
        {
            await _bot.DisposeAsync();
            LogSafety.AssertClean(_bot.Logs, _emulator);
            Assert.DoesNotContain("?key=", _bot.Logs.AllText, StringComparison.Ordinal);
        }

        await _feeds.DisposeAsync();
        await _emulator.DisposeAsync();
        _folder.Dispose();
    }

    private static string En(string key) => CaseFlowTests.En(key);

    private static TestStory Story(string title, string slug) => new(title, $"https://news.example.org/{slug}?utm_source=rss");

    private async Task<TestBot> StartBotAsync(
        bool requireApproval, IEnumerable<string> feedPaths, long? adminId = null, string fetchTimeout = "00:00:03", bool withLanguage = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["News:RequireApproval"] = requireApproval ? "true" : "false",
            ["News:FetchTimeout"] = fetchTimeout,
        };
        var i = 0;
        foreach (var path in feedPaths)
        {
            settings[$"News:Feeds:{i}:Name"] = "Feed " + path.Trim('/');
            // The query string stands for an access key: it must never reach a log line.
            settings[$"News:Feeds:{i}:Url"] = _feeds.UrlFor(path) + "?key=s3cr3t-" + i.ToString(CultureInfo.InvariantCulture);
            if (withLanguage)
            {
                settings[$"News:Feeds:{i}:Language"] = "en";
            }

            i++;
        }

        if (adminId is { } id)
        {
            settings["Admins:UserIds:0"] = id.ToString(CultureInfo.InvariantCulture);
        }

        _bot = await TestBot.StartAsync(_emulator, _folder.Path, settings);
        return _bot;
    }

    private async Task<ChatDriver> SubscribedFamilyAsync(params string[] topicLabels) => await SubscribedFamilyAsync(discreet: false, topicLabels);

    // Most tests read alerts in full, so their families turn discreet notifications (on by default) off first.
    private async Task<ChatDriver> SubscribedFamilyAsync(bool discreet, params string[] topicLabels)
    {
        var family = await CaseFlowTests.OnboardAsync(_emulator);
        if (!discreet)
        {
            await DiscreetOffAsync(family);
        }

        await family.Says("/subscribe");
        foreach (var label in topicLabels)
        {
            await family.Presses(label);
        }

        return family;
    }

    private static async Task DiscreetOffAsync(ChatDriver family)
    {
        await family.Says("/privacy");
        await family.Presses("✅ " + En("button.discreet"));
    }

    private static async Task SetPhraseAsync(ChatDriver family, string phrase)
    {
        await family.Says("/privacy");
        await family.Presses(En("button.set_phrase"));
        await family.Says(phrase);
    }

    private Task PollAsync() => _bot!.Service<FeedPoller>().PollOnceAsync(CancellationToken.None);

    /// <summary>Writes any approved alert's outbox rows, then waits until the outbox has nothing left to send.</summary>
    private async Task DeliverAllAsync()
    {
        await _bot!.Service<AlertFanOut>().DeliverApprovedAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (await ScalarAsync("SELECT COUNT(*) FROM outbox WHERE state = 0;") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the outbox did not drain");
            await Task.Delay(50);
        }
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var db = await _bot!.Service<Database>().BeginAsync();
        await using var command = db.Command(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // Case-insensitive: when two feeds carry one story, the alert keeps the title of whichever feed was read first.
    private int Received(ChatDriver who, string text) =>
        _emulator.MessagesIn(who.ChatId).Count(m => m.IsFromBot && m.Text.Contains(text, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task StoriesAtAFeedsFirstFetchAreSeenWithoutAlertingAndLaterOnesAlert()
    {
        _feeds.SetRss("/news", [Story(Repatriation, "old")]);
        await StartBotAsync(requireApproval: false, ["/news"]);
        var family = await SubscribedFamilyAsync(En("topic.repatriation"));

        await PollAsync();
        await DeliverAllAsync();
        Assert.Equal(0, Received(family, Repatriation));
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM alerts;"));
        Assert.True(await ScalarAsync("SELECT COUNT(*) FROM seen_stories;") >= 2); // its link and its title

        const string fresh = "Dozens repatriated to North Korea overnight, activists say";
        _feeds.SetRss("/news", [Story(fresh, "new"), Story(Repatriation, "old")]);
        await PollAsync();
        var alert = await _emulator.WaitForBotMessageAsync(family.ChatId, m => m.Text.Contains(fresh, StringComparison.Ordinal));

        Assert.Contains(En("topic.repatriation"), alert.Text);
        Assert.Contains("Feed news", alert.Text);
        Assert.Contains("https://news.example.org/new", alert.Text);
        await DeliverAllAsync();
        Assert.Equal(1, Received(family, fresh));
        Assert.Equal(0, Received(family, Repatriation));
        Assert.Contains(_feeds.Requests, r => r.Path == "/news" && r.Status == 304 || r.IfNoneMatch is not null);
    }

    [Fact]
    public async Task AKoreanOnlyAndAChineseOnlyStoryAreMatchedToTheirTopicsAndRegions()
    {
        const string korean = "중국 공안, 단둥서 탈북민 10여명 체포…강제북송 우려";
        const string chinese = "吉林图们边境 又有一批脱北者被遣返";
        _feeds.SetRss("/asia", []);
        await StartBotAsync(requireApproval: false, ["/asia"]);
        var liaoning = await SubscribedFamilyAsync(En("region.liaoning"));
        var jilin = await SubscribedFamilyAsync(En("region.jilin"));
        var detention = await SubscribedFamilyAsync(En("topic.detention"));
        await PollAsync(); // the first fetch only primes

        _feeds.SetRss("/asia", [Story(korean, "ko/1"), Story(chinese, "zh/9")]);
        await PollAsync();
        await DeliverAllAsync();

        await using (var db = await _bot!.Service<Database>().BeginAsync())
        {
            await using var command = db.Command("SELECT title, topics, regions FROM alerts ORDER BY title;");
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new Dictionary<string, (string Topics, string Regions)>();
            while (await reader.ReadAsync())
            {
                rows[reader.GetString(0)] = (reader.GetString(1), reader.GetString(2));
            }

            Assert.Equal(2, rows.Count);
            Assert.Equal(["detention", "repatriation"], System.Text.Json.JsonSerializer.Deserialize<string[]>(rows[korean].Topics)!.Order());
            Assert.Equal(["liaoning"], System.Text.Json.JsonSerializer.Deserialize<string[]>(rows[korean].Regions)!);
            Assert.Equal(["border", "repatriation"], System.Text.Json.JsonSerializer.Deserialize<string[]>(rows[chinese].Topics)!.Order());
            Assert.Equal(["jilin"], System.Text.Json.JsonSerializer.Deserialize<string[]>(rows[chinese].Regions)!);
        }

        Assert.Equal((1, 0), (Received(liaoning, korean), Received(liaoning, chinese)));
        Assert.Equal((0, 1), (Received(jilin, korean), Received(jilin, chinese)));
        Assert.Equal((1, 0), (Received(detention, korean), Received(detention, chinese)));
    }

    [Fact]
    public async Task BrokenSlowMalformedAndHugeFeedsDoNotDelayAGoodFeed()
    {
        _feeds.SetRss("/good", []);
        _feeds.SetRaw("/error", 500, "text/plain", "boom");
        _feeds.SetHanging("/hang");
        _feeds.SetRaw("/malformed", 200, "application/rss+xml", "<rss version=\"2.0\"><channel><item><title>half");
        _feeds.SetHuge("/huge", 20_000_000);
        await StartBotAsync(requireApproval: false, ["/good", "/error", "/hang", "/malformed", "/huge"], fetchTimeout: "00:00:04");
        await PollAsync(); // primes the good feed (its first fetch), and lets the hanging one time out once
        var family = await SubscribedFamilyAsync(En("topic.repatriation"));

        _feeds.SetRss("/good", [Story(Repatriation, "good")]);
        var clock = Stopwatch.StartNew();
        var poll = PollAsync();
        await _emulator.WaitForBotMessageAsync(family.ChatId, m => m.Text.Contains(Repatriation, StringComparison.Ordinal));
        var alerted = clock.Elapsed;
        await poll;
        var pollTook = clock.Elapsed;

        Assert.True(alerted < TimeSpan.FromSeconds(3), $"the good feed's alert took {alerted.TotalMilliseconds:F0} ms");
        Assert.True(pollTook >= TimeSpan.FromSeconds(3.5), "the hanging feed was not waited for until its timeout");
        Assert.Equal("Ok", (await family.Says("/help")).Text.Length > 0 ? "Ok" : "no answer");

        await using (var db = await _bot!.Service<Database>().BeginAsync())
        {
            var feeds = (await _bot.Service<FeedStore>().ListAsync(db, CancellationToken.None)).ToDictionary(f => f.Name);
            Assert.Equal(0, feeds["Feed good"].Health.ConsecutiveFailures);
            Assert.Equal("failed: HTTP 500", feeds["Feed error"].LastResult);
            Assert.Equal("failed: timeout", feeds["Feed hang"].LastResult);
            Assert.StartsWith("failed: ", feeds["Feed malformed"].LastResult, StringComparison.Ordinal);
            Assert.StartsWith("failed: too large", feeds["Feed huge"].LastResult, StringComparison.Ordinal);
            foreach (var bad in new[] { "Feed error", "Feed hang", "Feed malformed", "Feed huge" })
            {
                Assert.True(feeds[bad].Health.ConsecutiveFailures >= 2, "a failing feed's failures are not counted"); // the start-up poll may add one
                Assert.True(feeds[bad].NextPollAt > DateTimeOffset.UtcNow + TimeSpan.FromMinutes(15), "a failing feed is not backed off");
            }
        }

        await DeliverAllAsync();
        Assert.Equal(1, Received(family, Repatriation));
    }

    [Fact]
    public async Task SameStoryInTwoFeedsAlertsEachSubscriberOnceEvenAfterARestart()
    {
        _feeds.SetRss("/a", []);
        _feeds.SetAtom("/b", []);
        await StartBotAsync(requireApproval: false, ["/a", "/b"]);
        await PollAsync();
        var first = await SubscribedFamilyAsync(En("topic.repatriation"));
        var second = await SubscribedFamilyAsync(En("topic.repatriation"), En("topic.border"));
        var bystander = await SubscribedFamilyAsync(En("topic.rallies"));

        // Feed a carries the story; feed b the same link (with other tracking parameters) and a copy with another link and
        // the same title in other punctuation; both carry an unrelated story.
        _feeds.SetRss("/a", [Story(Repatriation, "story"), Story(Unrelated, "weather")]);
        _feeds.SetAtom("/b", [
            new TestStory(Repatriation, "http://www.news.example.org/story?fbclid=x"),
            new TestStory(Repatriation.ToUpperInvariant() + "!", "https://mirror.example.net/copy"),
            Story(Unrelated, "weather")]);
        await PollAsync();
        await DeliverAllAsync();
        await _emulator.WaitForBotMessageAsync(first.ChatId, m => m.Text.Contains(Repatriation, StringComparison.OrdinalIgnoreCase));
        await _emulator.WaitForBotMessageAsync(second.ChatId, m => m.Text.Contains(Repatriation, StringComparison.OrdinalIgnoreCase));
        await DeliverAllAsync();

        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM alerts;"));
        Assert.Equal(1, Received(first, Repatriation));
        Assert.Equal(1, Received(second, Repatriation));
        Assert.Equal(0, Received(bystander, Repatriation));
        Assert.DoesNotContain(_emulator.AllBotMessages, m => m.Text.Contains(Unrelated, StringComparison.Ordinal));

        // Remembered across a restart: the feeds still list the story, nobody hears of it again.
        await _bot!.DisposeAsync();
        _bot = null;
        await StartBotAsync(requireApproval: false, ["/a", "/b"]);
        _feeds.SetRss("/a", [Story(Repatriation, "story"), Story(Unrelated, "weather"), Story("Forecast: rain", "rain")]);
        await PollAsync();
        await DeliverAllAsync();
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM alerts;"));
        Assert.Equal(1, Received(first, Repatriation));
    }

    [Fact]
    public async Task FamilySubscribesWithButtonsAndGetsOneAlertOnlyAfterAnAdminApproves()
    {
        var adminUser = _emulator.CreateUser("Admin", languageCode: "en");
        _feeds.SetRss("/news", []);
        await StartBotAsync(requireApproval: true, ["/news"], adminUser.Id);
        var admin = _emulator.Driver(adminUser);
        await admin.Says("/start");
        await admin.Presses("English");
        await PollAsync();

        var family = await CaseFlowTests.OnboardAsync(_emulator);
        await DiscreetOffAsync(family);
        var menu = await family.Says("/subscribe");
        Assert.Contains(En("subscribe.title").Split('\n')[0].Replace("<b>", "", StringComparison.Ordinal).Replace("</b>", "", StringComparison.Ordinal), menu.Text);
        Assert.Contains(En("topic.border"), menu.ButtonLabels);
        Assert.Contains("✅ " + En("subscribe.case_regions"), menu.ButtonLabels); // on by default
        var pressed = await family.Presses(En("topic.border"));
        Assert.Equal(menu.MessageId, pressed.MessageId); // edited in place
        Assert.Contains("✅ " + En("topic.border"), pressed.ButtonLabels);
        Assert.Contains(En("topic.border"), pressed.Text); // the current choices are listed
        await family.Presses(En("button.done"));
        Assert.Contains(En("subscribe.saved"), family.LastReply().Text);

        _feeds.SetRss("/news", [Story(Repatriation + " <again> & more", "second"), Story(Border, "border")]); // the older (last) one first
        await PollAsync();
        await DeliverAllAsync();
        Assert.Equal(0, Received(family, Border));
        Assert.Equal(2, await ScalarAsync("SELECT COUNT(*) FROM alerts WHERE state = 'pending';"));
        Assert.Contains(admin.Replies, m => m.Text.Contains("/review", StringComparison.Ordinal));

        var review = await admin.Says("/review");
        Assert.Contains(Border, review.Text);
        Assert.Contains("https://news.example.org/border", review.Text);
        var next = await admin.Presses(En("button.approve"));
        Assert.Contains(Repatriation + " <again> & more", next.Text); // escaped for HTML, shown as published
        await admin.Presses(En("button.reject"));
        Assert.Equal(En("review.empty"), admin.LastReply().Text);

        var alert = await _emulator.WaitForBotMessageAsync(family.ChatId, m => m.Text.Contains(Border, StringComparison.Ordinal));
        Assert.Contains("https://news.example.org/border", alert.Text);
        Assert.Contains(En("topic.border"), alert.Text);
        await DeliverAllAsync();
        Assert.Equal(1, Received(family, Border));
        Assert.Equal(0, Received(family, "<again>"));
        Assert.Equal(0, Received(admin, Border + "\n")); // the admin did not subscribe: only the review showed it
    }

    [Fact]
    public async Task CaseRegionAlertsReachTheFamilyUntilSwitchedOffAndUnsubscribeStopsAll()
    {
        _feeds.SetRss("/news", []);
        await StartBotAsync(requireApproval: false, ["/news"]);
        await PollAsync();
        var jilinFamily = await CaseFlowTests.OnboardAsync(_emulator);
        await DiscreetOffAsync(jilinFamily);
        await CaseFlowTests.RegisterAsync(jilinFamily, "Mi-rae");
        Assert.Contains(_emulator.MessagesIn(jilinFamily.ChatId), m => m.IsFromBot && m.Text.Contains(En("reg.region_alerts"), StringComparison.Ordinal));
        var otherFamily = await CaseFlowTests.OnboardAsync(_emulator);
        await DiscreetOffAsync(otherFamily);
        await otherFamily.Says("/register");
        await otherFamily.Presses("Child");
        await otherFamily.Presses(En("button.skip"));
        await otherFamily.Presses("Liaoning");
        await otherFamily.Presses(En("button.skip"));
        await otherFamily.Presses(En("button.unknown"));
        await otherFamily.Presses(En("button.confirm"));

        _feeds.SetRss("/news", [Story(Repatriation, "jilin")]);
        await PollAsync();
        await _emulator.WaitForBotMessageAsync(jilinFamily.ChatId, m => m.Text.Contains(Repatriation, StringComparison.Ordinal));
        await DeliverAllAsync();
        Assert.Equal(1, Received(jilinFamily, Repatriation));
        Assert.Equal(0, Received(otherFamily, Repatriation));

        await jilinFamily.Says("/subscribe");
        var off = await jilinFamily.Presses("✅ " + En("subscribe.case_regions"));
        Assert.Contains(En("subscribe.case_regions"), off.ButtonLabels);
        const string second = "Hunchun police detain and repatriate a North Korean family of four";
        _feeds.SetRss("/news", [Story(second, "hunchun"), Story(Repatriation, "jilin")]);
        await PollAsync();
        await DeliverAllAsync();
        Assert.Equal(0, Received(jilinFamily, second));

        await otherFamily.Says("/subscribe");
        await otherFamily.Presses(En("region.jilin"));
        var done = await otherFamily.Says("/unsubscribe");
        Assert.Equal(CaseFlowTests.En("unsubscribe.done"), done.Text);
        await using var db = await _bot!.Service<Database>().BeginAsync();
        Assert.Equal(0, (long)(await db.Command("SELECT COUNT(*) FROM subscriptions;").ExecuteScalarAsync())!);
        Assert.Equal(0, (long)(await db.Command("SELECT COUNT(*) FROM chats WHERE case_alerts = 1 AND id IN (SELECT chat_ref FROM cases);").ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task AdminsManageFeedsAndOthersCannotSeeTheCommands()
    {
        var adminUser = _emulator.CreateUser("Admin", languageCode: "en");
        _feeds.SetRss("/config", []);
        _feeds.SetRss("/added", [Story(Repatriation, "existing")]);
        await StartBotAsync(requireApproval: false, ["/config"], adminUser.Id);
        var admin = _emulator.Driver(adminUser);
        await admin.Says("/start");
        await admin.Presses("English");

        var family = await SubscribedFamilyAsync(En("topic.repatriation"));
        Assert.Equal(En("unknown_command"), (await family.Says("/feeds")).Text);
        Assert.Equal(En("unknown_command"), (await family.Says("/review")).Text);
        Assert.Equal(En("unknown_command"), (await family.Says("/feeds add https://evil.example/feed")).Text);

        Assert.Contains("http", (await admin.Says("/feeds add ftp://example.org/feed")).Text);
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM feeds WHERE removed = 0;"));
        var added = await admin.Says("/feeds add " + _feeds.UrlFor("/added") + " Daily NK");
        Assert.Contains("Daily NK", added.Text);
        await PollAsync();
        await DeliverAllAsync();
        Assert.Equal(0, Received(family, Repatriation)); // a new feed's existing stories do not flood anyone

        var list = await admin.Says("/feeds");
        Assert.Contains("Feed config", list.Text);
        Assert.Contains("Daily NK", list.Text);
        Assert.Matches("ok: 1 items|not modified", list.Text); // the first fetch (on add) or a 304 after it
        var after = await admin.Presses(list.ButtonLabels.Single(l => l.Contains("Daily NK", StringComparison.Ordinal)));
        Assert.DoesNotContain("Daily NK", after.Text);
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM feeds WHERE removed = 0;"));
    }

    [Fact]
    public async Task DiscreetAlertSaysNothingAboutTheNewsUntilShowEditsItIn()
    {
        const string title = "China forcibly repatriates 40 North Korean escapees — 북한 탈북민 朝鲜脱北者";
        _feeds.SetRss("/news", []);
        await StartBotAsync(requireApproval: false, ["/news"]);
        await PollAsync();
        var family = await SubscribedFamilyAsync(discreet: true, En("topic.repatriation"));
        await SetPhraseAsync(family, "blue kite");
        await family.Says("/privacy");
        await family.Presses(En("button.timer_1h"));

        _feeds.SetRss("/news", [Story(title, "discreet")]);
        await PollAsync();
        var notice = await _emulator.WaitForBotMessageAsync(family.ChatId, m => m.ButtonLabels.Contains(En("button.show")) && m.Text.Contains(En("notice.alert"), StringComparison.Ordinal));

        // What a lock screen shows: the family's phrase and the neutral line, nothing of the story.
        Assert.StartsWith("blue kite", notice.Text, StringComparison.Ordinal);
        foreach (var word in new[] { "China", "North Korea", "North Korean", "escapee", "북한", "탈북", "朝鲜", "脱北", En("topic.repatriation"), "Feed news", "news.example.org" })
        {
            Assert.DoesNotContain(word, notice.Text, StringComparison.OrdinalIgnoreCase);
        }

        Assert.True(notice.ProtectContent);

        var shown = await family.Presses(En("button.show"));

        Assert.Equal(notice.MessageId, shown.MessageId); // edited in place
        Assert.Contains(title, shown.Text);
        Assert.Contains(En("topic.repatriation"), shown.Text);
        Assert.Contains("Feed news", shown.Text);
        Assert.Contains("https://news.example.org/discreet", shown.Text);
        Assert.Empty(shown.ButtonLabels);
        Assert.True(shown.ProtectContent);
        Assert.NotNull(await ScalarOrNullAsync($"SELECT expires_at FROM tracked_messages WHERE message_id = {notice.MessageId};"));
    }

    [Fact]
    public async Task AlertWithoutDiscreetNotificationsNeverPutsThePhraseBeforeTheHeadline()
    {
        _feeds.SetRss("/news", []);
        await StartBotAsync(requireApproval: false, ["/news"]);
        await PollAsync();
        var family = await SubscribedFamilyAsync(En("topic.repatriation"));
        await SetPhraseAsync(family, "blue kite");

        _feeds.SetRss("/news", [Story(Repatriation, "phrase")]);
        await PollAsync();
        var alert = await _emulator.WaitForBotMessageAsync(family.ChatId, m => m.Text.Contains(Repatriation, StringComparison.Ordinal));

        Assert.DoesNotContain("blue kite", alert.Text, StringComparison.Ordinal);
        Assert.Contains(En("topic.repatriation"), alert.Text);
    }

    [Fact]
    public async Task FeedWithOnlyNameAndUrlIsPolledAndAlerts()
    {
        _feeds.SetRss("/plain", [Story(Repatriation, "at-first-fetch")]);
        await StartBotAsync(requireApproval: false, ["/plain"], withLanguage: false);
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM feeds WHERE removed = 0;"));
        var family = await SubscribedFamilyAsync(En("topic.repatriation"));
        await PollAsync();
        await DeliverAllAsync();
        Assert.Equal(0, Received(family, Repatriation)); // present at the first fetch: seen, alerting no one

        const string fresh = "Laos hands nine North Korean defectors to Chinese police";
        _feeds.SetRss("/plain", [Story(fresh, "later"), Story(Repatriation, "at-first-fetch")]);
        await PollAsync();
        await _emulator.WaitForBotMessageAsync(family.ChatId, m => m.Text.Contains(fresh, StringComparison.Ordinal));
        await DeliverAllAsync();
        Assert.Equal(1, Received(family, fresh));
        Assert.Equal(0, Received(family, Repatriation));
    }

    [Fact]
    public async Task StoryThatIsNotAboutEscapeesAlertsNoOne()
    {
        _feeds.SetRss("/news", []);
        await StartBotAsync(requireApproval: false, ["/news"]);
        await PollAsync();
        var family = await SubscribedFamilyAsync(En("topic.repatriation"), En("topic.rallies"), En("topic.border"), En("topic.detention"));

        string[] others = ["Apple to repatriate $250bn of overseas cash", "KOSPI rallies to record high on chip stocks", "Migrants detained at US border surge", "North Korea fires ballistic missile into East Sea"];
        _feeds.SetRss("/news", [.. others.Select((t, i) => Story(t, "other-" + i)), Story(Repatriation, "real")]);
        await PollAsync();
        await _emulator.WaitForBotMessageAsync(family.ChatId, m => m.Text.Contains(Repatriation, StringComparison.Ordinal));
        await DeliverAllAsync();

        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM alerts;"));
        Assert.All(others, t => Assert.Equal(0, Received(family, t)));
    }

    private async Task<object?> ScalarOrNullAsync(string sql)
    {
        await using var db = await _bot!.Service<Database>().BeginAsync();
        await using var command = db.Command(sql);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }
}
