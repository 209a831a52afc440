using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Sigcerh.Collector.Tests.Conformance;

/// <summary>
/// Which Prometheus series and Loki labels the stack produces (from the facts and the shipped configs), and
/// which ones the dashboards and alert rules use.
/// </summary>
public static partial class SeriesChecker
{
    /// <summary>Series the collector writes: each enabled metric of each metrics-pipeline receiver, named as Prometheus names it.</summary>
    public static HashSet<string> CollectorSeries(UpstreamFacts facts, YamlMappingNode cfg)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var unitless = UnitDroppedBy(cfg);
        var strategy = PrometheusNaming.StrategyOf(cfg);
        var receivers = cfg.MapAt("service").MapAt("pipelines").Children
            .Where(p => Yaml.Key(p.Key).Split('/')[0] == "metrics")
            .SelectMany(p => ((YamlMappingNode)p.Value).SeqAt("receivers").OfType<YamlScalarNode>().Select(s => s.Value!))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var id in receivers)
        {
            var r = cfg.MapAt("receivers").MapAt(id);
            var (entry, _) = facts.Component("receivers", id.Split('/')[0]);
            if (entry is null)
            {
                continue;
            }

            var toggles = Toggles(r);
            foreach (var (k, v) in entry.MapAt("metrics").Children)
            {
                var metric = Yaml.Key(k);
                var m = (YamlMappingNode)v;
                var enabled = toggles.TryGetValue(metric, out var on) ? on : m.Str("enabled") == "true";
                if (!enabled)
                {
                    continue;
                }

                var unit = unitless.Contains(metric) ? string.Empty : m.Str("unit") ?? string.Empty;
                names.Add(PrometheusNaming.MetricName(metric, m.Str("kind")!, unit, m.Str("monotonic") == "true", strategy));
            }
        }

        foreach (var s in UpstreamFacts.Strings(facts.Root.MapAt("collector").MapAt("self_metrics").Get("series")))
        {
            names.Add(s);
        }

        return names;
    }

    /// <summary>Every series the stack's other producers write: Tempo's generator, Prometheus itself.</summary>
    public static IEnumerable<string> BackendSeries(UpstreamFacts facts) =>
        UpstreamFacts.Strings(facts.Files.MapAt("grafana-lgtm/tempo/tempo.yaml").MapAt("series").Get("names"))
            .Concat(UpstreamFacts.Strings(facts.Files.MapAt("grafana-lgtm/prometheus/prometheus.yml").Get("series")));

    private static Dictionary<string, bool> Toggles(YamlMappingNode receiver)
    {
        var t = new Dictionary<string, bool>(StringComparer.Ordinal);
        void Add(YamlMappingNode metrics)
        {
            foreach (var (k, v) in metrics.Children)
            {
                t[Yaml.Key(k)] = (v as YamlMappingNode)?.Str("enabled") == "true";
            }
        }

        Add(receiver.MapAt("metrics"));
        foreach (var (_, scraper) in receiver.MapAt("scrapers").Children)
        {
            Add((scraper as YamlMappingNode)?.MapAt("metrics") ?? new YamlMappingNode());
        }

        return t;
    }

    /// <summary>Metrics whose unit a transform processor clears: set(metric.unit, "") where metric.name == "X".</summary>
    private static HashSet<string> UnitDroppedBy(YamlMappingNode cfg)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, p) in cfg.MapAt("processors").Children)
        {
            foreach (var group in (p as YamlMappingNode)?.SeqAt("metric_statements") ?? [])
            {
                foreach (var st in (group as YamlMappingNode)?.SeqAt("statements").OfType<YamlScalarNode>() ?? [])
                {
                    var m = ClearUnit().Match(st.Value ?? string.Empty);
                    if (m.Success)
                    {
                        names.Add(m.Groups[1].Value);
                    }
                }
            }
        }

        return names;
    }

    /// <summary>Metric names in a PromQL expression (labels, functions, keywords, strings and durations removed).</summary>
    public static IEnumerable<string> MetricNames(string promql)
    {
        var e = StringLiteral().Replace(promql, "\"\"");
        e = LabelMatchers().Replace(e, " ");
        e = RangeOrSubquery().Replace(e, " ");
        e = Grouping().Replace(e, " ");
        foreach (Match m in Identifier().Matches(e))
        {
            var name = m.Groups[1].Value;
            var isCall = m.Groups[2].Value.Length > 0;
            if (!isCall && !Keywords.Contains(name))
            {
                yield return name;
            }
        }
    }

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset", "bool", "inf", "nan", "Inf", "NaN",
    };

    /// <summary>Every PromQL expression of the dashboards (Prometheus targets) and alert rules, with where it is.</summary>
    public static IEnumerable<(string Where, string Expr)> UsedExpressions(string dashboardsDir, string rulesDir)
    {
        foreach (var file in Directory.EnumerateFiles(dashboardsDir, "*.json").Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var target in Targets(doc.RootElement).Where(t => DatasourceUid(t) == "prometheus"))
            {
                if (target.TryGetProperty("expr", out var expr))
                {
                    yield return ($"{Path.GetFileName(file)}", GrafanaVariable().Replace(expr.GetString()!, "x"));
                }
            }
        }

        // Grafana's "traces to metrics" queries of the Tempo data source (provisioning next to the dashboards).
        var datasources = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dashboardsDir))!, "provisioning", "datasources", "datasources.yaml");
        if (File.Exists(datasources))
        {
            foreach (var ds in Yaml.LoadFile(datasources).SeqAt("datasources").OfType<YamlMappingNode>())
            {
                foreach (var q in ds.MapAt("jsonData").MapAt("tracesToMetrics").SeqAt("queries").OfType<YamlMappingNode>())
                {
                    yield return ($"datasources.yaml:{ds.Str("name")}", q.Str("query")!.Replace("$$__tags", "x=\"y\"", StringComparison.Ordinal));
                }
            }
        }

        foreach (var file in Directory.EnumerateFiles(rulesDir, "*.yml").Order(StringComparer.Ordinal))
        {
            var root = Yaml.LoadFile(file);
            foreach (var group in root.SeqAt("groups").OfType<YamlMappingNode>())
            {
                foreach (var rule in group.SeqAt("rules").OfType<YamlMappingNode>())
                {
                    if (rule.Str("expr") is { } expr)
                    {
                        yield return ($"{Path.GetFileName(file)}:{rule.Str("alert") ?? rule.Str("record")}", expr);
                    }
                }
            }
        }
    }

    /// <summary>Every LogQL stream selector of the dashboards (Loki targets).</summary>
    public static IEnumerable<(string Where, string Selector)> LokiSelectors(string dashboardsDir)
    {
        foreach (var file in Directory.EnumerateFiles(dashboardsDir, "*.json").Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var target in Targets(doc.RootElement).Where(t => DatasourceUid(t) == "loki"))
            {
                if (target.TryGetProperty("expr", out var expr))
                {
                    foreach (Match m in StreamSelector().Matches(expr.GetString()!))
                    {
                        yield return (Path.GetFileName(file), m.Value);
                    }
                }
            }
        }
    }

    /// <summary>Label names of a LogQL stream selector.</summary>
    public static IEnumerable<string> SelectorLabels(string selector) =>
        SelectorLabel().Matches(selector).Select(m => m.Groups[1].Value);

    /// <summary>The index labels Loki creates from OTLP resource attributes: its defaults plus the configured index_label ones.</summary>
    public static HashSet<string> LokiIndexLabels(UpstreamFacts facts, YamlMappingNode loki)
    {
        var labels = UpstreamFacts.Strings(facts.Files.MapAt("grafana-lgtm/loki/loki.yaml").MapAt("otlp_index_labels").Get("default"))
            .Select(PrometheusNaming.LabelName).ToHashSet(StringComparer.Ordinal);
        foreach (var c in loki.MapAt("limits_config").MapAt("otlp_config").MapAt("resource_attributes").SeqAt("attributes_config").OfType<YamlMappingNode>())
        {
            if (c.Str("action") == "index_label")
            {
                foreach (var a in c.SeqAt("attributes").OfType<YamlScalarNode>())
                {
                    labels.Add(PrometheusNaming.LabelName(a.Value!));
                }
            }
        }

        return labels;
    }

    private static IEnumerable<JsonElement> Targets(JsonElement dashboard)
    {
        if (!dashboard.TryGetProperty("panels", out var panels))
        {
            yield break;
        }

        foreach (var p in panels.EnumerateArray())
        {
            if (p.TryGetProperty("targets", out var targets))
            {
                foreach (var t in targets.EnumerateArray())
                {
                    yield return t;
                }
            }

            foreach (var nested in Targets(p))
            {
                yield return nested;
            }
        }
    }

    private static string? DatasourceUid(JsonElement target) =>
        target.TryGetProperty("datasource", out var ds) && ds.ValueKind == JsonValueKind.Object && ds.TryGetProperty("uid", out var uid) ? uid.GetString() : null;

    [GeneratedRegex(@"set\(metric\.unit,\s*""""\)\s+where\s+metric\.name\s*==\s*""([^""]+)""")]
    private static partial Regex ClearUnit();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex RangeOrSubquery();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"\$\{?[A-Za-z_][A-Za-z0-9_]*(?::[a-z]+)?\}?")]
    private static partial Regex GrafanaVariable();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex StreamSelector();

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)")]
    private static partial Regex SelectorLabel();
}
