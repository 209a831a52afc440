namespace Sigcerh.Demo;

/// <summary>
/// A throwaway PostgreSQL cluster (initdb + pg_ctl from the installed server binaries) on a loopback port, under the
/// demo's temporary folder. As root it runs as the <c>postgres</c> user, because initdb refuses to run as root.
/// </summary>
internal sealed class PostgresServer
{
    private const string Password = "sigcerh-demo";
    private readonly string _bin;
    private readonly string _root;
    private readonly bool _asPostgresUser;

    private PostgresServer(string bin, string root, int port, bool asPostgresUser)
    {
        _bin = bin;
        _root = root;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    public int Port { get; }

    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Password={Password};Database=sigcerh;Timeout=5;Command Timeout=15";

    private string DataDirectory => Path.Combine(_root, "data");

    /// <summary>The folder with initdb and pg_ctl: Debian keeps them out of PATH, under /usr/lib/postgresql/N/bin.</summary>
    public static string? FindBinaries()
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

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .FirstOrDefault(d => d.Length > 0 && File.Exists(Path.Combine(d, "pg_ctl")) && File.Exists(Path.Combine(d, "initdb")));
    }

    /// <summary>Creates the cluster, starts it and creates the <c>sigcerh</c> database.</summary>
    public static async Task<PostgresServer> StartAsync(string bin, string root, int port)
    {
        Directory.CreateDirectory(root);
        var server = new PostgresServer(bin, root, port, Environment.UserName == "root");
        var pwFile = Path.Combine(root, "pwfile");
        await File.WriteAllTextAsync(pwFile, Password + "\n");
        if (server._asPostgresUser)
        {
            await Checked("chown", ["-R", "postgres:postgres", root]);
        }

        await server.AsPostgres("initdb",
            ["-D", server.DataDirectory, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
             "--pwfile=" + pwFile, "--no-sync", "-E", "UTF8", "--locale=C"]);
        File.Delete(pwFile);
        await server.AsPostgres("pg_ctl",
            ["-D", server.DataDirectory, "-l", Path.Combine(root, "postgresql.log"), "-w", "-t", "60",
             "-o", $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c log_min_duration_statement=1000", "start"]);
        var psql = Path.Combine(bin, "psql");
        await server.AsPostgres(File.Exists(psql) ? psql : "psql",
            ["-h", root, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "-d", "postgres",
             "-v", "ON_ERROR_STOP=1", "-c", "CREATE DATABASE sigcerh"]);
        return server;
    }

    /// <summary>Stops the server (fast shutdown); the caller deletes the folder.</summary>
    public async Task StopAsync()
    {
        var (code, output) = await Run(Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "30", "stop"]);
        if (code != 0)
        {
            Console.Error.WriteLine($"pg_ctl stop exited {code}: {output.Trim()}");
        }
    }

    private Task AsPostgres(string tool, string[] args) =>
        Checked(Path.IsPathRooted(tool) ? tool : Path.Combine(_bin, tool), args, _asPostgresUser);

    private static async Task Checked(string file, string[] args, bool asPostgres = false)
    {
        var (code, output) = await RunAs(file, args, asPostgres);
        if (code != 0)
        {
            throw new InvalidOperationException($"'{Path.GetFileName(file)} {string.Join(' ', args)}' exited {code}: {output.Trim()}");
        }
    }

    private Task<(int, string)> Run(string file, string[] args) => RunAs(file, args, _asPostgresUser);

    private static Task<(int ExitCode, string Output)> RunAs(string file, string[] args, bool asPostgres) => asPostgres
        ? Shell.RunAsync("runuser", ["-u", "postgres", "--", file, .. args], TimeSpan.FromMinutes(2))
        : Shell.RunAsync(file, args, TimeSpan.FromMinutes(2));
}
