namespace Sigcerh.Telemetry.Export;

/// <summary>The values of the <c>sigcerh.telemetry.signal</c> attribute.</summary>
internal static class TelemetrySignal
{
    public const string Logs = "logs";
    public const string Traces = "traces";
    public const string Metrics = "metrics";

    public static readonly string[] All = [Logs, Traces, Metrics];
}
