using FamilyLinkBot.Conversations;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Telegram;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Delivery;

public static class DeliveryServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddDelivery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section)
            .Validate<IOptions<TelegramOptions>>(
                (o, telegram) => o.MessagesPerSecond >= 1 && o.MessagesPerSecond <= DeliveryOptions.MaxRate(o.AllowPaidBroadcast, telegram.Value.ApiBaseUrl),
                "Delivery:MessagesPerSecond must be between 1 and 30 (up to 1000 with Delivery:AllowPaidBroadcast; unlimited only for a Bot API on 127.0.0.1).")
            .Validate(o => o.MaxAttempts is >= 1 and <= 100, "Delivery:MaxAttempts must be between 1 and 100.")
            .Validate(
                o => o.Instance is { Length: >= 1 and <= 40 } && o.Instance.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'),
                "Delivery:Instance must be 1 to 40 letters, digits, '-' or '_'.")
            .ValidateOnStart();
        builder.Services.AddSingleton<Outbox>();
        builder.Services.AddSingleton<OutboxStore>();
        builder.Services.AddSingleton<TelegramSender>();
        builder.Services.AddSingleton<TelegramCircuit>();
        // Real time whatever clock the bot is given: the limit is Telegram's, on the wall clock.
        // One process: the window in memory. An engine several instances share: the window in the database as well
        // (docs/DESIGN.md#12-scale-out), since Telegram counts per bot.
        builder.Services.AddSingleton(s => new SlidingWindowRateLimiter(
            s.GetRequiredService<IOptions<DeliveryOptions>>().Value.MessagesPerSecond, TimeSpan.FromSeconds(1), TimeProvider.System));
        builder.Services.AddSingleton<ISendRateLimiter>(s =>
        {
            var local = s.GetRequiredService<SlidingWindowRateLimiter>();
            var database = s.GetRequiredService<Database>();
            return database.Dialect.SharedByInstances
                ? new SharedSendRateLimiter(
                    database, local, s.GetRequiredService<TelegramCircuit>(), s.GetRequiredService<IOptions<DeliveryOptions>>().Value.MessagesPerSecond, TimeSpan.FromSeconds(1),
                    s.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SharedSendRateLimiter>>())
                : local;
        });
        builder.Services.AddSingleton<SystemKey>();
        builder.Services.AddSingleton<IAudienceQuery, AllAudienceQuery>();
        builder.Services.AddSingleton<IAudienceQuery, LanguageAudienceQuery>();
        builder.Services.AddSingleton<IAudienceQuery>(new EmptyAudienceQuery(AudienceKind.Topic));
        builder.Services.AddSingleton<IAudienceQuery>(new EmptyAudienceQuery(AudienceKind.Region));
        builder.Services.AddSingleton<BroadcastStore>();
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddHostedService(s => s.GetRequiredService<OutboxDispatcher>());
        builder.Services.AddSingleton<BroadcastRunner>();
        builder.Services.AddHostedService(s => s.GetRequiredService<BroadcastRunner>());
        builder.Services.AddSingleton<IBotCommand, BroadcastCommand>();
        builder.Services.AddSingleton<IBotCommand, BroadcastsCommand>();
        builder.Services.AddSingleton<BroadcastActions>();
        builder.Services.AddSingleton<IMenuAction>(s => s.GetRequiredService<BroadcastActions>());
        builder.Services.AddSingleton<IFlow>(s => s.GetRequiredService<BroadcastActions>());
        return builder;
    }
}
