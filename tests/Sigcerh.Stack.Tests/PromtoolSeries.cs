using System.Globalization;
using System.Text.RegularExpressions;

namespace Sigcerh.Stack.Tests;

/// <summary>
/// Expands the `values` notation of promtool's input series (the grammar of promql/parser/generated_parser.y,
/// series_item, at v2.42.0): `_` one missing sample, `_xN` N missing, `a` one value, `axN` N+1 copies, `a+bxN` /
/// `a-bxN` N+1 values, `stale` a staleness marker.
/// </summary>
internal static class PromtoolSeries
{
    private const string Number = @"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:Inf|inf|NaN|nan)";

    private static readonly Regex Item = new(
        @"^(?:(?<blank>_)(?:x(?<n>\d+))?|(?<stale>stale)|(?<v>" + Number + @")(?:(?<step>[-+](?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?))?(?:x(?<n>\d+))?)$");

    /// <summary>The present samples: index (time = index × interval) and whether it is a staleness marker.</summary>
    public static IReadOnlyList<(int Index, bool Stale)> Samples(string values)
    {
        var result = new List<(int, bool)>();
        var index = 0;
        foreach (var token in values.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var m = Item.Match(token);
            if (!m.Success)
            {
                throw new FormatException($"promtool series value '{token}' in '{values}' is not understood");
            }

            var n = m.Groups["n"].Success ? int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture) : -1;
            if (m.Groups["blank"].Success)
            {
                index += n < 0 ? 1 : n;
                continue;
            }

            if (m.Groups["stale"].Success)
            {
                result.Add((index++, true));
                continue;
            }

            if (m.Groups["step"].Success && n < 0)
            {
                throw new FormatException($"promtool series value '{token}': a step needs a repeat count");
            }

            var count = n < 0 ? 1 : n + 1;
            for (var i = 0; i < count; i++)
            {
                result.Add((index++, false));
            }
        }

        return result;
    }
}
