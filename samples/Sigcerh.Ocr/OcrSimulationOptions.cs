namespace Sigcerh.Ocr;

/// <summary>How long the simulated OCR work takes (section <c>Ocr</c>).</summary>
public sealed class OcrSimulationOptions
{
    /// <summary>Shortest simulated work per request, in seconds, before scaling.</summary>
    public double MinSeconds { get; set; } = 2;

    /// <summary>Longest simulated work per request, in seconds, before scaling.</summary>
    public double MaxSeconds { get; set; } = 12;

    /// <summary>Multiplies every simulated delay; the demo and the tests use 0.05–0.1 to keep the same shape, faster.</summary>
    public double TimeScale { get; set; } = 1;

    /// <summary>Scales a delay in seconds.</summary>
    public TimeSpan Scaled(double seconds) => TimeSpan.FromSeconds(Math.Max(0, seconds * TimeScale));
}
