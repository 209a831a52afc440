using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sigcerh.Telemetry.Tests.TestHost;

namespace Sigcerh.Telemetry.Tests;

public sealed class SigcerhRequestLoggingApplicationBuilderExtensionsTests
{
    [Fact]
    public async Task With_the_startup_filter_off_UseSigcerhRequestLogging_writes_one_completion_event_per_request()
    {
        var app = await TestApp.StartAsync(
            Config(("SigcerhTelemetry:UseStartupFilter", "false")),
            map: a =>
            {
                a.UseSigcerhRequestLogging();
                a.MapGet("/expedientes/{id}", (int id) => Results.Ok(id));
                a.MapGet("/rechazo", () => Results.StatusCode(409));
            });
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync(new Uri("/expedientes/41", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await app.Client.GetAsync(new Uri("/rechazo", UriKind.Relative))).StatusCode);
        await app.StopAsync();

        var completions = Completions(app);
        Assert.Equal(2, completions.Count);
        var ok = Assert.Single(completions, e => LogFiles.Prop(e, "RequestPath") == "/expedientes/41");
        Assert.Equal("/expedientes/{id}", LogFiles.Prop(ok, "RequestRoute"));
        Assert.Equal("200", LogFiles.Prop(ok, "StatusCode"));
        Assert.Equal("Information", LogFiles.Level(ok));
        Assert.Equal("Warning", LogFiles.Level(Assert.Single(completions, e => LogFiles.Prop(e, "RequestPath") == "/rechazo")));
    }

    [Fact]
    public async Task With_the_startup_filter_on_an_explicit_call_does_not_log_each_request_twice()
    {
        var app = await TestApp.StartAsync(
            Config(),
            map: a =>
            {
                a.UseSigcerhRequestLogging();
                a.MapGet("/uno", () => "ok");
            });
        using (await app.Client.GetAsync(new Uri("/uno", UriKind.Relative)))
        {
        }

        await app.StopAsync();
        Assert.Single(Completions(app), e => LogFiles.Prop(e, "RequestPath") == "/uno");
    }

    [Fact]
    public async Task The_explicit_middleware_sees_only_what_runs_after_it()
    {
        // Placed after a short-circuiting middleware, requests it answers are not logged: the position is the caller's.
        var app = await TestApp.StartAsync(
            Config(("SigcerhTelemetry:UseStartupFilter", "false")),
            map: a =>
            {
                a.Use(next => ctx => ctx.Request.Path == "/corto" ? ctx.Response.WriteAsync("corto") : next(ctx));
                a.UseSigcerhRequestLogging();
                a.MapGet("/largo", () => "largo");
            });
        using (await app.Client.GetAsync(new Uri("/corto", UriKind.Relative)))
        using (await app.Client.GetAsync(new Uri("/largo", UriKind.Relative)))
        {
        }

        await app.StopAsync();
        var completion = Assert.Single(Completions(app));
        Assert.Equal("/largo", LogFiles.Prop(completion, "RequestPath"));
    }

    [Fact]
    public async Task Logging_RequestLogging_false_still_turns_the_explicit_request_log_off()
    {
        var app = await TestApp.StartAsync(
            Config(("SigcerhTelemetry:UseStartupFilter", "false"), ("SigcerhTelemetry:Logging:RequestLogging", "false")),
            map: a =>
            {
                a.UseSigcerhRequestLogging();
                a.MapGet("/", () => "ok");
            });
        using (await app.Client.GetAsync(new Uri("/", UriKind.Relative)))
        {
        }

        await app.StopAsync();
        Assert.Empty(Completions(app));
    }

    [Fact]
    public async Task Without_AddSigcerhTelemetry_it_says_what_is_missing()
    {
        await using var app = WebApplication.CreateBuilder().Build();
        var error = Assert.Throws<InvalidOperationException>(() => app.UseSigcerhRequestLogging());
        Assert.Contains("AddSigcerhTelemetry()", error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Config(params (string Key, string Value)[] extra)
    {
        var config = new Dictionary<string, string?> { ["SigcerhTelemetry:Logging:Console"] = "false" };
        foreach (var (key, value) in extra)
        {
            config[key] = value;
        }

        return config;
    }

    private static List<System.Text.Json.JsonElement> Completions(TestApp app) =>
        [.. LogFiles.ReadEvents(app.LogDirectory).Where(e => LogFiles.Template(e).StartsWith("HTTP ", StringComparison.Ordinal))];
}
