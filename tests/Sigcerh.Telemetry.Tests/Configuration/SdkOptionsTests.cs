using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;
using Sigcerh.Telemetry.Configuration;

namespace Sigcerh.Telemetry.Tests.Configuration;

/// <summary>
/// The SDK's configuration constructors are internal and called by reflection; these tests fail on an upgrade that
/// moves them, instead of letting the variables go unread.
/// </summary>
public sealed class SdkOptionsTests
{
    [Fact]
    public void Every_internal_member_the_package_calls_exists_in_the_pinned_sdk()
    {
        Assert.True(SdkOptions.Available);
    }

    [Fact]
    public void The_sdk_reads_a_signals_own_variables_over_the_base_ones_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://base:4317",
            ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "1500",
            ["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"] = "http://logs:4318/v1/logs",
            ["OTEL_EXPORTER_OTLP_LOGS_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_LOGS_COMPRESSION"] = "gzip",
            ["OTEL_BLRP_MAX_QUEUE_SIZE"] = "77",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "999",
        }).Build();

        var logs = SdkOptions.Exporter(configuration, OtlpSignal.Logs);
        Assert.Equal(new Uri("http://logs:4318/v1/logs"), logs.Endpoint);
        Assert.Equal(OtlpExportProtocol.HttpProtobuf, logs.Protocol);
        Assert.Equal(OtlpExportCompression.GZip, logs.Compression);
        Assert.Equal(1500, logs.TimeoutMilliseconds);

        var traces = SdkOptions.Exporter(configuration, OtlpSignal.Traces);
        Assert.Equal(new Uri("http://base:4317"), traces.Endpoint);
        Assert.Equal(OtlpExportProtocol.Grpc, traces.Protocol);
        Assert.Equal(OtlpExportCompression.None, traces.Compression);

        Assert.Equal(77, SdkOptions.LogBatch(configuration).MaxQueueSize);
        Assert.Equal(999, SdkOptions.MetricReader(configuration).ExportIntervalMilliseconds);
    }
}
