using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Sigcerh.Testing;

/// <summary>
/// The standalone Aspire dashboard (NuGet package Aspire.Dashboard.Sdk.linux-x64) as a real OTLP receiver.
/// Its JSON API, <c>/api/telemetry/{resources,logs,traces}</c>, shows what arrived.
/// </summary>
public sealed class AspireDashboard : IAsyncDisposable
{
    /// <summary>The package version the repo pins.</summary>
    public const string Version = "13.6.5";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private Process? _process;

    private readonly string? _otlpApiKey;
    private readonly (string Certificate, string Key)? _tls;

    private AspireDashboard(int uiPort, int grpcPort, int httpPort, string? otlpApiKey = null, (string Certificate, string Key)? tls = null)
    {
        _otlpApiKey = otlpApiKey;
        _tls = tls;
        UiPort = uiPort;
        GrpcPort = grpcPort;
        HttpPort = httpPort;
    }

    /// <summary>The dashboard's web and API port.</summary>
    public int UiPort { get; }

    /// <summary>The OTLP/gRPC port.</summary>
    public int GrpcPort { get; }

    /// <summary>The OTLP/HTTP port.</summary>
    public int HttpPort { get; }

    /// <summary>The web UI and API base address.</summary>
    public Uri UiEndpoint => new($"http://127.0.0.1:{UiPort}");

    /// <summary>The OTLP/gRPC endpoint.</summary>
    public Uri OtlpGrpcEndpoint => new($"{(_tls is null ? "http" : "https")}://127.0.0.1:{GrpcPort}");

    /// <summary>The OTLP/HTTP base endpoint (signal paths are appended by the exporter).</summary>
    public Uri OtlpHttpEndpoint => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>Everything the dashboard printed, for assertion messages.</summary>
    public string Output { get; private set; } = string.Empty;

    /// <summary>The dashboard executable from the restored package.</summary>
    public static string ExecutablePath
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? typeof(AspireDashboard).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                    .FirstOrDefault(a => a.Key == "NuGetPackageRoot")?.Value
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            return Path.Combine(root, "aspire.dashboard.sdk.linux-x64", Version, "tools", "Aspire.Dashboard");
        }
    }

    /// <summary>The header the dashboard checks when it requires an OTLP API key.</summary>
    public const string ApiKeyHeader = "x-otlp-api-key";

    /// <summary>Starts a dashboard on three free loopback ports; with <paramref name="otlpApiKey"/>, OTLP calls must send it in <see cref="ApiKeyHeader"/>.</summary>
    /// <param name="otlpApiKey">The API key OTLP calls must send, or null for none.</param>
    /// <param name="tls">PEM certificate and key files: the OTLP/gRPC endpoint then serves HTTPS with them.</param>
    public static async Task<AspireDashboard> StartNewAsync(string? otlpApiKey = null, (string Certificate, string Key)? tls = null)
    {
        var d = new AspireDashboard(FreePort.Next(), FreePort.Next(), FreePort.Next(), otlpApiKey, tls);
        await d.StartAsync();
        return d;
    }

    /// <summary>Starts (or restarts) the dashboard on the same ports; all stored telemetry starts empty.</summary>
    public async Task StartAsync()
    {
        var exe = ExecutablePath;
        if (!File.Exists(exe))
        {
            throw new InvalidOperationException($"Aspire dashboard not found at {exe}: restore tests/Sigcerh.Testing first.");
        }

        var psi = new ProcessStartInfo(exe)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(exe)!,
        };
        psi.Environment["ASPNETCORE_URLS"] = UiEndpoint.ToString();
        psi.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = OtlpGrpcEndpoint.ToString();
        psi.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = OtlpHttpEndpoint.ToString();
        if (_tls is { } tls)
        {
            psi.Environment["Kestrel__Certificates__Default__Path"] = tls.Certificate;
            psi.Environment["Kestrel__Certificates__Default__KeyPath"] = tls.Key;
        }

        if (_otlpApiKey is null)
        {
            psi.Environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
        }
        else
        {
            psi.Environment["Dashboard__Frontend__AuthMode"] = "Unsecured";
            psi.Environment["Dashboard__Api__AuthMode"] = "Unsecured";
            psi.Environment["Dashboard__Otlp__AuthMode"] = "ApiKey";
            psi.Environment["Dashboard__Otlp__PrimaryApiKey"] = _otlpApiKey;
        }
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) { Output += e.Data + "\n"; } };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Output += e.Data + "\n"; } };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _process = p;

        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var r = await Http.GetAsync(new Uri(UiEndpoint, "/api/telemetry/resources"));
                if (r.IsSuccessStatusCode && Output.Contains("OTLP/HTTP listening", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (p.HasExited || sw.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException("Aspire dashboard did not start: " + Output);
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Stops the dashboard, as a collector outage would.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>GET /api/telemetry/resources.</summary>
    public Task<JsonElement> GetResourcesAsync() => GetJsonAsync("/api/telemetry/resources");

    /// <summary>GET /api/telemetry/logs (OTLP-shaped, under data.resourceLogs).</summary>
    public Task<JsonElement> GetLogsAsync() => GetJsonAsync("/api/telemetry/logs");

    /// <summary>GET /api/telemetry/logs with a limit: the dashboard returns 200 records unless told otherwise.</summary>
    public Task<JsonElement> GetLogsAsync(int limit) => GetJsonAsync("/api/telemetry/logs?limit=" + limit.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>GET /api/telemetry/traces (OTLP-shaped, under data.resourceSpans).</summary>
    public Task<JsonElement> GetTracesAsync() => GetJsonAsync("/api/telemetry/traces");

    /// <summary>Everything that arrived, as raw JSON text, for leak scans.</summary>
    public async Task<string> GetEverythingAsTextAsync()
    {
        var parts = new List<string>();
        foreach (var path in new[] { "/api/telemetry/resources", "/api/telemetry/logs", "/api/telemetry/traces" })
        {
            parts.Add(await Http.GetStringAsync(new Uri(UiEndpoint, path)));
        }

        return string.Join('\n', parts);
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value or the timeout passes.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
        where T : class
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var v = await probe();
            if (v is not null)
            {
                return v;
            }

            if (sw.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}.");
            }

            await Task.Delay(250);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        var text = await Http.GetStringAsync(new Uri(UiEndpoint, path));
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }
}
