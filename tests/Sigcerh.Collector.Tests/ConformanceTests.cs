using Sigcerh.Collector.Tests.Checking;
using Sigcerh.Collector.Tests.Conformance;

namespace Sigcerh.Collector.Tests;

/// <summary>
/// The shipped stack against the upstream facts of its pinned versions (tests/upstream/facts.yaml): keys,
/// YAML types, deprecations, binary flags, runtime prerequisites, series names and Loki labels.
/// ConformanceMutationTests shows each rule failing on a broken copy.
/// </summary>
public class ConformanceTests
{
    internal static UpstreamFacts Facts => UpstreamFacts.Load();

    internal static string Dashboards => Contract.PathOf("grafana-lgtm/grafana/dashboards");

    internal static string Rules => Contract.PathOf("grafana-lgtm/prometheus/rules");

    internal static string ComposePath => Contract.PathOf("grafana-lgtm/compose.yaml");

    public static TheoryData<string> CollectorConfigSets() => new()
    {
        "collector/config.yaml",
        "collector/config.yaml+collector/overlays/none.yaml",
        "collector/config.yaml+collector/overlays/app-json-fallback.yaml",
        "collector/config.yaml+collector/overlays/bearer-auth.yaml",
        "collector/config.yaml+collector/overlays/app-json-fallback.yaml+collector/overlays/bearer-auth.yaml",
        "collector/gateway/agent.yaml",
        "collector/gateway/gateway.yaml",
    };

    internal static YamlDotNet.RepresentationModel.YamlMappingNode Merged(string set) =>
        Yaml.Merge(set.Split('+').Select(p => Yaml.LoadFile(Contract.PathOf(p))));

    [Theory]
    [MemberData(nameof(CollectorConfigSets))]
    public void Every_collector_config_merged_with_its_overlays_uses_only_keys_types_and_values_of_the_pinned_version(string set)
    {
        var findings = ConformanceChecker.CheckCollector(Facts, set, Merged(set));
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    public static TheoryData<string> BackendFiles() => new()
    {
        "grafana-lgtm/loki/loki.yaml",
        "grafana-lgtm/tempo/tempo.yaml",
        "grafana-lgtm/prometheus/prometheus.yml",
        "grafana-lgtm/alertmanager/alertmanager.yml.tmpl",
        "grafana-lgtm/grafana/provisioning/datasources/datasources.yaml",
        "grafana-lgtm/grafana/provisioning/dashboards/dashboards.yaml",
    };

    [Theory]
    [MemberData(nameof(BackendFiles))]
    public void Every_backend_and_provisioning_file_uses_only_keys_types_and_values_of_the_pinned_version(string file)
    {
        var findings = ConformanceChecker.CheckFile(Facts, file, Yaml.LoadFile(Contract.PathOf(file)));
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    [Fact]
    public void Compose_commands_and_healthchecks_use_only_flags_and_tools_the_pinned_images_have()
    {
        var findings = ConformanceChecker.CheckComposeFlags(Facts, Yaml.LoadFile(ComposePath));
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    [Fact]
    public void Compose_gives_the_collector_every_socket_mount_volume_and_hostname_its_components_need()
    {
        var findings = ConformanceChecker.CheckPrerequisites(Merged("collector/config.yaml"), Yaml.LoadFile(ComposePath));
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    [Fact]
    public void Every_series_a_dashboard_or_an_alert_rule_uses_is_produced_under_that_name()
    {
        var findings = StackSeries.CheckSeries(Facts, Merged("collector/config.yaml"), Dashboards, Rules);
        Assert.True(findings.Count == 0, string.Join("\n", findings));
        var used = SeriesChecker.UsedExpressions(Dashboards, Rules).ToList();
        Assert.True(used.Count > 40, "too few expressions found: the extraction is broken");
        Assert.Contains(used, u => u.Where.StartsWith("datasources.yaml", StringComparison.Ordinal));
        Assert.Contains(used, u => u.Where.Contains(".yml:", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_label_a_logs_dashboard_selects_on_is_an_index_label_Loki_creates_from_OTLP()
    {
        var findings = StackSeries.CheckLokiLabels(Facts, Yaml.LoadFile(Contract.PathOf("grafana-lgtm/loki/loki.yaml")), Dashboards);
        Assert.True(findings.Count == 0, string.Join("\n", findings));
        Assert.NotEmpty(SeriesChecker.LokiSelectors(Dashboards));
    }

    [Fact]
    public void The_TLS_certificate_metric_is_enabled_and_named_as_the_expiry_alert_expects()
    {
        var produced = SeriesChecker.CollectorSeries(Facts, Merged("collector/config.yaml"));
        Assert.Contains("httpcheck_tls_cert_remaining_seconds", produced);
        Assert.DoesNotContain("httpcheck_tls_cert_remaining", produced);
    }

    [Fact]
    public void Prometheus_naming_follows_the_translation_rules()
    {
        Assert.Equal("system_cpu_utilization_ratio", PrometheusNaming.MetricName("system.cpu.utilization", "gauge", "1", false));
        Assert.Equal("httpcheck_status", PrometheusNaming.MetricName("httpcheck.status", "sum", "1", false));
        Assert.Equal("httpcheck_duration_milliseconds", PrometheusNaming.MetricName("httpcheck.duration", "gauge", "ms", false));
        Assert.Equal("postgresql_db_size_bytes", PrometheusNaming.MetricName("postgresql.db_size", "sum", "By", false));
        Assert.Equal("postgresql_deadlocks_total", PrometheusNaming.MetricName("postgresql.deadlocks", "sum", "{deadlock}", true));
        Assert.Equal("system_network_io_bytes_total", PrometheusNaming.MetricName("system.network.io", "sum", "By", true));
        Assert.Equal("system_cpu_load_average_1m", PrometheusNaming.MetricName("system.cpu.load_average.1m", "gauge", "{thread}", false));
        Assert.Equal("tcpcheck_status_ratio", PrometheusNaming.MetricName("tcpcheck.status", "gauge", "1", false));
        Assert.Equal("tcpcheck_status", PrometheusNaming.MetricName("tcpcheck.status", "gauge", "", false));
    }

    [Fact]
    public void PromQL_name_extraction_ignores_labels_functions_groupings_and_strings()
    {
        var names = SeriesChecker.MetricNames("sum by (service_name) (rate(http_server_request_duration_seconds_count{http_route=\"/a b\"}[5m])) / on() group_left max(postgresql_backends) and vector(1) > 0.5");
        Assert.Equal(["http_server_request_duration_seconds_count", "postgresql_backends"], names.Order(StringComparer.Ordinal));
    }
    [Fact]
    public void The_static_checker_agrees_with_the_facts_on_component_type_names_and_deprecated_aliases()
    {
        foreach (var (k, v) in Facts.Components.Children)
        {
            var id = Yaml.Key(k);
            var kind = id.Split('/')[0];
            var type = id.Split('/')[1];
            Assert.Contains(type, CollectorConfigChecker.KnownTypes[kind]);
            if (((YamlDotNet.RepresentationModel.YamlMappingNode)v).Str("deprecated_type") is { } old)
            {
                Assert.Equal(type, CollectorConfigChecker.DeprecatedAliases[$"{kind}/{old}"]);
            }
        }
    }
}
