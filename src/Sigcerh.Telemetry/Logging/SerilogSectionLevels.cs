using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Events;

namespace Sigcerh.Telemetry.Logging;

/// <summary>Applies <c>Serilog:MinimumLevel</c> (a level, or <c>Default</c> plus <c>Override</c>) to the pipeline.</summary>
internal static class SerilogSectionLevels
{
    public static void Apply(LoggerConfiguration lc, IConfigurationSection serilog)
    {
        var min = serilog.GetSection("MinimumLevel");
        if (min.Value is { } single)
        {
            lc.MinimumLevel.Is(Parse(min.Path, single));
            return;
        }

        if (min.GetSection("Default").Value is { } level)
        {
            lc.MinimumLevel.Is(Parse(min.Path + ":Default", level));
        }

        foreach (var child in min.GetSection("Override").GetChildren())
        {
            if (child.Value is { } value)
            {
                lc.MinimumLevel.Override(child.Key, Parse(child.Path, value));
            }
        }
    }

    private static LogEventLevel Parse(string key, string value) =>
        Configuration.LogLevels.TryParse(value, out var level)
            ? level
            : throw new InvalidOperationException($"{key} must be a Serilog level name ({Configuration.LogLevels.Names}), but was '{value}'.");
}
