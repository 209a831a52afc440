using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Sigcerh.Telemetry.Redaction;

namespace Sigcerh.Telemetry.Benchmarks.Micro;

/// <summary>
/// The PII redactor at 1x, 2x and 4x each input's size, to show its cost is linear (report µs per KB): realistic
/// Spanish log text (clean, clean with ids that look numeric, with personal data; 1 KB at 1x) and hostile inputs (an
/// 8 KB path of 8-digit numbers, a 50 KB bulk INSERT with thousands of DNIs). The limit is raised to 1 MiB so every
/// size is read whole; <see cref="RedactionLimitBenchmarks"/> measures the default 16 KB limit.
/// </summary>
public class RedactionBenchmarks
{
    private PiiRedactor _redactor = null!;
    private string _text = string.Empty;

    /// <summary>Which text is redacted.</summary>
    [Params(RedactionCase.CleanText, RedactionCase.CleanWithIds, RedactionCase.PersonalData, RedactionCase.DigitPath, RedactionCase.BulkInsert)]
    public RedactionCase Case { get; set; }

    /// <summary>Multiple of the case's base size (1 KB realistic, 8 KB digit path, 50 KB bulk INSERT).</summary>
    [Params(1, 2, 4)]
    public int Scale { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _redactor = RedactionTexts.Redactor(maxValueLength: 1024 * 1024);
        _text = RedactionTexts.Build(Case, Scale);
        RedactionTexts.SelfCheck(_redactor, Case, _text);
    }

    // The counting overload: the public one would answer a long value it has just redacted from memory.
    [Benchmark]
    public string Redact()
    {
        var work = default(RedactionWork);
        return _redactor.Redact(_text, ref work);
    }
}

/// <summary>The hostile inputs with the default settings: a value above 16 KB is cut, so its cost stops growing.</summary>
public class RedactionLimitBenchmarks
{
    private PiiRedactor _redactor = null!;
    private string _text = string.Empty;

    /// <summary>Which hostile text is redacted.</summary>
    [Params(RedactionCase.DigitPath, RedactionCase.BulkInsert)]
    public RedactionCase Case { get; set; }

    /// <summary>Multiple of the case's base size.</summary>
    [Params(1, 4)]
    public int Scale { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _redactor = RedactionTexts.Redactor(maxValueLength: null);
        _text = RedactionTexts.Build(Case, Scale);
        RedactionTexts.SelfCheck(_redactor, Case, _text);
    }

    // The counting overload: the public one would answer a long value it has just redacted from memory.
    [Benchmark]
    public string Redact()
    {
        var work = default(RedactionWork);
        return _redactor.Redact(_text, ref work);
    }
}

/// <summary>The texts of the redaction benchmarks.</summary>
public enum RedactionCase
{
    /// <summary>No digits and no '@'.</summary>
    CleanText,

    /// <summary>Trace id, timestamp, 7-digit ids: candidates are looked at and nothing is masked.</summary>
    CleanWithIds,

    /// <summary>DNI, email, mobile and card number in every sentence.</summary>
    PersonalData,

    /// <summary>An anonymous GET's path: 8 KB of 8-digit numbers separated by '/'.</summary>
    DigitPath,

    /// <summary>A logged bulk INSERT: 50 KB holding about 1,700 DNIs and as many mobiles.</summary>
    BulkInsert,
}

/// <summary>Builds the benchmark texts and checks the redactor masks exactly when it should.</summary>
internal static class RedactionTexts
{
    private static readonly Dictionary<RedactionCase, string> Sentences = new()
    {
        [RedactionCase.CleanText] = "Certificado de estudios emitido y enviado a la mesa de partes de la UGEL. ",
        [RedactionCase.CleanWithIds] = "Solicitud 1234567 del expediente 2024-000123 procesada en 12.5 ms (trace 4bf92f3577b34da6a3ce929d0e0e4736, 2026-11-29T16:20:00Z, HTTP 200). ",
        [RedactionCase.PersonalData] = "Pago validado para DNI 45871236, correo maria.quispe@gmail.com, celular +51 987 654 321, tarjeta 4111 1111 1111 1111. ",
    };

    public static PiiRedactor Redactor(int? maxValueLength)
    {
        var options = new SigcerhRedactionOptions();
        if (maxValueLength is { } max)
        {
            options.MaxValueLength = max;
        }

        return PiiRedactor.Create(options);
    }

    public static string Build(RedactionCase c, int scale) => c switch
    {
        RedactionCase.DigitPath => Repeat(8 * 1024 * scale, i => "/" + (10_000_000 + (i * 7919 % 89_999_999)).ToString(CultureInfo.InvariantCulture)),
        RedactionCase.BulkInsert => "INSERT INTO personas (dni, nombre, celular) VALUES "
            + Repeat(50 * 1024 * scale, i => $"('{40_000_000 + (i * 37)}','Nombre Apellido {i}','9{i % 100_000_000:D8}'),"),
        _ => Repeat(1024 * scale, _ => Sentences[c]),
    };

    public static void SelfCheck(PiiRedactor redactor, RedactionCase c, string text)
    {
        var changed = !ReferenceEquals(redactor.Redact(text), text);
        if (changed != c is RedactionCase.PersonalData or RedactionCase.DigitPath or RedactionCase.BulkInsert)
        {
            throw new InvalidOperationException($"Redactor self-check failed for {c}.");
        }
    }

    private static string Repeat(int length, Func<int, string> piece)
    {
        var sb = new StringBuilder(length + 128);
        for (var i = 0; sb.Length < length; i++)
        {
            sb.Append(piece(i));
        }

        return sb.ToString(0, length);
    }
}
