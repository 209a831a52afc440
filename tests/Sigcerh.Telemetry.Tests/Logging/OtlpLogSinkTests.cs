using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using Serilog.Events;
using Serilog.Parsing;
using Sigcerh.Telemetry.Export;
using Sigcerh.Telemetry.Logging;
using Sigcerh.Telemetry.Resources;
using Sigcerh.Testing;

namespace Sigcerh.Telemetry.Tests.Logging;

/// <summary>What a Serilog event looks like once the OTLP log sink has sent it to a real receiver.</summary>
public sealed class OtlpLogSinkTests
{
    private const string OrderTemplate = "Order {OrderId} for {Customer} is late: {@Order}";

    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task An_event_arrives_with_its_rendered_message_template_properties_severity_scope_time_and_own_trace_context(string protocol)
    {
        await using var dashboard = await AspireDashboard.StartNewAsync();
        var service = "sigcerh-otlplog-" + protocol.Replace('/', '-');
        using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var drops = new TelemetryDropCounter(metrics.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), TimeProvider.System);
        var sink = Sink(protocol == "grpc" ? dashboard.OtlpGrpcEndpoint : dashboard.OtlpHttpEndpoint, protocol, service, drops, TimeSpan.FromSeconds(10));
        await using (sink)
        {
            // The event carries its own trace and time; the thread that writes it is inside another activity.
            var traceId = ActivityTraceId.CreateRandom();
            var spanId = ActivitySpanId.CreateRandom();
            var timestamp = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 123, TimeSpan.FromHours(-5));
            var order = new StructureValue(
                [new LogEventProperty("Id", new ScalarValue(7)), new LogEventProperty("Items", new SequenceValue([new ScalarValue("a"), new ScalarValue("b")]))],
                "Order");
            var late = new LogEvent(
                timestamp,
                LogEventLevel.Warning,
                null,
                new MessageTemplateParser().Parse(OrderTemplate),
                [
                    new LogEventProperty("OrderId", new ScalarValue(42)),
                    new LogEventProperty("Customer", new ScalarValue("Ana")),
                    new LogEventProperty("Order", order),
                    new LogEventProperty("SourceContext", new ScalarValue("Sigcerh.Tests.Orders")),
                ],
                traceId,
                spanId);
            using (var ambient = new Activity("ambient").Start())
            {
                Assert.NotEqual(traceId, ambient.TraceId);
                sink.Emit(late);
            }

            var logger = new Serilog.LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger();
            logger.Error(new InvalidOperationException("boom"), "Failed to {Action}", "save");
            logger.Fatal("Fatal marker");
            logger.Verbose("Verbose marker");

            // Health checks run with instrumentation suppressed; what they log must still leave.
            using (SuppressInstrumentationScope.Begin())
            {
                logger.Information("Written while suppressed {N}", 1);
            }

            var records = await AspireDashboard.WaitForAsync(
                async () =>
                {
                    var all = Records(await dashboard.GetLogsAsync(), service);
                    return all.Count >= 5 ? all : null;
                },
                TimeSpan.FromSeconds(30),
                "five log records");

            var record = Assert.Single(records, r => r.Body.StartsWith("Order ", StringComparison.Ordinal));

            // Strings unquoted and structures as JSON, as the body always looked.
            Assert.Equal("Order 42 for Ana is late: {\"Id\":7,\"Items\":[\"a\",\"b\"],\"$type\":\"Order\"}", record.Body);
            Assert.Equal(OrderTemplate, record.Attributes["message_template.text"]);
            Assert.Equal("42", record.Attributes["OrderId"]);
            Assert.Equal("Ana", record.Attributes["Customer"]);
            using (var structured = JsonDocument.Parse(record.Attributes["Order"]))
            {
                Assert.Equal(7, structured.RootElement.GetProperty("Id").GetInt32());
                Assert.Equal(new[] { "a", "b" }, structured.RootElement.GetProperty("Items").EnumerateArray().Select(i => i.GetString()!));
            }

            Assert.DoesNotContain("{OriginalFormat}", record.Attributes.Keys);
            Assert.DoesNotContain("SourceContext", record.Attributes.Keys);
            Assert.Equal("Sigcerh.Tests.Orders", record.Scope);
            Assert.Equal(traceId.ToHexString(), record.TraceId);
            Assert.Equal(spanId.ToHexString(), record.SpanId);
            Assert.Equal("Warning", record.SeverityText);
            Assert.Equal(13, record.SeverityNumber);
            Assert.Equal((timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100, record.TimeUnixNano);

            var failed = Assert.Single(records, r => r.Body == "Failed to save");
            Assert.Equal("Error", failed.SeverityText);
            Assert.Equal("boom", failed.Attributes["exception.message"]);
            Assert.Contains("InvalidOperationException", failed.Attributes["exception.type"], StringComparison.Ordinal);
            Assert.Equal(string.Empty, failed.TraceId);

            // Serilog's Fatal and Verbose keep the OpenTelemetry severity numbers they always had.
            Assert.Equal(21, Assert.Single(records, r => r.Body == "Fatal marker").SeverityNumber);
            Assert.Equal(1, Assert.Single(records, r => r.Body == "Verbose marker").SeverityNumber);
            Assert.Single(records, r => r.Body == "Written while suppressed 1");

            Assert.Equal(5, sink.Exported);
            Assert.Equal(0, sink.Pending);
            Assert.Equal(0, drops.Dropped(TelemetrySignal.Logs));
        }
    }

    [Fact]
    public async Task Disposing_while_the_collector_hangs_returns_within_the_shutdown_bound_and_counts_the_batch_in_flight()
    {
        // A collector that accepts connections and never answers; the export timeout is far beyond the bound.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var held = new System.Collections.Concurrent.ConcurrentQueue<TcpClient>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    held.Enqueue(await listener.AcceptTcpClientAsync(stop.Token));
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        try
        {
            using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
            var drops = new TelemetryDropCounter(metrics.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), TimeProvider.System);
            var endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
            var sink = Sink(endpoint, "http/protobuf", "sigcerh-otlplog-hang", drops, TimeSpan.FromSeconds(120));
            new Serilog.LoggerConfiguration().WriteTo.Sink(sink).CreateLogger().Information("Stuck {N}", 1);
            await AspireDashboard.WaitForAsync(() => Task.FromResult(!held.IsEmpty ? "connected" : null), TimeSpan.FromSeconds(20), "the export call");
            Assert.Equal(1, sink.Pending);

            var sw = Stopwatch.StartNew();
            await sink.DisposeAsync();
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"Dispose took {sw.Elapsed}.");

            await AspireDashboard.WaitForAsync(
                () => Task.FromResult(drops.Dropped(TelemetrySignal.Logs) > 0 ? "dropped" : null),
                TimeSpan.FromSeconds(20),
                "the cancelled batch to be counted");
            Assert.Equal(1, drops.Dropped(TelemetrySignal.Logs));
            Assert.Equal(0, sink.Exported);
        }
        finally
        {
            await stop.CancelAsync();
            await accepting;
            foreach (var client in held)
            {
                client.Dispose();
            }
        }
    }

    private static OtlpLogSink Sink(Uri endpoint, string protocol, string service, TelemetryDropCounter drops, TimeSpan timeout)
    {
        var options = Options.Create(new SigcerhTelemetryOptions { ServiceName = service });
        options.Value.Otlp.Endpoint = endpoint.ToString();
        options.Value.Otlp.Protocol = protocol == "http/protobuf" ? SigcerhOtlpProtocol.HttpProtobuf : SigcerhOtlpProtocol.Grpc;
        options.Value.Otlp.ExportDelayMilliseconds = 100;
        options.Value.Otlp.TimeoutSeconds = (int)timeout.TotalSeconds;
        var environment = new HostingEnvironment { ApplicationName = "Sigcerh.Telemetry.Tests", EnvironmentName = "Production", ContentRootPath = Path.GetTempPath() };
        return new OtlpLogSink(new OtlpTarget(options), new SigcerhResource(options, environment), drops);
    }

    /// <summary>The log records of one service, with the fields <see cref="OtlpJson"/> leaves out.</summary>
    private static List<Record> Records(JsonElement logs, string service)
    {
        var result = new List<Record>();
        var summaries = OtlpJson.Logs(logs).Where(l => l.Service == service).ToList();
        var i = 0;
        foreach (var rl in logs.GetProperty("data").GetProperty("resourceLogs").EnumerateArray())
        {
            var mine = OtlpJson.ResourceAttributes(rl).GetValueOrDefault("service.name") == service;
            foreach (var sl in rl.GetProperty("scopeLogs").EnumerateArray())
            {
                var scope = sl.TryGetProperty("scope", out var s) && s.TryGetProperty("name", out var n) ? n.GetString() ?? string.Empty : string.Empty;
                foreach (var l in sl.GetProperty("logRecords").EnumerateArray())
                {
                    if (!mine)
                    {
                        continue;
                    }

                    var summary = summaries[i++];
                    result.Add(new Record(
                        summary.Body,
                        summary.Attributes,
                        summary.TraceId,
                        summary.SpanId,
                        scope,
                        l.TryGetProperty("severityText", out var text) ? text.GetString() ?? string.Empty : string.Empty,
                        l.TryGetProperty("severityNumber", out var number) ? Integer(number) : 0,
                        l.TryGetProperty("timeUnixNano", out var time) ? Integer(time) : 0));
                }
            }
        }

        return result;
    }

    // Protobuf JSON writes 64-bit integers as strings.
    private static long Integer(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? long.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetInt64();

    private sealed record Record(
        string Body,
        IReadOnlyDictionary<string, string> Attributes,
        string TraceId,
        string SpanId,
        string Scope,
        string SeverityText,
        long SeverityNumber,
        long TimeUnixNano);
}
