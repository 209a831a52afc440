namespace Sigcerh.Telemetry;

/// <summary>Settings of the health endpoints and checks (<c>SigcerhTelemetry:Health</c>).</summary>
public sealed class SigcerhHealthOptions
{
    /// <summary>Serves the health endpoints.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The base path: <c>{base}</c>, <c>{base}/live</c> and <c>{base}/ready</c>.</summary>
    public string BasePath { get; set; } = "/health";
}
