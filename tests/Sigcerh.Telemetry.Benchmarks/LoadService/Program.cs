using System.Diagnostics.Metrics;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Formatting.Compact;

namespace Sigcerh.Telemetry.LoadService;

/// <summary>
/// The load-test service. <c>bare</c>: no telemetry at all. <c>floor</c>: bare plus OpenTelemetry tracing with only the
/// ASP.NET Core instrumentation (no exporter, processor, logging or metrics), the cost of creating and recording one
/// server span per request that any build tracing every request pays. <c>peer</c>: what a team would otherwise assemble from the
/// public APIs (OpenTelemetry logging provider, ASP.NET Core, HttpClient and runtime instrumentation, OTLP export, plus
/// Serilog writing compact JSON to a file). <c>sigcerh</c>: <c>AddSigcerhTelemetry()</c> with every signal on.
/// <c>report</c> turns the load script's raw results into the tables and the plot.
/// </summary>
public static class Program
{
    private const string Query = "select estado from expediente where id = $1";

    private static readonly Action<Microsoft.Extensions.Logging.ILogger, int, string?, Exception?> ExpedienteRead =
        LoggerMessage.Define<int, string?>(LogLevel.Information, new EventId(1, "ExpedienteRead"), "Expediente {ExpedienteId} consultado: {Estado}");

    public static async Task<int> Main(string[] args)
    {
        var mode = args.Length > 0 ? args[0] : "bare";
        if (mode == "report")
        {
            return Report.Run(args[1..]);
        }

        if (mode is not ("bare" or "floor" or "peer" or "sigcerh"))
        {
            await Console.Error.WriteLineAsync("usage: LoadService bare|floor|peer|sigcerh | report <results.tsv> <out-dir>").ConfigureAwait(false);
            return 2;
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var traceStartup = Environment.GetEnvironmentVariable("LOAD_TRACE_STARTUP") == "1";
        void Phase(string name)
        {
            if (traceStartup)
            {
                Console.Error.WriteLine($"startup {name}: {clock.ElapsedMilliseconds} ms (process {(DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds:0} ms)");
            }
        }

        Phase("main");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args[1..], EnvironmentName = "Production" });
        var logDir = Environment.GetEnvironmentVariable("LOAD_LOG_DIR") ?? Path.Combine(Path.GetTempPath(), "sigcerh-load-logs");
        switch (mode)
        {
            case "bare":
                builder.Logging.ClearProviders();
                break;
            case "floor":
                // Spans are sampled and recorded (the default sampler) but go nowhere: only the span's own cost remains.
                builder.Logging.ClearProviders();
                builder.Services.AddOpenTelemetry().WithTracing(t => t.AddAspNetCoreInstrumentation());
                break;
            case "peer":
                AddPeerTelemetry(builder, logDir);
                break;
            default:
                builder.Configuration["SigcerhTelemetry:Logging:Directory"] = logDir;
                builder.AddSigcerhTelemetry();
                break;
        }

        var connectionString = Environment.GetEnvironmentVariable("LOAD_PG")
            ?? throw new InvalidOperationException("LOAD_PG (a PostgreSQL connection string) is not set.");
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        builder.Services.AddSingleton<DropReader>();

        Phase("configured");
        using var sampler = Environment.GetEnvironmentVariable("LOAD_ALLOC_PROFILE") == "1" ? new AllocationSampler() : null;
        var app = builder.Build();
        Phase("built");
        app.Lifetime.ApplicationStarted.Register(() => Phase("started"));
        var first = 0;
        app.MapGet("/trivial", () =>
        {
            if (Interlocked.Exchange(ref first, 1) == 0)
            {
                Phase("first request");
            }

            return "ok";
        });
        app.MapGet("/realistic", async (NpgsqlDataSource db, ILogger<ExpedienteQuery> log) =>
        {
            var id = Random.Shared.Next(1, 10_001);
            await using var cmd = db.CreateCommand(Query);
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
            var estado = (string?)await cmd.ExecuteScalarAsync().ConfigureAwait(false);
            ExpedienteRead(log, id, estado, null);
            return Results.Ok(new ExpedienteQuery(id, estado));
        });

        // Read by the load script before and after each run; process-wide, so background exporters count too.
        app.MapGet("/stats", (DropReader drops) => Results.Ok(new LoadStats(
            GC.GetTotalAllocatedBytes(precise: true),
            drops.Read("logs"),
            drops.Read("traces"),
            drops.Read("metrics"))));

        if (sampler is not null)
        {
            app.MapGet("/allocations", (bool? reset) =>
            {
                var top = sampler.Top(40).Select(kv => $"{kv.Value / 1024,10} KiB  {kv.Key}").ToList();
                if (reset == true)
                {
                    sampler.Reset();
                }

                return string.Join('\n', top);
            });
        }

        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }

    private static void AddPeerTelemetry(WebApplicationBuilder builder, string logDir)
    {
        // As in the ASP.NET Core templates' appsettings: framework categories at Warning.
        builder.Logging.ClearProviders();
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
        });
        var serilog = new LoggerConfiguration()
            .Enrich.FromLogContext()
            .WriteTo.File(new CompactJsonFormatter(), Path.Combine(logDir, "peer-.json"), rollingInterval: RollingInterval.Day)
            .CreateLogger();
        builder.Logging.AddSerilog(serilog, dispose: true);

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") ?? "sigcerh-loadservice"))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .UseOtlpExporter();
    }
}
