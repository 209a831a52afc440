using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Sigcerh.Telemetry.Health;

/// <summary>Opens a connection and compares client connections with <c>max_connections</c>.</summary>
internal sealed class PostgreSqlHealthCheck(PostgreSqlHealthSource source, IOptions<SigcerhTelemetryOptions> options) : IHealthCheck
{
    private const string Query =
        "SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int, current_setting('max_connections')::int";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var dataSource = source.Get();
        if (dataSource is null)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "No PostgreSQL data source is registered");
        }

        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(Query, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var connections = reader.GetInt32(0);
            var max = reader.GetInt32(1);
            var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["connections"] = connections, ["max"] = max };
            var degradedAt = options.Value.Health.PostgreSqlConnectionsDegradedPercent;
            var percent = max <= 0 ? 0 : 100.0 * connections / max;
            var description = string.Create(CultureInfo.InvariantCulture, $"{connections} of {max} connections in use");
            return percent >= degradedAt
                ? HealthCheckResult.Degraded(description + string.Create(CultureInfo.InvariantCulture, $" (degraded at {degradedAt}%)"), data: data)
                : HealthCheckResult.Healthy(description, data);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            // The message may name the host or user: it reaches the log through the exception only.
            return new HealthCheckResult(context.Registration.FailureStatus, "PostgreSQL is unreachable or did not answer", ex);
        }
    }
}
