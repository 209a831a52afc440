using System.Collections;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Sigcerh.Testing;

namespace Sigcerh.Telemetry.Tests.Configuration;

/// <summary>
/// The <c>ConfigurationSchema.json</c> the package ships (IntelliSense for the <c>SigcerhTelemetry</c> section) is
/// compared with the options types: every public settable property is there with its JSON type, enum words and
/// default, and nothing else is. Run with <c>SIGCERH_UPDATE_SCHEMA=1</c> to rewrite it from the types and their XML
/// documentation.
/// </summary>
public sealed partial class ConfigurationSchemaTests
{
    private static readonly string SchemaPath = RepoPaths.Combine("src", "Sigcerh.Telemetry", "ConfigurationSchema.json");

    // Keys that take one of a few words but are still strings in the options types.
    private static readonly Dictionary<string, string[]> Words = new(StringComparer.Ordinal)
    {
        ["SigcerhTelemetry:Logging:MinimumLevel"] = ["Verbose", "Debug", "Information", "Warning", "Error", "Fatal"],
        ["SigcerhTelemetry:Logging:Overrides:*"] = ["Verbose", "Debug", "Information", "Warning", "Error", "Fatal"],
    };

    [Fact]
    public void The_shipped_schema_matches_the_options_types()
    {
        var expected = Expected(descriptions: Environment.GetEnvironmentVariable("SIGCERH_UPDATE_SCHEMA") == "1");
        if (Environment.GetEnvironmentVariable("SIGCERH_UPDATE_SCHEMA") == "1")
        {
            File.WriteAllText(SchemaPath, expected.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        }

        var shipped = JsonNode.Parse(File.ReadAllText(SchemaPath))!;
        var problems = new List<string>();
        Compare(expected, shipped, "$", problems);
        Assert.True(problems.Count == 0, "ConfigurationSchema.json differs from the options types (SIGCERH_UPDATE_SCHEMA=1 rewrites it):\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_package_ships_the_schema_and_registers_it_for_appsettings_files()
    {
        var project = File.ReadAllText(RepoPaths.Combine("src", "Sigcerh.Telemetry", "Sigcerh.Telemetry.csproj"));
        Assert.Contains("PackagePath=\"ConfigurationSchema.json\"", project, StringComparison.Ordinal);
        Assert.Contains("PackagePath=\"buildTransitive/Sigcerh.Telemetry.targets\"", project, StringComparison.Ordinal);
        var targets = XDocument.Load(RepoPaths.Combine("src", "Sigcerh.Telemetry", "buildTransitive", "Sigcerh.Telemetry.targets"));
        var segment = Assert.Single(targets.Descendants("JsonSchemaSegment"));
        Assert.EndsWith("ConfigurationSchema.json", segment.Attribute("Include")!.Value, StringComparison.Ordinal);
        Assert.Matches("appsettings", segment.Attribute("FilePathPattern")!.Value);
    }

    [Fact]
    public void The_comparison_catches_a_missing_property_a_wrong_type_and_an_extra_one()
    {
        var expected = Expected(descriptions: false);
        var broken = JsonNode.Parse(File.ReadAllText(SchemaPath))!;
        var logging = broken["properties"]!["SigcerhTelemetry"]!["properties"]!["Logging"]!["properties"]!.AsObject();
        logging.Remove("BufferSize");
        logging["RetainedDays"]!["type"] = "string";
        logging["Colour"] = new JsonObject { ["type"] = "string", ["description"] = "x" };
        var problems = new List<string>();
        Compare(expected, broken, "$", problems);
        Assert.Contains(problems, p => p.Contains("BufferSize", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("RetainedDays", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Colour", StringComparison.Ordinal));
    }

    private static JsonObject Expected(bool descriptions)
    {
        var docs = descriptions ? Docs() : null;
        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                [SigcerhTelemetryOptions.SectionName] = ObjectSchema(typeof(SigcerhTelemetryOptions), new SigcerhTelemetryOptions(), SigcerhTelemetryOptions.SectionName, docs),
            },
        };
    }

    private static JsonObject ObjectSchema(Type type, object? instance, string path, Dictionary<string, string>? docs)
    {
        var properties = new JsonObject();
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (typeof(Delegate).IsAssignableFrom(p.PropertyType))
            {
                continue; // Code-only hooks cannot be configured.
            }

            var schema = Schema(p.PropertyType, p.GetValue(instance), $"{path}:{p.Name}", docs);
            schema["description"] = docs?.GetValueOrDefault($"P:{type.FullName}.{p.Name}") ?? "(from the XML documentation)";
            properties[p.Name] = schema;
        }

        return new JsonObject { ["type"] = "object", ["properties"] = properties, ["additionalProperties"] = false };
    }

    private static JsonObject Schema(Type type, object? value, string path, Dictionary<string, string>? docs)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsEnum)
        {
            return Scalar("string", value?.ToString(), Enum.GetNames(t));
        }

        if (t == typeof(string))
        {
            return Scalar("string", value, Words.GetValueOrDefault(path));
        }

        if (t == typeof(bool))
        {
            return Scalar("boolean", value);
        }

        if (t == typeof(int))
        {
            return Scalar("integer", value);
        }

        if (t == typeof(double))
        {
            return Scalar("number", value);
        }

        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = Schema(t.GetGenericArguments()[1], null, path + ":*", docs) };
        }

        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>))
        {
            var item = t.GetGenericArguments()[0];
            var items = item.IsClass && item != typeof(string) ? ObjectSchema(item, Activator.CreateInstance(item), path + ":*", docs) : Schema(item, null, path + ":*", docs);
            return new JsonObject { ["type"] = "array", ["items"] = items };
        }

        if (t.IsClass && !typeof(IEnumerable).IsAssignableFrom(t))
        {
            return ObjectSchema(t, value, path, docs);
        }

        throw new InvalidOperationException($"No JSON schema type for {t} at {path}.");
    }

    private static JsonObject Scalar(string type, object? value, string[]? words = null)
    {
        var node = new JsonObject { ["type"] = type };
        if (words is not null)
        {
            node["enum"] = new JsonArray([.. words.Select(w => (JsonNode)JsonValue.Create(w)!)]);
        }

        if (value is not null)
        {
            node["default"] = value switch
            {
                bool b => JsonValue.Create(b),
                int i => JsonValue.Create(i),
                double d => JsonValue.Create(d),
                _ => JsonValue.Create(value.ToString()),
            };
        }

        return node;
    }

    private static void Compare(JsonNode expected, JsonNode? actual, string at, List<string> problems)
    {
        if (actual is null)
        {
            problems.Add($"{at}: missing");
            return;
        }

        if (expected is JsonObject e)
        {
            if (actual is not JsonObject a)
            {
                problems.Add($"{at}: should be an object");
                return;
            }

            foreach (var (key, child) in e)
            {
                if (key == "description")
                {
                    if (a["description"]?.GetValue<string>() is not { Length: > 0 })
                    {
                        problems.Add($"{at}: has no description");
                    }

                    continue;
                }

                Compare(child!, a[key], $"{at}.{key}", problems);
            }

            foreach (var (key, _) in a)
            {
                if (!e.ContainsKey(key))
                {
                    problems.Add($"{at}.{key}: not in the options types");
                }
            }

            return;
        }

        if (!JsonNode.DeepEquals(expected, actual))
        {
            problems.Add($"{at}: should be {expected.ToJsonString()}, is {actual.ToJsonString()}");
        }
    }

    // Summaries of the package's XML documentation, tags flattened to text.
    private static Dictionary<string, string> Docs()
    {
        var xml = Path.ChangeExtension(typeof(SigcerhTelemetryOptions).Assembly.Location, ".xml");
        return XDocument.Load(xml).Descendants("member")
            .Where(m => m.Element("summary") is not null)
            .ToDictionary(
                m => m.Attribute("name")!.Value,
                m => Spaces().Replace(string.Concat(m.Element("summary")!.Nodes().Select(Text)), " ").Trim(),
                StringComparer.Ordinal);

        static string Text(XNode node) => node switch
        {
            XText t => t.Value,
            XElement { Name.LocalName: "see" } s => s.Attribute("cref")?.Value.Split('.').Last() ?? s.Attribute("langword")?.Value ?? s.Value,
            XElement el => string.Concat(el.Nodes().Select(Text)),
            _ => string.Empty,
        };
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
