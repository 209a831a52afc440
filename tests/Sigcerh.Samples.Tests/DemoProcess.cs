using System.Diagnostics;
using System.Reflection;
using System.Text;
using Sigcerh.Testing;

namespace Sigcerh.Samples.Tests;

/// <summary>The built demo, run as <c>dotnet Sigcerh.Demo.dll</c> on free ports, with its output captured.</summary>
internal sealed class DemoProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DemoProcess(Process process, int dashboardPort, int backendPort, int ocrPort)
    {
        _process = process;
        DashboardPort = dashboardPort;
        BackendPort = backendPort;
        OcrPort = ocrPort;
    }

    public int DashboardPort { get; }

    public int BackendPort { get; }

    public int OcrPort { get; }

    public Uri Dashboard => new($"http://127.0.0.1:{DashboardPort}");

    public Process Process => _process;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string RepoRoot => Metadata("RepoRoot");

    public static DemoProcess Start(params string[] extraArgs)
    {
        var dll = Metadata("DemoAssembly");
        Assert.True(File.Exists(dll), $"The demo was not built at {dll}.");
        int dashboard = FreePort.Next(), grpc = FreePort.Next(), http = FreePort.Next(), backend = FreePort.Next(), ocr = FreePort.Next();
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var a in (string[])[dll, "--dashboard-port", $"{dashboard}", "--otlp-grpc-port", $"{grpc}", "--otlp-http-port", $"{http}",
                     "--backend-port", $"{backend}", "--ocr-port", $"{ocr}", .. extraArgs])
        {
            psi.ArgumentList.Add(a);
        }

        var p = new Process { StartInfo = psi };
        var demo = new DemoProcess(p, dashboard, backend, ocr);
        p.OutputDataReceived += (_, e) => demo.Append(e.Data);
        p.ErrorDataReceived += (_, e) => demo.Append(e.Data);
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return demo;
    }

    /// <summary>Waits until the demo printed <paramref name="text"/>; fails early when it exits.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                Assert.Fail($"The demo exited ({_process.ExitCode}) before printing '{text}':\n{Output}");
            }

            Assert.True(sw.Elapsed < timeout, $"The demo did not print '{text}' within {timeout}:\n{Output}");
            await Task.Delay(250);
        }
    }

    /// <summary>A value printed after <paramref name="label"/> on one line.</summary>
    public string ValueAfter(string label)
    {
        var line = Output.Split('\n').FirstOrDefault(l => l.Contains(label, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"'{label}' not printed:\n{Output}");
        return line[(line.IndexOf(label, StringComparison.Ordinal) + label.Length)..].Trim();
    }

    /// <summary>Sends SIGINT, what Ctrl+C sends, and waits for the demo to exit by itself.</summary>
    public async Task<int> InterruptAsync(TimeSpan timeout)
    {
        var kill = await ProcessRunner.RunAsync("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.Equal(0, kill.ExitCode);
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        // After a failed assertion: ask the demo to clean up first (PostgreSQL runs detached, outside its process tree).
        if (!_process.HasExited)
        {
            try
            {
                await InterruptAsync(TimeSpan.FromSeconds(45));
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string Metadata(string key) =>
        typeof(DemoProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == key).Value!;

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
