namespace Sigcerh.Telemetry;

/// <summary>Who sees health check descriptions and data (<c>SigcerhTelemetry:Health:DetailLevel</c>).</summary>
public enum SigcerhHealthDetailLevel
{
    /// <summary>Loopback callers without proxy headers, or callers sending the <c>X-Health-Key</c> header.</summary>
    Restricted,

    /// <summary>Everyone.</summary>
    Full,
}
