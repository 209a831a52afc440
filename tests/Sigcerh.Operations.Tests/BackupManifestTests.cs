using System.Text.Json;
using Npgsql;
using Sigcerh.Testing;

namespace Sigcerh.Operations.Tests;

/// <summary>Nightlies are identified by their manifest; settings are strict; identifiers stay identifiers.</summary>
[Collection("postgres")]
public sealed class BackupManifestTests(PostgresFixture pg)
{
    [Fact]
    public async Task Manual_copies_other_databases_and_odd_names_are_never_counted_pruned_or_restored()
    {
        using var box = new ScriptSandbox("handmade");
        var db = await pg.CreateSampleDatabaseAsync("ops_pfx");
        await pg.Cluster.ExecuteAsync("DROP DATABASE IF EXISTS \"ops_pfx-archivo\" WITH (FORCE)");
        await pg.Cluster.ExecuteAsync("CREATE DATABASE \"ops_pfx-archivo\"");
        var env = box.Env(pg.Cluster, db);
        var other = box.Env(pg.Cluster, "ops_pfx-archivo");

        // Nightlies of another database whose file names start with this database's prefix.
        foreach (var night in new[] { "2026-11-20T02:00:00Z", "2026-11-21T02:00:00Z" })
        {
            other["BACKUP_NOW"] = night;
            var o = await box.Run("backup-db.sh", other);
            Assert.True(o.ExitCode == 0, o.Output);
        }

        env["BACKUP_NOW"] = "2026-11-25T02:00:00Z";
        Assert.Equal(0, (await box.Run("backup-db.sh", env)).ExitCode);
        var first = Path.Combine(box.BackupDir, "sigcerh-ops_pfx-20261125T020000Z.dump");
        // Hand-made files: a manual copy carrying a copy of the manifest, a future-dated name, odd names, a folder
        // and a symlink with nightly names.
        void Copy(string suffix, string name) => File.Copy(first + suffix, Path.Combine(box.BackupDir, name + suffix));
        Copy(string.Empty, "sigcerh-ops_pfx-antes-de-migracion.dump");
        Copy(".manifest", "sigcerh-ops_pfx-antes-de-migracion.dump");
        Copy(".sha256", "sigcerh-ops_pfx-antes-de-migracion.dump");
        Copy(string.Empty, "sigcerh-ops_pfx-20991231T020000Z.dump");
        Copy(string.Empty, "sigcerh-ops_pfx-20261101T020000Z.dump.bak");
        Copy(string.Empty, "sigcerh-ops_pfx- con espacio.dump");
        Copy(string.Empty, "SIGCERH-OPS_PFX-20261102T020000Z.dump");
        Directory.CreateDirectory(Path.Combine(box.BackupDir, "sigcerh-ops_pfx-20261001T020000Z.dump"));
        File.CreateSymbolicLink(Path.Combine(box.BackupDir, "sigcerh-ops_pfx-20261003T020000Z.dump"), first);
        Copy(".manifest", "sigcerh-ops_pfx-20261003T020000Z.dump");
        var handMade = HandMadeSnapshot(box);

        env["BACKUP_KEEP_DAILY"] = "1";
        env["BACKUP_KEEP_WEEKLY"] = "0";
        env["BACKUP_KEEP_MONTHLY"] = "0";
        foreach (var night in new[] { "2026-11-26T02:00:00Z", "2026-11-27T02:00:00Z" })
        {
            env["BACKUP_NOW"] = night;
            var r = await box.Run("backup-db.sh", env);
            Assert.True(r.ExitCode == 0, r.Output);
            Assert.Equal("1", ScriptSandbox.PromValue(box.Prom("sigcerh_backup"), "sigcerh_backup_last_status"));
        }

        var last = Path.Combine(box.BackupDir, "sigcerh-ops_pfx-20261127T020000Z.dump");
        Assert.True(File.Exists(last + ".manifest"));
        Assert.False(File.Exists(first), "the real nightly of 11-25 is pruned (keep 1)");
        Assert.False(File.Exists(Path.Combine(box.BackupDir, "sigcerh-ops_pfx-20261126T020000Z.dump")));
        Assert.Equal(handMade, HandMadeSnapshot(box));
        Assert.True(File.Exists(Path.Combine(box.BackupDir, "sigcerh-ops_pfx-archivo-20261120T020000Z.dump.manifest")));
        Assert.True(File.Exists(Path.Combine(box.BackupDir, "sigcerh-ops_pfx-archivo-20261121T020000Z.dump")));

        // The restore test and the health sweep both take last night's dump.
        env["BACKUP_NOW"] = "2026-11-27T05:00:00Z";
        var restore = await box.Run("restore-test.sh", env);
        Assert.True(restore.ExitCode == 0, restore.Output);
        using (var line = JsonDocument.Parse(box.LogLines("restore_test.completed").Last()))
        {
            Assert.Equal(last, line.RootElement.GetProperty("file").GetString());
        }

        var sweep = await box.Run("health-sweep.sh", env, "--skip", "http,postgresql,disk,memory,cpu,restore_test,containers,systemd,updates,tls");
        Assert.Matches(@"backup\s+OK\s+newest nightly backup 3 h old.*sigcerh-ops_pfx-20261127T020000Z\.dump", sweep.StdOut);
    }

    [Fact]
    public async Task Names_with_spaces_quotes_accents_and_upper_case_are_backed_up_and_restored_as_identifiers()
    {
        using var box = new ScriptSandbox("idents");
        const string db = "Año \"Escolar\" 2026";
        await pg.Cluster.ExecuteAsync("DROP DATABASE IF EXISTS \"Año \"\"Escolar\"\" 2026\" WITH (FORCE)");
        await pg.Cluster.ExecuteAsync("CREATE DATABASE \"Año \"\"Escolar\"\" 2026\"");
        await Exec(db, """
            CREATE SCHEMA "Pagos Ñandú";
            CREATE TABLE "Pagos Ñandú"."Tabla ""con"" comillas|barra" (id int);
            INSERT INTO "Pagos Ñandú"."Tabla ""con"" comillas|barra" SELECT generate_series(1, 17);
            CREATE TABLE public."MAYÚSCULAS" (id int);
            INSERT INTO public."MAYÚSCULAS" SELECT generate_series(1, 5);
            CREATE TABLE public."con espacio" (id int);
            CREATE TABLE public.normal (id int);
            INSERT INTO public.normal VALUES (1), (2);
            """);
        var env = box.Env(pg.Cluster, db);

        var backup = await box.Run("backup-db.sh", env);
        Assert.True(backup.ExitCode == 0, backup.Output);
        var dump = Path.Combine(box.BackupDir, Assert.Single(box.Dumps()));
        var expected = await Counts(db);
        Assert.Equal(expected.OrderBy(kv => kv.Key), Manifest.Tables(dump).OrderBy(kv => kv.Key));
        Assert.Equal(17, expected["\"Pagos Ñandú\".\"Tabla \"\"con\"\" comillas|barra\""]);

        var restore = await box.Run("restore-test.sh", env);
        Assert.True(restore.ExitCode == 0, restore.Output);
        Assert.Equal(0L, await pg.Cluster.ScalarAsync<long>("SELECT count(*) FROM pg_database WHERE datname LIKE 'Año%restore_test'"));

        const string copy = "Copia \"Ñ\" de prueba";
        var kept = await box.Run("restore-test.sh", env, "--keep", "--target-db", copy);
        Assert.True(kept.ExitCode == 0, kept.Output);
        Assert.Equal(expected.OrderBy(kv => kv.Key), (await Counts(copy)).OrderBy(kv => kv.Key));
        await pg.Cluster.ExecuteAsync("DROP DATABASE \"Copia \"\"Ñ\"\" de prueba\" WITH (FORCE)");

        // A scratch name PostgreSQL would truncate to 63 bytes could become another database's name: refused.
        env["PGDATABASE"] = new string('b', 60);
        var tooLong = await box.Run("restore-test.sh", env);
        Assert.Equal(2, tooLong.ExitCode);
        Assert.Contains("longer than 63 bytes", tooLong.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_numbers_with_leading_zeros_are_read_in_base_10()
    {
        using var box = new ScriptSandbox("ret08");
        var db = await pg.CreateSampleDatabaseAsync("ops_ret08");
        var today = new DateTime(2026, 11, 29, 2, 0, 0, DateTimeKind.Utc);
        for (var i = 1; i <= 15; i++)
        {
            FakeNightly.Write(box.BackupDir, db, today.AddDays(-i));
        }

        var env = box.Env(pg.Cluster, db);
        env["BACKUP_NOW"] = "2026-11-29T02:00:00Z";
        env["BACKUP_KEEP_DAILY"] = "08";
        env["BACKUP_KEEP_WEEKLY"] = "00";
        env["BACKUP_KEEP_MONTHLY"] = "0";
        var r = await box.Run("backup-db.sh", env);

        Assert.True(r.ExitCode == 0, r.Output);
        Assert.Equal(8, box.Dumps().Length);
        Assert.Equal("sigcerh-ops_ret08-20261122T020000Z.dump", box.Dumps()[0]);
    }

    [Theory]
    [InlineData("BACKUP_KEEP_DAILY", "8 ")]
    [InlineData("BACKUP_KEEP_DAILY", "")]
    [InlineData("BACKUP_KEEP_DAILY", "0x8")]
    [InlineData("BACKUP_KEEP_WEEKLY", "-1")]
    [InlineData("BACKUP_MIN_FREE_MB", "1e3")]
    [InlineData("BACKUP_LOCK_WAIT_SECONDS", "0")]
    [InlineData("BACKUP_COMPRESS", "10")]
    [InlineData("PGPORT", "54a32")]
    [InlineData("PGDATABASE", "")]
    [InlineData("BACKUP_DIR", "backups")]
    public async Task A_bad_setting_exits_2_naming_it_records_the_failure_and_changes_nothing(string variable, string value)
    {
        using var box = new ScriptSandbox("badset");
        var nightly = FakeNightly.Write(box.BackupDir, "ops_badset", DateTime.UtcNow.AddDays(-20));
        var before = Snapshot(box);
        var env = box.Env(pg.Cluster, "ops_badset");
        env["BACKUP_KEEP_DAILY"] = "1";
        env[variable] = value;

        var r = await box.Run("backup-db.sh", env);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"invalid setting: {variable}='{value}'", r.StdErr, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(box));
        Assert.True(File.Exists(nightly));
        var prom = box.Prom("sigcerh_backup");
        Assert.Equal("0", ScriptSandbox.PromValue(prom, "sigcerh_backup_last_status"));
        Assert.Equal("1", ScriptSandbox.PromValue(prom, "sigcerh_backup_last_failure_info{reason=\"config\"}"));
    }

    [Fact]
    public async Task A_dump_without_its_checksum_or_with_a_wrong_one_fails_the_restore_test_loudly()
    {
        using var box = new ScriptSandbox("nosum");
        var db = await pg.CreateSampleDatabaseAsync("ops_nosum");
        var env = box.Env(pg.Cluster, db);
        Assert.Equal(0, (await box.Run("backup-db.sh", env)).ExitCode);
        var dump = Path.Combine(box.BackupDir, box.Dumps()[0]);
        var manual = Path.Combine(box.Dir, "copia-manual.dump");
        File.Copy(dump, manual);

        var noSum = await box.Run("restore-test.sh", env, "--file", manual);
        Assert.Equal(1, noSum.ExitCode);
        Assert.Contains("has no checksum", noSum.StdErr, StringComparison.Ordinal);
        Assert.Equal("1", ScriptSandbox.PromValue(box.Prom("sigcerh_restore_test"), "sigcerh_restore_test_last_failure_info{reason=\"checksum_missing\"}"));

        var manifest = dump + ".manifest";
        var text = await File.ReadAllTextAsync(manifest);
        var sha = Manifest.Fields(dump)["sha256"];
        await File.WriteAllTextAsync(manifest, text.Replace("sha256=" + sha, "sha256=" + new string('0', 64), StringComparison.Ordinal));
        var wrong = await box.Run("restore-test.sh", env);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("checksum mismatch", wrong.StdErr, StringComparison.Ordinal);
        Assert.Equal("0", ScriptSandbox.PromValue(box.Prom("sigcerh_restore_test"), "sigcerh_restore_test_last_status"));
    }

    private async Task Exec(string database, string sql)
    {
        await using var conn = Connect(database);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    // quote_ident(schema).quote_ident(table) -> exact count, independently of the scripts.
    private async Task<Dictionary<string, long>> Counts(string database)
    {
        await using var conn = Connect(database);
        await conn.OpenAsync();
        var names = new List<string>();
        await using (var cmd = new NpgsqlCommand("SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')", conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        var result = new Dictionary<string, long>();
        foreach (var n in names)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {n}", conn);
            result[n] = (long)(await count.ExecuteScalarAsync())!;
        }

        return result;
    }

    private NpgsqlConnection Connect(string database) => new(new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = pg.Cluster.Port,
        Username = "postgres",
        Password = PostgresCluster.Password,
        Database = database,
    }.ConnectionString);

    private static string HandMadeSnapshot(ScriptSandbox box) =>
        string.Join('\n', Directory.GetFileSystemEntries(box.BackupDir)
            .Where(f => !Path.GetFileName(f).StartsWith("sigcerh-ops_pfx-2026112", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("sigcerh-ops_pfx-archivo", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetFileName(f)} {Describe(f)}"));

    private static string Describe(string f) =>
        new FileInfo(f).LinkTarget is { } target ? "link -> " + target : File.Exists(f) ? Repo.Sha256(f) : "dir";

    private static string Snapshot(ScriptSandbox box) =>
        string.Join('\n', Directory.GetFiles(box.BackupDir).Order(StringComparer.Ordinal).Select(f => $"{Path.GetFileName(f)} {Repo.Sha256(f)}"));
}
