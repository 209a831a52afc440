using System.Text.RegularExpressions;

namespace Sigcerh.Telemetry.Redaction;

/// <summary>
/// One kind of personal data: its name (used by the Hash and Drop modes), its pattern, an optional check, and whether
/// only the number at the end of the match is masked (a keyword before it stays readable).
/// </summary>
internal sealed record PiiRule(string Name, Regex Regex, PiiTrigger Trigger, PiiValidator? Validate = null, bool NumberOnly = false);
