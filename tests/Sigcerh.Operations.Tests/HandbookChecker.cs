using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sigcerh.Operations.Tests;

/// <summary>
/// Finds references in the Spanish handbook (docs/**/*.md) that point at nothing: scripts, alert names, dashboard
/// titles and uids, repository paths in code spans and code blocks, relative links, and the rules' runbook_url paths.
/// </summary>
public static partial class HandbookChecker
{
    /// <summary>Pages owned by other issues, not checked here.</summary>
    private static readonly string[] NotHandbook = ["docs/performance.md"];

    private static readonly string[] RepoTopDirs = ["docs/", "grafana-lgtm/", "collector/", "tests/", "samples/", "src/"];

    /// <summary>Returns one line per broken reference ("file: problem"); empty when the handbook is consistent.</summary>
    public static IReadOnlyList<string> Check(string repoRoot)
    {
        var problems = new List<string>();
        var alerts = Alerts(repoRoot, problems);
        var (titles, uids) = Dashboards(repoRoot);
        var docsDir = Path.Combine(repoRoot, "docs");
        if (!Directory.Exists(docsDir))
        {
            return ["docs/ does not exist"];
        }

        foreach (var file in Directory.GetFiles(docsDir, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var rel = Path.GetRelativePath(repoRoot, file).Replace('\\', '/');
            if (NotHandbook.Contains(rel))
            {
                continue;
            }

            var text = File.ReadAllText(file);
            void Problem(string p) => problems.Add($"{rel}: {p}");

            foreach (Match m in AlertName().Matches(text))
            {
                if (!alerts.Contains(m.Value))
                {
                    Problem($"alert {m.Value} is not defined in grafana-lgtm/prometheus/rules/*.yml");
                }
            }

            foreach (Match m in ScriptRef().Matches(text))
            {
                var script = m.Groups[1].Value.TrimEnd('.', ',', ')', ':');
                var scriptPath = Path.Combine(repoRoot, "grafana-lgtm", "scripts", script);
                if (!File.Exists(scriptPath) && !Directory.Exists(scriptPath))
                {
                    Problem($"script {m.Value} does not exist in grafana-lgtm/scripts/");
                }
            }

            foreach (Match m in DashboardTitle().Matches(text))
            {
                if (!titles.Contains(m.Groups[1].Value))
                {
                    Problem($"dashboard «{m.Groups[1].Value}» does not exist in grafana-lgtm/grafana/dashboards/");
                }
            }

            foreach (Match m in DashboardUid().Matches(text))
            {
                if (!uids.Contains(m.Groups[1].Value))
                {
                    Problem($"dashboard uid {m.Groups[1].Value} does not exist in grafana-lgtm/grafana/dashboards/");
                }
            }

            foreach (var token in CodeTokens(text))
            {
                var path = CleanPath(token);
                if (path is null || !RepoTopDirs.Any(d => path.StartsWith(d, StringComparison.Ordinal)))
                {
                    continue;
                }

                if (!PathExists(repoRoot, path))
                {
                    Problem($"path {path} does not exist in the repository");
                }
            }

            foreach (Match m in MarkdownLink().Matches(text))
            {
                var target = m.Groups[1].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, target));
                if (!File.Exists(full) && !Directory.Exists(full))
                {
                    Problem($"link ({m.Groups[1].Value}) points to nothing");
                }
            }
        }

        return problems;
    }

    private static HashSet<string> Alerts(string repoRoot, List<string> problems)
    {
        var alerts = new HashSet<string>(StringComparer.Ordinal);
        var rulesDir = Path.Combine(repoRoot, "grafana-lgtm", "prometheus", "rules");
        if (!Directory.Exists(rulesDir))
        {
            problems.Add("grafana-lgtm/prometheus/rules/ does not exist");
            return alerts;
        }

        foreach (var f in Directory.GetFiles(rulesDir, "*.yml"))
        {
            var text = File.ReadAllText(f);
            foreach (Match m in AlertRule().Matches(text))
            {
                alerts.Add(m.Groups[1].Value);
            }

            foreach (Match m in RunbookUrl().Matches(text))
            {
                var target = m.Groups[1].Value.Trim('"', '\'');
                if (!File.Exists(Path.Combine(repoRoot, target)))
                {
                    problems.Add($"{Path.GetRelativePath(repoRoot, f)}: runbook_url {target} does not exist");
                }
            }
        }

        return alerts;
    }

    private static (HashSet<string> Titles, HashSet<string> Uids) Dashboards(string repoRoot)
    {
        var titles = new HashSet<string>(StringComparer.Ordinal);
        var uids = new HashSet<string>(StringComparer.Ordinal);
        var dir = Path.Combine(repoRoot, "grafana-lgtm", "grafana", "dashboards");
        if (Directory.Exists(dir))
        {
            foreach (var f in Directory.GetFiles(dir, "*.json"))
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(f));
                if (doc.RootElement.TryGetProperty("title", out var t) && t.GetString() is { } title)
                {
                    titles.Add(title);
                }

                if (doc.RootElement.TryGetProperty("uid", out var u) && u.GetString() is { } uid)
                {
                    uids.Add(uid);
                }
            }
        }

        return (titles, uids);
    }

    // Every whitespace-separated token inside inline code spans and fenced code blocks.
    private static IEnumerable<string> CodeTokens(string text)
    {
        foreach (Match block in FencedBlock().Matches(text))
        {
            foreach (var t in Tokens(block.Groups[1].Value))
            {
                yield return t;
            }
        }

        var withoutBlocks = FencedBlock().Replace(text, string.Empty);
        foreach (Match span in InlineCode().Matches(withoutBlocks))
        {
            foreach (var t in Tokens(span.Groups[1].Value))
            {
                yield return t;
            }
        }
    }

    private static string[] Tokens(string s) =>
        s.Split([' ', '\n', '\t', '\r', '"', '\'', '(', ')', '=', ';', '|', '<', '>', ','], StringSplitOptions.RemoveEmptyEntries);

    private static string? CleanPath(string token)
    {
        var t = token.TrimEnd('.', ':', '`');
        t = LineSuffix().Replace(t, string.Empty);
        t = t.Split('#')[0];
        if (t.Contains('$', StringComparison.Ordinal) || t.Contains('{', StringComparison.Ordinal) || t.Contains('<', StringComparison.Ordinal))
        {
            return null; // a template, not a path
        }

        return t.Length == 0 ? null : t;
    }

    private static bool PathExists(string repoRoot, string path)
    {
        if (path.Contains('*', StringComparison.Ordinal))
        {
            var dir = Path.Combine(repoRoot, Path.GetDirectoryName(path) ?? string.Empty);
            return Directory.Exists(dir) && Directory.GetFileSystemEntries(dir, Path.GetFileName(path)).Length > 0;
        }

        var full = Path.Combine(repoRoot, path);
        return File.Exists(full) || Directory.Exists(full);
    }

    // SigcerhTelemetry is the package's configuration section (SigcerhTelemetry:Health:BasePath), not an alert.
    [GeneratedRegex(@"\bSigcerh(?!Telemetry\b)[A-Z][A-Za-z0-9]+\b")]
    private static partial Regex AlertName();

    [GeneratedRegex(@"(?:grafana-lgtm)?/scripts/([A-Za-z0-9_./-]+)")]
    private static partial Regex ScriptRef();

    [GeneratedRegex(@"[Tt]ableros?\s+«([^»]+)»")]
    private static partial Regex DashboardTitle();

    [GeneratedRegex(@"/d/([A-Za-z0-9_-]+)")]
    private static partial Regex DashboardUid();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^\s*-\s*alert:\s*([A-Za-z0-9_]+)", RegexOptions.Multiline)]
    private static partial Regex AlertRule();

    [GeneratedRegex(@"runbook_url:\s*(\S+)")]
    private static partial Regex RunbookUrl();

    [GeneratedRegex(@"^```[^\n]*\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"`([^`\n]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@":\d+$")]
    private static partial Regex LineSuffix();
}
