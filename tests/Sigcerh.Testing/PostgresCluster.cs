using System.Diagnostics;
using Npgsql;

namespace Sigcerh.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster made with Debian's <c>initdb</c> and <c>pg_ctl</c> on a free loopback port.
/// As root (CI), the server runs as the <c>postgres</c> user, because initdb refuses to run as root.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    /// <summary>The superuser password; TCP connections use scram-sha-256.</summary>
    public const string Password = "sigcerh-test-pw";

    private readonly string _binDir;
    private readonly string _root;
    private readonly bool _asPostgresUser;

    private PostgresCluster(string binDir, string root, int port, bool asPostgresUser)
    {
        _binDir = binDir;
        _root = root;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    /// <summary>The TCP port the server listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>The data directory.</summary>
    public string DataDirectory => Path.Combine(_root, "data");

    /// <summary>The folder with the server log.</summary>
    public string LogFile => Path.Combine(_root, "server.log");

    /// <summary>The folder that holds initdb, pg_ctl, pg_dump and friends.</summary>
    public string BinDirectory => _binDir;

    /// <summary>A connection string for the <c>postgres</c> database as superuser.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    /// <summary>A connection string for <paramref name="database"/> as superuser.</summary>
    public string ConnectionStringFor(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Password={Password};Database={database};Timeout=5;Command Timeout=10";

    /// <summary>The server binaries' folder, or null when PostgreSQL is not installed.</summary>
    public static string? FindBinDirectory()
    {
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var best = Directory.GetDirectories(debianRoot)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "pg_ctl")) && File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault();
            if (best is not null)
            {
                return best;
            }
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':'))
        {
            if (File.Exists(Path.Combine(dir, "pg_ctl")) && File.Exists(Path.Combine(dir, "initdb")))
            {
                return dir;
            }
        }

        return null;
    }

    /// <summary>Creates and starts a new cluster. Throws with a clear message when PostgreSQL is missing.</summary>
    public static async Task<PostgresCluster> StartNewAsync()
    {
        var bin = FindBinDirectory()
            ?? throw new InvalidOperationException("PostgreSQL server binaries not found: install Debian's 'postgresql' package (.ci/run does).");
        var asPostgres = Environment.UserName == "root";
        var root = Path.Combine(Path.GetTempPath(), "sigcerh-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var cluster = new PostgresCluster(bin, root, FreePort.Next(), asPostgres);
        if (asPostgres)
        {
            await cluster.RunChecked("chown", ["-R", "postgres:postgres", root]);
        }

        var pwFile = Path.Combine(root, "pwfile");
        await File.WriteAllTextAsync(pwFile, Password + "\n");
        if (asPostgres)
        {
            await cluster.RunChecked("chown", ["postgres:postgres", pwFile]);
        }

        await cluster.RunAsPostgres(Path.Combine(bin, "initdb"),
            ["-D", cluster.DataDirectory, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
             "--pwfile=" + pwFile, "--no-sync", "-E", "UTF8", "--locale=C"]);
        await cluster.StartAsync();
        return cluster;
    }

    /// <summary>Starts the server (again) on the same port and data.</summary>
    public async Task StartAsync()
    {
        await RunAsPostgres(Path.Combine(_binDir, "pg_ctl"),
            ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60",
             "-o", $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"]);
        await WaitUntilAcceptingAsync();
    }

    /// <summary>Stops the server immediately, as a crash would.</summary>
    public Task StopAsync() =>
        RunAsPostgres(Path.Combine(_binDir, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"]);

    /// <summary>Runs SQL as superuser in <paramref name="database"/>.</summary>
    public async Task ExecuteAsync(string sql, string database = "postgres")
    {
        await using var conn = new NpgsqlConnection(ConnectionStringFor(database));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a scalar query as superuser in <paramref name="database"/>.</summary>
    public async Task<T> ScalarAsync<T>(string sql, string database = "postgres")
    {
        await using var conn = new NpgsqlConnection(ConnectionStringFor(database));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task WaitUntilAcceptingAsync()
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await ExecuteAsync("select 1");
                return;
            }
            catch (NpgsqlException) when (sw.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }
        }
    }

    private Task RunAsPostgres(string file, string[] args) =>
        _asPostgresUser ? RunChecked("runuser", ["-u", "postgres", "--", file, .. args]) : RunChecked(file, args);

    private async Task RunChecked(string file, string[] args)
    {
        var r = await ProcessRunner.RunAsync(file, args, workingDirectory: Path.GetTempPath(), timeout: TimeSpan.FromMinutes(2));
        if (r.ExitCode != 0)
        {
            var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile) : string.Empty;
            throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' exited {r.ExitCode}: {r.Output}\n{log}");
        }
    }
}
