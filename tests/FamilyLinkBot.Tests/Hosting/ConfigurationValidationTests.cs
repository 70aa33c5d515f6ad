using FamilyLinkBot.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FamilyLinkBot.Tests.Hosting;

/// <summary>
/// <c>check</c> and a normal start judge the configuration with the validators the host itself registers, so an
/// options class a feature adds later is checked without touching either.
/// </summary>
public sealed class ConfigurationValidationTests
{
    [Fact]
    public void FailuresIncludeEveryValidatedOptionsClassAFeatureRegisters()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = "123456:" + new string('A', 35),
            ["News:PollInterval"] = "00:00:10",
            ["Caseworkers:InviteValidity"] = "00:00:01",
            ["Later:Limit"] = "0",
        });
        builder.AddFamilyLinkBot();
        builder.Services.AddOptions<LaterOptions>().BindConfiguration("Later")
            .Validate(o => o.Limit > 0, "Later:Limit must be positive.")
            .ValidateOnStart();
        using var host = builder.Build();

        var failures = ConfigurationValidation.Failures(host.Services);

        Assert.Contains("Later:Limit must be positive.", failures);
        Assert.Contains("News:PollInterval must be at least 00:01:00.", failures);
        Assert.Contains(failures, f => f.StartsWith("Caseworkers:InviteValidity", StringComparison.Ordinal));
        Assert.Equal(3, failures.Count);
    }

    private sealed class LaterOptions
    {
        public int Limit { get; set; } = 1;
    }
}
