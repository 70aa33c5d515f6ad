using System.Runtime.InteropServices;
using FamilyLinkBot.Crypto;
using FamilyLinkBot.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Sandbox;

/// <summary>
/// <c>dotnet run --project src/FamilyLinkBot -- sandbox [--Sandbox:ListenUrl=http://127.0.0.1:5080]</c>: runs the
/// sandbox until Ctrl+C or SIGTERM. Settings come from the command line only (docs/DESIGN.md#11-sandbox: no token, no internet).
/// </summary>
public static class SandboxCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var commandLine = new ConfigurationBuilder().AddCommandLine(args).Build();
        var options = commandLine.GetSection(SandboxOptions.Section).Get<SandboxOptions>() ?? new SandboxOptions();
        var settings = commandLine.AsEnumerable()
            .Where(pair => pair.Value is not null && !pair.Key.StartsWith(SandboxOptions.Section + ":", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(pair => pair.Key, pair => pair.Value);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        try
        {
            await using var sandbox = await SandboxHost.StartAsync(options, settings, cancellationToken: stop.Token);
            await output.WriteLineAsync($"""

                FamilyLinkBot sandbox — no Telegram, no internet; data in {sandbox.DataFolder}
                Open {sandbox.PageUrl} in a browser. Ctrl+C stops it.

                """);
            var lifetime = (Microsoft.Extensions.Hosting.IHostApplicationLifetime?)sandbox.Bot.Services.GetService(typeof(Microsoft.Extensions.Hosting.IHostApplicationLifetime));
            using var botStopped = lifetime?.ApplicationStopping.Register(stop.Cancel);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C, SIGTERM or the bot stopping by itself.
            }

            await output.WriteLineAsync("Stopping the sandbox…");
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await error.WriteLineAsync("Configuration error: " + failure);
            }

            return 2;
        }
        catch (Exception ex) when (ex is StartupException or MasterKeyException)
        {
            await error.WriteLineAsync("Cannot start the sandbox: " + ex.Message);
            return 3;
        }
        catch (Exception ex) when (StartupException.IsAddressInUse(ex))
        {
            await error.WriteLineAsync($"Cannot start the sandbox: {options.ListenUrl} is in use. Choose another port: -- sandbox --Sandbox:ListenUrl=http://127.0.0.1:5081");
            return 3;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
