using Npgsql;
using Sigcerh.Backend;
using Sigcerh.Backend.Ocr;
using Sigcerh.Backend.Storage;
using Sigcerh.Telemetry;

var builder = WebApplication.CreateBuilder(args);

// The only telemetry line: logs, traces, metrics, health (/api/health), redaction and OTLP export, from appsettings.json.
builder.AddSigcerhTelemetry();

// PostgreSQL through one NpgsqlDataSource, so the package's health check and Npgsql tracing see it.
// Without a connection string the backend still runs, on an in-memory store (announced at startup).
var connectionString = builder.Configuration.GetConnectionString("Sigcerh");
if (!string.IsNullOrWhiteSpace(connectionString))
{
    builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString) { Name = "sigcerh" }.Build());
    builder.Services.AddSingleton<IApplicationStore, PostgresApplicationStore>();
}
else
{
    // Its health entry "postgresql" then reads "not configured".
    builder.Services.AddInMemoryApplicationStore();
}

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHostedService<SchemaInitializer>();
builder.Services.AddHttpClient<OcrClient>(http =>
{
    http.BaseAddress = new Uri(builder.Configuration["Ocr:BaseUrl"] ?? "http://127.0.0.1:5101/");
    http.Timeout = TimeSpan.FromSeconds(builder.Configuration.GetValue("Ocr:TimeoutSeconds", 60));
});

var app = builder.Build();
var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sigcerh.Backend.Api");

// Create an application ("solicitud"). The citizen's name, DNI and email are logged ON PURPOSE: redaction must hide them.
app.MapPost("/api/solicitudes", async (NewApplication body, IApplicationStore store, SigcerhMetrics metrics, HttpContext http, CancellationToken ct) =>
{
    if (body.Dni is not { Length: 8 } || !body.Dni.All(char.IsAsciiDigit) || !body.Email.Contains('@', StringComparison.Ordinal))
    {
        log.LogWarning("Solicitud rechazada: datos inválidos para {Nombre} DNI {Dni} email {Email}", body.CitizenName, body.Dni, body.Email);
        return Results.ValidationProblem(new Dictionary<string, string[]> { ["dni"] = ["El DNI debe tener 8 dígitos."] });
    }

    var created = await store.CreateAsync(body, ct);
    metrics.ApplicationCreated(body.ApplicationType);
    metrics.UserSeen(http.Request.Headers["X-Usuario"].FirstOrDefault() ?? "mesa-de-partes");
    log.LogInformation("Solicitud {SolicitudId} creada para {Nombre} DNI {Dni} email {Email}",
        created.Id, body.CitizenName, body.Dni, body.Email);
    return Results.Created($"/api/solicitudes/{created.Id}", created);
});

// Search by DNI: the DNI travels in the query string (url.query on the span), another thing redaction must mask.
app.MapGet("/api/solicitudes", async (string dni, IApplicationStore store, CancellationToken ct) =>
{
    var found = await store.FindByDniAsync(dni, ct);
    log.LogInformation("Búsqueda por DNI {Dni}: {Cantidad} solicitudes", dni, found.Count);
    return Results.Ok(found);
});

app.MapGet("/api/solicitudes/{id:long}", async (long id, IApplicationStore store, CancellationToken ct) =>
    await store.GetAsync(id, ct) is { } a ? Results.Ok(a) : Results.NotFound());

// Digitize the scanned record: calls the OCR service, so one trace spans both services.
app.MapPost("/api/solicitudes/{id:long}/digitalizar", async (long id, int? paginas, IApplicationStore store, OcrClient ocr, CancellationToken ct) =>
{
    if (await store.GetAsync(id, ct) is not { } application)
    {
        return Results.NotFound();
    }

    var (result, status) = await ocr.ReadAsync(application, Math.Clamp(paginas ?? 1, 1, 20), ct);
    if (result is null)
    {
        log.LogError("El servicio OCR falló ({StatusCode}) para la solicitud {SolicitudId} de {Nombre} DNI {Dni}",
            status, id, application.CitizenName, application.Dni);
        return Results.Problem($"El servicio OCR respondió {status}.", statusCode: StatusCodes.Status502BadGateway);
    }

    await store.SaveOcrTextAsync(id, result.Text, ct);
    log.LogInformation("Acta digitalizada para la solicitud {SolicitudId}: {TextoOcr}", id, result.Text);
    return Results.Ok(result);
});

// Validate a payment voucher.
app.MapPost("/api/pagos", async (PaymentRequest body, IApplicationStore store, SigcerhMetrics metrics, CancellationToken ct) =>
{
    if (await store.GetAsync(body.ApplicationId, ct) is not { } application)
    {
        return Results.NotFound();
    }

    var approved = body.Amount >= Fees.Certificate && body.OperationNumber is { Length: >= 6 } op && op.All(char.IsAsciiDigit);
    await store.RecordPaymentAsync(body, approved, ct);
    metrics.PaymentValidated(body.Method, approved);
    if (!approved)
    {
        log.LogWarning("Pago rechazado ({Metodo}, S/ {Monto}) de {Nombre} email {Email}",
            body.Method, body.Amount, application.CitizenName, application.Email);
        return Results.UnprocessableEntity(new { aprobado = false, motivo = "Monto u operación inválidos." });
    }

    log.LogInformation("Pago aprobado ({Metodo}) para la solicitud {SolicitudId}", body.Method, body.ApplicationId);
    return Results.Ok(new { aprobado = true });
});

// Issue the certificate of a paid application.
app.MapPost("/api/certificados", async (CertificateRequest body, IApplicationStore store, SigcerhMetrics metrics, CancellationToken ct) =>
{
    if (await store.GetAsync(body.ApplicationId, ct) is not { } application)
    {
        return Results.NotFound();
    }

    if (application.Status != ApplicationStatus.Paid)
    {
        log.LogWarning("Certificado denegado: la solicitud {SolicitudId} está {Estado}", application.Id, application.Status);
        return Results.Conflict(new { motivo = $"La solicitud está {application.Status}; debe estar pagada." });
    }

    var certificate = await store.IssueAsync(application.Id, body.CertificateType, ct);
    metrics.CertificateIssued(body.CertificateType);
    log.LogInformation("Certificado {Codigo} emitido para {Nombre} DNI {Dni}", certificate.Code, application.CitizenName, application.Dni);
    return Results.Ok(certificate);
});

app.Run();
