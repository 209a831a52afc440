namespace Sigcerh.Telemetry.Redaction;

/// <summary>Confirms a regex candidate, such as the Luhn check of a card number.</summary>
internal delegate bool PiiValidator(ReadOnlySpan<char> candidate);
