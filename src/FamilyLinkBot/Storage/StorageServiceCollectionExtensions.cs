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
            .Validate(o => Enum.IsDefined(o.Provider), "Storage:Provider must be Sqlite or PostgreSQL.")
            .Validate(
                o => string.IsNullOrWhiteSpace(o.ConnectionString) || !Enum.IsDefined(o.Provider) || o.HasUsableConnectionString(),
                "Storage:ConnectionString must be an SQLite connection string naming a database file (Data Source=path), or with Storage:Provider=PostgreSQL an Npgsql connection string naming Host and Database.")
            .ValidateOnStart();
        builder.Services.AddSingleton<Database>();
        builder.Services.AddSingleton<SingletonLeases>();
        builder.Services.AddSingleton<Migrator>();
        builder.Services.AddSingleton<KeyStore>();
        builder.Services.AddSingleton<MetaStore>();
        builder.Services.AddSingleton<ChatStore>();
        builder.Services.AddSingleton<ProcessedUpdateStore>();
        builder.Services.AddHostedService<StorageInitializer>();
        return builder;
    }
}
