using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Sigcerh.Testing;

namespace Sigcerh.Samples.Tests;

/// <summary>
/// The sample backend as Docker runs it: a separate process stopped by SIGTERM, with a collector that accepts
/// connections and never answers. Docker kills the process 10 s after SIGTERM, so everything must be flushed or counted
/// before that.
/// </summary>
public sealed class BackendShutdownTests
{
    private static readonly TimeSpan DockerStopGrace = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Sigterm_under_load_with_a_collector_that_never_answers_exits_within_dockers_grace_and_reports_what_was_dropped()
    {
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        var held = new List<Socket>();
        using var stopAccepting = new CancellationTokenSource();
        var accepting = AcceptForeverAsync(blackHole, held, stopAccepting.Token);

        var logs = Directory.CreateTempSubdirectory("sigcerh-sigterm-");
        var port = FreePort.Next();
        var output = new StringBuilder();
        using var backend = StartBackend(port, ((IPEndPoint)blackHole.LocalEndpoint).Port, logs.FullName, output);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await WaitUntilAnsweringAsync(http, new Uri($"http://127.0.0.1:{port}/api/health/live"), backend, output);

            // Load: requests keep arriving (spans, request logs) while the exporters hang on the black hole.
            using var loadStop = new CancellationTokenSource();
            var load = Enumerable.Range(0, 4).Select(_ => LoadAsync(http, port, loadStop.Token)).ToArray();
            await Task.Delay(TimeSpan.FromSeconds(3));

            var sigterm = Stopwatch.StartNew();
            var kill = await ProcessRunner.RunAsync("kill", ["-TERM", backend.Id.ToString(CultureInfo.InvariantCulture)]);
            Assert.Equal(0, kill.ExitCode);
            using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                await backend.WaitForExitAsync(wait.Token);
            }

            sigterm.Stop();
            await loadStop.CancelAsync();
            var served = (await Task.WhenAll(load)).Sum();

            Assert.True(served > 0, "the load sent no request");
            Assert.True(sigterm.Elapsed < DockerStopGrace, $"the backend took {sigterm.Elapsed.TotalSeconds:F1} s after SIGTERM; Docker kills it at 10 s\n{Tail(output)}");
            Assert.Equal(0, backend.ExitCode);

            // One final line says what did not leave, in the file as on stdout; the file holds whole JSON lines only.
            var file = Assert.Single(Directory.GetFiles(logs.FullName, "*.json"));
            var lines = await File.ReadAllLinesAsync(file);
            var final = lines.Select(l => JsonDocument.Parse(l).RootElement)
                .Last(e => e.GetProperty("@mt").GetString()!.StartsWith("Telemetry shutdown took", StringComparison.Ordinal));
            Assert.True(final.GetProperty("SpansDropped").GetInt64() > 0, final.ToString());
            Assert.True(final.GetProperty("LogsDropped").GetInt64() > 0, final.ToString());
            Assert.True(final.GetProperty("ElapsedMs").GetDouble() <= final.GetProperty("BudgetMs").GetDouble() + 500, final.ToString());
            Assert.Contains("Telemetry shutdown took", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            if (!backend.HasExited)
            {
                backend.Kill(entireProcessTree: true);
            }

            await stopAccepting.CancelAsync();
            blackHole.Stop();
            await accepting;
            foreach (var s in held)
            {
                s.Dispose();
            }

            logs.Delete(recursive: true);
        }
    }

    private static Process StartBackend(int port, int collectorPort, string logDirectory, StringBuilder output)
    {
        var dll = typeof(BackendShutdownTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .First(a => a.Key == "BackendAssembly").Value!;
        Assert.True(File.Exists(dll), $"The backend sample was not built at {dll}.");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["ConnectionStrings__Sigcerh"] = string.Empty;
        psi.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{collectorPort}";
        psi.Environment["SigcerhTelemetry__Logging__Directory"] = logDirectory;

        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitUntilAnsweringAsync(HttpClient http, Uri url, Process backend, StringBuilder output)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            Assert.False(backend.HasExited, "the backend exited at startup:\n" + Tail(output));
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        Assert.Fail("the backend did not answer within 90 s:\n" + Tail(output));
    }

    private static async Task<int> LoadAsync(HttpClient http, int port, CancellationToken stop)
    {
        var served = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/api/solicitudes/{served + 1}"), stop);
                served++;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // The server is going away: the stop is under way.
                await Task.Delay(50, CancellationToken.None);
            }
        }

        return served;
    }

    private static async Task AcceptForeverAsync(TcpListener listener, List<Socket> held, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                held.Add(await listener.AcceptSocketAsync(stop));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Tail(StringBuilder output)
    {
        lock (output)
        {
            var text = output.ToString();
            return text.Length > 4000 ? text[^4000..] : text;
        }
    }
}
