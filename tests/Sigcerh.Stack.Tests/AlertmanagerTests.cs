using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Sigcerh.Stack.Tests;

/// <summary>The Alertmanager template rendered by the real entrypoint, checked and routed by amtool 0.25.</summary>
public sealed class AlertmanagerTests : IDisposable
{
    private readonly string _dir = Stack.NewTempDir("sigcerh-am-");

    public void Dispose() => Directory.Delete(_dir, true);

    internal static Dictionary<string, string?> Env(string dir) => new()
    {
        ["SMTP_SMARTHOST"] = "smtp.ugel.invalid:587",
        ["SMTP_FROM"] = "alertas@ugel.invalid",
        ["SMTP_AUTH_USERNAME"] = "alertas@ugel.invalid",
        ["ALERT_EMAIL_CRITICAL_TO"] = "guardia@ugel.invalid,jefe@ugel.invalid",
        ["ALERT_EMAIL_WARNING_TO"] = "equipo@ugel.invalid",
        ["ALERT_EMAIL_DAILY_TO"] = "resumen@ugel.invalid",
        ["SLACK_CHANNEL"] = "#sigcerh-alertas",
        ["SECRETS_DIR"] = dir,
        ["ALERTMANAGER_TEMPLATE"] = Path.Combine(Stack.AlertmanagerDir, "alertmanager.yml.tmpl"),
        ["ALERTMANAGER_RENDERED"] = Path.Combine(dir, "rendered", "alertmanager.yml"),
        ["ALERTMANAGER_RENDER_ONLY"] = "1",
    };

    /// <summary>Runs entrypoint.sh in render-only mode and points the secret and template paths at local files.</summary>
    internal static async Task<string> RenderAsync(string dir, Action<Dictionary<string, string?>>? tweak = null)
    {
        File.WriteAllText(Path.Combine(dir, "discord_webhook_url"), "https://discord.invalid/api/webhooks/1/a&b|c\n");
        File.WriteAllText(Path.Combine(dir, "smtp_password"), "secreto\n");
        File.WriteAllText(Path.Combine(dir, "slack_webhook_url"), "https://slack.invalid/services/T/B/X\n");
        var env = Env(dir);
        tweak?.Invoke(env);
        var r = await Stack.Run("sh", [Path.Combine(Stack.AlertmanagerDir, "entrypoint.sh")], env: env);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException("entrypoint failed: " + r.Output);
        }

        var rendered = File.ReadAllText(env["ALERTMANAGER_RENDERED"]!)
            .Replace("/etc/alertmanager/templates/", Path.Combine(Stack.AlertmanagerDir, "templates") + "/", StringComparison.Ordinal);
        var path = Path.Combine(dir, "alertmanager.yml");
        File.WriteAllText(path, rendered);
        return path;
    }

    [Fact]
    public async Task Entrypoint_renders_a_config_that_amtool_check_config_accepts()
    {
        var path = await RenderAsync(_dir);
        var text = File.ReadAllText(path);
        Assert.DoesNotContain("${", text, StringComparison.Ordinal);
        Assert.Contains("webhook_url: 'https://discord.invalid/api/webhooks/1/a&b|c'", text, StringComparison.Ordinal);
        Assert.Contains("to: 'guardia@ugel.invalid,jefe@ugel.invalid'", text, StringComparison.Ordinal);
        var r = await Stack.Run("amtool", ["check-config", path]);
        Assert.True(r.ExitCode == 0, r.Output);
        Assert.Contains("3 receivers", r.Output, StringComparison.Ordinal);
        Assert.Contains("1 templates", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entrypoint_refuses_to_start_without_a_receiver_setting()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => RenderAsync(_dir, e => e["ALERT_EMAIL_CRITICAL_TO"] = ""));
        Assert.Contains("ALERT_EMAIL_CRITICAL_TO is empty", ex.Message, StringComparison.Ordinal);
        File.Delete(Path.Combine(_dir, "discord_webhook_url"));
        var env = Env(_dir);
        var r = await Stack.Run("sh", [Path.Combine(Stack.AlertmanagerDir, "entrypoint.sh")], env: env);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Discord webhook secret file " + Path.Combine(_dir, "discord_webhook_url") + " is missing or not readable", r.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("smtp_password")]
    [InlineData("slack_webhook_url")]
    public async Task Entrypoint_names_a_secret_file_the_config_reads_that_is_missing(string secret)
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => RenderAsync(_dir, _ => File.Delete(Path.Combine(_dir, secret))));
        Assert.Contains($"secret file {Path.Combine(_dir, secret)} is missing or not readable by uid", ex.Message, StringComparison.Ordinal);
        Assert.Matches($@"chown \d+ secrets/{secret}; chmod 600 secrets/{secret}", ex.Message);
    }

    [Fact]
    public async Task Entrypoint_defaults_to_the_compose_secrets_folder()
    {
        var env = Env(_dir);
        env.Remove("SECRETS_DIR");
        var r = await Stack.Run("sh", [Path.Combine(Stack.AlertmanagerDir, "entrypoint.sh")], env: env);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Discord webhook secret file /run/secrets/discord_webhook_url is missing or not readable", r.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// The image runs as nobody (uid 65534, Dockerfile at v0.25.0-v0.34.0) and compose bind-mounts file secrets with
    /// their host owner and mode, so a root-only secret (chmod 600 as root) cannot be read in the container.
    /// </summary>
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Entrypoint_run_as_the_image_user_refuses_a_root_only_secret_and_accepts_it_once_readable()
    {
        var secret = Path.Combine(_dir, "smtp_password");
        var env = Env(_dir);
        File.WriteAllText(Path.Combine(_dir, "discord_webhook_url"), "https://discord.invalid/api/webhooks/1/x\n");
        File.WriteAllText(secret, "secreto\n");
        File.WriteAllText(Path.Combine(_dir, "slack_webhook_url"), "https://slack.invalid/services/T/B/X\n");
        var asRoot = Environment.UserName == "root";
        File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        foreach (var f in Directory.GetFiles(_dir))
        {
            File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        File.SetUnixFileMode(secret, asRoot ? UnixFileMode.UserRead | UnixFileMode.UserWrite : UnixFileMode.None);
        string[] command = asRoot
            ? ["-u", "nobody", "--", "sh", Path.Combine(Stack.AlertmanagerDir, "entrypoint.sh")]
            : [Path.Combine(Stack.AlertmanagerDir, "entrypoint.sh")];
        var tool = asRoot ? "runuser" : "sh";

        var refused = await Stack.Run(tool, command, env: env);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains($"secret file {secret} is missing or not readable by uid", refused.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(env["ALERTMANAGER_RENDERED"]!), "a config was written although a secret is unreadable");

        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var accepted = await Stack.Run(tool, command, env: env);
        Assert.True(accepted.ExitCode == 0, accepted.Output);
    }

    [Fact]
    public async Task Secrets_are_read_from_files_not_written_in_the_template()
    {
        var tmpl = File.ReadAllText(Path.Combine(Stack.AlertmanagerDir, "alertmanager.yml.tmpl"));
        Assert.Contains("smtp_auth_password_file: '${SECRETS_DIR}/smtp_password'", tmpl, StringComparison.Ordinal);
        Assert.Contains("slack_api_url_file: '${SECRETS_DIR}/slack_webhook_url'", tmpl, StringComparison.Ordinal);
        Assert.DoesNotContain("smtp_auth_password:", tmpl, StringComparison.Ordinal);
        Assert.DoesNotContain("hooks.slack", tmpl, StringComparison.Ordinal);
        var rendered = File.ReadAllText(await RenderAsync(_dir));
        Assert.Contains($"smtp_auth_password_file: '{_dir}/smtp_password'", rendered, StringComparison.Ordinal);
        var r = await Stack.Run("shellcheck", ["-s", "sh", Path.Combine(Stack.AlertmanagerDir, "entrypoint.sh")]);
        Assert.True(r.ExitCode == 0, r.Output);
    }

    [Theory]
    [InlineData("critical", "criticas", new[] { "email_configs", "slack_configs", "discord_configs" })]
    [InlineData("warning", "advertencias", new[] { "email_configs", "slack_configs" })]
    [InlineData("info", "resumen-diario", new[] { "email_configs" })]
    [InlineData("planning", "resumen-diario", new[] { "email_configs" })]
    public async Task Each_severity_reaches_the_right_receivers(string severity, string receiver, string[] integrations)
    {
        var path = await RenderAsync(_dir);
        var r = await Stack.Run("amtool", ["config", "routes", "test", "--config.file=" + path, "--verify.receivers=" + receiver,
            "alertname=SigcerhPrueba", "severity=" + severity]);
        Assert.True(r.ExitCode == 0, r.Output);
        Assert.Equal(receiver, r.StdOut.Trim());

        var cfg = Stack.LoadYaml(path);
        var rec = cfg.Seq("receivers").Cast<YamlMappingNode>().Single(x => x.Str("name") == receiver);
        var actual = rec.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!).Where(k => k.EndsWith("_configs", StringComparison.Ordinal));
        Assert.Equal(integrations.Order(), actual.Order());
    }

    [Fact]
    public async Task Timing_matches_the_plan_critical_at_once_warnings_hourly_info_daily()
    {
        var cfg = Stack.LoadYaml(await RenderAsync(_dir));
        var routes = cfg.Map("route").Seq("routes").Cast<YamlMappingNode>().ToList();
        YamlMappingNode For(string sev) => routes.Single(r => r.Seq("matchers").Cast<YamlScalarNode>().Any(m => m.Value!.Contains(sev, StringComparison.Ordinal)));
        Assert.Equal("10s", For("critical").Str("group_wait"));
        Assert.Equal("1h", For("warning").Str("group_interval"));
        Assert.Equal("24h", For("planning").Str("group_interval"));
        Assert.Equal("24h", For("planning").Str("repeat_interval"));
    }

    [Fact]
    public async Task Warnings_are_inhibited_by_the_matching_critical()
    {
        var cfg = Stack.LoadYaml(await RenderAsync(_dir));
        var inhibit = cfg.Seq("inhibit_rules").Cast<YamlMappingNode>().First();
        Assert.Contains("severity=\"critical\"", inhibit.Seq("source_matchers").Cast<YamlScalarNode>().Select(x => x.Value));
        Assert.Contains("severity=\"warning\"", inhibit.Seq("target_matchers").Cast<YamlScalarNode>().Select(x => x.Value));
        Assert.Contains("component", inhibit.Seq("equal").Cast<YamlScalarNode>().Select(x => x.Value));

        // Every warning has a critical sibling with the same component, so the inhibition has something to match.
        var rules = Stack.AlertRules();
        foreach (var comp in new[] { "disk", "memory", "service", "certificate" })
        {
            Assert.Contains(rules, r => r.Rule.Map("labels").Str("severity") == "critical" && r.Rule.Map("labels").Str("component") == comp);
            Assert.Contains(rules, r => r.Rule.Map("labels").Str("severity") == "warning" && r.Rule.Map("labels").Str("component") == comp);
        }
    }

    [Fact]
    public async Task Every_alert_rule_reaches_the_receiver_of_its_severity()
    {
        var path = await RenderAsync(_dir);
        var receivers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["critical"] = "criticas",
            ["warning"] = "advertencias",
            ["info"] = "resumen-diario",
            ["planning"] = "resumen-diario",
        };
        var rules = Stack.AlertRules();
        Assert.Contains(rules, r => r.Rule.Str("alert") == "SigcerhCertificateCritical");
        foreach (var (file, rule) in rules)
        {
            var labels = rule.Map("labels").Children.Select(kv => $"{((YamlScalarNode)kv.Key).Value}={((YamlScalarNode)kv.Value).Value}");
            var expected = receivers[rule.Map("labels").Str("severity")!];
            var r = await Stack.Run("amtool", ["config", "routes", "test", "--config.file=" + path, "--verify.receivers=" + expected,
                "alertname=" + rule.Str("alert"), "http_url=https://certificados.ugel.gob.pe", .. labels]);
            Assert.True(r.ExitCode == 0, $"{file} {rule.Str("alert")}: {r.Output}");
            Assert.Equal(expected, r.StdOut.Trim());
        }
    }

    /// <summary>
    /// Alertmanager 0.27 brought a UTF-8 matcher parser; 0.27-0.34 run it with a fallback to the classic one and log
    /// the inputs the two read differently (matcher/compat/parse.go). A classic label name, an operator and a
    /// double-quoted value without backslashes read the same in both, in amtool 0.25 and in the pinned server.
    /// </summary>
    [Fact]
    public async Task Every_matcher_reads_the_same_in_the_classic_and_the_UTF8_parser()
    {
        var cfg = Stack.LoadYaml(await RenderAsync(_dir));
        var matchers = cfg.Map("route").Seq("routes").Cast<YamlMappingNode>().SelectMany(r => r.Seq("matchers").Cast<YamlScalarNode>())
            .Concat(cfg.Seq("inhibit_rules").Cast<YamlMappingNode>().SelectMany(i =>
                i.Seq("source_matchers").Cast<YamlScalarNode>().Concat(i.Seq("target_matchers").Cast<YamlScalarNode>())))
            .Select(m => m.Value!).ToList();
        Assert.True(matchers.Count >= 5);
        foreach (var m in matchers)
        {
            Assert.Matches(@"^[a-zA-Z_][a-zA-Z0-9_]*(=|!=|=~|!~)""[^""\\]*""$", m);
        }

        var routes = cfg.Map("route").Seq("routes").Cast<YamlMappingNode>();
        Assert.All(routes, r => Assert.Null(r.Get("match")));
        Assert.All(routes, r => Assert.Null(r.Get("match_re")));
    }

    /// <summary>
    /// The keys the rendered configuration may use: each was read in config/config.go and config/notifiers.go at
    /// v0.25.0 and v0.28.1, and in config/, config/common/ and notify/discord/ at v0.34.0 (prometheus/alertmanager).
    /// All three decode with yaml.UnmarshalStrict, so a key one version lacks is a start failure there; amtool 0.25
    /// only proves the 0.25 half. Adding a key means checking it upstream first.
    /// </summary>
    private static readonly Dictionary<string, string[]> KnownKeys = new(StringComparer.Ordinal)
    {
        [""] = ["global", "templates", "route", "inhibit_rules", "receivers"],
        ["global"] = ["resolve_timeout", "smtp_smarthost", "smtp_from", "smtp_auth_username", "smtp_auth_password_file", "smtp_require_tls", "slack_api_url_file"],
        ["route"] = ["receiver", "group_by", "group_wait", "group_interval", "repeat_interval", "routes", "matchers"],
        ["inhibit_rules"] = ["source_matchers", "target_matchers", "equal"],
        ["receivers"] = ["name", "email_configs", "slack_configs", "discord_configs"],
        ["email_configs"] = ["to", "send_resolved", "headers", "html"],
        ["slack_configs"] = ["channel", "send_resolved", "title", "text"],
        ["discord_configs"] = ["webhook_url", "send_resolved", "title", "message"],
    };

    [Fact]
    public async Task Config_uses_only_keys_that_Alertmanager_0_25_to_0_34_all_know()
    {
        var cfg = Stack.LoadYaml(await RenderAsync(_dir));
        var seen = new List<string>();
        Walk(cfg, string.Empty, seen);
        Assert.Contains("discord_configs.webhook_url", seen);
        Assert.DoesNotContain("discord_configs.webhook_url_file", seen); // 0.27+ only; amtool 0.25 rejects it
    }

    private static void Walk(YamlNode node, string context, List<string> seen)
    {
        switch (node)
        {
            case YamlSequenceNode seq:
                foreach (var item in seq)
                {
                    Walk(item, context, seen);
                }

                break;
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                {
                    var key = ((YamlScalarNode)k).Value!;
                    if (context == "email_configs.headers")
                    {
                        continue; // free-form header names
                    }

                    Assert.True(KnownKeys.TryGetValue(context.Split('.')[^1], out var allowed) && allowed.Contains(key),
                        $"key '{key}' under '{(context.Length == 0 ? "(top)" : context)}' is not in the list checked against Alertmanager 0.25.0-0.34.0");
                    seen.Add(context.Split('.')[^1] + "." + key);
                    Walk(v, key is "routes" ? "route" : (context.Length == 0 ? key : context.Split('.')[^1] + "." + key) switch
                    {
                        var c when c.EndsWith(".headers", StringComparison.Ordinal) => "email_configs.headers",
                        var c => c.Split('.')[^1],
                    }, seen);
                }

                break;
        }
    }
}
