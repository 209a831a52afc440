using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Sigcerh.Stack.Tests;

/// <summary>compose.yaml and the backend configs, checked statically (no Docker engine here).</summary>
public sealed class ComposeTests
{
    private static readonly string[] Services = ["otel-collector", "loki", "tempo", "prometheus", "alertmanager", "grafana"];

    private static YamlMappingNode Compose => Stack.LoadYaml(Path.Combine(Stack.Dir, "compose.yaml"));

    private static YamlMappingNode Service(string name) => Compose.Map("services").Map(name);

    [Fact]
    public void Runs_the_six_services_with_pinned_images()
    {
        var services = Compose.Map("services").Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!).Order();
        Assert.Equal(Services.Order(), services);
        foreach (var s in Services)
        {
            var image = Service(s).Str("image")!;
            Assert.Matches(@"^[a-z0-9/._-]+:v?\d+\.\d+\.\d+$", image);
        }

        var collectorVersion = File.ReadAllText(Path.Combine(Stack.RepoRoot, "collector", "VERSION")).Trim();
        Assert.Equal("otel/opentelemetry-collector-contrib:" + collectorVersion, Service("otel-collector").Str("image"));
    }

    [Fact]
    public void Every_service_has_json_file_logging_10m_by_3_a_healthcheck_a_memory_limit_and_a_restart_policy()
    {
        foreach (var s in Services)
        {
            var svc = Service(s);
            var logging = svc.Map("logging");
            Assert.Equal("json-file", logging.Str("driver"));
            Assert.Equal("10m", logging.Map("options").Str("max-size"));
            Assert.Equal("3", logging.Map("options").Str("max-file"));
            var hc = svc.Map("healthcheck");
            Assert.True(hc.Get("test") is YamlSequenceNode { Children.Count: > 1 }, s + ": healthcheck test");
            Assert.NotNull(svc.Str("mem_limit"));
            Assert.Equal("unless-stopped", svc.Str("restart"));
        }
    }

    [Fact]
    public void Every_mounted_file_exists()
    {
        foreach (var s in Services)
        {
            foreach (var v in (Service(s).Get("volumes") as YamlSequenceNode)?.Cast<YamlScalarNode>() ?? [])
            {
                var source = v.Value!.Split(':')[0];
                if (source.StartsWith('.'))
                {
                    var path = Path.GetFullPath(Path.Combine(Stack.Dir, source));
                    Assert.True(File.Exists(path) || Directory.Exists(path), $"{s}: {source} does not exist");
                }
            }
        }

        var mounts = ((YamlSequenceNode)Service("otel-collector").Get("volumes")!).Cast<YamlScalarNode>().Select(x => x.Value).ToList();
        Assert.Contains("../collector/config.yaml:/etc/otelcol-contrib/config.yaml:ro", mounts);
        foreach (var secret in Compose.Map("secrets").Children.Values.Cast<YamlMappingNode>())
        {
            Assert.StartsWith("./secrets/", secret.Str("file"), StringComparison.Ordinal); // created by ops, git-ignored
        }

        Assert.Contains("secrets/*", File.ReadAllText(Path.Combine(Stack.Dir, ".gitignore")), StringComparison.Ordinal);
    }

    [Fact]
    public void Data_lives_in_named_volumes()
    {
        var named = Compose.Map("volumes").Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!).ToHashSet();
        foreach (var (svc, target) in new[] { ("loki", "/loki"), ("tempo", "/var/tempo"), ("prometheus", "/prometheus"),
                     ("alertmanager", "/alertmanager"), ("grafana", "/var/lib/grafana"), ("otel-collector", "/var/lib/otelcol/storage") })
        {
            var vol = ((YamlSequenceNode)Service(svc).Get("volumes")!).Cast<YamlScalarNode>().Select(x => x.Value!)
                .Single(x => x.Split(':')[1] == target);
            Assert.Contains(vol.Split(':')[0], named);
        }
    }

    [Fact]
    public void Only_Grafana_and_the_OTLP_ports_are_published_and_never_on_all_interfaces()
    {
        foreach (var s in Services)
        {
            var ports = (Service(s).Get("ports") as YamlSequenceNode)?.Cast<YamlScalarNode>().Select(p => p.Value!).ToList() ?? [];
            if (s is not ("grafana" or "otel-collector"))
            {
                Assert.Empty(ports);
                continue;
            }

            foreach (var p in ports)
            {
                Assert.Matches(@"^\$\{(OTLP|GRAFANA)_BIND_ADDRESS:-127\.0\.0\.1\}:\d+:\d+$", p);
            }
        }

        var otlp = ((YamlSequenceNode)Service("otel-collector").Get("ports")!).Cast<YamlScalarNode>().Select(p => p.Value!.Split(':')[^1]).Order();
        Assert.Equal(new[] { "4317", "4318" }, otlp);
        Assert.Equal("3000", ((YamlScalarNode)((YamlSequenceNode)Service("grafana").Get("ports")!).Children.Single()).Value!.Split(':')[^1]);
    }

    [Fact]
    public void Ports_agree_with_the_collector_config()
    {
        var cfg = File.ReadAllText(Path.Combine(Stack.RepoRoot, "collector", "config.yaml"));
        Assert.Contains("endpoint: 0.0.0.0:4317", cfg, StringComparison.Ordinal);
        Assert.Contains("endpoint: 0.0.0.0:4318", cfg, StringComparison.Ordinal);
        Assert.Contains("endpoint: 0.0.0.0:13133", cfg, StringComparison.Ordinal);
        Assert.Contains("port: 8888", cfg, StringComparison.Ordinal);
        var expose = ((YamlSequenceNode)Service("otel-collector").Get("expose")!).Cast<YamlScalarNode>().Select(x => x.Value).ToList();
        Assert.Contains("13133", expose);
        Assert.Contains("8888", expose);
        Assert.Contains("otel-collector:8888", File.ReadAllText(Path.Combine(Stack.PrometheusDir, "prometheus.yml")), StringComparison.Ordinal);

        // The collector's backend endpoints are the compose services and ports.
        var env = Service("otel-collector").Map("environment");
        Assert.Equal("http://loki:3100/otlp", env.Str("LOKI_OTLP_ENDPOINT"));
        Assert.Equal("tempo:4317", env.Str("TEMPO_OTLP_ENDPOINT"));
        Assert.Equal("http://prometheus:9090/api/v1/write", env.Str("PROMETHEUS_REMOTE_WRITE_ENDPOINT"));
        Assert.Contains("0.0.0.0:4317", File.ReadAllText(Path.Combine(Stack.Dir, "tempo", "tempo.yaml")), StringComparison.Ordinal);
        Assert.Contains("http_listen_port: 3100", File.ReadAllText(Path.Combine(Stack.Dir, "loki", "loki.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_environment_variable_the_collector_reads_is_passed_by_compose()
    {
        var cfg = File.ReadAllText(Path.Combine(Stack.RepoRoot, "collector", "config.yaml"));
        var read = Regex.Matches(cfg, @"\$\{env:([A-Z0-9_]+)").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(read);
        var passed = Service("otel-collector").Map("environment").Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value).ToHashSet();
        foreach (var v in read)
        {
            Assert.True(passed.Contains(v), $"compose does not pass {v} to the collector");
        }
    }

    [Fact]
    public void Retention_is_30_days_for_Loki_and_Prometheus_and_7_days_for_Tempo_and_configurable()
    {
        var loki = Stack.LoadYaml(Path.Combine(Stack.Dir, "loki", "loki.yaml"));
        Assert.Equal("${LOKI_RETENTION_PERIOD:-720h}", loki.Map("limits_config").Str("retention_period"));
        Assert.Equal("true", loki.Map("compactor").Str("retention_enabled"));
        Assert.Equal("filesystem", loki.Map("compactor").Str("delete_request_store"));
        Assert.Equal("true", loki.Map("limits_config").Str("allow_structured_metadata"));
        Assert.Contains("-config.expand-env=true", ((YamlSequenceNode)Service("loki").Get("command")!).Cast<YamlScalarNode>().Select(x => x.Value));

        var tempo = Stack.LoadYaml(Path.Combine(Stack.Dir, "tempo", "tempo.yaml"));
        Assert.Equal("${TEMPO_RETENTION:-168h}", tempo.Map("backend_worker").Map("compaction").Str("block_retention"));
        Assert.Contains("-config.expand-env=true", ((YamlSequenceNode)Service("tempo").Get("command")!).Cast<YamlScalarNode>().Select(x => x.Value));
        Assert.Equal("http://prometheus:9090/api/v1/write",
            ((YamlMappingNode)tempo.Map("metrics_generator").Map("storage").Seq("remote_write").Children[0]).Str("url"));

        var prom = ((YamlSequenceNode)Service("prometheus").Get("command")!).Cast<YamlScalarNode>().Select(x => x.Value).ToList();
        Assert.Contains("--storage.tsdb.retention.time=${PROMETHEUS_RETENTION_TIME:-30d}", prom);
        Assert.Contains("--web.enable-remote-write-receiver", prom);
        Assert.Contains("--enable-feature=exemplar-storage", prom);

        var example = File.ReadAllText(Path.Combine(Stack.Dir, ".env.example"));
        foreach (var knob in new[] { "LOKI_RETENTION_PERIOD=720h", "TEMPO_RETENTION=168h", "PROMETHEUS_RETENTION_TIME=30d" })
        {
            Assert.Contains(knob, example, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_Prometheus_flags_of_compose_are_accepted_by_a_real_prometheus()
    {
        var help = await Stack.Run("prometheus", ["--help"]);
        var text = help.Output;
        foreach (var flag in new[] { "--web.enable-remote-write-receiver", "--storage.tsdb.retention.time", "--storage.tsdb.retention.size", "--web.enable-lifecycle" })
        {
            Assert.Contains(flag, text, StringComparison.Ordinal);
        }

        Assert.Contains("exemplar-storage", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Grafana_admin_password_comes_from_the_uncommitted_env_file_and_anonymous_access_is_off()
    {
        var env = Service("grafana").Map("environment");
        Assert.StartsWith("${GRAFANA_ADMIN_PASSWORD:?", env.Str("GF_SECURITY_ADMIN_PASSWORD"), StringComparison.Ordinal);
        Assert.Equal("false", env.Str("GF_AUTH_ANONYMOUS_ENABLED"));
        Assert.Equal("false", env.Str("GF_USERS_ALLOW_SIGN_UP"));
        Assert.Contains("GRAFANA_ADMIN_PASSWORD=", File.ReadAllText(Path.Combine(Stack.Dir, ".env.example")), StringComparison.Ordinal);
        Assert.Contains(".env", File.ReadAllLines(Path.Combine(Stack.Dir, ".gitignore")));
        Assert.False(File.Exists(Path.Combine(Stack.Dir, ".env")) && IsTracked(".env"));
        var mounts = ((YamlSequenceNode)Service("grafana").Get("volumes")!).Cast<YamlScalarNode>().Select(x => x.Value).ToList();
        Assert.Contains("./grafana/provisioning:/etc/grafana/provisioning:ro", mounts);
        Assert.Contains("./grafana/dashboards:/var/lib/grafana/dashboards:ro", mounts);
        var provider = Stack.LoadYaml(Path.Combine(Stack.Dir, "grafana", "provisioning", "dashboards", "dashboards.yaml"));
        Assert.Equal("/var/lib/grafana/dashboards", ((YamlMappingNode)provider.Seq("providers").Children[0]).Map("options").Str("path"));
    }

    [Fact]
    public void Data_sources_link_exemplars_traces_logs_metrics_and_the_service_map()
    {
        var ds = Stack.LoadYaml(Path.Combine(Stack.Dir, "grafana", "provisioning", "datasources", "datasources.yaml"))
            .Seq("datasources").Cast<YamlMappingNode>().ToDictionary(x => x.Str("uid")!);
        var exemplar = (YamlMappingNode)ds["prometheus"].Map("jsonData").Seq("exemplarTraceIdDestinations").Children[0];
        Assert.Equal("tempo", exemplar.Str("datasourceUid"));
        var tempo = ds["tempo"].Map("jsonData");
        Assert.Equal("loki", tempo.Map("tracesToLogsV2").Str("datasourceUid"));
        Assert.Equal("true", tempo.Map("tracesToLogsV2").Str("filterByTraceId"));
        Assert.Equal("service_name", ((YamlMappingNode)tempo.Map("tracesToLogsV2").Seq("tags").Children[0]).Str("value"));
        Assert.Equal("prometheus", tempo.Map("tracesToMetrics").Str("datasourceUid"));
        Assert.Equal("prometheus", tempo.Map("serviceMap").Str("datasourceUid"));
        Assert.Null(tempo.Get("lokiSearch")); // obsolete since Grafana 11
        var derived = (YamlMappingNode)ds["loki"].Map("jsonData").Seq("derivedFields").Children[0];
        Assert.Equal("trace_id", derived.Str("matcherRegex"));
        Assert.Equal("label", derived.Str("matcherType"));
        Assert.Equal("tempo", derived.Str("datasourceUid"));
        Assert.Equal("$${__value.raw}", derived.Str("url")); // $$ escapes Grafana's env expansion
    }

    private static bool IsTracked(string relative)
    {
        var r = Sigcerh.Testing.ProcessRunner.RunAsync("git", ["ls-files", "--error-unmatch", relative], workingDirectory: Stack.Dir).GetAwaiter().GetResult();
        return r.ExitCode == 0;
    }
}
