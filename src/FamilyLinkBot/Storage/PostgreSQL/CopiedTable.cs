namespace FamilyLinkBot.Storage.PostgreSQL;

/// <summary>One table that <see cref="SqliteToPostgresCopier"/> copied, and how many rows went over.</summary>
public sealed record CopiedTable(string Name, long Rows);
