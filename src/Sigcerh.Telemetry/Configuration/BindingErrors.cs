using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Sigcerh.Telemetry.Configuration;

/// <summary>
/// Turns the binder's exceptions (<c>ErrorOnUnknownConfiguration</c>, a value it cannot convert) into messages that
/// name the full key and its value, as every other configuration error does.
/// </summary>
internal static partial class BindingErrors
{
    private const string S = SigcerhTelemetryOptions.SectionName;

    // Where each options type sits in the section; list entries (HttpDependencies) are matched by any index.
    private static readonly Dictionary<string, string> Paths = new(StringComparer.Ordinal)
    {
        [typeof(SigcerhTelemetryOptions).FullName!] = S,
        [typeof(SigcerhLoggingOptions).FullName!] = S + ":Logging",
        [typeof(SigcerhTracingOptions).FullName!] = S + ":Tracing",
        [typeof(SigcerhMetricsOptions).FullName!] = S + ":Metrics",
        [typeof(SigcerhActiveUsersOptions).FullName!] = S + ":Metrics:ActiveUsers",
        [typeof(SigcerhOtlpOptions).FullName!] = S + ":Otlp",
        [typeof(SigcerhHealthOptions).FullName!] = S + ":Health",
        [typeof(SigcerhHealthDependency).FullName!] = S + ":Health:HttpDependencies:*",
        [typeof(SigcerhRedactionOptions).FullName!] = S + ":Redaction",
    };

    public static IEnumerable<string> Describe(IConfiguration root, InvalidOperationException e)
    {
        if (UnknownPattern().Match(e.Message) is { Success: true } unknown)
        {
            var type = unknown.Groups["type"].Value;
            var names = NamePattern().Matches(unknown.Groups["names"].Value).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var found = Parents(root, type)
                .SelectMany(parent => parent.GetChildren().Where(c => names.Contains(c.Key)))
                .SelectMany(Leaves)
                .Select(kv => $"Unknown configuration key '{kv.Key}' (value '{kv.Value}'): {ShortName(type)} has no setting '{kv.Key.Split(':').Last(k => names.Contains(k))}'.")
                .ToList();
            return found.Count > 0 ? found : [$"Unknown configuration key under '{S}': {e.Message}"];
        }

        if (PathPattern().Match(e.Message) is { Success: true } at)
        {
            var path = at.Groups["path"].Value;
            var target = at.Groups["type"].Success ? at.Groups["type"].Value : "the setting's type";
            var value = root[path];
            var hint = EnumValues(target) is { } words ? $" (one of {words})" : string.Empty;
            return [$"{path} must be a value of type {ShortName(target)}{hint}, but was '{value}'."];
        }

        return [$"{S} could not be bound: {e.Message}"];
    }

    private static IEnumerable<IConfigurationSection> Parents(IConfiguration root, string type)
    {
        if (!Paths.TryGetValue(type, out var path))
        {
            return [];
        }

        if (!path.EndsWith(":*", StringComparison.Ordinal))
        {
            return [root.GetSection(path)];
        }

        return root.GetSection(path[..^2]).GetChildren();
    }

    private static IEnumerable<KeyValuePair<string, string?>> Leaves(IConfigurationSection child) =>
        child.Value is not null
            ? [new(child.Path, child.Value)]
            : child.AsEnumerable().Where(kv => kv.Value is not null).Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value));

    private static string? EnumValues(string typeName) =>
        typeof(SigcerhTelemetryOptions).Assembly.GetType(typeName) is { IsEnum: true } t ? string.Join(", ", Enum.GetNames(t)) : null;

    private static string ShortName(string typeName) => typeName[(typeName.LastIndexOf('.') + 1)..];

    [GeneratedRegex(@"not found on the instance of (?<type>[\w.+]+): (?<names>.+)$", RegexOptions.Singleline)]
    private static partial Regex UnknownPattern();

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"at '(?<path>[^']+)'(?: to type '(?<type>[^']+)')?")]
    private static partial Regex PathPattern();
}
