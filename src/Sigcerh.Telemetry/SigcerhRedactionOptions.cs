namespace Sigcerh.Telemetry;

/// <summary>Settings of personal-data redaction (<c>SigcerhTelemetry:Redaction</c>).</summary>
public sealed class SigcerhRedactionOptions
{
    /// <summary>Masks personal data in logs and spans. Switch off only for local debugging.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How a match is replaced: <c>Mask</c> (default) keeps a hint of the last three characters (<c>***912</c>),
    /// <c>Hash</c> writes a keyed hash so the same value can be correlated across lines (<c>[dni:3fa9c01b22de]</c>),
    /// <c>Drop</c> writes only the kind of data (<c>[dni]</c>).
    /// </summary>
    public SigcerhRedactionMode Mode { get; set; } = SigcerhRedactionMode.Mask;

    /// <summary>
    /// Secret key of the <c>Hash</c> mode (HMAC-SHA256). Without it each process draws a random key, so hashes
    /// correlate within one process only. An unkeyed hash of an 8-digit DNI could be reversed by brute force.
    /// </summary>
    public string? HashKey { get; set; }

    /// <summary>Extra patterns to mask, name to .NET regular expression, added to the built-in ones.</summary>
    public Dictionary<string, string> Patterns { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Longest value, in characters, that is read whole (16384 by default, 1024 to 1048576). A longer value (a huge query
    /// string, a bulk INSERT, a deep stack trace) keeps its first characters, redacted, and ends with a note of how
    /// many were cut: redaction costs at most this much per value, whatever a request sends.
    /// </summary>
    public int MaxValueLength { get; set; } = 16 * 1024;

    /// <summary>Log property and span attribute names whose values are never redacted (compared ignoring case).</summary>
    public List<string> AllowedProperties { get; } = [];
}
