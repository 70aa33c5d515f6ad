using FamilyLinkBot.Conversations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FamilyLinkBot.Cases;

public static class CasesServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddCases(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CaseStore>();
        builder.Services.AddSingleton<IBotCommand, RegisterCommand>();
        builder.Services.AddSingleton<RegisterFlow>();
        builder.Services.AddSingleton<IFlow>(s => s.GetRequiredService<RegisterFlow>());
        builder.Services.AddSingleton<IMenuAction>(s => s.GetRequiredService<RegisterFlow>());
        builder.Services.AddSingleton<IBotCommand, CasesCommand>();
        builder.Services.AddSingleton<IMenuAction, CaseActions>();
        return builder;
    }
}
