namespace Sigcerh.Collector.Tests.Checking;

/// <summary>The shared contract values (ports, endpoints, image) the collector config must agree with.</summary>
public static class Contract
{
    public const int OtlpGrpcPort = 4317;
    public const int OtlpHttpPort = 4318;
    public const int HealthCheckPort = 13133;
    public const int SelfMetricsPort = 8888;
    public const string Image = "otel/opentelemetry-collector-contrib";

    public static readonly IReadOnlyDictionary<string, string> BackendExporters = new Dictionary<string, string>
    {
        ["otlp_http/loki"] = "http://loki:3100/otlp",
        ["otlp_grpc/tempo"] = "tempo:4317",
        ["prometheus_remote_write"] = "http://prometheus:9090/api/v1/write",
    };

    public static readonly string[] ComposeServices = ["otel-collector", "loki", "tempo", "prometheus", "alertmanager", "grafana"];

    public static string RepoRoot { get; } = Sigcerh.Testing.RepoPaths.Root;

    public static string PathOf(string relative) => Path.Combine(RepoRoot, relative);

}
