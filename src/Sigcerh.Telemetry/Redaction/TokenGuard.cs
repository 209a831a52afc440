using System.Text.RegularExpressions;

namespace Sigcerh.Telemetry.Redaction;

/// <summary>
/// Knows which candidates sit inside tokens that are never personal data: GUIDs, Kestrel request ids, timestamps, and
/// hex words of 16 characters or more (trace and span ids, hashes). The protected-token regex runs at most once per
/// value, at the first candidate beside a '-' or ':'; candidates arrive left to right, so each check only moves a
/// cursor forward.
/// </summary>
internal partial struct TokenGuard
{
    private const int MinHashWord = 16;

    private List<(int Start, int End)>? _ranges;
    private bool _scanned;
    private int _next;
    private int _wordStart;
    private int _wordEnd;
    private bool _wordIsHash;

    public bool IsProtected(ReadOnlySpan<char> text, int start, int end, ref RedactionWork work)
    {
        if (InHashWord(text, start, ref work))
        {
            return true;
        }

        // Every protected token joins its digits with '-' or ':' (GUIDs, request ids, dates and times): a candidate with
        // neither beside it needs no regex, so a path of numbers between '/' runs none.
        if (!NextToDashOrColon(text, _wordStart, _wordEnd))
        {
            return false;
        }

        if (!_scanned)
        {
            _scanned = true;
            work.RegexRuns++;
            work.RegexChars += text.Length;
            foreach (var m in Protected().EnumerateMatches(text))
            {
                (_ranges ??= []).Add((m.Index, m.Index + m.Length));
            }
        }

        if (_ranges is null)
        {
            return false;
        }

        while (_next < _ranges.Count && _ranges[_next].End <= start)
        {
            _next++;
        }

        return _next < _ranges.Count && _ranges[_next].Start < end;
    }

    private static bool NextToDashOrColon(ReadOnlySpan<char> text, int wordStart, int wordEnd) =>
        (wordStart > 0 && text[wordStart - 1] is '-' or ':') || (wordEnd < text.Length && text[wordEnd] is '-' or ':');

    // The letters-and-digits word holding start, cached: later candidates in the same word cost nothing.
    private bool InHashWord(ReadOnlySpan<char> text, int start, ref RedactionWork work)
    {
        if (start >= _wordStart && start < _wordEnd)
        {
            return _wordIsHash;
        }

        var hex = true;
        var letter = false;
        var left = start;
        while (left > 0 && char.IsAsciiLetterOrDigit(text[left - 1]))
        {
            left--;
        }

        var right = left;
        while (right < text.Length && char.IsAsciiLetterOrDigit(text[right]))
        {
            hex &= char.IsAsciiHexDigit(text[right]);
            letter |= char.IsAsciiLetter(text[right]);
            right++;
        }

        work.ScannedChars += right - left;
        _wordStart = left;
        _wordEnd = right;
        _wordIsHash = hex && letter && right - left >= MinHashWord;
        return _wordIsHash;
    }

    [GeneratedRegex(
        @"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
        + @"|\b0H[0-9A-Z]{10,13}:[0-9A-F]{8}\b" // Kestrel request id: connection id and an 8-digit counter
        + @"|(?<![\d\-])\d{4}-[01]\d-[0-3]\d(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+\-]\d{2}:?\d{2})?)?(?!\d)",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex Protected();
}
