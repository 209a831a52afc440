using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Sigcerh.Telemetry.Tests.TestHost;
using Sigcerh.Telemetry.Tracing;

namespace Sigcerh.Telemetry.Tests.Tracing;

public sealed class TracingTests
{
    [Theory]
    [InlineData("/health", true)]
    [InlineData("/health/live", true)]
    [InlineData("/metrics", true)]
    [InlineData("/favicon.ico", true)]
    [InlineData("/js/app.js", true)]
    [InlineData("/css/site.css", true)]
    [InlineData("/api/solicitudes", false)]
    [InlineData("/healthcheck-report", false)]
    [InlineData("/api/certificados/42", false)]
    public void Health_metrics_and_static_file_requests_are_not_traced(string path, bool excluded)
    {
        var filter = new RequestPathFilter(new SigcerhTelemetryOptions());
        Assert.Equal(excluded, filter.IsExcluded(new PathString(path)));
    }

    [Fact]
    public async Task Configured_activity_sources_and_excluded_paths_reach_the_tracer()
    {
        using var source = new ActivitySource("Sigcerh.Tests.Custom");
        var exported = new List<Activity>();
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["SigcerhTelemetry:Logging:Console"] = "false",
                ["SigcerhTelemetry:Tracing:Sources:0"] = "Sigcerh.Tests.Custom",
                ["SigcerhTelemetry:Tracing:ExcludedPaths:0"] = "/interno",
            },
            b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(exported)),
            a =>
            {
                a.MapGet("/trabajo", () =>
                {
                    using var work = source.StartActivity("validar-expediente");
                    return work is null ? "no recorded" : "recorded";
                });
                a.MapGet("/interno/estado", () => "ok");
            });

        Assert.Equal("recorded", await app.Client.GetStringAsync(new Uri("/trabajo", UriKind.Relative)));
        await app.Client.GetStringAsync(new Uri("/interno/estado", UriKind.Relative));
        app.Services.GetRequiredService<TracerProvider>().ForceFlush(5000);

        var custom = Assert.Single(exported, a => a.DisplayName == "validar-expediente");
        var server = Assert.Single(exported, a => a.Kind == ActivityKind.Server);
        Assert.Equal(server.SpanId, custom.ParentSpanId);
        Assert.Equal("/trabajo", server.GetTagItem("http.route"));
    }
}
