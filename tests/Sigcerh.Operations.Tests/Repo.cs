using System.Security.Cryptography;
using Sigcerh.Testing;

namespace Sigcerh.Operations.Tests;

/// <summary>Paths in the repository and a runner for the maintenance scripts with an isolated environment.</summary>
internal static class Repo
{
    public static string Root { get; } = Sigcerh.Testing.RepoPaths.Root;

    public static string ScriptsDir => Path.Combine(Root, "grafana-lgtm", "scripts");

    public static string Script(string name) => Path.Combine(ScriptsDir, name);


    public static string NewTempDir(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"sigcerh-ops-{prefix}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static string Sha256(string file)
    {
        using var s = File.OpenRead(file);
        return Convert.ToHexString(SHA256.HashData(s));
    }
}

/// <summary>One isolated working folder for a script run: backups, metrics, log, lock.</summary>
internal sealed class ScriptSandbox : IDisposable
{
    public ScriptSandbox(string prefix)
    {
        Dir = Repo.NewTempDir(prefix);
        BackupDir = Path.Combine(Dir, "backups");
        MetricsDir = Path.Combine(Dir, "metrics");
        LogFile = Path.Combine(Dir, "log", "maintenance.json");
        LockDir = Path.Combine(Dir, "lock");
    }

    public string Dir { get; }

    public string BackupDir { get; set; }

    public string MetricsDir { get; }

    public string LogFile { get; }

    public string LockDir { get; }

    public Dictionary<string, string?> Env(PostgresCluster? pg = null, string database = "sigcerh")
    {
        var env = new Dictionary<string, string?>
        {
            ["SIGCERH_ENV_FILE"] = string.Empty,
            ["SIGCERH_OTLP_HTTP_ENDPOINT"] = string.Empty,
            ["SIGCERH_METRICS_DIR"] = MetricsDir,
            ["SIGCERH_MAINT_LOG"] = LogFile,
            ["SIGCERH_LOCK_DIR"] = LockDir,
            ["BACKUP_DIR"] = BackupDir,
            ["BACKUP_MIN_FREE_MB"] = "0",
            ["HOME"] = Dir,
            ["PGPASSFILE"] = Path.Combine(Dir, "no-such-pgpass"),
            // The sandbox is the only folder the cleanups may touch.
            ["SIGCERH_LOG_ALLOWED_PREFIXES"] = Dir,
            ["SIGCERH_TEMP_ALLOWED_PREFIXES"] = Dir,
        };
        if (pg is not null)
        {
            env["PGHOST"] = "127.0.0.1";
            env["PGPORT"] = pg.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            env["PGUSER"] = "postgres";
            env["PGPASSWORD"] = PostgresCluster.Password;
            env["PGDATABASE"] = database;
            env["PG_BIN_DIR"] = pg.BinDirectory;
        }

        return env;
    }

    public string[] Dumps() => Directory.Exists(BackupDir)
        ? Directory.GetFiles(BackupDir, "*.dump").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray()
        : [];

    public string[] AllBackupFiles() => Directory.Exists(BackupDir)
        ? Directory.GetFiles(BackupDir).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray()
        : [];

    public string Prom(string name) => File.ReadAllText(Path.Combine(MetricsDir, name + ".prom"));

    /// <summary>The JSON log lines of one event.</summary>
    public string[] LogLines(string eventName) => File.Exists(LogFile)
        ? File.ReadAllLines(LogFile).Where(l => l.Contains($"\"event\":\"{eventName}\"", StringComparison.Ordinal)).ToArray()
        : [];

    public static string? PromValue(string prom, string metric) =>
        prom.Split('\n').Select(l => l.Split(' ')).Where(p => p.Length == 2 && p[0] == metric).Select(p => p[1]).FirstOrDefault();

    public Task<ProcessRunner.Result> Run(string script, IDictionary<string, string?> env, params string[] args) =>
        ProcessRunner.RunAsync(Repo.Script(script), args, env, Dir, TimeSpan.FromMinutes(2));

    /// <summary>Runs a script given by its full path (for instance an old copy from git), same environment.</summary>
    public Task<ProcessRunner.Result> RunFile(string path, IDictionary<string, string?> env, params string[] args) =>
        ProcessRunner.RunAsync(path, args, env, Dir, TimeSpan.FromMinutes(2));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
