using System.Text.Json;
using Sigcerh.Testing;

namespace Sigcerh.Operations.Tests;

/// <summary>
/// The restore test against a separate restore cluster whose data directory sits on a small tmpfs volume: it works
/// with no source database at all, refuses when the volume lacks room (and the server stays up), and never leaves a
/// scratch database behind.
/// </summary>
[Collection("postgres")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RestoreSafetyTests(PostgresFixture pg, TmpfsPostgres target) : IClassFixture<TmpfsPostgres>
{
    [Fact]
    public async Task A_separate_restore_cluster_is_restored_to_from_the_manifest_with_no_source_database_at_all()
    {
        using var box = new ScriptSandbox("disaster");
        var db = await pg.CreateSampleDatabaseAsync("ops_disaster");
        var env = box.Env(pg.Cluster, db);
        Assert.Equal(0, (await box.Run("backup-db.sh", env)).ExitCode);

        // Disaster: the source server is gone (nothing listens on PGPORT); only the backup folder is left.
        var restoreEnv = RestoreEnv(box, db);
        restoreEnv["PGPORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var r = await box.Run("restore-test.sh", restoreEnv);

        Assert.True(r.ExitCode == 0, r.Output);
        using var line = JsonDocument.Parse(box.LogLines("restore_test.completed").Last());
        Assert.Equal("manifest", line.RootElement.GetProperty("compared_with").GetString());
        Assert.Equal($"127.0.0.1:{target.Port}", line.RootElement.GetProperty("target_server").GetString());
        Assert.Equal(1555, line.RootElement.GetProperty("rows").GetInt64());
        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_database WHERE datname = $1", "ops_disaster_restore_test"));
    }

    [Fact]
    public async Task A_nearly_full_restore_volume_is_refused_before_anything_is_written_and_the_server_stays_up()
    {
        using var box = new ScriptSandbox("fullvol");
        var db = await pg.CreateSampleDatabaseAsync("ops_fullvol");
        Assert.Equal(0, (await box.Run("backup-db.sh", box.Env(pg.Cluster, db))).ExitCode);
        var dbSize = long.Parse(Manifest.Fields(Path.Combine(box.BackupDir, box.Dumps()[0]))["database_size_bytes"], System.Globalization.CultureInfo.InvariantCulture);

        // Room for the data alone, not for the data, its margin and the WAL the restore writes.
        var filler = await target.FillLeavingAsync(dbSize + (dbSize / 10));
        try
        {
            var r = await box.Run("restore-test.sh", RestoreEnv(box, db));

            Assert.Equal(4, r.ExitCode);
            Assert.Contains("not restoring: the data volume of the restore cluster", r.StdErr, StringComparison.Ordinal);
            Assert.Contains(target.DataDirectory, r.StdErr, StringComparison.Ordinal);
            var prom = box.Prom("sigcerh_restore_test");
            Assert.Equal("0", ScriptSandbox.PromValue(prom, "sigcerh_restore_test_last_status"));
            Assert.Equal("1", ScriptSandbox.PromValue(prom, "sigcerh_restore_test_last_failure_info{reason=\"no_space\"}"));
            Assert.Equal(1, await target.ScalarAsync<int>("SELECT 1"));
            Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_database WHERE datname = $1", "ops_fullvol_restore_test"));
        }
        finally
        {
            File.Delete(filler);
        }

        // With the room back, the same restore passes.
        var again = await box.Run("restore-test.sh", RestoreEnv(box, db));
        Assert.True(again.ExitCode == 0, again.Output);
    }

    [Fact]
    public async Task A_leftover_scratch_database_is_dropped_but_a_foreign_database_with_that_name_is_refused()
    {
        using var box = new ScriptSandbox("leftover");
        var db = await pg.CreateSampleDatabaseAsync("ops_leftover");
        Assert.Equal(0, (await box.Run("backup-db.sh", box.Env(pg.Cluster, db))).ExitCode);
        await Exec("DROP DATABASE IF EXISTS ops_leftover_restore_test WITH (FORCE)");
        await Exec("CREATE DATABASE ops_leftover_restore_test");
        await Exec("COMMENT ON DATABASE ops_leftover_restore_test IS 'sigcerh restore-test scratch database'");

        var r = await box.Run("restore-test.sh", RestoreEnv(box, db));
        Assert.True(r.ExitCode == 0, r.Output);
        Assert.Contains("dropped the leftover scratch database", r.StdErr, StringComparison.Ordinal);
        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_database WHERE datname = 'ops_leftover_restore_test'"));

        await Exec("CREATE DATABASE ops_leftover_restore_test");
        var foreign = await box.Run("restore-test.sh", RestoreEnv(box, db));
        Assert.Equal(2, foreign.ExitCode);
        Assert.Contains("is not a scratch database of this script", foreign.StdErr, StringComparison.Ordinal);
        Assert.Equal(1L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_database WHERE datname = 'ops_leftover_restore_test'"));
        await Exec("DROP DATABASE ops_leftover_restore_test");
    }

    [Fact]
    public async Task A_restore_stopped_by_its_timeout_drops_the_scratch_database_and_records_the_failure()
    {
        using var box = new ScriptSandbox("rtimeout");
        var db = await pg.CreateSampleDatabaseAsync("ops_rtimeout");
        Assert.Equal(0, (await box.Run("backup-db.sh", box.Env(pg.Cluster, db))).ExitCode);
        var env = RestoreEnv(box, db);
        env["PG_BIN_DIR"] = SlowPgRestore(box.Dir, pg.Cluster.BinDirectory);

        var r = await ProcessRunner.RunAsync("timeout", ["--kill-after=30", "10", Repo.Script("restore-test.sh")], env, box.Dir, TimeSpan.FromMinutes(2));

        Assert.True(r.ExitCode == 124, r.Output);
        Assert.Contains("stopped by SIGTERM", r.StdErr, StringComparison.Ordinal);
        Assert.Equal(0L, await target.ScalarAsync<long>("SELECT count(*) FROM pg_database WHERE datname = 'ops_rtimeout_restore_test'"));
        Assert.Equal("1", ScriptSandbox.PromValue(box.Prom("sigcerh_restore_test"), "sigcerh_restore_test_last_failure_info{reason=\"terminated\"}"));
    }

    private Dictionary<string, string?> RestoreEnv(ScriptSandbox box, string db)
    {
        var env = box.Env(pg.Cluster, db);
        env["RESTORE_PGHOST"] = "127.0.0.1";
        env["RESTORE_PGPORT"] = target.PortText;
        env["RESTORE_MIN_FREE_MB"] = "0";
        return env;
    }

    private async Task Exec(string sql)
    {
        await using var conn = target.Connect();
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    // A PG_BIN_DIR whose pg_restore hangs (a restore that takes too long); psql is real.
    private static string SlowPgRestore(string dir, string realBin)
    {
        var bin = Path.Combine(dir, "slow-bin");
        Directory.CreateDirectory(bin);
        File.CreateSymbolicLink(Path.Combine(bin, "psql"), Path.Combine(realBin, "psql"));
        var fake = Path.Combine(bin, "pg_restore");
        File.WriteAllText(fake, "#!/usr/bin/env bash\nsleep 120\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return bin;
    }
}
