using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Sigcerh.Telemetry.Hosting;

/// <summary>The shutdown budget must be positive and fit within the host's own shutdown timeout.</summary>
internal sealed class ShutdownOptionsValidator(IOptions<HostOptions> host) : IValidateOptions<SigcerhTelemetryOptions>
{
    private const string Key = SigcerhTelemetryOptions.SectionName + ":" + nameof(SigcerhTelemetryOptions.ShutdownTimeoutSeconds);

    public ValidateOptionsResult Validate(string? name, SigcerhTelemetryOptions options)
    {
        var seconds = options.ShutdownTimeoutSeconds;
        var hostLimit = host.Value.ShutdownTimeout;
        if (!double.IsFinite(seconds) || seconds <= 0 || seconds > 300)
        {
            return ValidateOptionsResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{Key} must be a number of seconds above 0 and at most 300 (default 8, below Docker's 10 s stop grace), but was '{seconds}'."));
        }

        if (hostLimit != Timeout.InfiniteTimeSpan && TimeSpan.FromSeconds(seconds) > hostLimit)
        {
            return ValidateOptionsResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{Key} is {seconds} s, longer than HostOptions.ShutdownTimeout ({hostLimit.TotalSeconds} s): the host would stop waiting first. Lower it or raise the host's timeout."));
        }

        return ValidateOptionsResult.Success;
    }
}
