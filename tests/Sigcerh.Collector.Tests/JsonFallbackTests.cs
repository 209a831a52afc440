using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sigcerh.Collector.Tests.Checking;
using Sigcerh.Collector.Tests.Stanza;

namespace Sigcerh.Collector.Tests;

/// <summary>
/// The JSON-file fallback overlay (collector/overlays/app-json-fallback.yaml) on lines the package itself wrote: a
/// real host with AddSigcerhTelemetry logs to its daily file, and the overlay's operators run on each line. What comes
/// out must carry what the "Logs" dashboard filters on: service_name, level, trace_id and the message text.
/// </summary>
public sealed class JsonFallbackTests
{
    private const string ServiceName = "sigcerh-backend";

    private static Dictionary<string, object?> Receiver =>
        ConfigTree.Map(ConfigTree.Map(Configs.Expanded(Configs.SingleServer, Configs.Overlay("app-json-fallback")), "receivers"), "file_log/sigcerh_json");

    private static async Task<(string File, string[] Lines, string TraceId)> WriteWithThePackage()
    {
        var dir = Directory.CreateTempSubdirectory("sigcerh-fallback-").FullName;
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:ServiceName"] = ServiceName,
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["SigcerhTelemetry:Logging:Directory"] = dir,
            ["SigcerhTelemetry:Otlp:Endpoint"] = "http://127.0.0.1:9",
        });
        builder.AddSigcerhTelemetry();
        using var host = builder.Build();
        await host.StartAsync();
        var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sigcerh.Backend.Solicitudes");
        using var source = new ActivitySource("Sigcerh.Tests.Fallback");
        using var listener = new ActivityListener { ShouldListenTo = s => s.Name == source.Name, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(listener);
        string traceId;
        using (var activity = source.StartActivity("aprobar"))
        {
            traceId = activity!.TraceId.ToHexString();
            log.LogInformation("Solicitud {Expediente} aprobada por {Area}", 20261234, "mesa de partes");
            log.LogWarning("Pago {Recibo} pendiente de validación", "R-0042");
        }

        await host.StopAsync();
        host.Dispose(); // flushes the buffered file sink
        var file = Assert.Single(Directory.GetFiles(dir, "*.json"));
        return (file, await File.ReadAllLinesAsync(file), traceId);
    }

    private static LogRecord Parse(string file, string line) =>
        OperatorPipeline.Run(ConfigTree.List(Receiver, "operators"), line, new Dictionary<string, string>
        {
            ["log.file.name"] = Path.GetFileName(file),
            ["log.file.path"] = file,
        });

    private static string Template(string line) => JsonNode.Parse(line)!["@mt"]!.GetValue<string>();

    [Fact]
    public async Task A_line_the_package_writes_comes_out_with_its_service_message_level_and_trace()
    {
        var (file, lines, traceId) = await WriteWithThePackage();
        var line = Assert.Single(lines, l => Template(l) == "Solicitud {Expediente} aprobada por {Area}");
        var r = Parse(file, line);

        Assert.Equal(ServiceName, r.Resource["service.name"]!.GetValue<string>());
        Assert.Equal("sigcerh", ConfigTree.Str(ConfigTree.Map(Receiver, "resource"), "service.namespace"));
        Assert.Equal("Solicitud {Expediente} aprobada por {Area}", r.Body!.GetValue<string>());
        Assert.Equal("info", r.Severity);
        Assert.Equal(traceId, r.TraceId);
        Assert.NotNull(r.SpanId);
        Assert.Equal("mesa de partes", r.Attributes["Area"]!.GetValue<string>());
        Assert.Equal(JsonNode.Parse(line)!["@t"]!.GetValue<DateTime>().ToUniversalTime(), r.Timestamp!.Value.UtcDateTime);
        Assert.DoesNotContain(r.Attributes.Keys, k => k.StartsWith('@'));
    }

    [Fact]
    public async Task A_warning_keeps_its_level_and_lines_outside_a_span_parse_without_trace_ids()
    {
        var (file, lines, _) = await WriteWithThePackage();
        var warning = Parse(file, Assert.Single(lines, l => Template(l).StartsWith("Pago ", StringComparison.Ordinal)));
        Assert.Equal("warn", warning.Severity);
        Assert.Equal("R-0042", warning.Attributes["Recibo"]!.GetValue<string>());

        var startup = Parse(file, Assert.Single(lines, l => Template(l).StartsWith("Application started", StringComparison.Ordinal)));
        Assert.Null(startup.TraceId);
        Assert.Equal("info", startup.Severity);
        Assert.Equal(ServiceName, startup.Resource["service.name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_line_of_a_package_file_parses_with_a_timestamp_and_a_service()
    {
        var (file, lines, _) = await WriteWithThePackage();
        Assert.True(lines.Length >= 4, string.Join("\n", lines));
        Assert.All(lines, l =>
        {
            var r = Parse(file, l);
            Assert.NotNull(r.Timestamp);
            Assert.Equal(ServiceName, r.Resource["service.name"]!.GetValue<string>());
            Assert.IsType<string>(r.Body!.GetValue<string>());
            Assert.DoesNotContain("\"@t\"", r.Body!.GetValue<string>(), StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("sigcerh-ocr-20261201.json", "sigcerh-ocr")]
    [InlineData("sigcerh-backend-20261201_003.json", "sigcerh-backend")]
    [InlineData("sigcerh-mesa-de-partes-20261130.json", "sigcerh-mesa-de-partes")]
    public void The_service_comes_from_the_daily_and_size_rolled_file_names(string name, string service)
    {
        var r = Parse("/var/log/sigcerh/" + name, "{\"@t\":\"2026-12-01T13:27:43.0607386Z\",\"@mt\":\"hola\"}");
        Assert.Equal(service, r.Resource["service.name"]!.GetValue<string>());
    }

    [Fact]
    public void The_fallback_pipeline_redacts_exports_to_Loki_and_its_files_are_read_from_the_package_folder()
    {
        var cfg = Configs.Expanded(Configs.SingleServer, Configs.Overlay("app-json-fallback"));
        var p = ConfigTree.Map(ConfigTree.Map(ConfigTree.Map(cfg, "service"), "pipelines"), "logs/app_json_fallback");
        Assert.Contains("transform/redact_pii", ConfigTree.List(p, "processors"));
        Assert.Contains("resource/environment", ConfigTree.List(p, "processors"));
        Assert.Equal(["otlp_http/loki"], ConfigTree.List(p, "exporters"));
        Assert.EndsWith("/**/*.json", (string)ConfigTree.List(Receiver, "include")[0]!, StringComparison.Ordinal);
    }
}
