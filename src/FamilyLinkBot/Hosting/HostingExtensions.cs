using FamilyLinkBot.Alerts;
using FamilyLinkBot.Cases;
using FamilyLinkBot.Caseworkers;
using FamilyLinkBot.Conversations;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Delivery;
using FamilyLinkBot.Monitoring;
using FamilyLinkBot.Privacy;
using FamilyLinkBot.Resources;
using FamilyLinkBot.Storage;
using FamilyLinkBot.Telegram;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FamilyLinkBot.Hosting;

/// <summary>The one composition root: each feature registers itself through its own Add method.</summary>
public static class HostingExtensions
{
    public static IHostApplicationBuilder AddFamilyLinkBot(this IHostApplicationBuilder builder)
    {
        // Framework HTTP logging would print request URLs, which carry the bot token.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(_ => Texts.Load());
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(8));

        builder.AddCrypto();
        builder.AddStorage();
        builder.AddMonitoring();
        builder.AddTelegramStartCheck();
        builder.AddConversations();
        builder.AddCases();
        builder.AddCaseworkers();
        builder.AddPrivacy();
        builder.AddDelivery();
        builder.AddAlerts();
        builder.AddTelegram();
        return builder;
    }
}
