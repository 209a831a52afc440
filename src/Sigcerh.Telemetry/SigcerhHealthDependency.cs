namespace Sigcerh.Telemetry;

/// <summary>An HTTP service checked by <c>{base}/ready</c>: a GET on <see cref="Url"/> must answer 2xx within the timeout.</summary>
public sealed class SigcerhHealthDependency
{
    /// <summary>The check name (lower case letters, digits, <c>_</c>, <c>-</c>), also the <c>sigcerh.health.check</c> attribute.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The absolute http(s) URL to GET, for example <c>http://sigcerh-ocr:8000/health</c>.</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>Timeout of this check; defaults to <c>CheckTimeoutSeconds</c>.</summary>
    public int? TimeoutSeconds { get; set; }

    /// <summary>When true (default) a failure makes the service Unhealthy; when false only Degraded.</summary>
    public bool Required { get; set; } = true;
}
