namespace Sigcerh.Telemetry.Metrics;

/// <summary>
/// The meter of the package's own health (<c>sigcerh.health.status</c>, <c>sigcerh.telemetry.dropped</c>), apart from
/// the business meter <c>Sigcerh</c> so a listener or view can take one without the other. Prometheus series come from
/// the instrument names, so they do not change with the meter name.
/// </summary>
internal static class SelfTelemetryMeter
{
    public const string Name = "Sigcerh.Telemetry";
}
