using FamilyLinkBot.Conversations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace FamilyLinkBot.Caseworkers;

public static class CaseworkersServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddCaseworkers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CaseworkerOptions>().BindConfiguration(CaseworkerOptions.Section)
            .Validate(o => o.TokenLookupsPerMinute is >= 1 and <= 1000, "Caseworkers:TokenLookupsPerMinute must be between 1 and 1000.")
            .Validate(o => o.InviteValidity >= TimeSpan.FromMinutes(1) && o.InviteValidity <= TimeSpan.FromDays(30), "Caseworkers:InviteValidity must be between 00:01:00 and 30.00:00:00.")
            .ValidateOnStart();
        builder.Services.AddSingleton<CaseworkerStore>();
        builder.Services.AddSingleton<RelayMessageStore>();
        builder.Services.AddSingleton<RelayCopyStore>();
        builder.Services.AddSingleton<CaseReference>();
        builder.Services.AddSingleton<Delivery.ISentMessageListener, RelayCopyRecorder>();
        builder.Services.AddSingleton<TokenLookupStore>();
        builder.Services.AddSingleton<TokenLookupLimiter>();
        builder.Services.AddSingleton<AdminSetupCode>();
        builder.Services.AddSingleton<ClaimedAdminStore>();
        builder.Services.AddSingleton<ClaimedAdminCache>();
        builder.Services.TryAddSingleton(new SetupCodeConsole(Console.Out));
        builder.Services.AddHostedService<FirstAdminSetup>();
        builder.Services.AddSingleton<IBotCommand, SetupCommand>();
        builder.Services.AddSingleton<FamilyNotifier>();
        builder.Services.AddSingleton<FamilyMessages>();
        builder.Services.AddSingleton<CaseLookup>();
        builder.Services.AddSingleton<CaseworkerAnswer>();
        builder.Services.AddSingleton<IBotCommand, InviteCommand>();
        builder.Services.AddSingleton<IBotCommand, JoinCommand>();
        builder.Services.AddSingleton<IBotCommand, CaseworkersCommand>();
        builder.Services.AddSingleton<IBotCommand, CaseCommand>();
        builder.Services.AddSingleton<IBotCommand, StatusCommand>();
        builder.Services.AddSingleton<IBotCommand, ReplyCommand>();
        builder.Services.AddSingleton<IBotCommand, MyCasesCommand>();
        builder.Services.AddSingleton<IBotCommand, StatsCommand>();
        builder.Services.AddSingleton<IMenuAction, CaseworkerActions>();
        builder.Services.AddSingleton<IMenuAction, RelayAction>();
        builder.Services.AddSingleton<IMenuAction, NoticeAction>();
        builder.Services.AddSingleton<IMenuAction, AnswerAction>();
        builder.Services.AddSingleton<IFlow, RelayFlow>();
        builder.Services.AddSingleton<IFlow, AnswerFlow>();
        builder.Services.AddSingleton<IReplyTarget, RelayReplyTarget>();
        return builder;
    }
}
