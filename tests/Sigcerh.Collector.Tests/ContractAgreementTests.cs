using System.Globalization;
using System.Text.RegularExpressions;
using Sigcerh.Collector.Tests.Checking;

namespace Sigcerh.Collector.Tests;

/// <summary>A fact that is skipped, with the reason, only while a file it checks does not exist yet.</summary>
public sealed class FactWhenFileExistsAttribute : FactAttribute
{
    public FactWhenFileExistsAttribute(string repoRelativePath)
    {
        if (!File.Exists(Contract.PathOf(repoRelativePath)))
        {
            Skip = $"{repoRelativePath} does not exist yet (written by another issue); this check runs as soon as it does.";
        }
    }
}

/// <summary>Agreement with grafana-lgtm/compose.yaml, the package's contract and the README.</summary>
public partial class ContractAgreementTests
{
    private const string ComposePath = "grafana-lgtm/compose.yaml";

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?]([^}]*))?\}")]
    private static partial Regex ComposeVar();

    /// <summary>Compose interpolation with an empty environment: defaults win, required variables become "".</summary>
    private static string Interpolate(string value) =>
        ComposeVar().Replace(value.Replace("$$", "\u0000", StringComparison.Ordinal), m =>
            m.Value.Contains(":?", StringComparison.Ordinal) || m.Value.Contains("?", StringComparison.Ordinal) ? string.Empty : m.Groups[2].Value)
        .Replace("\u0000", "$", StringComparison.Ordinal);

    private static IEnumerable<string> Items(object? node) => node switch
    {
        List<object?> l => l.OfType<string>(),
        string s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        _ => [],
    };

    private static Dictionary<string, string> Environment(Dictionary<string, object?> service)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (service.GetValueOrDefault("environment"))
        {
            case Dictionary<string, object?> map:
                foreach (var (k, v) in map)
                {
                    env[k] = v as string ?? string.Empty;
                }

                break;
            case List<object?> list:
                foreach (var item in list.OfType<string>())
                {
                    var eq = item.IndexOf('=', StringComparison.Ordinal);
                    env[eq < 0 ? item : item[..eq]] = eq < 0 ? string.Empty : item[(eq + 1)..];
                }

                break;
        }

        return env;
    }

    /// <summary>(source, target) of each volume, short or long syntax.</summary>
    private static List<(string Source, string Target)> Volumes(Dictionary<string, object?> service) =>
        ConfigTree.List(service, "volumes").Select(v => v switch
        {
            string s => (Interpolate(s).Split(':')[0], Interpolate(s).Split(':')[1]),
            Dictionary<string, object?> m => (Interpolate(ConfigTree.Str(m, "source") ?? string.Empty), ConfigTree.Str(m, "target") ?? string.Empty),
            _ => (string.Empty, string.Empty),
        }).ToList();

    private static HashSet<string> EnvVarsReadByCollectorFiles() =>
        Configs.AllYamlFiles().SelectMany(f => Expansion.EnvVars(ConfigTree.LoadFile(f))).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);

    [FactWhenFileExists(ComposePath)]
    public void Compose_runs_the_pinned_collector_with_this_config_mounted()
    {
        var compose = ConfigTree.LoadFile(Contract.PathOf(ComposePath));
        var services = ConfigTree.Map(compose, "services");
        Assert.All(Contract.ComposeServices, s => Assert.True(services.ContainsKey(s), $"compose service {s} missing"));
        var collector = ConfigTree.Map(services, "otel-collector");
        var version = File.ReadAllText(Contract.PathOf("collector/VERSION")).Trim();
        Assert.Equal($"{Contract.Image}:{version}", ConfigTree.Str(collector, "image"));

        var volumes = Volumes(collector);
        var configTargets = volumes.Where(v => v.Source.EndsWith("collector/config.yaml", StringComparison.Ordinal)).Select(v => v.Target).ToList();
        Assert.Single(configTargets);
        var configFlags = Items(collector.GetValueOrDefault("command"))
            .Where(a => a.StartsWith("--config", StringComparison.Ordinal))
            .Select(a => a.Contains('=', StringComparison.Ordinal) ? a[(a.IndexOf('=', StringComparison.Ordinal) + 1)..] : a)
            .ToList();
        if (configFlags.Count == 0)
        {
            Assert.Equal("/etc/otelcol-contrib/config.yaml", configTargets[0]);
        }
        else
        {
            Assert.Equal(configTargets[0], configFlags[0]);
            foreach (var extra in configFlags.Skip(1))
            {
                Assert.True(volumes.Any(v => extra.StartsWith(v.Target, StringComparison.Ordinal)), $"--config={extra} is not mounted");
            }
        }

        var containerPorts = ConfigTree.List(collector, "ports").OfType<string>().Select(p => p.Split(':')[^1].Split('/')[0]).ToList();
        Assert.All(containerPorts, p => Assert.Contains(p, new[] { "4317", "4318", "13133", "8888" }));
        Assert.Contains("4317", containerPorts);
    }

    [FactWhenFileExists(ComposePath)]
    public void Compose_passes_only_environment_variables_the_config_reads_with_values_that_agree()
    {
        var services = ConfigTree.Map(ConfigTree.LoadFile(Contract.PathOf(ComposePath)), "services");
        var collector = ConfigTree.Map(services, "otel-collector");
        var env = Environment(collector);
        var read = EnvVarsReadByCollectorFiles();
        Assert.All(env.Keys, k => Assert.True(read.Contains(k), $"compose sets {k}, which no collector file reads"));

        var single = ConfigTree.LoadFile(Configs.SingleServer);
        foreach (var required in Expansion.EnvVars(single).Where(v => v.Default is null).Select(v => v.Name).Distinct())
        {
            Assert.True(env.ContainsKey(required), $"{required} has no default in config.yaml; compose must pass it");
        }

        // With compose's defaults applied, the config must still satisfy every check and the contract endpoints.
        var resolved = env.ToDictionary(kv => kv.Key, kv => Interpolate(kv.Value), StringComparer.Ordinal);
        var findings = CollectorConfigChecker.Check(single, new CheckerOptions
        {
            Environment = resolved,
            ExpectedExporterEndpoints = Contract.BackendExporters,
        });
        Assert.True(findings.Count == 0, string.Join("\n", findings));

        var volumes = Volumes(collector);
        var expanded = Expansion.ExpandTree(single, resolved);
        Assert.Contains(volumes, v => v.Source == "/" && v.Target == (string)ConfigTree.At(expanded, "receivers.hostmetrics.root_path")!);
        Assert.Contains(volumes, v => v.Target == (string)ConfigTree.At(expanded, "extensions.file_storage.directory")!);
        foreach (var receiver in new[] { "file_log/nginx_access", "file_log/nginx_error", "file_log/postgresql" })
        {
            var include = (string)ConfigTree.List(ConfigTree.Map(ConfigTree.Map(expanded, "receivers"), receiver), "include")[0]!;
            Assert.True(volumes.Any(v => include.StartsWith(v.Target + "/", StringComparison.Ordinal)), $"{include} is not mounted into the collector");
        }

        foreach (var backend in new[] { "loki", "tempo", "prometheus" })
        {
            Assert.True(services.ContainsKey(backend));
        }

        Assert.Contains("--web.enable-remote-write-receiver", Items(ConfigTree.Map(services, "prometheus").GetValueOrDefault("command")));
    }

    [FactWhenFileExists(ComposePath)]
    public void Memory_limiter_stays_below_the_container_memory_limit()
    {
        var collector = ConfigTree.Map(ConfigTree.Map(ConfigTree.LoadFile(Contract.PathOf(ComposePath)), "services"), "otel-collector");
        var memLimit = ConfigTree.Str(collector, "mem_limit") ?? (string?)ConfigTree.At(collector, "deploy.resources.limits.memory");
        Assert.NotNull(memLimit);
        var m = Regex.Match(memLimit!.ToLowerInvariant(), @"^(\d+)([kmg])b?$");
        Assert.True(m.Success, memLimit);
        var mib = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * m.Groups[2].Value switch { "g" => 1024, "m" => 1, _ => 0 };
        var env = Environment(collector).ToDictionary(kv => kv.Key, kv => Interpolate(kv.Value), StringComparer.Ordinal);
        var cfg = Expansion.ExpandTree(ConfigTree.LoadFile(Configs.SingleServer), env);
        var limit = long.Parse((string)ConfigTree.At(cfg, "processors.memory_limiter.limit_mib")!, CultureInfo.InvariantCulture);
        Assert.True(limit < mib, $"memory_limiter {limit} MiB must stay below the container limit {mib} MiB");
    }

    [FactWhenFileExists("grafana-lgtm/prometheus/prometheus.yml")]
    public void Prometheus_scrapes_the_collector_self_metrics_port()
    {
        var prom = ConfigTree.LoadFile(Contract.PathOf("grafana-lgtm/prometheus/prometheus.yml"));
        var targets = ConfigTree.List(prom, "scrape_configs").Select(ConfigTree.Map)
            .SelectMany(j => ConfigTree.List(j, "static_configs").Select(ConfigTree.Map))
            .SelectMany(s => ConfigTree.List(s, "targets").OfType<string>());
        Assert.Contains($"otel-collector:{Contract.SelfMetricsPort}", targets);
    }

    [Fact]
    public void Every_environment_variable_is_documented_in_the_README_with_its_default()
    {
        var readme = File.ReadAllText(Configs.Readme);
        var rows = Regex.Matches(readme, @"^\|\s*`([A-Z_][A-Z0-9_]*)`\s*\|\s*([^|]*?)\s*\|", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim().Trim('`'), StringComparer.Ordinal);
        var uses = Configs.AllYamlFiles().SelectMany(f => Expansion.EnvVars(ConfigTree.LoadFile(f)).Select(v => (File: f, v.Name, v.Default))).ToList();
        foreach (var group in uses.GroupBy(u => u.Name))
        {
            Assert.True(rows.TryGetValue(group.Key, out var documented), $"{group.Key} is read by the config but not documented in collector/README.md");
            var defaults = group.Select(u => u.Default ?? "(none)").Distinct().ToList();
            Assert.True(defaults.Contains(documented), $"{group.Key}: README says '{documented}', the files use {string.Join(" / ", defaults)}");
        }

        var read = uses.Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
        Assert.All(rows.Keys, k => Assert.True(read.Contains(k), $"README documents {k}, which no collector file reads"));
    }

    /// <summary>Every series name the dashboards and alerts rely on (the shared contract) is in the README's naming table.</summary>
    public static readonly string[] ContractMetrics =
    [
        "sigcerh_applications_created_total", "sigcerh_certificates_issued_total", "sigcerh_payments_validated_total", "sigcerh_users_active",
        "sigcerh_ocr_duration_seconds_bucket", "sigcerh_ocr_pages_total", "sigcerh_ai_requests_total", "sigcerh_health_status",
        "sigcerh_telemetry_dropped_total", "http_server_request_duration_seconds_bucket", "http_client_request_duration_seconds_bucket",
        "kestrel_active_connections", "dotnet_gc_collections_total", "dotnet_process_memory_working_set_bytes", "dotnet_thread_pool_queue_length",
        "db_client_operation_duration_seconds_bucket", "db_client_connection_count", "db_client_connection_max",
        "system_cpu_utilization_ratio", "system_memory_utilization_ratio", "system_filesystem_utilization_ratio", "system_cpu_load_average_1m",
        "system_network_io_bytes_total", "system_uptime_seconds", "httpcheck_status", "httpcheck_duration_milliseconds", "httpcheck_error",
        "postgresql_backends", "postgresql_connection_max", "postgresql_db_size_bytes", "postgresql_commits_total", "postgresql_rollbacks_total",
        "postgresql_deadlocks_total", "tcpcheck_status", "sigcerh_backup_last_success_timestamp_seconds", "sigcerh_backup_last_run_timestamp_seconds",
        "sigcerh_backup_last_status", "sigcerh_backup_last_size_bytes", "sigcerh_backup_last_duration_seconds",
        "sigcerh_restore_test_last_success_timestamp_seconds", "sigcerh_restore_test_last_status", "otelcol_exporter_send_failed_log_records_total",
    ];

    [FactWhenFileExists("src/Sigcerh.Telemetry/Metrics/SigcerhInstruments.cs")]
    public void Every_instrument_the_package_creates_maps_to_a_documented_contract_series()
    {
        var names = Directory.EnumerateFiles(Contract.PathOf("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => f.Contains("Metrics", StringComparison.Ordinal) || f.EndsWith("TelemetryDropCounter.cs", StringComparison.Ordinal) || f.EndsWith("HealthNames.cs", StringComparison.Ordinal))
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"(?:Name|Created|Issued|Validated|Active|Duration|Pages|Requests)\s*=\s*""(sigcerh\.[a-z_.]+)"""))
            .Select(m => m.Groups[1].Value)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.True(names.Count >= 9, $"found only [{string.Join(", ", names)}]");
        var readme = File.ReadAllText(Configs.Readme);
        foreach (var name in names)
        {
            Assert.Contains($"`{name}`", readme, StringComparison.Ordinal);
            var prefix = name.Replace('.', '_');
            Assert.True(ContractMetrics.Any(c => c.StartsWith(prefix, StringComparison.Ordinal)), $"{name} → {prefix}* is not a contract series");
        }
    }

    [Fact]
    public void README_naming_table_lists_every_contract_metric_and_the_labels()
    {
        var readme = File.ReadAllText(Configs.Readme);
        Assert.All(ContractMetrics, name => Assert.Contains($"`{name}", readme, StringComparison.Ordinal));
        Assert.All(new[] { "service_name", "service_namespace", "deployment_environment_name", "host_name", "sigcerh/<service.name>" },
            l => Assert.Contains(l, readme, StringComparison.Ordinal));
        Assert.Contains("## What was validated only statically", readme, StringComparison.Ordinal);
    }
}
