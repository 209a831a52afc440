using Microsoft.Extensions.Options;
using Sigcerh.Telemetry.Tests.TestHost;

namespace Sigcerh.Telemetry.Tests.Configuration;

public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("SigcerhTelemetry:Otlp:Endpoint", "collector:4317", "SigcerhTelemetry:Otlp:Endpoint")]
    [InlineData("SigcerhTelemetry:Otlp:Endpoint", "ftp://collector:4317", "SigcerhTelemetry:Otlp:Endpoint")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "not a uri", "OTEL_EXPORTER_OTLP_ENDPOINT")]
    [InlineData("SigcerhTelemetry:Otlp:Protocol", "thrift", "SigcerhTelemetry:Otlp:Protocol")]
    [InlineData("OTEL_EXPORTER_OTLP_HEADERS", "authorization Bearer abc", "OTEL_EXPORTER_OTLP_HEADERS")]
    [InlineData("SigcerhTelemetry:Tracing:SamplingRatio", "1.5", "SigcerhTelemetry:Tracing:SamplingRatio")]
    [InlineData("SigcerhTelemetry:Tracing:SamplingRatio", "-0.1", "SigcerhTelemetry:Tracing:SamplingRatio")]
    [InlineData("OTEL_BLRP_MAX_QUEUE_SIZE", "lots", "OTEL_BLRP_MAX_QUEUE_SIZE")]
    [InlineData("SigcerhTelemetry:Logging:RetainedDays", "0", "SigcerhTelemetry:Logging:RetainedDays")]
    [InlineData("SigcerhTelemetry:Logging:FileSizeLimitMegabytes", "-1", "SigcerhTelemetry:Logging:FileSizeLimitMegabytes")]
    [InlineData("SigcerhTelemetry:Logging:MinimumLevel", "Chatty", "SigcerhTelemetry:Logging:MinimumLevel")]
    [InlineData("SigcerhTelemetry:Loging:Directory", "/var/log/x", "SigcerhTelemetry:Loging")]
    [InlineData("SigcerhTelemetry:Otlp:Endpoit", "http://collector:4317", "SigcerhTelemetry:Otlp:Endpoit")]
    public async Task Bad_configuration_fails_at_startup_naming_the_key_and_the_value(string key, string value, string namedKey)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestApp.StartAsync(new Dictionary<string, string?> { [key] = value, ["SigcerhTelemetry:Logging:Console"] = "false" }));

        Assert.Contains(namedKey, ex.Message, StringComparison.Ordinal);
        Assert.Contains(key.Contains("HEADERS", StringComparison.Ordinal) ? value[..4] + "***" : value, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_configuration_with_every_section_starts()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:ServiceName"] = "sigcerh-valid",
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["SigcerhTelemetry:Logging:Overrides:Npgsql"] = "Warning",
            ["SigcerhTelemetry:Tracing:SamplingRatio"] = "0.25",
            ["SigcerhTelemetry:Tracing:Sources:0"] = "Sigcerh.Backend",
            ["SigcerhTelemetry:Otlp:Protocol"] = "HttpProtobuf",
            ["SigcerhTelemetry:Metrics:ExportIntervalSeconds"] = "30",
        });
        Assert.NotNull(app.BaseAddress);
    }
}
