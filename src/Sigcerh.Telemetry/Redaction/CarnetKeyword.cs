using System.Text.RegularExpressions;

namespace Sigcerh.Telemetry.Redaction;

/// <summary>
/// Whether a carnet de extranjería keyword ("carnet de extranjería N°", "C.E.", "CE:") stands just before a number.
/// Only a short window before the number is searched, so each number costs a bounded amount.
/// </summary>
internal static partial class CarnetKeyword
{
    private const int Window = 40;

    public static bool IsBefore(ReadOnlySpan<char> text, int numberStart, ref RedactionWork work)
    {
        var from = Math.Max(0, numberStart - Window);
        var window = text[from..numberStart];
        work.RegexRuns++;
        work.RegexChars += window.Length;
        return Keyword().IsMatch(window);
    }

    [GeneratedRegex(
        @"(?:carn[eé]t?(?:\s+de\s+extranjer[ií]a)?|(?<![a-z])c\.\s?e\.?|(?<![a-z])ce)[\s_:#=\-]*(?:(?:n|nro|no|num)\.?\s*[°º]?[\s_:#=\-]*)?\z",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex Keyword();
}
