using FamilyLinkBot.Crypto;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FamilyLinkBot.Storage;

public static class StorageServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), "Storage:ConnectionString must not be empty.")
            .Validate(o => string.IsNullOrWhiteSpace(o.ConnectionString) || Database.IsUsable(o.ConnectionString), "Storage:ConnectionString must be an SQLite connection string naming a database file (Data Source=path).")
            .ValidateOnStart();
        builder.Services.AddSingleton<Database>();
        builder.Services.AddSingleton<Migrator>();
        builder.Services.AddSingleton<KeyStore>();
        builder.Services.AddSingleton<ChatRepository>();
        builder.Services.AddHostedService<StorageInitializer>();
        return builder;
    }
}
