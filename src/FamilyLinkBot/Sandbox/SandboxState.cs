using System.Text.Json;

namespace FamilyLinkBot.Sandbox;

/// <summary>
/// What the sandbox remembers between runs beside the bot's own database (data/sandbox/sandbox.json): the
/// next update id, so a new emulator continues above the polling offset the bot stored, and whether the
/// caseworker has joined already.
/// </summary>
public sealed class SandboxState
{
    // Reserved at every start, so a run that was killed (and never wrote its real next id) is still passed.
    internal const int UpdateIdBlock = 1_000_000;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public int NextUpdateId { get; set; } = 1;

    public bool CaseworkerJoined { get; set; }

    public static string PathIn(string dataFolder) => Path.Combine(dataFolder, "sandbox.json");

    public static SandboxState Load(string dataFolder)
    {
        var path = PathIn(dataFolder);
        if (!File.Exists(path))
        {
            return new SandboxState();
        }

        try
        {
            return JsonSerializer.Deserialize<SandboxState>(File.ReadAllText(path)) ?? new SandboxState();
        }
        catch (JsonException)
        {
            // Best kept simple: a damaged state file only costs a fresh id block and a second caseworker invite.
            return new SandboxState { NextUpdateId = 1_000_000_000 };
        }
    }

    public void Save(string dataFolder)
    {
        Directory.CreateDirectory(dataFolder);
        var path = PathIn(dataFolder);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, JsonOptions));
        File.Move(temporary, path, overwrite: true);
    }
}
