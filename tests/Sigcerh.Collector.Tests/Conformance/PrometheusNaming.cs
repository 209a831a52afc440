using System.Text;

namespace Sigcerh.Collector.Tests.Conformance;

/// <summary>
/// The Prometheus name of an OTLP metric under UnderscoreEscapingWithSuffixes (prometheus/otlptranslator, used by
/// the remote-write exporter): dots to underscores, unit words appended, `{...}` units dropped, `_total` for
/// monotonic sums, `_ratio` for gauges of unit 1.
/// </summary>
public static class PrometheusNaming
{
    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["s"] = "seconds", ["ms"] = "milliseconds", ["us"] = "microseconds", ["ns"] = "nanoseconds", ["min"] = "minutes",
        ["h"] = "hours", ["d"] = "days", ["By"] = "bytes", ["KiBy"] = "kibibytes", ["MiBy"] = "mebibytes", ["KBy"] = "kilobytes",
        ["MBy"] = "megabytes", ["%"] = "percent", ["Hz"] = "hertz", ["Cel"] = "celsius", ["V"] = "volts", ["A"] = "amperes",
    };

    public const string DefaultStrategy = "UnderscoreEscapingWithSuffixes";

    /// <summary>The remote-write exporter's translation_strategy in a collector config (its default when unset).</summary>
    public static string StrategyOf(YamlDotNet.RepresentationModel.YamlMappingNode collector) =>
        collector.MapAt("exporters").Children
            .Where(kv => Yaml.Key(kv.Key).Split('/')[0] == "prometheus_remote_write")
            .Select(kv => (kv.Value as YamlDotNet.RepresentationModel.YamlMappingNode)?.Str("translation_strategy"))
            .FirstOrDefault(s => s is not null) ?? DefaultStrategy;

    public static string MetricName(string otlpName, string kind, string unit, bool monotonic, string strategy = DefaultStrategy)
    {
        var escape = strategy.StartsWith("UnderscoreEscaping", StringComparison.Ordinal);
        if (!strategy.EndsWith("WithSuffixes", StringComparison.Ordinal))
        {
            return escape ? Escape(otlpName) : otlpName;
        }

        var name = escape ? Escape(otlpName) : otlpName;
        var word = UnitWord(unit);
        if (word.Length > 0 && !name.EndsWith("_" + word, StringComparison.Ordinal))
        {
            name += "_" + word;
        }

        if (kind == "gauge" && unit == "1" && !name.EndsWith("_ratio", StringComparison.Ordinal))
        {
            name += "_ratio";
        }

        if (kind == "sum" && monotonic && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        return name;
    }

    public static string LabelName(string attribute) => Escape(attribute);

    private static string UnitWord(string unit)
    {
        if (unit.Length == 0 || unit == "1" || unit.StartsWith('{'))
        {
            return string.Empty;
        }

        var parts = unit.Split('/', 2);
        var main = Units.GetValueOrDefault(parts[0], Escape(parts[0]));
        return parts.Length == 2 ? $"{main}_per_{Units.GetValueOrDefault(parts[1], Escape(parts[1]))}" : main;
    }

    private static string Escape(string s)
    {
        var b = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            b.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || c == ':' ? c : '_');
        }

        return b.ToString();
    }
}
