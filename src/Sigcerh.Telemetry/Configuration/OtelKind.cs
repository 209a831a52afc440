namespace Sigcerh.Telemetry.Configuration;

/// <summary>
/// The kinds of value a standard variable takes. The specification asks SDKs to warn and ignore an unknown
/// <see cref="Choice"/> and to read any value but <c>true</c> as false for a <see cref="Boolean"/>; every other kind
/// fails startup when malformed.
/// </summary>
internal enum OtelKind
{
    Text,
    KeyValueList,
    Boolean,
    Choice,
    Ratio,
    Uri,
    Headers,
    Milliseconds,
    Count,
    File,
}
