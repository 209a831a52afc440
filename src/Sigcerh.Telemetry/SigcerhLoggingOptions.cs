namespace Sigcerh.Telemetry;

/// <summary>Settings of the Serilog pipeline (<c>SigcerhTelemetry:Logging</c>).</summary>
public sealed class SigcerhLoggingOptions
{
    /// <summary>Writes compact JSON to stdout, for Docker's json-file driver.</summary>
    public bool Console { get; set; } = true;

    /// <summary>Writes compact JSON to a daily rolling file.</summary>
    public bool File { get; set; } = true;

    /// <summary>The log folder; relative paths are under the content root.</summary>
    public string Directory { get; set; } = "logs";

    /// <summary>File name prefix; defaults to <c>sigcerh-{service name without the sigcerh- prefix}</c>.</summary>
    public string? FilePrefix { get; set; }

    /// <summary>Size cap of one file in megabytes; the sink then rolls to a new file, it never stops writing.</summary>
    public int FileSizeLimitMegabytes { get; set; } = 100;

    /// <summary>Files older than this many days are deleted.</summary>
    public int RetainedDays { get; set; } = 30;

    /// <summary>Minimum level; defaults to Debug in Development and Information elsewhere.</summary>
    public string? MinimumLevel { get; set; }

    /// <summary>Per-namespace minimum levels. <c>Microsoft.AspNetCore</c> is at Warning unless changed here.</summary>
    public Dictionary<string, string> Overrides { get; } = new(StringComparer.Ordinal);

    /// <summary>Writes one completion event per HTTP request.</summary>
    public bool RequestLogging { get; set; } = true;

    /// <summary>Events buffered for the console and file writer; beyond it events are dropped and counted.</summary>
    public int BufferSize { get; set; } = 10_000;
}
