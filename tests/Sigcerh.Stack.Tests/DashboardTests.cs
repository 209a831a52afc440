using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Sigcerh.Stack.Tests;

/// <summary>Grafana dashboards: JSON, uids and Spanish titles, data source uids, PromQL parsed by a real Prometheus.</summary>
public sealed partial class DashboardTests
{
    private static readonly Dictionary<string, string> Expected = new()
    {
        ["sigcerh-vista-general"] = "SIGCERH — Vista General",
        ["sigcerh-sistema"] = "Sistema",
        ["sigcerh-aplicacion"] = "Aplicación",
        ["sigcerh-base-de-datos"] = "Base de Datos",
        ["sigcerh-logs"] = "Logs",
    };

    /// <summary>Series names of the collector issue's contract table (plus the operations issue's backup series).</summary>
    private static readonly string[] ContractSeries =
    [
        "sigcerh_applications_created_total", "sigcerh_certificates_issued_total", "sigcerh_payments_validated_total",
        "sigcerh_users_active", "sigcerh_ocr_duration_seconds_bucket", "sigcerh_ocr_duration_seconds_sum",
        "sigcerh_ocr_duration_seconds_count", "sigcerh_ocr_pages_total", "sigcerh_ai_requests_total",
        "sigcerh_health_status", "sigcerh_telemetry_dropped_total",
        "http_server_request_duration_seconds_bucket", "http_server_request_duration_seconds_sum", "http_server_request_duration_seconds_count",
        "http_client_request_duration_seconds_bucket", "http_client_request_duration_seconds_sum", "http_client_request_duration_seconds_count",
        "kestrel_active_connections", "dotnet_gc_collections_total", "dotnet_process_memory_working_set_bytes",
        "dotnet_thread_pool_queue_length", "db_client_operation_duration_seconds_bucket", "db_client_operation_duration_seconds_sum",
        "db_client_operation_duration_seconds_count", "db_client_connection_count", "db_client_connection_max",
        "system_cpu_utilization_ratio", "system_memory_utilization_ratio", "system_filesystem_utilization_ratio",
        "system_cpu_load_average_1m", "system_network_io_bytes_total", "system_uptime_seconds",
        "httpcheck_status", "httpcheck_duration_milliseconds", "httpcheck_error",
        "postgresql_backends", "postgresql_connection_max", "postgresql_db_size_bytes", "postgresql_commits_total",
        "postgresql_rollbacks_total", "postgresql_deadlocks_total", "tcpcheck_status",
        "sigcerh_backup_last_success_timestamp_seconds", "sigcerh_backup_last_run_timestamp_seconds", "sigcerh_backup_last_status",
        "sigcerh_backup_last_size_bytes", "sigcerh_backup_last_duration_seconds", "sigcerh_restore_test_last_success_timestamp_seconds",
        "sigcerh_restore_test_last_status",
    ];

    private static readonly HashSet<string> PromqlWords = new(StringComparer.Ordinal)
    {
        "sum", "min", "max", "avg", "count", "topk", "bottomk", "quantile", "stddev", "stdvar", "group", "count_values",
        "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset", "bool",
        "rate", "irate", "increase", "delta", "idelta", "changes", "resets", "deriv", "histogram_quantile", "time", "timestamp",
        "vector", "scalar", "abs", "ceil", "floor", "round", "clamp", "clamp_min", "clamp_max", "label_replace", "label_join",
        "sort", "sort_desc", "hour", "day_of_week", "absent", "absent_over_time", "last_over_time", "avg_over_time",
        "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "quantile_over_time", "present_over_time", "inf", "nan",
    };

    public static TheoryData<string> Dashboards() => new(Expected.Keys);

    internal static IEnumerable<JsonElement> Panels(JsonElement dashboard)
    {
        foreach (var p in dashboard.GetProperty("panels").EnumerateArray())
        {
            yield return p;
            if (p.TryGetProperty("panels", out var inner))
            {
                foreach (var q in inner.EnumerateArray())
                {
                    yield return q;
                }
            }
        }
    }

    private static JsonElement Load(string uid)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Stack.DashboardsDir, uid + ".json")));
        return doc.RootElement.Clone();
    }

    /// <summary>Replaces Grafana's variables with values a query would get at run time.</summary>
    internal static string Substitute(string expr) => GrafanaVar().Replace(expr, m => (m.Groups[1].Value + m.Groups[2].Value) switch
    {
        "service" => "sigcerh-backend",
        "env" => "production",
        "level" => "error",
        "trace_id" or "search" => string.Empty,
        "__rate_interval" or "__interval" => "2m",
        "__range" => "1d",
        "__range_s" => "86400",
        "__auto" => "2m",
        var other => throw new InvalidOperationException("unknown Grafana variable $" + other),
    });

    [GeneratedRegex(@"\$\{?(__[a-z_]+|service|env|level|trace_id|search)(?::[a-z]+)?\}?|\$(\w+)")]
    private static partial Regex GrafanaVar();

    [Fact]
    public void The_five_dashboards_exist_with_fixed_uids_Spanish_titles_and_variables()
    {
        var files = Directory.GetFiles(Stack.DashboardsDir, "*.json").Select(Path.GetFileNameWithoutExtension).Order().ToArray();
        Assert.Equal(Expected.Keys.Order(), files);
        foreach (var (uid, title) in Expected)
        {
            var d = Load(uid);
            Assert.Equal(uid, d.GetProperty("uid").GetString());
            Assert.Equal(title, d.GetProperty("title").GetString());
            var vars = d.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => v.GetProperty("name").GetString()).ToList();
            Assert.Contains("service", vars);
            Assert.Contains("env", vars);
            Assert.Contains(Panels(d), p => p.GetProperty("type").GetString() != "row");
        }
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Every_panel_and_query_uses_a_provisioned_data_source_uid(string uid)
    {
        var ds = Stack.LoadYaml(Path.Combine(Stack.Dir, "grafana", "provisioning", "datasources", "datasources.yaml"))
            .Seq("datasources").Cast<YamlMappingNode>().ToDictionary(x => x.Str("uid")!, x => x.Str("type")!);
        Assert.Equal(new[] { "alertmanager", "loki", "prometheus", "tempo" }, ds.Keys.Order());
        var d = Load(uid);
        foreach (var p in Panels(d).Where(p => p.GetProperty("type").GetString() != "row"))
        {
            var title = p.GetProperty("title").GetString();
            var pds = p.GetProperty("datasource");
            Assert.True(ds.TryGetValue(pds.GetProperty("uid").GetString()!, out var type), $"{uid}/{title}: unknown uid");
            Assert.Equal(type, pds.GetProperty("type").GetString());
            foreach (var t in p.GetProperty("targets").EnumerateArray())
            {
                Assert.True(ds.ContainsKey(t.GetProperty("datasource").GetProperty("uid").GetString()!), $"{uid}/{title}");
                Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString()), $"{uid}/{title}: empty query");
            }
        }

        foreach (var v in d.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            if (v.TryGetProperty("datasource", out var vds))
            {
                Assert.True(ds.ContainsKey(vds.GetProperty("uid").GetString()!), $"{uid}: variable {v.GetProperty("name")}");
            }
        }
    }

    [Fact]
    public async Task Every_PromQL_expression_parses_in_the_real_Prometheus_and_names_only_contract_series()
    {
        var dir = Stack.NewTempDir("sigcerh-dashprom-");
        var cfg = Path.Combine(dir, "prometheus.yml");
        File.WriteAllText(cfg, "global:\n  scrape_interval: 1m\n");
        using var prom = await PrometheusServer.StartAsync(dir, cfg);

        // A broken expression must be reported, or this test proves nothing.
        var (badStatus, badBody) = await prom.QueryAsync("sum(rate(http_server_request_duration_seconds_count[5m])");
        Assert.Equal(400, badStatus);
        Assert.Equal("bad_data", badBody.GetProperty("errorType").GetString());

        var checkedCount = 0;
        foreach (var uid in Expected.Keys)
        {
            var d = Load(uid);
            var exprs = Panels(d).Where(p => p.GetProperty("type").GetString() != "row")
                .SelectMany(p => p.GetProperty("targets").EnumerateArray()
                    .Where(t => t.GetProperty("datasource").GetProperty("uid").GetString() == "prometheus")
                    .Select(t => (Title: p.GetProperty("title").GetString(), Expr: t.GetProperty("expr").GetString()!)))
                .ToList();
            foreach (var v in d.GetProperty("templating").GetProperty("list").EnumerateArray()
                         .Where(v => v.TryGetProperty("datasource", out var x) && x.GetProperty("uid").GetString() == "prometheus"))
            {
                var m = Regex.Match(v.GetProperty("query").GetString()!, @"^label_values\((.+),\s*(\w+)\)$");
                Assert.True(m.Success, $"{uid}: variable query {v.GetProperty("query")}");
                exprs.Add(("variable " + v.GetProperty("name").GetString(), m.Groups[1].Value));
            }

            foreach (var (title, expr) in exprs)
            {
                var q = Substitute(expr);
                var (status, body) = await prom.QueryAsync(q);
                Assert.True(status == 200, $"{uid}/{title}: Prometheus rejected `{q}`: {body}");
                foreach (var name in MetricNames(q))
                {
                    Assert.True(ContractSeries.Contains(name) || name.StartsWith("otelcol_", StringComparison.Ordinal),
                        $"{uid}/{title}: series '{name}' is not in the contract table");
                }

                checkedCount++;
            }
        }

        Assert.True(checkedCount > 40, $"only {checkedCount} PromQL expressions found");
    }

    [Fact]
    public void Metric_name_extraction_finds_names_and_ignores_labels_functions_and_strings()
    {
        var names = MetricNames("sum by (service_name) (rate(http_server_request_duration_seconds_count{http_route=\"/a b\", x=~\"y|z\"}[5m])) / on() group_left max(postgresql_backends) and vector(1)");
        Assert.Equal(new[] { "http_server_request_duration_seconds_count", "postgresql_backends" }, names.Order());
    }

    [Fact]
    public void Loki_queries_are_well_formed_and_filter_by_the_dashboard_variables()
    {
        var lokiExprs = Expected.Keys.SelectMany(uid => Panels(Load(uid))
            .Where(p => p.GetProperty("type").GetString() != "row")
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Where(t => t.GetProperty("datasource").GetProperty("uid").GetString() == "loki")
            .Select(t => (uid, t.GetProperty("expr").GetString()!))).ToList();
        Assert.NotEmpty(lokiExprs);
        foreach (var (uid, e) in lokiExprs)
        {
            var noStrings = Regex.Replace(e, "\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
            Assert.Equal(noStrings.Count(c => c == '{'), noStrings.Count(c => c == '}'));
            Assert.Equal(noStrings.Count(c => c == '('), noStrings.Count(c => c == ')'));
            Assert.Equal(noStrings.Count(c => c == '['), noStrings.Count(c => c == ']'));
            Assert.Matches(@"\{[^}]*service_name", e);
            Assert.Contains("deployment_environment_name=~\"$env\"", e, StringComparison.Ordinal);
        }

        var all = string.Join("\n", lokiExprs.Select(x => x.Item2));
        Assert.Contains("postgresql_duration_ms > 1000", all, StringComparison.Ordinal); // slow queries (> 1 s)
        Assert.Contains("status >= 500", all, StringComparison.Ordinal); // nginx 5xx
        Assert.Contains("trace_id=~\"$trace_id", all, StringComparison.Ordinal); // search by trace id
        Assert.Contains("detected_level=~\"$level\"", all, StringComparison.Ordinal); // search by level
    }

    [Fact]
    public void Vista_general_reproduces_the_ops_plan_mock()
    {
        var titles = Panels(Load("sigcerh-vista-general")).Select(p => p.GetProperty("title").GetString()).ToList();
        foreach (var t in new[] { "Estado del sistema", "Disponibilidad (periodo)", "Estado por servicio", "Tiempo de respuesta",
                     "PostgreSQL: conexiones", "CPU", "RAM", "Disco", "Solicitudes", "Certificados", "Usuarios activos" })
        {
            Assert.Contains(t, titles);
        }

        var today = Panels(Load("sigcerh-vista-general")).Where(p => p.TryGetProperty("timeFrom", out _)).ToList();
        Assert.All(today, p => Assert.Equal("now/d", p.GetProperty("timeFrom").GetString()));
        Assert.True(today.Count >= 2);
    }

    internal static IEnumerable<string> MetricNames(string promql)
    {
        var s = Regex.Replace(promql, "\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
        s = Regex.Replace(s, @"\{[^}]*\}", " ");
        s = Regex.Replace(s, @"\[[^\]]*\]", " ");
        s = Regex.Replace(s, @"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ");
        return Regex.Matches(s, @"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*")
            .Select(m => m.Value)
            .Where(w => !PromqlWords.Contains(w))
            .Distinct()
            .ToList();
    }
}
