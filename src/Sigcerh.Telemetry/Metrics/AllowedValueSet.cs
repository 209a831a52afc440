using System.Collections.Frozen;

namespace Sigcerh.Telemetry.Metrics;

/// <summary>
/// The cardinality guard of one attribute: a known value maps to its canonical spelling, anything else to
/// <c>other</c>. Lookups allocate nothing, so the increment path stays allocation-free.
/// </summary>
internal sealed class AllowedValueSet
{
    public const string Other = "other";

    private readonly string[] _values;
    private readonly FrozenSet<string> _exact;
    private readonly FrozenDictionary<string, string> _canonical;

    public AllowedValueSet(IEnumerable<string> values)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var v in values)
        {
            map.TryAdd(v, v);
        }

        _canonical = map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _values = [.. _canonical.Values];
        _exact = _values.ToFrozenSet(StringComparer.Ordinal);
    }

    public IEnumerable<string> Values => _canonical.Values;

    public string Normalize(string? value)
    {
        if (value is null)
        {
            return Other;
        }

        // Callers almost always pass a literal, and literals are interned: a reference check settles most calls, an
        // ordinal lookup most of the rest, and only odd casing pays for the case-insensitive one.
        foreach (var v in _values)
        {
            if (ReferenceEquals(v, value))
            {
                return v;
            }
        }

        if (_exact.Contains(value))
        {
            return value;
        }

        return _canonical.TryGetValue(value, out var canonical) ? canonical : Other;
    }
}
