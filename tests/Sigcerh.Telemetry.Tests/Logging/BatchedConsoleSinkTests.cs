using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Parsing;
using Sigcerh.Telemetry.Logging;

namespace Sigcerh.Telemetry.Tests.Logging;

public sealed class BatchedConsoleSinkTests
{
    private static readonly MessageTemplate Template = new MessageTemplateParser().Parse("Expediente {ExpedienteId} consultado");

    private static LogEvent Event(int id) => new(
        DateTimeOffset.UtcNow,
        LogEventLevel.Information,
        null,
        Template,
        [new LogEventProperty("ExpedienteId", new ScalarValue(id))]);

    [Fact]
    public void Events_are_held_while_more_are_queued_and_written_as_whole_json_lines_in_order_when_the_queue_drains()
    {
        var output = new RecordingStream();
        var pending = 3;
        using var sink = new BatchedConsoleSink(new CompactJsonFormatter(), () => pending, output);

        for (var i = 1; i <= 3; i++)
        {
            pending--;
            sink.Emit(Event(1_000_000 + i));
            if (pending > 0)
            {
                Assert.Equal(string.Empty, output.Text);
            }
        }

        var lines = output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal(1, output.Writes);
        for (var i = 0; i < 3; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            Assert.Equal(1_000_001 + i, doc.RootElement.GetProperty("ExpedienteId").GetInt32());
            Assert.Equal("Expediente {ExpedienteId} consultado", doc.RootElement.GetProperty("@mt").GetString());
        }
    }

    [Fact]
    public void A_full_buffer_is_written_even_while_events_keep_arriving_and_dispose_writes_the_rest()
    {
        var output = new RecordingStream();
        var sink = new BatchedConsoleSink(new CompactJsonFormatter(), () => 1, output);
        var emitted = 0;
        while (output.Length == 0 && emitted < 10_000)
        {
            sink.Emit(Event(emitted++));
        }

        Assert.True(output.Length > 0, "the buffer was never flushed while the queue stayed busy");
        Assert.True(emitted < 10_000);
        sink.Emit(Event(emitted++));
        sink.Dispose();
        var lines = output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(emitted, lines.Length);
        Assert.All(lines, l => JsonDocument.Parse(l).Dispose());
    }

    [Fact]
    public void A_formatter_failure_leaves_no_half_line_behind()
    {
        var output = new RecordingStream();
        var pending = 1;
        using var sink = new BatchedConsoleSink(new ThrowingAfterWriteFormatter(), () => pending, output);
        Assert.Throws<InvalidOperationException>(() => sink.Emit(Event(1)));
        pending = 0;
        sink.Dispose();
        Assert.Equal(string.Empty, output.Text);
    }

    [Fact]
    public void Once_warm_an_event_costs_no_allocation_beyond_the_formatter()
    {
        var output = new MemoryStream(1 << 20);
        using var sink = new BatchedConsoleSink(new NoAllocFormatter(), () => 1, output);
        var e = Event(1);
        for (var i = 0; i < 100; i++)
        {
            sink.Emit(e);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            sink.Emit(e);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    public void Non_ascii_text_with_astral_characters_reaches_the_output_as_utf8_across_buffer_chunks(string shift)
    {
        var output = new RecordingStream();
        var pending = 1;
        using var sink = new BatchedConsoleSink(new CompactJsonFormatter(), () => pending, output);
        // 80,000 characters of surrogate pairs: more than the batch buffer's first 64 K chunk. One of the two shifts
        // puts the chunk boundary inside a pair, which an encoder flushed per chunk would turn into two '?'.
        var name = shift + "Ñandú " + string.Concat(Enumerable.Repeat("𝄞", 40_000));
        sink.Emit(new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, Template, [new LogEventProperty("ExpedienteId", new ScalarValue(name))]));
        pending = 0;
        sink.Emit(Event(2));

        var lines = output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var doc = JsonDocument.Parse(lines[0]);
        Assert.Equal(name, doc.RootElement.GetProperty("ExpedienteId").GetString());
    }

    [Fact]
    public void A_failing_output_loses_that_batch_only_counts_it_and_the_buffer_does_not_grow()
    {
        var output = new RecordingStream { FailNext = true };
        var pending = 0;
        using var sink = new BatchedConsoleSink(new CompactJsonFormatter(), () => pending, output);

        sink.Emit(Event(1));
        Assert.Equal(1, sink.Dropped);
        sink.Emit(Event(2));
        Assert.Equal(1, sink.Dropped);

        var lines = output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var only = Assert.Single(lines);
        using var doc = JsonDocument.Parse(only);
        Assert.Equal(2, doc.RootElement.GetProperty("ExpedienteId").GetInt32());
    }

    /// <summary>Counts write calls, so a test can see that one batch is one write; can fail once like a closed pipe.</summary>
    private sealed class RecordingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public bool FailNext { get; set; }

        public string Text => System.Text.Encoding.UTF8.GetString(ToArray());

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (FailNext)
            {
                FailNext = false;
                throw new IOException("Broken pipe");
            }

            Writes++;
            base.Write(buffer, offset, count);
        }
    }

    private sealed class ThrowingAfterWriteFormatter : Serilog.Formatting.ITextFormatter
    {
        public void Format(LogEvent logEvent, TextWriter output)
        {
            output.Write("{\"@t\":\"half");
            throw new InvalidOperationException("formatter failed");
        }
    }

    private sealed class NoAllocFormatter : Serilog.Formatting.ITextFormatter
    {
        public void Format(LogEvent logEvent, TextWriter output) => output.Write("{\"@mt\":\"x\"}\n");
    }
}
