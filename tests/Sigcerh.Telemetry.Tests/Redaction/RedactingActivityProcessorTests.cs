using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Sigcerh.Telemetry.Redaction;

namespace Sigcerh.Telemetry.Tests.Redaction;

public sealed class RedactingActivityProcessorTests
{
    [Fact]
    public void The_runtime_still_has_the_private_events_field_the_processor_rewrites()
    {
        Assert.NotNull(RedactingActivityProcessor.EventsField);
    }

    [Fact]
    public void Tags_events_status_and_display_name_reach_the_exporter_masked()
    {
        var span = RecordThroughRedaction("GET /api/solicitudes/45678912", a =>
        {
            a.SetTag("url.query", "dni=45678912&email=maria.quispe@gmail.com");
            a.SetTag("url.full", "https://certificados.ugel.gob.pe/consulta?dni=48123456&captcha=ok");
            a.SetTag("db.query.text", "SELECT * FROM solicitantes WHERE dni = '47896541' AND celular = '987654321'");
            a.SetTag("sigcerh.solicitante.tarjeta", "4242424242424242");
            a.SetTag("sigcerh.solicitante.dni_numerico", 45678912L);
            a.SetTag("sigcerh.expediente", "2026001234");
            a.SetTag("http.response.status_code", 500);
            a.SetTag("server.port", 8080);
            a.SetTag("sigcerh.correos", new[] { "l.torres@outlook.com", "sin correo" });
            a.AddException(new InvalidOperationException("DNI 72345678 no encontrado"));
            a.AddEvent(new ActivityEvent("notificado al 987 123 456", tags: new ActivityTagsCollection { ["canal"] = "sms", ["destino"] = "+51945123456" }));
            a.SetStatus(ActivityStatusCode.Error, "Pago rechazado para tarjeta 5500-0000-0000-0004");
        });
        var everything = string.Join('\n', new[] { span.DisplayName, span.StatusDescription ?? string.Empty }
            .Concat(span.TagObjects.Select(t => $"{t.Key}={Flatten(t.Value)}"))
            .Concat(span.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}").Append(e.Name))));
        foreach (var secret in new[] { "45678912", "maria.quispe@gmail.com", "48123456", "47896541", "987654321", "4242424242424242", "l.torres@outlook.com", "72345678", "987 123 456", "945123456", "5500-0000-0000-0004" })
        {
            Assert.False(everything.Contains(secret, StringComparison.Ordinal), $"'{secret}' leaked:\n{everything}");
        }

        Assert.Equal("GET /api/solicitudes/***912", span.DisplayName);
        Assert.Equal("2026001234", span.GetTagItem("sigcerh.expediente"));
        Assert.Equal(500, span.GetTagItem("http.response.status_code"));
        Assert.Equal(8080, span.GetTagItem("server.port"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("***com,sin correo", Flatten(span.GetTagItem("sigcerh.correos")));
        var exception = Assert.Single(span.Events, e => e.Name == "exception");
        Assert.Equal("DNI ***678 no encontrado", exception.Tags.Single(t => t.Key == "exception.message").Value);
        Assert.Equal("System.InvalidOperationException", exception.Tags.Single(t => t.Key == "exception.type").Value);
        var sms = Assert.Single(span.Events, e => e.Name.StartsWith("notificado", StringComparison.Ordinal));
        Assert.Equal("sms", sms.Tags.Single(t => t.Key == "canal").Value);
    }

    [Fact]
    public void A_clean_span_keeps_its_events_as_they_were()
    {
        var span = RecordThroughRedaction("GET /api/solicitudes/{id}", a =>
        {
            a.SetTag("url.path", "/api/solicitudes/12345/estado");
            a.AddEvent(new ActivityEvent("reintento", tags: new ActivityTagsCollection { ["intento"] = 3 }));
        });
        Assert.Equal("/api/solicitudes/12345/estado", span.GetTagItem("url.path"));
        Assert.Equal(3, Assert.Single(span.Events).Tags.Single().Value);
    }

    [Fact]
    public void Tags_that_are_not_strings_are_masked_by_the_text_the_exporter_writes_for_them()
    {
        var span = RecordThroughRedaction("GET /consulta", a =>
        {
            a.SetTag("url.full", new Uri("https://certificados.ugel.gob.pe/consulta/45678912?correo=maria.quispe@gmail.com"));
            a.SetTag("sigcerh.builder", new System.Text.StringBuilder("celular ").Append("987 654 321"));
            a.SetTag("sigcerh.objeto", new Solicitante("70123456"));
            a.SetTag("sigcerh.montos", 45678912.0);
            a.SetTag("sigcerh.dnis", new[] { 1234, 45678912 });
            a.SetTag("sigcerh.lista", new List<string> { "rosa.huaman@ugel.gob.pe", "sin correo" });
            a.SetTag("sigcerh.uris", new[] { new Uri("mailto:l.torres@outlook.com") });
        });
        var everything = string.Join('\n', span.TagObjects.Select(t => $"{t.Key}={Flatten(t.Value)}"));
        foreach (var secret in new[] { "45678912", "maria.quispe@gmail.com", "987 654 321", "70123456", "rosa.huaman@ugel.gob.pe", "l.torres@outlook.com" })
        {
            Assert.False(everything.Contains(secret, StringComparison.Ordinal), $"'{secret}' leaked:\n{everything}");
        }

        Assert.Equal("https://certificados.ugel.gob.pe/consulta/***912?correo=***com", span.GetTagItem("url.full"));
        Assert.Equal(new[] { "1234", "***912" }, span.GetTagItem("sigcerh.dnis"));
        Assert.Equal(new[] { "***.pe", "sin correo" }, span.GetTagItem("sigcerh.lista"));
    }

    [Fact]
    public void Clean_values_of_any_type_stay_the_same_instances()
    {
        var uri = new Uri("https://certificados.ugel.gob.pe/consulta/12345/estado");
        var ids = new[] { 1234567, 42 };
        var list = new List<string> { "pendiente", "aprobado" };
        var span = RecordThroughRedaction("GET /consulta", a =>
        {
            a.SetTag("url.full", uri);
            a.SetTag("sigcerh.ids", ids);
            a.SetTag("sigcerh.estados", list);
            a.SetTag("sigcerh.duracion", 1523.456);
        });
        Assert.Same(uri, span.GetTagItem("url.full"));
        Assert.Same(ids, span.GetTagItem("sigcerh.ids"));
        Assert.Same(list, span.GetTagItem("sigcerh.estados"));
        Assert.Equal(1523.456, span.GetTagItem("sigcerh.duracion"));
    }

    // One span through a provider with only the redacting processor and an in-memory exporter.
    private static Activity RecordThroughRedaction(string name, Action<Activity> fill)
    {
        var source = "Sigcerh.Tests.Redaction." + Guid.NewGuid().ToString("N");
        var exported = new List<Activity>();
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source)
            .AddProcessor(new RedactingActivityProcessor(PiiRedactor.Create(new SigcerhRedactionOptions())))
            .AddInMemoryExporter(exported)
            .Build())
        using (var activitySource = new ActivitySource(source))
        {
            using var a = activitySource.StartActivity(name)!;
            fill(a);
        }

        return Assert.Single(exported);
    }

    private static string Flatten(object? value) => value switch
    {
        string s => s,
        System.Collections.IEnumerable e => string.Join(',', e.Cast<object?>()),
        _ => value?.ToString() ?? string.Empty,
    };

    private sealed record Solicitante(string Dni)
    {
        public override string ToString() => "Solicitante con DNI " + Dni;
    }
}
