using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Sigcerh.Telemetry.Redaction;

/// <summary>
/// The one redactor used by logs and spans. Masks DNI, RUC, carnet de extranjería, emails, Peruvian mobiles and
/// Luhn-valid card numbers, plus configured patterns; trace ids, GUIDs and timestamps are protected. The cost is linear
/// in the value: one pass over its digits, an e-mail regex only around '@', and values longer than
/// <see cref="SigcerhRedactionOptions.MaxValueLength"/> are cut, so no input can keep a request thread busy.
/// </summary>
internal sealed class PiiRedactor
{
    // Names that never carry personal data; RequestId ("0HN...:00000001") would otherwise look like a DNI, and an
    // exception's type name is what errors are grouped and alerted by.
    private static readonly string[] BuiltInAllowed =
        ["TraceId", "SpanId", "ParentId", "RequestId", "ConnectionId", "SourceContext", "EventId", "trace_id", "span_id", "@tr", "@sp", "exception.type"];

    private static readonly TimeSpan CustomTimeout = TimeSpan.FromMilliseconds(200);

    // A cut must not leave half a number or address readable at the end of what is kept.
    private const int CutBackoff = 64;

    // A request's path reaches the redactor as one string instance several times (the request log, the log scope of
    // every event, the span's url.path): a long value just redacted is answered from memory.
    private const int RememberedLength = 256;

    private readonly (string Name, Regex Regex)[] _custom;
    private readonly RedactionMode _mode;
    private readonly byte[] _hashKey;
    private readonly FrozenSet<string> _allowed;
    private readonly int _maxLength;
    private Remembered? _last;

    /// <summary>Builds the redactor from <c>SigcerhTelemetry:Redaction</c>; the options were validated at startup.</summary>
    public PiiRedactor(IOptions<SigcerhTelemetryOptions> options)
        : this(options.Value.Redaction)
    {
    }

    private PiiRedactor(SigcerhRedactionOptions o)
    {
        _mode = RedactionOptionsValidator.ParseMode(o.Mode) ?? RedactionMode.Mask;
        // Only the hash mode needs a key; a random one would load the crypto library at startup for nothing.
        _hashKey = _mode != RedactionMode.Hash ? [] : string.IsNullOrEmpty(o.HashKey) ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(o.HashKey);
        _allowed = BuiltInAllowed.Concat(o.AllowedProperties).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _maxLength = o.MaxValueLength;
        _custom = [.. o.Patterns.Select(p => (p.Key, CustomRegex(p.Value)))];
    }

    /// <summary>Builds a redactor from plain settings (tests and benchmarks).</summary>
    public static PiiRedactor Create(SigcerhRedactionOptions options) => new(options);

    /// <summary>True when values of the property or attribute <paramref name="name"/> are never redacted.</summary>
    public bool IsAllowed(string name) => _allowed.Contains(name);

    /// <summary>Returns the same instance when nothing was masked, so clean values cost no allocation.</summary>
    public string Redact(string value)
    {
        if (value.Length < RememberedLength)
        {
            var work = default(RedactionWork);
            return Redact(value, ref work);
        }

        // One reference read and one write: threads racing here at worst redact the same value twice.
        if (Volatile.Read(ref _last) is { } last && ReferenceEquals(last.Value, value))
        {
            return last.Redacted;
        }

        var longWork = default(RedactionWork);
        var redacted = Redact(value, ref longWork);
        Volatile.Write(ref _last, new Remembered(value, redacted));
        return redacted;
    }

    /// <summary>As <see cref="Redact(string)"/>, counting the work done (tests bound it without a clock).</summary>
    internal string Redact(string value, ref RedactionWork work)
    {
        if (value.Length <= _maxLength)
        {
            return Find(value, ref work, out var found) is { } timeout ? timeout
                : found is null ? value
                : Replace(value, found);
        }

        // Too long to be worth reading whole: keep the start, redacted, and say how much was cut.
        work.Truncated = true;
        var kept = CutPoint(value);
        var head = value.AsSpan(0, kept);
        if (Find(head, ref work, out var headFound) is { } headTimeout)
        {
            return headTimeout;
        }

        var sb = new StringBuilder(kept + 48);
        AppendRedacted(sb, head, headFound);
        sb.Append("…[sigcerh: ").Append(value.Length - kept).Append(" more characters not logged]");
        return sb.ToString();
    }

    // Null, or the text that replaces the whole value when a regex ran out of time (it must not leave unmasked).
    private string? Find(ReadOnlySpan<char> text, ref RedactionWork work, out List<PiiMatch>? found)
    {
        found = null;
        var rule = "redaction";
        try
        {
            DigitScanner.Scan(text, ref found, ref work);
            EmailFinder.Find(text, ref found, ref work);
            foreach (var (name, regex) in _custom)
            {
                rule = name;
                work.RegexRuns++;
                work.RegexChars += text.Length;
                foreach (var m in regex.EnumerateMatches(text))
                {
                    if (m.Length > 0)
                    {
                        work.Candidates++;
                        (found ??= []).Add(new PiiMatch(m.Index, m.Length, name));
                    }
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            found = null;
            return "[" + rule + ":timeout]";
        }

        return null;
    }

    private string Replace(string value, List<PiiMatch> found)
    {
        var sb = new StringBuilder(value.Length);
        AppendRedacted(sb, value, found);
        return sb.ToString();
    }

    // Matches from several finders may overlap (an e-mail holding digits): overlapping ones are masked as one.
    private void AppendRedacted(StringBuilder sb, ReadOnlySpan<char> text, List<PiiMatch>? found)
    {
        if (found is null)
        {
            sb.Append(text);
            return;
        }

        // The digit scanner finds its matches in order; only e-mails or configured patterns can need a sort.
        if (!IsInOrder(found))
        {
            found.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        }

        var at = 0;
        var i = 0;
        while (i < found.Count)
        {
            var first = found[i];
            var end = first.End;
            while (++i < found.Count && found[i].Start < end)
            {
                end = Math.Max(end, found[i].End);
            }

            sb.Append(text[at..first.Start]);
            AppendReplacement(sb, first.Rule, text[first.Start..end]);
            at = end;
        }

        sb.Append(text[at..]);
    }

    private static bool IsInOrder(List<PiiMatch> found)
    {
        for (var i = 1; i < found.Count; i++)
        {
            if (found[i].Start < found[i - 1].Start)
            {
                return false;
            }
        }

        return true;
    }

    private void AppendReplacement(StringBuilder sb, string rule, ReadOnlySpan<char> secret)
    {
        switch (_mode)
        {
            case RedactionMode.Drop:
                sb.Append('[').Append(rule).Append(']');
                break;
            case RedactionMode.Hash:
                sb.Append('[').Append(rule).Append(':').Append(Hash(rule, secret)).Append(']');
                break;
            default:
                sb.Append("***");
                if (secret.Length > 6)
                {
                    sb.Append(secret[^3..]);
                }

                break;
        }
    }

    // Keyed so a DNI cannot be recovered by hashing all 10^8 candidates. Normalized so the same value hashes alike
    // however it was written: a number by its digits alone ("987 654 321", "987-654-321", "987%20654%20321"), an
    // address in lower case with its '@' decoded.
    private string Hash(string rule, ReadOnlySpan<char> secret)
    {
        var normalized = new StringBuilder(secret.Length);
        if (rule is "dni" or "ruc" or "carnet" or "phone" or "card")
        {
            var digits = secret.ToString().Replace("%20", " ", StringComparison.Ordinal);
            foreach (var c in digits)
            {
                if (char.IsAsciiDigit(c))
                {
                    normalized.Append(c);
                }
            }
        }
        else
        {
            foreach (var c in secret.ToString().Replace("%40", "@", StringComparison.Ordinal))
            {
                if (char.IsAsciiLetterOrDigit(c) || c is '@' or '.' or '_' or '-' or '+')
                {
                    normalized.Append(char.ToLowerInvariant(c));
                }
            }
        }

        var mac = HMACSHA256.HashData(_hashKey, Encoding.UTF8.GetBytes(normalized.ToString()));
        return Convert.ToHexStringLower(mac, 0, 6);
    }

    // Backs off to a break that no number or address spans: whitespace or punctuation, except a separator between
    // digits ("987 654 321" and "4111-1111-1111-1111" are kept whole or not at all).
    private int CutPoint(string value)
    {
        var cut = _maxLength;
        var floor = Math.Max(0, cut - CutBackoff);
        while (cut > floor && !IsBreak(value, cut - 1))
        {
            cut--;
        }

        return cut;
    }

    private static bool IsBreak(string value, int i) => value[i] switch
    {
        ' ' or '-' or '.' or '+' or '\u00A0' or '\u202F' => i == 0 || !char.IsAsciiDigit(value[i - 1]),
        ',' or ';' or '/' or '&' or '"' or '\'' or '(' or ')' or '<' or '>' or '=' => true,
        var c => char.IsWhiteSpace(c),
    };

    // A pattern that needs no lookaround or backreference runs non-backtracking, linear in the text; others keep a
    // timeout, and the value is masked whole when it fires.
    private static Regex CustomRegex(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, CustomTimeout);
        }
        catch (NotSupportedException)
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, CustomTimeout);
        }
    }

    private sealed record Remembered(string Value, string Redacted);
}
