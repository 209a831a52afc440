using System.Globalization;
using System.Text;

namespace Sigcerh.Collector.Tests;

/// <summary>Converts the Go reference-time layouts used in the config to .NET formats, to check them against real lines.</summary>
internal static class GoTime
{
    private static readonly (string Go, string Net)[] Tokens =
    [
        ("2006", "yyyy"), (".999999999", ".FFFFFFF") /* Go takes up to 9 digits; .NET parses up to 7, as many as the package writes */, (".000000", ".ffffff"), (".000", ".fff"),
        ("Z07:00", "K"), ("-07:00", "zzz"), ("01", "MM"), ("02", "dd"), ("15", "HH"), ("04", "mm"), ("05", "ss"),
    ];

    public static string ToDotNet(string layout)
    {
        var sb = new StringBuilder();
        var i = 0;
        while (i < layout.Length)
        {
            var token = Tokens.FirstOrDefault(t => layout.AsSpan(i).StartsWith(t.Go, StringComparison.Ordinal));
            if (token.Go is not null)
            {
                sb.Append(token.Net);
                i += token.Go.Length;
                continue;
            }

            if (char.IsAsciiDigit(layout[i]))
            {
                throw new NotSupportedException($"Go layout token at '{layout[i..]}' is not handled");
            }

            sb.Append('\'').Append(layout[i]).Append('\'');
            i++;
        }

        return sb.ToString();
    }

    public static DateTimeOffset Parse(string value, string goLayout) =>
        DateTimeOffset.ParseExact(value, ToDotNet(goLayout), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
