using FamilyLinkBot.Conversations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FamilyLinkBot.Privacy;

public static class PrivacyServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddPrivacy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.Section)
            .Validate(o => o.SweepInterval >= TimeSpan.FromSeconds(1) && o.SweepInterval <= TimeSpan.FromHours(1), "Privacy:SweepInterval must be between 00:00:01 and 01:00:00.")
            .ValidateOnStart();
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section)
            .Validate(o => o.InactiveFamilyDays >= 1, "Retention:InactiveFamilyDays must be at least 1.")
            .Validate(o => o.ClosedCaseDays >= 1, "Retention:ClosedCaseDays must be at least 1.")
            .Validate(o => o.BroadcastDays >= 1, "Retention:BroadcastDays must be at least 1.")
            .Validate(o => o.SweepInterval >= TimeSpan.FromMinutes(1), "Retention:SweepInterval must be at least 00:01:00.")
            .ValidateOnStart();
        builder.Services.AddSingleton<TrackedMessageStore>();
        builder.Services.AddSingleton<FamilyEraser>();
        builder.Services.AddSingleton<MessageDeleter>();
        builder.Services.AddSingleton<IBotCommand, PrivacyCommand>();
        builder.Services.AddSingleton<PrivacyActions>();
        builder.Services.AddSingleton<IMenuAction>(s => s.GetRequiredService<PrivacyActions>());
        builder.Services.AddSingleton<IFlow>(s => s.GetRequiredService<PrivacyActions>());
        builder.Services.AddSingleton<IBotCommand, PanicCommand>();
        builder.Services.AddSingleton<IBotCommand, ForgetCommand>();
        builder.Services.AddSingleton<IMenuAction, ForgetAction>();
        builder.Services.AddSingleton<DisappearingSweeper>();
        builder.Services.AddHostedService(s => s.GetRequiredService<DisappearingSweeper>());
        builder.Services.AddSingleton<RetentionSweeper>();
        builder.Services.AddHostedService(s => s.GetRequiredService<RetentionSweeper>());
        return builder;
    }
}
