namespace Sigcerh.Telemetry.Redaction;

/// <summary>
/// Stands in for a logged exception whose text held personal data: message, stack trace and <c>ToString()</c> are the
/// redacted ones. The file sink writes <c>ToString()</c>, which still starts with the original type name; the OTLP log
/// sink sends <see cref="OriginalType"/> as <c>exception.type</c>, so errors group by their real type at the receiver.
/// </summary>
#pragma warning disable CA1032, RCS1194 // Only built by the redacting sink, never thrown.
internal sealed class RedactedException : Exception
#pragma warning restore CA1032, RCS1194
{
    private readonly string? _stackTrace;
    private readonly string _text;

    public RedactedException(Type originalType, string message, string? stackTrace, string text)
        : base(message)
    {
        OriginalType = originalType;
        _stackTrace = stackTrace;
        _text = text;
    }

    /// <summary>The type of the exception that was logged.</summary>
    public Type OriginalType { get; }

    public override string? StackTrace => _stackTrace;

    public override string ToString() => _text;
}
