using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Sigcerh.Backend.Storage;

namespace Sigcerh.Backend.Ocr;

/// <summary>Calls the OCR service; the package's HttpClient instrumentation carries the trace across.</summary>
public sealed class OcrClient(HttpClient http)
{
    /// <summary>Sends the scanned record of <paramref name="application"/> and returns the text, or null when OCR failed.</summary>
    public async Task<(OcrResult? Result, int StatusCode)> ReadAsync(CertificateApplication application, int pages, CancellationToken cancellationToken)
    {
        // A stand-in for the scanned image: the text the "scanner" saw, as bytes.
        var scan = Encoding.UTF8.GetBytes(
            $"ACTA CONSOLIDADA DE EVALUACION\nAlumno: {application.CitizenName}\nDNI: {application.Dni}\nNivel: Secundaria\n");
        using var content = new ByteArrayContent(scan);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.PostAsync(
            new Uri($"api/ocr?paginas={pages}&solicitud={application.Id}", UriKind.Relative), content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return (null, (int)response.StatusCode);
        }

        var result = await response.Content.ReadFromJsonAsync<OcrResult>(cancellationToken);
        return (result, (int)response.StatusCode);
    }
}
