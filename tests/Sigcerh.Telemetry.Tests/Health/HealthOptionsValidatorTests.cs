using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Sigcerh.Telemetry.Health;
using Sigcerh.Telemetry.Tests.TestHost;

namespace Sigcerh.Telemetry.Tests.Health;

public class HealthOptionsValidatorTests
{
    private static string[] Errors(Dictionary<string, string?> config, Action<SigcerhHealthOptions> set)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(config).Build();
        var options = new SigcerhTelemetryOptions();
        set(options.Health);
        var result = new SigcerhHealthOptionsValidator(configuration).Validate(null, options);
        return [.. result.Failures ?? []];
    }

    [Fact]
    public void Defaults_are_valid()
    {
        Assert.Empty(Errors([], _ => { }));
    }

    [Theory]
    [InlineData("BasePath", "health", "SigcerhTelemetry:Health:BasePath")]
    [InlineData("BasePath", "/api/health/", "SigcerhTelemetry:Health:BasePath")]
    [InlineData("CacheSeconds", "-1", "SigcerhTelemetry:Health:CacheSeconds")]
    [InlineData("CheckTimeoutSeconds", "0", "SigcerhTelemetry:Health:CheckTimeoutSeconds")]
    [InlineData("CheckTimeoutSeconds", "11", "SigcerhTelemetry:Health:CheckTimeoutSeconds")]
    [InlineData("DetailLevel", "7", "SigcerhTelemetry:Health:DetailLevel")]
    [InlineData("DiskDegradedPercent", "95", "SigcerhTelemetry:Health:DiskDegradedPercent")]
    [InlineData("MemoryUnhealthyPercent", "120", "SigcerhTelemetry:Health:MemoryUnhealthyPercent")]
    [InlineData("PostgreSqlConnectionsDegradedPercent", "0", "SigcerhTelemetry:Health:PostgreSqlConnectionsDegradedPercent")]
    [InlineData("TelemetryDropWindowSeconds", "0", "SigcerhTelemetry:Health:TelemetryDropWindowSeconds")]
    public void A_bad_value_is_reported_with_its_full_key_and_value(string property, string value, string key)
    {
        var errors = Errors([], h =>
        {
            var p = typeof(SigcerhHealthOptions).GetProperty(property)!;
            p.SetValue(h, p.PropertyType.IsEnum
                ? Enum.ToObject(p.PropertyType, int.Parse(value, System.Globalization.CultureInfo.InvariantCulture))
                : Convert.ChangeType(value, p.PropertyType, System.Globalization.CultureInfo.InvariantCulture));
        });

        var error = Assert.Single(errors);
        Assert.StartsWith(key, error, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Http_dependencies_are_validated_entry_by_entry()
    {
        var errors = Errors(
            new(),
            h =>
            {
                h.HttpDependencies.Add(new SigcerhHealthDependency { Name = "sigcerh-ocr", Url = "http://sigcerh-ocr:8000/health" });
                h.HttpDependencies.Add(new SigcerhHealthDependency { Name = "sigcerh-ocr", Url = "sigcerh-ocr/health", TimeoutSeconds = 30 });
                h.HttpDependencies.Add(new SigcerhHealthDependency { Name = "Disk Check", Url = "http://user:pw@x/health" });
                h.HttpDependencies.Add(new SigcerhHealthDependency { Name = "postgresql", Url = "http://x/health" });
            });

        Assert.Contains(errors, e => e.StartsWith("SigcerhTelemetry:Health:HttpDependencies:1:Name", StringComparison.Ordinal) && e.Contains("'sigcerh-ocr'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("SigcerhTelemetry:Health:HttpDependencies:1:Url", StringComparison.Ordinal) && e.Contains("'sigcerh-ocr/health'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("SigcerhTelemetry:Health:HttpDependencies:1:TimeoutSeconds", StringComparison.Ordinal) && e.Contains("'30'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("SigcerhTelemetry:Health:HttpDependencies:2:Name", StringComparison.Ordinal) && e.Contains("'Disk Check'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("SigcerhTelemetry:Health:HttpDependencies:2:Url", StringComparison.Ordinal) && !e.Contains("pw", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("SigcerhTelemetry:Health:HttpDependencies:3:Name", StringComparison.Ordinal) && e.Contains("'postgresql'", StringComparison.Ordinal));
        Assert.Equal(6, errors.Length);
    }

    [Fact]
    public void A_connection_string_name_that_is_not_configured_is_reported_and_the_key_never_is()
    {
        var errors = Errors([], h =>
        {
            h.PostgreSqlConnectionStringName = "Principal";
            h.DetailKey = "corta";
        });

        Assert.Contains(errors, e => e.StartsWith("SigcerhTelemetry:Health:PostgreSqlConnectionStringName", StringComparison.Ordinal) && e.Contains("'Principal'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("SigcerhTelemetry:Health:DetailKey", StringComparison.Ordinal) && !e.Contains("corta", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_app_refuses_to_start_with_a_bad_health_setting()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["SigcerhTelemetry:Logging:Console"] = "false",
                ["SigcerhTelemetry:Health:DiskUnhealthyPercent"] = "70",
            }));

        Assert.Contains("SigcerhTelemetry:Health:DiskDegradedPercent", ex.Message, StringComparison.Ordinal);
    }
}
