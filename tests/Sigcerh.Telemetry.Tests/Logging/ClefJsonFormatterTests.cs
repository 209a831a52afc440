using System.Diagnostics;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Parsing;
using Sigcerh.Telemetry.Logging;

namespace Sigcerh.Telemetry.Tests.Logging;

public sealed class ClefJsonFormatterTests
{
    private static readonly MessageTemplateParser Parser = new();

    public static TheoryData<string> Events() => new(
        "plain",
        "scalars",
        "formatted",
        "structured",
        "exception",
        "traced",
        "reserved-name",
        "escaping");

    [Theory]
    [MemberData(nameof(Events))]
    public void Output_is_character_for_character_what_Serilogs_compact_formatter_writes(string kind)
    {
        var e = Build(kind);
        var expected = new StringWriter();
        new CompactJsonFormatter().Format(e, expected);
        var actual = new StringWriter();
        new ClefJsonFormatter().Format(e, actual);

        Assert.Equal(expected.ToString(), actual.ToString());
    }

    private static LogEvent Build(string kind)
    {
        var at = new DateTimeOffset(2026, 11, 29, 18, 5, 7, 123, TimeSpan.FromHours(-5)).AddTicks(4567);
        LogEventProperty P(string name, object? value) => new(name, new ScalarValue(value));
        return kind switch
        {
            "plain" => new LogEvent(at, LogEventLevel.Information, null, Parser.Parse("Servicio iniciado"), []),
            "scalars" => new LogEvent(at, LogEventLevel.Warning, null, Parser.Parse("Expediente {Id} {Monto} {Activo}"),
            [
                P("Id", 42), P("Grande", 9_876_543_210L), P("Monto", 12.5), P("Pequeno", 0.1f), P("Precio", 19.90m), P("Activo", true),
                P("Nada", null), P("Fecha", new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)), P("Guid", Guid.Empty),
                P("Infinito", double.PositiveInfinity), P("NoNumero", double.NaN), P("Negativo", -7), P("Byte", (byte)7),
            ]),
            "formatted" => new LogEvent(at, LogEventLevel.Debug, null, Parser.Parse("Tardó {Elapsed:0.0000} ms y pagó {Monto:N2} de {Id}"),
                [P("Elapsed", 3.14159265), P("Monto", 1234.5m), P("Id", 7)]),
            "structured" => new LogEvent(at, LogEventLevel.Error, null, Parser.Parse("Solicitud {@Solicitud}"),
            [
                new LogEventProperty("Solicitud", new StructureValue([new LogEventProperty("Tipo", new ScalarValue("constancia")), new LogEventProperty("Anio", new ScalarValue(1998))], "Solicitud")),
                new LogEventProperty("Lista", new SequenceValue([new ScalarValue(1), new ScalarValue("dos")])),
                new LogEventProperty("Mapa", new DictionaryValue([new(new ScalarValue("a"), new ScalarValue(1.5))])),
            ]),
            "exception" => new LogEvent(at, LogEventLevel.Fatal, Thrown(), Parser.Parse("Falló {Operacion}"), [P("Operacion", "emitir")]),
            "traced" => new LogEvent(at, LogEventLevel.Verbose, null, Parser.Parse("En traza"), [P("X", "y")],
                ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom()),
            "reserved-name" => new LogEvent(at, LogEventLevel.Information, null, Parser.Parse("Raro {@t}"), [P("@t", "no es la hora"), P("@mt", 1)]),
            _ => new LogEvent(at, LogEventLevel.Information, null, Parser.Parse("Comillas \"{Texto}\" y \\ barra\n"),
                [P("Texto", "línea\nnueva \"citada\" \t tab \u0001 control </script>"), P("Ñandú", "ñ")]),
        };
    }

    private static InvalidOperationException Thrown()
    {
        try
        {
            throw new InvalidOperationException("falla \"grave\"");
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }
    }
}
