using System.Reflection;

namespace FamilyLinkBot.Hosting;

/// <summary>What the command line asks for.</summary>
public enum CommandKind
{
    /// <summary>Run the bot (no arguments, or configuration overrides only).</summary>
    Run,
    Help,
    Version,
    SubCommand,

    /// <summary>Unknown sub-command or option: usage on stderr, exit code 2.</summary>
    Invalid,
}

/// <summary>The parsed command line: its kind, the sub-command's name, and for <see cref="CommandKind.Invalid"/> what was wrong.</summary>
public sealed record ParsedCommandLine(CommandKind Kind, string? SubCommand = null, string? Problem = null);

/// <summary>
/// Strict parsing of the program's arguments (docs/DESIGN.md#9-running-it). Only an empty list or configuration overrides start the bot, so
/// a typo such as <c>status</c> or <c>--hlep</c> on a server never starts a second poller next to the service.
/// </summary>
public static class CommandLine
{
    public const int UsageExitCode = 2;

    public static readonly IReadOnlyList<string> SubCommandNames = ["check", "keygen", "migrate-to-postgres", "rotate-key", "sandbox"];

    /// <summary>Configuration sections that may be overridden as <c>--Section:Key=Value</c>.</summary>
    private static readonly string[] Sections =
        ["Telegram", "Storage", "Crypto", "Admins", "Caseworkers", "Conversations", "Delivery", "Privacy", "Retention", "News", "Monitoring", "Logging"];

    /// <summary>Options of the .NET host itself (<c>--environment Production</c>).</summary>
    private static readonly string[] HostKeys = ["environment", "contentRoot", "applicationName"];

    public static ParsedCommandLine Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0)
        {
            return new(CommandKind.Run);
        }

        var first = args[0];
        if (first is "--help" or "-h" or "help" or "-?" or "/?")
        {
            return new(CommandKind.Help);
        }

        if (first is "--version" or "version")
        {
            return new(CommandKind.Version);
        }

        if (SubCommandNames.Contains(first))
        {
            if (args.Skip(1).Any(a => a is "--help" or "-h"))
            {
                return new(CommandKind.Help);
            }

            var problem = Unknown(args.AsSpan(1), first);
            return problem is null ? new(CommandKind.SubCommand, first) : new(CommandKind.Invalid, first, problem);
        }

        if (!first.StartsWith('-') && !first.Contains('='))
        {
            return new(CommandKind.Invalid, null, $"Unknown sub-command '{Shorten(first)}'.");
        }

        var unknown = Unknown(args, null);
        return unknown is null ? new(CommandKind.Run) : new(CommandKind.Invalid, null, unknown);
    }

    /// <summary>The first argument that is neither a configuration override nor an option of the sub-command, described; null when all are known.</summary>
    private static string? Unknown(ReadOnlySpan<string> args, string? subCommand)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (subCommand == "keygen" && i == 0 && !arg.StartsWith('-'))
            {
                continue; // keygen <path>
            }

            if (subCommand == "rotate-key" && arg == "--new")
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return "rotate-key needs --new <path of the new key file>.";
                }

                i++;
                continue;
            }

            if (subCommand == "migrate-to-postgres" && arg == "--from")
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return "migrate-to-postgres needs --from <path of the SQLite database>.";
                }

                i++;
                continue;
            }

            var key = OverrideKey(arg);
            if (key is null || !IsKnownKey(key, subCommand))
            {
                return $"Unknown option '{Shorten(arg)}'" + (subCommand is null ? "." : $" for '{subCommand}'.");
            }

            // "--Section:Key value": the value is the next argument (the .NET configuration syntax).
            if (!arg.Contains('=') && i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                i++;
            }
        }

        return null;
    }

    private static string? OverrideKey(string arg)
    {
        var body = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..]
            : arg.StartsWith('/') ? arg[1..]
            : arg.Contains('=') && !arg.StartsWith('-') ? arg
            : null;
        if (string.IsNullOrEmpty(body))
        {
            return null;
        }

        var equals = body.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? body : body[..equals];
    }

    private static bool IsKnownKey(string key, string? subCommand)
    {
        if (HostKeys.Any(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        var colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == key.Length - 1)
        {
            return false;
        }

        var section = key[..colon];
        return Sections.Any(s => string.Equals(s, section, StringComparison.OrdinalIgnoreCase))
            || (subCommand == "sandbox" && string.Equals(section, "Sandbox", StringComparison.OrdinalIgnoreCase));
    }

    // An argument is echoed back to help the operator, but never at length (it might be a pasted secret).
    private static string Shorten(string arg) => arg.Length <= 40 ? arg : arg[..20] + "…";

    public static string Version =>
        typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(CommandLine).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public const string Usage = """
        FamilyLinkBot: a Telegram bot that lets families of detained North Korean escapees follow a case with caseworkers,
        anonymously and encrypted at rest.

        Usage: FamilyLinkBot [--Section:Key=Value ...]     run the bot (settings from appsettings.json, environment, user secrets)
               FamilyLinkBot check                         check configuration, key, database and the Bot API; changes nothing
               FamilyLinkBot sandbox                       try the bot without Telegram on http://127.0.0.1:5080
               FamilyLinkBot keygen [path]                 write a new master key file (never overwrites one)
               FamilyLinkBot rotate-key --new PATH         re-wrap every data key under a new master key
               FamilyLinkBot migrate-to-postgres --from PATH
                                                           copy an SQLite deployment into the configured PostgreSQL database
               FamilyLinkBot --help | --version

        Main settings (appsettings.json, or environment variables such as Telegram__BotToken):
          Telegram:BotToken          the token from @BotFather (required)
          Telegram:Mode              Polling (default) or Webhook (with Telegram:WebhookUrl, WebhookSecret, ListenUrl)
          Admins:UserIds             Telegram user ids of admins; without any, the bot prints a one-time /setup code at start
          Storage:Provider           Sqlite (default) or PostgreSQL
          Storage:ConnectionString   the SQLite file (default data/familylinkbot.db), or an Npgsql connection string
          Crypto:MasterKeyPath       the master key file (default data/master.key); keep a copy apart from backups
          News:Feeds                 RSS/Atom feeds for news alerts
          Monitoring:Enabled         /healthz and /metrics on Monitoring:ListenUrl (default off; loopback)

        appsettings.example.json documents every key. Guides: README.md, docs/OPERATIONS.md, docs/SECURITY.md, docs/DESIGN.md.
        """;
}
