using Npgsql;

namespace Sigcerh.Backend.Storage;

/// <summary>Keeps the data in PostgreSQL through the shared <see cref="NpgsqlDataSource"/> (traced by the package).</summary>
public sealed class PostgresApplicationStore(NpgsqlDataSource dataSource) : IApplicationStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS solicitudes (
            id            bigserial PRIMARY KEY,
            tipo          text        NOT NULL,
            nombre        text        NOT NULL,
            dni           char(8)     NOT NULL,
            email         text        NOT NULL,
            estado        text        NOT NULL,
            creado_en     timestamptz NOT NULL DEFAULT now(),
            texto_ocr     text
        );
        CREATE INDEX IF NOT EXISTS solicitudes_dni ON solicitudes (dni);
        CREATE TABLE IF NOT EXISTS pagos (
            id            bigserial PRIMARY KEY,
            solicitud_id  bigint      NOT NULL REFERENCES solicitudes (id),
            metodo        text        NOT NULL,
            monto         numeric(10, 2) NOT NULL,
            operacion     text        NOT NULL,
            aprobado      boolean     NOT NULL,
            creado_en     timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS certificados (
            id            bigserial PRIMARY KEY,
            solicitud_id  bigint      NOT NULL REFERENCES solicitudes (id),
            tipo          text        NOT NULL,
            codigo        text        NOT NULL UNIQUE,
            emitido_en    timestamptz NOT NULL DEFAULT now()
        );
        """;

    private const string Columns = "id, tipo, nombre, dni, email, estado, creado_en, texto_ocr";

    /// <inheritdoc />
    public string Kind => "postgresql";

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand(Schema);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<CertificateApplication> CreateAsync(NewApplication application, CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand(
            $"INSERT INTO solicitudes (tipo, nombre, dni, email, estado) VALUES ($1, $2, $3, $4, $5) RETURNING {Columns}");
        cmd.Parameters.AddWithValue(application.ApplicationType);
        cmd.Parameters.AddWithValue(application.CitizenName);
        cmd.Parameters.AddWithValue(application.Dni);
        cmd.Parameters.AddWithValue(application.Email);
        cmd.Parameters.AddWithValue(ApplicationStatus.Registered);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Read(reader);
    }

    /// <inheritdoc />
    public async Task<CertificateApplication?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {Columns} FROM solicitudes WHERE id = $1");
        cmd.Parameters.AddWithValue(id);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CertificateApplication>> FindByDniAsync(string dni, CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {Columns} FROM solicitudes WHERE dni = $1 ORDER BY id");
        cmd.Parameters.AddWithValue(dni);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<CertificateApplication>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    /// <inheritdoc />
    public async Task SaveOcrTextAsync(long id, string text, CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand("UPDATE solicitudes SET texto_ocr = $2 WHERE id = $1");
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(text);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task RecordPaymentAsync(PaymentRequest payment, bool approved, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        var insert = new NpgsqlBatchCommand(
            "INSERT INTO pagos (solicitud_id, metodo, monto, operacion, aprobado) VALUES ($1, $2, $3, $4, $5)");
        insert.Parameters.AddWithValue(payment.ApplicationId);
        insert.Parameters.AddWithValue(payment.Method);
        insert.Parameters.AddWithValue(payment.Amount);
        insert.Parameters.AddWithValue(payment.OperationNumber);
        insert.Parameters.AddWithValue(approved);
        batch.BatchCommands.Add(insert);
        if (approved)
        {
            var update = new NpgsqlBatchCommand("UPDATE solicitudes SET estado = $2 WHERE id = $1");
            update.Parameters.AddWithValue(payment.ApplicationId);
            update.Parameters.AddWithValue(ApplicationStatus.Paid);
            batch.BatchCommands.Add(update);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IssuedCertificate> IssueAsync(long applicationId, string certificateType, CancellationToken cancellationToken)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        await using var insert = new NpgsqlCommand(
            "INSERT INTO certificados (solicitud_id, tipo, codigo) " +
            "VALUES ($1, $2, 'CERT-' || to_char(now(), 'YYYY') || '-' || lpad(nextval('certificados_id_seq')::text, 6, '0')) " +
            "RETURNING id, codigo, emitido_en", conn, tx);
        insert.Parameters.AddWithValue(applicationId);
        insert.Parameters.AddWithValue(certificateType);
        long id;
        string code;
        DateTime issuedAt;
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            id = reader.GetInt64(0);
            code = reader.GetString(1);
            issuedAt = reader.GetDateTime(2);
        }

        await using var update = new NpgsqlCommand("UPDATE solicitudes SET estado = $2 WHERE id = $1", conn, tx);
        update.Parameters.AddWithValue(applicationId);
        update.Parameters.AddWithValue(ApplicationStatus.Issued);
        await update.ExecuteNonQueryAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return new IssuedCertificate(id, applicationId, certificateType, code,
            new DateTimeOffset(DateTime.SpecifyKind(issuedAt, DateTimeKind.Utc)));
    }

    private static CertificateApplication Read(NpgsqlDataReader r) => new(
        r.GetInt64(0),
        r.GetString(1),
        r.GetString(2),
        r.GetString(3).Trim(),
        r.GetString(4),
        r.GetString(5),
        new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(6), DateTimeKind.Utc)),
        r.IsDBNull(7) ? null : r.GetString(7));
}
