namespace FamilyLinkBot.Hosting;

/// <summary>A problem that stops the bot at start with a message meant for the operator (no secrets in it).</summary>
public sealed class StartupException(string message) : Exception(message);
