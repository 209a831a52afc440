using System.Globalization;
using System.Net.Http.Json;

namespace Sigcerh.Demo;

/// <summary>
/// Walks invented citizens through the backend: application, OCR of the scanned record, search by DNI, payment and
/// certificate, with some invalid data, rejected payments, premature certificates and unknown ids on purpose.
/// </summary>
internal sealed class TrafficGenerator(Uri backend)
{
    private static readonly string[] ApplicationTypes = ["certificado-estudios", "constancia-notas", "duplicado-certificado"];
    private static readonly string[] PaymentMethods = ["yape", "agente-bancario", "tarjeta"];
    private int _cycles;
    private int _certificates;
    private int _errors;

    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"{_cycles} citizens served, {_certificates} certificates issued, {_errors} requests answered 4xx/5xx (some on purpose)");

    public async Task RunAsync(int workers, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = backend, Timeout = TimeSpan.FromSeconds(30) };
        await Task.WhenAll(Enumerable.Range(1, workers).Select(w => WorkerAsync(http, w, stop)));
    }

    private async Task WorkerAsync(HttpClient http, int worker, CancellationToken stop)
    {
        var clerk = $"operador-{worker}";
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await CycleAsync(http, clerk, stop);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(300, 900)), stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException ex)
            {
                Interlocked.Increment(ref _errors);
                Console.Error.WriteLine($"traffic: {ex.Message}");
                await Task.Delay(TimeSpan.FromSeconds(1), stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task CycleAsync(HttpClient http, string clerk, CancellationToken stop)
    {
        var n = Interlocked.Increment(ref _cycles);
        var citizen = FakeCitizens.All[n % FakeCitizens.All.Count];
        var type = ApplicationTypes[n % ApplicationTypes.Length];

        // One in ten applications has a mistyped DNI: a 400 from validation.
        var dni = n % 10 == 7 ? citizen.Dni[..7] : citizen.Dni;
        using var create = new HttpRequestMessage(HttpMethod.Post, "api/solicitudes")
        {
            Content = JsonContent.Create(new { applicationType = type, citizenName = citizen.Name, dni, email = citizen.Email }),
        };
        create.Headers.Add("X-Usuario", clerk);
        using var created = await SendAsync(http, create, stop);
        if (!created.IsSuccessStatusCode)
        {
            return;
        }

        var id = (await created.Content.ReadFromJsonAsync<CreatedApplication>(stop))!.Id;

        // The cross-service request: backend → OCR service → AI API stub.
        await FireAsync(http, new HttpRequestMessage(HttpMethod.Post, $"api/solicitudes/{id}/digitalizar?paginas={1 + (n % 3)}"), stop);

        await FireAsync(http, new HttpRequestMessage(HttpMethod.Get, $"api/solicitudes?dni={citizen.Dni}"), stop);

        // Every sixth payment is short or has a bad operation number and is rejected; the certificate then gets a 409.
        var rejected = n % 6 == 5;
        var payment = new
        {
            applicationId = id,
            method = PaymentMethods[n % PaymentMethods.Length],
            amount = rejected ? 5.00m : 25.00m,
            operationNumber = (100000 + (n * 7919 % 899999)).ToString(CultureInfo.InvariantCulture),
        };
        await FireAsync(http, new HttpRequestMessage(HttpMethod.Post, "api/pagos") { Content = JsonContent.Create(payment) }, stop);

        using var certificate = await SendAsync(http, new HttpRequestMessage(HttpMethod.Post, "api/certificados")
        {
            Content = JsonContent.Create(new { applicationId = id, certificateType = type }),
        }, stop);
        if (certificate.IsSuccessStatusCode)
        {
            Interlocked.Increment(ref _certificates);
        }

        // Now and then an id that does not exist: a 404.
        if (n % 8 == 3)
        {
            await FireAsync(http, new HttpRequestMessage(HttpMethod.Get, $"api/solicitudes/{id + 100000}"), stop);
        }
    }

    private async Task FireAsync(HttpClient http, HttpRequestMessage request, CancellationToken stop)
    {
        using var response = await SendAsync(http, request, stop);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken stop)
    {
        using (request)
        {
            var response = await http.SendAsync(request, stop);
            if ((int)response.StatusCode >= 400)
            {
                Interlocked.Increment(ref _errors);
            }

            return response;
        }
    }

    private sealed record CreatedApplication(long Id);
}
