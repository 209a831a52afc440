using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Sigcerh.Stack.Tests;

/// <summary>Prometheus rules: promtool 2.42 validity and unit tests, the alert-name contract, annotations.</summary>
public sealed class RuleTests
{
    /// <summary>The contract: alert name → severity and runbook path.</summary>
    internal static readonly Dictionary<string, (string Severity, string Runbook)> Contract = new()
    {
        ["SigcerhServiceDown"] = ("critical", "docs/runbooks/servicio-caido.md"),
        ["SigcerhDatabaseDown"] = ("critical", "docs/runbooks/base-de-datos-caida.md"),
        ["SigcerhDiskCritical"] = ("critical", "docs/runbooks/disco-lleno.md"),
        ["SigcerhMemoryCritical"] = ("critical", "docs/runbooks/alta-carga.md"),
        ["SigcerhHttp5xxRepeated"] = ("critical", "docs/runbooks/errores-5xx.md"),
        ["SigcerhBackupMissing"] = ("critical", "docs/runbooks/backup-fallido.md"),
        ["SigcerhServiceSlow"] = ("warning", "docs/runbooks/alta-carga.md"),
        ["SigcerhDiskHigh"] = ("warning", "docs/runbooks/disco-lleno.md"),
        ["SigcerhMemoryHigh"] = ("warning", "docs/runbooks/alta-carga.md"),
        ["SigcerhCpuHigh"] = ("warning", "docs/runbooks/alta-carga.md"),
        ["SigcerhHealthDegraded"] = ("warning", "docs/runbooks/salud-degradada.md"),
        ["SigcerhTelemetryDropped"] = ("warning", "docs/runbooks/telemetria-perdida.md"),
        ["SigcerhDailySummary"] = ("info", "docs/runbooks/resumen-diario.md"),
        ["SigcerhBackupSucceeded"] = ("info", "docs/runbooks/resumen-diario.md"),
        ["SigcerhScaleDailyApplications"] = ("planning", "docs/plan-de-escalamiento.md"),
        ["SigcerhScaleCpu"] = ("planning", "docs/plan-de-escalamiento.md"),
        ["SigcerhScaleMemory"] = ("planning", "docs/plan-de-escalamiento.md"),
        ["SigcerhScaleLatency"] = ("planning", "docs/plan-de-escalamiento.md"),
    };

    /// <summary>The alerts this issue owns (the backup alerts belong to the operations issue's backups.yml).</summary>
    private static readonly string[] OwnAlerts = Contract.Keys.Where(k => !k.StartsWith("SigcerhBackup", StringComparison.Ordinal)).ToArray();

    [Fact]
    public async Task Promtool_check_rules_passes_for_every_rule_file()
    {
        Assert.NotEmpty(Stack.RuleFiles);
        var r = await Stack.Run("promtool", ["check", "rules", .. Stack.RuleFiles]);
        Assert.True(r.ExitCode == 0, r.Output);
        foreach (var f in Stack.RuleFiles)
        {
            Assert.Contains("Checking " + f, r.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Promtool_test_rules_passes_for_every_test_file()
    {
        Assert.NotEmpty(Stack.RuleTestFiles);
        var r = await Stack.Run("promtool", ["test", "rules", .. Stack.RuleTestFiles.Select(Path.GetFileName).OfType<string>()], Stack.RuleTestsDir);
        Assert.True(r.ExitCode == 0, r.Output);
        Assert.DoesNotContain("FAILED", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_contract_alert_owned_here_exists_with_its_severity_and_runbook()
    {
        var rules = Stack.AlertRules();
        foreach (var name in OwnAlerts)
        {
            Assert.Contains(rules, r => r.Rule.Str("alert") == name);
        }

        foreach (var (file, rule) in rules)
        {
            var name = rule.Str("alert")!;
            Assert.True(Contract.TryGetValue(name, out var c), $"{file}: alert {name} is not in the contract");
            var labels = rule.Map("labels");
            Assert.Equal(c.Severity, labels.Str("severity"));
            var ann = rule.Map("annotations");
            Assert.Equal(c.Runbook, ann.Str("runbook_url"));
            Assert.False(string.IsNullOrWhiteSpace(ann.Str("summary")), $"{name}: summary missing");
            Assert.False(string.IsNullOrWhiteSpace(ann.Str("description")), $"{name}: description missing");
        }
    }

    [Fact]
    public void Annotations_are_in_Spanish()
    {
        var english = new Regex(@"\b(the|is|has|for more than|service|disk|memory|failed|down)\b", RegexOptions.IgnoreCase);
        var spanish = new Regex(@"\b(el|la|los|las|de|del|en|desde|por|hace|sobre|horas|solicitudes|y|que|no)\b", RegexOptions.IgnoreCase);
        foreach (var (file, rule) in Stack.AlertRules().Where(r => r.File != "backups.yml"))
        {
            var ann = rule.Map("annotations");
            foreach (var key in new[] { "summary", "description" })
            {
                var text = Regex.Replace(ann.Str(key)!, @"\{\{.*?\}\}", " ");
                Assert.False(english.IsMatch(text), $"{file} {rule.Str("alert")} {key} looks English: {text}");
                Assert.True(spanish.IsMatch(text) || key == "summary", $"{file} {rule.Str("alert")} {key} is not Spanish: {text}");
            }
        }
    }

    [Fact]
    public void Every_alert_rule_has_a_unit_test_that_fires_and_one_that_stays_silent()
    {
        var firing = new HashSet<string>();
        var silent = new HashSet<string>();
        foreach (var f in Stack.RuleTestFiles)
        {
            foreach (var t in Stack.LoadYaml(f).Seq("tests").Cast<YamlMappingNode>())
            {
                Assert.NotNull(t.Str("interval")); // promtool 2.42 requires it in every test
                if (t.Get("alert_rule_test") is not YamlSequenceNode checks)
                {
                    continue;
                }

                foreach (var c in checks.Cast<YamlMappingNode>())
                {
                    var name = c.Str("alertname")!;
                    var exp = c.Get("exp_alerts") as YamlSequenceNode;
                    if (exp is { Children.Count: > 0 })
                    {
                        firing.Add(name);
                        foreach (var a in exp.Cast<YamlMappingNode>())
                        {
                            Assert.NotNull(a.Get("exp_annotations"));
                        }
                    }
                    else
                    {
                        silent.Add(name);
                    }
                }
            }
        }

        foreach (var name in Stack.AlertRules().Select(r => r.Rule.Str("alert")!).Distinct())
        {
            Assert.True(firing.Contains(name), $"no promtool test where {name} fires");
            Assert.True(silent.Contains(name), $"no promtool test where {name} is silent or resolved");
        }
    }

    [Fact]
    public void Each_alert_variant_is_tested_by_its_own_distinguishing_labels()
    {
        // Alerts with several rules (e.g. ServiceDown via uptime and via scrape) differ by `source`; each
        // variant must be seen firing in a test.
        var expected = Stack.AlertRules()
            .Select(r => (Name: r.Rule.Str("alert")!, Source: r.Rule.Map("labels").Str("source")))
            .Where(x => x.Source is not null)
            .ToHashSet();
        var seen = new HashSet<(string, string?)>();
        foreach (var f in Stack.RuleTestFiles)
        {
            foreach (var t in Stack.LoadYaml(f).Seq("tests").Cast<YamlMappingNode>())
            {
                foreach (var c in (t.Get("alert_rule_test") as YamlSequenceNode)?.Cast<YamlMappingNode>() ?? [])
                {
                    foreach (var a in (c.Get("exp_alerts") as YamlSequenceNode)?.Cast<YamlMappingNode>() ?? [])
                    {
                        seen.Add((c.Str("alertname")!, a.Map("exp_labels").Str("source")));
                    }
                }
            }
        }

        foreach (var v in expected)
        {
            Assert.Contains(v, seen);
        }
    }

    [Fact]
    public void Rules_use_nothing_that_Prometheus_3_removed_or_2_42_lacks()
    {
        foreach (var f in Stack.RuleFiles)
        {
            var text = File.ReadAllText(f);
            Assert.DoesNotContain("holt_winters", text, StringComparison.Ordinal); // renamed in 3.0
            Assert.DoesNotContain("query_offset", text, StringComparison.Ordinal); // not in 2.42
            Assert.DoesNotContain("$externalLabels", text, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"\{__name__=~""[^""]*\.[^""]*""\}", text); // dotted UTF-8 names need 3.x
            foreach (var g in Stack.LoadYaml(f).Seq("groups").Cast<YamlMappingNode>())
            {
                Assert.Null(g.Get("query_offset"));
                Assert.Null(g.Get("limit"));
            }
        }
    }

    [Fact]
    public void Service_down_means_three_consecutive_failed_five_minute_checks()
    {
        var rule = Stack.AlertRules().Single(r => r.Rule.Str("alert") == "SigcerhServiceDown" && r.Rule.Map("labels").Str("source") == "uptime").Rule;
        var expr = rule.Str("expr")!;
        Assert.Contains("httpcheck_status{http_status_class=\"2xx\"}[15m]) == 0", expr, StringComparison.Ordinal);
        Assert.Contains("count_over_time(httpcheck_status{http_status_class=\"2xx\"}[15m]) >= 3", expr, StringComparison.Ordinal);
        Assert.Equal("0m", rule.Str("for"));

        // The collector really checks every 5 minutes with a 30 s timeout, which is what the 15m window assumes.
        var collector = File.ReadAllText(Path.Combine(Stack.RepoRoot, "collector", "config.yaml"));
        var http = Regex.Match(collector, @"(?ms)^  http_check/uptime:\s*\n(.*?)(?=^  \S)").Groups[1].Value;
        Assert.Contains("collection_interval: 5m", http, StringComparison.Ordinal);
        Assert.Contains("timeout: 30s", http, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_check_config_accepts_prometheus_yml()
    {
        var dir = Stack.NewTempDir("sigcerh-promcfg-");
        try
        {
            var cfg = File.ReadAllText(Path.Combine(Stack.PrometheusDir, "prometheus.yml"))
                .Replace("/etc/prometheus/rules/", Stack.RulesDir + "/", StringComparison.Ordinal);
            var path = Path.Combine(dir, "prometheus.yml");
            File.WriteAllText(path, cfg);
            var r = await Stack.Run("promtool", ["check", "config", path]);
            Assert.True(r.ExitCode == 0, r.Output);
            Assert.Contains("otel-collector:8888", cfg, StringComparison.Ordinal);
            Assert.Contains("localhost:9090", cfg, StringComparison.Ordinal);
            Assert.Contains("alertmanager:9093", cfg, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
