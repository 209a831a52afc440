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
    public async Task Standard_variables_set_the_resource_endpoint_protocol_and_headers()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["OTEL_SERVICE_NAME"] = "sigcerh-ocr",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "service.name=ignored,team=ugel%20norte,deployment.region=lima",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "authorization=Bearer%20abc,x-tenant=ugel",
        });

        var resource = app.Services.GetRequiredService<SigcerhResource>();
        Assert.Equal("sigcerh-ocr", resource.ServiceName);
        Assert.Equal("ugel norte", resource.Attributes["team"]);
        Assert.Equal("lima", resource.Attributes["deployment.region"]);

        var target = app.Services.GetRequiredService<OtlpTarget>();
        Assert.Equal(OtlpExportProtocol.HttpProtobuf, target.Protocol);
        Assert.Equal(new Uri("http://127.0.0.1:4318/v1/traces"), target.SignalEndpoint("/v1/traces"));
        Assert.Equal(new Uri("http://127.0.0.1:4318/v1/logs"), target.SignalEndpoint("/v1/logs"));
        Assert.Equal("Bearer abc", target.HeaderDictionary()["authorization"]);
    }

    [Fact]
    public async Task Grpc_uses_the_base_endpoint_without_signal_paths()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["SigcerhTelemetry:Otlp:Endpoint"] = "http://127.0.0.1:4317",
        });
        var target = app.Services.GetRequiredService<OtlpTarget>();
        Assert.Equal(OtlpExportProtocol.Grpc, target.Protocol);
        Assert.Equal(new Uri("http://127.0.0.1:4317"), target.SignalEndpoint("/v1/traces"));
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
        Assert.Equal("http://variable:4317", options.Otlp.Endpoint);
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
