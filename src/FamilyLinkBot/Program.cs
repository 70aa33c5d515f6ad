using FamilyLinkBot.Crypto;
using FamilyLinkBot.Hosting;
using FamilyLinkBot.Telegram;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (SubCommands.IsSubCommand(args))
        {
            return await SubCommands.RunAsync(args, Console.Out, Console.Error);
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
        builder.AddFamilyLinkBot();
        return builder;
    }

    /// <summary>Runs the host; configuration and key problems end it with a message for the operator.</summary>
    public static async Task<int> RunAsync(IHost host, CancellationToken cancellationToken = default)
    {
        try
        {
            await host.RunAsync(cancellationToken);
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync("Configuration error: " + failure);
            }

            return 2;
        }
        catch (Exception ex) when (ex is StartupException or MasterKeyException)
        {
            await Console.Error.WriteLineAsync("Cannot start: " + ex.Message);
            return 3;
        }
        finally
        {
            host.Dispose();
        }
    }
}
