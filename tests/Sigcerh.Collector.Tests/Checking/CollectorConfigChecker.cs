using System.Globalization;
using System.Text.RegularExpressions;

namespace Sigcerh.Collector.Tests.Checking;

/// <summary>One problem found in a collector configuration.</summary>
public sealed record Finding(string Code, string Where, string Message)
{
    public override string ToString() => $"{Code} at {Where}: {Message}";
}

/// <summary>The codes <see cref="CollectorConfigChecker"/> reports.</summary>
public static class Codes
{
    public const string UndefinedComponent = "UNDEFINED_COMPONENT";
    public const string UnusedComponent = "UNUSED_COMPONENT";
    public const string UndefinedExtension = "UNDEFINED_EXTENSION";
    public const string UnusedExtension = "UNUSED_EXTENSION";
    public const string ExtensionNotEnabled = "EXTENSION_NOT_ENABLED";
    public const string MemoryLimiterNotFirst = "MEMORY_LIMITER_NOT_FIRST";
    public const string BatchNotLast = "BATCH_NOT_LAST";
    public const string LocalhostBind = "LOCALHOST_BIND";
    public const string PortMismatch = "PORT_MISMATCH";
    public const string EndpointMismatch = "ENDPOINT_MISMATCH";
    public const string MissingExporter = "MISSING_EXPORTER";
    public const string RemovedComponent = "REMOVED_COMPONENT";
    public const string DeprecatedAlias = "DEPRECATED_ALIAS";
    public const string UnknownComponentType = "UNKNOWN_COMPONENT_TYPE";
    public const string InvalidRegex = "INVALID_REGEX";
    public const string UnknownParseField = "UNKNOWN_PARSE_FIELD";
    public const string UnescapedDollar = "UNESCAPED_DOLLAR";
    public const string NoPersistentQueue = "NO_PERSISTENT_QUEUE";
    public const string NoFileOffsets = "NO_FILE_OFFSETS";
    public const string ResourceLabelsOff = "RESOURCE_LABELS_OFF";
    public const string RequiredMetricDisabled = "REQUIRED_METRIC_DISABLED";
    public const string UptimeSchedule = "UPTIME_SCHEDULE";
    public const string InvalidPipeline = "INVALID_PIPELINE";
}

/// <summary>What a configuration must agree with (contract values).</summary>
public sealed class CheckerOptions
{
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Exporter id → the endpoint it must have once the defaults are applied.</summary>
    public IReadOnlyDictionary<string, string> ExpectedExporterEndpoints { get; init; } = new Dictionary<string, string>();

    public int OtlpGrpcPort { get; init; } = Contract.OtlpGrpcPort;

    public int OtlpHttpPort { get; init; } = Contract.OtlpHttpPort;

    public int HealthCheckPort { get; init; } = Contract.HealthCheckPort;

    public int SelfMetricsPort { get; init; } = Contract.SelfMetricsPort;
}

/// <summary>
/// Static checks of an OpenTelemetry Collector configuration, strict enough to stand in for
/// <c>otelcol validate</c> on the points this project cares about. Returns a list of findings (empty = OK).
/// </summary>
public static partial class CollectorConfigChecker
{
    private static readonly string[] Kinds = ["receivers", "processors", "exporters", "extensions", "connectors"];

    /// <summary>Component types valid (under their current name) in the pinned collector-contrib version.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> KnownTypes = new Dictionary<string, string[]>
    {
        ["receivers"] = ["otlp", "hostmetrics", "http_check", "tcp_check", "postgresql", "file_log", "prometheus", "docker_stats", "journald"],
        ["processors"] = ["memory_limiter", "batch", "resource_detection", "resource", "transform", "attributes", "filter", "redaction"],
        ["exporters"] = ["otlp_grpc", "otlp_http", "prometheus_remote_write", "load_balancing", "debug", "prometheus", "file"],
        ["extensions"] = ["health_check", "file_storage", "bearertokenauth", "pprof", "zpages"],
        ["connectors"] = ["forward", "spanmetrics", "count"],
    };

    /// <summary>Deprecated aliases (still accepted by the collector, with a warning) → current name.</summary>
    public static readonly IReadOnlyDictionary<string, string> DeprecatedAliases = new Dictionary<string, string>
    {
        ["exporters/otlp"] = "otlp_grpc",
        ["exporters/otlphttp"] = "otlp_http",
        ["exporters/prometheusremotewrite"] = "prometheus_remote_write",
        ["exporters/loadbalancing"] = "load_balancing",
        ["receivers/filelog"] = "file_log",
        ["receivers/httpcheck"] = "http_check",
        ["receivers/tcpcheck"] = "tcp_check",
        ["processors/resourcedetection"] = "resource_detection",
    };

    /// <summary>Components removed from the collector.</summary>
    public static readonly IReadOnlyDictionary<string, string> Removed = new Dictionary<string, string>
    {
        ["exporters/loki"] = "removed in 2025; send logs with otlp_http to Loki's /otlp endpoint",
        ["exporters/logging"] = "removed; use the debug exporter",
        ["exporters/jaeger"] = "removed; Tempo and Jaeger accept OTLP",
        ["exporters/opencensus"] = "removed",
        ["receivers/opencensus"] = "removed",
    };

    public static IReadOnlyList<Finding> CheckFiles(CheckerOptions options, params string[] paths) =>
        Check(ConfigTree.Merge(paths.Select(ConfigTree.LoadFile).ToArray()), options);

    public static IReadOnlyList<Finding> CheckYaml(CheckerOptions options, params string[] yamls) =>
        Check(ConfigTree.Merge(yamls.Select(ConfigTree.Parse).ToArray()), options);

    public static IReadOnlyList<Finding> Check(Dictionary<string, object?> raw, CheckerOptions options)
    {
        var f = new List<Finding>();

        foreach (var (path, value) in ConfigTree.Strings(raw))
        {
            Expansion.Expand(value, options.Environment, token => f.Add(new(Codes.UnescapedDollar, path,
                $"'{token}' is not an env reference; the collector would try to expand it. Write a literal dollar as $$.")));
        }

        var cfg = Expansion.ExpandTree(raw, options.Environment);
        var service = ConfigTree.Map(cfg, "service");
        var pipelines = ConfigTree.Map(service, "pipelines");

        CheckTypes(cfg, f);
        CheckPipelines(cfg, pipelines, f);
        CheckExtensions(cfg, service, f);
        CheckBinds(cfg, service, options, f);
        CheckExporters(cfg, options, f);
        CheckRegexes(cfg, f);
        CheckReceiversContract(cfg, f);
        return f;
    }

    private static string TypeOf(string id) => id.Split('/')[0];

    private static void CheckTypes(Dictionary<string, object?> cfg, List<Finding> f)
    {
        foreach (var kind in Kinds)
        {
            foreach (var id in ConfigTree.Map(cfg, kind).Keys)
            {
                var key = $"{kind}/{TypeOf(id)}";
                if (Removed.TryGetValue(key, out var why))
                {
                    f.Add(new(Codes.RemovedComponent, $"{kind}.{id}", why));
                }
                else if (DeprecatedAliases.TryGetValue(key, out var now))
                {
                    f.Add(new(Codes.DeprecatedAlias, $"{kind}.{id}", $"'{TypeOf(id)}' is a deprecated alias; use '{now}'"));
                }
                else if (!KnownTypes[kind].Contains(TypeOf(id)))
                {
                    f.Add(new(Codes.UnknownComponentType, $"{kind}.{id}", $"'{TypeOf(id)}' is not a {kind[..^1]} type of the pinned collector"));
                }
            }
        }
    }

    private static void CheckPipelines(Dictionary<string, object?> cfg, Dictionary<string, object?> pipelines, List<Finding> f)
    {
        var used = Kinds.ToDictionary(k => k, _ => new HashSet<string>(StringComparer.Ordinal));
        if (pipelines.Count == 0)
        {
            f.Add(new(Codes.InvalidPipeline, "service.pipelines", "no pipelines"));
        }

        foreach (var (name, node) in pipelines)
        {
            var p = ConfigTree.Map(node);
            if (TypeOf(name) is not ("traces" or "metrics" or "logs"))
            {
                f.Add(new(Codes.InvalidPipeline, $"service.pipelines.{name}", "pipeline type must be traces, metrics or logs"));
            }

            foreach (var kind in new[] { "receivers", "processors", "exporters" })
            {
                var defined = ConfigTree.Map(cfg, kind);
                var connectors = ConfigTree.Map(cfg, "connectors");
                foreach (var id in ConfigTree.List(p, kind).OfType<string>())
                {
                    used[kind].Add(id);
                    if (kind != "processors" && connectors.ContainsKey(id))
                    {
                        used["connectors"].Add(id);
                        continue;
                    }

                    if (!defined.ContainsKey(id))
                    {
                        f.Add(new(Codes.UndefinedComponent, $"service.pipelines.{name}.{kind}", $"'{id}' is not defined under {kind}"));
                    }
                }
            }

            if (ConfigTree.List(p, "receivers").Count == 0 || ConfigTree.List(p, "exporters").Count == 0)
            {
                f.Add(new(Codes.InvalidPipeline, $"service.pipelines.{name}", "a pipeline needs at least one receiver and one exporter"));
            }

            var procs = ConfigTree.List(p, "processors").OfType<string>().ToList();
            if (procs.Count == 0 || TypeOf(procs[0]) != "memory_limiter")
            {
                f.Add(new(Codes.MemoryLimiterNotFirst, $"service.pipelines.{name}.processors",
                    $"memory_limiter must be the first processor (found [{string.Join(", ", procs)}])"));
            }

            var batch = procs.FindIndex(x => TypeOf(x) == "batch");
            if (batch >= 0 && batch != procs.Count - 1)
            {
                f.Add(new(Codes.BatchNotLast, $"service.pipelines.{name}.processors", "batch should be the last processor"));
            }
        }

        foreach (var kind in Kinds.Where(k => k != "extensions"))
        {
            foreach (var id in ConfigTree.Map(cfg, kind).Keys.Where(id => !used[kind].Contains(id)))
            {
                f.Add(new(Codes.UnusedComponent, $"{kind}.{id}", "defined but not used by any pipeline"));
            }
        }
    }

    private static void CheckExtensions(Dictionary<string, object?> cfg, Dictionary<string, object?> service, List<Finding> f)
    {
        var defined = ConfigTree.Map(cfg, "extensions");
        var enabled = ConfigTree.List(service, "extensions").OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var id in enabled.Where(id => !defined.ContainsKey(id)))
        {
            f.Add(new(Codes.UndefinedExtension, "service.extensions", $"'{id}' is listed but not defined under extensions"));
        }

        foreach (var id in defined.Keys.Where(id => !enabled.Contains(id)))
        {
            f.Add(new(Codes.UnusedExtension, $"extensions.{id}", "defined but not listed in service.extensions"));
        }

        foreach (var kind in Kinds)
        {
            foreach (var (path, value) in ConfigTree.Strings(ConfigTree.Map(cfg, kind), kind))
            {
                var key = path.Split('.')[^1];
                if (key is not ("storage" or "authenticator"))
                {
                    continue;
                }

                if (!defined.ContainsKey(value))
                {
                    f.Add(new(Codes.UndefinedExtension, path, $"'{value}' is not defined under extensions"));
                }
                else if (!enabled.Contains(value))
                {
                    f.Add(new(Codes.ExtensionNotEnabled, path, $"'{value}' is used here but missing from service.extensions"));
                }
            }
        }
    }

    private static (string Host, int? Port) SplitEndpoint(string endpoint)
    {
        var e = endpoint.Contains("://", StringComparison.Ordinal) ? endpoint[(endpoint.IndexOf("://", StringComparison.Ordinal) + 3)..] : endpoint;
        e = e.Split('/')[0];
        var colon = e.LastIndexOf(':');
        if (colon < 0)
        {
            return (e, null);
        }

        return (e[..colon], int.TryParse(e[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null);
    }

    private static bool IsLoopback(string host) =>
        host is "localhost" or "[::1]" or "::1" || host.StartsWith("127.", StringComparison.Ordinal);

    private static void CheckServerEndpoint(string? endpoint, string where, int expectedPort, List<Finding> f)
    {
        if (endpoint is null)
        {
            f.Add(new(Codes.LocalhostBind, where, "no endpoint: the default binds localhost only, unreachable from other containers"));
            return;
        }

        var (host, port) = SplitEndpoint(endpoint);
        if (IsLoopback(host))
        {
            f.Add(new(Codes.LocalhostBind, where, $"'{endpoint}' binds loopback only; containers cannot reach it (use 0.0.0.0)"));
        }

        if (port != expectedPort)
        {
            f.Add(new(Codes.PortMismatch, where, $"'{endpoint}' does not use the contract port {expectedPort}"));
        }
    }

    private static void CheckBinds(Dictionary<string, object?> cfg, Dictionary<string, object?> service, CheckerOptions o, List<Finding> f)
    {
        foreach (var (id, node) in ConfigTree.Map(cfg, "receivers").Where(kv => TypeOf(kv.Key) == "otlp"))
        {
            var protocols = ConfigTree.Map(ConfigTree.Map(node), "protocols");
            if (protocols.Count == 0)
            {
                f.Add(new(Codes.LocalhostBind, $"receivers.{id}", "no protocols configured"));
            }

            if (protocols.TryGetValue("grpc", out var grpc))
            {
                CheckServerEndpoint(ConfigTree.Str(ConfigTree.Map(grpc), "endpoint"), $"receivers.{id}.protocols.grpc.endpoint", o.OtlpGrpcPort, f);
            }
            else
            {
                f.Add(new(Codes.PortMismatch, $"receivers.{id}.protocols", $"no gRPC protocol: the package's default OTLP gRPC port {o.OtlpGrpcPort} would not answer"));
            }

            if (protocols.TryGetValue("http", out var http))
            {
                CheckServerEndpoint(ConfigTree.Str(ConfigTree.Map(http), "endpoint"), $"receivers.{id}.protocols.http.endpoint", o.OtlpHttpPort, f);
            }
            else
            {
                f.Add(new(Codes.PortMismatch, $"receivers.{id}.protocols", $"no HTTP protocol: OTLP/HTTP port {o.OtlpHttpPort} would not answer"));
            }
        }

        foreach (var (id, node) in ConfigTree.Map(cfg, "extensions").Where(kv => TypeOf(kv.Key) == "health_check"))
        {
            CheckServerEndpoint(ConfigTree.Str(ConfigTree.Map(node), "endpoint"), $"extensions.{id}.endpoint", o.HealthCheckPort, f);
        }

        var readers = ConfigTree.At(service, "telemetry.metrics.readers") as List<object?> ?? [];
        var prom = readers.Select(r => ConfigTree.At(r, "pull.exporter.prometheus")).OfType<Dictionary<string, object?>>().FirstOrDefault();
        if (prom is null)
        {
            f.Add(new(Codes.PortMismatch, "service.telemetry.metrics.readers", $"no Prometheus pull reader: the collector's own metrics must be served on :{o.SelfMetricsPort}"));
        }
        else
        {
            var host = ConfigTree.Str(prom, "host") ?? "localhost";
            var portText = ConfigTree.Str(prom, "port");
            if (IsLoopback(host))
            {
                f.Add(new(Codes.LocalhostBind, "service.telemetry.metrics.readers", $"self metrics bound to '{host}'; Prometheus cannot scrape them (use 0.0.0.0)"));
            }

            if (portText != o.SelfMetricsPort.ToString(CultureInfo.InvariantCulture))
            {
                f.Add(new(Codes.PortMismatch, "service.telemetry.metrics.readers", $"self metrics port '{portText}' is not {o.SelfMetricsPort}"));
            }
        }
    }

    private static void CheckExporters(Dictionary<string, object?> cfg, CheckerOptions o, List<Finding> f)
    {
        var exporters = ConfigTree.Map(cfg, "exporters");
        foreach (var (id, expected) in o.ExpectedExporterEndpoints)
        {
            if (!exporters.TryGetValue(id, out var node))
            {
                f.Add(new(Codes.MissingExporter, $"exporters.{id}", $"expected an exporter '{id}' sending to {expected}"));
                continue;
            }

            var actual = ConfigTree.Str(ConfigTree.Map(node), "endpoint");
            if (!string.Equals(actual, expected, StringComparison.Ordinal))
            {
                f.Add(new(Codes.EndpointMismatch, $"exporters.{id}.endpoint", $"'{actual}' but the contract says '{expected}'"));
            }
        }

        foreach (var (id, node) in exporters)
        {
            var e = ConfigTree.Map(node);
            switch (TypeOf(id))
            {
                case "otlp_grpc" or "otlp_http" or "load_balancing":
                    var queue = ConfigTree.Map(e, "sending_queue");
                    if (ConfigTree.Str(queue, "storage") is null || ConfigTree.Str(queue, "enabled") == "false")
                    {
                        f.Add(new(Codes.NoPersistentQueue, $"exporters.{id}.sending_queue", "the sending queue must be enabled and persisted (storage: file_storage)"));
                    }

                    break;
                case "prometheus_remote_write":
                    if (ConfigTree.At(e, "wal.directory") is not string)
                    {
                        f.Add(new(Codes.NoPersistentQueue, $"exporters.{id}.wal", "remote write has no exporterhelper queue; its WAL directory must be set"));
                    }

                    if (ConfigTree.At(e, "resource_to_telemetry_conversion.enabled") as string != "true")
                    {
                        f.Add(new(Codes.ResourceLabelsOff, $"exporters.{id}.resource_to_telemetry_conversion",
                            "must be enabled so series carry service_name, deployment_environment_name, host_name"));
                    }

                    break;
            }
        }
    }

    [GeneratedRegex("""matches\s+"((?:\\.|[^"\\])*)"|matches\s+'((?:\\.|[^'\\])*)'""")]
    private static partial Regex ExprMatches();

    [GeneratedRegex(@"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>")]
    private static partial Regex NamedGroup();

    private static void AddRegexProblems(string pattern, string where, List<Finding> f)
    {
        if (pattern.Contains('\b', StringComparison.Ordinal))
        {
            f.Add(new(Codes.InvalidRegex, where, @"contains a backspace character: '\b' was unescaped by the string literal; write '\\b'"));
        }

        foreach (var problem in Re2.Validate(pattern))
        {
            f.Add(new(Codes.InvalidRegex, where, $"/{pattern}/: {problem}"));
        }
    }

    private static void CheckRegexes(Dictionary<string, object?> cfg, List<Finding> f)
    {
        foreach (var (id, node) in ConfigTree.Map(cfg, "receivers"))
        {
            var r = ConfigTree.Map(node);
            foreach (var key in new[] { "line_start_pattern", "line_end_pattern" })
            {
                if (ConfigTree.At(r, $"multiline.{key}") is string pattern)
                {
                    AddRegexProblems(pattern, $"receivers.{id}.multiline.{key}", f);
                }
            }

            var ops = ConfigTree.List(r, "operators");
            for (var i = 0; i < ops.Count; i++)
            {
                var op = ConfigTree.Map(ops[i]);
                var where = $"receivers.{id}.operators[{i}]";
                if (ConfigTree.Str(op, "if") is { } expr)
                {
                    foreach (Match m in ExprMatches().Matches(expr))
                    {
                        var lit = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
                        AddRegexProblems(Regex.Unescape(lit), $"{where}.if", f);
                    }
                }

                if (ConfigTree.Str(op, "type") == "regex_parser")
                {
                    var regex = ConfigTree.Str(op, "regex");
                    if (regex is null)
                    {
                        f.Add(new(Codes.InvalidRegex, where, "regex_parser without regex"));
                        continue;
                    }

                    AddRegexProblems(regex, $"{where}.regex", f);
                    var groups = NamedGroup().Matches(regex).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
                    var parseFrom = (ConfigTree.Str(op, "parse_to") ?? "attributes") == "attributes";
                    foreach (var sub in new[] { "timestamp", "severity" })
                    {
                        if (ConfigTree.At(op, $"{sub}.parse_from") is string from && parseFrom && from.StartsWith("attributes.", StringComparison.Ordinal)
                            && !groups.Contains(from["attributes.".Length..]))
                        {
                            f.Add(new(Codes.UnknownParseField, $"{where}.{sub}.parse_from", $"'{from}' is not a named group of the regex"));
                        }
                    }
                }
            }

            if (TypeOf(id) == "hostmetrics" && ConfigTree.At(r, "scrapers.filesystem.exclude_mount_points") is Dictionary<string, object?> mp
                && ConfigTree.Str(mp, "match_type") == "regexp")
            {
                foreach (var pattern in ConfigTree.List(mp, "mount_points").OfType<string>())
                {
                    AddRegexProblems(pattern, $"receivers.{id}.scrapers.filesystem.exclude_mount_points", f);
                }
            }
        }

        foreach (var (id, node) in ConfigTree.Map(cfg, "processors").Where(kv => TypeOf(kv.Key) == "transform"))
        {
            foreach (var (path, statement) in TransformStatements(ConfigTree.Map(node), $"processors.{id}"))
            {
                Ottl.Call call;
                try
                {
                    call = Ottl.Parse(statement);
                }
                catch (FormatException e)
                {
                    f.Add(new(Codes.InvalidRegex, path, e.Message));
                    continue;
                }

                var patternIndex = call.Function switch
                {
                    "replace_pattern" => 1,
                    "replace_all_patterns" => 2,
                    "IsMatch" => 1,
                    _ => -1,
                };
                if (patternIndex < 0)
                {
                    continue;
                }

                if (patternIndex >= call.StringLiterals.Count || call.StringLiterals[patternIndex] is not { } pattern)
                {
                    f.Add(new(Codes.InvalidRegex, path, $"{call.Function}: the pattern must be a string literal"));
                    continue;
                }

                AddRegexProblems(pattern, path, f);
            }
        }
    }

    /// <summary>Every OTTL statement of a transform processor, with its path.</summary>
    public static IEnumerable<(string Path, string Statement)> TransformStatements(Dictionary<string, object?> transform, string prefix)
    {
        foreach (var signal in new[] { "log_statements", "trace_statements", "metric_statements" })
        {
            var groups = ConfigTree.List(transform, signal);
            for (var g = 0; g < groups.Count; g++)
            {
                if (groups[g] is string flat)
                {
                    yield return ($"{prefix}.{signal}[{g}]", flat);
                    continue;
                }

                var statements = ConfigTree.List(ConfigTree.Map(groups[g]), "statements");
                for (var s = 0; s < statements.Count; s++)
                {
                    if (statements[s] is string st)
                    {
                        yield return ($"{prefix}.{signal}[{g}].statements[{s}]", st);
                    }
                }
            }
        }
    }

    private static void CheckReceiversContract(Dictionary<string, object?> cfg, List<Finding> f)
    {
        foreach (var (id, node) in ConfigTree.Map(cfg, "receivers"))
        {
            var r = ConfigTree.Map(node);
            switch (TypeOf(id))
            {
                case "hostmetrics":
                    foreach (var (scraper, metric) in new[] { ("cpu", "system.cpu.utilization"), ("memory", "system.memory.utilization"), ("filesystem", "system.filesystem.utilization") })
                    {
                        var scrapers = ConfigTree.Map(r, "scrapers");
                        if (ConfigTree.Map(ConfigTree.Map(ConfigTree.Map(scrapers, scraper), "metrics"), metric).GetValueOrDefault("enabled") as string != "true")
                        {
                            f.Add(new(Codes.RequiredMetricDisabled, $"receivers.{id}.scrapers.{scraper}", $"{metric} is optional in the collector and must be enabled"));
                        }
                    }

                    foreach (var scraper in new[] { "load", "network", "system" })
                    {
                        if (!ConfigTree.Map(r, "scrapers").ContainsKey(scraper))
                        {
                            f.Add(new(Codes.RequiredMetricDisabled, $"receivers.{id}.scrapers", $"the {scraper} scraper is required"));
                        }
                    }

                    if (ConfigTree.Str(r, "root_path") is null)
                    {
                        f.Add(new(Codes.RequiredMetricDisabled, $"receivers.{id}.root_path", "root_path must point at the host's root (mounted at /hostfs in a container)"));
                    }

                    break;
                case "postgresql":
                    if (ConfigTree.Str(ConfigTree.Map(ConfigTree.Map(r, "metrics"), "postgresql.deadlocks"), "enabled") != "true")
                    {
                        f.Add(new(Codes.RequiredMetricDisabled, $"receivers.{id}.metrics", "postgresql.deadlocks is off by default and must be enabled"));
                    }

                    break;
                case "http_check":
                    if (ConfigTree.Str(r, "collection_interval") != "5m")
                    {
                        f.Add(new(Codes.UptimeSchedule, $"receivers.{id}.collection_interval", "the ops plan checks every 5 minutes"));
                    }

                    foreach (var t in ConfigTree.List(r, "targets").Select(ConfigTree.Map))
                    {
                        if (ConfigTree.Str(t, "timeout") != "30s")
                        {
                            f.Add(new(Codes.UptimeSchedule, $"receivers.{id}.targets", $"target {ConfigTree.Str(t, "endpoint")} must time out after 30s"));
                        }
                    }

                    break;
                case "file_log":
                    if (ConfigTree.Str(r, "storage") is null)
                    {
                        f.Add(new(Codes.NoFileOffsets, $"receivers.{id}.storage", "file offsets must persist across restarts (storage: file_storage)"));
                    }

                    break;
            }
        }
    }
}
