using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FamilyLinkBot.Crypto;

public static class CryptoServiceCollectionExtensions
{
    /// <summary>The master key's settings (docs/DESIGN.md#3-cryptography), checked at start like every feature's.</summary>
    public static IHostApplicationBuilder AddCrypto(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CryptoOptions>().BindConfiguration(CryptoOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.MasterKeyPath) || !string.IsNullOrWhiteSpace(o.MasterKey), "Crypto:MasterKeyPath must not be empty.")
            .ValidateOnStart();
        return builder;
    }
}
