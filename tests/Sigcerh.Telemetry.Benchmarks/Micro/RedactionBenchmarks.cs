using BenchmarkDotNet.Attributes;
using Sigcerh.Telemetry.Redaction;

namespace Sigcerh.Telemetry.Benchmarks.Micro;

/// <summary>The PII redactor on realistic Spanish log text: clean, clean with ids that look numeric, and with personal data.</summary>
public class RedactionBenchmarks
{
    private static readonly Dictionary<RedactionCase, string> Texts = new()
    {
        [RedactionCase.CleanText] = "Certificado de estudios emitido y enviado a la mesa de partes de la UGEL",
        [RedactionCase.CleanWithIds] = "Solicitud 1234567 del expediente 2024-000123 procesada en 12.5 ms (trace 4bf92f3577b34da6a3ce929d0e0e4736, 2026-11-29T16:20:00Z, HTTP 200)",
        [RedactionCase.PersonalData] = "Pago validado para DNI 45871236, correo maria.quispe@gmail.com, celular +51 987 654 321, tarjeta 4111 1111 1111 1111",
    };

    private PiiRedactor _redactor = null!;
    private string _text = string.Empty;

    /// <summary>Which text is redacted.</summary>
    [Params(RedactionCase.CleanText, RedactionCase.CleanWithIds, RedactionCase.PersonalData)]
    public RedactionCase Case { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _redactor = PiiRedactor.Create(new SigcerhRedactionOptions());
        _text = Texts[Case];
        var redacted = _redactor.Redact(_text);
        var changed = !ReferenceEquals(redacted, _text);
        if (changed != (Case == RedactionCase.PersonalData))
        {
            throw new InvalidOperationException($"Redactor self-check failed for {Case}: '{redacted}'.");
        }
    }

    [Benchmark]
    public string Redact() => _redactor.Redact(_text);
}

/// <summary>The texts of <see cref="RedactionBenchmarks"/>.</summary>
public enum RedactionCase
{
    /// <summary>No digits and no '@': the pre-filter returns at once.</summary>
    CleanText,

    /// <summary>Trace id, timestamp, 7-digit ids: the rules run and mask nothing.</summary>
    CleanWithIds,

    /// <summary>DNI, email, mobile and card number: four masks.</summary>
    PersonalData,
}
