using System.Text.Json;
using FamilyLinkBot.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace FamilyLinkBot.Monitoring;

/// <summary>
/// Serves <c>/healthz</c> (200 or 503 with each check) and <c>/metrics</c> (Prometheus text) on
/// <c>Monitoring:ListenUrl</c> when <c>Monitoring:Enabled</c>. A small Kestrel app of its own, like the webhook
/// receiver, so that neither needs the other; the metrics come from the bot's own OpenTelemetry meter provider.
/// </summary>
public sealed class MonitoringServer(
    IServiceProvider services,
    HealthCheck health,
    IOptions<MonitoringOptions> options,
    ILogger<MonitoringServer> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The address it listens on (useful when Monitoring:ListenUrl names port 0).</summary>
    public string? BoundUrl { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(settings.ListenUrl);
        _app = builder.Build();
        _app.MapGet("/healthz", WriteHealthAsync);
        // Refresh the database gauges (outbox depth, broadcast progress) just before the exporter collects them.
        _app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/metrics"))
            {
                await RefreshQuietlyAsync(context.RequestAborted);
            }

            await next(context);
        });
        _app.UseOpenTelemetryPrometheusScrapingEndpoint(
            services.GetRequiredService<MeterProvider>(),
            context => context.Request.Path == "/metrics",
            null,
            null,
            null);
        try
        {
            await _app.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (StartupException.IsAddressInUse(ex))
        {
            throw StartupException.AddressInUse("Monitoring:ListenUrl", settings.ListenUrl, ex);
        }

        BoundUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        logger.LogInformation("Serving /healthz and /metrics on {Address}.", BoundUrl);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task WriteHealthAsync(HttpContext context)
    {
        var entries = await health.RunAsync(context.RequestAborted);
        var healthy = entries.All(e => e.Healthy);
        context.Response.StatusCode = healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("status", healthy ? "healthy" : "unhealthy");
        json.WriteStartObject("checks");
        foreach (var entry in entries)
        {
            json.WriteStartObject(entry.Name);
            json.WriteBoolean("healthy", entry.Healthy);
            json.WriteString("detail", entry.Detail);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    private async Task RefreshQuietlyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await health.RefreshGaugesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Metrics: the database gauges could not be read ({ErrorType}).", ex.GetType().Name);
        }
    }
}
