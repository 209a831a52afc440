using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Sigcerh.Telemetry.Health;

/// <summary>
/// The data source the PostgreSQL check uses: its own, from a named connection string, or else the app's registered
/// <see cref="NpgsqlDataSource"/>. Its own source has a tiny pool, so health never competes with the app for connections.
/// </summary>
internal sealed class PostgreSqlHealthSource(IServiceProvider services, IConfiguration configuration, IOptions<SigcerhTelemetryOptions> options) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private NpgsqlDataSource? _own;

    public NpgsqlDataSource? Get()
    {
        var h = options.Value.Health;
        if (string.IsNullOrWhiteSpace(h.PostgreSqlConnectionStringName))
        {
            return services.GetService<NpgsqlDataSource>();
        }

        lock (_gate)
        {
            if (_own is null)
            {
                var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString(h.PostgreSqlConnectionStringName));
                builder.ApplicationName ??= "sigcerh-health";
                builder.MaxPoolSize = 2;
                builder.MinPoolSize = 0;
                builder.Timeout = Math.Min(builder.Timeout, h.CheckTimeoutSeconds);
                _own = NpgsqlDataSource.Create(builder);
            }

            return _own;
        }
    }

    public ValueTask DisposeAsync() => _own?.DisposeAsync() ?? ValueTask.CompletedTask;
}
