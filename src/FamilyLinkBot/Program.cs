using FamilyLinkBot.Crypto;
using FamilyLinkBot.Hosting;
using FamilyLinkBot.Telegram;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FamilyLinkBot;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var command = CommandLine.Parse(args);
        switch (command.Kind)
        {
            case CommandKind.Help:
                await Console.Out.WriteLineAsync(CommandLine.Usage);
                return 0;
            case CommandKind.Version:
                await Console.Out.WriteLineAsync("FamilyLinkBot " + CommandLine.Version);
                return 0;
            case CommandKind.Invalid:
                await Console.Error.WriteLineAsync(command.Problem + " See the usage below." + Environment.NewLine);
                await Console.Error.WriteLineAsync(CommandLine.Usage);
                return CommandLine.UsageExitCode;
            case CommandKind.SubCommand:
                return await SubCommands.RunAsync(args, Console.Out, Console.Error);
            case CommandKind.Run:
                break;
        }

        var builder = CreateBuilder(args);
        if (string.IsNullOrWhiteSpace(builder.Configuration["Telegram:BotToken"]))
        {
            await Console.Error.WriteLineAsync(TelegramOptionsValidator.MissingTokenMessage);
            return 2;
        }

        return await RunAsync(builder.Build());
    }

    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Configuration.AddUserSecrets(typeof(Program).Assembly, optional: true);
        // The host logs a failed start with the whole stack trace; RunAsync prints the one line an operator needs
        // instead. Critical stays on: a background service that crashes is a bug worth its trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.AddFamilyLinkBot();
        return builder;
    }

    /// <summary>Runs the host; configuration, key, address and token problems end it with one line for the operator.</summary>
    public static async Task<int> RunAsync(IHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            var failures = ConfigurationValidation.Failures(host.Services);
            if (failures.Count > 0)
            {
                await WriteConfigurationErrorsAsync(failures);
                return 2;
            }

            await host.RunAsync(cancellationToken);
            return 0;
        }
        catch (Exception ex) when (ConfigurationValidation.Describe(ex) is { Count: > 0 } failures)
        {
            await WriteConfigurationErrorsAsync(failures);
            return 2;
        }
        catch (Exception ex) when (ex is StartupException or MasterKeyException)
        {
            await Console.Error.WriteLineAsync("Cannot start: " + ex.Message);
            return 3;
        }
        catch (Alerts.MatchingRulesException ex)
        {
            await Console.Error.WriteLineAsync("Configuration error: News:RulesPath: " + ex.Message);
            return 2;
        }
        catch (OperationCanceledException)
        {
            return 0; // Ctrl+C or SIGTERM while starting (e.g. while Telegram could not be reached): a normal stop
        }
        finally
        {
            host.Dispose();
        }
    }

    private static async Task WriteConfigurationErrorsAsync(IReadOnlyList<string> failures)
    {
        foreach (var failure in failures)
        {
            await Console.Error.WriteLineAsync("Configuration error: " + failure);
        }
    }
}
