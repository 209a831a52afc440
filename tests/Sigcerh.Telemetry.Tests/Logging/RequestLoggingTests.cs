using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sigcerh.Telemetry.Tests.TestHost;

namespace Sigcerh.Telemetry.Tests.Logging;

public sealed class RequestLoggingTests
{
    [Fact]
    public async Task Each_request_gets_one_completion_event_with_route_status_and_level_by_outcome()
    {
        var app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["SigcerhTelemetry:Logging:Console"] = "false" },
            map: a =>
            {
                a.MapGet("/solicitudes/{id}", (int id) => Results.Ok(id));
                a.MapGet("/falla", () => Results.StatusCode(500));
                a.MapGet("/excepcion", IResult () => throw new InvalidOperationException("boom"));
            });
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync(new Uri("/solicitudes/7", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync(new Uri("/nada", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await app.Client.GetAsync(new Uri("/falla", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await app.Client.GetAsync(new Uri("/excepcion", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        await app.StopAsync();

        var completions = LogFiles.ReadEvents(app.LogDirectory)
            .Where(e => LogFiles.Template(e).StartsWith("HTTP ", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, completions.Count);

        var ok = Assert.Single(completions, e => LogFiles.Prop(e, "RequestPath") == "/solicitudes/7");
        Assert.Equal("Information", LogFiles.Level(ok));
        Assert.Equal("/solicitudes/{id}", LogFiles.Prop(ok, "RequestRoute"));
        Assert.Equal("GET", LogFiles.Prop(ok, "RequestMethod"));
        Assert.Equal("200", LogFiles.Prop(ok, "StatusCode"));
        Assert.NotNull(LogFiles.Prop(ok, "Elapsed"));

        Assert.Equal("Warning", LogFiles.Level(Assert.Single(completions, e => LogFiles.Prop(e, "RequestPath") == "/nada")));
        Assert.Equal("Error", LogFiles.Level(Assert.Single(completions, e => LogFiles.Prop(e, "RequestPath") == "/falla")));
        Assert.Equal("Error", LogFiles.Level(Assert.Single(completions, e => LogFiles.Prop(e, "RequestPath") == "/excepcion")));
        Assert.DoesNotContain(completions, e => LogFiles.Prop(e, "RequestPath") == "/health");
    }

    [Theory]
    [InlineData("Production", false)]
    [InlineData("Development", true)]
    public async Task Debug_events_are_written_in_development_only_and_aspnetcore_stays_at_warning(string environment, bool debugExpected)
    {
        var app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["SigcerhTelemetry:Logging:Console"] = "false" },
            environment: environment,
            map: a => a.MapGet("/", (ILogger<RequestLoggingTests> log) => log.LogDebug("detalle de depuración")));
        using (await app.Client.GetAsync(new Uri("/", UriKind.Relative)))
        {
        }

        await app.StopAsync();
        var events = LogFiles.ReadEvents(app.LogDirectory);
        Assert.Equal(debugExpected, events.Any(e => LogFiles.Template(e) == "detalle de depuración"));
        // ASP.NET Core's own "Request starting/finished" are Information: the override keeps them out.
        Assert.DoesNotContain(events, e => LogFiles.Prop(e, "SourceContext")?.StartsWith("Microsoft.AspNetCore.Hosting", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task The_standard_Serilog_section_still_overrides_levels()
    {
        var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["SigcerhTelemetry:Logging:Console"] = "false",
                ["Serilog:MinimumLevel:Override:Sigcerh.Telemetry.Tests"] = "Error",
            },
            map: a => a.MapGet("/", (ILogger<RequestLoggingTests> log) =>
            {
                log.LogWarning("advertencia silenciada");
                log.LogError("error visible");
            }));
        using (await app.Client.GetAsync(new Uri("/", UriKind.Relative)))
        {
        }

        await app.StopAsync();
        var events = LogFiles.ReadEvents(app.LogDirectory);
        Assert.Contains(events, e => LogFiles.Template(e) == "error visible");
        Assert.DoesNotContain(events, e => LogFiles.Template(e) == "advertencia silenciada");
    }

    [Fact]
    public async Task A_sink_added_in_the_Serilog_section_gets_redacted_events_too()
    {
        var extra = Path.Combine(Path.GetTempPath(), "sigcerh-extra-" + Guid.NewGuid().ToString("N")[..8] + ".txt");
        var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["SigcerhTelemetry:Logging:Console"] = "false",
                ["Serilog:Using:0"] = "Serilog.Sinks.File",
                ["Serilog:WriteTo:0:Name"] = "File",
                ["Serilog:WriteTo:0:Args:path"] = extra,
            },
            map: a => a.MapGet("/", (ILogger<RequestLoggingTests> log) => log.LogInformation("Solicitud del ciudadano con DNI {Dni} y correo {Email}", "45678912", "rosa.quispe@gmail.com")));
        using (await app.Client.GetAsync(new Uri("/", UriKind.Relative)))
        {
        }

        await app.StopAsync();
        var text = await File.ReadAllTextAsync(extra);
        Assert.Contains("Solicitud del ciudadano", text, StringComparison.Ordinal);
        Assert.DoesNotContain("45678912", text, StringComparison.Ordinal);
        Assert.DoesNotContain("rosa.quispe@gmail.com", text, StringComparison.Ordinal);
        File.Delete(extra);
    }

    [Fact]
    public async Task Properties_set_through_the_diagnostic_context_join_the_completion_event_with_its_trace_ids()
    {
        var app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["SigcerhTelemetry:Logging:Console"] = "false" },
            map: a =>
            {
                a.MapGet("/tramites/{id}", (int id, Serilog.IDiagnosticContext diag) =>
                {
                    diag.Set("TramiteTipo", "constancia");
                    diag.Set("Intentos", 2);
                    diag.Set("Intentos", 3); // a second Set of the same name replaces the first
                    return Results.Ok(id);
                });
                a.MapGet("/anidado", async (Serilog.IDiagnosticContext diag) =>
                {
                    // Set from inside a child span and after an await, as a handler calling a service would.
                    using var source = new System.Diagnostics.ActivitySource("Sigcerh.Tests.Anidado");
                    using var listener = new System.Diagnostics.ActivityListener
                    {
                        ShouldListenTo = s => s.Name == source.Name,
                        Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllData,
                    };
                    System.Diagnostics.ActivitySource.AddActivityListener(listener);
                    using (source.StartActivity("consulta"))
                    {
                        await Task.Yield();
                        diag.Set("Origen", "servicio");
                    }

                    return Results.Ok();
                });
                a.MapGet("/excepcion", (Serilog.IDiagnosticContext diag) =>
                {
                    diag.Set("TramiteTipo", "certificado");
                    throw new InvalidOperationException("falla controlada");
                });
            });
        using (await app.Client.GetAsync(new Uri("/tramites/12", UriKind.Relative)))
        using (await app.Client.GetAsync(new Uri("/tramites/13", UriKind.Relative)))
        using (await app.Client.GetAsync(new Uri("/anidado", UriKind.Relative)))
        using (await app.Client.GetAsync(new Uri("/excepcion", UriKind.Relative)))
        {
        }

        await app.StopAsync();
        var completions = LogFiles.ReadEvents(app.LogDirectory)
            .Where(e => LogFiles.Template(e).StartsWith("HTTP ", StringComparison.Ordinal)).ToList();
        var ok = Assert.Single(completions, e => LogFiles.Prop(e, "RequestPath") == "/tramites/12");
        Assert.Equal("constancia", LogFiles.Prop(ok, "TramiteTipo"));
        Assert.Equal("3", LogFiles.Prop(ok, "Intentos"));
        Assert.Matches("^[0-9a-f]{32}$", LogFiles.Prop(ok, "@tr") ?? string.Empty);

        // Each request collects its own properties: nothing leaks from one to the next.
        var second = Assert.Single(completions, e => LogFiles.Prop(e, "RequestPath") == "/tramites/13");
        Assert.Equal("constancia", LogFiles.Prop(second, "TramiteTipo"));
        Assert.Null(LogFiles.Prop(second, "Origen"));
        var nested = Assert.Single(completions, e => LogFiles.Prop(e, "RequestPath") == "/anidado");
        Assert.Equal("servicio", LogFiles.Prop(nested, "Origen"));
        Assert.Null(LogFiles.Prop(nested, "TramiteTipo"));

        var failed = Assert.Single(completions, e => LogFiles.Prop(e, "RequestPath") == "/excepcion");
        Assert.Equal("Error", LogFiles.Level(failed));
        Assert.Equal("500", LogFiles.Prop(failed, "StatusCode"));
        Assert.Equal("certificado", LogFiles.Prop(failed, "TramiteTipo"));
        Assert.Contains("falla controlada", LogFiles.Prop(failed, "@x") ?? string.Empty, StringComparison.Ordinal);
    }
}
