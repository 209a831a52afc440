using System.Text.RegularExpressions;

namespace Sigcerh.Telemetry.Redaction;

/// <summary>
/// Finds e-mail addresses, '@' written as is or URL-encoded (%40). The regex runs only on windows around each '@',
/// merged where they overlap, so it reads each character at most once; it is non-backtracking, so that read is linear.
/// </summary>
internal static class EmailFinder
{
    private const int MaxLocalPart = 64;
    private const int MaxDomain = 255;

    // RFC 5321 bounds on the local part and the domain keep the window, and so the work per '@', bounded.
    private static readonly Regex Email = new(
        @"[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}(?:@|%40)[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,8}\.[A-Za-z]{2,24}",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.NonBacktracking,
        TimeSpan.FromSeconds(1));

    public static void Find(ReadOnlySpan<char> text, ref List<PiiMatch>? found, ref RedactionWork work)
    {
        var signs = new AtSigns(text);
        var at = signs.Next(0);
        while (at >= 0)
        {
            var start = Math.Max(0, at - MaxLocalPart);
            var end = WindowEnd(text, at);
            int next;
            while ((next = signs.Next(at + 1)) >= 0 && next - MaxLocalPart <= end)
            {
                at = next;
                end = WindowEnd(text, at);
            }

            work.RegexRuns++;
            work.RegexChars += end - start;
            foreach (var m in Email.EnumerateMatches(text[start..end]))
            {
                work.Candidates++;
                (found ??= []).Add(new PiiMatch(start + m.Index, m.Length, "email"));
            }

            at = next;
        }
    }

    private static int WindowEnd(ReadOnlySpan<char> text, int at) => Math.Min(text.Length, at + 3 + MaxDomain);

    /// <summary>The next '@' or "%40" at or after a position; each kind is searched once per occurrence.</summary>
    private ref struct AtSigns(ReadOnlySpan<char> text)
    {
        private readonly ReadOnlySpan<char> _text = text;
        private int _sign = -2;
        private int _escaped = -2;

        public int Next(int from)
        {
            if (_sign != -1 && _sign < from)
            {
                _sign = Find(_text, from, "@");
            }

            if (_escaped != -1 && _escaped < from)
            {
                _escaped = Find(_text, from, "%40");
            }

            return _sign < 0 ? _escaped : _escaped < 0 ? _sign : Math.Min(_sign, _escaped);
        }

        private static int Find(ReadOnlySpan<char> text, int from, string what) =>
            from >= text.Length ? -1 : text[from..].IndexOf(what, StringComparison.Ordinal) is var i && i >= 0 ? from + i : -1;
    }
}
