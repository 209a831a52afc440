namespace Sigcerh.Telemetry.Configuration;

/// <summary>Registered once, so a second <c>AddSigcerhTelemetry()</c> only adds its configuration delegate.</summary>
internal sealed class SigcerhTelemetryMarker;
