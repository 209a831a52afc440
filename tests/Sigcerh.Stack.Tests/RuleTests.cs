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
        ["SigcerhBackupFailed"] = ("critical", "docs/runbooks/backup-fallido.md"),
        ["SigcerhRestoreTestFailed"] = ("warning", "docs/runbooks/backup-fallido.md"),
        ["SigcerhServiceSlow"] = ("warning", "docs/runbooks/alta-carga.md"),
        ["SigcerhDiskHigh"] = ("warning", "docs/runbooks/disco-lleno.md"),
        ["SigcerhMemoryHigh"] = ("warning", "docs/runbooks/alta-carga.md"),
        ["SigcerhCpuHigh"] = ("warning", "docs/runbooks/alta-carga.md"),
        ["SigcerhHealthDegraded"] = ("warning", "docs/runbooks/salud-degradada.md"),
        ["SigcerhTelemetryDropped"] = ("warning", "docs/runbooks/telemetria-perdida.md"),
        ["SigcerhCertificateExpiring"] = ("warning", "docs/runbooks/certificado-ssl.md"),
        ["SigcerhCertificateUnknown"] = ("warning", "docs/runbooks/certificado-ssl.md"),
        ["SigcerhCertificateCritical"] = ("critical", "docs/runbooks/certificado-ssl.md"),
        ["SigcerhDailySummary"] = ("info", "docs/runbooks/resumen-diario.md"),
        ["SigcerhBackupSucceeded"] = ("info", "docs/runbooks/resumen-diario.md"),
        ["SigcerhScaleDailyApplications"] = ("planning", "docs/plan-de-escalamiento.md"),
        ["SigcerhScaleCpu"] = ("planning", "docs/plan-de-escalamiento.md"),
        ["SigcerhScaleMemory"] = ("planning", "docs/plan-de-escalamiento.md"),
        ["SigcerhScaleLatency"] = ("planning", "docs/plan-de-escalamiento.md"),
    };

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
    public void Every_contract_alert_exists_with_its_severity_and_runbook()
    {
        var rules = Stack.AlertRules();
        foreach (var name in Contract.Keys)
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
    public void Every_rule_has_a_promtool_test_where_it_fires_with_its_own_labels_and_one_where_it_is_silent()
    {
        // Counts every file in rules/, the backup rules of the operations issue included.
        var suite = new RuleTestSuite(Stack.RulesDir, Stack.RuleTestsDir);
        Assert.Empty(suite.UntestedRules());
        foreach (var f in Stack.RuleTestFiles)
        {
            foreach (var t in Stack.LoadYaml(f).Seq("tests").Cast<YamlMappingNode>())
            {
                Assert.NotNull(t.Str("interval")); // promtool 2.42 requires it in every test
                foreach (var c in (t.Get("alert_rule_test") as YamlSequenceNode)?.Cast<YamlMappingNode>() ?? [])
                {
                    foreach (var a in (c.Get("exp_alerts") as YamlSequenceNode)?.Cast<YamlMappingNode>() ?? [])
                    {
                        Assert.NotNull(a.Get("exp_annotations"));
                    }
                }
            }
        }
    }

    [Fact]
    public void The_coverage_guard_names_a_rule_that_only_has_a_silent_test()
    {
        var dir = Stack.NewTempDir("sigcerh-guard-");
        try
        {
            WriteSeededSuite(dir, """
                - alert: SeededA
                  expr: seeded_metric == 0
                  labels: {severity: warning, component: seeded, source: a}
                - alert: SeededA
                  expr: seeded_metric == 2
                  labels: {severity: warning, component: seeded, source: b}
                """, """
                - name: only variant a fires
                  interval: 1m
                  input_series:
                  - series: seeded_metric
                    values: '0x5'
                  alert_rule_test:
                  - eval_time: 2m
                    alertname: SeededA
                    exp_alerts:
                    - exp_labels: {severity: warning, component: seeded, source: a}
                """);
            var problems = new RuleTestSuite(Path.Combine(dir, "rules"), Path.Combine(dir, "tests")).UntestedRules().ToList();
            Assert.Contains(problems, p => p.Contains("SeededA {severity=warning, component=seeded, source=b} has no promtool test where it fires", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("source=a} has no promtool test where it is silent", StringComparison.Ordinal));
            Assert.DoesNotContain(problems, p => p.Contains("source=a} has no promtool test where it fires", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>
    /// Prometheus 3 made range and subquery windows left-open (CHANGELOG 3.0.0 #13904, 3.0.1 #15431). A static
    /// "no sample on a window start" rule cannot hold for real tests (a sample interval and an evaluation interval
    /// always meet on common multiples), so every test is run a second time through promtool 2.42 with each window
    /// 1 ms shorter, which selects exactly the samples Prometheus 3 selects (see PromqlText.ShrinkWindows).
    /// </summary>
    [Fact]
    public async Task Promtool_tests_also_pass_with_the_left_open_windows_of_Prometheus_3()
    {
        var dir = Stack.NewTempDir("sigcerh-leftopen-");
        try
        {
            var counts = RuleTestSuite.CopyWithLeftOpenWindows(Stack.RulesDir, Stack.RuleTestsDir, dir);
            foreach (var f in Stack.RuleFiles)
            {
                // Every bracket that opens on a number is a window the rewrite understood (none left 2.x-shaped).
                var text = File.ReadAllText(f);
                Assert.Equal(Regex.Matches(text, @"\[\s*\d").Count, counts[Path.GetFileName(f)]);
                var shrunk = File.ReadAllText(Path.Combine(dir, "rules", Path.GetFileName(f)));
                Assert.All(Regex.Matches(shrunk, @"\[\s*(\d[^\]:]*)").Select(m => m.Groups[1].Value),
                    w => Assert.EndsWith("999ms", w, StringComparison.Ordinal));
            }

            Assert.True(counts.Values.Sum() > 10, "the window rewrite found almost nothing to rewrite");
            var tests = Path.Combine(dir, "tests");
            var r = await Stack.Run("promtool", ["test", "rules", .. Directory.GetFiles(tests, "*.yml").Order(StringComparer.Ordinal).Select(Path.GetFileName).OfType<string>()], tests);
            Assert.True(r.ExitCode == 0, r.Output);
            Assert.DoesNotContain("FAILED", r.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task The_left_open_run_fails_a_test_that_depends_on_a_sample_at_the_window_start()
    {
        // At 15m the 15m window holds the sample at 0 in 2.x ([0, 15m]) but not in 3.x ((0, 15m]).
        var dir = Stack.NewTempDir("sigcerh-leftopen-seed-");
        try
        {
            WriteSeededSuite(dir, """
                - alert: SeededDown
                  expr: max_over_time(seeded_up[15m]) == 0
                  labels: {severity: critical}
                """, """
                - name: boundary-dependent
                  interval: 5m
                  input_series:
                  - series: seeded_up
                    values: '1 0 0 0 0'
                  alert_rule_test:
                  - eval_time: 15m
                    alertname: SeededDown
                    exp_alerts: []
                """);
            var closed = await Stack.Run("promtool", ["test", "rules", "seeded_test.yml"], Path.Combine(dir, "tests"));
            Assert.True(closed.ExitCode == 0, closed.Output);

            var open = Path.Combine(dir, "open");
            RuleTestSuite.CopyWithLeftOpenWindows(Path.Combine(dir, "rules"), Path.Combine(dir, "tests"), open);
            Assert.Contains("[14m59s999ms]", File.ReadAllText(Path.Combine(open, "rules", "seeded.yml")), StringComparison.Ordinal);
            var leftOpen = await Stack.Run("promtool", ["test", "rules", "seeded_test.yml"], Path.Combine(open, "tests"));
            Assert.NotEqual(0, leftOpen.ExitCode);
            Assert.Contains("FAILED", leftOpen.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void No_test_evaluates_an_instant_selector_exactly_one_lookback_after_its_newest_sample()
    {
        Assert.Empty(new RuleTestSuite(Stack.RulesDir, Stack.RuleTestsDir).LookbackViolations());
    }

    [Fact]
    public void The_lookback_guard_flags_a_series_that_ends_five_minutes_before_an_evaluation()
    {
        var dir = Stack.NewTempDir("sigcerh-lookback-seed-");
        try
        {
            WriteSeededSuite(dir, """
                - alert: SeededZero
                  expr: seeded_value == 0 and on () max_over_time(seeded_other[1h]) > 0
                  labels: {severity: warning}
                """, """
                - name: ends at 5m, evaluated until 10m
                  interval: 5m
                  input_series:
                  - series: seeded_value{a="1"}
                    values: '0 0'
                  - series: seeded_other
                    values: '1'
                  alert_rule_test:
                  - eval_time: 10m
                    alertname: SeededZero
                    exp_alerts: []
                """);
            var problems = new RuleTestSuite(Path.Combine(dir, "rules"), Path.Combine(dir, "tests")).LookbackViolations().ToList();
            var p = Assert.Single(problems); // seeded_other is read through a range, not the lookback
            Assert.Contains("seeded_value{a=\"1\"} is read by an instant selector at 10m, exactly 5m after its newest sample (5m)", p, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("up{job=\"a\"} == 0", "up")]
    [InlineData("1 - avg by (host_name) (system_cpu_utilization_ratio{state=\"idle\"}) > 0.9", "system_cpu_utilization_ratio")]
    [InlineData("max_over_time(x[15m]) == 0 and count_over_time(x[15m]) >= 3", "")]
    [InlineData("vector(1) and on () hour() == 4", "")]
    [InlineData("sum by (exporter) (increase({__name__=~\"otelcol_(a|b)_total\"}[15m])) > 0", "")]
    [InlineData("a unless on (http_url) max by (http_url) (last_over_time(b[15m]))", "a")]
    public void Instant_selectors_are_told_from_range_selectors(string expr, string expected)
    {
        var found = PromqlText.InstantSelectors(expr).Select(r => r.ToString()).ToList();
        Assert.Equal(expected.Length == 0 ? [] : ["^" + expected + "$"], found);
    }

    [Theory]
    [InlineData("[15m]", "[14m59s999ms]")]
    [InlineData("[3d:1h]", "[2d23h59m59s999ms:1h]")]
    [InlineData("[26h]", "[1d1h59m59s999ms]")]
    [InlineData("x[1h30m] \"[5m]\" y", "x[1h29m59s999ms] \"[4m59s999ms]\" y")]
    public void Windows_shrink_by_one_millisecond(string text, string expected)
    {
        Assert.Equal(expected, PromqlText.ShrinkWindows(text, out _));
    }

    [Theory]
    [InlineData("1 _x3 stale 0+2x2", new[] { 0, 4, 5, 6, 7 })]
    [InlineData("0.5x2 _ 1e3 -1-1x1", new[] { 0, 1, 2, 4, 5, 6 })]
    public void Promtool_series_notation_expands_like_promtool(string values, int[] indexes)
    {
        Assert.Equal(indexes, PromtoolSeries.Samples(values).Select(s => s.Index));
    }

    /// <summary>Constructs whose meaning differs between Prometheus 2.42 and 3.x, or that one line lacks (README, "Tested versus shipped").</summary>
    [Fact]
    public void Rules_and_tests_use_nothing_whose_meaning_differs_between_Prometheus_2_42_and_3()
    {
        string[] absentIn242 =
        [
            "double_exponential_smoothing", "first_over_time", "ts_of_", "mad_over_time", "limitk", "limit_ratio",
            "sort_by_label", "info(", "start_timestamp(", "anchored", "smoothed", "step()", "fill(",
        ];
        foreach (var f in Stack.RuleFiles)
        {
            var text = File.ReadAllText(f);
            Assert.DoesNotContain("holt_winters", text, StringComparison.Ordinal); // renamed and flag-gated in 3.0
            Assert.DoesNotContain("query_offset", text, StringComparison.Ordinal); // not in 2.42
            Assert.DoesNotContain("$externalLabels", text, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"\{__name__=~""[^""]*\.[^""]*""\}", text); // dotted UTF-8 names need 3.x
            Assert.DoesNotMatch(@"\{\s*""", text); // quoted UTF-8 metric names: 3.x syntax only
            // 3.0 normalizes scraped le/quantile values ("1" -> "1.0"): never match them literally.
            Assert.DoesNotMatch(@"\b(le|quantile)\s*(=|!=|=~|!~)", text);
            foreach (var fn in absentIn242)
            {
                Assert.DoesNotContain(fn, text, StringComparison.Ordinal);
            }

            // Template functions added after 2.42 (toDuration and now in 3.6, urlQueryEscape in 3.8).
            Assert.DoesNotMatch(@"\{\{[^}]*\b(toDuration|now|urlQueryEscape)\b", text);

            foreach (var g in Stack.LoadYaml(f).Seq("groups").Cast<YamlMappingNode>())
            {
                Assert.Null(g.Get("query_offset"));
                Assert.Null(g.Get("limit"));
                Assert.Null(g.Get("labels"));
            }
        }

        // 3.0 lets a regex `.` match a newline (#14505). Regex matchers are therefore allowed only on labels whose
        // values never hold one (status codes, URLs, file system types, metric names), so both lines agree.
        var regexLabels = new HashSet<string>(StringComparer.Ordinal) { "__name__", "http_url", "type", "http_response_status_code", "service_name" };
        foreach (var (file, rule) in Stack.AlertRules())
        {
            foreach (Match m in Regex.Matches(rule.Str("expr")!, @"(?<label>[a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~)"))
            {
                Assert.True(regexLabels.Contains(m.Groups["label"].Value), $"{file} {rule.Str("alert")}: regex on label {m.Groups["label"].Value}");
            }
        }

        // promtool test files are decoded strictly by both lines; fuzzy_compare and start_timestamp exist only in 3.x.
        foreach (var f in Stack.RuleTestFiles)
        {
            var text = File.ReadAllText(f);
            Assert.DoesNotContain("fuzzy_compare", text, StringComparison.Ordinal);
            Assert.DoesNotContain("start_timestamp", text, StringComparison.Ordinal);
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

    private static void WriteSeededSuite(string dir, string rules, string tests)
    {
        Directory.CreateDirectory(Path.Combine(dir, "rules"));
        Directory.CreateDirectory(Path.Combine(dir, "tests"));
        File.WriteAllText(Path.Combine(dir, "rules", "seeded.yml"),
            "groups:\n- name: seeded\n  rules:\n" + Indent(rules, "  "));
        File.WriteAllText(Path.Combine(dir, "tests", "seeded_test.yml"),
            "rule_files: [../rules/seeded.yml]\nevaluation_interval: 1m\ntests:\n" + tests + "\n");
    }

    private static string Indent(string text, string prefix) =>
        string.Join("\n", text.Split('\n').Select(l => prefix + l)) + "\n";
}
