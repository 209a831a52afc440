namespace Sigcerh.Telemetry.Export;

/// <summary>
/// The values of the <c>sigcerh.telemetry.sink</c> attribute: where the dropped items were going. OTLP drops point at
/// the collector; file and console drops at the log volume or stdout, so they never make the OTLP check Degraded.
/// </summary>
internal static class TelemetrySink
{
    public const string AttributeName = "sigcerh.telemetry.sink";

    public const string Otlp = "otlp";
    public const string File = "file";
    public const string Console = "console";
}
