using System.Globalization;
using Npgsql;
using Sigcerh.Testing;

namespace Sigcerh.Operations.Tests;

/// <summary>
/// A second real PostgreSQL 15 cluster whose data directory lives on its own small tmpfs volume (root only), used as
/// the separate restore cluster and as a database disk that can be filled up on purpose.
/// </summary>
public sealed class TmpfsPostgres : IAsyncLifetime
{
    public string Volume { get; } = Path.Combine(Path.GetTempPath(), "sigcerh-restore-vol-" + Guid.NewGuid().ToString("N")[..8]);

    public string DataDirectory => Path.Combine(Volume, "data");

    public int Port { get; } = FreePort.Next();

    public string BinDirectory { get; } = PostgresCluster.FindBinDirectory() ?? throw new InvalidOperationException("PostgreSQL is not installed");

    public string PortText => Port.ToString(CultureInfo.InvariantCulture);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Volume);
        await Checked("mount", "-t", "tmpfs", "-o", "size=160m", "sigcerh-restore-vol", Volume);
        await File.WriteAllTextAsync(Path.Combine(Volume, "pw"), PostgresCluster.Password + "\n");
        await Checked("chown", "-R", "postgres:postgres", Volume);
        await Checked("runuser", "-u", "postgres", "--", Path.Combine(BinDirectory, "initdb"), "-D", DataDirectory, "-U", "postgres",
            "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + Path.Combine(Volume, "pw"), "--no-sync", "-E", "UTF8", "--locale=C");
        await Checked("runuser", "-u", "postgres", "--", Path.Combine(BinDirectory, "pg_ctl"), "start", "-D", DataDirectory, "-l",
            Path.Combine(Volume, "server.log"), "-w", "-t", "60", "-o", $"-p {Port} -k {Volume} -c listen_addresses=127.0.0.1 -c fsync=off");
    }

    public async Task DisposeAsync()
    {
        await ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(BinDirectory, "pg_ctl"), "stop", "-D", DataDirectory, "-m", "immediate", "-w"]);
        await ProcessRunner.RunAsync("umount", [Volume]);
        Directory.Delete(Volume, recursive: true);
    }

    public NpgsqlConnection Connect(string database = "postgres") => new(new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Password = PostgresCluster.Password,
        Database = database,
        Timeout = 5,
    }.ConnectionString);

    public async Task<T> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var conn = Connect();
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args)
        {
            cmd.Parameters.AddWithValue(a);
        }

        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Fills the volume until only <paramref name="freeBytes"/> are left; returns the filler file to delete.</summary>
    public async Task<string> FillLeavingAsync(long freeBytes)
    {
        var info = new DriveInfo(Volume);
        var fill = info.AvailableFreeSpace - freeBytes;
        var filler = Path.Combine(Volume, "relleno.bin");
        await Checked("fallocate", "-l", fill.ToString(CultureInfo.InvariantCulture), filler);
        return filler;
    }

    private static async Task Checked(string file, params string[] args)
    {
        var r = await ProcessRunner.RunAsync(file, args, timeout: TimeSpan.FromMinutes(2));
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {r.ExitCode}: {r.Output}");
        }
    }
}
