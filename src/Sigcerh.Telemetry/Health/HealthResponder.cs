using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Sigcerh.Telemetry.Resources;

namespace Sigcerh.Telemetry.Health;

/// <summary>Writes the health answer: 200 for Healthy and Degraded, 503 for Unhealthy, never cached, never a secret.</summary>
internal sealed class HealthResponder
{
    private readonly HealthRunner _runner;
    private readonly SigcerhResource _resource;
    private readonly TimeProvider _time;
    private readonly bool _fullDetail;
    private readonly DetailKey? _key;
    private readonly bool _trustLoopback;
    private readonly DateTimeOffset _processStart;

    public HealthResponder(HealthRunner runner, SigcerhResource resource, TimeProvider time, IOptions<SigcerhTelemetryOptions> options)
    {
        var h = options.Value.Health;
        _runner = runner;
        _resource = resource;
        _time = time;
        _fullDetail = h.DetailLevel == SigcerhHealthDetailLevel.Full;
        _key = string.IsNullOrEmpty(h.DetailKey) ? null : new DetailKey(h.DetailKey);
        _trustLoopback = h.TrustLoopback;
        using var process = Process.GetCurrentProcess();
        _processStart = new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
    }

    public async Task HandleAsync(HttpContext context, HealthScope scope)
    {
        var started = _time.GetTimestamp();
        var results = await _runner.RunAsync(scope, context.RequestAborted).ConfigureAwait(false);
        var status = HealthRunner.Overall(results);
        var response = context.Response;
        response.StatusCode = status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        response.Headers.CacheControl = "no-store";
        response.ContentType = "application/json; charset=utf-8";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var detail = ShowsDetail(context);
        var now = _time.GetUtcNow();
        var writer = new Utf8JsonWriter(response.BodyWriter);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteString("status", status.ToString());
            writer.WriteString("service", _resource.ServiceName);
            writer.WriteString("version", _resource.ServiceVersion);
            writer.WriteString("scope", scope.ToString().ToLowerInvariant());
            writer.WriteNumber("uptimeSeconds", Math.Round(Math.Max(0, (now - _processStart).TotalSeconds)));
            writer.WriteString("checkedAt", now);
            writer.WriteNumber("durationMs", Thresholds.Round(_time.GetElapsedTime(started).TotalMilliseconds));
            if (Activity.Current is { } activity)
            {
                writer.WriteString("traceId", activity.TraceId.ToHexString());
            }

            writer.WriteStartArray("checks");
            foreach (var r in results)
            {
                WriteCheck(writer, r, detail);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static void WriteCheck(Utf8JsonWriter writer, CheckResult r, bool detail)
    {
        writer.WriteStartObject();
        writer.WriteString("name", r.Name);
        writer.WriteString("status", r.Status.ToString());
        writer.WriteNumber("durationMs", Thresholds.Round(r.Duration.TotalMilliseconds));
        writer.WriteString("checkedAt", r.CheckedAt);
        if (r.TraceId is not null)
        {
            // The log record with the exception carries this trace id.
            writer.WriteString("traceId", r.TraceId);
        }

        if (detail)
        {
            writer.WriteString("description", r.Description);
            if (r.Data.Count > 0)
            {
                writer.WriteStartObject("data");
                foreach (var (k, v) in r.Data)
                {
                    WriteValue(writer, k, v);
                }

                writer.WriteEndObject();
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, string name, object value)
    {
        switch (value)
        {
            case string s:
                writer.WriteString(name, s);
                break;
            case bool b:
                writer.WriteBoolean(name, b);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumber(name, d);
                break;
            case float f when float.IsFinite(f):
                writer.WriteNumber(name, f);
                break;
            case decimal m:
                writer.WriteNumber(name, m);
                break;
            case ulong u:
                writer.WriteNumber(name, u);
                break;
            case IConvertible c and (int or long or short or byte or uint):
                writer.WriteNumber(name, c.ToInt64(System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                break;
        }
    }

    private bool ShowsDetail(HttpContext context)
    {
        if (_fullDetail)
        {
            return true;
        }

        var headers = context.Request.Headers;
        if (_key is not null && headers.TryGetValue(HealthNames.DetailKeyHeader, out var sent) && _key.Matches(sent.ToString()))
        {
            return true;
        }

        // A proxy on the same host connects from loopback: any sign of forwarding means the caller is someone else.
        if (!_trustLoopback || ForwardingHeaders.AnyPresent(headers))
        {
            return false;
        }

        var remote = context.Connection.RemoteIpAddress;
        if (remote is { IsIPv4MappedToIPv6: true })
        {
            remote = remote.MapToIPv4();
        }

        return remote is not null && IPAddress.IsLoopback(remote);
    }
}
