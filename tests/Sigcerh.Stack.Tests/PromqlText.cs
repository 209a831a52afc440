using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Sigcerh.Stack.Tests;

/// <summary>
/// The little PromQL reading the rule guards need: durations, range windows and instant selectors. A text scan, not a
/// parser: it rejects the constructs it does not model (offset, @, subqueries around instant selectors).
/// </summary>
internal static class PromqlText
{
    /// <summary>Prometheus' default lookback delta (the same in 2.42 and 3.x).</summary>
    public static readonly TimeSpan LookbackDelta = TimeSpan.FromMinutes(5);

    private const string DurationPattern = @"(?:\d+(?:ms|[smhdwy]))+";

    private static readonly Regex Window = new(@"\[(?<range>" + DurationPattern + @")(?<step>:(?:" + DurationPattern + @")?)?\]");
    private static readonly Regex DurationPart = new(@"(?<n>\d+)(?<u>ms|[smhdwy])");
    private static readonly Regex Braces = new(@"\{[^{}]*\}");
    private static readonly Regex StringLiteral = new(@"""(?:[^""\\]|\\.)*""");
    private static readonly Regex Grouping = new(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)");
    private static readonly Regex Token = new(@"(?<![\w.:])(?<id>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<b>\{#\d+\})?|(?<b>\{#\d+\})");
    private static readonly Regex NameMatcher = new(@"__name__\s*(?<op>=~|=)\s*""(?<v>(?:[^""\\]|\\.)*)""");
    private static readonly Regex Subquery = new(@"\[" + DurationPattern + ":");
    private static readonly Regex AnnotationQuery = new(@"\bquery\s+""(?<q>(?:[^""\\]|\\.)*)""");

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "bool", "by", "without", "on", "ignoring", "group_left", "group_right", "offset",
        "inf", "nan", "Inf", "NaN", "start", "end", "atan2",
    };

    public static TimeSpan ParseDuration(string text)
    {
        var total = 0L;
        var consumed = 0;
        foreach (Match m in DurationPart.Matches(text))
        {
            var n = long.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
            total += n * m.Groups["u"].Value switch
            {
                "ms" => 1L,
                "s" => 1_000L,
                "m" => 60_000L,
                "h" => 3_600_000L,
                "d" => 86_400_000L,
                "w" => 604_800_000L,
                _ => 31_536_000_000L,
            };
            consumed += m.Length;
        }

        if (consumed != text.Length || consumed == 0)
        {
            throw new FormatException($"not a Prometheus duration: '{text}'");
        }

        return TimeSpan.FromMilliseconds(total);
    }

    /// <summary>A duration in Prometheus' compound notation (2d23h59m59s999ms), accepted by 2.42 and 3.x.</summary>
    public static string FormatDuration(TimeSpan d)
    {
        var ms = (long)d.TotalMilliseconds;
        var sb = new StringBuilder();
        foreach (var (unit, size) in new[] { ("d", 86_400_000L), ("h", 3_600_000L), ("m", 60_000L), ("s", 1_000L), ("ms", 1L) })
        {
            if (ms >= size)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{ms / size}{unit}");
                ms %= size;
            }
        }

        return sb.Length == 0 ? "0s" : sb.ToString();
    }

    /// <summary>
    /// Every range and subquery window `[R]` / `[R:S]` shortened by 1 ms. Prometheus 3 selects (t-R, t]; 2.x selects
    /// [t-R, t]. With sample and evaluation times on whole milliseconds, 2.x selecting [t-R+1ms, t] takes exactly the
    /// samples 3.x takes, so promtool 2.42 on the shrunk text reproduces Prometheus 3's selection.
    /// </summary>
    public static string ShrinkWindows(string text, out int count)
    {
        var n = 0;
        var result = Window.Replace(text, m =>
        {
            n++;
            var shrunk = ParseDuration(m.Groups["range"].Value) - TimeSpan.FromMilliseconds(1);
            return "[" + FormatDuration(shrunk) + m.Groups["step"].Value + "]";
        });
        count = n;
        return result;
    }

    /// <summary>The PromQL strings of `query "..."` calls in an alert template.</summary>
    public static IEnumerable<string> AnnotationQueries(string template) =>
        AnnotationQuery.Matches(template).Select(m => Regex.Unescape(m.Groups["q"].Value));

    /// <summary>
    /// The instant vector selectors of an expression (those read through the lookback delta, not a range): each as the
    /// metric name, or the `__name__` matcher it selects by. Throws on constructs whose evaluation times the guards
    /// do not model.
    /// </summary>
    public static IReadOnlyList<Regex> InstantSelectors(string expr)
    {
        if (Regex.IsMatch(expr, @"\boffset\b|@"))
        {
            throw new NotSupportedException($"offset and @ are not modelled by the rule guards: {expr}");
        }

        var braces = new List<string>();
        var text = StringLiteral.Replace(Braces.Replace(expr, m =>
        {
            braces.Add(m.Value);
            return "{#" + (braces.Count - 1).ToString(CultureInfo.InvariantCulture) + "}";
        }), "\"\"");
        text = Grouping.Replace(text, " ");

        var selectors = new List<Regex>();
        foreach (Match m in Token.Matches(text))
        {
            var id = m.Groups["id"].Success ? m.Groups["id"].Value : null;
            if (id is not null && Keywords.Contains(id))
            {
                continue;
            }

            var next = NextNonSpace(text, m.Index + m.Length);
            if (next == '(' && !m.Groups["b"].Success)
            {
                continue; // a function or aggregation
            }

            if (next == '[')
            {
                continue; // a range selector
            }

            selectors.Add(SelectorName(id, m.Groups["b"].Success ? braces[int.Parse(m.Groups["b"].Value[2..^1], CultureInfo.InvariantCulture)] : null, expr));
        }

        if (selectors.Count > 0 && Subquery.IsMatch(expr))
        {
            throw new NotSupportedException($"an instant selector inside an expression with a subquery is not modelled by the rule guards: {expr}");
        }

        return selectors;
    }

    private static Regex SelectorName(string? id, string? braces, string expr)
    {
        if (id is not null)
        {
            return new Regex("^" + Regex.Escape(id) + "$");
        }

        var name = braces is null ? null : NameMatcher.Match(braces);
        if (name is not { Success: true })
        {
            throw new NotSupportedException($"a selector without a metric name is not modelled by the rule guards: {expr}");
        }

        var value = Regex.Unescape(name.Groups["v"].Value);
        return new Regex("^(?:" + (name.Groups["op"].Value == "=" ? Regex.Escape(value) : value) + ")$");
    }

    private static char NextNonSpace(string text, int from)
    {
        for (var i = from; i < text.Length; i++)
        {
            if (!char.IsWhiteSpace(text[i]))
            {
                return text[i];
            }
        }

        return '\0';
    }
}
