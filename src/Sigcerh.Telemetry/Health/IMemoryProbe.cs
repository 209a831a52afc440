namespace Sigcerh.Telemetry.Health;

/// <summary>Measures memory use; replaceable in tests.</summary>
internal interface IMemoryProbe
{
    MemoryUsage Measure();
}
