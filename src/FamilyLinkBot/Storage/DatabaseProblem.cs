using System.Data.Common;
using System.Globalization;
using FamilyLinkBot.Storage;
using Npgsql;

namespace FamilyLinkBot.Storage;

/// <summary>
/// A database error as the one line an operator needs from <c>check</c> and <c>migrate-to-postgres</c>: where it
/// happened and what to fix, from the error's kind and code only (an engine's message may quote values), never a
/// password or a stack trace.
/// </summary>
public static class DatabaseProblem
{
    public static string Describe(StorageOptions storage, SqlDialect dialect, DbException error)
    {
        if (storage.Provider == StorageProvider.PostgreSQL)
        {
            var target = new NpgsqlConnectionStringBuilder(storage.ConnectionString);
            var server = $"{target.Host}:{target.Port.ToString(CultureInfo.InvariantCulture)}";
            switch (error)
            {
                case PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName }:
                    return $"PostgreSQL database {target.Database} does not exist at {server}; create it first (CREATE DATABASE {target.Database}" +
                        (string.IsNullOrEmpty(target.Username) ? ";)." : $" OWNER {target.Username};).");
                case PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification }:
                    return $"PostgreSQL at {server} refused the login{(string.IsNullOrEmpty(target.Username) ? "" : " of role " + target.Username)}: check Username and Password in Storage:ConnectionString.";
                case PostgresException:
                    break;
                case NpgsqlException:
                    // Refused, timed out, unknown host, TLS refused: the server was not reached as configured.
                    return $"cannot reach PostgreSQL at {server} (Storage:ConnectionString).";
            }
        }

        return dialect.DescribeError(error) ?? error.GetType().Name;
    }
}
