using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FamilyLinkBot.Delivery;

public static class DeliveryServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddDelivery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section)
            .Validate(o => o.MessagesPerSecond >= 1 && o.MessagesPerSecond <= (o.AllowPaidBroadcast ? 1000 : 30),
                "Delivery:MessagesPerSecond must be between 1 and 30 (up to 1000 with Delivery:AllowPaidBroadcast).")
            .Validate(o => o.MaxAttempts is >= 1 and <= 100, "Delivery:MaxAttempts must be between 1 and 100.")
            .ValidateOnStart();
        builder.Services.AddSingleton<Outbox>();
        builder.Services.AddHostedService<OutboxDispatcher>();
        return builder;
    }
}
