using System.Net.Http.Json;

namespace Sigcerh.Ocr.Ai;

/// <summary>Calls the external AI API (in the samples, the local stub); its base address and timeout come from <c>Ai:*</c>.</summary>
public sealed class AiClient(HttpClient http)
{
    /// <summary>Sends one page. Throws <see cref="HttpRequestException"/> on an error status and
    /// <see cref="TaskCanceledException"/> (with an inner <see cref="TimeoutException"/>) on timeout.</summary>
    public async Task<AiExtractionResponse> ExtractAsync(byte[] image, int pages, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(
            new Uri("ai-stub/v1/extract", UriKind.Relative), new AiExtractionRequest(Convert.ToBase64String(image), pages), cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<AiExtractionResponse>(cancellationToken)
            ?? throw new HttpRequestException("The AI API answered with an empty body.");
    }
}
