namespace Sigcerh.Operations.Tests;

public sealed class CleanupTests
{
    [Fact]
    public async Task Clean_logs_rotates_live_files_and_deletes_only_rotated_files_past_retention()
    {
        using var box = new ScriptSandbox("logs");
        var nginx = Path.Combine(box.Dir, "nginx");
        var app = Path.Combine(box.Dir, "backend-logs");
        Directory.CreateDirectory(nginx);
        Directory.CreateDirectory(app);
        var old = DateTime.UtcNow.AddDays(-40);
        var recent = DateTime.UtcNow.AddDays(-5);
        string Make(string dir, string name, DateTime mtime, string content = "x")
        {
            var p = Path.Combine(dir, name);
            File.WriteAllText(p, content);
            File.SetLastWriteTimeUtc(p, mtime);
            return p;
        }

        var oldGz = Make(nginx, "access.log-20261001.gz", old);
        var recentGz = Make(nginx, "access.log-20261124.gz", recent);
        var oldNumbered = Make(nginx, "error.log.1", old);
        var idleLive = Make(nginx, "error.log", old, string.Empty); // a live file, idle for 40 days: never deleted
        var live = Make(nginx, "access.log", DateTime.UtcNow, "GET /api/health 200\n");
        var oldPackage = Make(app, "sigcerh-backend-20261001.json", old);
        var oldPackageRoll = Make(app, "sigcerh-backend-20261001_001.json", old);
        var todayPackage = Make(app, "sigcerh-backend-20261129.json", DateTime.UtcNow);
        var oldPostgres = Make(app, "postgresql-2026-10-01_000000.log", old);
        // PostgreSQL's current log (newest of its series) is kept even when idle for longer than the retention.
        var currentPostgres = Make(app, "postgresql-2026-10-02_000000.log", old.AddHours(1));
        var unrelated = Make(app, "notas.txt", old);

        var env = box.Env();
        env["SIGCERH_NOW"] = "2026-11-29T03:00:00Z";
        env["SIGCERH_LOG_DIRS"] = $"{nginx} {app} {Path.Combine(box.Dir, "missing")}";
        env["SIGCERH_ROTATE_FILES"] = $"{live} {idleLive}";
        var r = await box.Run("clean-logs.sh", env);

        Assert.True(r.ExitCode == 0, r.Output);
        Assert.All([oldGz, oldNumbered, oldPackage, oldPackageRoll, oldPostgres], f => Assert.False(File.Exists(f), f));
        Assert.All([recentGz, idleLive, live, todayPackage, unrelated, currentPostgres], f => Assert.True(File.Exists(f), f));
        // copytruncate rotation: the live file is emptied in place, its content is in access.log-20261129.gz.
        Assert.Equal(0, new FileInfo(live).Length);
        var rotated = Path.Combine(nginx, "access.log-20261129.gz");
        var gunzip = await Sigcerh.Testing.ProcessRunner.RunAsync("gzip", ["-dc", rotated]);
        Assert.Equal("GET /api/health 200\n", gunzip.StdOut);
        Assert.False(File.Exists(Path.Combine(nginx, "error.log-20261129.gz")), "empty files are not rotated");
        Assert.Contains("\"files_deleted\":5", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("\"rotated\":1", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clean_logs_dry_run_deletes_nothing()
    {
        using var box = new ScriptSandbox("logsdry");
        var f = Path.Combine(box.Dir, "access.log-20261001.gz");
        File.WriteAllText(f, "x");
        File.SetLastWriteTimeUtc(f, DateTime.UtcNow.AddDays(-60));
        var env = box.Env();
        env["SIGCERH_LOG_DIRS"] = box.Dir;
        env["SIGCERH_ROTATE_FILES"] = string.Empty;
        var r = await box.Run("clean-logs.sh", env, "--dry-run");
        Assert.Equal(0, r.ExitCode);
        Assert.True(File.Exists(f));
        Assert.Contains("would delete " + f, r.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clean_temp_deletes_old_temp_and_upload_files_and_never_prunes_docker_without_the_flag()
    {
        using var box = new ScriptSandbox("temp");
        var tmp = Path.Combine(box.Dir, "tmp");
        var uploads = Path.Combine(box.Dir, "uploads-tmp");
        Directory.CreateDirectory(Path.Combine(tmp, "ocr-job-1"));
        Directory.CreateDirectory(uploads);
        string Make(string path, TimeSpan age)
        {
            File.WriteAllText(path, "data");
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
            return path;
        }

        var oldTemp = Make(Path.Combine(tmp, "ocr-job-1", "pagina-1.png"), TimeSpan.FromHours(30));
        Directory.SetLastWriteTimeUtc(Path.Combine(tmp, "ocr-job-1"), DateTime.UtcNow.AddHours(-30));
        var newTemp = Make(Path.Combine(tmp, "en-proceso.pdf"), TimeSpan.FromHours(2));
        var oldUpload = Make(Path.Combine(uploads, "subida-abandonada.pdf"), TimeSpan.FromDays(8));
        var newUpload = Make(Path.Combine(uploads, "subida-reciente.pdf"), TimeSpan.FromDays(6));

        var fakeBin = FakeDocker(box.Dir, out var calls);
        var env = box.Env();
        env["PATH"] = fakeBin + ":" + Environment.GetEnvironmentVariable("PATH");
        env["SIGCERH_TEMP_DIRS"] = tmp;
        env["SIGCERH_UPLOAD_TMP_DIRS"] = uploads;

        var r = await box.Run("clean-temp.sh", env);

        Assert.True(r.ExitCode == 0, r.Output);
        Assert.False(File.Exists(oldTemp));
        Assert.False(Directory.Exists(Path.Combine(tmp, "ocr-job-1")), "empty old sub-folders are removed");
        Assert.False(File.Exists(oldUpload));
        Assert.True(File.Exists(newTemp));
        Assert.True(File.Exists(newUpload));
        Assert.False(File.Exists(calls), "docker must not run without --docker");

        var withDocker = await box.Run("clean-temp.sh", env, "--docker");
        Assert.True(withDocker.ExitCode == 0, withDocker.Output);
        Assert.Equal(
            ["image prune -a -f --filter until=168h", "builder prune -a -f --filter until=168h"],
            File.ReadAllLines(calls));
    }

    [Fact]
    public async Task Clean_temp_refuses_unsafe_folders_and_then_does_nothing_at_all()
    {
        using var box = new ScriptSandbox("unsafe");
        var ok = Path.Combine(box.Dir, "tmp");
        Directory.CreateDirectory(ok);
        var canary = Path.Combine(ok, "viejo.tmp");
        File.WriteAllText(canary, "x");
        File.SetLastWriteTimeUtc(canary, DateTime.UtcNow.AddDays(-3));
        var env = box.Env();
        env["SIGCERH_TEMP_DIRS"] = $"{ok} / /tmp relative/dir";
        env["SIGCERH_UPLOAD_TMP_DIRS"] = string.Empty;
        var r = await box.Run("clean-temp.sh", env);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("SIGCERH_TEMP_DIRS: '/' resolves to '/', a system folder; refused", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("SIGCERH_TEMP_DIRS: '/tmp' resolves to '/tmp', a system folder; refused", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("SIGCERH_TEMP_DIRS: 'relative/dir' is not an absolute path", r.StdErr, StringComparison.Ordinal);
        Assert.True(File.Exists(canary), "a refused setting must stop the whole run, also for the valid folder");
        Assert.Contains("\"reason\":\"config\"", Assert.Single(box.LogLines("clean-temp.config_invalid")), StringComparison.Ordinal);
    }

    private static string FakeDocker(string dir, out string callsFile)
    {
        var bin = Path.Combine(dir, "fake-docker-bin");
        Directory.CreateDirectory(bin);
        callsFile = Path.Combine(dir, "docker-calls.txt");
        var docker = Path.Combine(bin, "docker");
        File.WriteAllText(docker, $"#!/usr/bin/env bash\necho \"$*\" >>'{callsFile}'\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(docker, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return bin;
    }
}
