using System.Globalization;

namespace Sigcerh.Telemetry.Redaction;

/// <summary>
/// The text a non-string log property or span attribute is exported as, for the redactor to read; null when the value
/// provably holds no personal data, decided from its type and magnitude without boxing or allocating.
/// </summary>
internal static class RedactableText
{
    // Below eight digits no built-in rule can match.
    private const double Smallest = 10_000_000;

    public static string? Of(object? value) => value switch
    {
        null or string => null,
        bool or char or byte or sbyte or short or ushort or Enum => null,
        DateTime or DateTimeOffset or TimeSpan or DateOnly or TimeOnly or Guid => null,
        int i => i is >= 10_000_000 or <= -10_000_000 ? i.ToString(CultureInfo.InvariantCulture) : null,
        long l => l is >= 10_000_000 or <= -10_000_000 ? l.ToString(CultureInfo.InvariantCulture) : null,
        uint u => u >= 10_000_000 ? u.ToString(CultureInfo.InvariantCulture) : null,
        ulong u => u >= 10_000_000 ? u.ToString(CultureInfo.InvariantCulture) : null,
        double d => IsLargeWhole(d) ? d.ToString(CultureInfo.InvariantCulture) : null,
        float f => IsLargeWhole(f) ? f.ToString(CultureInfo.InvariantCulture) : null,
        decimal m => Math.Abs(m) >= 10_000_000m ? m.ToString(CultureInfo.InvariantCulture) : null,
        byte[] => null, // written as base64 or hex, never as the digits people read
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    // 45678912.0 prints as "45678912"; a fraction or an exponent never forms a number the rules mask.
    private static bool IsLargeWhole(double d) => Math.Abs(d) is >= Smallest and < 1e21 && Math.Floor(d) == d;
}
