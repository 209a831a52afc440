using System.Globalization;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Sigcerh.Telemetry.Redaction;

namespace Sigcerh.Telemetry.Tests.Redaction;

public sealed class RedactingLogEventSinkTests
{
    [Fact]
    public void Interpolated_personal_data_in_the_template_text_is_masked_and_property_tokens_survive()
    {
        var (json, events) = Log(l => l.Information("Certificado emitido para DNI 45678912 en {Elapsed} ms", 12.5));
        Assert.DoesNotContain("45678912", json, StringComparison.Ordinal);
        var e = Assert.Single(events);
        Assert.Equal("Certificado emitido para DNI ***912 en {Elapsed} ms", e.MessageTemplate.Text);
        Assert.Equal("Certificado emitido para DNI ***912 en 12.5 ms", e.RenderMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_property_format_holding_personal_data_is_masked_too()
    {
        var (json, _) = Log(l => l.Information("Pago {Monto:45678912} registrado", 15));
        Assert.DoesNotContain("45678912", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_structures_sequences_and_dictionaries_are_masked_at_any_depth()
    {
        var solicitud = new
        {
            Id = 1234567,
            Solicitante = new { Dni = "45678912", Correo = "maria.quispe@gmail.com", Telefonos = new[] { "987654321", "sin teléfono" } },
            Extra = new Dictionary<string, object> { ["tarjeta"] = "4111 1111 1111 1111", ["rosa.huaman@ugel.gob.pe"] = "clave como correo" },
            DniNumerico = 45678912,
        };
        var (json, _) = Log(l => l.Information("Solicitud {@Solicitud} recibida", solicitud));
        Assert.Empty(LeaksIn(json, "45678912", "maria.quispe@gmail.com", "987654321", "4111 1111 1111 1111", "rosa.huaman@ugel.gob.pe"));
        Assert.Contains("\"Id\":1234567", json, StringComparison.Ordinal); // 7-digit ids stay numbers
        Assert.Contains("sin teléfono", json, StringComparison.Ordinal);
        Assert.Contains("***912", json, StringComparison.Ordinal);
    }

    [Fact]
    public void An_exception_message_and_its_ToString_are_masked_in_the_file_output()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException("Pago rechazado para la tarjeta 4111 1111 1111 1111 del DNI 45678912");
        }
        catch (InvalidOperationException e)
        {
            thrown = e;
        }

        var (json, events) = Log(l => l.Error(thrown, "Falló el pago"));
        Assert.Empty(LeaksIn(json, "4111 1111 1111 1111", "45678912"));
        var x = Assert.Single(events).Exception!;
        Assert.Equal("Pago rechazado para la tarjeta ***111 del DNI ***912", x.Message);
        Assert.StartsWith("System.InvalidOperationException: Pago rechazado", x.ToString(), StringComparison.Ordinal);
        Assert.Contains(nameof(An_exception_message_and_its_ToString_are_masked_in_the_file_output), x.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public void Scalar_properties_that_are_not_strings_are_masked_by_the_text_the_formatters_write()
    {
        var (json, events) = Log(l => l.Information(
            "Enlace {Enlace}, monto {Monto}, decimal {Decimal}, objeto {Objeto}",
            new Uri("https://certificados.ugel.gob.pe/consulta/45678912?correo=maria.quispe@gmail.com"),
            70123456.0,
            48123456m,
            new System.Text.StringBuilder("cel 987 654 321")));
        Assert.Empty(LeaksIn(json, "45678912", "maria.quispe@gmail.com", "70123456", "48123456", "987 654 321"));
        var e = Assert.Single(events);
        Assert.Equal("\"https://certificados.ugel.gob.pe/consulta/***912?correo=***com\"", e.Properties["Enlace"].ToString());
    }

    [Fact]
    public void A_redacted_exception_keeps_its_real_type_for_the_exporters()
    {
        var (_, events) = Log(l => l.Error(new ArgumentException("DNI 45678912 inválido"), "Falló"));
        var x = Assert.IsType<RedactedException>(Assert.Single(events).Exception);
        Assert.Equal(typeof(ArgumentException), x.OriginalType);
        Assert.StartsWith("System.ArgumentException: DNI ***912 inválido", x.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_OTLP_record_of_a_redacted_exception_carries_the_real_type_and_no_exception_object()
    {
        var (_, events) = Log(l => l.Error(new ArgumentException("DNI 45678912 inválido"), "Falló"));
        var state = new Sigcerh.Telemetry.Logging.LogEventAttributeCollection(Assert.Single(events), new Sigcerh.Telemetry.Logging.CleanMessageRenderer());
        var attributes = state.ToDictionary(a => a.Key, a => a.Value as string);

        // The SDK would add exception.type = "RedactedException" for any exception object it is given.
        Assert.Null(state.Exception);
        Assert.Equal(nameof(ArgumentException), attributes["exception.type"]);
        Assert.Equal("DNI ***912 inválido", attributes["exception.message"]);
        Assert.StartsWith("System.ArgumentException: DNI ***912 inválido", attributes["exception.stacktrace"], StringComparison.Ordinal);
        Assert.Equal(state.Count, state.Count());
    }

    [Fact]
    public void A_clean_event_passes_through_as_the_same_instance()
    {
        var redactor = PiiRedactor.Create(new SigcerhRedactionOptions());
        var sink = new RedactingLogEventSink(redactor, new CollectingSink());
        var template = new Serilog.Parsing.MessageTemplateParser().Parse("Expediente {Id} en {Elapsed} ms, traza 4bf92f3577b34da6a3ce929d0e0e4736");
        var e = new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, template,
            [new LogEventProperty("Id", new ScalarValue(1234567)), new LogEventProperty("Elapsed", new ScalarValue(8.5))]);
        Assert.Same(e, sink.Redact(e));
    }

    [Fact]
    public void Allowed_properties_keep_their_value_and_trace_context_survives_rebuilding()
    {
        var o = new SigcerhRedactionOptions();
        o.AllowedProperties.Add("NumeroOrden");
        var collected = new CollectingSink();
        using var activity = new System.Diagnostics.Activity("t").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start();
        using (var logger = new LoggerConfiguration().WriteTo.Sink(new RedactingLogEventSink(PiiRedactor.Create(o), collected)).CreateLogger())
        {
            logger.Information("Orden {NumeroOrden} del DNI {Dni}", "45678912", "45678912");
        }

        var e = Assert.Single(collected.Events);
        Assert.Equal("\"45678912\"", e.Properties["NumeroOrden"].ToString());
        Assert.Equal("\"***912\"", e.Properties["Dni"].ToString());
        Assert.Equal(activity.TraceId, e.TraceId);
        Assert.Equal(activity.SpanId, e.SpanId);
    }

    private static List<string> LeaksIn(string text, params string[] secrets) =>
        secrets.Where(s => text.Contains(s, StringComparison.OrdinalIgnoreCase)).ToList();

    private static (string Json, IReadOnlyList<LogEvent> Events) Log(Action<ILogger> write)
    {
        var collected = new CollectingSink();
        var redactor = PiiRedactor.Create(new SigcerhRedactionOptions());
        using (var logger = new LoggerConfiguration().WriteTo.Sink(new RedactingLogEventSink(redactor, collected)).CreateLogger())
        {
            write(logger);
        }

        var formatter = new CompactJsonFormatter();
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        foreach (var e in collected.Events)
        {
            formatter.Format(e, writer);
        }

        return (writer.ToString(), collected.Events);
    }

    private sealed class CollectingSink : ILogEventSink
    {
        public List<LogEvent> Events { get; } = [];

        public void Emit(LogEvent logEvent) => Events.Add(logEvent);
    }
}
