using System.Text.RegularExpressions;
using Sigcerh.Collector.Tests.Checking;

namespace Sigcerh.Collector.Tests;

public class ConfigValidityTests
{
    private static string Describe(IEnumerable<Finding> findings) => string.Join("\n", findings);

    [Fact]
    public void Single_server_config_passes_every_check()
    {
        var findings = CollectorConfigChecker.CheckFiles(Configs.BackendOptions, Configs.SingleServer);
        Assert.True(findings.Count == 0, Describe(findings));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("bearer-auth")]
    [InlineData("app-json-fallback")]
    public void Single_server_config_with_an_overlay_passes_every_check(string overlay)
    {
        var findings = CollectorConfigChecker.CheckFiles(Configs.BackendOptions, Configs.SingleServer, Configs.Overlay(overlay));
        Assert.True(findings.Count == 0, Describe(findings));
    }

    [Fact]
    public void Single_server_config_with_both_overlays_passes_every_check()
    {
        var findings = CollectorConfigChecker.CheckFiles(Configs.BackendOptions,
            Configs.SingleServer, Configs.Overlay("bearer-auth"), Configs.Overlay("app-json-fallback"));
        Assert.True(findings.Count == 0, Describe(findings));
    }

    [Fact]
    public void Bearer_overlay_puts_the_authenticator_on_both_OTLP_protocols_and_enables_it()
    {
        var cfg = Configs.Expanded(Configs.SingleServer, Configs.Overlay("bearer-auth"));
        foreach (var protocol in new[] { "grpc", "http" })
        {
            Assert.Equal("bearertokenauth/otlp", ConfigTree.At(cfg, $"receivers.otlp.protocols.{protocol}.auth.authenticator"));
            Assert.Equal($"0.0.0.0:{(protocol == "grpc" ? 4317 : 4318)}", ConfigTree.At(cfg, $"receivers.otlp.protocols.{protocol}.endpoint"));
        }

        Assert.Contains("bearertokenauth/otlp", ConfigTree.List(ConfigTree.Map(cfg, "service"), "extensions"));
        Assert.Equal("Bearer", ConfigTree.At(cfg, "extensions.bearertokenauth/otlp.scheme"));
        var raw = ConfigTree.LoadFile(Configs.Overlay("bearer-auth"));
        Assert.Contains(Expansion.EnvVars(raw), v => v.Name == "SIGCERH_OTLP_BEARER_TOKEN" && v.Default is null);

        // Without the overlay there is no authenticator at all: the check is truly optional.
        var plain = Configs.Expanded(Configs.SingleServer);
        Assert.Null(ConfigTree.At(plain, "receivers.otlp.protocols.grpc.auth"));
        Assert.DoesNotContain(ConfigTree.Strings(plain), s => s.Value.Contains("bearertokenauth", StringComparison.Ordinal));
    }

    [Fact]
    public void Gateway_agent_passes_every_check()
    {
        var findings = CollectorConfigChecker.CheckFiles(new CheckerOptions(), Configs.Agent);
        Assert.True(findings.Count == 0, Describe(findings));
    }

    [Fact]
    public void Gateway_passes_every_check()
    {
        var findings = CollectorConfigChecker.CheckFiles(Configs.BackendOptions, Configs.Gateway);
        Assert.True(findings.Count == 0, Describe(findings));
    }

    [Fact]
    public void Gateway_agent_collects_and_processes_exactly_like_the_single_server_config()
    {
        var single = ConfigTree.LoadFile(Configs.SingleServer);
        var agent = ConfigTree.LoadFile(Configs.Agent);
        foreach (var section in new[] { "extensions", "receivers", "processors" })
        {
            Assert.Equal(Yaml(single[section]), Yaml(agent[section]));
        }

        var singlePipes = ConfigTree.Map(ConfigTree.Map(single, "service"), "pipelines");
        var agentPipes = ConfigTree.Map(ConfigTree.Map(agent, "service"), "pipelines");
        Assert.Equal(singlePipes.Keys.Order(StringComparer.Ordinal), agentPipes.Keys.Order(StringComparer.Ordinal));
        foreach (var name in singlePipes.Keys)
        {
            Assert.Equal(Yaml(ConfigTree.Map(singlePipes[name])["receivers"]), Yaml(ConfigTree.Map(agentPipes[name])["receivers"]));
            Assert.Equal(Yaml(ConfigTree.Map(singlePipes[name])["processors"]), Yaml(ConfigTree.Map(agentPipes[name])["processors"]));
        }
    }

    [Fact]
    public void Gateway_agent_balances_traces_and_logs_by_trace_id()
    {
        var cfg = Configs.Expanded(Configs.Agent);
        Assert.Equal("traceID", ConfigTree.At(cfg, "exporters.load_balancing.routing_key"));
        Assert.Equal("otel-gateway", ConfigTree.At(cfg, "exporters.load_balancing.resolver.dns.hostname"));
        Assert.Equal("4317", ConfigTree.At(cfg, "exporters.load_balancing.resolver.dns.port"));
        Assert.Null(ConfigTree.At(cfg, "exporters.load_balancing.protocol.otlp.endpoint"));
        var pipes = ConfigTree.Map(ConfigTree.Map(cfg, "service"), "pipelines");
        Assert.Equal(["load_balancing"], ConfigTree.List(ConfigTree.Map(pipes["traces"]), "exporters"));
        Assert.Equal(["load_balancing"], ConfigTree.List(ConfigTree.Map(pipes["logs"]), "exporters"));
        Assert.DoesNotContain("load_balancing", ConfigTree.List(ConfigTree.Map(pipes["metrics"]), "exporters"));
    }

    [Fact]
    public void Collector_image_version_is_pinned_exactly_and_documented()
    {
        var version = File.ReadAllText(Contract.PathOf("collector/VERSION")).Trim();
        Assert.Matches(new Regex(@"^\d+\.\d+\.\d+$"), version);
        Assert.Contains($"{Contract.Image}:{version}", File.ReadAllText(Configs.Readme), StringComparison.Ordinal);
        Assert.Contains($"{Contract.Image}:{version}", File.ReadAllText(Configs.SingleServer), StringComparison.Ordinal);
    }

    [Fact]
    public void No_collector_file_uses_a_deprecated_or_removed_component_name()
    {
        foreach (var file in Configs.AllYamlFiles())
        {
            var tree = ConfigTree.LoadFile(file);
            foreach (var kind in new[] { "receivers", "processors", "exporters", "extensions" })
            {
                foreach (var id in ConfigTree.Map(tree, kind).Keys)
                {
                    var key = $"{kind}/{id.Split('/')[0]}";
                    Assert.False(CollectorConfigChecker.DeprecatedAliases.ContainsKey(key), $"{file}: {key}");
                    Assert.False(CollectorConfigChecker.Removed.ContainsKey(key), $"{file}: {key}");
                }
            }
        }
    }

    [Fact]
    public void Environment_overrides_reach_the_exporters_and_are_then_reported_against_the_contract()
    {
        var options = new CheckerOptions
        {
            ExpectedExporterEndpoints = Contract.BackendExporters,
            Environment = new Dictionary<string, string> { ["LOKI_OTLP_ENDPOINT"] = "http://loki-2:3100/otlp" },
        };
        var findings = CollectorConfigChecker.CheckFiles(options, Configs.SingleServer);
        var f = Assert.Single(findings);
        Assert.Equal(Codes.EndpointMismatch, f.Code);
        Assert.Contains("loki-2", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Uptime_checks_cover_front_end_backend_health_and_OCR_health_every_5_minutes_with_30s_timeout()
    {
        var cfg = Configs.Expanded(Configs.SingleServer);
        var check = ConfigTree.Map(ConfigTree.Map(cfg, "receivers"), "http_check/uptime");
        Assert.Equal("5m", check["collection_interval"]);
        var targets = ConfigTree.List(check, "targets").Select(ConfigTree.Map).ToList();
        Assert.Equal(
            ["https://certificados.ugel.gob.pe", "http://sigcerh-backend:8080/api/health", "http://sigcerh-ocr:8000/health"],
            targets.Select(t => ConfigTree.Str(t, "endpoint")));
        Assert.All(targets, t => Assert.Equal("30s", t["timeout"]));
        Assert.Equal("postgres:5432", ConfigTree.At(cfg, "receivers.tcp_check/postgresql.targets") is List<object?> l
            ? ConfigTree.Str(ConfigTree.Map(l[0]), "endpoint") : null);
        Assert.Equal("5m", ConfigTree.At(cfg, "receivers.tcp_check/postgresql.collection_interval"));
        Assert.Equal("30s", ConfigTree.At(cfg, "receivers.tcp_check/postgresql.targets") is List<object?> t
            ? ConfigTree.At(t[0], "dialer.timeout") : null);

        // tcpcheck.status (gauge, unit "1") must land as tcpcheck_status, the name the contract and the rules use.
        var statements = CollectorConfigChecker.TransformStatements(ConfigTree.Map(ConfigTree.Map(cfg, "processors"), "transform/prometheus_names"), "p");
        Assert.Contains(statements, s => s.Statement == "set(metric.unit, \"\") where metric.name == \"tcpcheck.status\"");
    }

    [Fact]
    public void Logs_go_to_Loki_native_OTLP_traces_to_Tempo_metrics_by_remote_write()
    {
        var cfg = Configs.Expanded(Configs.SingleServer);
        var pipes = ConfigTree.Map(ConfigTree.Map(cfg, "service"), "pipelines");
        Assert.Equal(["otlp_http/loki"], ConfigTree.List(ConfigTree.Map(pipes["logs"]), "exporters"));
        Assert.Equal(["otlp_grpc/tempo"], ConfigTree.List(ConfigTree.Map(pipes["traces"]), "exporters"));
        Assert.Equal(["prometheus_remote_write"], ConfigTree.List(ConfigTree.Map(pipes["metrics"]), "exporters"));
        Assert.EndsWith("/otlp", (string)ConfigTree.At(cfg, "exporters.otlp_http/loki.endpoint")!, StringComparison.Ordinal);
        Assert.Equal("true", ConfigTree.At(cfg, "exporters.prometheus_remote_write.resource_to_telemetry_conversion.enabled"));
        Assert.Equal("production", ConfigTree.At(cfg, "processors.resource/environment.attributes") is List<object?> a
            ? ConfigTree.Str(ConfigTree.Map(a[0]), "value") : null);
    }

    private static string Yaml(object? node) => new YamlDotNet.Serialization.SerializerBuilder().Build().Serialize(node);
}
