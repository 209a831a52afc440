using YamlDotNet.RepresentationModel;

namespace Sigcerh.Collector.Tests.Conformance;

/// <summary>
/// Walks a config node against a key schema of the facts file: unknown keys, YAML types, allowed values,
/// deprecated and removed keys. Values that are environment references are typed at run time, so only their
/// presence is checked.
/// </summary>
internal sealed class SchemaChecker(string file, List<ConformanceFinding> findings, Func<string, bool>? knownMetric = null)
{
    public void Check(YamlNode node, YamlNode? schema, string where)
    {
        if (schema is null)
        {
            return;
        }

        var (type, spec) = schema switch
        {
            YamlScalarNode s => (s.Value ?? "any", (YamlMappingNode?)null),
            YamlMappingNode m => (m.Str("type") ?? (m.Get("keys") is not null ? "map" : "any"), m),
            _ => ("any", null),
        };

        if (spec?.Str("removed") is { } removed)
        {
            findings.Add(new(Rule.RemovedKey, file, where, $"removed upstream: {removed}"));
            return;
        }

        if (spec?.Str("deprecated") is { } replacement)
        {
            findings.Add(new(Rule.DeprecatedKey, file, where, $"deprecated upstream; use '{replacement}' ({spec.Str("note")})"));
        }

        if (node is YamlScalarNode sc && (sc.Value ?? string.Empty).Contains("${", StringComparison.Ordinal))
        {
            return;
        }

        switch (type)
        {
            case "any":
                return;
            case "map":
                CheckMap(node, spec, where);
                return;
            case "metric_toggles":
                CheckToggles(node, where);
                return;
            case "list":
                if (node is not YamlSequenceNode seq)
                {
                    findings.Add(new(Rule.WrongType, file, where, $"expected a list, found {Yaml.Describe(node)}"));
                    return;
                }

                for (var i = 0; i < seq.Children.Count; i++)
                {
                    Check(seq.Children[i], spec?.Get("items"), $"{where}[{i}]");
                }

                return;
            default:
                CheckScalar(node, type, spec, where);
                return;
        }
    }

    private void CheckMap(YamlNode node, YamlMappingNode? spec, string where)
    {
        if (node is not YamlMappingNode map)
        {
            if (node is YamlScalarNode { Value: null or "" } || node is YamlScalarNode { Value: "{}" })
            {
                return;
            }

            findings.Add(new(Rule.WrongType, file, where, $"expected a map, found {Yaml.Describe(node)}"));
            return;
        }

        var keys = spec?.Get("keys") as YamlMappingNode;
        var anyKeys = spec?.Get("any_keys");
        foreach (var (k, v) in map.Children)
        {
            var name = Yaml.Key(k);
            var path = where.Length == 0 ? name : $"{where}.{name}";
            if (anyKeys is not null)
            {
                Check(v, anyKeys, path);
            }
            else if (keys is not null && keys.Get(name) is { } sub)
            {
                Check(v, sub, path);
            }
            else if (keys is not null)
            {
                findings.Add(new(Rule.UnknownKey, file, path, $"'{name}' is not a key of the pinned version (facts list: {string.Join(", ", keys.Children.Keys.Select(Yaml.Key))})"));
            }
        }
    }

    private void CheckToggles(YamlNode node, string where)
    {
        if (node is not YamlMappingNode map)
        {
            findings.Add(new(Rule.WrongType, file, where, $"expected a map of metric names, found {Yaml.Describe(node)}"));
            return;
        }

        foreach (var (k, v) in map.Children)
        {
            var metric = Yaml.Key(k);
            if (knownMetric is not null && !knownMetric(metric))
            {
                findings.Add(new(Rule.UnknownKey, file, $"{where}.{metric}", $"'{metric}' is not a metric of this component in the facts"));
            }

            if (v is not YamlMappingNode toggle || toggle.Children.Keys.Select(Yaml.Key).Any(x => x != "enabled"))
            {
                findings.Add(new(Rule.UnknownKey, file, $"{where}.{metric}", "a metric toggle takes only 'enabled'"));
                continue;
            }

            CheckScalar(toggle.Get("enabled")!, "bool", null, $"{where}.{metric}.enabled");
        }
    }

    private void CheckScalar(YamlNode node, string type, YamlMappingNode? spec, string where)
    {
        if (node is not YamlScalarNode s)
        {
            findings.Add(new(Rule.WrongType, file, where, $"expected {type}, found {Yaml.Describe(node)}"));
            return;
        }

        var actual = Yaml.ScalarType(s);
        var ok = type switch
        {
            "string" => actual is "string",
            "int" => actual is "int",
            "float" => actual is "int" or "float",
            "bool" => actual is "bool",
            "duration" => actual is "string" && Yaml.IsDuration(s.Value!) || s.Value == "0",
            _ => true,
        };
        if (!ok)
        {
            findings.Add(new(Rule.WrongType, file, where, $"expected {type}, found {Yaml.Describe(s)} (strict decoding rejects it)"));
            return;
        }

        if (spec?.Get("values") is YamlSequenceNode allowed && allowed.Children.OfType<YamlScalarNode>().All(a => a.Value != s.Value))
        {
            findings.Add(new(Rule.BadValue, file, where, $"'{s.Value}' is not one of [{string.Join(", ", allowed.Children.OfType<YamlScalarNode>().Select(a => a.Value))}]"));
        }
    }
}
