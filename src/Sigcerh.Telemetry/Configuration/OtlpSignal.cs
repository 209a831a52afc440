namespace Sigcerh.Telemetry.Configuration;

/// <summary>The three OTLP signals, named as the SDK's configuration types are.</summary>
internal enum OtlpSignal
{
    Traces,
    Logs,
    Metrics,
}
