using Sigcerh.Testing;

namespace Sigcerh.Telemetry.Tests.TestHost;

/// <summary>One PostgreSQL cluster shared by the tests of a collection, started on first use.</summary>
public sealed class RealServers : IAsyncLifetime
{
    public const string Name = "Real servers";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private PostgresCluster? _postgres;

    public async Task<PostgresCluster> PostgresAsync()
    {
        await _gate.WaitAsync();
        try
        {
            return _postgres ??= await PostgresCluster.StartNewAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        _gate.Dispose();
    }
}

[CollectionDefinition(RealServers.Name)]
public sealed class RealServersCollection : ICollectionFixture<RealServers>;
