namespace Sigcerh.Backend.Storage;

/// <summary>Registers the in-memory fallback store.</summary>
public static class StoreRegistration
{
    /// <summary>The in-memory store, and a <c>postgresql</c> health entry that reports "not configured".</summary>
    public static IServiceCollection AddInMemoryApplicationStore(this IServiceCollection services)
    {
        services.AddSingleton<IApplicationStore, InMemoryApplicationStore>();
        services.AddHealthChecks().AddCheck<DatabaseNotConfiguredHealthCheck>("postgresql", tags: ["ready"]);
        return services;
    }
}
