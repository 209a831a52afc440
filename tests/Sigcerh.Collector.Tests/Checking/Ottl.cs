using System.Globalization;
using System.Text;

namespace Sigcerh.Collector.Tests.Checking;

/// <summary>A minimal reader for the OTTL statements this project writes: function calls with string arguments.</summary>
public static class Ottl
{
    public sealed record Call(string Function, IReadOnlyList<string> Arguments, IReadOnlyList<string?> StringLiterals);

    /// <summary>
    /// Parses <c>fn(arg, "literal", ...)</c> (optionally followed by a <c>where</c> clause) at the top level of a
    /// statement. String literals are unquoted like Go's <c>strconv.Unquote</c>, which OTTL uses:
    /// an unknown escape such as <c>\d</c> is an error (the regex must be written <c>\\d</c>).
    /// </summary>
    public static Call Parse(string statement)
    {
        var open = statement.IndexOf('(', StringComparison.Ordinal);
        if (open <= 0)
        {
            throw new FormatException($"Not a function call: {statement}");
        }

        var fn = statement[..open].Trim();
        var args = new List<string>();
        var literals = new List<string?>();
        var current = new StringBuilder();
        var depth = 0;
        var i = open + 1;
        for (; i < statement.Length; i++)
        {
            var c = statement[i];
            if (c == '"')
            {
                var (raw, end) = ReadLiteral(statement, i);
                current.Append(raw);
                i = end;
                continue;
            }

            if (c is '(' or '[')
            {
                depth++;
            }
            else if (c is ')' or ']')
            {
                if (depth == 0)
                {
                    break;
                }

                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                args.Add(current.ToString().Trim());
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        if (i >= statement.Length)
        {
            throw new FormatException($"Unbalanced parentheses in: {statement}");
        }

        if (current.Length > 0 || args.Count > 0)
        {
            args.Add(current.ToString().Trim());
        }

        var tail = statement[(i + 1)..].Trim();
        if (tail.Length > 0 && !tail.StartsWith("where ", StringComparison.Ordinal))
        {
            throw new FormatException($"Unexpected text after the call: {tail}");
        }

        foreach (var a in args)
        {
            literals.Add(a.Length >= 2 && a[0] == '"' && a[^1] == '"' ? Unquote(a) : null);
        }

        return new Call(fn, args, literals);
    }

    private static (string Raw, int End) ReadLiteral(string s, int start)
    {
        for (var j = start + 1; j < s.Length; j++)
        {
            if (s[j] == '\\')
            {
                j++;
                continue;
            }

            if (s[j] == '"')
            {
                return (s[start..(j + 1)], j);
            }
        }

        throw new FormatException($"Unterminated string literal in: {s}");
    }

    /// <summary>Go <c>strconv.Unquote</c> for a double-quoted literal.</summary>
    public static string Unquote(string literal)
    {
        var body = literal[1..^1];
        var sb = new StringBuilder();
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] != '\\')
            {
                sb.Append(body[i]);
                continue;
            }

            if (++i >= body.Length)
            {
                throw new FormatException("trailing backslash in string literal");
            }

            var e = body[i];
            switch (e)
            {
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case '\\': sb.Append('\\'); break;
                case '"': sb.Append('"'); break;
                case 'x': sb.Append((char)int.Parse(body.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)); i += 2; break;
                case 'u': sb.Append((char)int.Parse(body.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture)); i += 4; break;
                default:
                    throw new FormatException($@"invalid escape \{e} in OTTL string literal {literal} (write \\{e} for a regex escape)");
            }
        }

        return sb.ToString();
    }
}
