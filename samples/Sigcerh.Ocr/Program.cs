using System.Diagnostics;
using Microsoft.Extensions.Options;
using Sigcerh.Ocr;
using Sigcerh.Ocr.Ai;
using Sigcerh.Telemetry;

var builder = WebApplication.CreateBuilder(args);

// The only telemetry line: logs, traces, metrics, health (/health), redaction and OTLP export, from appsettings.json.
builder.AddSigcerhTelemetry();

builder.Services.Configure<OcrSimulationOptions>(builder.Configuration.GetSection("Ocr"));
builder.Services.Configure<AiStubOptions>(builder.Configuration.GetSection("AiStub"));
builder.Services.AddHttpClient<AiClient>(http =>
{
    // The external AI API; in the samples a local stub (see AiStub), replaced by the real provider's URL in production.
    http.BaseAddress = new Uri(builder.Configuration["Ai:BaseUrl"] ?? "http://127.0.0.1:5101/");
    http.Timeout = TimeSpan.FromSeconds(builder.Configuration.GetValue("Ai:TimeoutSeconds", 30.0));
});

var app = builder.Build();
var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sigcerh.Ocr.Api");

// Accepts one scanned record (the request body), simulates the OCR work and asks the AI API to structure the text.
app.MapPost("/api/ocr", async (HttpRequest request, int? paginas, long? solicitud, AiClient ai, SigcerhMetrics metrics,
    IOptions<OcrSimulationOptions> simulation, CancellationToken ct) =>
{
    var pages = Math.Clamp(paginas ?? 1, 1, 20);
    using var buffer = new MemoryStream();
    await request.Body.CopyToAsync(buffer, ct);
    if (buffer.Length == 0)
    {
        return Results.BadRequest(new { motivo = "Falta la imagen escaneada." });
    }

    var started = Stopwatch.GetTimestamp();
    var o = simulation.Value;
    await Task.Delay(o.Scaled(o.MinSeconds + (Random.Shared.NextDouble() * (o.MaxSeconds - o.MinSeconds))), ct);
    try
    {
        var extracted = await ai.ExtractAsync(buffer.ToArray(), pages, ct);
        metrics.AiRequestCompleted(SigcerhOutcome.Success);
        metrics.OcrCompleted(Stopwatch.GetElapsedTime(started), SigcerhOutcome.Success, pages);

        // The extracted text holds the citizen's name and DNI: logged on purpose, redaction must mask the DNI.
        log.LogInformation("OCR de la solicitud {SolicitudId} terminado ({Paginas} páginas): {Texto}", solicitud, pages, extracted.Text);
        return Results.Ok(new OcrResult(extracted.Text, extracted.Confidence, pages));
    }
    catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
    {
        metrics.AiRequestCompleted(SigcerhOutcome.Timeout);
        metrics.OcrCompleted(Stopwatch.GetElapsedTime(started), SigcerhOutcome.Timeout, pages);
        log.LogError(ex, "La API de IA no respondió a tiempo para la solicitud {SolicitudId}", solicitud);
        return Results.Problem("La API de IA no respondió a tiempo.", statusCode: StatusCodes.Status504GatewayTimeout);
    }
    catch (HttpRequestException ex)
    {
        metrics.AiRequestCompleted(SigcerhOutcome.Failure);
        metrics.OcrCompleted(Stopwatch.GetElapsedTime(started), SigcerhOutcome.Failure, pages);
        log.LogError(ex, "La API de IA falló ({StatusCode}) para la solicitud {SolicitudId}", (int?)ex.StatusCode, solicitud);
        return Results.Problem("La API de IA falló.", statusCode: StatusCodes.Status502BadGateway);
    }
});

if (app.Services.GetRequiredService<IOptions<AiStubOptions>>().Value.Enabled)
{
    app.MapAiStub();
}

app.Run();
