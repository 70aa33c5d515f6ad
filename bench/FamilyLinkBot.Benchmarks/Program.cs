using BenchmarkDotNet.Running;

namespace FamilyLinkBot.Benchmarks;

/// <summary>
/// docs/DESIGN.md#10-performance-targets measurements. `crypto` runs BenchmarkDotNet; `relevance` scores the news rules on the labelled
/// headline corpus; `updates`, `startup`, `broadcast` and `many` run the real program as
/// a child process against the Bot API emulator in this process, on loopback, and print their figures.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var mode = args.FirstOrDefault() ?? "help";
        switch (mode)
        {
            case "crypto":
                BenchmarkRunner.Run<FieldEncryptionBenchmark>(args: args.Skip(1).ToArray());
                return 0;
            case "updates":
                return await UpdatesRun.RunAsync(
                    Arg(args, "--updates", 20_000), Arg(args, "--users", 20_000), Text(args, "--postgres"), Arg(args, "--instances", 1));
            case "startup":
                return await StartupRun.RunAsync(Arg(args, "--runs", 5), Arg(args, "--idle-seconds", 15));
            case "broadcast":
                return await BroadcastRun.RunAsync(
                    Arg(args, "--recipients", 10_000), Arg(args, "--rate", 25), args.Contains("--paid"), args.Contains("--unlimited"),
                    args.Contains("--strict") ? Arg(args, "--strict", 30) : null, Arg(args, "--fail502", 0),
                    Text(args, "--postgres"), Arg(args, "--instances", 1), Fraction(args, "--kill-at", 0.33),
                    args.Contains("--kill-while-claiming"));
            case "many":
                return await ManyAtOnceRun.RunAsync(Arg(args, "--people", 60), Arg(args, "--rate", 25));
            case "relevance":
                return RelevanceRun.Run(Text(args, "--corpus"), Text(args, "--rules"), args.Contains("--quiet"));
            default:
                Console.WriteLine("usage: crypto [BenchmarkDotNet args] | updates [--updates N --users N --postgres CONN --instances N] | startup [--runs N --idle-seconds N] | broadcast [--recipients N --rate R --paid --unlimited --strict WINDOW --fail502 PERCENT --postgres CONN --instances N --kill-at FRACTION --kill-while-claiming] | many [--people N --rate R] | relevance [--corpus PATH --rules PATH --quiet]");
                return mode == "help" ? 0 : 2;
        }
    }

    private static string? Text(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static double Fraction(string[] args, string name, double fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && double.TryParse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) ? value : fallback;
    }
}
