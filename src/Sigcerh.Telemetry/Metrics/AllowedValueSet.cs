using System.Collections.Frozen;

namespace Sigcerh.Telemetry.Metrics;

/// <summary>
/// The cardinality guard of one attribute: a known value maps to its canonical spelling, anything else to
/// <c>other</c>. Lookups allocate nothing, so the increment path stays allocation-free.
/// </summary>
internal sealed class AllowedValueSet
{
    public const string Other = "other";

    private readonly FrozenDictionary<string, string> _canonical;

    public AllowedValueSet(IEnumerable<string> values)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var v in values)
        {
            map.TryAdd(v, v);
        }

        _canonical = map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    public IEnumerable<string> Values => _canonical.Values;

    public string Normalize(string? value) =>
        value is not null && _canonical.TryGetValue(value, out var canonical) ? canonical : Other;
}
