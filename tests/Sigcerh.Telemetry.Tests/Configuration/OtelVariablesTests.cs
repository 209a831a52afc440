using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;
using Sigcerh.Telemetry.Export;
using Sigcerh.Telemetry.Resources;
using Sigcerh.Telemetry.Tests.TestHost;

namespace Sigcerh.Telemetry.Tests.Configuration;

public sealed class OtelVariablesTests
{
    [Fact]
    public async Task Standard_variables_set_the_endpoint_protocol_and_timeout_of_every_signal_through_the_sdk()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["OTEL_SERVICE_NAME"] = "sigcerh-ocr",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "authorization=Bearer%20abc,x-tenant=ugel",
            ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "2500",
        });

        Assert.Equal("sigcerh-ocr", app.Services.GetRequiredService<SigcerhResource>().ServiceName);
        var target = app.Services.GetRequiredService<OtlpTarget>();
        Assert.Equal(OtlpExportProtocol.HttpProtobuf, target.Traces.Protocol);
        Assert.Equal(new Uri("http://127.0.0.1:4318/v1/traces"), target.Traces.Endpoint);
        Assert.Equal(new Uri("http://127.0.0.1:4318/v1/logs"), target.Logs.Endpoint);
        Assert.Equal(new Uri("http://127.0.0.1:4318/v1/metrics"), target.Metrics.Endpoint);

        // Milliseconds, not truncated to seconds.
        Assert.All(target.Signals, s => Assert.Equal(TimeSpan.FromMilliseconds(2500), s.Timeout));
        Assert.Equal("authorization=Bearer%20abc,x-tenant=ugel", target.Logs.ExporterOptions().Headers);
    }

    [Fact]
    public async Task Signal_specific_variables_win_for_their_signal_and_their_endpoint_is_used_as_is()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["SigcerhTelemetry:Otlp:Endpoint"] = "http://127.0.0.1:4317",
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "http://traces.local:4318/custom/path",
            ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_LOGS_TIMEOUT"] = "1234",
            ["OTEL_EXPORTER_OTLP_METRICS_HEADERS"] = "x-metrics=1",
        });
        var target = app.Services.GetRequiredService<OtlpTarget>();
        Assert.Equal(new Uri("http://traces.local:4318/custom/path"), target.Traces.Endpoint);
        Assert.Equal(OtlpExportProtocol.HttpProtobuf, target.Traces.Protocol);
        Assert.Equal(OtlpExportProtocol.Grpc, target.Logs.Protocol);
        Assert.Equal(new Uri("http://127.0.0.1:4317"), target.Logs.Endpoint);
        Assert.Equal(TimeSpan.FromMilliseconds(1234), target.Logs.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(10), target.Traces.Timeout);
        Assert.Equal("x-metrics=1", target.Metrics.ExporterOptions().Headers);
        Assert.Null(target.Logs.ExporterOptions().Headers);
    }

    [Fact]
    public async Task Batch_and_metric_reader_variables_override_the_sections_bounded_defaults()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["SigcerhTelemetry:Otlp:Endpoint"] = "http://127.0.0.1:4317",
            ["SigcerhTelemetry:Otlp:QueueSize"] = "4000",
            ["OTEL_BSP_MAX_QUEUE_SIZE"] = "300",
            ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "100",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "750",
            ["OTEL_BLRP_EXPORT_TIMEOUT"] = "4321",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "2500",
            ["OTEL_METRIC_EXPORT_TIMEOUT"] = "1500",
        });
        var target = app.Services.GetRequiredService<OtlpTarget>();
        Assert.Equal(300, target.Traces.QueueSize);
        Assert.Equal(100, target.Traces.BatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(750), target.Traces.ExportDelay);
        Assert.Equal(4000, target.Logs.QueueSize);
        Assert.Equal(TimeSpan.FromMilliseconds(4321), target.Logs.ExportTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(1000), target.Logs.ExportDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), target.Metrics.ExportInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), target.Metrics.ExportTimeout);
    }

    [Fact]
    public async Task Without_variables_the_bounded_defaults_hold()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["SigcerhTelemetry:Otlp:Endpoint"] = "http://127.0.0.1:4317",
        });
        var target = app.Services.GetRequiredService<OtlpTarget>();
        Assert.All(new[] { target.Traces, target.Logs }, s => Assert.Equal(8192, s.QueueSize));
        Assert.All(new[] { target.Traces, target.Logs }, s => Assert.Equal(TimeSpan.FromSeconds(1), s.ExportDelay));
        Assert.Equal(TimeSpan.FromSeconds(15), target.Metrics.ExportInterval);
    }

    [Theory]
    [InlineData("OTEL_TRACES_SAMPLER", "sometimes")]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")]
    [InlineData("OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "zstd")]
    [InlineData("OTEL_SDK_DISABLED", "yes")]
    public async Task An_unknown_choice_is_ignored_with_one_warning_naming_the_variable_as_the_specification_asks(string variable, string value)
    {
        var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["SigcerhTelemetry:Otlp:Endpoint"] = "http://127.0.0.1:4317",
            [variable] = value,
        });
        var target = app.Services.GetRequiredService<OtlpTarget>();
        Assert.True(target.Enabled);
        Assert.Equal(OtlpExportProtocol.Grpc, target.Traces.Protocol);
        await app.StopAsync();
        var warnings = LogFiles.ReadEvents(app.LogDirectory)
            .Where(e => LogFiles.Level(e) == "Warning" && LogFiles.Template(e).StartsWith("Configuration value ignored", StringComparison.Ordinal))
            .Select(e => LogFiles.Prop(e, "Reason")!)
            .ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains(variable, warning, StringComparison.Ordinal);
        Assert.Contains(value, warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_code_delegate_wins_over_variables_which_win_over_the_section()
    {
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["SigcerhTelemetry:Logging:Console"] = "false",
                ["SigcerhTelemetry:ServiceName"] = "from-section",
                ["SigcerhTelemetry:Otlp:Endpoint"] = "http://section:4317",
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://variable:4317",
                ["OTEL_SERVICE_NAME"] = "from-variable",
            },
            configure: o => o.ServiceName = "from-code");
        var options = app.Services.GetRequiredService<IOptions<SigcerhTelemetryOptions>>().Value;
        Assert.Equal("from-code", options.ServiceName);
        Assert.Equal(new Uri("http://variable:4317"), app.Services.GetRequiredService<OtlpTarget>().Traces.Endpoint);
    }

    [Fact]
    public async Task An_otlp_setting_made_in_code_wins_over_the_variable()
    {
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["SigcerhTelemetry:Logging:Console"] = "false",
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://variable:4317",
                ["OTEL_BSP_MAX_QUEUE_SIZE"] = "100",
            },
            configure: o =>
            {
                o.Otlp.Endpoint = "http://code:4317";
                o.Otlp.QueueSize = 50;
            });
        var target = app.Services.GetRequiredService<OtlpTarget>();
        Assert.Equal(new Uri("http://code:4317"), target.Traces.Endpoint);
        Assert.Equal(50, target.Traces.QueueSize);
    }

    [Fact]
    public async Task OTEL_SDK_DISABLED_turns_export_and_tracing_off_but_keeps_file_logs()
    {
        var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["SigcerhTelemetry:Logging:Console"] = "false",
                ["OTEL_SDK_DISABLED"] = "true",
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317",
            },
            map: a => a.MapGet("/", () => Activity.Current?.Recorded == true ? "recorded" : "not recorded"));
        Assert.False(app.Services.GetRequiredService<OtlpTarget>().Enabled);
        Assert.Equal("not recorded", await app.Client.GetStringAsync(new Uri("/", UriKind.Relative)));
        await app.StopAsync();
        Assert.NotEmpty(LogFiles.ReadEvents(app.LogDirectory));
    }

    [Theory]
    [InlineData("always_off", null, false)]
    [InlineData("always_on", null, true)]
    [InlineData("traceidratio", "0", false)]
    [InlineData("parentbased_traceidratio", "1", true)]
    public async Task OTEL_TRACES_SAMPLER_decides_whether_root_spans_are_recorded(string sampler, string? arg, bool recorded)
    {
        var exported = new List<Activity>();
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["SigcerhTelemetry:Logging:Console"] = "false",
                ["OTEL_TRACES_SAMPLER"] = sampler,
                ["OTEL_TRACES_SAMPLER_ARG"] = arg,
            },
            b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(exported)),
            a => a.MapGet("/", () => "ok"));
        await app.Client.GetStringAsync(new Uri("/", UriKind.Relative));
        await app.Services.GetRequiredService<TracerProvider>().ForceFlushAsync();
        Assert.Equal(recorded, exported.Any(a => a.Kind == ActivityKind.Server));
    }

    [Fact]
    public async Task Without_an_endpoint_nothing_is_exported()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["SigcerhTelemetry:Logging:Console"] = "false" });
        Assert.False(app.Services.GetRequiredService<OtlpTarget>().Enabled);
    }
}

internal static class TracerProviderExtensions
{
    public static Task ForceFlushAsync(this TracerProvider provider) => Task.Run(() => provider.ForceFlush(5000));
}
