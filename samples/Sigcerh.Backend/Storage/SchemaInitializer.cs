namespace Sigcerh.Backend.Storage;

/// <summary>Creates the schema before the server accepts requests, and says clearly which store is in use.</summary>
public sealed partial class SchemaInitializer(IApplicationStore store, ILogger<SchemaInitializer> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (store is InMemoryApplicationStore)
        {
            LogInMemory(logger);
        }

        await store.InitializeAsync(cancellationToken);
        LogReady(logger, store.Kind);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "ConnectionStrings:Sigcerh no está configurada: se usa un almacén EN MEMORIA (los datos se pierden al reiniciar) " +
        "y el chequeo de salud de PostgreSQL queda como no configurado.")]
    private static partial void LogInMemory(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Almacén de datos listo: {StoreKind}")]
    private static partial void LogReady(ILogger logger, string storeKind);
}
