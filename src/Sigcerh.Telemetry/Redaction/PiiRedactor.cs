using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Sigcerh.Telemetry.Redaction;

/// <summary>
/// The one redactor used by logs and spans. Masks DNI, RUC, carnet de extranjería, emails, Peruvian mobiles and
/// Luhn-valid card numbers, plus configured patterns. Trace ids, GUIDs and timestamps are protected.
/// </summary>
internal sealed partial class PiiRedactor
{
    // Names that never carry personal data; RequestId ("0HN...:00000001") would otherwise look like a DNI.
    private static readonly string[] BuiltInAllowed =
        ["TraceId", "SpanId", "ParentId", "RequestId", "ConnectionId", "SourceContext", "EventId", "trace_id", "span_id", "@tr", "@sp"];

    private static readonly TimeSpan CustomTimeout = TimeSpan.FromMilliseconds(200);

    private readonly PiiRule[] _rules;
    private readonly bool _hasCustom;
    private readonly RedactionMode _mode;
    private readonly byte[] _hashKey;
    private readonly FrozenSet<string> _allowed;

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

        var rules = new List<PiiRule>
        {
            new("email", Email(), PiiTrigger.Email),
            new("card", CardCandidate(), PiiTrigger.Digits, Validate: IsLuhnValid),
            new("ruc", Ruc(), PiiTrigger.Digits),
            new("carnet", CarnetWithKeyword(), PiiTrigger.Digits, NumberOnly: true),
            new("phone", Mobile(), PiiTrigger.Digits),
            new("carnet", CarnetStandalone(), PiiTrigger.Digits),
            new("dni", Dni(), PiiTrigger.Digits),
        };
        foreach (var (name, pattern) in o.Patterns)
        {
            rules.Add(new(name, new Regex(pattern, RegexOptions.CultureInvariant, CustomTimeout), PiiTrigger.Always));
        }

        _rules = [.. rules];
        _hasCustom = o.Patterns.Count > 0;
    }

    /// <summary>Builds a redactor from plain settings (tests and benchmarks).</summary>
    public static PiiRedactor Create(SigcerhRedactionOptions options) => new(options);

    /// <summary>True when values of the property or attribute <paramref name="name"/> are never redacted.</summary>
    public bool IsAllowed(string name) => _allowed.Contains(name);

    /// <summary>Returns the same instance when nothing was masked, so clean values cost no allocation.</summary>
    public string Redact(string value)
    {
        // Cheap pre-filter: every built-in digit rule needs 8 digits in a row (single spaces or dashes allowed between
        // them, as in "987 654 321"), emails need '@' (or its URL escape). Addresses and ports ("127.0.0.1:25432") pass.
        var email = value.Contains('@') || value.Contains("%40", StringComparison.Ordinal);
        var digits = HasDigitRun(value, 8);
        if (!email && !digits && !_hasCustom)
        {
            return value;
        }

        List<PiiMatch>? found = null;
        foreach (var rule in _rules)
        {
            if ((rule.Trigger == PiiTrigger.Email && !email) || (rule.Trigger == PiiTrigger.Digits && !digits))
            {
                continue;
            }

            try
            {
                FindMatches(value, rule, ref found);
            }
            catch (RegexMatchTimeoutException)
            {
                // A configured pattern that backtracks badly must not let the text out unmasked.
                return "[" + rule.Name + ":timeout]";
            }
        }

        return found is null ? value : Replace(value, found);
    }

    private static void FindMatches(string value, PiiRule rule, ref List<PiiMatch>? found)
    {
        foreach (var m in rule.Regex.EnumerateMatches(value))
        {
            var start = m.Index;
            var length = m.Length;
            if (length == 0)
            {
                continue;
            }

            if (rule.NumberOnly)
            {
                // Only the number is personal data; keep the keyword readable.
                var digitsAt = value.AsSpan(start, length).IndexOfAnyInRange('0', '9');
                start += digitsAt;
                length -= digitsAt;
            }

            if (rule.Validate is { } validate && !validate(value.AsSpan(start, length)))
            {
                continue;
            }

            if (Overlaps(found, start, length) || IsProtected(value, start, length))
            {
                continue;
            }

            (found ??= []).Add(new PiiMatch(start, length, rule.Name));
        }
    }

    private static bool Overlaps(List<PiiMatch>? found, int start, int length)
    {
        if (found is null)
        {
            return false;
        }

        foreach (var f in found)
        {
            if (start < f.Start + f.Length && f.Start < start + length)
            {
                return true;
            }
        }

        return false;
    }

    // Trace ids, GUIDs, timestamps and Kestrel request ids can hold digit runs that look like a DNI or a card; they are never personal data.
    private static bool IsProtected(string value, int start, int length)
    {
        foreach (var m in Protected().EnumerateMatches(value))
        {
            if (start < m.Index + m.Length && m.Index < start + length)
            {
                return true;
            }
        }

        return false;
    }

    private string Replace(string value, List<PiiMatch> found)
    {
        found.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var sb = new StringBuilder(value.Length);
        var at = 0;
        foreach (var f in found)
        {
            sb.Append(value, at, f.Start - at);
            AppendReplacement(sb, f.Rule, value.AsSpan(f.Start, f.Length));
            at = f.Start + f.Length;
        }

        sb.Append(value, at, value.Length - at);
        return sb.ToString();
    }

    private void AppendReplacement(StringBuilder sb, string rule, ReadOnlySpan<char> secret)
    {
        switch (_mode)
        {
            case RedactionMode.Drop:
                sb.Append('[').Append(rule).Append(']');
                break;
            case RedactionMode.Hash:
                sb.Append('[').Append(rule).Append(':').Append(Hash(secret)).Append(']');
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

    // Keyed so a DNI cannot be recovered by hashing all 10^8 candidates; normalized so "987 654 321" = "987654321".
    private string Hash(ReadOnlySpan<char> secret)
    {
        var normalized = new StringBuilder(secret.Length);
        foreach (var c in secret)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '@' or '.' or '_' or '-' or '+')
            {
                normalized.Append(char.ToLowerInvariant(c));
            }
        }

        var mac = HMACSHA256.HashData(_hashKey, Encoding.UTF8.GetBytes(normalized.ToString()));
        return Convert.ToHexStringLower(mac, 0, 6);
    }

    /// <summary>True when <paramref name="value"/> holds <paramref name="count"/> digits in a row, counting across
    /// single spaces or dashes between digits.</summary>
    internal static bool HasDigitRun(string value, int count)
    {
        var span = value.AsSpan();
        int i;
        while ((i = span.IndexOfAnyInRange('0', '9')) >= 0)
        {
            span = span[i..];
            var n = 0;
            var j = 0;
            while (j < span.Length)
            {
                if (char.IsAsciiDigit(span[j]))
                {
                    if (++n >= count)
                    {
                        return true;
                    }

                    j++;
                }
                else if (span[j] is ' ' or '-' && j + 1 < span.Length && char.IsAsciiDigit(span[j + 1]))
                {
                    j++;
                }
                else
                {
                    break;
                }
            }

            span = span[j..];
        }

        return false;
    }

    internal static bool IsLuhnValid(ReadOnlySpan<char> candidate)
    {
        var sum = 0;
        var digits = 0;
        for (var i = candidate.Length - 1; i >= 0; i--)
        {
            var c = candidate[i];
            if (!char.IsAsciiDigit(c))
            {
                continue;
            }

            var d = c - '0';
            if ((digits++ & 1) == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return digits is >= 13 and <= 19 && sum % 10 == 0;
    }

    /// <summary>Formats an integer property value so the digit rules can see it; null when it is too short to matter.</summary>
    internal static string? IntegerText(object? value) => value switch
    {
        int i when i is >= 10_000_000 or <= -10_000_000 => i.ToString(CultureInfo.InvariantCulture),
        long l when l is >= 10_000_000 or <= -10_000_000 => l.ToString(CultureInfo.InvariantCulture),
        uint u when u >= 10_000_000 => u.ToString(CultureInfo.InvariantCulture),
        ulong u when u >= 10_000_000 => u.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    [GeneratedRegex(@"[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}(?:@|%40)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Email();

    // 13 to 19 digits, single spaces or dashes allowed between them; Luhn decides.
    [GeneratedRegex(@"(?<!\w)\d(?:[ \-]?\d){12,18}(?!\w)", RegexOptions.CultureInvariant)]
    private static partial Regex CardCandidate();

    [GeneratedRegex(@"(?<!\w)(?:10|15|16|17|20)\d{9}(?!\w)", RegexOptions.CultureInvariant)]
    private static partial Regex Ruc();

    [GeneratedRegex(@"\b(?:carn[eé]t(?:\s+de\s+extranjer[ií]a)?|c\.\s?e\.?|ce)\s*(?:n\.?\s*[°º]?\s*|nro\.?\s*|:\s*|\#\s*)?\d{9,12}(?!\w)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex CarnetWithKeyword();

    // Carnets are issued as 9 digits with leading zeros.
    [GeneratedRegex(@"(?<!\w)00\d{7}(?!\w)", RegexOptions.CultureInvariant)]
    private static partial Regex CarnetStandalone();

    // 9 digits starting with 9, grouped 3-3-3 or not, optionally after +51, (+51), 51 or a URL-escaped %2B51.
    [GeneratedRegex(@"(?<!\w)(?:(?:\+|%2B)?\(?(?:\+|%2B)?51\)?[ \-]?)?9\d{2}([ \-]?)\d{3}\1\d{3}(?!\w)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Mobile();

    // 8 digits standing alone; a trailing "-8" check digit is allowed, a decimal part is not.
    [GeneratedRegex(@"(?<!\w|\d\.)\d{8}(?!\w|\.\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Dni();

    [GeneratedRegex(
        @"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
        + @"|(?<![0-9a-fA-F])[0-9a-fA-F]{32}(?![0-9a-fA-F])"
        + @"|\b0H[0-9A-Z]{10,13}:[0-9A-F]{8}\b" // Kestrel request id: connection id and an 8-digit counter
        + @"|(?<![\d\-])\d{4}-[01]\d-[0-3]\d(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+\-]\d{2}:?\d{2})?)?(?!\d)",
        RegexOptions.CultureInvariant)]
    private static partial Regex Protected();
}
