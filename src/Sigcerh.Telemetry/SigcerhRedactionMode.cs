namespace Sigcerh.Telemetry;

/// <summary>How a match of personal data is replaced (<c>SigcerhTelemetry:Redaction:Mode</c>).</summary>
public enum SigcerhRedactionMode
{
    /// <summary><c>***912</c>: the last three characters as a hint.</summary>
    Mask,

    /// <summary><c>[dni:3fa9c01b22de]</c>: a keyed hash, to correlate lines without the value.</summary>
    Hash,

    /// <summary><c>[dni]</c>: only the kind of data.</summary>
    Drop,
}
