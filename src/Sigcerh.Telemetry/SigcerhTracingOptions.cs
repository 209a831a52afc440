namespace Sigcerh.Telemetry;

/// <summary>Settings of tracing (<c>SigcerhTelemetry:Tracing</c>).</summary>
public sealed class SigcerhTracingOptions
{
    /// <summary>Collects traces.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Parent-based trace-id ratio for root spans, in [0, 1]. <c>OTEL_TRACES_SAMPLER</c> overrides it.</summary>
    public double SamplingRatio { get; set; } = 1.0;

    /// <summary>The service's own <c>ActivitySource</c> names to collect (wildcards allowed).</summary>
    public List<string> Sources { get; } = [];

    /// <summary>Request path prefixes that are never traced, besides the health base path.</summary>
    public List<string> ExcludedPaths { get; } = ["/metrics", "/favicon.ico"];
}
