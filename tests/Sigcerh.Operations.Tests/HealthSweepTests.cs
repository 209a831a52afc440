using System.Net;
using Sigcerh.Testing;

namespace Sigcerh.Operations.Tests;

[Collection("postgres")]
public sealed class HealthSweepTests(PostgresFixture pg)
{
    [Fact]
    public async Task Health_sweep_prints_a_status_table_and_exits_2_when_something_is_down()
    {
        using var box = new ScriptSandbox("sweep");
        using var http = new HttpListener();
        var port = FreePort.Next();
        http.Prefixes.Add($"http://127.0.0.1:{port}/");
        http.Start();
        var serve = Task.Run(async () =>
        {
            while (http.IsListening)
            {
                HttpListenerContext ctx;
                try
                {
                    ctx = await http.GetContextAsync();
                }
                catch (HttpListenerException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                var (code, body) = ctx.Request.Url!.AbsolutePath switch
                {
                    "/api/health" => (200, """{"status":"Healthy"}"""),
                    "/health" => (200, """{"status":"Degraded","checks":{"ai_api":"Degraded"}}"""),
                    _ => (503, """{"status":"Unhealthy"}"""),
                };
                ctx.Response.StatusCode = code;
                await ctx.Response.OutputStream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(body));
                ctx.Response.Close();
            }
        });

        // A fake /proc: 90 % of RAM in use (WARN at 85 %), an idle CPU.
        var proc = Path.Combine(box.Dir, "proc");
        Directory.CreateDirectory(proc);
        await File.WriteAllTextAsync(Path.Combine(proc, "meminfo"), "MemTotal:        8000000 kB\nMemFree:          500000 kB\nMemAvailable:     800000 kB\n");
        await File.WriteAllTextAsync(Path.Combine(proc, "stat"), "cpu  100 0 100 10000 0 0 0 0 0 0\n");
        await File.WriteAllTextAsync(Path.Combine(proc, "loadavg"), "0.10 0.20 0.30 1/100 1234\n");
        // A fresh nightly of the swept database (with its manifest).
        FakeNightly.Write(box.BackupDir, "postgres", DateTime.UtcNow.AddHours(-3));

        var env = box.Env(pg.Cluster, "postgres");
        env["SIGCERH_SWEEP_URLS"] = $"backend=http://127.0.0.1:{port}/api/health ocr=http://127.0.0.1:{port}/health frontend=http://127.0.0.1:{port}/caido";
        env["SWEEP_RETRIES"] = "2";
        env["SWEEP_RETRY_DELAY"] = "0";
        env["SWEEP_TIMEOUT"] = "5";
        env["SWEEP_PROC_DIR"] = proc;
        env["SWEEP_DISK_PATHS"] = box.Dir;

        var r = await box.Run("health-sweep.sh", env, "--skip", "updates,tls,containers,systemd");
        http.Stop();
        await serve;

        Assert.Equal(2, r.ExitCode);
        string Status(string check) => r.StdOut.Split('\n').Single(l => l.StartsWith(check + " ", StringComparison.Ordinal))[23..].Split(' ')[0];
        Assert.StartsWith("CHECK", r.StdOut, StringComparison.Ordinal);
        Assert.Equal("OK", Status("backend"));
        Assert.Equal("WARN", Status("ocr"));
        Assert.Equal("FAIL", Status("frontend"));
        Assert.Contains("HTTP 503 after 2 attempts", r.StdOut, StringComparison.Ordinal);
        Assert.Equal("OK", Status("postgresql"));
        Assert.Equal("WARN", Status("memory"));
        Assert.Contains("90% used", r.StdOut, StringComparison.Ordinal);
        Assert.Equal("OK", Status("cpu"));
        Assert.Equal("OK", Status("backup"));
        Assert.Equal("WARN", Status("restore_test"));
        Assert.Contains("Overall: FAIL", r.StdOut, StringComparison.Ordinal);
        Assert.Contains(File.ReadAllLines(box.LogFile), l => l.Contains("\"health_sweep.completed\"", StringComparison.Ordinal) && l.Contains("\"outcome\":\"FAIL\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Health_sweep_reports_a_stopped_database_as_FAIL()
    {
        using var box = new ScriptSandbox("sweepdb");
        var env = box.Env(pg.Cluster, "postgres");
        env["PGPORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["SIGCERH_SWEEP_URLS"] = string.Empty;
        var r = await box.Run("health-sweep.sh", env, "--skip", "updates,tls,containers,systemd,cpu,disk,memory,backup,restore_test");
        Assert.Equal(2, r.ExitCode);
        Assert.Matches(@"postgresql\s+FAIL\s+not accepting connections", r.StdOut);
    }

    [Fact]
    public async Task Health_sweep_fails_the_backup_row_when_the_newest_nightly_is_72_hours_old_whatever_other_files_say()
    {
        using var box = new ScriptSandbox("sweep72");
        var old = FakeNightly.Write(box.BackupDir, "sigcerh", DateTime.UtcNow.AddHours(-72));
        // Fresher-looking files that are not nightlies: a manual copy, a future-dated name, another database's dump.
        File.Copy(old, Path.Combine(box.BackupDir, "sigcerh-sigcerh-copia-manual.dump"));
        File.Copy(old, Path.Combine(box.BackupDir, "sigcerh-sigcerh-20991231T020000Z.dump"));
        FakeNightly.Write(box.BackupDir, "sigcerh_pruebas", DateTime.UtcNow.AddHours(-1));
        var env = box.Env();
        env["PGDATABASE"] = "sigcerh";

        var r = await box.Run("health-sweep.sh", env, "--skip", "http,postgresql,disk,memory,cpu,restore_test,containers,systemd,updates,tls");

        Assert.Equal(2, r.ExitCode);
        Assert.Matches(@"backup\s+FAIL\s+newest nightly backup is 7[12] h old", r.StdOut);
        Assert.Contains(Path.GetFileName(old), r.StdOut, StringComparison.Ordinal);
    }
}
