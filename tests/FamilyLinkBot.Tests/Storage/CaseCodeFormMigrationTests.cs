using FamilyLinkBot.Storage;
using FamilyLinkBot.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FamilyLinkBot.Tests.Storage;

/// <summary>Migration 0006 (case code forms): cases made before word codes keep their letters token.</summary>
public sealed class CaseCodeFormMigrationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task CaseFromBeforeWordCodesKeepsItsTokenHashAndReadsAsLetters()
    {
        using var database = new Database("Data Source=" + _folder.File("old.db"));
        byte[] tokenHash = [1, 2, 3, 4];
        var formVersion = Migrator.Scripts.Single(s => s.Sql.Contains("token_form", StringComparison.Ordinal)).Version;
        await using (var connection = await database.OpenAsync())
        {
            foreach (var (version, sql) in Migrator.Scripts.Where(s => s.Version < formVersion))
            {
                await ExecuteAsync(connection, sql + $"\nPRAGMA user_version = {version};");
            }

            await using var insert = connection.CreateCommand();
            insert.CommandText =
                "INSERT INTO chats (id, chat_index, data_key, chat_id, created_at, last_seen_at) VALUES ('c', x'01', x'02', x'03', 0, 0);" +
                "INSERT INTO cases (id, chat_ref, number, token_hash, relation, region, status, created_at, updated_at) " +
                "VALUES ('k', 'c', 1, @hash, x'04', x'05', 'reported', 0, 0);";
            insert.With("@hash", tokenHash);
            await insert.ExecuteNonQueryAsync();
        }

        Assert.Equal(Migrator.LatestVersion, await new Migrator(database).MigrateAsync());

        await using (var connection = await database.OpenAsync())
        {
            await using var select = connection.CreateCommand();
            select.CommandText = "SELECT token_form, token_hash FROM cases WHERE id = 'k';";
            await using var reader = await select.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal("letters", reader.GetString(0));
            Assert.Equal(tokenHash, (byte[])reader.GetValue(1));
        }

        await using (var connection = await database.OpenAsync())
        {
            await using var bad = connection.CreateCommand();
            bad.CommandText = "UPDATE cases SET token_form = 'emoji' WHERE id = 'k';";
            await Assert.ThrowsAsync<SqliteException>(() => bad.ExecuteNonQueryAsync());
        }
    }

    private static async Task ExecuteAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
