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
        ["DISCORD_WEBHOOK_URL_FILE"] = Path.Combine(dir, "discord_webhook_url"),
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
            .Replace("/etc/alertmanager/templates/", Path.Combine(Stack.AlertmanagerDir, "templates") + "/", StringComparison.Ordinal)
            .Replace("/run/secrets/", dir + "/", StringComparison.Ordinal);
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
        Assert.Contains("Discord webhook secret", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_are_read_from_files_not_written_in_the_template()
    {
        var tmpl = File.ReadAllText(Path.Combine(Stack.AlertmanagerDir, "alertmanager.yml.tmpl"));
        Assert.Contains("smtp_auth_password_file: /run/secrets/smtp_password", tmpl, StringComparison.Ordinal);
        Assert.Contains("slack_api_url_file: /run/secrets/slack_webhook_url", tmpl, StringComparison.Ordinal);
        Assert.DoesNotContain("smtp_auth_password:", tmpl, StringComparison.Ordinal);
        Assert.DoesNotContain("hooks.slack", tmpl, StringComparison.Ordinal);
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
        foreach (var comp in new[] { "disk", "memory", "service" })
        {
            Assert.Contains(rules, r => r.Rule.Map("labels").Str("severity") == "critical" && r.Rule.Map("labels").Str("component") == comp);
            Assert.Contains(rules, r => r.Rule.Map("labels").Str("severity") == "warning" && r.Rule.Map("labels").Str("component") == comp);
        }
    }
}
