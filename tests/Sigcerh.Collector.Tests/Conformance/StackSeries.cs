using YamlDotNet.RepresentationModel;

namespace Sigcerh.Collector.Tests.Conformance;

/// <summary>The series and Loki-label rules: what dashboards and alerts use must be produced under that name.</summary>
public static class StackSeries
{
    private static readonly string[] CollectorPrefixes = ["system_", "httpcheck_", "tcpcheck_", "postgresql_", "otelcol_"];

    /// <summary>The package's own series (the README naming table), with a histogram's _count and _sum.</summary>
    public static IEnumerable<string> PackageSeries() =>
        ContractAgreementTests.ContractMetrics
            .Where(n => !CollectorPrefixes.Any(p => n.StartsWith(p, StringComparison.Ordinal)))
            .SelectMany(n => n.EndsWith("_bucket", StringComparison.Ordinal)
                ? [n, n[..^"_bucket".Length] + "_count", n[..^"_bucket".Length] + "_sum"]
                : new[] { n });

    public static List<ConformanceFinding> CheckSeries(UpstreamFacts facts, YamlMappingNode collector, string dashboardsDir, string rulesDir)
    {
        var produced = SeriesChecker.CollectorSeries(facts, collector);
        produced.UnionWith(SeriesChecker.BackendSeries(facts));
        produced.UnionWith(PackageSeries());
        var f = new List<ConformanceFinding>();
        foreach (var (where, expr) in SeriesChecker.UsedExpressions(dashboardsDir, rulesDir))
        {
            foreach (var name in SeriesChecker.MetricNames(expr).Distinct(StringComparer.Ordinal).Where(n => !produced.Contains(n)))
            {
                f.Add(new(Rule.UnproducedSeries, where, name, $"no component of the stack produces '{name}' under that name"));
            }
        }

        return f;
    }

    public static List<ConformanceFinding> CheckLokiLabels(UpstreamFacts facts, YamlMappingNode loki, string dashboardsDir)
    {
        var labels = SeriesChecker.LokiIndexLabels(facts, loki);
        var f = new List<ConformanceFinding>();
        foreach (var (where, selector) in SeriesChecker.LokiSelectors(dashboardsDir))
        {
            foreach (var label in SeriesChecker.SelectorLabels(selector).Where(l => !labels.Contains(l)))
            {
                f.Add(new(Rule.UnknownLokiLabel, where, selector, $"'{label}' is not an index label Loki creates from OTLP (defaults + loki.yaml index_label)"));
            }
        }

        return f;
    }
}
