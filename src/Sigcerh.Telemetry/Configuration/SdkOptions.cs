using System.Reflection;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Sigcerh.Telemetry.Configuration;

/// <summary>
/// Lets the OpenTelemetry SDK's own options read the standard variables from an <see cref="IConfiguration"/>, exactly as
/// <c>UseOtlpExporter()</c> does, signal-specific <c>OTEL_EXPORTER_OTLP_{TRACES,LOGS,METRICS}_*</c> and certificates
/// included. The SDK keeps these configuration constructors internal, and <c>UseOtlpExporter()</c> builds exporters we
/// could not wrap for drop accounting, so they are called by reflection against the pinned version; a test fails if an
/// upgrade moves them.
/// </summary>
internal static class SdkOptions
{
    private const BindingFlags Internal = BindingFlags.Instance | BindingFlags.NonPublic;

    private static readonly Type? SignalType =
        typeof(OtlpExporterOptions).Assembly.GetType("OpenTelemetry.Exporter.OtlpExporterOptionsConfigurationType");

    private static readonly ConstructorInfo? ExporterCtor = SignalType is null
        ? null
        : typeof(OtlpExporterOptions).GetConstructor(Internal, [typeof(IConfiguration), SignalType, typeof(BatchExportActivityProcessorOptions)]);

    private static readonly MethodInfo? ApplyDefaultsMethod =
        typeof(OtlpExporterOptions).GetMethod("ApplyDefaults", Internal, [typeof(OtlpExporterOptions)]);

    /// <summary>True when every internal member this class needs is present in the loaded SDK.</summary>
    public static bool Available =>
        ExporterCtor is not null && ApplyDefaultsMethod is not null
        && Ctor<BatchExportActivityProcessorOptions>() is not null
        && Ctor<BatchExportLogRecordProcessorOptions>() is not null
        && Ctor<PeriodicExportingMetricReaderOptions>() is not null;

    /// <summary>
    /// The exporter options of one signal: the signal's own variables first, then the <c>OTEL_EXPORTER_OTLP_*</c> ones
    /// (with the signal path appended for http/protobuf), then the SDK defaults.
    /// </summary>
    public static OtlpExporterOptions Exporter(IConfiguration configuration, OtlpSignal signal)
    {
        var batch = new BatchExportActivityProcessorOptions();
        var general = CreateExporter(configuration, "Default", batch);
        var specific = CreateExporter(configuration, signal.ToString(), batch);
        return (OtlpExporterOptions)Invoke(ApplyDefaultsMethod, specific, general);
    }

    /// <summary><c>OTEL_BSP_*</c>.</summary>
    public static BatchExportActivityProcessorOptions SpanBatch(IConfiguration configuration) =>
        Create<BatchExportActivityProcessorOptions>(configuration);

    /// <summary><c>OTEL_BLRP_*</c>.</summary>
    public static BatchExportLogRecordProcessorOptions LogBatch(IConfiguration configuration) =>
        Create<BatchExportLogRecordProcessorOptions>(configuration);

    /// <summary><c>OTEL_METRIC_EXPORT_INTERVAL</c> and <c>OTEL_METRIC_EXPORT_TIMEOUT</c>.</summary>
    public static PeriodicExportingMetricReaderOptions MetricReader(IConfiguration configuration) =>
        Create<PeriodicExportingMetricReaderOptions>(configuration);

    private static OtlpExporterOptions CreateExporter(IConfiguration configuration, string signal, BatchExportActivityProcessorOptions batch)
    {
        var type = Enum.Parse(SignalType ?? throw Missing("OtlpExporterOptionsConfigurationType"), signal);
        return (OtlpExporterOptions)Invoke(ExporterCtor, configuration, type, batch);
    }

    private static T Create<T>(IConfiguration configuration) => (T)Invoke(Ctor<T>(), configuration);

    private static ConstructorInfo? Ctor<T>() => typeof(T).GetConstructor(Internal, [typeof(IConfiguration)]);

    private static object Invoke(MethodBase? member, params object[] args)
    {
        if (member is null)
        {
            throw Missing("a configuration constructor");
        }

        try
        {
            return member is ConstructorInfo ctor ? ctor.Invoke(args) : member.Invoke(args[0], args[1..])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    private static InvalidOperationException Missing(string what) => new(
        $"The loaded OpenTelemetry SDK ({typeof(OtlpExporterOptions).Assembly.GetName().Version}) has no {what} that reads "
        + "OTEL_* variables from IConfiguration; Sigcerh.Telemetry is tested against OpenTelemetry 1.20.1.");
}
