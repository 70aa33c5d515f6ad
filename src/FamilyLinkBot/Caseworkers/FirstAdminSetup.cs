using FamilyLinkBot.Hosting;
using FamilyLinkBot.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Caseworkers;

/// <summary>Where the setup code is printed: the console only, never a logger (a logger may write to files).</summary>
public sealed class SetupCodeConsole(TextWriter writer)
{
    public TextWriter Writer { get; } = writer;
}

/// <summary>
/// At start, when no admin is configured (<c>Admins:UserIds</c>) and none was claimed, issues a one-time
/// <see cref="AdminSetupCode"/> and prints it to the console, with what to do with it.
/// </summary>
public sealed class FirstAdminSetup(Database database, ClaimedAdminStore claims, AdminSetupCode code, SetupCodeConsole console, IOptions<AdminOptions> admins) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (admins.Value.UserIds.Count > 0)
        {
            return;
        }

        await using (var db = await database.BeginAsync(cancellationToken))
        {
            if (await claims.GetAsync(db, cancellationToken) is not null)
            {
                return;
            }
        }

        var issued = code.Issue();
        await console.Writer.WriteLineAsync($"""

            No admin yet. To become the first admin, send this message to the bot in Telegram within {(int)AdminSetupCode.Validity.TotalHours} hours:

                /setup {issued}

            It works once; a restart makes a new code. (Admins listed in Admins:UserIds need no code.)

            """.AsMemory(), cancellationToken);
        await console.Writer.FlushAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
