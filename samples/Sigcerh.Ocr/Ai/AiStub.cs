using System.Text;
using Microsoft.Extensions.Options;

namespace Sigcerh.Ocr.Ai;

/// <summary>
/// A small local stand-in for the external AI provider, so the samples run offline. It reads the "scan" (plain text
/// bytes), answers with it, and sometimes fails (500), throttles (429) or hangs past the client's timeout.
/// </summary>
public static class AiStub
{
    /// <summary>Maps <c>POST /ai-stub/v1/extract</c>.</summary>
    public static void MapAiStub(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/ai-stub/v1/extract", async (AiExtractionRequest body, IOptions<AiStubOptions> stub, IOptions<OcrSimulationOptions> sim, CancellationToken ct) =>
        {
            var o = stub.Value;
            var roll = Random.Shared.NextDouble();
            if (roll < o.ErrorRate)
            {
                return Results.Problem("Error interno del proveedor de IA.", statusCode: StatusCodes.Status500InternalServerError);
            }

            if (roll < o.ErrorRate + o.ThrottleRate)
            {
                return Results.Problem("Cuota excedida.", statusCode: StatusCodes.Status429TooManyRequests);
            }

            if (roll < o.ErrorRate + o.ThrottleRate + o.SlowRate)
            {
                await Task.Delay(sim.Value.Scaled(o.SlowSeconds), ct);
            }
            else
            {
                await Task.Delay(sim.Value.Scaled(o.ResponseSeconds * (0.5 + Random.Shared.NextDouble())), ct);
            }

            var text = Encoding.UTF8.GetString(Convert.FromBase64String(body.ImageBase64)).Trim();
            return Results.Ok(new AiExtractionResponse(text, Math.Round(0.80 + (Random.Shared.NextDouble() * 0.19), 2)));
        });
    }
}
