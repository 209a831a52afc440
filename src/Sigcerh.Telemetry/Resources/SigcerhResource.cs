using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Resources;

namespace Sigcerh.Telemetry.Resources;

/// <summary>
/// The one resource of this process. Logs, spans and metrics all read these attributes, so a
/// receiver sees one resource per process, never two.
/// </summary>
internal sealed class SigcerhResource : IResourceDetector
{
    public SigcerhResource(IOptions<SigcerhTelemetryOptions> options, IHostEnvironment environment)
    {
        var o = options.Value;
        ServiceName = string.IsNullOrWhiteSpace(o.ServiceName) ? environment.ApplicationName : o.ServiceName;
        ServiceVersion = o.ServiceVersion ?? EntryVersion(environment.ApplicationName);
        EnvironmentName = (o.Environment ?? environment.EnvironmentName).ToLowerInvariant();
        InstanceId = Guid.NewGuid().ToString();

        var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (k, v) in o.ResourceAttributes)
        {
            attributes[k] = v;
        }

        attributes["service.name"] = ServiceName;
        attributes["service.version"] = ServiceVersion;
        attributes["service.namespace"] = o.ServiceNamespace;
        attributes["service.instance.id"] = InstanceId;
        attributes["deployment.environment.name"] = EnvironmentName;
        attributes["host.name"] = System.Environment.MachineName;
        Attributes = attributes;
    }

    public string ServiceName { get; }

    public string ServiceVersion { get; }

    public string EnvironmentName { get; }

    /// <summary>Stable for the life of the process: one instance per service provider.</summary>
    public string InstanceId { get; }

    /// <summary>Primitive values only: OTLP resource attributes are scalars.</summary>
    public IReadOnlyDictionary<string, object> Attributes { get; }

    public Resource Detect() => new(Attributes);

    private static string EntryVersion(string applicationName)
    {
        try
        {
            var asm = Assembly.Load(new AssemblyName(applicationName));
            var info = asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            return info?.Split('+')[0] ?? asm.GetName().Version?.ToString() ?? "0.0.0";
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException or ArgumentException)
        {
            return "0.0.0";
        }
    }
}
