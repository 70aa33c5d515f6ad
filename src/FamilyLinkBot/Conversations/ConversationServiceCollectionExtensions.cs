using FamilyLinkBot.Conversations.Commands;
using FamilyLinkBot.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FamilyLinkBot.Conversations;

public static class ConversationServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddConversations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConversationOptions>().BindConfiguration(ConversationOptions.Section)
            .Validate(o => o.IdleTimeout > TimeSpan.Zero && o.IdleTimeout <= TimeSpan.FromDays(2), "Conversations:IdleTimeout must be between 00:00:01 and 2.00:00:00.")
            .ValidateOnStart();
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section)
            .Validate(o => o.UserIds.All(id => id > 0), "Admins:UserIds must hold positive Telegram user ids.")
            .ValidateOnStart();
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<Router>();
        builder.Services.AddSingleton<RoleResolver>();
        builder.Services.AddSingleton<IBotCommand, StartCommand>();
        builder.Services.AddSingleton<IBotCommand, HelpCommand>();
        builder.Services.AddSingleton<IBotCommand, LanguageCommand>();
        builder.Services.AddSingleton<IBotCommand, CancelCommand>();
        builder.Services.AddSingleton<IMenuAction, LanguageChoice>();
        return builder;
    }
}
