using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FamilyLinkBot.Hosting;

/// <summary>
/// Runs every options validator the host runs at start (each feature's <c>ValidateOnStart</c>), so that <c>check</c>
/// and a normal start judge the configuration in exactly one place. Each failure is one line that names its key.
/// </summary>
public static partial class ConfigurationValidation
{
    public static IReadOnlyList<string> Failures(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
            return [];
        }
        catch (Exception ex) when (Describe(ex) is { Count: > 0 } failures)
        {
            return [.. failures.Distinct(StringComparer.Ordinal)];
        }
    }

    /// <summary>The configuration failures an exception stands for; empty when it is not a configuration error.</summary>
    public static IReadOnlyList<string> Describe(Exception error) => error switch
    {
        OptionsValidationException validation => [.. validation.Failures],
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(Describe)],
        InvalidOperationException binding when BindingFailure().Match(binding.Message) is { Success: true } match =>
            // The binder's message quotes the value, which may be a secret: name the key and the expected type only.
            [$"{match.Groups["key"].Value} cannot be read as {match.Groups["type"].Value.Split('.')[^1]}."],
        _ => [],
    };

    [GeneratedRegex(@"configuration value .* at '(?<key>[^']+)' to type '(?<type>[^']+)'", RegexOptions.Singleline)]
    private static partial Regex BindingFailure();
}
