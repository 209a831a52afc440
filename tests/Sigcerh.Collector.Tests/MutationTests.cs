using Sigcerh.Collector.Tests.Checking;

namespace Sigcerh.Collector.Tests;

/// <summary>
/// Every check is shown to fail on a broken copy of the real config: each case mutates the text of
/// collector/config.yaml (or its parsed tree), writes the copy to a temporary file, runs the checker,
/// and expects the specific finding. The unmodified config has no finding of that code.
/// </summary>
public class MutationTests
{
    private static string Original => File.ReadAllText(Configs.SingleServer);

    private static string ReplaceOnce(string text, string from, string to)
    {
        var i = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(i >= 0, $"mutation anchor not found: {from}");
        return string.Concat(text.AsSpan(0, i), to, text.AsSpan(i + from.Length));
    }

    private static string InsertAfter(string text, string anchor, string insertion) =>
        ReplaceOnce(text, anchor, anchor + insertion);

    private const string LogsProcessors = "processors: [memory_limiter, resource_detection, resource/environment, transform/redact_pii, batch]\n      exporters: [otlp_http/loki]";

    public static readonly Dictionary<string, Func<string, string>> TextMutations = new()
    {
        ["memory_limiter_moved_to_second_place"] = t => ReplaceOnce(t, LogsProcessors,
            "processors: [resource_detection, memory_limiter, resource/environment, transform/redact_pii, batch]\n      exporters: [otlp_http/loki]"),
        ["memory_limiter_removed_from_a_pipeline"] = t => ReplaceOnce(t,
            "processors: [memory_limiter, resource_detection, resource/environment, transform/prometheus_names, batch]",
            "processors: [resource_detection, resource/environment, transform/prometheus_names, batch]"),
        ["batch_before_redaction"] = t => ReplaceOnce(t, LogsProcessors,
            "processors: [memory_limiter, resource_detection, resource/environment, batch, transform/redact_pii]\n      exporters: [otlp_http/loki]"),
        ["loki_exporter_added"] = t => ReplaceOnce(
            InsertAfter(t, "\nexporters:\n", "  loki:\n    endpoint: http://loki:3100/loki/api/v1/push\n"),
            "exporters: [otlp_http/loki]", "exporters: [otlp_http/loki, loki]"),
        ["deprecated_otlphttp_alias"] = t => t.Replace("otlp_http/loki", "otlphttp/loki", StringComparison.Ordinal),
        ["deprecated_filelog_alias"] = t => t.Replace("file_log/nginx_error", "filelog/nginx_error", StringComparison.Ordinal),
        ["unknown_component_type"] = t => t.Replace("http_check/uptime", "http_chek/uptime", StringComparison.Ordinal),
        ["otlp_grpc_bound_to_localhost"] = t => ReplaceOnce(t, "endpoint: 0.0.0.0:4317", "endpoint: localhost:4317"),
        ["otlp_http_bound_to_loopback_ip"] = t => ReplaceOnce(t, "endpoint: 0.0.0.0:4318", "endpoint: 127.0.0.1:4318"),
        ["otlp_http_endpoint_omitted"] = t => ReplaceOnce(t, "      http:\n        endpoint: 0.0.0.0:4318\n", "      http: {}\n"),
        ["health_check_bound_to_localhost"] = t => ReplaceOnce(t, "endpoint: 0.0.0.0:13133", "endpoint: localhost:13133"),
        ["self_metrics_bound_to_localhost"] = t => ReplaceOnce(t, "host: 0.0.0.0", "host: localhost"),
        ["otlp_grpc_port_changed"] = t => ReplaceOnce(t, "endpoint: 0.0.0.0:4317", "endpoint: 0.0.0.0:4327"),
        ["otlp_http_port_changed"] = t => ReplaceOnce(t, "endpoint: 0.0.0.0:4318", "endpoint: 0.0.0.0:55681"),
        ["self_metrics_port_changed"] = t => ReplaceOnce(t, "port: 8888", "port: 9999"),
        ["loki_endpoint_changed"] = t => ReplaceOnce(t, "http://loki:3100/otlp", "http://loki:3100/loki/api/v1/push"),
        ["tempo_endpoint_changed"] = t => ReplaceOnce(t, ":-tempo:4317}", ":-tempo:4318}"),
        ["remote_write_endpoint_changed"] = t => ReplaceOnce(t, "http://prometheus:9090/api/v1/write", "http://prometheus:9090/api/v1/otlp"),
        ["undefined_receiver_in_pipeline"] = t => ReplaceOnce(t, "receivers: [otlp]", "receivers: [otlp, otlp/typo]"),
        ["undefined_processor_in_pipeline"] = t => ReplaceOnce(t, LogsProcessors,
            "processors: [memory_limiter, resource_detection, resource/environment, transform/redact_pii, attributes/missing, batch]\n      exporters: [otlp_http/loki]"),
        ["receiver_defined_but_unused"] = t => InsertAfter(t, "\nreceivers:\n", "  file_log/forgotten:\n    include: [/var/log/forgotten.log]\n    storage: file_storage\n"),
        ["exporter_defined_but_unused"] = t => InsertAfter(t, "\nexporters:\n", "  debug:\n    verbosity: basic\n"),
        ["extension_defined_but_not_enabled"] = t => InsertAfter(t, "extensions:\n  health_check:\n", "    check_collector_pipeline:\n      enabled: false\n").Replace(
            "extensions:\n  health_check:\n    check_collector_pipeline:", "extensions:\n  pprof:\n    endpoint: 0.0.0.0:1777\n  health_check:\n    check_collector_pipeline:", StringComparison.Ordinal),
        ["storage_extension_missing_from_service_extensions"] = t => ReplaceOnce(t, "extensions: [health_check, file_storage]", "extensions: [health_check]"),
        ["service_lists_an_undefined_extension"] = t => ReplaceOnce(t, "extensions: [health_check, file_storage]", "extensions: [health_check, file_storage, zpages]"),
        ["parser_regex_with_lookahead"] = t => ReplaceOnce(t, @"regex: '^(?P<time>", @"regex: '^(?=\d)(?P<time>"),
        ["parser_regex_unbalanced"] = t => ReplaceOnce(t, @"(?:\*(?P<connection>\d+) )?", @"(?:\*(?P<connection>\d+) ?"),
        ["multiline_regex_with_backreference"] = t => ReplaceOnce(t, @"line_start_pattern: '^\d{4}", @"line_start_pattern: '^(\d)\1\d{4}"),
        ["ottl_regex_with_single_backslash"] = t => ReplaceOnce(t, @"(?:\\.[A-Za-z0-9-]+)", @"(?:\.[A-Za-z0-9-]+)"),
        ["ottl_regex_with_invalid_escape"] = t => ReplaceOnce(t, @"""(^|[^0-9])3[47][0-9]{2}", @"""(^|[^0-9])3[47]\d{2}"),
        ["ottl_regex_with_lookbehind"] = t => ReplaceOnce(t, @"""(^|[^0-9])(?:10|15|16|17|20)", @"""(?<!\\d)(?:10|15|16|17|20)"),
        ["ottl_replacement_with_unescaped_dollar"] = t => ReplaceOnce(t, "\"$${1}[CE]", "\"${1}[CE]"),
        ["condition_regex_invalid"] = t => ReplaceOnce(t, "matches \"^duration: \"", "matches \"^duration: (\""),
        ["parse_from_names_a_missing_group"] = t => ReplaceOnce(t, "parse_from: attributes.pg_severity", "parse_from: attributes.severity_text"),
        ["exporter_queue_not_persisted"] = t => ReplaceOnce(t, "      storage: file_storage\n      queue_size: 5000\n", "      queue_size: 5000\n"),
        ["remote_write_wal_removed"] = t => ReplaceOnce(t, "    wal:\n", "    wal_disabled:\n"),
        ["remote_write_without_resource_labels"] = t => ReplaceOnce(t, "resource_to_telemetry_conversion:\n      enabled: true", "resource_to_telemetry_conversion:\n      enabled: false"),
        ["file_offsets_not_persisted"] = t => ReplaceOnce(t, "    start_at: end\n    storage: file_storage\n", "    start_at: end\n"),
        ["cpu_utilization_left_disabled"] = t => ReplaceOnce(t, "system.cpu.utilization:\n            enabled: true", "system.cpu.utilization:\n            enabled: false"),
        ["postgresql_deadlocks_left_disabled"] = t => ReplaceOnce(t, "postgresql.deadlocks:\n        enabled: true", "postgresql.deadlocks:\n        enabled: false"),
        ["uptime_timeout_changed"] = t => ReplaceOnce(t, "timeout: 30s", "timeout: 10s"),
        ["uptime_interval_changed"] = t => ReplaceOnce(t, "collection_interval: 5m\n    initial_delay", "collection_interval: 1m\n    initial_delay"),
    };

    [Theory]
    [InlineData("memory_limiter_moved_to_second_place", Codes.MemoryLimiterNotFirst, "service.pipelines.logs")]
    [InlineData("memory_limiter_removed_from_a_pipeline", Codes.MemoryLimiterNotFirst, "service.pipelines.metrics")]
    [InlineData("batch_before_redaction", Codes.BatchNotLast, "service.pipelines.logs")]
    [InlineData("loki_exporter_added", Codes.RemovedComponent, "exporters.loki")]
    [InlineData("deprecated_otlphttp_alias", Codes.DeprecatedAlias, "exporters.otlphttp/loki")]
    [InlineData("deprecated_filelog_alias", Codes.DeprecatedAlias, "receivers.filelog/nginx_error")]
    [InlineData("unknown_component_type", Codes.UnknownComponentType, "receivers.http_chek/uptime")]
    [InlineData("otlp_grpc_bound_to_localhost", Codes.LocalhostBind, "receivers.otlp.protocols.grpc")]
    [InlineData("otlp_http_bound_to_loopback_ip", Codes.LocalhostBind, "receivers.otlp.protocols.http")]
    [InlineData("otlp_http_endpoint_omitted", Codes.LocalhostBind, "receivers.otlp.protocols.http")]
    [InlineData("health_check_bound_to_localhost", Codes.LocalhostBind, "extensions.health_check")]
    [InlineData("self_metrics_bound_to_localhost", Codes.LocalhostBind, "service.telemetry")]
    [InlineData("otlp_grpc_port_changed", Codes.PortMismatch, "receivers.otlp.protocols.grpc")]
    [InlineData("otlp_http_port_changed", Codes.PortMismatch, "receivers.otlp.protocols.http")]
    [InlineData("self_metrics_port_changed", Codes.PortMismatch, "service.telemetry")]
    [InlineData("loki_endpoint_changed", Codes.EndpointMismatch, "exporters.otlp_http/loki")]
    [InlineData("tempo_endpoint_changed", Codes.EndpointMismatch, "exporters.otlp_grpc/tempo")]
    [InlineData("remote_write_endpoint_changed", Codes.EndpointMismatch, "exporters.prometheus_remote_write")]
    [InlineData("undefined_receiver_in_pipeline", Codes.UndefinedComponent, "service.pipelines.traces.receivers")]
    [InlineData("undefined_processor_in_pipeline", Codes.UndefinedComponent, "service.pipelines.logs.processors")]
    [InlineData("receiver_defined_but_unused", Codes.UnusedComponent, "receivers.file_log/forgotten")]
    [InlineData("exporter_defined_but_unused", Codes.UnusedComponent, "exporters.debug")]
    [InlineData("extension_defined_but_not_enabled", Codes.UnusedExtension, "extensions.pprof")]
    [InlineData("storage_extension_missing_from_service_extensions", Codes.ExtensionNotEnabled, "sending_queue.storage")]
    [InlineData("service_lists_an_undefined_extension", Codes.UndefinedExtension, "service.extensions")]
    [InlineData("parser_regex_with_lookahead", Codes.InvalidRegex, "receivers.file_log/nginx_error.operators[0].regex")]
    [InlineData("parser_regex_unbalanced", Codes.InvalidRegex, "receivers.file_log/nginx_error.operators[0].regex")]
    [InlineData("multiline_regex_with_backreference", Codes.InvalidRegex, "receivers.file_log/postgresql.multiline")]
    [InlineData("ottl_regex_with_single_backslash", Codes.InvalidRegex, "processors.transform/redact_pii.log_statements[0]")]
    [InlineData("ottl_regex_with_invalid_escape", Codes.InvalidRegex, "processors.transform/redact_pii.log_statements[0]")]
    [InlineData("ottl_regex_with_lookbehind", Codes.InvalidRegex, "processors.transform/redact_pii.log_statements[0]")]
    [InlineData("ottl_replacement_with_unescaped_dollar", Codes.UnescapedDollar, "processors.transform/redact_pii")]
    [InlineData("condition_regex_invalid", Codes.InvalidRegex, "receivers.file_log/postgresql.operators[1].if")]
    [InlineData("parse_from_names_a_missing_group", Codes.UnknownParseField, "receivers.file_log/postgresql.operators[0].severity")]
    [InlineData("exporter_queue_not_persisted", Codes.NoPersistentQueue, "exporters.otlp_http/loki")]
    [InlineData("remote_write_wal_removed", Codes.NoPersistentQueue, "exporters.prometheus_remote_write")]
    [InlineData("remote_write_without_resource_labels", Codes.ResourceLabelsOff, "exporters.prometheus_remote_write")]
    [InlineData("file_offsets_not_persisted", Codes.NoFileOffsets, "receivers.file_log/nginx_access")]
    [InlineData("cpu_utilization_left_disabled", Codes.RequiredMetricDisabled, "receivers.hostmetrics.scrapers.cpu")]
    [InlineData("postgresql_deadlocks_left_disabled", Codes.RequiredMetricDisabled, "receivers.postgresql")]
    [InlineData("uptime_timeout_changed", Codes.UptimeSchedule, "receivers.http_check/uptime")]
    [InlineData("uptime_interval_changed", Codes.UptimeSchedule, "receivers.http_check/uptime")]
    public void Checker_reports_the_specific_problem_in_a_broken_copy(string mutation, string expectedCode, string expectedWhere)
    {
        var original = Original;
        Assert.DoesNotContain(CollectorConfigChecker.CheckFiles(Configs.BackendOptions, Configs.SingleServer), f => f.Code == expectedCode);

        var broken = TextMutations[mutation](original);
        Assert.NotEqual(original, broken);
        var copy = Path.Combine(Path.GetTempPath(), $"sigcerh-collector-{mutation}-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(copy, broken);
        try
        {
            var findings = CollectorConfigChecker.CheckFiles(Configs.BackendOptions, copy);
            Assert.True(
                findings.Any(f => f.Code == expectedCode && f.Where.StartsWith(expectedWhere, StringComparison.Ordinal)
                    || f.Code == expectedCode && f.Where.Contains(expectedWhere, StringComparison.Ordinal)),
                $"expected {expectedCode} at {expectedWhere}; got:\n{string.Join("\n", findings)}");
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public void Every_mutation_is_exercised()
    {
        var method = typeof(MutationTests).GetMethod(nameof(Checker_reports_the_specific_problem_in_a_broken_copy))!;
        var used = method.GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => (string)a.GetData(method).First()[0]).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(TextMutations.Keys.Order(StringComparer.Ordinal), used.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_overlay_that_does_not_restate_service_extensions_drops_the_others_and_is_reported()
    {
        // The collector REPLACES lists when it merges --config files; a careless auth overlay would disable file_storage.
        const string carelessOverlay = """
            extensions:
              bearertokenauth/otlp:
                token: secret
            receivers:
              otlp:
                protocols:
                  grpc:
                    auth:
                      authenticator: bearertokenauth/otlp
            service:
              extensions: [bearertokenauth/otlp]
            """;
        var findings = CollectorConfigChecker.CheckYaml(Configs.BackendOptions, Original, carelessOverlay);
        Assert.Contains(findings, f => f.Code == Codes.UnusedExtension && f.Where == "extensions.health_check");
        Assert.Contains(findings, f => f.Code == Codes.ExtensionNotEnabled && f.Message.Contains("file_storage", StringComparison.Ordinal));
    }

    [Fact]
    public void Authenticator_that_is_not_defined_is_reported()
    {
        const string overlay = """
            receivers:
              otlp:
                protocols:
                  http:
                    auth:
                      authenticator: bearertokenauth/missing
            """;
        var findings = CollectorConfigChecker.CheckYaml(Configs.BackendOptions, Original, overlay);
        Assert.Contains(findings, f => f.Code == Codes.UndefinedExtension && f.Where.EndsWith("auth.authenticator", StringComparison.Ordinal));
    }
}
