using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Sigcerh.Telemetry.Redaction;

/// <summary>Fails startup on a bad <c>SigcerhTelemetry:Redaction</c> setting, naming the key and the value.</summary>
internal sealed class RedactionOptionsValidator : IValidateOptions<SigcerhTelemetryOptions>
{
    private const string Prefix = SigcerhTelemetryOptions.SectionName + ":Redaction:";
    private const int MinValueLength = 1024;
    private const int MaxValueLength = 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, SigcerhTelemetryOptions options)
    {
        var o = options.Redaction;
        var errors = new List<string>();
        if (ParseMode(o.Mode) is null)
        {
            errors.Add($"{Prefix}Mode must be 'Mask', 'Hash' or 'Drop', but was '{(int)o.Mode}'.");
        }

        foreach (var (key, pattern) in o.Patterns)
        {
            if (string.IsNullOrWhiteSpace(pattern))
            {
                errors.Add($"{Prefix}Patterns:{key} must be a regular expression, but was '{pattern}'.");
                continue;
            }

            try
            {
                var regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                if (regex.IsMatch(string.Empty))
                {
                    errors.Add($"{Prefix}Patterns:{key} must not match empty text (it would mask nothing and everything), but was '{pattern}'.");
                }
            }
            catch (ArgumentException e)
            {
                errors.Add($"{Prefix}Patterns:{key} is not a valid .NET regular expression, but was '{pattern}': {e.Message}");
            }
        }

        if (o.MaxValueLength is < MinValueLength or > MaxValueLength)
        {
            errors.Add($"{Prefix}MaxValueLength must be between {MinValueLength} and {MaxValueLength} characters, but was '{o.MaxValueLength}'.");
        }

        for (var i = 0; i < o.AllowedProperties.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(o.AllowedProperties[i]))
            {
                errors.Add($"{Prefix}AllowedProperties:{i} must be a property name, but was '{o.AllowedProperties[i]}'.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    // The binder takes a number for an enum ("7") even when no member has that value.
    public static RedactionMode? ParseMode(SigcerhRedactionMode mode) => Enum.IsDefined(mode) ? (RedactionMode)(int)mode : null;
}
