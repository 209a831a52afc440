namespace Sigcerh.Telemetry;

/// <summary>Settings of the health endpoints and checks (<c>SigcerhTelemetry:Health</c>).</summary>
public sealed class SigcerhHealthOptions
{
    /// <summary>Serves the health endpoints from the startup filter (an explicit <c>MapSigcerhHealth()</c> maps them regardless).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The base path: <c>{base}</c> runs every check, <c>{base}/live</c> the process checks, <c>{base}/ready</c> the dependency checks.</summary>
    public string BasePath { get; set; } = "/health";

    /// <summary>How long a check result is reused; concurrent probes within the window share one run. 0 shares only concurrent runs.</summary>
    public int CacheSeconds { get; set; } = 10;

    /// <summary>Timeout of each check unless the check sets its own.</summary>
    public int CheckTimeoutSeconds { get; set; } = 5;

    /// <summary>The endpoint answers within this bound even when a check hangs; unfinished checks are reported Unhealthy.</summary>
    public int EndpointTimeoutSeconds { get; set; } = 10;

    /// <summary>Runs every check in the background this often, so <c>sigcerh.health.status</c> stays current without probes. 0 turns it off.</summary>
    public int BackgroundIntervalSeconds { get; set; } = 30;

    /// <summary>Who sees check descriptions and data: <c>Restricted</c> (callers sending <c>X-Health-Key</c>, and loopback callers when <see cref="TrustLoopback"/> is on) or <c>Full</c> (everyone).</summary>
    public SigcerhHealthDetailLevel DetailLevel { get; set; } = SigcerhHealthDetailLevel.Restricted;

    /// <summary>A secret that, sent in the <c>X-Health-Key</c> header, shows descriptions and data when <see cref="DetailLevel"/> is <c>Restricted</c>.</summary>
    public string? DetailKey { get; set; }

    /// <summary>
    /// Shows descriptions and data to loopback callers that send no forwarding header of any kind. Off by default: a
    /// reverse proxy on the same host (nginx with a bare <c>proxy_pass</c>) connects from loopback and may send no
    /// header at all, so every internet caller would look local. Turn it on only when no proxy runs on this host.
    /// </summary>
    public bool TrustLoopback { get; set; }

    /// <summary>Disk usage (percent) from which the disk check is Degraded.</summary>
    public double DiskDegradedPercent { get; set; } = 80;

    /// <summary>Disk usage (percent) from which the disk check is Unhealthy.</summary>
    public double DiskUnhealthyPercent { get; set; } = 90;

    /// <summary>Extra folders whose volumes the disk check watches, by a short label (the log folder and content root are always watched).</summary>
    public Dictionary<string, string> DiskPaths { get; } = new(StringComparer.Ordinal);

    /// <summary>Memory usage (percent of the cgroup limit, or of the host) from which the memory check is Degraded.</summary>
    public double MemoryDegradedPercent { get; set; } = 85;

    /// <summary>Memory usage (percent) from which the memory check is Unhealthy.</summary>
    public double MemoryUnhealthyPercent { get; set; } = 95;

    /// <summary>Adds the PostgreSQL check when a <c>NpgsqlDataSource</c> is registered or <see cref="PostgreSqlConnectionStringName"/> is set.</summary>
    public bool PostgreSqlEnabled { get; set; } = true;

    /// <summary>Name of a <c>ConnectionStrings</c> entry to check; when unset, a registered <c>NpgsqlDataSource</c> is used.</summary>
    public string? PostgreSqlConnectionStringName { get; set; }

    /// <summary>Connections in use (percent of <c>max_connections</c>) from which the PostgreSQL check is Degraded.</summary>
    public double PostgreSqlConnectionsDegradedPercent { get; set; } = 90;

    /// <summary>The OTLP export check is Degraded for this long after telemetry was last dropped.</summary>
    public int TelemetryDropWindowSeconds { get; set; } = 300;

    /// <summary>HTTP services this one depends on, checked with a GET on their health URL (for example the OCR service).</summary>
    public List<SigcerhHealthDependency> HttpDependencies { get; } = [];
}
