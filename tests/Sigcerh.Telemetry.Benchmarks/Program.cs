using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

namespace Sigcerh.Telemetry.Benchmarks;

/// <summary>
/// Runs the micro benchmarks in process (no generated project to build, so it also works inside SIGCERH_BUILD_DIR).
/// Examples: <c>-- --filter '*'</c> for the full run, <c>-- --filter '*' --job dry</c> for the CI smoke.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var config = DefaultConfig.Instance
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);
        var withProcessChoice = args.Contains("--inProcess") || args.Contains("--outOfProcess") ? args : ["--inProcess", .. args];
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(withProcessChoice, config);

        // Exit non-zero when a benchmark threw or its self-check failed, so the smoke run catches rot.
        var failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        if (failed)
        {
            Console.Error.WriteLine("benchmarks: at least one benchmark failed");
        }

        return failed || !summaries.Any() ? 1 : 0;
    }
}
