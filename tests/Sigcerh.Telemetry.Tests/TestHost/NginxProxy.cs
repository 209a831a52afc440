using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sigcerh.Telemetry.Tests.TestHost;

/// <summary>
/// A real Debian nginx in front of an app, on loopback ports, configured from a temporary prefix folder: one server per
/// proxy style (a bare <c>proxy_pass</c>, one that sends only <c>X-Real-IP</c>, one that sends <c>X-Forwarded-For</c>).
/// Started in the foreground by the test and killed by its process id.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _prefix;

    private NginxProxy(Process process, string prefix, IReadOnlyDictionary<string, Uri> servers)
    {
        _process = process;
        _prefix = prefix;
        Servers = servers;
    }

    /// <summary>Proxy style ("bare", "real-ip", "forwarded-for") to the proxy's base address.</summary>
    public IReadOnlyDictionary<string, Uri> Servers { get; }

    public static string? Binary =>
        new[] { "/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx" }.FirstOrDefault(File.Exists);

    public static async Task<NginxProxy> StartAsync(Uri upstream)
    {
        var binary = Binary ?? throw new InvalidOperationException("nginx is not installed; run tests/install-deps.sh");
        var prefix = Path.Combine(Path.GetTempPath(), "sigcerh-nginx-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(prefix);
        var styles = new Dictionary<string, string>
        {
            ["bare"] = string.Empty,
            ["real-ip"] = "proxy_set_header X-Real-IP $remote_addr;",
            ["forwarded-for"] = "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        };
        var servers = new Dictionary<string, Uri>();
        var conf = new StringBuilder();
        // Workers run as nobody when the master is root; they need no file of ours, only the sockets.
        conf.Append(CultureInfo.InvariantCulture, $"pid {prefix}/nginx.pid;\nerror_log {prefix}/error.log warn;\n");
        conf.Append("worker_processes 1;\nevents { worker_connections 64; }\nhttp {\n  access_log off;\n");
        conf.Append(CultureInfo.InvariantCulture, $"  client_body_temp_path {prefix}/body;\n  proxy_temp_path {prefix}/proxy;\n");
        conf.Append(CultureInfo.InvariantCulture, $"  fastcgi_temp_path {prefix}/fastcgi;\n  uwsgi_temp_path {prefix}/uwsgi;\n  scgi_temp_path {prefix}/scgi;\n");
        foreach (var (style, directive) in styles)
        {
            var port = FreePort();
            servers[style] = new Uri($"http://127.0.0.1:{port}");
            conf.Append(CultureInfo.InvariantCulture, $"  server {{\n    listen 127.0.0.1:{port};\n    location / {{\n      proxy_pass {upstream.GetLeftPart(UriPartial.Authority)};\n      {directive}\n    }}\n  }}\n");
        }

        conf.Append("}\n");
        var confPath = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(confPath, conf.ToString());

        var start = new ProcessStartInfo(binary)
        {
            ArgumentList = { "-p", prefix, "-c", confPath, "-e", Path.Combine(prefix, "error.log"), "-g", "daemon off;" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start");
        var proxy = new NginxProxy(process, prefix, servers);
        await proxy.WaitUntilListeningAsync();
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_prefix, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private async Task WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var uri in Servers.Values)
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    var log = File.Exists(Path.Combine(_prefix, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(_prefix, "error.log")) : string.Empty;
                    throw new InvalidOperationException($"nginx exited with {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync()} {log}");
                }

                try
                {
                    using var c = new TcpClient();
                    await c.ConnectAsync(IPAddress.Loopback, uri.Port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50);
                }
            }
        }
    }
}
