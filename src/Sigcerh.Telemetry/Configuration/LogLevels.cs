using Serilog.Events;

namespace Sigcerh.Telemetry.Configuration;

/// <summary>
/// Serilog level names only. <c>Enum.TryParse</c> also takes numbers, and "6" parses to a level above Fatal that
/// silently turns off every log event.
/// </summary>
internal static class LogLevels
{
    public const string Names = "Verbose, Debug, Information, Warning, Error, Fatal";

    public static bool TryParse(string? value, out LogEventLevel level)
    {
        level = default;
        var text = value?.Trim();
        return !string.IsNullOrEmpty(text) && !char.IsAsciiDigit(text[0]) && text[0] != '-' && text[0] != '+'
            && Enum.TryParse(text, ignoreCase: true, out level) && Enum.IsDefined(level);
    }
}
