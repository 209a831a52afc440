using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Sigcerh.Stack.Tests;

/// <summary>
/// A rules folder and its promtool test folder, read the way promtool 2.42 and 3.x run them
/// (cmd/promtool/unittest.go): every rule group is evaluated at 0, E, 2E, ... up to the largest alert eval_time, E
/// being the test file's evaluation_interval (default 1m); input series samples sit at index × interval.
/// </summary>
internal sealed class RuleTestSuite
{
    private static readonly TimeSpan DefaultEvaluationInterval = TimeSpan.FromMinutes(1);
    private static readonly Regex SeriesName = new(@"^\s*(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)");

    private readonly List<(string File, YamlMappingNode Rule)> _rules = [];
    private readonly List<(string Path, HashSet<string> RuleFiles, YamlMappingNode Root)> _tests = [];

    public RuleTestSuite(string rulesDir, string testsDir)
    {
        RulesDir = Path.GetFullPath(rulesDir);
        foreach (var f in Directory.GetFiles(RulesDir, "*.yml").Order(StringComparer.Ordinal))
        {
            foreach (var g in Stack.LoadYaml(f).Seq("groups").Cast<YamlMappingNode>())
            {
                _rules.AddRange(g.Seq("rules").Cast<YamlMappingNode>().Select(r => (f, r)));
            }
        }

        foreach (var f in Directory.GetFiles(testsDir, "*.yml").Order(StringComparer.Ordinal))
        {
            var root = Stack.LoadYaml(f);
            var ruleFiles = root.Seq("rule_files").Cast<YamlScalarNode>()
                .Select(s => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(f)!, s.Value!)))
                .ToHashSet(StringComparer.Ordinal);
            _tests.Add((f, ruleFiles, root));
        }
    }

    public string RulesDir { get; }

    /// <summary>
    /// Rules without the promtool coverage the project requires: an alerting rule needs a test where it fires with all
    /// of its own labels (so each variant of a multi-rule alert is covered) and one where it is silent or resolved; a
    /// recording rule needs a promql_expr_test that queries it; every rule file needs a test file that loads it.
    /// </summary>
    public IEnumerable<string> UntestedRules()
    {
        foreach (var file in _rules.Select(r => r.File).Distinct())
        {
            if (!_tests.Any(t => t.RuleFiles.Contains(file)))
            {
                yield return $"{Path.GetFileName(file)}: no test file lists it in rule_files";
            }
        }

        foreach (var (file, rule) in _rules)
        {
            var groups = _tests.Where(t => t.RuleFiles.Contains(file))
                .SelectMany(t => t.Root.Seq("tests").Cast<YamlMappingNode>()).ToList();
            var record = rule.Str("record");
            if (record is not null)
            {
                var queried = groups.SelectMany(g => (g.Get("promql_expr_test") as YamlSequenceNode)?.Cast<YamlMappingNode>() ?? [])
                    .Any(c => Regex.IsMatch(c.Str("expr") ?? string.Empty, @"(?<![\w:])" + Regex.Escape(record) + @"(?![\w:])"));
                if (!queried)
                {
                    yield return $"{Path.GetFileName(file)}: recording rule {record} has no promql_expr_test";
                }

                continue;
            }

            var alert = rule.Str("alert")!;
            var labels = (rule.Get("labels") as YamlMappingNode)?.Children
                .ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value!) ?? [];
            var checks = groups.SelectMany(g => (g.Get("alert_rule_test") as YamlSequenceNode)?.Cast<YamlMappingNode>() ?? [])
                .Where(c => c.Str("alertname") == alert).ToList();
            var fires = checks.SelectMany(c => (c.Get("exp_alerts") as YamlSequenceNode)?.Cast<YamlMappingNode>() ?? [])
                .Any(a => labels.All(l => (a.Get("exp_labels") as YamlMappingNode)?.Str(l.Key) == l.Value));
            var silent = checks.Any(c => c.Get("exp_alerts") is not YamlSequenceNode { Children.Count: > 0 });
            var what = $"{Path.GetFileName(file)}: {alert} {{{string.Join(", ", labels.Select(l => $"{l.Key}={l.Value}"))}}}";
            if (!fires)
            {
                yield return what + " has no promtool test where it fires with these labels";
            }

            if (!silent)
            {
                yield return what + " has no promtool test where it is silent or resolved";
            }
        }
    }

    /// <summary>
    /// Evaluations where an instant selector's newest sample is exactly one lookback delta old. Prometheus 2.x still
    /// returns that sample ([t-5m, t]); Prometheus 3 does not ((t-5m, t], CHANGELOG 3.0.0, #13904), so the outcome
    /// would differ between the two lines.
    /// </summary>
    public IEnumerable<string> LookbackViolations()
    {
        foreach (var (path, ruleFiles, root) in _tests)
        {
            var selectors = _rules.Where(r => ruleFiles.Contains(r.File))
                .SelectMany(r => Expressions(r.Rule)).SelectMany(PromqlText.InstantSelectors).ToList();
            var evaluation = root.Str("evaluation_interval") is { } e ? PromqlText.ParseDuration(e) : DefaultEvaluationInterval;
            foreach (var group in root.Seq("tests").Cast<YamlMappingNode>())
            {
                var interval = PromqlText.ParseDuration(group.Str("interval")
                    ?? throw new InvalidOperationException($"{Path.GetFileName(path)}: a test without interval (promtool 2.42 requires it)"));
                var instants = QueryInstants(group, evaluation);
                foreach (var series in (group.Get("input_series") as YamlSequenceNode)?.Cast<YamlMappingNode>() ?? [])
                {
                    var name = SeriesName.Match(series.Str("series") ?? string.Empty).Groups["name"].Value;
                    if (!selectors.Any(s => s.IsMatch(name)))
                    {
                        continue;
                    }

                    var samples = PromtoolSeries.Samples(series.Str("values") ?? string.Empty);
                    foreach (var t in instants)
                    {
                        var newest = samples.LastOrDefault(s => s.Index * interval <= t, (Index: -1, Stale: false));
                        if (newest.Index >= 0 && !newest.Stale && t - (newest.Index * interval) == PromqlText.LookbackDelta)
                        {
                            yield return $"{Path.GetFileName(path)} '{group.Str("name")}': {series.Str("series")} is read by an instant " +
                                $"selector at {PromqlText.FormatDuration(t)}, exactly {PromqlText.FormatDuration(PromqlText.LookbackDelta)} " +
                                $"after its newest sample ({PromqlText.FormatDuration(newest.Index * interval)})";
                        }
                    }
                }
            }
        }
    }

    /// <summary>Copies both folders under <paramref name="dest"/> with every range window 1 ms shorter (Prometheus 3 selection).</summary>
    public static IReadOnlyDictionary<string, int> CopyWithLeftOpenWindows(string rulesDir, string testsDir, string dest)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        Directory.CreateDirectory(Path.Combine(dest, "rules"));
        Directory.CreateDirectory(Path.Combine(dest, "tests"));
        foreach (var f in Directory.GetFiles(rulesDir, "*.yml"))
        {
            File.WriteAllText(Path.Combine(dest, "rules", Path.GetFileName(f)), PromqlText.ShrinkWindows(File.ReadAllText(f), out var n));
            counts[Path.GetFileName(f)] = n;
        }

        foreach (var f in Directory.GetFiles(testsDir, "*.yml"))
        {
            // Only promql_expr_test expressions hold windows in a test file.
            var lines = File.ReadAllLines(f).Select(l => l.TrimStart().StartsWith("expr:", StringComparison.Ordinal)
                ? PromqlText.ShrinkWindows(l, out _) : l);
            File.WriteAllLines(Path.Combine(dest, "tests", Path.GetFileName(f)), lines);
        }

        return counts;
    }

    private static IEnumerable<string> Expressions(YamlMappingNode rule)
    {
        yield return rule.Str("expr") ?? string.Empty;
        foreach (var a in (rule.Get("annotations") as YamlMappingNode)?.Children.Values.OfType<YamlScalarNode>() ?? [])
        {
            foreach (var q in PromqlText.AnnotationQueries(a.Value ?? string.Empty))
            {
                yield return q;
            }
        }
    }

    private static List<TimeSpan> QueryInstants(YamlMappingNode group, TimeSpan evaluation)
    {
        var alertTimes = ((group.Get("alert_rule_test") as YamlSequenceNode)?.Cast<YamlMappingNode>() ?? [])
            .Select(c => PromqlText.ParseDuration(c.Str("eval_time")!)).ToList();
        var instants = new List<TimeSpan>();
        if (alertTimes.Count > 0)
        {
            var max = alertTimes.Max();
            for (var t = TimeSpan.Zero; t <= max; t += evaluation)
            {
                instants.Add(t);
            }
        }

        instants.AddRange(((group.Get("promql_expr_test") as YamlSequenceNode)?.Cast<YamlMappingNode>() ?? [])
            .Select(c => PromqlText.ParseDuration(c.Str("eval_time")!)));
        return instants;
    }
}
