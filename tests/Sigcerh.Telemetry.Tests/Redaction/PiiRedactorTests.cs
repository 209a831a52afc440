using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sigcerh.Telemetry.Redaction;

namespace Sigcerh.Telemetry.Tests.Redaction;

public sealed class PiiRedactorTests
{
    private static readonly PiiRedactor Default = PiiRedactor.Create(new SigcerhRedactionOptions());

    [Theory]
    [MemberData(nameof(PiiCorpus.PositiveIndexes), MemberType = typeof(PiiCorpus))]
    public void Every_secret_of_a_positive_corpus_line_is_masked(int index)
    {
        var entry = PiiCorpus.Positive[index];
        var redacted = Default.Redact(entry.Text);
        foreach (var secret in entry.Secrets)
        {
            Assert.False(redacted.Contains(secret, StringComparison.OrdinalIgnoreCase), $"'{secret}' survived in: {redacted}");
        }

        Assert.Contains("***", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void No_negative_corpus_line_holds_a_secret_of_the_positive_half()
    {
        // Else the end-to-end leak scans, which look for every secret everywhere, would flag an unchanged negative line.
        var collisions = PiiCorpus.Negative.SelectMany(n => PiiCorpus.LeaksIn(n).Select(s => $"'{s}' in: {n}")).ToList();
        Assert.True(collisions.Count == 0, string.Join('\n', collisions));
    }

    [Theory]
    [MemberData(nameof(PiiCorpus.NegativeIndexes), MemberType = typeof(PiiCorpus))]
    public void A_negative_corpus_line_comes_out_as_the_same_instance(int index)
    {
        var line = PiiCorpus.Negative[index];
        Assert.Same(line, Default.Redact(line));
    }

    [Fact]
    public void Personal_data_after_addresses_and_ports_is_still_masked()
    {
        var redacted = Default.Redact("Host=10.0.0.12;Port=5432 usuario con DNI 45678912 desde 192.168.1.20:443");
        Assert.Equal("Host=10.0.0.12;Port=5432 usuario con DNI ***912 desde 192.168.1.20:443", redacted);
    }

    [Theory]
    [InlineData("Solicitud creada para DNI 45678912", "Solicitud creada para DNI ***912")]
    [InlineData("celular 987 654 321.", "celular ***321.")]
    [InlineData("correo maria.quispe@gmail.com", "correo ***com")]
    [InlineData("tarjeta 4111-1111-1111-1111 ok", "tarjeta ***111 ok")]
    [InlineData("Carnet de extranjería N° 001234567 registrado", "Carnet de extranjería N° ***567 registrado")]
    [InlineData("RUC 20512345678", "RUC ***678")]
    public void Mask_mode_keeps_a_three_character_hint_and_the_surrounding_text(string input, string expected)
    {
        Assert.Equal(expected, Default.Redact(input));
    }

    [Theory]
    [InlineData("tarjeta 4111 1111 1111 1112")] // fails Luhn
    [InlineData("expediente 1234567890123")]   // 13 digits, fails Luhn
    [InlineData("orden 12345678901234567890")] // 20 digits: too long for a card, too long for anything else
    [InlineData("monto 12345678.50 soles")]    // a decimal amount is not a DNI
    [InlineData("sesión 12345678-aaaa-bbbb-cccc-1234567890ab")]
    [InlineData("2026-11-29 2026-11-30 rango de fechas")]
    [InlineData("Solicitud 1234567 del expediente 2024-000123 procesada en 12.5 ms (trace 4bf92f3577b34da6a3ce929d0e0e4736, 2026-11-29T16:20:00Z, HTTP 200)")]
    [InlineData("RequestId 0HNA1B2C3D4E5:00000001 terminó")]
    public void Look_alikes_that_are_not_personal_data_are_left_alone(string input)
    {
        Assert.Same(input, Default.Redact(input));
    }

    [Fact]
    public void Luhn_check_accepts_test_cards_and_rejects_near_misses()
    {
        Assert.True(DigitScanner.IsLuhnValid("4111 1111 1111 1111"));
        Assert.True(DigitScanner.IsLuhnValid("378282246310005"));
        Assert.False(DigitScanner.IsLuhnValid("4111 1111 1111 1121"));
        Assert.False(DigitScanner.IsLuhnValid("1732894235120"));
        Assert.False(DigitScanner.IsLuhnValid("0"));
    }

    [Fact]
    public void Hash_mode_gives_the_same_keyed_token_for_the_same_value_and_never_the_value()
    {
        var o = new SigcerhRedactionOptions { Mode = SigcerhRedactionMode.Hash, HashKey = "clave-de-prueba" };
        var redactor = PiiRedactor.Create(o);
        var a = redactor.Redact("DNI 45678912 y celular 987 654 321");
        var b = redactor.Redact("dni:45678912; cel 987654321");
        Assert.DoesNotContain("45678912", a, StringComparison.Ordinal);
        Assert.Matches(@"^DNI \[dni:[0-9a-f]{12}\] y celular \[phone:[0-9a-f]{12}\]$", a);
        var dniA = System.Text.RegularExpressions.Regex.Match(a, @"\[dni:[0-9a-f]{12}\]").Value;
        Assert.Contains(dniA, b, StringComparison.Ordinal);
        var phoneA = System.Text.RegularExpressions.Regex.Match(a, @"\[phone:[0-9a-f]{12}\]").Value;
        Assert.Contains(phoneA, b, StringComparison.Ordinal); // grouping does not change the hash

        var otherKey = PiiRedactor.Create(new SigcerhRedactionOptions { Mode = SigcerhRedactionMode.Hash, HashKey = "otra-clave" });
        Assert.NotEqual(a, otherKey.Redact("DNI 45678912 y celular 987 654 321"));
    }

    [Fact]
    public void Drop_mode_writes_only_the_kind_of_data()
    {
        var redactor = PiiRedactor.Create(new SigcerhRedactionOptions { Mode = SigcerhRedactionMode.Drop });
        Assert.Equal("DNI [dni], correo [email]", redactor.Redact("DNI 45678912, correo a.b@ugel.gob.pe"));
    }

    [Fact]
    public void Configured_patterns_are_masked_too_and_built_in_ones_still_apply()
    {
        var o = new SigcerhRedactionOptions();
        o.Patterns["codigo_modular"] = @"\bCM-\d{7}\b";
        var redactor = PiiRedactor.Create(o);
        Assert.Equal("alumno ***567 con DNI ***912", redactor.Redact("alumno CM-1234567 con DNI 45678912"));
        Assert.Equal("sin datos", redactor.Redact("sin datos"));
    }

    [Fact]
    public void Allowed_properties_include_trace_ids_and_configured_names_ignoring_case()
    {
        var o = new SigcerhRedactionOptions();
        o.AllowedProperties.Add("NumeroExpediente");
        var redactor = PiiRedactor.Create(o);
        Assert.True(redactor.IsAllowed("numeroexpediente"));
        Assert.True(redactor.IsAllowed("TraceId"));
        Assert.True(redactor.IsAllowed("RequestId"));
        Assert.False(redactor.IsAllowed("Dni"));
    }

    [Theory]
    [InlineData("SigcerhTelemetry:Redaction:Mode", "Ocultar", "SigcerhTelemetry:Redaction:Mode", "'Ocultar'")]
    [InlineData("SigcerhTelemetry:Redaction:Patterns:placa", "[A-Z{3", "SigcerhTelemetry:Redaction:Patterns:placa", "'[A-Z{3'")]
    [InlineData("SigcerhTelemetry:Redaction:Patterns:vacio", "x*", "SigcerhTelemetry:Redaction:Patterns:vacio", "'x*'")]
    [InlineData("SigcerhTelemetry:Redaction:MaxValueLength", "100", "SigcerhTelemetry:Redaction:MaxValueLength", "'100'")]
    [InlineData("SigcerhTelemetry:Redaction:MaxValueLength", "2000000", "SigcerhTelemetry:Redaction:MaxValueLength", "'2000000'")]
    public void A_bad_redaction_setting_fails_startup_naming_the_key_and_the_value(string key, string value, string expectedKey, string expectedValue)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(config);
        services.AddLogging();
        services.AddSigcerhTelemetry();
        using var sp = services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<SigcerhTelemetryOptions>>().Value);
        Assert.Contains(e.Failures, f => f.Contains(expectedKey, StringComparison.Ordinal) && f.Contains(expectedValue, StringComparison.Ordinal));
    }
}
