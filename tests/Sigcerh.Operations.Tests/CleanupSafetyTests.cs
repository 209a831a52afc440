using System.Diagnostics;
using Sigcerh.Testing;

namespace Sigcerh.Operations.Tests;

/// <summary>
/// What the cleanups refuse. Cases that could touch /tmp, /opt or /var run in a private mount namespace over tmpfs
/// (<see cref="PrivateMounts"/>); cases that name "/" or other system folders run with --dry-run, so even a broken
/// guard could only list files.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CleanupSafetyTests
{
    // Old files with names both cleanups would delete, in the folders that a bad spelling resolves to.
    private const string Canaries = """
        for d in /tmp /var /opt /var/log /opt/sigcerh/data /opt/sigcerh/data/uploads; do
          mkdir -p "$d"; echo x >"$d/canario.log.1"; echo x >"$d/canario.gz"; old '60 days ago' "$d/canario.log.1" "$d/canario.gz"
        done
        mkdir -p /tmp/sigcerh; ln -s /var /tmp/sigcerh/enlace-a-var
        """;

    private const string ListCanaries = "echo '== canaries'; find /tmp /var /opt -name 'canario*' | sort";

    [Theory]
    [InlineData("/tmp/")]
    [InlineData("/tmp/.")]
    [InlineData("//tmp")]
    [InlineData("/var/../tmp")]
    [InlineData("/var/")]
    [InlineData("/var//")]
    [InlineData("/var/log/")]
    [InlineData("/opt/")]
    [InlineData("/opt/./")]
    [InlineData("/opt/sigcerh/data/")]
    [InlineData("/opt/sigcerh/data/uploads/.")]
    [InlineData("/tmp/sigcerh/..")]
    [InlineData("/tmp/sigcerh/enlace-a-var")]
    [InlineData("/tmp/sigcerh/enlace-a-var/log/..")]
    public async Task Every_spelling_of_tmp_var_opt_or_the_data_folder_is_refused_by_both_cleanups(string spelling)
    {
        var env = PrivateMounts.DefaultsEnv();
        env["SPELLING"] = spelling;
        var r = await PrivateMounts.RunAsync($"""
            {Canaries}
            rc=0; SIGCERH_TEMP_DIRS="$SPELLING" SIGCERH_UPLOAD_TMP_DIRS= "$S/clean-temp.sh" || rc=$?
            echo "temp rc=$rc"
            rc=0; SIGCERH_LOG_DIRS="$SPELLING" SIGCERH_ROTATE_FILES= "$S/clean-logs.sh" || rc=$?
            echo "logs rc=$rc"
            {ListCanaries}
            """, env);

        Assert.True(r.StdOut.Contains("temp rc=2", StringComparison.Ordinal), r.Output);
        Assert.Contains("logs rc=2", r.StdOut, StringComparison.Ordinal);
        Assert.Contains($"SIGCERH_TEMP_DIRS: '{spelling}'", r.StdErr, StringComparison.Ordinal);
        Assert.Contains($"SIGCERH_LOG_DIRS: '{spelling}'", r.StdErr, StringComparison.Ordinal);
        Assert.Equal(12, r.StdOut.Split('\n').SkipWhile(l => l != "== canaries").Count(l => l.Contains("canario", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("//")]
    [InlineData("/.")]
    [InlineData("/..")]
    [InlineData("/home")]
    [InlineData("/home/")]
    [InlineData("/usr/")]
    [InlineData("/etc/.")]
    [InlineData("/boot")]
    public async Task Filesystem_roots_and_system_folders_are_refused_even_as_allowed_prefixes(string spelling)
    {
        using var box = new ScriptSandbox("roots");
        var env = box.Env();
        env["SIGCERH_TEMP_DIRS"] = spelling;
        env["SIGCERH_UPLOAD_TMP_DIRS"] = string.Empty;
        var asDir = await box.Run("clean-temp.sh", env, "--dry-run");
        env["SIGCERH_TEMP_ALLOWED_PREFIXES"] = spelling;
        var asPrefix = await box.Run("clean-temp.sh", env, "--dry-run");
        env["SIGCERH_LOG_DIRS"] = spelling;
        env["SIGCERH_LOG_ALLOWED_PREFIXES"] = spelling;
        env["SIGCERH_ROTATE_FILES"] = string.Empty;
        var logs = await box.Run("clean-logs.sh", env, "--dry-run");

        foreach (var r in new[] { asDir, asPrefix, logs })
        {
            Assert.True(r.ExitCode == 2, r.Output);
            Assert.DoesNotContain("would delete", r.StdErr, StringComparison.Ordinal);
            Assert.Contains("a system folder", r.StdErr, StringComparison.Ordinal);
        }

        Assert.Contains($"SIGCERH_TEMP_ALLOWED_PREFIXES: '{spelling}'", asPrefix.StdErr, StringComparison.Ordinal);
        Assert.Contains($"SIGCERH_LOG_ALLOWED_PREFIXES: '{spelling}'", logs.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/opt/sigcerh/data/ tmp", "'tmp' is not an absolute path")]
    [InlineData("/opt/sigcerh/data /tmp", "'/tmp' resolves to '/tmp'")]
    [InlineData("/opt/sigcerh/data/uploads /tmp", "'/tmp' resolves to '/tmp'")]
    [InlineData("/opt/sigcerh /data/tmp", "'/opt/sigcerh' resolves to '/opt/sigcerh'")]
    [InlineData("/opt/sigcerh/data/uploads/ tmp", "'tmp' is not an absolute path")]
    [InlineData("/opt/sigcerh/data/tmp\n/opt/sigcerh/data/uploads", "'/opt/sigcerh/data/uploads' resolves to '/opt/sigcerh/data/uploads'")]
    public async Task A_one_space_typo_in_a_folder_list_is_refused_and_no_upload_is_deleted(string typo, string reason)
    {
        var env = PrivateMounts.DefaultsEnv();
        env["TYPO"] = typo;
        var r = await PrivateMounts.RunAsync("""
            mkdir -p /opt/sigcerh/data/uploads/tmp /opt/sigcerh/data/tmp /tmp/sigcerh
            echo acta >/opt/sigcerh/data/uploads/acta-1990.pdf; echo t >/opt/sigcerh/data/tmp/viejo.tmp
            echo t >/opt/sigcerh/data/uploads/tmp/subida.part; echo t >/tmp/sigcerh/viejo.tmp
            old '30 days ago' /opt/sigcerh/data/uploads/acta-1990.pdf /opt/sigcerh/data/tmp/viejo.tmp /opt/sigcerh/data/uploads/tmp/subida.part /tmp/sigcerh/viejo.tmp
            rc=0; SIGCERH_TEMP_DIRS="$TYPO" "$S/clean-temp.sh" || rc=$?
            echo "rc=$rc"
            echo '== files'; find /opt /tmp -type f | sort
            """, env);

        Assert.True(r.StdOut.Contains("rc=2", StringComparison.Ordinal), r.Output);
        Assert.Contains("SIGCERH_TEMP_DIRS: " + reason, r.StdErr, StringComparison.Ordinal);
        // Nothing at all was done: not even the valid folders of the setting were cleaned.
        Assert.Contains("/opt/sigcerh/data/uploads/acta-1990.pdf", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("/opt/sigcerh/data/tmp/viejo.tmp", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("/opt/sigcerh/data/uploads/tmp/subida.part", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("/tmp/sigcerh/viejo.tmp", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unset_lists_mean_the_default_folders_and_empty_lists_skip_the_step_and_say_so()
    {
        var r = await PrivateMounts.RunAsync("""
            mkdir -p /tmp/sigcerh /tmp/otra-app /opt/sigcerh/data/tmp /opt/sigcerh/data/uploads/tmp /var/log/nginx /var/log/sigcerh
            for f in /tmp/sigcerh/a.tmp /tmp/otra-app/b.tmp /opt/sigcerh/data/tmp/c.tmp /opt/sigcerh/data/uploads/tmp/d.part \
                     /opt/sigcerh/data/uploads/acta.pdf /var/log/nginx/access.log-20260901.gz; do echo x >"$f"; old '40 days ago' "$f"; done
            echo 'GET / 200' >/var/log/nginx/access.log
            echo '== empty'
            SIGCERH_TEMP_DIRS= SIGCERH_UPLOAD_TMP_DIRS= "$S/clean-temp.sh"
            SIGCERH_LOG_DIRS= SIGCERH_ROTATE_FILES= "$S/clean-logs.sh"
            find /tmp /opt /var/log -type f | sort
            echo '== unset'
            "$S/clean-temp.sh"
            "$S/clean-logs.sh"
            find /tmp /opt /var/log -type f | sort
            """, PrivateMounts.DefaultsEnv());

        Assert.True(r.ExitCode == 0, r.Output);
        var empty = Section(r.StdOut, "== empty");
        var unset = Section(r.StdOut, "== unset");
        Assert.All(["/tmp/sigcerh/a.tmp", "/opt/sigcerh/data/tmp/c.tmp", "/opt/sigcerh/data/uploads/tmp/d.part", "/var/log/nginx/access.log-20260901.gz"],
            f => Assert.Contains(f, empty));
        Assert.DoesNotContain("access.log-20", empty.Replace("access.log-20260901.gz", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        foreach (var (step, variable) in new[] { ("temp", "SIGCERH_TEMP_DIRS"), ("uploads", "SIGCERH_UPLOAD_TMP_DIRS"), ("delete", "SIGCERH_LOG_DIRS"), ("rotate", "SIGCERH_ROTATE_FILES") })
        {
            Assert.Contains($"\"step\":\"{step}\",\"variable\":\"{variable}\",\"reason\":\"empty_setting\"", r.StdOut, StringComparison.Ordinal);
        }

        // Unset: the documented default folders are cleaned, and nothing else.
        Assert.All(["/tmp/sigcerh/a.tmp", "/opt/sigcerh/data/tmp/c.tmp", "/opt/sigcerh/data/uploads/tmp/d.part", "/var/log/nginx/access.log-20260901.gz"],
            f => Assert.DoesNotContain(f + "\n", unset, StringComparison.Ordinal));
        Assert.Contains("/tmp/otra-app/b.tmp", unset, StringComparison.Ordinal);
        Assert.Contains("/opt/sigcerh/data/uploads/acta.pdf", unset, StringComparison.Ordinal);
        Assert.Matches(@"/var/log/nginx/access\.log-\d{8}\.gz", unset);
    }

    [Fact]
    public async Task Live_logs_odd_file_types_and_links_are_never_deleted_from_a_log_folder()
    {
        using var box = new ScriptSandbox("livelogs");
        var dir = Path.Combine(box.Dir, "postgresql");
        Directory.CreateDirectory(dir);
        var outside = Path.Combine(box.Dir, "fuera.txt");
        var old = DateTime.UtcNow.AddDays(-40);
        string Make(string name, DateTime mtime)
        {
            var p = Path.Combine(dir, name);
            File.WriteAllText(p, "x");
            File.SetLastWriteTimeUtc(p, mtime);
            return p;
        }

        File.WriteAllText(outside, "no es un log");
        File.SetLastWriteTimeUtc(outside, old);
        var debianLive = Make("postgresql-15-main.log", old);               // Debian's live log, idle
        var openLog = Make("postgresql-2026-10-01_000000.log", old);        // held open by a process
        var rotatedAway = Make("postgresql-2026-09-30_000000.log", old);    // old, closed, not the newest: deleted
        var newestIdle = Make("postgresql-2026-10-02_000000.log", old);     // newest of its series: kept
        var debianRotated = Make("postgresql-15-main.log.1", old);          // logrotate's copy: deleted
        var packageNewest = Make("sigcerh-backend-20261001.json", old);     // newest of its series: kept
        var maintenance = Make("maintenance.json", old);
        var fifo = Path.Combine(dir, "error.log.2");
        Assert.Equal(0, (await ProcessRunner.RunAsync("mkfifo", [fifo])).ExitCode);
        Assert.Equal(0, (await ProcessRunner.RunAsync("touch", ["-d", "40 days ago", fifo])).ExitCode);
        var link = Path.Combine(dir, "access.log.3");
        File.CreateSymbolicLink(link, outside);
        Directory.CreateDirectory(Path.Combine(dir, "carpeta.log.1"));

        using var holder = Process.Start("bash", ["-c", $"exec 3>>'{openLog}'; exec sleep 60"]);
        try
        {
            await Task.Delay(300);
            var env = box.Env();
            env["SIGCERH_LOG_DIRS"] = dir;
            env["SIGCERH_ROTATE_FILES"] = string.Empty;
            var r = await box.Run("clean-logs.sh", env);

            Assert.True(r.ExitCode == 0, r.Output);
            Assert.All([debianLive, openLog, newestIdle, packageNewest, maintenance, fifo, outside], f => Assert.True(File.Exists(f), f));
            Assert.NotNull(new FileInfo(link).LinkTarget);
            Assert.True(Directory.Exists(Path.Combine(dir, "carpeta.log.1")));
            Assert.False(File.Exists(rotatedAway));
            Assert.False(File.Exists(debianRotated));
            Assert.Contains($"keeping {openLog}: a process holds it open", r.StdErr, StringComparison.Ordinal);
            Assert.Contains("\"files_deleted\":2", r.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Temp_cleanup_deletes_links_not_their_targets_and_keeps_open_files_and_pipes()
    {
        using var box = new ScriptSandbox("tempodd");
        var tmp = Path.Combine(box.Dir, "tmp");
        Directory.CreateDirectory(tmp);
        var target = Path.Combine(box.Dir, "importante.pdf");
        File.WriteAllText(target, "acta");
        File.SetLastWriteTimeUtc(target, DateTime.UtcNow.AddDays(-10));
        var link = Path.Combine(tmp, "enlace.pdf");
        File.CreateSymbolicLink(link, target);
        var open = Path.Combine(tmp, "ocr-en-curso.png");
        File.WriteAllText(open, "x");
        File.SetLastWriteTimeUtc(open, DateTime.UtcNow.AddDays(-2));
        var fifo = Path.Combine(tmp, "canal");
        Assert.Equal(0, (await ProcessRunner.RunAsync("mkfifo", [fifo])).ExitCode);
        Assert.Equal(0, (await ProcessRunner.RunAsync("touch", ["-d", "2 days ago", fifo])).ExitCode);
        await ProcessRunner.RunAsync("touch", ["-h", "-d", "3 days ago", link]);

        using var holder = Process.Start("bash", ["-c", $"exec 3<'{open}'; exec sleep 60"]);
        try
        {
            await Task.Delay(300);
            var env = box.Env();
            env["SIGCERH_TEMP_DIRS"] = tmp;
            env["SIGCERH_UPLOAD_TMP_DIRS"] = string.Empty;
            var r = await box.Run("clean-temp.sh", env);

            Assert.True(r.ExitCode == 0, r.Output);
            Assert.False(Path.Exists(link), "the old link itself is a temp file");
            Assert.True(File.Exists(target), "the link's target is never touched");
            Assert.True(File.Exists(open), "a file a process holds open is in use");
            Assert.True(Path.Exists(fifo), "pipes are not temp files");
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Numbers_with_leading_zeros_are_read_in_base_10()
    {
        using var box = new ScriptSandbox("base10");
        var tmp = Path.Combine(box.Dir, "tmp");
        Directory.CreateDirectory(tmp);
        var nine = Path.Combine(tmp, "nueve-horas.tmp");
        var seven = Path.Combine(tmp, "siete-horas.tmp");
        File.WriteAllText(nine, "x");
        File.WriteAllText(seven, "x");
        File.SetLastWriteTimeUtc(nine, DateTime.UtcNow.AddHours(-9));
        File.SetLastWriteTimeUtc(seven, DateTime.UtcNow.AddHours(-7));
        var env = box.Env();
        env["SIGCERH_TEMP_DIRS"] = tmp;
        env["SIGCERH_UPLOAD_TMP_DIRS"] = string.Empty;
        env["TEMP_MAX_AGE_HOURS"] = "08";

        var r = await box.Run("clean-temp.sh", env);

        Assert.True(r.ExitCode == 0, r.Output);
        Assert.False(File.Exists(nine));
        Assert.True(File.Exists(seven));
    }

    [Theory]
    [InlineData("TEMP_MAX_AGE_HOURS", "")]
    [InlineData("TEMP_MAX_AGE_HOURS", "8h")]
    [InlineData("TEMP_MAX_AGE_HOURS", "-1")]
    [InlineData("TEMP_MAX_AGE_HOURS", "0x10")]
    [InlineData("TEMP_MAX_AGE_HOURS", "0")]
    [InlineData("UPLOAD_MAX_AGE_DAYS", "7 ")]
    [InlineData("UPLOAD_MAX_AGE_DAYS", "9999999999")]
    [InlineData("DOCKER_PRUNE_UNTIL", "7d")]
    public async Task A_bad_number_exits_2_naming_the_variable_and_the_value_with_nothing_deleted(string variable, string value)
    {
        using var box = new ScriptSandbox("badnum");
        var tmp = Path.Combine(box.Dir, "tmp");
        Directory.CreateDirectory(tmp);
        var f = Path.Combine(tmp, "viejo.tmp");
        File.WriteAllText(f, "x");
        File.SetLastWriteTimeUtc(f, DateTime.UtcNow.AddDays(-30));
        var env = box.Env();
        env["SIGCERH_TEMP_DIRS"] = tmp;
        env["SIGCERH_UPLOAD_TMP_DIRS"] = tmp;
        env[variable] = value;

        var r = await box.Run("clean-temp.sh", env);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"invalid setting: {variable}='{value}'", r.StdErr, StringComparison.Ordinal);
        Assert.True(File.Exists(f));
    }

    [Fact]
    public async Task The_example_env_file_passes_every_scripts_validation()
    {
        var env = PrivateMounts.DefaultsEnv();
        env["PGPASSWORD"] = "x";
        env["PGPORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var r = await PrivateMounts.RunAsync("""
            export SIGCERH_ENV_FILE=$S/maintenance.env.example
            rc=0; "$S/clean-logs.sh" --dry-run || rc=$?; echo "logs rc=$rc"
            rc=0; "$S/clean-temp.sh" --dry-run || rc=$?; echo "temp rc=$rc"
            rc=0; "$S/backup-db.sh" || rc=$?; echo "backup rc=$rc"
            "$S/health-sweep.sh" --skip http,postgresql,containers,systemd,updates,tls,cpu >/dev/null || true
            """, env);

        Assert.True(r.StdOut.Contains("logs rc=0", StringComparison.Ordinal), r.Output);
        Assert.Contains("temp rc=0", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("backup rc=1", r.StdOut, StringComparison.Ordinal); // nothing listens on PGPORT: a run failure, not a setting
        Assert.Contains("cannot connect to PostgreSQL", r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("invalid setting", r.StdErr, StringComparison.Ordinal);
    }

    private static string Section(string output, string marker)
    {
        var start = output.IndexOf(marker + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, output);
        start += marker.Length + 1;
        var end = output.IndexOf("\n== ", start, StringComparison.Ordinal);
        return end < 0 ? output[start..] : output[start..(end + 1)];
    }
}
