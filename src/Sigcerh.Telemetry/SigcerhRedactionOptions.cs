namespace Sigcerh.Telemetry;

/// <summary>Settings of personal-data redaction (<c>SigcerhTelemetry:Redaction</c>).</summary>
public sealed class SigcerhRedactionOptions
{
    /// <summary>Masks personal data in logs and spans. Switch off only for local debugging.</summary>
    public bool Enabled { get; set; } = true;
}
