using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sigcerh.Testing;

namespace Sigcerh.Samples.Tests;

/// <summary>
/// Headless Chromium (Debian's <c>chromium</c> package) driven over the DevTools protocol. The dashboard is a Blazor
/// Server app that renders over a WebSocket after load, which <c>--screenshot</c> with virtual time captures blank;
/// so the page is loaded in real time, the test waits until the expected text is on screen, then captures it.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    public const string Executable = "/usr/bin/chromium";

    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly StringBuilder _output = new();
    private int _nextId;

    private Chromium(Process process, DirectoryInfo profile)
    {
        _process = process;
        _profile = profile;
    }

    public string Output => _output.ToString();

    public static async Task<Chromium> StartAsync(int width = 1600, int height = 1000)
    {
        var profile = Directory.CreateTempSubdirectory("sigcerh-chromium-");
        var port = FreePort.Next();
        var psi = new ProcessStartInfo(Executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                     $"--user-data-dir={profile.FullName}", $"--window-size={width},{height}", $"--remote-debugging-port={port}",
                     "--remote-allow-origins=*", "about:blank"])
        {
            psi.ArgumentList.Add(a);
        }

        var chromium = new Chromium(Process.Start(psi)!, profile);
        chromium._process.OutputDataReceived += (_, e) => chromium.Log(e.Data);
        chromium._process.ErrorDataReceived += (_, e) => chromium.Log(e.Data);
        chromium._process.BeginOutputReadLine();
        chromium._process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var page = await AspireDashboard.WaitForAsync(async () =>
        {
            try
            {
                var targets = JsonNode.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/json/list")))!.AsArray();
                return targets.FirstOrDefault(t => (string?)t!["type"] == "page")?["webSocketDebuggerUrl"]?.GetValue<string>();
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, TimeSpan.FromSeconds(30), "Chromium's DevTools endpoint");
        await chromium._socket.ConnectAsync(new Uri(page), CancellationToken.None);
        await chromium.SendAsync("Page.enable");
        return chromium;
    }

    public Task NavigateAsync(Uri url) => SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() });

    /// <summary>The page's visible text.</summary>
    public async Task<string> TextAsync()
    {
        var r = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = "document.body ? document.body.innerText : ''", ["returnByValue"] = true });
        return r["result"]?["value"]?.GetValue<string>() ?? string.Empty;
    }

    /// <summary>Polls until every one of <paramref name="texts"/> is on the page.</summary>
    public async Task<string> WaitForTextAsync(TimeSpan timeout, params string[] texts)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var text = await TextAsync();
            if (texts.All(t => text.Contains(t, StringComparison.Ordinal)))
            {
                return text;
            }

            if (sw.Elapsed > timeout)
            {
                throw new TimeoutException($"The page never showed [{string.Join(", ", texts)}]; it showed:\n{text}");
            }

            await Task.Delay(500);
        }
    }

    public async Task ScreenshotAsync(string png)
    {
        var r = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" });
        await File.WriteAllBytesAsync(png, Convert.FromBase64String(r["data"]!.GetValue<string>()));
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<JsonNode> SendAsync(string method, JsonObject? parameters = null)
    {
        var id = ++_nextId;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cts.Token);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var ms = new MemoryStream();
            WebSocketReceiveResult r;
            do
            {
                r = await _socket.ReceiveAsync(buffer, cts.Token);
                ms.Write(buffer, 0, r.Count);
            }
            while (!r.EndOfMessage);

            var node = JsonNode.Parse(ms.ToArray())!;
            if ((int?)node["id"] == id)
            {
                return node["error"] is { } error
                    ? throw new InvalidOperationException($"{method}: {error.ToJsonString()}")
                    : node["result"]!;
            }
        }
    }

    private void Log(string? line)
    {
        if (line is not null && !line.Contains("dbus", StringComparison.Ordinal))
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
