namespace Sigcerh.Telemetry;

/// <summary>
/// Settings of <c>AddSigcerhTelemetry()</c>, bound from the <c>SigcerhTelemetry</c> configuration section.
/// Precedence, highest first: the code delegate, standard <c>OTEL_*</c> variables, the section, the defaults.
/// </summary>
public sealed class SigcerhTelemetryOptions
{
    /// <summary>The configuration section that holds these settings.</summary>
    public const string SectionName = "SigcerhTelemetry";

    /// <summary><c>service.name</c>; defaults to <c>OTEL_SERVICE_NAME</c>, then the entry assembly name.</summary>
    public string? ServiceName { get; set; }

    /// <summary><c>service.version</c>; defaults to the entry assembly's informational version.</summary>
    public string? ServiceVersion { get; set; }

    /// <summary><c>service.namespace</c>; every SIGCERH service shares <c>sigcerh</c>.</summary>
    public string ServiceNamespace { get; set; } = "sigcerh";

    /// <summary><c>deployment.environment.name</c>; defaults to the host environment name in lower case.</summary>
    public string? Environment { get; set; }

    /// <summary>Extra resource attributes, merged with <c>OTEL_RESOURCE_ATTRIBUTES</c>.</summary>
    public Dictionary<string, string> ResourceAttributes { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds the request-logging and health middleware through an <c>IStartupFilter</c>. Switch off to place them yourself with <c>UseSigcerhRequestLogging()</c> and <c>MapSigcerhHealth()</c>.</summary>
    public bool UseStartupFilter { get; set; } = true;

    /// <summary>
    /// Time allowed, in all, from the host's stop to the last flushed item: file and console lines first, then spans,
    /// logs and metrics over OTLP. What is still queued when it ends is counted as dropped and reported in one final
    /// log line. Keep it below the container's stop grace (Docker: 10 s) and the host's <c>HostOptions.ShutdownTimeout</c>.
    /// </summary>
    public double ShutdownTimeoutSeconds { get; set; } = 8;

    /// <summary>Console and file logging.</summary>
    public SigcerhLoggingOptions Logging { get; } = new();

    /// <summary>Tracing.</summary>
    public SigcerhTracingOptions Tracing { get; } = new();

    /// <summary>Metrics.</summary>
    public SigcerhMetricsOptions Metrics { get; } = new();

    /// <summary>OTLP export of all three signals.</summary>
    public SigcerhOtlpOptions Otlp { get; } = new();

    /// <summary>The health endpoints and checks.</summary>
    public SigcerhHealthOptions Health { get; } = new();

    /// <summary>Masking of personal data before anything leaves the process.</summary>
    public SigcerhRedactionOptions Redaction { get; } = new();

    /// <summary>What the binder could not bind (unknown keys, values of the wrong type); startup fails on them.</summary>
    internal List<string> BindingErrors { get; } = [];
}
