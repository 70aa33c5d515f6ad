using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace FamilyLinkBot.Monitoring;

public static class MonitoringServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddMonitoring(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MonitoringOptions>().BindConfiguration(MonitoringOptions.Section)
            .Validate(
                o => !o.Enabled || (Uri.TryCreate(o.ListenUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)),
                "Monitoring:ListenUrl must be an http:// address to listen on, e.g. http://127.0.0.1:9464.")
            .Validate(o => o.TelegramStaleAfter >= TimeSpan.FromSeconds(1), "Monitoring:TelegramStaleAfter must be at least 00:00:01.")
            .Validate(o => o.OutboxStuckAfter >= TimeSpan.FromSeconds(1), "Monitoring:OutboxStuckAfter must be at least 00:00:01.")
            .ValidateOnStart();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<BotMetrics>();
        builder.Services.AddTransient<TelegramCallRecorder>();
        builder.Services.AddSingleton<HealthCheck>();
        // Read leniently here: a value that is not a boolean is reported by the options validation, naming the key.
        if (bool.TryParse(builder.Configuration["Monitoring:Enabled"], out var enabled) && enabled)
        {
            // The exporter only when it is asked for: no metric collection runs in a bot that nobody scrapes.
            builder.Services.AddOpenTelemetry()
                .ConfigureResource(resource => resource.AddService("familylinkbot", serviceVersion: Hosting.CommandLine.Version))
                .WithMetrics(metrics => metrics.AddMeter(BotMetrics.MeterName).AddPrometheusExporter());
            builder.Services.AddSingleton<MonitoringServer>();
            builder.Services.AddHostedService(s => s.GetRequiredService<MonitoringServer>());
        }

        return builder;
    }
}
