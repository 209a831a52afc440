using System.Text.RegularExpressions;
using Sigcerh.Testing;

namespace Sigcerh.Operations.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class StaticChecksTests
{
    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Repo.ScriptsDir, "*.sh", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Repo.ScriptsDir, f));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task Every_script_passes_shellcheck_and_bash_syntax_check(string script)
    {
        var path = Path.Combine(Repo.ScriptsDir, script);
        var sc = await ProcessRunner.RunAsync("shellcheck", ["-x", "--severity=style", path], workingDirectory: Repo.ScriptsDir);
        Assert.True(sc.ExitCode == 0, sc.Output);
        var syntax = await ProcessRunner.RunAsync("bash", ["-n", path]);
        Assert.True(syntax.ExitCode == 0, syntax.Output);
        Assert.StartsWith("#!/usr/bin/env bash", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
        if (script != "lib.sh")
        {
            Assert.Contains("set -euo pipefail", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
            Assert.True((File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0, script + " must be executable");
        }
    }

    [Fact]
    public async Task Backup_rules_pass_promtool_check_and_unit_tests()
    {
        var rules = Path.Combine(Repo.Root, "grafana-lgtm", "prometheus", "rules", "backups.yml");
        var check = await ProcessRunner.RunAsync("promtool", ["check", "rules", rules]);
        Assert.True(check.ExitCode == 0, check.Output);
        Assert.Contains("4 rules found", check.Output, StringComparison.Ordinal);
        var tests = Path.Combine(Repo.Root, "grafana-lgtm", "prometheus", "tests");
        var test = await ProcessRunner.RunAsync("promtool", ["test", "rules", "backups_test.yml"], workingDirectory: tests);
        Assert.True(test.ExitCode == 0, test.Output);
    }

    [Fact]
    public void Timers_schedule_the_backup_at_02_00_the_cleanup_daily_and_the_restore_test_monthly()
    {
        var dir = Path.Combine(Repo.ScriptsDir, "systemd");
        string Calendar(string timer) => OnCalendar().Match(File.ReadAllText(Path.Combine(dir, timer))).Groups[1].Value.Trim();
        Assert.Equal("*-*-* 02:00:00 America/Lima", Calendar("sigcerh-backup.timer"));
        Assert.Equal("*-*-* 03:00:00 America/Lima", Calendar("sigcerh-cleanup.timer"));
        Assert.Equal("*-*-01 04:00:00 America/Lima", Calendar("sigcerh-restore-test.timer"));
        Assert.StartsWith("*-*-* ", Calendar("sigcerh-health-sweep.timer"), StringComparison.Ordinal);
        foreach (var timer in Directory.GetFiles(dir, "*.timer"))
        {
            var text = File.ReadAllText(timer);
            Assert.Contains("Persistent=true", text, StringComparison.Ordinal);
            Assert.Contains("WantedBy=timers.target", text, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.ChangeExtension(timer, ".service")), timer + " has no service");
        }
    }

    [Fact]
    public void Every_unit_and_cron_line_runs_an_existing_executable_script()
    {
        var commands = new List<string>();
        foreach (var unit in Directory.GetFiles(Path.Combine(Repo.ScriptsDir, "systemd"), "*.service"))
        {
            var execs = ExecStart().Matches(File.ReadAllText(unit)).Select(m => m.Groups[1].Value.Trim()).ToList();
            Assert.NotEmpty(execs);
            commands.AddRange(execs);
        }

        var cron = File.ReadAllLines(Path.Combine(Repo.ScriptsDir, "cron", "sigcerh-maintenance"))
            .Where(l => l.Length > 0 && char.IsDigit(l[0])).ToList();
        Assert.Equal(4, cron.Count);
        var cronScripts = cron.SelectMany(l => ScriptPath().Matches(l).Select(m => m.Value)).ToList();
        commands.AddRange(cronScripts);
        // Same jobs and times as the timers, each bounded by timeout(1) like TimeoutStartSec= bounds the units.
        const string bounded = @"timeout\s+--kill-after=\d+m\s+\d+[hm]\s+";
        Assert.Contains(cron, l => Regex.IsMatch(l, @"^0\s+2\s+\*\s+\*\s+\*\s+root\s+" + bounded + @"\S+/backup-db\.sh"));
        Assert.Contains(cron, l => Regex.IsMatch(l, @"^0\s+3\s+\*\s+\*\s+\*\s+root\s+" + bounded + @"\S+/clean-logs\.sh.*;\s*" + bounded + @"\S+/clean-temp\.sh"));
        Assert.Contains(cron, l => Regex.IsMatch(l, @"^0\s+4\s+1\s+\*\s+\*\s+root\s+" + bounded + @"\S+/restore-test\.sh"));
        Assert.Contains(cron, l => Regex.IsMatch(l, @"root\s+" + bounded + @"\S+/health-sweep\.sh"));
        foreach (var unit in Directory.GetFiles(Path.Combine(Repo.ScriptsDir, "systemd"), "*.service"))
        {
            var text = File.ReadAllText(unit);
            Assert.Matches(@"(?m)^TimeoutStartSec=\d+(h|min)$", text);
            Assert.Matches(@"(?m)^TimeoutStopSec=\d+min$", text);
        }

        foreach (var cmd in commands)
        {
            var path = cmd.Split(' ')[0].Replace("/opt/sigcerh/telemetry/", Repo.Root + "/", StringComparison.Ordinal);
            Assert.True(File.Exists(path), $"{cmd} -> {path} does not exist");
            Assert.True((File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0, path + " is not executable");
        }

        Assert.DoesNotContain(commands, c => c.Contains("--docker", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Install_script_installs_units_env_file_and_the_scripts_link_under_a_root()
    {
        using var box = new ScriptSandbox("install");
        var root = Path.Combine(box.Dir, "root");
        var r = await ProcessRunner.RunAsync(Repo.Script("install.sh"), ["--systemd", "--root", root]);
        Assert.True(r.ExitCode == 0, r.Output);
        var unit = File.ReadAllText(Path.Combine(root, "etc/systemd/system/sigcerh-backup.service"));
        Assert.Contains($"ExecStart={Repo.Root}/grafana-lgtm/scripts/backup-db.sh", unit, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(root, "etc/systemd/system/sigcerh-restore-test.timer")));
        var env = Path.Combine(root, "etc/sigcerh/maintenance.env");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(env));
        Assert.Equal(Repo.ScriptsDir, new DirectoryInfo(Path.Combine(root, "scripts")).LinkTarget);
        Assert.True(File.Exists(Path.Combine(root, "scripts", "clean-logs.sh")));

        // Switching to cron installs the cron file; the env file is kept.
        File.AppendAllText(env, "BACKUP_KEEP_DAILY=10\n");
        var cron = await ProcessRunner.RunAsync(Repo.Script("install.sh"), ["--cron", "--root", root]);
        Assert.True(cron.ExitCode == 0, cron.Output);
        Assert.Contains($"{Repo.Root}/grafana-lgtm/scripts/backup-db.sh", File.ReadAllText(Path.Combine(root, "etc/cron.d/sigcerh-maintenance")), StringComparison.Ordinal);
        Assert.Contains("BACKUP_KEEP_DAILY=10", File.ReadAllText(env), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_env_file_is_read_and_explicit_environment_wins()
    {
        using var box = new ScriptSandbox("envfile");
        var file = Path.Combine(box.Dir, "maintenance.env");
        await File.WriteAllTextAsync(file, "# comment\nLOG_RETENTION_DAYS=abc\nSIGCERH_ROTATE_FILES=\"\"\n");
        var env = box.Env();
        env["SIGCERH_ENV_FILE"] = file;
        env["SIGCERH_LOG_DIRS"] = box.Dir;
        var fromFile = await box.Run("clean-logs.sh", env);
        Assert.Equal(2, fromFile.ExitCode);
        Assert.Contains("invalid setting: LOG_RETENTION_DAYS='abc' is not a whole number", fromFile.StdErr, StringComparison.Ordinal);
        env["LOG_RETENTION_DAYS"] = "30";
        var explicitWins = await box.Run("clean-logs.sh", env);
        Assert.True(explicitWins.ExitCode == 0, explicitWins.Output);
    }

    [GeneratedRegex(@"^OnCalendar=(.+)$", RegexOptions.Multiline)]
    private static partial Regex OnCalendar();

    [GeneratedRegex(@"^ExecStart=(.+)$", RegexOptions.Multiline)]
    private static partial Regex ExecStart();

    [GeneratedRegex(@"/opt/sigcerh/telemetry/\S+\.sh")]
    private static partial Regex ScriptPath();
}
