namespace FamilyLinkBot.Benchmarks;

/// <summary>What a run's figures depend on besides the code: the cores and how busy they were.</summary>
public static class Machine
{
    /// <summary>The 1, 5 and 15 minute load averages, as <c>uptime</c> shows them.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>Cores, OS and runtime; <paramref name="sharing"/> names who shares the cores.</summary>
    public static string Describe(string sharing) =>
        $"machine: {Environment.ProcessorCount} cores ({sharing} share them), {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
}
