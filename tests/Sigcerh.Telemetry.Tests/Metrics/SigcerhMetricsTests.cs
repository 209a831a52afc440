using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Sigcerh.Telemetry.Tests.Metrics;

/// <summary>Each test has its own meter factory, so its "Sigcerh" meter is unique to it.</summary>
public sealed class SigcerhMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));

    private IMeterFactory Factory => _services.GetRequiredService<IMeterFactory>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void Applications_created_count_per_type_with_the_contract_name_and_unit()
    {
        var metrics = Create();
        using var c = Collect<long>("sigcerh.applications.created");
        metrics.ApplicationCreated("certificado_estudios");
        metrics.ApplicationCreated("certificado_estudios");
        metrics.ApplicationCreated("duplicado");

        Assert.Equal("{application}", c.Instrument!.Unit);
        Assert.IsType<Counter<long>>(c.Instrument);
        var m = c.GetMeasurementSnapshot();
        Assert.Equal(2, m.Where(x => x.MatchesTags(new KeyValuePair<string, object?>("sigcerh.application.type", "certificado_estudios"))).Sum(x => x.Value));
        Assert.Equal(1, m.Single(x => x.MatchesTags(new KeyValuePair<string, object?>("sigcerh.application.type", "duplicado"))).Value);
        Assert.All(m, x => Assert.Single(x.Tags));
    }

    [Fact]
    public void Certificates_issued_count_per_type()
    {
        var metrics = Create();
        using var c = Collect<long>("sigcerh.certificates.issued");
        metrics.CertificateIssued("constancia");
        Assert.Equal("{certificate}", c.Instrument!.Unit);
        var x = Assert.Single(c.GetMeasurementSnapshot());
        Assert.Equal(1, x.Value);
        Assert.Equal("constancia", x.Tags["sigcerh.certificate.type"]);
    }

    [Fact]
    public void Payments_validated_carry_method_and_outcome()
    {
        var metrics = Create();
        using var c = Collect<long>("sigcerh.payments.validated");
        metrics.PaymentValidated("yape", approved: true);
        metrics.PaymentValidated("tarjeta", approved: false);
        Assert.Equal("{payment}", c.Instrument!.Unit);
        var m = c.GetMeasurementSnapshot();
        Assert.Equal("approved", m[0].Tags["sigcerh.payment.outcome"]);
        Assert.Equal("yape", m[0].Tags["sigcerh.payment.method"]);
        Assert.Equal("rejected", m[1].Tags["sigcerh.payment.outcome"]);
        Assert.Equal("tarjeta", m[1].Tags["sigcerh.payment.method"]);
    }

    [Theory]
    [InlineData(SigcerhOutcome.Success, "success")]
    [InlineData(SigcerhOutcome.Failure, "failure")]
    [InlineData(SigcerhOutcome.Timeout, "timeout")]
    [InlineData((SigcerhOutcome)42, "other")]
    public void Ocr_records_duration_in_seconds_and_pages_with_the_outcome(SigcerhOutcome outcome, string expected)
    {
        var metrics = Create();
        using var duration = Collect<double>("sigcerh.ocr.duration");
        using var pages = Collect<long>("sigcerh.ocr.pages");
        metrics.OcrCompleted(TimeSpan.FromMilliseconds(8500), outcome, pages: 3);
        metrics.OcrCompleted(TimeSpan.FromSeconds(1), outcome, pages: 0);

        Assert.Equal("s", duration.Instrument!.Unit);
        Assert.IsType<Histogram<double>>(duration.Instrument);
        Assert.Equal("{page}", pages.Instrument!.Unit);
        var d = duration.GetMeasurementSnapshot();
        Assert.Equal([8.5, 1.0], d.Select(x => x.Value));
        Assert.All(d, x => Assert.Equal(expected, x.Tags["sigcerh.ocr.outcome"]));
        var p = Assert.Single(pages.GetMeasurementSnapshot());
        Assert.Equal(3, p.Value);
        Assert.Equal(expected, p.Tags["sigcerh.ocr.outcome"]);
    }

    [Fact]
    public void Ai_requests_count_per_outcome()
    {
        var metrics = Create();
        using var c = Collect<long>("sigcerh.ai.requests");
        metrics.AiRequestCompleted(SigcerhOutcome.Timeout);
        Assert.Equal("{request}", c.Instrument!.Unit);
        var x = Assert.Single(c.GetMeasurementSnapshot());
        Assert.Equal("timeout", x.Tags["sigcerh.ai.outcome"]);
    }

    [Theory]
    [InlineData("Certificado_Estudios", "certificado_estudios")]
    [InlineData("45678912", "other")]
    [InlineData("maria.quispe@gmail.com", "other")]
    [InlineData("", "other")]
    [InlineData(null, "other")]
    public void An_attribute_value_outside_the_allowed_set_becomes_other(string? given, string recorded)
    {
        var metrics = Create();
        using var c = Collect<long>("sigcerh.applications.created");
        metrics.ApplicationCreated(given!);
        Assert.Equal(recorded, Assert.Single(c.GetMeasurementSnapshot()).Tags["sigcerh.application.type"]);
    }

    [Fact]
    public void A_configured_list_replaces_the_built_in_one_for_that_attribute_only()
    {
        var options = new SigcerhTelemetryOptions();
        options.Metrics.AllowedValues["sigcerh.payment.method"] = ["pagoefectivo", "yape"];
        var metrics = Create(options);
        using var payments = Collect<long>("sigcerh.payments.validated");
        using var applications = Collect<long>("sigcerh.applications.created");
        metrics.PaymentValidated("pagoefectivo", approved: true);
        metrics.PaymentValidated("plin", approved: true); // built-in, but no longer allowed
        metrics.ApplicationCreated("constancia");        // untouched built-in set

        Assert.Equal(["pagoefectivo", "other"], payments.GetMeasurementSnapshot().Select(x => (string)x.Tags["sigcerh.payment.method"]!));
        Assert.Equal("constancia", Assert.Single(applications.GetMeasurementSnapshot()).Tags["sigcerh.application.type"]);
    }

    [Fact]
    public void The_ocr_histogram_uses_buckets_from_half_a_second_to_two_minutes_in_the_sdk()
    {
        var exported = new List<Metric>();
        using var provider = Sdk.CreateMeterProviderBuilder().AddMeter(SigcerhMetrics.MeterName).AddInMemoryExporter(exported).Build();
        var metrics = Create();
        metrics.OcrCompleted(TimeSpan.FromSeconds(8.5), SigcerhOutcome.Success);
        provider.ForceFlush();

        var metric = exported.First(m => m.Name == "sigcerh.ocr.duration");
        Assert.Equal("s", metric.Unit);
        Assert.Equal(MetricType.Histogram, metric.MetricType);
        var bounds = new List<double>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            foreach (var bucket in point.GetHistogramBuckets())
            {
                bounds.Add(bucket.ExplicitBound);
            }

            break;
        }

        Assert.Equal([0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120, double.PositiveInfinity], bounds);
    }

    [Fact]
    public void Increments_allocate_nothing_once_an_sdk_listener_is_attached()
    {
        var exported = new List<Metric>();
        using var provider = Sdk.CreateMeterProviderBuilder().AddMeter(SigcerhMetrics.MeterName).AddInMemoryExporter(exported).Build();
        var metrics = Create();
        var ocr = TimeSpan.FromSeconds(8.5);
        void Round()
        {
            metrics.ApplicationCreated("certificado_estudios");
            metrics.ApplicationCreated("no-permitido");
            metrics.CertificateIssued("constancia");
            metrics.PaymentValidated("yape", approved: true);
            metrics.OcrCompleted(ocr, SigcerhOutcome.Success, 2);
            metrics.AiRequestCompleted(SigcerhOutcome.Failure);
        }

        for (var i = 0; i < 100; i++)
        {
            Round(); // warm up: first points of each series are created here
        }

        // Other tests' "Sigcerh" meters share the SDK listener in parallel; a rare incidental allocation there is not
        // per increment, so the best of a few runs of 10,000 rounds must be exactly zero.
        var best = long.MaxValue;
        for (var attempt = 0; attempt < 5 && best > 0; attempt++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10_000; i++)
            {
                Round();
            }

            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, best);
    }

    [Theory]
    [InlineData("sigcerh.applications.created", "{application}", "counter", "sigcerh_applications_created_total")]
    [InlineData("sigcerh.certificates.issued", "{certificate}", "counter", "sigcerh_certificates_issued_total")]
    [InlineData("sigcerh.payments.validated", "{payment}", "counter", "sigcerh_payments_validated_total")]
    [InlineData("sigcerh.users.active", "{user}", "gauge", "sigcerh_users_active")]
    [InlineData("sigcerh.ocr.duration", "s", "histogram", "sigcerh_ocr_duration_seconds")]
    [InlineData("sigcerh.ocr.pages", "{page}", "counter", "sigcerh_ocr_pages_total")]
    [InlineData("sigcerh.ai.requests", "{request}", "counter", "sigcerh_ai_requests_total")]
    public void Each_instrument_becomes_the_Prometheus_series_the_dashboards_use(string name, string unit, string kind, string series)
    {
        var metrics = Create();
        _ = metrics;
        var instruments = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (i, _) =>
            {
                if (i.Meter.Scope == Factory)
                {
                    instruments.Add(i);
                }
            },
        };
        listener.Start();
        var instrument = Assert.Single(instruments, i => i.Name == name);
        Assert.Equal(unit, instrument.Unit);
        var actualKind = instrument switch
        {
            Counter<long> => "counter",
            ObservableGauge<long> => "gauge",
            Histogram<double> => "histogram",
            _ => instrument.GetType().Name,
        };
        Assert.Equal(kind, actualKind);
        Assert.Equal(series, PrometheusName(instrument.Name, instrument.Unit!, kind));
    }

    // The collector's OTLP-to-Prometheus naming (UnderscoreEscapingWithSuffixes), for the units this meter uses.
    private static string PrometheusName(string name, string unit, string kind)
    {
        var n = name.Replace('.', '_');
        if (unit == "s")
        {
            n += "_seconds";
        }

        return kind == "counter" ? n + "_total" : n;
    }

    private SigcerhMetrics Create(SigcerhTelemetryOptions? options = null) =>
        new(Factory, Options.Create(options ?? new SigcerhTelemetryOptions()), _time);

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(Factory, SigcerhMetrics.MeterName, instrument, _time);
}
