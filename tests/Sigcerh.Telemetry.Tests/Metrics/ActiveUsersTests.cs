using System.Diagnostics.Metrics;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Sigcerh.Telemetry.Metrics;
using Sigcerh.Telemetry.Tests.TestHost;

namespace Sigcerh.Telemetry.Tests.Metrics;

public sealed class ActiveUsersTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Distinct_users_are_counted_in_sliding_15_minute_and_24_hour_windows()
    {
        var tracker = new ActiveUserTracker(_time, 100_000);
        tracker.UserSeen("ventanilla01");
        tracker.UserSeen("ventanilla01");
        tracker.UserSeen("especialista02");
        Assert.Equal((2, 2), tracker.Count());

        _time.Advance(TimeSpan.FromMinutes(10));
        tracker.UserSeen("director03");
        Assert.Equal((3, 3), tracker.Count());

        _time.Advance(TimeSpan.FromMinutes(6)); // the first two are now 16 minutes old
        Assert.Equal((1, 3), tracker.Count());

        tracker.UserSeen("ventanilla01"); // seen again: back in the short window
        Assert.Equal((2, 3), tracker.Count());

        _time.Advance(TimeSpan.FromHours(24));
        Assert.Equal((0, 0), tracker.Count());
        Assert.Equal(0, tracker.Tracked);
    }

    [Fact]
    public void Memory_stays_bounded_by_forgetting_the_least_recently_seen_user()
    {
        var tracker = new ActiveUserTracker(_time, 3);
        foreach (var u in new[] { "a", "b", "c" })
        {
            tracker.UserSeen(u);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        tracker.UserSeen("a"); // refreshes a, so b is now the least recently seen
        tracker.UserSeen("d");
        Assert.Equal(3, tracker.Tracked);
        Assert.False(tracker.IsTracked("b"));
        Assert.True(tracker.IsTracked("a"));
        Assert.True(tracker.IsTracked("c"));
        Assert.True(tracker.IsTracked("d"));

        tracker.UserSeen("e"); // now c is the oldest
        Assert.False(tracker.IsTracked("c"));
        Assert.Equal(3, tracker.Tracked);
    }

    [Fact]
    public void Only_a_hash_of_the_user_id_is_kept()
    {
        var tracker = new ActiveUserTracker(_time, 10);
        tracker.UserSeen("maria.quispe@gmail.com");
        var strings = Reachable(tracker).OfType<string>().ToList();
        Assert.DoesNotContain("maria.quispe@gmail.com", strings);
    }

    [Fact]
    public void The_gauge_reports_both_windows()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var metrics = new SigcerhMetrics(factory, Options.Create(new SigcerhTelemetryOptions()), _time);
        using var c = new MetricCollector<long>(factory, SigcerhMetrics.MeterName, "sigcerh.users.active", _time);
        metrics.UserSeen("u1");
        metrics.UserSeen("u2");
        _time.Advance(TimeSpan.FromMinutes(20));
        metrics.UserSeen("u3");
        metrics.UserSeen(null!);

        c.RecordObservableInstruments();
        Assert.Equal("{user}", c.Instrument!.Unit);
        var m = c.GetMeasurementSnapshot();
        Assert.Equal(1, m.Single(x => (string?)x.Tags["sigcerh.window"] == "15m").Value);
        Assert.Equal(3, m.Single(x => (string?)x.Tags["sigcerh.window"] == "24h").Value);
    }

    [Fact]
    public async Task Requests_of_authenticated_users_feed_the_gauge_from_the_NameIdentifier_claim()
    {
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["SigcerhTelemetry:Logging:Console"] = "false" },
            map: a =>
            {
                // Stands in for UseAuthentication: it sets the user deeper in the pipeline than the package's middleware.
                a.Use(async (ctx, next) =>
                {
                    if (ctx.Request.Headers.TryGetValue("X-Test-User", out var user))
                    {
                        ctx.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user.ToString())], "test"));
                    }

                    await next(ctx);
                });
                a.MapGet("/api/solicitudes", () => "ok");
            });

        foreach (var user in new[] { "u1", "u2", "u1", null })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/solicitudes");
            if (user is not null)
            {
                request.Headers.Add("X-Test-User", user);
            }

            using var response = await app.Client.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }

        var tracker = app.Services.GetRequiredService<SigcerhMetrics>().ActiveUsers;
        Assert.Equal(2, tracker.Count().Long);
    }

    [Fact]
    public async Task A_user_id_hook_set_in_code_replaces_the_claims()
    {
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["SigcerhTelemetry:Logging:Console"] = "false" },
            map: a => a.MapGet("/api/solicitudes", () => "ok"),
            configure: o => o.Metrics.ActiveUsers.UserIdSelector = ctx => ctx.Request.Headers["X-Api-Key"].FirstOrDefault());

        foreach (var key in new[] { "k1", "k2", "k3", "k3" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/solicitudes");
            request.Headers.Add("X-Api-Key", key);
            using var response = await app.Client.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }

        Assert.Equal(3, app.Services.GetRequiredService<SigcerhMetrics>().ActiveUsers.Count().Long);
    }

    [Fact]
    public async Task Request_tracking_can_be_switched_off()
    {
        await using var app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["SigcerhTelemetry:Logging:Console"] = "false",
                ["SigcerhTelemetry:Metrics:ActiveUsers:TrackRequests"] = "false",
            },
            map: a => a.MapGet("/api/solicitudes", () => "ok"),
            configure: o => o.Metrics.ActiveUsers.UserIdSelector = _ => "siempre");

        using var response = await app.Client.GetAsync(new Uri("/api/solicitudes", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        Assert.Equal(0, app.Services.GetRequiredService<SigcerhMetrics>().ActiveUsers.Count().Long);
    }

    [Theory]
    [InlineData("SigcerhTelemetry:Metrics:ActiveUsers:MaxTrackedUsers", "0")]
    [InlineData("SigcerhTelemetry:Metrics:ActiveUsers:MaxTrackedUsers", "250000")]
    [InlineData("SigcerhTelemetry:Metrics:AllowedValues:sigcerh.usuario.dni:0", "x")]
    [InlineData("SigcerhTelemetry:Metrics:ActiveUsers:MaxUsers", "10")]
    public async Task A_bad_metrics_setting_fails_startup_naming_the_key_and_the_value(string key, string value)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestApp.StartAsync(new Dictionary<string, string?> { [key] = value, ["SigcerhTelemetry:Logging:Console"] = "false" }));
        var namedKey = key.EndsWith(":0", StringComparison.Ordinal) ? key[..^2] : key;
        Assert.Contains(namedKey, ex.Message, StringComparison.Ordinal);
        Assert.Contains(key.Contains("AllowedValues", StringComparison.Ordinal) ? "sigcerh.usuario.dni" : value, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Business_meters_and_allowed_values_come_from_configuration_in_a_real_app()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["SigcerhTelemetry:Logging:Console"] = "false",
            ["SigcerhTelemetry:Metrics:AllowedValues:sigcerh.payment.method:0"] = "pagoefectivo",
        });
        var metrics = app.Services.GetRequiredService<SigcerhMetrics>();
        Assert.Same(metrics, app.Services.GetRequiredService<SigcerhMetrics>());
        var factory = app.Services.GetRequiredService<IMeterFactory>();
        using var c = new MetricCollector<long>(factory, SigcerhMetrics.MeterName, "sigcerh.payments.validated");
        metrics.PaymentValidated("pagoefectivo", approved: true);
        metrics.PaymentValidated("yape", approved: true);
        Assert.Equal(["pagoefectivo", "other"], c.GetMeasurementSnapshot().Select(x => (string)x.Tags["sigcerh.payment.method"]!));
    }

    // Every object reachable from the tracker's fields, to prove no raw id is held anywhere.
    private static IEnumerable<object> Reachable(object root)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<object>([root]);
        while (stack.Count > 0)
        {
            var o = stack.Pop();
            if (!seen.Add(o))
            {
                continue;
            }

            yield return o;
            if (o is string || o.GetType().IsPrimitive)
            {
                continue;
            }

            if (o is System.Collections.IEnumerable items and not string)
            {
                foreach (var item in items)
                {
                    if (item is not null)
                    {
                        stack.Push(item);
                    }
                }
            }

            for (var t = o.GetType(); t is not null; t = t.BaseType)
            {
                foreach (var f in t.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.DeclaredOnly))
                {
                    if (!f.FieldType.IsPointer && f.GetValue(o) is { } v && !v.GetType().IsPointer)
                    {
                        stack.Push(v);
                    }
                }
            }
        }
    }
}
