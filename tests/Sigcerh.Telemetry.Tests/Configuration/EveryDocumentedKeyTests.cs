using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Sigcerh.Telemetry.Configuration;
using Sigcerh.Telemetry.Tests.TestHost;
using Sigcerh.Testing;

namespace Sigcerh.Telemetry.Tests.Configuration;

/// <summary>
/// Every key the README documents, with a bad value: startup fails naming the key and the value, or, where the
/// OpenTelemetry specification asks for it, the value is ignored with one warning. The README is parsed, so a key added
/// there without a row here (or the other way round) fails.
/// </summary>
public sealed partial class EveryDocumentedKeyTests
{
    private const string S = "SigcerhTelemetry:";

    /// <summary>Documented key (as the README writes it), the key set, the bad value, and what must be named instead of the value for secrets.</summary>
    public static readonly TheoryData<string, string, string, string?> BadSectionValues = new()
    {
        { "ServiceName", S + "ServiceName", "sigcerh\nbackend", null },
        { "ServiceVersion", S + "ServiceVersion", "   ", null },
        { "ServiceNamespace", S + "ServiceNamespace", "sig\u0007cerh", null },
        { "Environment", S + "Environment", " ", null },
        { "ResourceAttributes:<name>", S + "ResourceAttributes:team", "ugel\u0001", null },
        { "UseStartupFilter", S + "UseStartupFilter", "maybe", null },
        { "ShutdownTimeoutSeconds", S + "ShutdownTimeoutSeconds", "0", null },
        { "Logging:Console", S + "Logging:Console", "yes", null },
        { "Logging:File", S + "Logging:File", "si", null },
        { "Logging:Directory", S + "Logging:Directory", "   ", null },
        { "Logging:FilePrefix", S + "Logging:FilePrefix", "logs/app", null },
        { "Logging:FileSizeLimitMegabytes", S + "Logging:FileSizeLimitMegabytes", "0", null },
        { "Logging:RetainedDays", S + "Logging:RetainedDays", "-3", null },
        { "Logging:MinimumLevel", S + "Logging:MinimumLevel", "6", null },
        { "Logging:Overrides:<namespace>", S + "Logging:Overrides:Npgsql", "7", null },
        { "Logging:RequestLogging", S + "Logging:RequestLogging", "on", null },
        { "Logging:BufferSize", S + "Logging:BufferSize", "many", null },
        { "Tracing:Enabled", S + "Tracing:Enabled", "enabled", null },
        { "Tracing:SamplingRatio", S + "Tracing:SamplingRatio", "1.5", null },
        { "Tracing:Sources:<n>", S + "Tracing:Sources:0", "  ", null },
        { "Tracing:ExcludedPaths:<n>", S + "Tracing:ExcludedPaths:0", "metrics", null },
        { "Metrics:Enabled", S + "Metrics:Enabled", "enabled", null },
        { "Metrics:ExportIntervalSeconds", S + "Metrics:ExportIntervalSeconds", "0", null },
        { "Metrics:Meters:<n>", S + "Metrics:Meters:0", " ", null },
        { "Otlp:Endpoint", S + "Otlp:Endpoint", "collector:4317", null },
        { "Otlp:Protocol", S + "Otlp:Protocol", "7", null },
        { "Otlp:Headers", S + "Otlp:Headers", "authorization", "authorization".Substring(0, 4) + "***" },
        { "Otlp:TimeoutSeconds", S + "Otlp:TimeoutSeconds", "2147484", null },
        { "Otlp:QueueSize", S + "Otlp:QueueSize", "0", null },
        { "Otlp:BatchSize", S + "Otlp:BatchSize", "-1", null },
        { "Otlp:ExportDelayMilliseconds", S + "Otlp:ExportDelayMilliseconds", "soon", null },
        { "Redaction:Enabled", S + "Redaction:Enabled", "off", null },
        { "Health:Enabled", S + "Health:Enabled", "si", null },
        { "Health:BasePath", S + "Health:BasePath", "health", null },
        { "Health:CacheSeconds", S + "Health:CacheSeconds", "-1", null },
        { "Health:CheckTimeoutSeconds", S + "Health:CheckTimeoutSeconds", "0", null },
        { "Health:EndpointTimeoutSeconds", S + "Health:EndpointTimeoutSeconds", "0", null },
        { "Health:BackgroundIntervalSeconds", S + "Health:BackgroundIntervalSeconds", "-5", null },
        { "Health:DetailLevel", S + "Health:DetailLevel", "7", null },
        { "Health:DetailKey", S + "Health:DetailKey", "short-secret", "12 characters long" },
        { "Health:TrustLoopback", S + "Health:TrustLoopback", "maybe", null },
        { "Health:DiskDegradedPercent", S + "Health:DiskDegradedPercent", "150", null },
        { "Health:DiskUnhealthyPercent", S + "Health:DiskUnhealthyPercent", "0", null },
        { "Health:DiskPaths:<label>", S + "Health:DiskPaths:data", " ", null },
        { "Health:MemoryDegradedPercent", S + "Health:MemoryDegradedPercent", "0", null },
        { "Health:MemoryUnhealthyPercent", S + "Health:MemoryUnhealthyPercent", "101", null },
        { "Health:PostgreSqlEnabled", S + "Health:PostgreSqlEnabled", "nope", null },
        { "Health:PostgreSqlConnectionStringName", S + "Health:PostgreSqlConnectionStringName", "missing-db", null },
        { "Health:PostgreSqlConnectionsDegradedPercent", S + "Health:PostgreSqlConnectionsDegradedPercent", "0", null },
        { "Health:TelemetryDropWindowSeconds", S + "Health:TelemetryDropWindowSeconds", "0", null },
        { "Health:HttpDependencies:<n>:Name", S + "Health:HttpDependencies:0:Name", "OCR Service", null },
        { "Health:HttpDependencies:<n>:Url", S + "Health:HttpDependencies:0:Url", "ftp://ocr/health", null },
        { "Health:HttpDependencies:<n>:TimeoutSeconds", S + "Health:HttpDependencies:0:TimeoutSeconds", "0", null },
        { "Health:HttpDependencies:<n>:Required", S + "Health:HttpDependencies:0:Required", "sometimes", null },
        { "Metrics:AllowedValues:<attribute>:<n>", S + "Metrics:AllowedValues:sigcerh.payment.method:0", "   ", null },
        { "Metrics:ActiveUsers:TrackRequests", S + "Metrics:ActiveUsers:TrackRequests", "always", null },
        { "Metrics:ActiveUsers:MaxTrackedUsers", S + "Metrics:ActiveUsers:MaxTrackedUsers", "0", null },
        { "Metrics:ActiveUsers:ClaimTypes:<n>", S + "Metrics:ActiveUsers:ClaimTypes:0", "  ", null },
        { "Redaction:Mode", S + "Redaction:Mode", "7", null },
        { "Redaction:MaxValueLength", S + "Redaction:MaxValueLength", "100", null },
        { "Redaction:HashKey", S + "Redaction:HashKey", "clave", "5 characters long" },
        { "Redaction:Patterns:<name>", S + "Redaction:Patterns:expediente", "([0-9", null },
        { "Redaction:AllowedProperties:<n>", S + "Redaction:AllowedProperties:0", " ", null },
    };

    /// <summary>Every variable with a malformed value, and whether the specification asks to warn and ignore it instead of failing.</summary>
    public static readonly TheoryData<string, string, bool> BadVariableValues = Variables();

    [Theory]
    [MemberData(nameof(BadSectionValues))]
    public async Task A_bad_section_value_fails_startup_naming_the_key_and_the_value(string documented, string key, string value, string? namedInstead)
    {
        Assert.False(string.IsNullOrEmpty(documented));
        var config = new Dictionary<string, string?> { [S + "Logging:Console"] = "false", [key] = value };
        if (key.Contains("HttpDependencies", StringComparison.Ordinal))
        {
            config.TryAdd(S + "Health:HttpDependencies:0:Name", "ocr");
            config.TryAdd(S + "Health:HttpDependencies:0:Url", "http://127.0.0.1:1/health");
        }

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(config));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.Contains(namedInstead ?? $"'{value}'", ex.Message, StringComparison.Ordinal);
        if (namedInstead is not null)
        {
            Assert.DoesNotContain(value, ex.Message.Replace(key, string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(BadVariableValues))]
    public async Task A_malformed_variable_fails_startup_naming_it_or_is_ignored_with_a_warning_where_the_specification_asks(string variable, string value, bool warns)
    {
        var config = new Dictionary<string, string?> { [S + "Logging:Console"] = "false", [S + "Otlp:Endpoint"] = "http://127.0.0.1:4317", [variable] = value };
        if (variable == OtelVariables.TracesSamplerArg)
        {
            config[OtelVariables.TracesSampler] = "traceidratio";
        }

        if (!warns)
        {
            var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(config));
            Assert.Contains(variable, ex.Message, StringComparison.Ordinal);
            Assert.Contains(variable.Contains("HEADERS", StringComparison.Ordinal) ? value[..4] + "***" : value, ex.Message, StringComparison.Ordinal);
            return;
        }

        var app = await TestApp.StartAsync(config);
        await app.StopAsync();
        var warning = Assert.Single(LogFiles.ReadEvents(app.LogDirectory), e => LogFiles.Template(e).StartsWith("Configuration value ignored", StringComparison.Ordinal));
        Assert.Equal("Warning", LogFiles.Level(warning));
        Assert.Contains(variable, LogFiles.Prop(warning, "Reason"), StringComparison.Ordinal);
        Assert.Contains($"'{value}'", LogFiles.Prop(warning, "Reason"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_table_covers_every_key_the_readme_documents_and_nothing_else()
    {
        var documented = ReadmeKeys(["### `SigcerhTelemetry` keys", "### `SigcerhTelemetry:Health` keys", "### Business meter and redaction keys"]);
        var tested = BadSectionValues.Select(row => (string)row[0]).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(documented.Order(StringComparer.Ordinal), tested.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_readme_lists_every_variable_the_package_reads_and_the_table_tests_each()
    {
        var documented = ReadmeKeys(["### Standard OpenTelemetry variables"]);
        var read = OtelVariables.All.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(read.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
        Assert.Equal(read.Order(StringComparer.Ordinal), BadVariableValues.Select(r => (string)r[0]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_unknown_key_in_every_section_fails_startup_naming_its_full_path_and_value()
    {
        foreach (var section in new[] { string.Empty, "Logging:", "Tracing:", "Metrics:", "Metrics:ActiveUsers:", "Otlp:", "Health:", "Health:HttpDependencies:0:", "Redaction:" })
        {
            var key = S + section + "Tipo";
            var config = new Dictionary<string, string?> { [S + "Logging:Console"] = "false", [key] = "x1" };
            if (section.Contains("HttpDependencies", StringComparison.Ordinal))
            {
                config[S + "Health:HttpDependencies:0:Name"] = "ocr";
                config[S + "Health:HttpDependencies:0:Url"] = "http://127.0.0.1:1/health";
            }

            var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(config));
            Assert.True(ex.Message.Split($"'{key}'").Length == 2, $"'{key}' should be named exactly once: {ex.Message}");
            Assert.Contains("'x1'", ex.Message, StringComparison.Ordinal);
        }
    }

    private static TheoryData<string, string, bool> Variables()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var v in OtelVariables.All)
        {
            var (value, warns) = v.Kind switch
            {
                OtelKind.Text => ("sigcerh\u0007ocr", false),
                OtelKind.KeyValueList => ("team=ugel,norte", false),
                OtelKind.Boolean => ("yes", true),
                OtelKind.Choice => ("http/json", true),
                OtelKind.Ratio => ("1.5", false),
                OtelKind.Uri => ("collector:4317", false),
                OtelKind.Headers => ("x-api-key:abc123", false),
                OtelKind.Milliseconds => ("10s", false),
                OtelKind.Count => ("0", false),
                OtelKind.File => ("/nonexistent/ca.pem", false),
                _ => throw new InvalidOperationException(v.Name),
            };
            data.Add(v.Name, value, warns);
        }

        return data;
    }

    private static HashSet<string> ReadmeKeys(string[] headings)
    {
        var lines = File.ReadAllLines(RepoPaths.Combine("README.md"));
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var heading in headings)
        {
            var start = Array.FindIndex(lines, l => l.StartsWith(heading, StringComparison.Ordinal));
            Assert.True(start >= 0, $"README has no heading '{heading}'");
            foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("#", StringComparison.Ordinal)))
            {
                if (!line.StartsWith("| `", StringComparison.Ordinal) || line.Contains("(code only)", StringComparison.Ordinal))
                {
                    continue;
                }

                var first = line.Split('|')[1];
                keys.UnionWith(BacktickPattern().Matches(first).Select(m => m.Groups[1].Value));
            }
        }

        return keys;
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex BacktickPattern();
}
