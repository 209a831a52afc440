using System.Diagnostics;
using System.Net.Http;
using System.Text.Json;
using Sigcerh.Testing;
using YamlDotNet.RepresentationModel;

namespace Sigcerh.Stack.Tests;

/// <summary>Paths of the grafana-lgtm stack and of the Debian tools the tests run.</summary>
internal static class Stack
{
    public static string RepoRoot { get; } = Sigcerh.Testing.RepoPaths.Root;

    public static string Dir => Path.Combine(RepoRoot, "grafana-lgtm");

    public static string PrometheusDir => Path.Combine(Dir, "prometheus");

    public static string RulesDir => Path.Combine(PrometheusDir, "rules");

    public static string RuleTestsDir => Path.Combine(PrometheusDir, "tests");

    public static string AlertmanagerDir => Path.Combine(Dir, "alertmanager");

    public static string DashboardsDir => Path.Combine(Dir, "grafana", "dashboards");

    public static string[] RuleFiles => Directory.GetFiles(RulesDir, "*.yml").Order(StringComparer.Ordinal).ToArray();

    public static string[] RuleTestFiles => Directory.GetFiles(RuleTestsDir, "*.yml").Order(StringComparer.Ordinal).ToArray();

    /// <summary>A Debian tool from PATH or /usr/bin; fails the test with a clear message when missing.</summary>
    public static string Tool(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Append("/usr/bin").Append("/usr/sbin"))
        {
            var p = Path.Combine(dir, name);
            if (dir.Length > 0 && File.Exists(p))
            {
                return p;
            }
        }

        throw new InvalidOperationException(
            $"'{name}' not found: install Debian's prometheus, prometheus-alertmanager and shellcheck packages.");
    }

    public static YamlMappingNode LoadYaml(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static YamlNode? Get(this YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    public static YamlMappingNode Map(this YamlMappingNode map, string key) =>
        map.Get(key) as YamlMappingNode ?? throw new InvalidOperationException($"'{key}' is not a mapping");

    public static YamlSequenceNode Seq(this YamlMappingNode map, string key) =>
        map.Get(key) as YamlSequenceNode ?? throw new InvalidOperationException($"'{key}' is not a sequence");

    public static string? Str(this YamlMappingNode map, string key) => (map.Get(key) as YamlScalarNode)?.Value;

    /// <summary>Every alerting rule of every rule file (including other teams' files in rules/).</summary>
    public static IReadOnlyList<(string File, YamlMappingNode Rule)> AlertRules() =>
        RuleFiles.SelectMany(f => LoadYaml(f).Seq("groups").Cast<YamlMappingNode>()
                .SelectMany(g => g.Seq("rules").Cast<YamlMappingNode>())
                .Where(r => r.Str("alert") is not null)
                .Select(r => (Path.GetFileName(f), r)))
            .ToList();

    public static string NewTempDir(string prefix)
    {
        var d = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(d);
        return d;
    }

    public static async Task<ProcessRunner.Result> Run(string tool, IEnumerable<string> args, string? cwd = null,
        IDictionary<string, string?>? env = null) =>
        await ProcessRunner.RunAsync(Tool(tool), args, env, cwd ?? Dir, TimeSpan.FromMinutes(2));

}

/// <summary>A long-running Debian binary (prometheus, prometheus-alertmanager) killed on dispose.</summary>
internal sealed class BackgroundProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    public BackgroundProcess(string tool, IEnumerable<string> args, string cwd)
    {
        var psi = new ProcessStartInfo(Stack.Tool(tool))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = cwd,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

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

    public bool HasExited => _process.HasExited;

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

/// <summary>A real Prometheus 2.42 on a free loopback port with its own data directory.</summary>
internal sealed class PrometheusServer : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly BackgroundProcess _process;
    private readonly string _dir;

    private PrometheusServer(string dir, int port, BackgroundProcess process)
    {
        _dir = dir;
        Port = port;
        _process = process;
    }

    public int Port { get; }

    public Uri BaseUri => new($"http://127.0.0.1:{Port}");

    public string Output => _process.Output;

    public static async Task<PrometheusServer> StartAsync(string dir, string configPath, params string[] extraArgs)
    {
        var port = FreePort.Next();
        var args = new List<string>
        {
            "--config.file=" + configPath,
            "--storage.tsdb.path=" + Path.Combine(dir, "data"),
            "--web.listen-address=127.0.0.1:" + port,
            "--web.enable-remote-write-receiver",
            "--enable-feature=exemplar-storage",
        };
        args.AddRange(extraArgs);
        var p = new PrometheusServer(dir, port, new BackgroundProcess("prometheus", args, dir));
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var r = await Http.GetAsync(new Uri(p.BaseUri, "/-/ready"));
                if (r.IsSuccessStatusCode)
                {
                    return p;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (p._process.HasExited || sw.Elapsed > TimeSpan.FromSeconds(30))
            {
                var output = p.Output;
                p.Dispose();
                throw new InvalidOperationException("prometheus did not start: " + output);
            }

            await Task.Delay(200);
        }
    }

    /// <summary>GET /api/v1/query; returns the HTTP status and the JSON body.</summary>
    public async Task<(int Status, JsonElement Body)> QueryAsync(string expr)
    {
        using var r = await Http.GetAsync(new Uri(BaseUri, "/api/v1/query?query=" + Uri.EscapeDataString(expr)));
        var text = await r.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(text);
        return ((int)r.StatusCode, doc.RootElement.Clone());
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        var text = await Http.GetStringAsync(new Uri(BaseUri, path));
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    public void Dispose()
    {
        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
