namespace Sigcerh.Telemetry.Health;

/// <summary>Remembers whether the app mapped the endpoints itself, so the startup-filter middleware steps aside.</summary>
internal sealed class HealthEndpointRegistry
{
    private volatile bool _mappedExplicitly;

    public bool MappedExplicitly
    {
        get => _mappedExplicitly;
        set => _mappedExplicitly = value;
    }
}
