using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sigcerh.Telemetry.Health;

/// <summary>A GET on a dependency's health URL must answer 2xx; the URL stays out of the body.</summary>
internal sealed class HttpDependencyHealthCheck(HealthHttpClient http, SigcerhHealthDependency dependency) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failure = context.Registration.FailureStatus;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, dependency.Url);
            using var response = await http.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["statusCode"] = code };
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"{dependency.Name} answered {code}"), data)
                : new HealthCheckResult(failure, string.Create(CultureInfo.InvariantCulture, $"{dependency.Name} answered {code}"), data: data);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(failure, $"{dependency.Name} did not answer in time");
        }
        catch (HttpRequestException ex)
        {
            return new HealthCheckResult(failure, $"{dependency.Name} is unreachable", ex);
        }
    }
}
