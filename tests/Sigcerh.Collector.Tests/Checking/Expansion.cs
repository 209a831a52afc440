using System.Text.RegularExpressions;

namespace Sigcerh.Collector.Tests.Checking;

/// <summary>
/// The collector's confmap expansion of string values: <c>$$</c> becomes <c>$</c> and
/// <c>${env:NAME:-default}</c> becomes the variable's value or the default. Any other <c>${...}</c>
/// (for example an OTTL replacement <c>${1}</c> written without doubling the dollar) is an error
/// in the collector, so it is reported.
/// </summary>
public static partial class Expansion
{
    [GeneratedRegex(@"\$\$|\$\{([^}]*)\}")]
    private static partial Regex Token();

    [GeneratedRegex(@"^env:([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$", RegexOptions.Singleline)]
    private static partial Regex EnvRef();

    public sealed record EnvVarUse(string Name, string? Default, string Path);

    public static string Expand(string raw, IReadOnlyDictionary<string, string> environment, Action<string>? onError = null) =>
        Token().Replace(raw, m =>
        {
            if (m.Value == "$$")
            {
                return "$";
            }

            var env = EnvRef().Match(m.Groups[1].Value);
            if (!env.Success)
            {
                onError?.Invoke(m.Value);
                return m.Value;
            }

            if (environment.TryGetValue(env.Groups[1].Value, out var value) && value.Length > 0)
            {
                return value;
            }

            return env.Groups[2].Success ? env.Groups[2].Value : string.Empty;
        });

    /// <summary>Every <c>${env:...}</c> reference in the raw (unexpanded) tree.</summary>
    public static IEnumerable<EnvVarUse> EnvVars(object? rawTree)
    {
        foreach (var (path, value) in ConfigTree.Strings(rawTree))
        {
            foreach (Match m in Token().Matches(value))
            {
                if (m.Value == "$$")
                {
                    continue;
                }

                var env = EnvRef().Match(m.Groups[1].Value);
                if (env.Success)
                {
                    yield return new EnvVarUse(env.Groups[1].Value, env.Groups[2].Success ? env.Groups[2].Value : null, path);
                }
            }
        }
    }

    public static Dictionary<string, object?> ExpandTree(
        Dictionary<string, object?> raw, IReadOnlyDictionary<string, string> environment) =>
        (Dictionary<string, object?>)ConfigTree.MapStrings(raw, s => Expand(s, environment))!;
}
