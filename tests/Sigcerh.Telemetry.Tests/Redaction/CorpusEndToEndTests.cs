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

            ReceivedText = await dashboard.GetEverythingAsTextAsync();
            ReceivedStrings = PiiCorpus.StringsOf(await dashboard.GetLogsAsync()) + PiiCorpus.StringsOf(await dashboard.GetTracesAsync())
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
