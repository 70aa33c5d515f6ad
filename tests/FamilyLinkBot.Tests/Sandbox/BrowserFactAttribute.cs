using FamilyLinkBot.Tests.Support;

namespace FamilyLinkBot.Tests.Sandbox;

/// <summary>
/// A fact that needs Debian's Chromium, Node.js and tests/browser/node_modules (which .ci/run installs). Outside CI
/// it is skipped, saying what is missing; in CI (CI=true) it always runs, so a missing install step fails loudly.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CI") != "true" && BrowserSetup.Missing() is { } missing)
        {
            Skip = missing + " (`.ci/run` installs it; `bash .ci/run` or see tests/browser/README.md).";
        }
    }
}

/// <summary>Where the browser test's tools are, and which of them is missing.</summary>
public static class BrowserSetup
{
    public static string ChromiumPath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    public static string RepositoryRoot => Repository.Root;

    public static string BrowserFolder => Path.Combine(RepositoryRoot, "tests", "browser");

    public static string? NodePath =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, "node"))
            .FirstOrDefault(File.Exists);

    public static string? Missing() =>
        !File.Exists(ChromiumPath) ? $"Chromium is not installed at {ChromiumPath} (apt-get install chromium)"
        : NodePath is null ? "Node.js is not on PATH"
        : !Directory.Exists(Path.Combine(BrowserFolder, "node_modules", "playwright-core")) ? "playwright-core is not installed (npm ci in tests/browser)"
        : null;
}
