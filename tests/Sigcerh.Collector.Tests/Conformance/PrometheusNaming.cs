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

    public static string MetricName(string otlpName, string kind, string unit, bool monotonic)
    {
        var name = Escape(otlpName);
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
