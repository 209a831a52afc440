using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sigcerh.Collector.Tests.Conformance;
using Sigcerh.Telemetry;

namespace Sigcerh.Collector.Tests;

/// <summary>
/// The Prometheus names of the package's own instruments, taken from a real host with AddSigcerhTelemetry (name, unit
/// and instrument kind as the SDK publishes them) and translated the way the remote-write exporter does
/// (UnderscoreEscapingWithSuffixes): each must be a series the dashboards and alerts use.
/// </summary>
public sealed class MetricNamingTests
{
    private static async Task<List<Instrument>> PublishedInstruments()
    {
        var found = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (i, _) =>
            {
                if (i.Meter.Name.StartsWith("Sigcerh", StringComparison.Ordinal))
                {
                    lock (found)
                    {
                        found.Add(i);
                    }
                }
            },
        };
        listener.Start();

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:ServiceName"] = "sigcerh-naming",
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["SigcerhTelemetry:Logging:File"] = "false",
            ["SigcerhTelemetry:Otlp:Endpoint"] = "http://127.0.0.1:9",
        });
        builder.AddSigcerhTelemetry();
        using var host = builder.Build();
        await host.StartAsync();
        _ = host.Services.GetRequiredService<SigcerhMetrics>();
        await host.StopAsync();
        lock (found)
        {
            return [.. found];
        }
    }

    private static string ShippedStrategy => PrometheusNaming.StrategyOf(Conformance.Yaml.LoadFile(Configs.SingleServer));

    internal static string PrometheusName(Instrument i, string? strategy = null)
    {
        var type = i.GetType().GetGenericTypeDefinition();
        var (kind, monotonic) = type.Name switch
        {
            "Counter`1" or "ObservableCounter`1" => ("sum", true),
            "UpDownCounter`1" or "ObservableUpDownCounter`1" => ("sum", false),
            "Histogram`1" => ("histogram", false),
            _ => ("gauge", false),
        };
        var name = PrometheusNaming.MetricName(i.Name, kind, i.Unit ?? string.Empty, monotonic, strategy ?? ShippedStrategy);
        return kind == "histogram" ? name + "_bucket" : name;
    }

    [Fact]
    public async Task Every_instrument_of_the_package_lands_in_Prometheus_under_a_name_the_dashboards_and_alerts_use()
    {
        var instruments = await PublishedInstruments();
        Assert.True(instruments.Count >= 8, $"only [{string.Join(", ", instruments.Select(i => i.Name))}]");
        var contract = ContractAgreementTests.ContractMetrics.ToHashSet(StringComparer.Ordinal);
        Assert.All(instruments, i => Assert.True(contract.Contains(PrometheusName(i)),
            $"{i.Name} ({i.GetType().Name}, unit '{i.Unit}') lands as {PrometheusName(i)}, which no dashboard or alert uses"));
    }

    [Fact]
    public async Task Another_translation_strategy_would_rename_them_away_from_what_the_dashboards_use()
    {
        var instruments = await PublishedInstruments();
        var contract = ContractAgreementTests.ContractMetrics.ToHashSet(StringComparer.Ordinal);
        Assert.Equal("UnderscoreEscapingWithSuffixes", ShippedStrategy);
        Assert.Contains(instruments, i => !contract.Contains(PrometheusName(i, "UnderscoreEscapingWithoutSuffixes")));
        Assert.Contains(instruments, i => !contract.Contains(PrometheusName(i, "NoTranslation")));
    }
}
