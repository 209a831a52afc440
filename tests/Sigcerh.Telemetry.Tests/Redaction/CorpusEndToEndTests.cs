using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using Sigcerh.Telemetry.Tests.TestHost;
using Sigcerh.Testing;

namespace Sigcerh.Telemetry.Tests.Redaction;

/// <summary>
/// Runs the shared corpus through a real app once: every line logged as interpolated text, as a property, inside a
/// nested structure, as an exception message, and as span tags and events; plus requests whose path and query hold
/// personal data. Then checks three places: the JSON log file, the real OTLP receiver, and the exported spans.
/// </summary>
public sealed class CorpusEndToEndTests(CorpusEndToEndTests.Run run) : IClassFixture<CorpusEndToEndTests.Run>
{
    private const string Done = "corpus-complete";

    [Fact]
    public void The_JSON_log_file_holds_no_secret_and_every_negative_line_unchanged()
    {
        Assert.Empty(PiiCorpus.LeaksIn(run.FileText));
        Assert.Empty(PiiCorpus.LeaksIn(run.FileStrings));
        foreach (var line in PiiCorpus.Negative)
        {
            Assert.True(run.FileLines.Contains(line), "negative line changed or missing in the file: " + line);
        }

        // The request log's path was there and masked, so the check above did look at it.
        Assert.Contains("/consulta/***456", run.FileStrings, StringComparison.Ordinal);
        Assert.Contains(Done, run.FileStrings, StringComparison.Ordinal);

        // Redacted exceptions still start with their real type, and the Uri property was masked, not dropped.
        Assert.Contains("System.InvalidOperationException: ", run.FileStrings, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(Sigcerh.Telemetry.Redaction.RedactedException), run.FileText, StringComparison.Ordinal);
        Assert.Contains("https://certificados.ugel.gob.pe/consulta/***912?correo=***com", run.FileStrings, StringComparison.Ordinal);
    }

    [Fact]
    public void Logged_exceptions_and_span_exception_events_arrive_with_their_real_type_and_redacted_text()
    {
        Assert.True(run.ReceivedLogs.Count > 500, $"{run.ReceivedLogs.Count} log records read back");
        var withException = run.ReceivedLogs.Where(r => r.Attributes.ContainsKey("exception.message")).ToList();
        Assert.True(withException.Count >= PiiCorpus.Positive.Count, $"{withException.Count} log records with an exception");
        Assert.All(withException, r => Assert.Equal(nameof(InvalidOperationException), r.Attributes["exception.type"]));
        Assert.All(withException, r => Assert.StartsWith("System.InvalidOperationException: ", r.Attributes["exception.stacktrace"], StringComparison.Ordinal));
        Assert.Empty(PiiCorpus.LeaksIn(string.Join('\n', withException.SelectMany(r => r.Attributes.Values))));
        Assert.DoesNotContain(nameof(Sigcerh.Telemetry.Redaction.RedactedException), run.ReceivedStrings, StringComparison.Ordinal);

        var events = run.ReceivedExceptionEvents;
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.Equal(typeof(InvalidOperationException).FullName, e["exception.type"]));
        Assert.Contains(events, e => e["exception.message"] == "Excepción para el DNI ***678");
    }

    [Fact]
    public void What_arrives_at_the_OTLP_receiver_holds_no_secret_and_every_negative_line_unchanged()
    {
        Assert.Empty(PiiCorpus.LeaksIn(run.ReceivedText));
        Assert.Empty(PiiCorpus.LeaksIn(run.ReceivedStrings));
        foreach (var line in PiiCorpus.Negative)
        {
            Assert.True(run.ReceivedStrings.Contains(line + "\n", StringComparison.Ordinal), "negative line changed or missing at the receiver: " + line);
        }

        Assert.Contains("***912", run.ReceivedStrings, StringComparison.Ordinal);
        Assert.Contains("https://certificados.ugel.gob.pe/consulta/***912?correo=***com", run.ReceivedStrings, StringComparison.Ordinal);
    }

    [Fact]
    public void Exported_span_attributes_and_events_hold_no_secret_and_negative_tags_unchanged()
    {
        var server = Assert.Single(run.Spans, s => s.GetTagItem("http.route") as string == "/api/solicitudes/{dni}");
        var text = string.Join('\n', run.Spans.SelectMany(s => s.TagObjects.Select(t => $"{t.Key}={t.Value}")
            .Concat(s.Events.SelectMany(e => e.Tags.Select(t => $"{t.Key}={t.Value}").Append(e.Name)))
            .Append(s.DisplayName).Append(s.StatusDescription ?? string.Empty)));
        Assert.Empty(PiiCorpus.LeaksIn(text));
        for (var i = 0; i < PiiCorpus.Negative.Count; i++)
        {
            Assert.Equal(PiiCorpus.Negative[i], server.GetTagItem($"sigcerh.corpus.negative.{i}"));
        }

        Assert.Equal("/api/solicitudes/***912", server.GetTagItem("url.path"));
        Assert.Contains(run.Spans, s => s.GetTagItem("url.path") as string == "/consulta/***456");
        Assert.Contains(server.Events, e => e.Name == "exception");
    }

    /// <summary>Starts the dashboard and the app once for the three checks.</summary>
    public sealed class Run : IAsyncLifetime
    {
        public string FileText { get; private set; } = string.Empty;

        public string FileStrings { get; private set; } = string.Empty;

        public HashSet<string> FileLines { get; } = new(StringComparer.Ordinal);

        public string ReceivedText { get; private set; } = string.Empty;

        public string ReceivedStrings { get; private set; } = string.Empty;

        public List<Activity> Spans { get; } = [];

        public IReadOnlyList<OtlpJson.LogRecord> ReceivedLogs { get; private set; } = [];

        public List<Dictionary<string, string>> ReceivedExceptionEvents { get; } = [];

        public async Task InitializeAsync()
        {
            await using var dashboard = await AspireDashboard.StartNewAsync();
            var app = await TestApp.StartAsync(
                new Dictionary<string, string?>
                {
                    ["SigcerhTelemetry:ServiceName"] = "sigcerh-redaction-corpus",
                    ["SigcerhTelemetry:Logging:Console"] = "false",
                    ["SigcerhTelemetry:Otlp:Endpoint"] = dashboard.OtlpGrpcEndpoint.ToString(),
                    ["SigcerhTelemetry:Otlp:ExportDelayMilliseconds"] = "200",
                    ["SigcerhTelemetry:Metrics:ExportIntervalSeconds"] = "1",
                },
                b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(Spans)),
                a => a.MapGet("/api/solicitudes/{dni}", (string dni, ILoggerFactory lf) => WriteCorpus(lf.CreateLogger("Sigcerh.Corpus"))));
            try
            {
                using (var r = await app.Client.GetAsync(new Uri("/api/solicitudes/45678912?dni=45678912&email=maria.quispe%40gmail.com&celular=%2B51987654321", UriKind.Relative)))
                {
                    r.EnsureSuccessStatusCode();
                }

                using (await app.Client.GetAsync(new Uri("/consulta/70123456?correo=rosa.huaman@ugel.gob.pe", UriKind.Relative)))
                {
                }

                await AspireDashboard.WaitForAsync(
                    async () => (await dashboard.GetLogsAsync()).GetRawText().Contains(Done, StringComparison.Ordinal) ? "ok" : null,
                    TimeSpan.FromSeconds(30),
                    "the corpus logs at the receiver");
                await AspireDashboard.WaitForAsync(
                    async () => (await dashboard.GetTracesAsync()).GetRawText().Contains("sigcerh.corpus.negative.0", StringComparison.Ordinal) ? "ok" : null,
                    TimeSpan.FromSeconds(30),
                    "the corpus span at the receiver");
            }
            finally
            {
                await app.StopAsync();
            }

            // Every record: the dashboard returns only 200 logs unless asked for more.
            var logs = await dashboard.GetLogsAsync(limit: 100_000);
            ReceivedText = await dashboard.GetEverythingAsTextAsync() + "\n" + logs.GetRawText();
            ReceivedLogs = OtlpJson.Logs(logs);
            CollectExceptionEvents(await dashboard.GetTracesAsync());
            ReceivedStrings = PiiCorpus.StringsOf(logs) + PiiCorpus.StringsOf(await dashboard.GetTracesAsync())
                + PiiCorpus.StringsOf(await dashboard.GetResourcesAsync());

            FileText = string.Join('\n', Directory.GetFiles(app.LogDirectory, "*.json").Select(File.ReadAllText));
            var strings = new System.Text.StringBuilder();
            foreach (var e in LogFiles.ReadEvents(app.LogDirectory))
            {
                strings.Append(PiiCorpus.StringsOf(e));
                if (LogFiles.Prop(e, "Line") is { } line)
                {
                    FileLines.Add(line);
                }
            }

            FileStrings = strings.ToString();
            Directory.Delete(app.ContentRoot, recursive: true);
        }

        public Task DisposeAsync() => Task.CompletedTask;

        // Span events named "exception" anywhere in the OTLP JSON, as attribute key to string value.
        private void CollectExceptionEvents(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    CollectExceptionEvents(item);
                }

                return;
            }

            if (e.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            if (e.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() == "exception"
                && e.TryGetProperty("attributes", out var attributes) && !e.TryGetProperty("spanId", out _))
            {
                ReceivedExceptionEvents.Add(attributes.EnumerateArray().ToDictionary(
                    a => a.GetProperty("key").GetString()!,
                    a => a.GetProperty("value").TryGetProperty("stringValue", out var v) ? v.GetString() ?? string.Empty : string.Empty));
            }

            foreach (var p in e.EnumerateObject())
            {
                CollectExceptionEvents(p.Value);
            }
        }

        private static IResult WriteCorpus(ILogger logger)
        {
            var activity = Activity.Current;
            for (var i = 0; i < PiiCorpus.Positive.Count; i++)
            {
                var line = PiiCorpus.Positive[i].Text;
                Write(logger, line);
                logger.LogError(new InvalidOperationException(line), "Falló el paso {Paso}", i);
                activity?.SetTag($"sigcerh.corpus.positive.{i}", line);
                activity?.AddEvent(new ActivityEvent(line, tags: new ActivityTagsCollection { ["linea"] = line }));
            }

            for (var i = 0; i < PiiCorpus.Negative.Count; i++)
            {
                var line = PiiCorpus.Negative[i];
                Write(logger, line);
                activity?.SetTag($"sigcerh.corpus.negative.{i}", line);
            }

            activity?.AddException(new InvalidOperationException("Excepción para el DNI 72345678"));

            // Not strings: the exporters write their text, so that is what is redacted.
            var uri = new Uri("https://certificados.ugel.gob.pe/consulta/45678912?correo=maria.quispe@gmail.com");
            logger.LogInformation("Enlace {Enlace}", uri);
            activity?.SetTag("sigcerh.corpus.uri", uri);
            activity?.SetTag("sigcerh.corpus.dnis", new[] { 45678912L, 70123456L });
            activity?.SetTag("sigcerh.corpus.lista", new List<string> { "rosa.huaman@ugel.gob.pe" });
            logger.LogInformation("{Marker}", Done);
            return Results.Ok();
        }

        private static void Write(ILogger logger, string line)
        {
#pragma warning disable CA2254, CA1848 // The point is to log the text as a template, as string interpolation does.
            logger.LogInformation(line.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
            logger.LogInformation("Línea del corpus: {Line}", line);
            logger.LogInformation("Detalle {@Detalle}", new { Texto = line, Lista = new[] { line }, Mapa = new Dictionary<string, string> { ["texto"] = line } });
#pragma warning restore CA2254, CA1848
        }
    }
}
