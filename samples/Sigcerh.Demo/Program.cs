using System.Runtime.InteropServices;
using Sigcerh.Demo;

DemoOptions options;
try
{
    options = DemoOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(DemoOptions.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(DemoOptions.Usage);
    return 0;
}

using var stop = new CancellationTokenSource();
var interrupts = 0;
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C shuts down cleanly; a second one leaves at once.
    e.Cancel = Interlocked.Increment(ref interrupts) == 1;
    stop.Cancel();
};

// SIGTERM (kill, timeout) and SIGHUP (terminal closed) clean up like Ctrl+C: PostgreSQL runs detached and would stay.
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
{
    ctx.Cancel = true;
    stop.Cancel();
});
using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
{
    ctx.Cancel = true;
    stop.Cancel();
});
if (options.DurationSeconds is { } seconds)
{
    stop.CancelAfter(TimeSpan.FromSeconds(seconds));
}

await using var demo = new DemoRunner(options);
return await demo.RunAsync(stop.Token);
