using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Sigcerh.Telemetry.Metrics;
using Sigcerh.Telemetry.Tests.TestHost;

namespace Sigcerh.Telemetry.Tests.Metrics;

public sealed class CardinalityLimitsTests
{
    private const int Series = 300;

    [Fact]
    public async Task Infrastructure_meters_get_a_small_point_table_and_keep_counting_past_it_in_the_overflow_series()
    {
        var exported = await RecordAsync("Npgsql");

        var points = Points(exported, "test.connections");
        Assert.True(points.Count <= CardinalityLimits.Infrastructure + 1, $"{points.Count} series");
        Assert.Contains(points, p => Tags(p).ContainsKey("otel.metric.overflow"));
        Assert.Equal(Series, points.Sum(p => p.GetSumLong()));
    }

    [Fact]
    public async Task Http_server_meters_keep_every_series()
    {
        var exported = await RecordAsync("Microsoft.AspNetCore.Hosting");

        var points = Points(exported, "test.connections");
        Assert.Equal(Series, points.Count);
        Assert.DoesNotContain(points, p => Tags(p).ContainsKey("otel.metric.overflow"));
    }

    [Fact]
    public async Task A_small_point_table_keeps_the_instrument_s_advised_histogram_buckets()
    {
        var exported = await RecordAsync("System.Runtime");

        var histogram = Assert.Single(Points(exported, "test.duration"));
        var bounds = new List<double>();
        foreach (var bucket in histogram.GetHistogramBuckets())
        {
            bounds.Add(bucket.ExplicitBound);
        }

        Assert.Equal([0.01, 0.1, 1, double.PositiveInfinity], bounds);
    }

    private static async Task<List<Metric>> RecordAsync(string meterName)
    {
        var exported = new List<Metric>();
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["SigcerhTelemetry:Logging:Console"] = "false" },
            b => b.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(exported)));
        using var meter = new Meter(meterName);
        var counter = meter.CreateCounter<long>("test.connections");
        var histogram = meter.CreateHistogram<double>(
            "test.duration", "s", null, null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.1, 1] });
        for (var i = 0; i < Series; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("pool.name", "pool-" + i));
        }

        histogram.Record(0.05);
        app.Services.GetRequiredService<MeterProvider>().ForceFlush(5000);
        return exported;
    }

    private static List<MetricPoint> Points(List<Metric> exported, string name)
    {
        var points = new List<MetricPoint>();
        foreach (ref readonly var p in exported.Last(m => m.Name == name).GetMetricPoints())
        {
            points.Add(p);
        }

        return points;
    }

    private static Dictionary<string, object?> Tags(MetricPoint point)
    {
        var tags = new Dictionary<string, object?>();
        foreach (var tag in point.Tags)
        {
            tags[tag.Key] = tag.Value;
        }

        return tags;
    }
}
