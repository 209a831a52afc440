using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Sigcerh.Demo;

/// <summary>Starts the dashboard, PostgreSQL (when installed), both samples and the traffic; removes all of it at the end.</summary>
internal sealed class DemoRunner(DemoOptions options) : IAsyncDisposable
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sigcerh-demo-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly List<ChildProcess> _children = [];
    private PostgresServer? _postgres;

    private string LogDirectory => Path.Combine(_root, "logs");

    private Uri Dashboard => Local(options.DashboardPort);

    private Uri Backend => Local(options.BackendPort);

    private Uri Ocr => Local(options.OcrPort);

    public async Task<int> RunAsync(CancellationToken stop)
    {
        try
        {
            return await StartAndWaitAsync(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Console.WriteLine("Stopped during startup.");
            return 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException or HttpRequestException)
        {
            Console.Error.WriteLine($"The demo could not start: {ex.Message}");
            return 1;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Console.WriteLine("Stopping: services, dashboard, PostgreSQL, temporary files...");

        // Services first, so nothing is left writing to the database or the log folder.
        for (var i = _children.Count - 1; i >= 0; i--)
        {
            _children[i].Dispose();
        }

        if (_postgres is not null)
        {
            await _postgres.StopAsync();
        }

        try
        {
            if (options.KeepLogs && Directory.Exists(LogDirectory))
            {
                var kept = Path.Combine(Path.GetTempPath(), "sigcerh-demo-logs-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
                Directory.Move(LogDirectory, kept);
                Console.WriteLine($"Logs kept in {kept}");
            }

            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not remove {_root}: {ex.Message}");
        }

        Console.WriteLine("Everything the demo started is stopped.");
    }

    private async Task<int> StartAndWaitAsync(CancellationToken stop)
    {
        EnsurePortsFree();
        Directory.CreateDirectory(LogDirectory);
        Console.WriteLine($"SIGCERH telemetry demo — working folder {_root}");

        var dashboardExe = SamplePaths.DashboardExecutable();
        if (!File.Exists(dashboardExe))
        {
            throw new InvalidOperationException($"The Aspire dashboard is not at {dashboardExe}; run 'dotnet restore samples/Sigcerh.Demo' first.");
        }

        Console.WriteLine("Starting the Aspire dashboard (OTLP viewer)...");
        _children.Add(ChildProcess.Start("dashboard", dashboardExe, [], new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = Dashboard.ToString(),
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = Local(options.OtlpGrpcPort).ToString(),
            ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = Local(options.OtlpHttpPort).ToString(),
            ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        }, Path.GetDirectoryName(dashboardExe)!, Path.Combine(_root, "dashboard.out")));
        await WaitForHttpAsync("dashboard", new Uri(Dashboard, "/api/telemetry/resources"), stop);

        var connectionString = await StartPostgresAsync(stop);

        Console.WriteLine("Starting sigcerh-ocr...");
        _children.Add(StartSample("Sigcerh.Ocr", options.OcrPort, new Dictionary<string, string>
        {
            ["Ai__BaseUrl"] = Ocr.ToString(),
            ["Ai__TimeoutSeconds"] = "2",
            ["Ocr__TimeScale"] = "0.1",
            ["AiStub__SlowSeconds"] = "40",
        }));
        await WaitForHttpAsync("sigcerh-ocr", new Uri(Ocr, "/health"), stop);

        Console.WriteLine("Starting sigcerh-backend...");
        _children.Add(StartSample("Sigcerh.Backend", options.BackendPort, new Dictionary<string, string>
        {
            ["ConnectionStrings__Sigcerh"] = connectionString ?? string.Empty,
            ["Ocr__BaseUrl"] = Ocr.ToString(),
            ["SigcerhTelemetry__Health__HttpDependencies__0__Url"] = new Uri(Ocr, "/health").ToString(),

            // The demo runs with no proxy in front, so a local caller is really local: show it the health details.
            ["SigcerhTelemetry__Health__TrustLoopback"] = "true",
        }));
        await WaitForHttpAsync("sigcerh-backend", new Uri(Backend, "/api/health"), stop);

        PrintUrls(connectionString is not null);
        if (options.Browser)
        {
            OpenBrowser(Dashboard);
        }

        var traffic = new TrafficGenerator(Backend);
        var trafficTask = options.Traffic ? traffic.RunAsync(workers: 2, stop) : Task.CompletedTask;
        Console.WriteLine(options.DurationSeconds is { } d
            ? $"Running for {d} s (Ctrl+C stops earlier)."
            : "Running. Press Ctrl+C to stop everything.");

        var exitCode = 0;
        while (!stop.IsCancellationRequested)
        {
            // Ctrl+C in a terminal also reaches the children; only an exit before it is a failure.
            if (!stop.IsCancellationRequested && _children.FirstOrDefault(c => c.HasExited) is { } dead)
            {
                Console.Error.WriteLine($"{dead.Name} exited unexpectedly; see {_root}. Stopping.");
                exitCode = 1;
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await trafficTask.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (options.Traffic)
        {
            Console.WriteLine($"Traffic: {traffic.Summary}.");
        }

        return exitCode;
    }

    private async Task<string?> StartPostgresAsync(CancellationToken stop)
    {
        if (!options.Postgres)
        {
            Console.WriteLine("PostgreSQL skipped (--no-postgres): the backend uses its IN-MEMORY store.");
            return null;
        }

        if (PostgresServer.FindBinaries() is not { } bin)
        {
            Console.WriteLine("PostgreSQL server binaries not found (initdb/pg_ctl): the backend uses its IN-MEMORY store,");
            Console.WriteLine("and its health reports the PostgreSQL check as not configured. Install 'postgresql' to use a real database.");
            return null;
        }

        Console.WriteLine($"Starting a throwaway PostgreSQL cluster ({bin})...");
        try
        {
            _postgres = await PostgresServer.StartAsync(bin, Path.Combine(_root, "pg"), FreePort());
            stop.ThrowIfCancellationRequested();
            return _postgres.ConnectionString;
        }
        catch (InvalidOperationException ex)
        {
            Console.WriteLine($"PostgreSQL could not start ({ex.Message.Split('\n')[0]}): the backend uses its IN-MEMORY store.");
            return null;
        }
    }

    private ChildProcess StartSample(string name, int port, Dictionary<string, string> environment)
    {
        var dll = SamplePaths.Sample(name);
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing; build samples/Sigcerh.Demo first.");
        }

        var service = name.Replace("Sigcerh.", "sigcerh-", StringComparison.Ordinal).ToLowerInvariant();
        environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["SigcerhTelemetry__Otlp__Endpoint"] = Local(options.OtlpGrpcPort).ToString();
        environment["SigcerhTelemetry__Otlp__ExportDelayMilliseconds"] = "500";
        environment["SigcerhTelemetry__Metrics__ExportIntervalSeconds"] = "5";
        environment["SigcerhTelemetry__Logging__Directory"] = Path.Combine(LogDirectory, service);

        // --urls wins over the sample's appsettings.json.
        return ChildProcess.Start(service, SamplePaths.DotnetHost(), [dll, "--urls", Local(port).ToString().TrimEnd('/')],
            environment, Path.GetDirectoryName(dll)!, Path.Combine(_root, service + ".out"));
    }

    private async Task WaitForHttpAsync(string name, Uri url, CancellationToken stop)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            stop.ThrowIfCancellationRequested();
            try
            {
                // Any answer means it listens; a 503 from a health check is still "up" for the demo.
                using var response = await Probe.GetAsync(url, stop);
                Console.WriteLine($"  {name} is up ({sw.Elapsed.TotalSeconds:0.0} s).");
                return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!stop.IsCancellationRequested)
            {
            }

            if (_children.FirstOrDefault(c => c.HasExited) is { } dead)
            {
                var outFile = Path.Combine(_root, dead.Name + ".out");
                var tail = File.Exists(outFile) ? string.Join('\n', File.ReadLines(outFile).TakeLast(20)) : string.Empty;
                throw new InvalidOperationException($"{dead.Name} exited during startup:\n{tail}");
            }

            if (sw.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new TimeoutException($"{name} did not answer at {url} within 90 s.");
            }

            await Task.Delay(250, stop);
        }
    }

    private void PrintUrls(bool postgres)
    {
        Console.WriteLine();
        Console.WriteLine("================ SIGCERH demo ready ================");
        Console.WriteLine($"  Dashboard (traces, logs, metrics): {Dashboard}");
        Console.WriteLine($"  Traces:                            {new Uri(Dashboard, "/traces")}");
        Console.WriteLine($"  Backend health:                    {new Uri(Backend, "/api/health")}");
        Console.WriteLine($"  OCR health:                        {new Uri(Ocr, "/health")}");
        Console.WriteLine($"  Backend API:                       {new Uri(Backend, "/api/solicitudes")}");
        Console.WriteLine($"  Log folder (JSON, one per service): {LogDirectory}");
        Console.WriteLine($"  Database:                          {(postgres ? $"PostgreSQL on 127.0.0.1:{_postgres!.Port} (throwaway)" : "IN-MEMORY store (no PostgreSQL)")}");
        Console.WriteLine("=====================================================");
        Console.WriteLine();
    }

    private void EnsurePortsFree()
    {
        foreach (var (what, port, flag) in new[]
        {
            ("dashboard", options.DashboardPort, "--dashboard-port"), ("OTLP/gRPC", options.OtlpGrpcPort, "--otlp-grpc-port"),
            ("OTLP/HTTP", options.OtlpHttpPort, "--otlp-http-port"), ("backend", options.BackendPort, "--backend-port"),
            ("OCR", options.OcrPort, "--ocr-port"),
        })
        {
            try
            {
                using var l = new TcpListener(IPAddress.Loopback, port);
                l.Start();
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"Port {port} ({what}) is in use; choose another with {flag} <port>.");
            }
        }
    }

    private static void OpenBrowser(Uri url)
    {
        var opener = OperatingSystem.IsWindows() ? "explorer" : OperatingSystem.IsMacOS() ? "open" : "xdg-open";
        try
        {
            using var p = Process.Start(new ProcessStartInfo(opener, url.ToString()) { UseShellExecute = false });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.WriteLine($"Could not open a browser; open {url} yourself.");
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static Uri Local(int port) => new($"http://127.0.0.1:{port}/");
}
