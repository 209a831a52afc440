using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Sigcerh.Collector.Tests.Checking;

/// <summary>
/// Checks that a pattern is valid RE2 (the engine of Go's regexp, used by the collector) and translates it
/// to an equivalent .NET regex, so the tests can compile and run it. RE2 has no lookaround, no
/// backreferences, no atomic groups or possessive quantifiers; those are rejected. Perl classes keep
/// RE2's ASCII meaning (<c>\d</c> is <c>[0-9]</c>, <c>\w</c> is <c>[0-9A-Za-z_]</c>, <c>\b</c> is an
/// ASCII word boundary) and <c>$</c> without <c>(?m)</c> only matches at the end of the text.
/// </summary>
public static class Re2
{
    private const string Word = "0-9A-Za-z_";

    public static Regex Compile(string re2Pattern)
    {
        var problems = new List<string>();
        var translated = Translate(re2Pattern, problems);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Not a valid RE2 pattern /{re2Pattern}/: {string.Join("; ", problems)}");
        }

        return new Regex(translated, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2));
    }

    /// <summary>Returns the problems (empty when the pattern is valid RE2 and compiles in .NET).</summary>
    public static IReadOnlyList<string> Validate(string re2Pattern)
    {
        var problems = new List<string>();
        var translated = Translate(re2Pattern, problems);
        if (problems.Count == 0)
        {
            try
            {
                _ = new Regex(translated, RegexOptions.CultureInvariant);
            }
            catch (ArgumentException e)
            {
                problems.Add(e.Message);
            }
        }

        return problems;
    }

    public static string Translate(string p, List<string> problems)
    {
        var sb = new StringBuilder();
        var multiline = p.Contains("(?m", StringComparison.Ordinal) || Regex.IsMatch(p, @"\(\?[a-zA-Z]*m[a-zA-Z]*[:)]");
        var depth = 0;
        var i = 0;
        while (i < p.Length)
        {
            var c = p[i];
            if (c == '\\')
            {
                i = Escape(p, i, sb, problems, inClass: false);
                continue;
            }

            if (c == '[')
            {
                i = CharClass(p, i, sb, problems);
                continue;
            }

            if (c == '(')
            {
                depth++;
                if (p.AsSpan(i).StartsWith("(?"))
                {
                    var rest = p.AsSpan(i + 2);
                    if (rest.StartsWith("=") || rest.StartsWith("!") || rest.StartsWith("<=") || rest.StartsWith("<!"))
                    {
                        problems.Add($"lookaround at {i} is not supported by RE2");
                    }
                    else if (rest.StartsWith(">"))
                    {
                        problems.Add($"atomic group at {i} is not supported by RE2");
                    }
                    else if (rest.StartsWith("("))
                    {
                        problems.Add($"conditional at {i} is not supported by RE2");
                    }
                    else if (rest.StartsWith("P="))
                    {
                        problems.Add($"named backreference at {i} is not supported by RE2");
                    }
                    else if (rest.StartsWith("P<"))
                    {
                        sb.Append("(?<");
                        i += 4;
                        continue;
                    }
                    else if (rest.StartsWith("<") || rest.StartsWith(":"))
                    {
                        // named group (Go 1.22+) or non-capturing group
                    }
                    else if (rest.StartsWith("'"))
                    {
                        problems.Add($"(?'name') groups are not RE2 syntax (at {i})");
                    }
                    else
                    {
                        var j = i + 2;
                        while (j < p.Length && p[j] is not (')' or ':'))
                        {
                            if ("imsU-".IndexOf(p[j], StringComparison.Ordinal) < 0)
                            {
                                problems.Add($"unknown flag '{p[j]}' at {j}");
                            }
                            else if (p[j] == 'U')
                            {
                                problems.Add("the ungreedy flag (?U) has no .NET equivalent; avoid it");
                            }

                            j++;
                        }
                    }
                }

                sb.Append(c);
                i++;
                continue;
            }

            if (c == ')')
            {
                depth--;
            }

            if (c is '*' or '+' or '?' or '}' && i + 1 < p.Length && p[i + 1] == '+')
            {
                problems.Add($"possessive quantifier at {i} is not supported by RE2");
            }

            if (c == '{' && !Regex.IsMatch(p[i..], @"^\{\d+(,\d*)?\}"))
            {
                // RE2 treats a brace that does not start a repetition as a literal.
                sb.Append(@"\{");
                i++;
                continue;
            }

            if (c == '$' && !multiline)
            {
                sb.Append(@"\z");
                i++;
                continue;
            }

            sb.Append(c);
            i++;
        }

        if (depth != 0)
        {
            problems.Add("unbalanced parentheses");
        }

        return sb.ToString();
    }

    private static int Escape(string p, int i, StringBuilder sb, List<string> problems, bool inClass)
    {
        if (i + 1 >= p.Length)
        {
            problems.Add("trailing backslash");
            return i + 1;
        }

        var e = p[i + 1];
        switch (e)
        {
            case 'd': sb.Append(inClass ? "0-9" : "[0-9]"); return i + 2;
            case 'D': sb.Append(inClass ? @"\x00-/:-\uFFFF" : "[^0-9]"); return i + 2;
            case 'w': sb.Append(inClass ? Word : $"[{Word}]"); return i + 2;
            case 'W':
                if (inClass)
                {
                    problems.Add(@"\W inside a character class is not translated by this checker");
                }

                sb.Append($"[^{Word}]");
                return i + 2;
            case 's': sb.Append(inClass ? @"\t\n\f\r " : @"[\t\n\f\r ]"); return i + 2;
            case 'S': sb.Append(inClass ? @"\x00-\x08\x0B\x0E-\x1F!-\uFFFF" : @"[^\t\n\f\r ]"); return i + 2;
            case 'b' when !inClass:
                sb.Append($"(?:(?<=[{Word}])(?![{Word}])|(?<![{Word}])(?=[{Word}]))");
                return i + 2;
            case 'B' when !inClass:
                sb.Append($"(?:(?<=[{Word}])(?=[{Word}])|(?<![{Word}])(?![{Word}]))");
                return i + 2;
            case 'A' or 'z' when !inClass: sb.Append('\\').Append(e); return i + 2;
            case 'Z' or 'G' or 'k' or 'K' or 'R' or 'X' or 'h' or 'H' or 'V' or 'e' or 'c':
                problems.Add($@"\{e} is not supported by RE2");
                return i + 2;
            case >= '1' and <= '9':
                problems.Add($@"backreference \{e} is not supported by RE2");
                return i + 2;
            case '0':
                problems.Add(@"\0 (octal) is not accepted; use \x00");
                return i + 2;
            case 'Q':
                {
                    var end = p.IndexOf(@"\E", i + 2, StringComparison.Ordinal);
                    var literal = end < 0 ? p[(i + 2)..] : p[(i + 2)..end];
                    sb.Append(Regex.Escape(literal));
                    return end < 0 ? p.Length : end + 2;
                }

            case 'x' when i + 2 < p.Length && p[i + 2] == '{':
                {
                    var end = p.IndexOf('}', i + 3);
                    var hex = end < 0 ? string.Empty : p[(i + 3)..end];
                    if (!int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var cp) || cp > 0xFFFF)
                    {
                        problems.Add($@"\x{{{hex}}} is outside what this checker translates");
                        return end < 0 ? p.Length : end + 1;
                    }

                    sb.Append(CultureInfo.InvariantCulture, $@"\u{cp:X4}");
                    return end + 1;
                }

            case 'p' or 'P' when i + 2 < p.Length && p[i + 2] != '{':
                sb.Append('\\').Append(e).Append('{').Append(p[i + 2]).Append('}');
                return i + 3;
            default:
                if (char.IsLetter(e) && "pPnrtfvaxAz".IndexOf(e, StringComparison.Ordinal) < 0)
                {
                    problems.Add($@"unknown escape \{e}");
                }

                sb.Append('\\').Append(e);
                return i + 2;
        }
    }

    private static int CharClass(string p, int i, StringBuilder sb, List<string> problems)
    {
        sb.Append('[');
        var j = i + 1;
        if (j < p.Length && p[j] == '^')
        {
            sb.Append('^');
            j++;
        }

        var first = true;
        while (j < p.Length && (p[j] != ']' || first))
        {
            first = false;
            if (p.AsSpan(j).StartsWith("[:"))
            {
                var end = p.IndexOf(":]", j, StringComparison.Ordinal);
                var name = end < 0 ? string.Empty : p[(j + 2)..end];
                var ascii = name switch
                {
                    "alpha" => "A-Za-z",
                    "digit" => "0-9",
                    "alnum" => "0-9A-Za-z",
                    "upper" => "A-Z",
                    "lower" => "a-z",
                    "space" => @"\t\n\v\f\r ",
                    "xdigit" => "0-9A-Fa-f",
                    "word" => Word,
                    "punct" => @"!-/:-@\[-`{-~",
                    _ => null,
                };
                if (ascii is null)
                {
                    problems.Add($"unknown POSIX class [:{name}:]");
                    return end < 0 ? p.Length : end + 2;
                }

                sb.Append(ascii);
                j = end + 2;
                continue;
            }

            if (p[j] == '\\')
            {
                j = Escape(p, j, sb, problems, inClass: true);
                continue;
            }

            if (p[j] == '[')
            {
                sb.Append(@"\[");
                j++;
                continue;
            }

            if (p[j] == '-' && j + 1 < p.Length && p[j + 1] == '[')
            {
                problems.Add(".NET character class subtraction syntax is not RE2");
            }

            sb.Append(p[j]);
            j++;
        }

        if (j >= p.Length)
        {
            problems.Add("missing closing ] of a character class");
            return p.Length;
        }

        sb.Append(']');
        return j + 1;
    }

    /// <summary>
    /// Translates a Go <c>Regexp.Expand</c> replacement template (<c>$1</c>, <c>${1}</c>, <c>$name</c>,
    /// <c>$$</c>) to a .NET replacement string. In Go, <c>$1x</c> means the group named <c>1x</c>.
    /// </summary>
    public static string TranslateReplacement(string template)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] != '$')
            {
                sb.Append(template[i]);
                continue;
            }

            if (i + 1 < template.Length && template[i + 1] == '$')
            {
                sb.Append("$$");
                i++;
                continue;
            }

            if (i + 1 < template.Length && template[i + 1] == '{')
            {
                var end = template.IndexOf('}', i);
                AppendGroup(sb, template[(i + 2)..end]);
                i = end;
                continue;
            }

            var j = i + 1;
            while (j < template.Length && (char.IsAsciiLetterOrDigit(template[j]) || template[j] == '_'))
            {
                j++;
            }

            if (j == i + 1)
            {
                sb.Append("$$");
                continue;
            }

            AppendGroup(sb, template[(i + 1)..j]);
            i = j - 1;
        }

        return sb.ToString();
    }

    // Go expands a group reference that is neither a number nor a valid name to the empty string.
    private static void AppendGroup(StringBuilder sb, string name)
    {
        if (name.All(char.IsAsciiDigit) || (name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')))
        {
            sb.Append("${").Append(name).Append('}');
        }
    }
}
