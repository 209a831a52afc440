using System.Globalization;

namespace Sigcerh.Demo;

/// <summary>Command-line flags of the demo.</summary>
internal sealed class DemoOptions
{
    public const string Usage = """
        Usage: dotnet run --project samples/Sigcerh.Demo [-- options]

          --duration <seconds>      stop by itself after this long (default: run until Ctrl+C)
          --dashboard-port <port>   Aspire dashboard UI and API (default 18888)
          --otlp-grpc-port <port>   dashboard OTLP/gRPC receiver (default 18889)
          --otlp-http-port <port>   dashboard OTLP/HTTP receiver (default 18890)
          --backend-port <port>     sigcerh-backend (default 5100)
          --ocr-port <port>         sigcerh-ocr (default 5101)
          --no-postgres             skip PostgreSQL even if installed (the backend uses its in-memory store)
          --no-traffic              start everything but send no requests
          --browser                 open the dashboard in the default browser (default: headless, URLs printed only)
          --keep-logs               keep the log folder after exit (everything else is still removed)
          --help                    this text
        """;

    public int? DurationSeconds { get; private set; }

    public int DashboardPort { get; private set; } = 18888;

    public int OtlpGrpcPort { get; private set; } = 18889;

    public int OtlpHttpPort { get; private set; } = 18890;

    public int BackendPort { get; private set; } = 5100;

    public int OcrPort { get; private set; } = 5101;

    public bool Postgres { get; private set; } = true;

    public bool Traffic { get; private set; } = true;

    public bool Browser { get; private set; }

    public bool KeepLogs { get; private set; }

    public bool Help { get; private set; }

    /// <summary>Parses the flags; throws <see cref="ArgumentException"/> with a readable message on a bad one.</summary>
    public static DemoOptions Parse(IReadOnlyList<string> args)
    {
        var o = new DemoOptions();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--duration": o.DurationSeconds = Number(args, ref i, 1); break;
                case "--dashboard-port": o.DashboardPort = Number(args, ref i, 1, 65535); break;
                case "--otlp-grpc-port": o.OtlpGrpcPort = Number(args, ref i, 1, 65535); break;
                case "--otlp-http-port": o.OtlpHttpPort = Number(args, ref i, 1, 65535); break;
                case "--backend-port": o.BackendPort = Number(args, ref i, 1, 65535); break;
                case "--ocr-port": o.OcrPort = Number(args, ref i, 1, 65535); break;
                case "--no-postgres": o.Postgres = false; break;
                case "--no-traffic": o.Traffic = false; break;
                case "--browser": o.Browser = true; break;
                case "--no-browser": o.Browser = false; break;
                case "--keep-logs": o.KeepLogs = true; break;
                case "--help" or "-h": o.Help = true; break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }

        int[] ports = [o.DashboardPort, o.OtlpGrpcPort, o.OtlpHttpPort, o.BackendPort, o.OcrPort];
        if (ports.Distinct().Count() != ports.Length)
        {
            throw new ArgumentException("Every port must be different.");
        }

        return o;
    }

    private static int Number(IReadOnlyList<string> args, ref int i, int min, int max = int.MaxValue)
    {
        var name = args[i];
        if (++i >= args.Count || !int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
        {
            throw new ArgumentException($"{name} needs a whole number between {min} and {max}.");
        }

        return v;
    }
}
