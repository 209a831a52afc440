using Sigcerh.Collector.Tests.Checking;
using Sigcerh.Collector.Tests.Conformance;
using YamlDotNet.RepresentationModel;

namespace Sigcerh.Collector.Tests;

/// <summary>
/// Each conformance rule fails on a broken copy of a shipped file. The first four cases are the defects of
/// issue 15 (docker detector without socket, numeric DNS port, Tempo 2.10 with -health, add_metric_suffixes);
/// the others seed one defect per rule. The unmodified files pass (ConformanceTests).
/// </summary>
public class ConformanceMutationTests
{
    private static string Read(string relative) => File.ReadAllText(Contract.PathOf(relative));

    private static string Replace(string text, string from, string to)
    {
        Assert.True(text.Contains(from, StringComparison.Ordinal), $"mutation anchor not found: {from}");
        return text.Replace(from, to, StringComparison.Ordinal);
    }

    private static UpstreamFacts Facts => ConformanceTests.Facts;

    private static List<ConformanceFinding> Collector(string file, Func<string, string> mutate) =>
        ConformanceChecker.CheckCollector(Facts, file, Yaml.Load(mutate(Read(file))));

    private static List<ConformanceFinding> Compose(Func<string, string> mutate, UpstreamFacts? facts = null) =>
        ConformanceChecker.CheckComposeFlags(facts ?? Facts, Yaml.Load(mutate(Read("grafana-lgtm/compose.yaml"))));

    private static List<ConformanceFinding> Prerequisites(Func<string, string> config, Func<string, string> compose) =>
        ConformanceChecker.CheckPrerequisites(Yaml.Load(config(Read("collector/config.yaml"))), Yaml.Load(compose(Read("grafana-lgtm/compose.yaml"))));

    private static List<ConformanceFinding> File_(string file, Func<string, string> mutate) =>
        ConformanceChecker.CheckFile(Facts, file, Yaml.Load(mutate(Read(file))));

    private static void Expect(List<ConformanceFinding> findings, string code, string where)
    {
        Assert.True(findings.Any(x => x.Code == code && (x.Where.Contains(where, StringComparison.Ordinal) || x.Message.Contains(where, StringComparison.Ordinal))),
            $"expected {code} mentioning '{where}', got:\n{string.Join("\n", findings)}");
    }

    private static string Same(string t) => t;

    [Fact]
    public void Defect_1_docker_detector_without_a_socket_is_a_missing_prerequisite() =>
        Expect(Prerequisites(t => Replace(t, "detectors: [env, system]", "detectors: [env, system, docker]"), Same), Rule.MissingPrerequisite, "detectors");

    [Fact]
    public void Defect_2_a_YAML_number_for_the_DNS_resolver_port_is_a_wrong_type() =>
        Expect(Collector("collector/gateway/agent.yaml", t => Replace(t, "port: \"4317\"", "port: 4317")), Rule.WrongType, "resolver.dns.port");

    [Fact]
    public void Defect_3_Tempo_2_10_with_the_health_flag_is_an_unknown_flag() =>
        Expect(Compose(t => Replace(t, "grafana/tempo:3.0.3", "grafana/tempo:2.10.1")), Rule.UnknownFlag, "-health");

    [Fact]
    public void Defect_4_add_metric_suffixes_is_a_deprecated_key() =>
        Expect(Collector("collector/config.yaml", t => Replace(t, "translation_strategy: UnderscoreEscapingWithSuffixes", "add_metric_suffixes: true")), Rule.DeprecatedKey, "add_metric_suffixes");

    [Fact]
    public void An_unknown_collector_key_is_reported() =>
        Expect(Collector("collector/config.yaml", t => Replace(t, "initial_delay: 10s", "initial_delays: 10s")), Rule.UnknownKey, "initial_delays");

    [Fact]
    public void An_unknown_key_in_an_overlay_is_reported_after_merging() =>
        Expect(ConformanceChecker.CheckCollector(Facts, "merged", Yaml.Merge([Yaml.LoadFile(Contract.PathOf("collector/config.yaml")),
            Yaml.Load(Replace(Read("collector/overlays/app-json-fallback.yaml"), "start_at: end", "start_at: end\n    poll_intervall: 1s"))])), Rule.UnknownKey, "poll_intervall");

    [Fact]
    public void A_metric_toggle_for_a_metric_the_component_lacks_is_an_unknown_key() =>
        Expect(Collector("collector/config.yaml", t => Replace(t, "httpcheck.tls.cert_remaining:\n        enabled: true", "httpcheck.tls.cert_remaining_days:\n        enabled: true")), Rule.UnknownKey, "cert_remaining_days");

    [Fact]
    public void A_quoted_number_in_an_int_field_is_a_wrong_type() =>
        Expect(Collector("collector/config.yaml", t => Replace(t, "send_batch_size: 1024", "send_batch_size: \"1024\"")), Rule.WrongType, "send_batch_size");

    [Fact]
    public void A_bare_number_for_a_duration_is_a_wrong_type() =>
        Expect(Collector("collector/config.yaml", t => Replace(t, "collection_interval: 60s", "collection_interval: 60")), Rule.WrongType, "collection_interval");

    [Fact]
    public void A_value_outside_the_allowed_set_is_reported() =>
        Expect(Collector("collector/config.yaml", t => Replace(t, "hostname_sources: [os]", "hostname_sources: [hostname]")), Rule.BadValue, "hostname_sources");

    [Fact]
    public void A_deprecated_component_type_name_is_reported() =>
        Expect(Collector("collector/config.yaml", t => t.Replace("http_check/uptime", "httpcheck/uptime", StringComparison.Ordinal)), Rule.DeprecatedKey, "httpcheck/uptime");

    [Fact]
    public void A_component_without_facts_is_reported() =>
        Expect(Collector("collector/config.yaml", t => Replace(t, "\nexporters:\n", "\nexporters:\n  loki:\n    endpoint: http://loki:3100/loki/api/v1/push\n")), Rule.UnknownComponent, "exporters.loki");

    [Fact]
    public void A_Tempo_2_block_removed_in_3_0_is_reported() =>
        Expect(File_("grafana-lgtm/tempo/tempo.yaml", t => Replace(t, "backend_worker:\n", "ingester:\n  max_block_duration: 5m\n\nbackend_worker:\n")), Rule.RemovedKey, "ingester");

    [Fact]
    public void An_unknown_Loki_key_is_reported() =>
        Expect(File_("grafana-lgtm/loki/loki.yaml", t => Replace(t, "retention_period:", "retention_periods:")), Rule.UnknownKey, "retention_periods");

    [Fact]
    public void A_wrong_type_in_the_Prometheus_config_is_reported() =>
        Expect(File_("grafana-lgtm/prometheus/prometheus.yml", t => Replace(t, "scrape_interval: 30s", "scrape_interval: 30")), Rule.WrongType, "scrape_interval");

    [Fact]
    public void An_unknown_key_in_Grafana_provisioning_is_reported() =>
        Expect(File_("grafana-lgtm/grafana/provisioning/dashboards/dashboards.yaml", t => Replace(t, "allowUiUpdates: false", "allowUIUpdates: false")), Rule.UnknownKey, "allowUIUpdates");

    [Fact]
    public void An_unknown_key_in_the_Alertmanager_config_is_reported() =>
        Expect(File_("grafana-lgtm/alertmanager/alertmanager.yml.tmpl", t => Replace(t, "resolve_timeout: 5m", "resolve_timeout: 5m\n  smtp_tls: true")), Rule.UnknownKey, "smtp_tls");

    [Fact]
    public void A_Prometheus_feature_flag_removed_in_3_0_is_an_unknown_flag() =>
        Expect(Compose(t => Replace(t, "--enable-feature=exemplar-storage", "--enable-feature=exemplar-storage,remote-write-receiver")), Rule.UnknownFlag, "remote-write-receiver");

    [Fact]
    public void A_deprecated_flag_not_listed_as_accepted_is_reported()
    {
        var facts = new UpstreamFacts(Yaml.Load(Replace(File.ReadAllText(UpstreamFacts.DefaultPath), "accepted_deprecations:", "accepted_deprecations_off:")));
        Expect(Compose(Same, facts), Rule.DeprecatedFlag, "storage.tsdb.retention.time");
    }

    [Fact]
    public void A_healthcheck_tool_the_distroless_image_lacks_is_reported() =>
        Expect(Compose(t => Replace(t, "test: [\"CMD\", \"/tempo\", \"-health\"]", "test: [\"CMD\", \"wget\", \"-q\", \"-O\", \"/dev/null\", \"http://localhost:3200/ready\"]")), Rule.MissingTool, "wget");

    [Fact]
    public void An_unknown_collector_subcommand_in_the_healthcheck_is_reported() =>
        Expect(Compose(t => Replace(t, "\"/otelcol-contrib\", \"validate\"", "\"/otelcol-contrib\", \"check\"")), Rule.UnknownFlag, "check");

    [Fact]
    public void A_log_directory_compose_does_not_mount_is_a_missing_prerequisite() =>
        Expect(Prerequisites(Same, t => Replace(t, "      - ${NGINX_LOG_DIR:-/var/log/nginx}:/var/log/nginx:ro\n", "")), Rule.MissingPrerequisite, "nginx_access");

    [Fact]
    public void A_storage_directory_that_is_not_a_named_volume_is_a_missing_prerequisite() =>
        Expect(Prerequisites(Same, t => Replace(t, "- otelcol-storage:/var/lib/otelcol/storage", "- /tmp/otelcol:/var/lib/otelcol/storage")), Rule.MissingPrerequisite, "file_storage");

    [Fact]
    public void A_host_root_that_is_not_mounted_is_a_missing_prerequisite() =>
        Expect(Prerequisites(Same, t => Replace(t, "      - /:/hostfs:ro\n", "")), Rule.MissingPrerequisite, "root_path");

    [Fact]
    public void Hostname_from_the_os_without_a_compose_hostname_is_a_missing_prerequisite() =>
        Expect(Prerequisites(Same, t => Replace(t, "    hostname: ${SIGCERH_HOST_NAME:?set SIGCERH_HOST_NAME in .env (the server's name, e.g. sigcerh-prod-01)}\n", "")), Rule.MissingPrerequisite, "hostname");

    private static List<ConformanceFinding> SeriesWithRule(string collectorYaml, string ruleExpr)
    {
        var dir = Directory.CreateTempSubdirectory("sigcerh-rules-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "seeded.yml"), $"groups:\n  - name: seeded\n    rules:\n      - alert: Seeded\n        expr: '{ruleExpr}'\n");
            return StackSeries.CheckSeries(Facts, Yaml.Load(collectorYaml), ConformanceTests.Dashboards, dir.FullName);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void An_alert_on_the_TLS_metric_without_its_unit_suffix_is_an_unproduced_series() =>
        Expect(SeriesWithRule(Read("collector/config.yaml"), "httpcheck_tls_cert_remaining < 21 * 86400"), Rule.UnproducedSeries, "httpcheck_tls_cert_remaining");

    [Fact]
    public void An_alert_on_the_TLS_metric_left_disabled_is_an_unproduced_series()
    {
        var disabled = Replace(Read("collector/config.yaml"), "httpcheck.tls.cert_remaining:\n        enabled: true", "httpcheck.tls.cert_remaining:\n        enabled: false");
        Expect(SeriesWithRule(disabled, "httpcheck_tls_cert_remaining_seconds < 21 * 86400"), Rule.UnproducedSeries, "httpcheck_tls_cert_remaining_seconds");
        Assert.Empty(SeriesWithRule(Read("collector/config.yaml"), "httpcheck_tls_cert_remaining_seconds < 21 * 86400"));
    }

    [Fact]
    public void A_dashboard_series_whose_optional_metric_is_left_disabled_is_unproduced() =>
        Expect(StackSeries.CheckSeries(Facts, Yaml.Load(Replace(Read("collector/config.yaml"), "system.cpu.utilization:\n            enabled: true", "system.cpu.utilization:\n            enabled: false")),
            ConformanceTests.Dashboards, ConformanceTests.Rules), Rule.UnproducedSeries, "system_cpu_utilization_ratio");

    [Fact]
    public void Dropping_the_unit_fix_renames_tcpcheck_status_and_its_alert_series_is_unproduced() =>
        Expect(SeriesWithRule(Replace(Read("collector/config.yaml"), "set(metric.unit, \"\") where metric.name == \"tcpcheck.status\"", "set(metric.unit, \"1\") where metric.name == \"other\""),
            "tcpcheck_status == 0"), Rule.UnproducedSeries, "tcpcheck_status");

    [Fact]
    public void A_logs_dashboard_label_Loki_does_not_index_is_reported()
    {
        var loki = Yaml.Load(Replace(Read("grafana-lgtm/loki/loki.yaml"), "attributes: [deployment.environment.name, host.name]", "attributes: [deployment.environment.name]"));
        var dir = Directory.CreateTempSubdirectory("sigcerh-dash-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "seeded.json"),
                """{"panels":[{"targets":[{"datasource":{"uid":"loki"},"expr":"{service_name=\"nginx\", host_name=\"x\"} |= \"error\""}]}]}""");
            Expect(StackSeries.CheckLokiLabels(Facts, loki, dir.FullName), Rule.UnknownLokiLabel, "host_name");
            Expect(StackSeries.CheckLokiLabels(Facts, Yaml.LoadFile(Contract.PathOf("grafana-lgtm/loki/loki.yaml")),
                WriteDashboard(dir.FullName, "{service=\"nginx\"}")), Rule.UnknownLokiLabel, "service");
        }
        finally
        {
            dir.Delete(true);
        }
    }

    private static string WriteDashboard(string dir, string selector)
    {
        var sub = Directory.CreateDirectory(Path.Combine(dir, "second")).FullName;
        File.WriteAllText(Path.Combine(sub, "seeded.json"),
            $$"""{"panels":[{"targets":[{"datasource":{"uid":"loki"},"expr":{{System.Text.Json.JsonSerializer.Serialize(selector)}}}]}]}""");
        return sub;
    }
    [Fact]
    public void A_traces_to_metrics_query_on_a_series_nobody_writes_is_an_unproduced_series()
    {
        var grafana = Directory.CreateTempSubdirectory("sigcerh-grafana-").FullName;
        try
        {
            var dashboards = Directory.CreateDirectory(Path.Combine(grafana, "dashboards")).FullName;
            var provisioning = Directory.CreateDirectory(Path.Combine(grafana, "provisioning", "datasources")).FullName;
            File.WriteAllText(Path.Combine(provisioning, "datasources.yaml"), Replace(Read("grafana-lgtm/grafana/provisioning/datasources/datasources.yaml"),
                "sum(rate(http_server_request_duration_seconds_count{", "sum(rate(http_server_requests_seconds_count{"));
            Expect(StackSeries.CheckSeries(Facts, Yaml.LoadFile(Contract.PathOf("collector/config.yaml")), dashboards, ConformanceTests.Rules),
                Rule.UnproducedSeries, "http_server_requests_seconds_count");
        }
        finally
        {
            Directory.Delete(grafana, true);
        }
    }

    [Fact]
    public void A_translation_strategy_without_suffixes_leaves_the_dashboard_series_unproduced() =>
        Expect(StackSeries.CheckSeries(Facts, Yaml.Load(Replace(Read("collector/config.yaml"), "translation_strategy: UnderscoreEscapingWithSuffixes", "translation_strategy: UnderscoreEscapingWithoutSuffixes")),
            ConformanceTests.Dashboards, ConformanceTests.Rules), Rule.UnproducedSeries, "system_cpu_utilization_ratio");
}
