using System.Text.Json;
using Sigcerh.Testing;

namespace Sigcerh.Operations.Tests;

[Collection("postgres")]
public sealed class BackupTests(PostgresFixture pg)
{
    [Fact]
    public async Task Backup_and_restore_round_trip_preserves_every_row_count()
    {
        using var box = new ScriptSandbox("rt");
        var db = await pg.CreateSampleDatabaseAsync("ops_roundtrip");
        var env = box.Env(pg.Cluster, db);

        var backup = await box.Run("backup-db.sh", env);
        Assert.True(backup.ExitCode == 0, backup.Output);
        var dump = Assert.Single(box.Dumps());
        Assert.Matches(@"^sigcerh-ops_roundtrip-\d{8}T\d{6}Z\.dump$", dump);
        Assert.DoesNotContain(box.AllBackupFiles(), f => f.StartsWith(".incomplete", StringComparison.Ordinal));

        // The manifest holds the exact counts of the source ("table=count|quoted name").
        var source = await pg.RowCountsAsync(db);
        var manifest = Manifest.Tables(Path.Combine(box.BackupDir, dump));
        Assert.Equal(source.OrderBy(kv => kv.Key), manifest.OrderBy(kv => kv.Key));
        Assert.Equal(1234, manifest["public.solicitudes"]);

        // pg_restore can read it.
        var list = await ProcessRunner.RunAsync(Path.Combine(pg.Cluster.BinDirectory, "pg_restore"), ["--list", Path.Combine(box.BackupDir, dump)]);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("TABLE DATA pagos validaciones", list.StdOut, StringComparison.Ordinal);

        // Restore into a kept scratch database and compare with the source independently of the script.
        var restore = await box.Run("restore-test.sh", env, "--keep", "--target-db", "ops_roundtrip_copy");
        Assert.True(restore.ExitCode == 0, restore.Output);
        var restored = await pg.RowCountsAsync("ops_roundtrip_copy");
        Assert.Equal(source.OrderBy(kv => kv.Key), restored.OrderBy(kv => kv.Key));
        var prom = box.Prom("sigcerh_restore_test");
        Assert.Equal("1", ScriptSandbox.PromValue(prom, "sigcerh_restore_test_last_status"));
        Assert.NotNull(ScriptSandbox.PromValue(prom, "sigcerh_restore_test_last_success_timestamp_seconds"));
        await pg.Cluster.ExecuteAsync("DROP DATABASE ops_roundtrip_copy WITH (FORCE)");

        // Without --keep the scratch database is dropped.
        var again = await box.Run("restore-test.sh", env);
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Equal(0L, await pg.Cluster.ScalarAsync<long>("SELECT count(*) FROM pg_database WHERE datname = 'ops_roundtrip_restore_test'"));
    }

    [Fact]
    public async Task Restore_test_fails_when_the_restored_row_counts_differ_from_the_manifest()
    {
        using var box = new ScriptSandbox("mismatch");
        var db = await pg.CreateSampleDatabaseAsync("ops_mismatch");
        var env = box.Env(pg.Cluster, db);
        Assert.Equal(0, (await box.Run("backup-db.sh", env)).ExitCode);
        var counts = Path.Combine(box.BackupDir, box.Dumps()[0] + ".manifest");
        await File.WriteAllTextAsync(counts, (await File.ReadAllTextAsync(counts)).Replace("table=1234|public.solicitudes", "table=1235|public.solicitudes", StringComparison.Ordinal));

        var restore = await box.Run("restore-test.sh", env);

        Assert.Equal(1, restore.ExitCode);
        Assert.Contains("public.solicitudes expected=1235 restored=1234", restore.StdErr, StringComparison.Ordinal);
        Assert.Equal("0", ScriptSandbox.PromValue(box.Prom("sigcerh_restore_test"), "sigcerh_restore_test_last_status"));
        Assert.Equal(0L, await pg.Cluster.ScalarAsync<long>("SELECT count(*) FROM pg_database WHERE datname = 'ops_mismatch_restore_test'"));
    }

    [Fact]
    public async Task Restore_with_owners_keeps_the_application_role_as_owner_for_a_disaster_restore()
    {
        using var box = new ScriptSandbox("owners");
        var db = await pg.CreateSampleDatabaseAsync("ops_owners");
        await pg.Cluster.ExecuteAsync("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ops_app') THEN CREATE ROLE ops_app; END IF; END $$");
        await pg.Cluster.ExecuteAsync("ALTER TABLE solicitudes OWNER TO ops_app", db);
        var env = box.Env(pg.Cluster, db);
        Assert.Equal(0, (await box.Run("backup-db.sh", env)).ExitCode);

        var plain = await box.Run("restore-test.sh", env, "--keep", "--target-db", "ops_owners_plain");
        var owned = await box.Run("restore-test.sh", env, "--keep", "--with-owners", "--target-db", "ops_owners_owned");

        Assert.True(plain.ExitCode == 0, plain.Output);
        Assert.True(owned.ExitCode == 0, owned.Output);
        const string owner = "SELECT tableowner::text FROM pg_tables WHERE tablename = 'solicitudes'";
        Assert.Equal("postgres", await pg.Cluster.ScalarAsync<string>(owner, "ops_owners_plain"));
        Assert.Equal("ops_app", await pg.Cluster.ScalarAsync<string>(owner, "ops_owners_owned"));
        await pg.Cluster.ExecuteAsync("DROP DATABASE ops_owners_plain WITH (FORCE)");
        await pg.Cluster.ExecuteAsync("DROP DATABASE ops_owners_owned WITH (FORCE)");
    }

    [Fact]
    public async Task Restore_test_refuses_to_restore_over_the_source_database()
    {
        using var box = new ScriptSandbox("refuse");
        var env = box.Env(pg.Cluster, "ops_refuse");
        var r = await box.Run("restore-test.sh", env, "--target-db", "ops_refuse");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("refusing to restore over", r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metric_textfile_json_log_line_and_otlp_push_are_written()
    {
        using var box = new ScriptSandbox("metric");
        var db = await pg.CreateSampleDatabaseAsync("ops_metric");
        await using var receiver = await OtlpReceiver.StartAsync();
        var env = box.Env(pg.Cluster, db);
        env["SIGCERH_OTLP_HTTP_ENDPOINT"] = receiver.Endpoint;
        env["BACKUP_NOW"] = "2026-11-29T02:00:00Z";

        var r = await box.Run("backup-db.sh", env);
        Assert.True(r.ExitCode == 0, r.Output);

        var prom = box.Prom("sigcerh_backup");
        Assert.Contains("# TYPE sigcerh_backup_last_success_timestamp_seconds gauge", prom, StringComparison.Ordinal);
        Assert.Equal("1795917600", ScriptSandbox.PromValue(prom, "sigcerh_backup_last_success_timestamp_seconds"));
        Assert.Equal("1795917600", ScriptSandbox.PromValue(prom, "sigcerh_backup_last_run_timestamp_seconds"));
        Assert.Equal("1", ScriptSandbox.PromValue(prom, "sigcerh_backup_last_status"));
        var dumpPath = Path.Combine(box.BackupDir, "sigcerh-ops_metric-20261129T020000Z.dump");
        Assert.Equal(new FileInfo(dumpPath).Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ScriptSandbox.PromValue(prom, "sigcerh_backup_last_size_bytes"));
        Assert.NotNull(ScriptSandbox.PromValue(prom, "sigcerh_backup_last_duration_seconds"));

        // The same JSON line on stdout and in the log file.
        var line = File.ReadAllLines(box.LogFile).Single(l => l.Contains("\"backup.completed\"", StringComparison.Ordinal));
        Assert.Contains(line, r.StdOut, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        Assert.Equal("2026-11-29T02:00:00Z", root.GetProperty("ts").GetString());
        Assert.Equal("info", root.GetProperty("level").GetString());
        Assert.Equal("success", root.GetProperty("outcome").GetString());
        Assert.Equal(dumpPath, root.GetProperty("file").GetString());
        Assert.Equal(new FileInfo(dumpPath).Length, root.GetProperty("size_bytes").GetInt64());
        Assert.True(root.GetProperty("duration_s").GetDouble() > 0);
        Assert.Equal(1555, root.GetProperty("rows").GetInt64());

        // The OTLP/HTTP JSON push reached /v1/metrics and /v1/logs with the maintenance resource.
        var metrics = Assert.Single(receiver.Bodies("/v1/metrics"));
        using var m = JsonDocument.Parse(metrics);
        var rm = m.RootElement.GetProperty("resourceMetrics")[0];
        Assert.Contains(rm.GetProperty("resource").GetProperty("attributes").EnumerateArray(),
            a => a.GetProperty("key").GetString() == "service.name" && a.GetProperty("value").GetProperty("stringValue").GetString() == "sigcerh-maintenance");
        var pushed = rm.GetProperty("scopeMetrics")[0].GetProperty("metrics").EnumerateArray()
            .ToDictionary(x => x.GetProperty("name").GetString()!, x => x.GetProperty("gauge").GetProperty("dataPoints")[0].GetProperty("asDouble").GetDouble());
        Assert.Equal(1795917600d, pushed["sigcerh_backup_last_success_timestamp_seconds"]);
        Assert.Equal(1d, pushed["sigcerh_backup_last_status"]);
        Assert.Contains(receiver.Bodies("/v1/logs"), b => b.Contains("backup.completed", StringComparison.Ordinal));
        foreach (var body in receiver.Bodies("/v1/logs"))
        {
            using var _ = JsonDocument.Parse(body); // valid JSON
        }
    }

    [Fact]
    public async Task Retention_keeps_7_daily_4_weekly_and_6_monthly_dumps_with_a_fake_clock()
    {
        using var box = new ScriptSandbox("retention");
        var db = await pg.CreateSampleDatabaseAsync("ops_ret");
        Directory.CreateDirectory(box.BackupDir);
        // 200 nightly dumps before "today" (2026-11-29, a Sunday).
        var today = new DateTime(2026, 11, 29, 2, 0, 0, DateTimeKind.Utc);
        for (var i = 1; i <= 200; i++)
        {
            FakeNightly.Write(box.BackupDir, "ops_ret", today.AddDays(-i));
        }

        var env = box.Env(pg.Cluster, db);
        env["BACKUP_NOW"] = "2026-11-29T02:00:00Z";
        var r = await box.Run("backup-db.sh", env);
        Assert.True(r.ExitCode == 0, r.Output);

        string[] expected =
        [
            // monthly: the newest dump of each of the last 6 months
            "20260630", "20260731", "20260831", "20260930", "20261031",
            // weekly: the newest dump of each of the last 4 ISO weeks (W45..W48)
            "20261108", "20261115", "20261122",
            // daily: the last 7 days, today included
            "20261123", "20261124", "20261125", "20261126", "20261127", "20261128", "20261129",
        ];
        Assert.Equal(expected.Select(d => $"sigcerh-ops_ret-{d}T020000Z.dump"), box.Dumps());
        // Companion files of pruned dumps are gone too.
        Assert.Equal(expected.Length, Directory.GetFiles(box.BackupDir, "*.manifest").Length);
        Assert.Equal(expected.Length, Directory.GetFiles(box.BackupDir, "*.sha256").Length);
    }

    [Fact]
    public async Task Retention_never_deletes_the_newest_dump_even_with_the_smallest_settings()
    {
        using var box = new ScriptSandbox("ret1");
        var db = await pg.CreateSampleDatabaseAsync("ops_ret1");
        var env = box.Env(pg.Cluster, db);
        env["BACKUP_KEEP_DAILY"] = "1";
        env["BACKUP_KEEP_WEEKLY"] = "0";
        env["BACKUP_KEEP_MONTHLY"] = "0";
        env["BACKUP_NOW"] = "2026-11-28T02:00:00Z";
        Assert.Equal(0, (await box.Run("backup-db.sh", env)).ExitCode);
        env["BACKUP_NOW"] = "2026-11-29T02:00:00Z";
        Assert.Equal(0, (await box.Run("backup-db.sh", env)).ExitCode);
        Assert.Equal(["sigcerh-ops_ret1-20261129T020000Z.dump"], box.Dumps());

        env["BACKUP_KEEP_DAILY"] = "0";
        var bad = await box.Run("backup-db.sh", env);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("BACKUP_KEEP_DAILY='0' is out of range", bad.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_password_fails_clearly_and_keeps_the_previous_backups_and_success_time()
    {
        using var box = new ScriptSandbox("wrongpw");
        var db = await pg.CreateSampleDatabaseAsync("ops_wrongpw");
        var env = box.Env(pg.Cluster, db);
        env["BACKUP_NOW"] = "2026-11-28T02:00:00Z";
        Assert.Equal(0, (await box.Run("backup-db.sh", env)).ExitCode);
        var before = Snapshot(box);

        env["PGPASSWORD"] = "not-the-password";
        env["BACKUP_NOW"] = "2026-11-29T02:00:00Z";
        var r = await box.Run("backup-db.sh", env);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("wrong database password for user postgres", r.StdErr, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(box));
        var prom = box.Prom("sigcerh_backup");
        Assert.Equal("0", ScriptSandbox.PromValue(prom, "sigcerh_backup_last_status"));
        Assert.Equal("1795831200", ScriptSandbox.PromValue(prom, "sigcerh_backup_last_success_timestamp_seconds"));
        Assert.Equal("1795917600", ScriptSandbox.PromValue(prom, "sigcerh_backup_last_run_timestamp_seconds"));
        Assert.Contains(File.ReadAllLines(box.LogFile), l => l.Contains("\"reason\":\"wrong_password\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_password_fails_clearly_before_connecting()
    {
        using var box = new ScriptSandbox("nopw");
        var env = box.Env(pg.Cluster, "ops_nopw");
        env.Remove("PGPASSWORD");

        var r = await box.Run("backup-db.sh", env);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no database password", r.StdErr, StringComparison.Ordinal);
        Assert.Empty(box.Dumps());
        Assert.Equal("0", ScriptSandbox.PromValue(box.Prom("sigcerh_backup"), "sigcerh_backup_last_status"));
    }

    [Fact]
    public async Task Full_disk_during_the_dump_fails_clearly_and_leaves_only_the_previous_good_backup()
    {
        using var box = new ScriptSandbox("full");
        var db = await pg.CreateSampleDatabaseAsync("ops_full");
        var env = box.Env(pg.Cluster, db);
        var small = Path.Combine(box.Dir, "small-disk");
        Directory.CreateDirectory(small);
        // A real 512 KiB filesystem when mount is allowed (root in CI); otherwise a pg_dump that hits ENOSPC.
        var mount = await ProcessRunner.RunAsync("mount", ["-t", "tmpfs", "-o", "size=512k", "tmpfs", small]);
        var realDiskFull = mount.ExitCode == 0;
        try
        {
            box.BackupDir = small;
            env["BACKUP_DIR"] = small;
            env["BACKUP_NOW"] = "2026-11-28T02:00:00Z";
            var first = await box.Run("backup-db.sh", env);
            Assert.True(first.ExitCode == 0, first.Output);
            var before = Snapshot(box);

            if (realDiskFull)
            {
                // About 4 MB of poorly compressible data: the next dump cannot fit in 512 KiB.
                await pg.Cluster.ExecuteAsync(
                    "CREATE TABLE grande AS SELECT g, md5(g::text) || md5((g * 7)::text) AS a FROM generate_series(1, 60000) g", db);
            }
            else
            {
                env["PG_BIN_DIR"] = FakeFullDiskPgDump(box.Dir, pg.Cluster.BinDirectory);
            }

            env["BACKUP_NOW"] = "2026-11-29T02:00:00Z";
            var r = await box.Run("backup-db.sh", env);

            Assert.Equal(4, r.ExitCode);
            Assert.Contains("disk full while writing the dump", r.StdErr, StringComparison.Ordinal);
            Assert.Equal(before, Snapshot(box));
            Assert.Equal("0", ScriptSandbox.PromValue(box.Prom("sigcerh_backup"), "sigcerh_backup_last_status"));
        }
        finally
        {
            if (realDiskFull)
            {
                await ProcessRunner.RunAsync("umount", [small]);
            }
        }
    }

    [Fact]
    public async Task Not_enough_free_space_is_refused_before_dumping()
    {
        using var box = new ScriptSandbox("nospace");
        var env = box.Env(pg.Cluster, await pg.CreateSampleDatabaseAsync("ops_nospace"));
        env["BACKUP_MIN_FREE_MB"] = "999999999";

        var r = await box.Run("backup-db.sh", env);

        Assert.Equal(4, r.ExitCode);
        Assert.Contains("not enough free space", r.StdErr, StringComparison.Ordinal);
        Assert.Empty(box.AllBackupFiles());
    }

    [Fact]
    public async Task A_second_concurrent_run_is_refused_and_changes_nothing()
    {
        using var box = new ScriptSandbox("lock");
        var db = await pg.CreateSampleDatabaseAsync("ops_lock");
        var env = box.Env(pg.Cluster, db);
        env["BACKUP_NOW"] = "2026-11-28T02:00:00Z";
        Assert.Equal(0, (await box.Run("backup-db.sh", env)).ExitCode);
        var before = Snapshot(box);
        var promBefore = box.Prom("sigcerh_backup");

        // Another run holds the lock (what a running backup does).
        var lockFile = Path.Combine(box.LockDir, "sigcerh-backup.lock");
        using var holder = System.Diagnostics.Process.Start("flock", [lockFile, "sleep", "60"]);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while ((await ProcessRunner.RunAsync("flock", ["-n", lockFile, "true"])).ExitCode == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the lock holder did not take the lock");
                await Task.Delay(50);
            }

            env["BACKUP_NOW"] = "2026-11-29T02:00:00Z";
            var r = await box.Run("backup-db.sh", env);

            Assert.Equal(3, r.ExitCode);
            Assert.Contains("another backup run is in progress", r.StdErr, StringComparison.Ordinal);
            Assert.Equal(before, Snapshot(box));
            // A held lock is a failed nightly (a stuck run): recorded for the alert, with the old success time kept.
            var prom = box.Prom("sigcerh_backup");
            Assert.Equal("0", ScriptSandbox.PromValue(prom, "sigcerh_backup_last_status"));
            Assert.Equal("1", ScriptSandbox.PromValue(prom, "sigcerh_backup_last_failure_info{reason=\"locked\"}"));
            Assert.Equal(ScriptSandbox.PromValue(promBefore, "sigcerh_backup_last_success_timestamp_seconds"),
                ScriptSandbox.PromValue(prom, "sigcerh_backup_last_success_timestamp_seconds"));
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();
        }

        var after = await box.Run("backup-db.sh", env);
        Assert.True(after.ExitCode == 0, after.Output);
        Assert.Equal(2, box.Dumps().Length);
    }

    // File names with their content hashes: proves nothing was added, removed or changed.
    private static string Snapshot(ScriptSandbox box) =>
        string.Join('\n', Directory.GetFiles(box.BackupDir).Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetFileName(f)} {Repo.Sha256(f)}"));

    // A PG_BIN_DIR whose pg_dump writes part of a file and fails like a full disk; psql and pg_restore are real.
    private static string FakeFullDiskPgDump(string dir, string realBin)
    {
        var bin = Path.Combine(dir, "fake-bin");
        Directory.CreateDirectory(bin);
        foreach (var tool in new[] { "psql", "pg_restore", "pg_isready" })
        {
            File.CreateSymbolicLink(Path.Combine(bin, tool), Path.Combine(realBin, tool));
        }

        var fake = Path.Combine(bin, "pg_dump");
        File.WriteAllText(fake, """
            #!/usr/bin/env bash
            for a in "$@"; do case $a in --file=*) out=${a#--file=} ;; esac; done
            head -c 4096 /dev/urandom >"$out"
            echo "pg_dump: error: could not write to output file: No space left on device" >&2
            exit 1
            """.Replace("\r", string.Empty, StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return bin;
    }
}
