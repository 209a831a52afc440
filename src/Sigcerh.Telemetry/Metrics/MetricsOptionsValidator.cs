using System.Globalization;
using Microsoft.Extensions.Options;

namespace Sigcerh.Telemetry.Metrics;

/// <summary>Fails startup on a bad business-metrics setting, naming the key and the value.</summary>
internal sealed class MetricsOptionsValidator : IValidateOptions<SigcerhTelemetryOptions>
{
    /// <summary>More values than this per attribute would defeat the cardinality guard.</summary>
    public const int MaxAllowedValues = 50;

    /// <summary>The bound the issue sets on remembered users.</summary>
    public const int MaxTrackedUsersLimit = 100_000;

    private const string Prefix = SigcerhTelemetryOptions.SectionName + ":Metrics:";

    public ValidateOptionsResult Validate(string? name, SigcerhTelemetryOptions options)
    {
        var o = options.Metrics;
        var errors = new List<string>();
        foreach (var (attribute, values) in o.AllowedValues)
        {
            var key = $"{Prefix}AllowedValues:{attribute}";
            if (!SigcerhInstruments.DefaultAllowedValues.ContainsKey(attribute))
            {
                errors.Add($"{key} names no guarded attribute (use {string.Join(", ", SigcerhInstruments.DefaultAllowedValues.Keys)}), but was '{attribute}'.");
                continue;
            }

            if (values.Count > MaxAllowedValues)
            {
                errors.Add($"{key} may hold at most {MaxAllowedValues} values, but had {values.Count.ToString(CultureInfo.InvariantCulture)}.");
            }

            for (var i = 0; i < values.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(values[i]) || values[i].Length > 64)
                {
                    errors.Add($"{key}:{i} must be a short non-empty value, but was '{values[i]}'.");
                }
            }
        }

        var max = o.ActiveUsers.MaxTrackedUsers;
        if (max is < 1 or > MaxTrackedUsersLimit)
        {
            errors.Add($"{Prefix}ActiveUsers:MaxTrackedUsers must be within [1, {MaxTrackedUsersLimit}], but was '{max.ToString(CultureInfo.InvariantCulture)}'.");
        }

        for (var i = 0; i < o.ActiveUsers.ClaimTypes.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(o.ActiveUsers.ClaimTypes[i]))
            {
                errors.Add($"{Prefix}ActiveUsers:ClaimTypes:{i} must be a claim type, but was '{o.ActiveUsers.ClaimTypes[i]}'.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
