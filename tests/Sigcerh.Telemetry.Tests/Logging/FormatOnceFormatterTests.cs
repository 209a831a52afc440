using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Parsing;
using Sigcerh.Telemetry.Logging;

namespace Sigcerh.Telemetry.Tests.Logging;

public sealed class FormatOnceFormatterTests
{
    private static LogEvent Event(string template, params LogEventProperty[] properties) => new(
        new DateTimeOffset(2026, 11, 29, 16, 20, 0, 123, TimeSpan.Zero),
        LogEventLevel.Warning,
        null,
        new MessageTemplateParser().Parse(template),
        properties,
        System.Diagnostics.ActivityTraceId.CreateRandom(),
        System.Diagnostics.ActivitySpanId.CreateRandom());

    private static string Compact(LogEvent e)
    {
        var w = new StringWriter();
        new CompactJsonFormatter().Format(e, w);
        return w.ToString();
    }

    [Fact]
    public void Both_sinks_get_exactly_what_the_compact_formatter_writes_for_each_event()
    {
        var shared = new FormatOnceFormatter(new CompactJsonFormatter());
        var first = Event("Expediente {ExpedienteId} en {Elapsed:0.00} ms", new("ExpedienteId", new ScalarValue(1234567)), new("Elapsed", new ScalarValue(12.345)));
        var second = Event("Pago {Estado}", new LogEventProperty("Estado", new ScalarValue("aprobado")));

        foreach (var e in new[] { first, second, first })
        {
            var console = new StringWriter();
            var file = new StringWriter();
            shared.Format(e, console);
            shared.Format(e, file);
            Assert.Equal(Compact(e), console.ToString());
            Assert.Equal(Compact(e), file.ToString());
        }
    }

    [Fact]
    public void A_failed_rendering_is_not_replayed_for_the_next_sink()
    {
        var failing = new FailingOnce();
        var shared = new FormatOnceFormatter(failing);
        var e = Event("hola");
        Assert.Throws<InvalidOperationException>(() => shared.Format(e, new StringWriter()));
        var next = new StringWriter();
        shared.Format(e, next);
        Assert.Equal("ok\n", next.ToString());
    }

    private sealed class FailingOnce : Serilog.Formatting.ITextFormatter
    {
        private bool _failed;

        public void Format(LogEvent logEvent, TextWriter output)
        {
            if (!_failed)
            {
                _failed = true;
                output.Write("partial");
                throw new InvalidOperationException("first call fails");
            }

            output.Write("ok\n");
        }
    }
}
