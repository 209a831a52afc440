using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Sigcerh.Telemetry.Health;

/// <summary>Validates <c>SigcerhTelemetry:Health</c>; every message names the full key and the bad value.</summary>
internal sealed partial class SigcerhHealthOptionsValidator(IConfiguration configuration) : IValidateOptions<SigcerhTelemetryOptions>
{
    private const string S = SigcerhTelemetryOptions.SectionName + ":Health";

    public ValidateOptionsResult Validate(string? name, SigcerhTelemetryOptions options)
    {
        var h = options.Health;
        var errors = new List<string>();

        var basePath = h.BasePath ?? string.Empty;
        if (!BasePathPattern().IsMatch(basePath))
        {
            errors.Add($"{S}:BasePath must start with '/', not end with '/', and hold only letters, digits, '-', '_', '.' and '/', but was '{basePath}'.");
        }

        AtLeast(errors, "CacheSeconds", h.CacheSeconds, 0);
        AtLeast(errors, "CheckTimeoutSeconds", h.CheckTimeoutSeconds, 1);
        AtLeast(errors, "EndpointTimeoutSeconds", h.EndpointTimeoutSeconds, 1);
        AtLeast(errors, "BackgroundIntervalSeconds", h.BackgroundIntervalSeconds, 0);
        AtLeast(errors, "TelemetryDropWindowSeconds", h.TelemetryDropWindowSeconds, 1);
        if (h.CheckTimeoutSeconds > h.EndpointTimeoutSeconds)
        {
            errors.Add($"{S}:CheckTimeoutSeconds must not exceed {S}:EndpointTimeoutSeconds ({Num(h.EndpointTimeoutSeconds)}), but was '{Num(h.CheckTimeoutSeconds)}'.");
        }

        if (!Enum.IsDefined(h.DetailLevel))
        {
            // Only a number the binder took ("7") gets here; other words fail binding, naming key and value.
            errors.Add($"{S}:DetailLevel must be 'Restricted' or 'Full', but was '{Num((int)h.DetailLevel)}'.");
        }

        if (h.DetailKey is { } key && key.Length < 16)
        {
            // The value itself is a secret: say only how long it is.
            errors.Add($"{S}:DetailKey must be at least 16 characters long, but was {Num(key.Length)} characters long.");
        }

        Pair(errors, "Disk", h.DiskDegradedPercent, h.DiskUnhealthyPercent);
        Pair(errors, "Memory", h.MemoryDegradedPercent, h.MemoryUnhealthyPercent);
        Percent(errors, "PostgreSqlConnectionsDegradedPercent", h.PostgreSqlConnectionsDegradedPercent);

        foreach (var (label, path) in h.DiskPaths)
        {
            if (!NamePattern().IsMatch(label))
            {
                errors.Add($"{S}:DiskPaths:{label} must have a label of letters and digits, but was '{label}'.");
            }

            if (string.IsNullOrWhiteSpace(path))
            {
                errors.Add($"{S}:DiskPaths:{label} must be a folder path, but was '{path}'.");
            }
        }

        if (h.PostgreSqlConnectionStringName is { Length: > 0 } csName && string.IsNullOrWhiteSpace(configuration.GetConnectionString(csName)))
        {
            errors.Add($"{S}:PostgreSqlConnectionStringName names 'ConnectionStrings:{csName}', which is not set, but was '{csName}'.");
        }

        Dependencies(errors, h);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Dependencies(List<string> errors, SigcerhHealthOptions h)
    {
        var seen = new HashSet<string>(HealthNames.BuiltIn, StringComparer.Ordinal);
        for (var i = 0; i < h.HttpDependencies.Count; i++)
        {
            var d = h.HttpDependencies[i];
            var k = $"{S}:HttpDependencies:{Num(i)}";
            if (!DependencyNamePattern().IsMatch(d.Name ?? string.Empty))
            {
                errors.Add($"{k}:Name must be 1-40 lower-case letters, digits, '_' or '-', starting with a letter, but was '{d.Name}'.");
            }
            else if (!seen.Add(d.Name!))
            {
                errors.Add($"{k}:Name must be unique and differ from the built-in checks ({string.Join(", ", HealthNames.BuiltIn)}), but was '{d.Name}'.");
            }

            if (!Uri.TryCreate(d.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"{k}:Url must be an absolute http(s) URL, but was '{d.Url}'.");
            }
            else if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                errors.Add($"{k}:Url must not hold credentials, but was '{uri.GetLeftPart(UriPartial.Scheme)}***@{uri.Host}'.");
            }

            if (d.TimeoutSeconds is { } t && (t < 1 || t > h.EndpointTimeoutSeconds))
            {
                errors.Add($"{k}:TimeoutSeconds must be between 1 and {S}:EndpointTimeoutSeconds ({Num(h.EndpointTimeoutSeconds)}), but was '{Num(t)}'.");
            }
        }
    }

    private static void AtLeast(List<string> errors, string key, int value, int min)
    {
        if (value < min)
        {
            errors.Add($"{S}:{key} must be at least {Num(min)}, but was '{Num(value)}'.");
        }
    }

    private static void Percent(List<string> errors, string key, double value)
    {
        if (double.IsNaN(value) || value <= 0 || value > 100)
        {
            errors.Add($"{S}:{key} must be a percentage in (0, 100], but was '{value.ToString(CultureInfo.InvariantCulture)}'.");
        }
    }

    private static void Pair(List<string> errors, string what, double degraded, double unhealthy)
    {
        Percent(errors, what + "DegradedPercent", degraded);
        Percent(errors, what + "UnhealthyPercent", unhealthy);
        if (degraded >= unhealthy)
        {
            errors.Add($"{S}:{what}DegradedPercent must be below {S}:{what}UnhealthyPercent ({unhealthy.ToString(CultureInfo.InvariantCulture)}), but was '{degraded.ToString(CultureInfo.InvariantCulture)}'.");
        }
    }

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(/[A-Za-z0-9._~-]+)+$")]
    private static partial Regex BasePathPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_-]{0,39}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-z][a-z0-9_-]{0,39}$")]
    private static partial Regex DependencyNamePattern();
}
