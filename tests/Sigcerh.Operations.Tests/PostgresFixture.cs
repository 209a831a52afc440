using Npgsql;
using Sigcerh.Testing;

namespace Sigcerh.Operations.Tests;

/// <summary>One real PostgreSQL 15 cluster for every test that needs a database; each test makes its own database.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await PostgresCluster.StartNewAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Creates a database with SIGCERH-like tables in two schemas, including an empty table.</summary>
    public async Task<string> CreateSampleDatabaseAsync(string name)
    {
        await Cluster.ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        await Cluster.ExecuteAsync($"CREATE DATABASE {name}");
        await Cluster.ExecuteAsync("""
            CREATE TABLE solicitudes (id bigserial PRIMARY KEY, dni char(8) NOT NULL, tipo text NOT NULL, creada timestamptz DEFAULT now());
            INSERT INTO solicitudes (dni, tipo) SELECT lpad((g * 7919 % 100000000)::text, 8, '0'), 'certificado-estudios' FROM generate_series(1, 1234) g;
            CREATE SCHEMA pagos;
            CREATE TABLE pagos.validaciones (id bigserial PRIMARY KEY, solicitud_id bigint REFERENCES solicitudes(id), monto numeric(8,2));
            INSERT INTO pagos.validaciones (solicitud_id, monto) SELECT g, 15.50 FROM generate_series(1, 321) g;
            CREATE TABLE auditoria_vacia (id int);
            """, name);
        return name;
    }

    public async Task<Dictionary<string, long>> RowCountsAsync(string database)
    {
        var result = new Dictionary<string, long>();
        await using var conn = new NpgsqlConnection(Cluster.ConnectionStringFor(database));
        await conn.OpenAsync();
        var tables = new List<string>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog','information_schema') ORDER BY 1", conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var t in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {t}", conn);
            result[t] = (long)(await count.ExecuteScalarAsync())!;
        }

        return result;
    }
}

[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;
