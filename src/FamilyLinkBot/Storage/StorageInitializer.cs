using Microsoft.Extensions.Hosting;

namespace FamilyLinkBot.Storage;

/// <summary>Runs before every other hosted service: migrates the schema and loads the keys, or stops the start.</summary>
public sealed class StorageInitializer(Migrator migrator, KeyStore keys) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);
        await keys.InitializeAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
