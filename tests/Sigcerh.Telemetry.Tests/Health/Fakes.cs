using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Sigcerh.Telemetry.Health;

namespace Sigcerh.Telemetry.Tests.Health;

internal sealed class FakeDiskProbe(double usedPercent) : IDiskSpaceProbe
{
    public double UsedPercent { get; set; } = usedPercent;

    public DiskUsage Measure(string path)
    {
        const long total = 1_000_000_000;
        var used = (long)Math.Round(total * UsedPercent / 100);
        return new DiskUsage(used, total - used);
    }
}

internal sealed class FakeMemoryProbe(double usedPercent) : IMemoryProbe
{
    public double UsedPercent { get; set; } = usedPercent;

    public MemoryUsage Measure()
    {
        const long limit = 10_000_000_000;
        return new MemoryUsage((long)Math.Round(limit * UsedPercent / 100), limit, "cgroup");
    }
}

/// <summary>A TCP server that accepts connections, counts them, and never sends a byte back.</summary>
internal sealed class HangingListener : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private int _accepted;

    public HangingListener()
    {
        _listener.Start();
        _ = AcceptLoop();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"http://127.0.0.1:{Port}/health";

    public int Accepted => Volatile.Read(ref _accepted);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_held)
        {
            foreach (var c in _held)
            {
                c.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptLoop()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _accepted);
                lock (_held)
                {
                    _held.Add(client);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}

internal static class Json
{
    public static JsonElement Parse(string body) => JsonDocument.Parse(body).RootElement;

    public static JsonElement Check(JsonElement root, string name) =>
        root.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    public static string[] CheckNames(JsonElement root) =>
        [.. root.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];
}

/// <summary>A minimal HTTP server on a raw socket (not ASP.NET Core, whose spans a test's tracer would also see) that answers 200.</summary>
internal sealed class OkListener : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private int _requests;

    public OkListener()
    {
        _listener.Start();
        _ = AcceptLoop();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/health";

    public int Requests => Volatile.Read(ref _requests);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptLoop()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = Serve(client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    if (line.Length > 0)
                    {
                        continue;
                    }

                    Interlocked.Increment(ref _requests);
                    var bytes = System.Text.Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n{\"status\":\"Healthy\"}");
                    await stream.WriteAsync(bytes, _stop.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }
}
