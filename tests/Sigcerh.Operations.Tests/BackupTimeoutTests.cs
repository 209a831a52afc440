using Npgsql;
using Sigcerh.Testing;

namespace Sigcerh.Operations.Tests;

/// <summary>A table locked by a stuck migration: the backup's waits are bounded and every failure is recorded.</summary>
[Collection("postgres")]
public sealed class BackupTimeoutTests(PostgresFixture pg)
{
    [Fact]
    public async Task A_locked_table_makes_the_backup_fail_after_the_lock_wait_and_the_failure_is_recorded()
    {
        using var box = new ScriptSandbox("locked");
        var db = await pg.CreateSampleDatabaseAsync("ops_locked");
        var env = box.Env(pg.Cluster, db);
        env["BACKUP_NOW"] = "2026-11-28T02:00:00Z";
        Assert.Equal(0, (await box.Run("backup-db.sh", env)).ExitCode);
        var before = Snapshot(box);

        await using var migration = await HoldAccessExclusiveAsync(db);
        env["BACKUP_NOW"] = "2026-11-29T02:00:00Z";
        env["BACKUP_LOCK_WAIT_SECONDS"] = "2";
        var r = await box.Run("backup-db.sh", env);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("a table stayed locked for more than 2s", r.StdErr, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(box));
        var prom = box.Prom("sigcerh_backup");
        Assert.Equal("0", ScriptSandbox.PromValue(prom, "sigcerh_backup_last_status"));
        Assert.Equal("1", ScriptSandbox.PromValue(prom, "sigcerh_backup_last_failure_info{reason=\"lock_timeout\"}"));
        Assert.Equal("1795831200", ScriptSandbox.PromValue(prom, "sigcerh_backup_last_success_timestamp_seconds"));
    }

    [Fact]
    public async Task A_run_stopped_by_its_timeout_records_the_failure_and_leaves_no_dump_session_behind()
    {
        using var box = new ScriptSandbox("runtimeout");
        var db = await pg.CreateSampleDatabaseAsync("ops_runtimeout");
        var env = box.Env(pg.Cluster, db);
        env["BACKUP_NOW"] = "2026-11-28T02:00:00Z";
        Assert.Equal(0, (await box.Run("backup-db.sh", env)).ExitCode);
        var before = Snapshot(box);

        await using (var migration = await HoldAccessExclusiveAsync(db))
        {
            env["BACKUP_NOW"] = "2026-11-29T02:00:00Z";
            env["BACKUP_LOCK_WAIT_SECONDS"] = "600";
            // What the cron line does: timeout(1) sends SIGTERM to the run's process group.
            var r = await ProcessRunner.RunAsync("timeout", ["--kill-after=30", "6", Repo.Script("backup-db.sh")], env, box.Dir, TimeSpan.FromMinutes(2));

            Assert.True(r.ExitCode == 124, r.Output);
            Assert.Contains("stopped by SIGTERM", r.StdErr, StringComparison.Ordinal);
            var prom = box.Prom("sigcerh_backup");
            Assert.Equal("0", ScriptSandbox.PromValue(prom, "sigcerh_backup_last_status"));
            Assert.Equal("1", ScriptSandbox.PromValue(prom, "sigcerh_backup_last_failure_info{reason=\"terminated\"}"));
            Assert.Equal(before, Snapshot(box));
        }

        // pg_dump got the signal too: no session of it is left waiting on the database.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        long left;
        while ((left = await pg.Cluster.ScalarAsync<long>($"SELECT count(*) FROM pg_stat_activity WHERE datname = '{db}' AND application_name IN ('pg_dump', 'psql')")) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{left} pg_dump/psql session(s) still connected");
            await Task.Delay(200);
        }
    }

    private async Task<NpgsqlConnection> HoldAccessExclusiveAsync(string db)
    {
        var conn = new NpgsqlConnection(pg.Cluster.ConnectionStringFor(db));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("BEGIN; LOCK TABLE solicitudes IN ACCESS EXCLUSIVE MODE;", conn);
        await cmd.ExecuteNonQueryAsync();
        return conn;
    }

    private static string Snapshot(ScriptSandbox box) =>
        string.Join('\n', Directory.GetFiles(box.BackupDir).Order(StringComparer.Ordinal).Select(f => $"{Path.GetFileName(f)} {Repo.Sha256(f)}"));
}
