namespace Sigcerh.Telemetry.Health;

/// <summary>Check names (also the <c>sigcerh.health.check</c> metric attribute) and the tags that select them.</summary>
internal static class HealthNames
{
    /// <summary>Process checks: a restart may help.</summary>
    public const string LiveTag = "live";

    /// <summary>Dependency checks: can this instance serve users now.</summary>
    public const string ReadyTag = "ready";

    public const string PostgreSql = "postgresql";
    public const string Disk = "disk";
    public const string Memory = "memory";
    public const string LogFile = "log_file";
    public const string OtlpExport = "otlp_export";

    public const string MetricName = "sigcerh.health.status";
    public const string MetricAttribute = "sigcerh.health.check";
    public const string DetailKeyHeader = "X-Health-Key";

    public static readonly IReadOnlySet<string> BuiltIn = new HashSet<string>(StringComparer.Ordinal)
    {
        PostgreSql, Disk, Memory, LogFile, OtlpExport,
    };
}
