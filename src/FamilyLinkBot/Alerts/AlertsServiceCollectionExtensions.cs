using System.Net;
using FamilyLinkBot.Conversations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Alerts;

public static class AlertsServiceCollectionExtensions
{
    public const string HttpClientName = "feeds";

    public static IHostApplicationBuilder AddAlerts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<NewsOptions>().BindConfiguration(NewsOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<NewsOptions>, NewsOptionsValidator>();

        // The rules are loaded once, at start: a broken rules file stops the bot with a message naming the problem.
        builder.Services.AddSingleton(s => MatchingRules.LoadConfigured(s.GetRequiredService<IOptions<NewsOptions>>().Value));
        builder.Services.AddSingleton(s => new NewsMatcher(s.GetRequiredService<MatchingRules>()));
        // Registered after AddDelivery's empty placeholders: the last audience query of a kind wins.
        builder.Services.AddSingleton<Delivery.IAudienceQuery, TopicAudienceQuery>();
        builder.Services.AddSingleton<Delivery.IAudienceQuery, RegionAudienceQuery>();

        // No HttpClient logging: a feed URL may carry an access key in its query string. Redirects are followed only
        // between http and https (SocketsHttpHandler never follows other schemes, nor https to http).
        builder.Services.AddHttpClient(HttpClientName, (s, c) =>
            {
                var news = s.GetRequiredService<IOptions<NewsOptions>>().Value;
                c.Timeout = news.FetchTimeout + TimeSpan.FromSeconds(10); // a backstop; FeedFetcher enforces FetchTimeout
                c.DefaultRequestHeaders.UserAgent.ParseAdd("FamilyLinkBot/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(s => new SocketsHttpHandler
            {
                // Every connection, redirects included, is checked against internal addresses after DNS (SSRF).
                ConnectCallback = (context, ct) => FeedAddressGuard.ConnectAsync(
                    context, s.GetRequiredService<IOptions<NewsOptions>>().Value.AllowPrivateAddresses, ct),
                AllowAutoRedirect = true,
                MaxAutomaticRedirections = 5,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
                PooledConnectionLifetime = TimeSpan.FromMinutes(15),
                UseCookies = false,
            })
            .RemoveAllLoggers();

        builder.Services.AddSingleton<FeedStore>();
        builder.Services.AddSingleton<SeenStoryStore>();
        builder.Services.AddSingleton<AlertStore>();
        builder.Services.AddSingleton<SubscriptionStore>();
        builder.Services.AddSingleton<AdminNotifier>();
        builder.Services.AddSingleton<AlertFanOut>();
        builder.Services.AddHostedService(s => s.GetRequiredService<AlertFanOut>());
        builder.Services.AddSingleton<FeedPoller>();
        builder.Services.AddHostedService(s => s.GetRequiredService<FeedPoller>());

        builder.Services.AddSingleton<IBotCommand, SubscribeCommand>();
        builder.Services.AddSingleton<IBotCommand, UnsubscribeCommand>();
        builder.Services.AddSingleton<SubscribeActions>();
        builder.Services.AddSingleton<IMenuAction>(s => s.GetRequiredService<SubscribeActions>());
        builder.Services.AddSingleton<FeedsCommand>();
        builder.Services.AddSingleton<IBotCommand>(s => s.GetRequiredService<FeedsCommand>());
        builder.Services.AddSingleton<IMenuAction>(s => s.GetRequiredService<FeedsCommand>());
        builder.Services.AddSingleton<ReviewCommand>();
        builder.Services.AddSingleton<IBotCommand>(s => s.GetRequiredService<ReviewCommand>());
        builder.Services.AddSingleton<IMenuAction>(s => s.GetRequiredService<ReviewCommand>());
        return builder;
    }
}

/// <summary>
/// Checks the News section at start (docs/DESIGN.md#9-running-it: invalid configuration fails at start, naming the key). News:Feeds is
/// also read as written, because the configuration binder silently leaves out a list entry it cannot build: every
/// entry of News:Feeds must be usable, or start-up stops naming it (docs/DESIGN.md#7-news-alerts).
/// </summary>
public sealed class NewsOptionsValidator(IConfiguration configuration) : IValidateOptions<NewsOptions>
{
    private static readonly string[] FeedKeys = ["Name", "Url", "Language"];

    public ValidateOptionsResult Validate(string? name, NewsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = FeedEntryProblems().Concat(options.Validate()).Distinct(StringComparer.Ordinal).ToList();
        var written = configuration.GetSection(NewsOptions.SectionName + ":Feeds").GetChildren().Count();
        if (problems.Count == 0 && written != options.Feeds.Count)
        {
            problems.Add($"News:Feeds has {written} entries but only {options.Feeds.Count} could be read; each needs Name and Url (and optionally Language).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private IEnumerable<string> FeedEntryProblems()
    {
        foreach (var entry in configuration.GetSection(NewsOptions.SectionName + ":Feeds").GetChildren())
        {
            var key = $"News:Feeds:{entry.Key}";
            if (entry.Value is not null && !entry.GetChildren().Any())
            {
                yield return $"{key} must be a feed with Name and Url (and optionally Language), not a single value.";
                continue;
            }

            foreach (var unknown in entry.GetChildren().Where(c => !FeedKeys.Contains(c.Key, StringComparer.OrdinalIgnoreCase)))
            {
                yield return $"{key}:{unknown.Key} is not a feed setting; a feed has Name, Url and optionally Language.";
            }

            if (string.IsNullOrWhiteSpace(entry["Name"]))
            {
                yield return $"{key}:Name is required.";
            }

            if (!Uri.TryCreate(entry["Url"], UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                yield return $"{key}:Url must be an absolute http or https URL.";
            }

            if (entry["Language"] is { Length: > 0 } language && !MatchingRules.Languages.Contains(language))
            {
                yield return $"{key}:Language must be one of {string.Join(", ", MatchingRules.Languages)} or empty.";
            }
        }
    }
}
