using System.Text;
using Sigcerh.Telemetry.Redaction;

namespace Sigcerh.Telemetry.Tests.Redaction;

/// <summary>
/// Hostile inputs cost a bounded amount of work, counted (characters the scanner read, regex evaluations and the
/// characters handed to them) rather than timed: each input at 1x, 2x and 4x its size must cost at most a constant per
/// character, and quadrupling the input must not cost more than about four times as much.
/// </summary>
public sealed class RedactionCostTests
{
    // Work per input character the redactor may spend on any input: scanner, bounded lookaheads and regexes together.
    private const double MaxWorkPerChar = 12;

    private static readonly PiiRedactor Unbounded = PiiRedactor.Create(new SigcerhRedactionOptions { MaxValueLength = 1024 * 1024 });

    public static TheoryData<string> Hostile => new(HostileInputs.Keys);

    private static readonly Dictionary<string, Func<int, string>> HostileInputs = new(StringComparer.Ordinal)
    {
        // An anonymous GET: a path of 8-digit numbers, each one a DNI candidate.
        ["digit path"] = n => Repeat(n, i => "/" + (10_000_000 + (i * 7919 % 89_999_999)).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        // A bulk INSERT logged with its values: thousands of DNIs, names and phones.
        ["bulk insert"] = n => "INSERT INTO personas (dni, nombre, celular) VALUES " + Repeat(n, i => $"('{40_000_000 + i}','Nombre {i}','9{(i % 100_000_000):D8}'),"),
        ["one long digit run"] = n => new string('7', n),
        ["digit groups of three"] = n => Repeat(n, _ => "987 "),
        ["card-like groups"] = n => Repeat(n, _ => "4111 "),
        ["dotted groups"] = n => Repeat(n, _ => "987.654."),
        ["single digits"] = n => Repeat(n, _ => "1 "),
        ["at signs"] = n => new string('@', n),
        ["address-like"] = n => Repeat(n, i => "a" + i + "@b"),
        ["escaped at signs"] = n => Repeat(n, _ => "x%40y."),
        ["hex word with numbers"] = n => Repeat(n, _ => "a12345678"),
        ["guid-like"] = n => Repeat(n, _ => "12345678-1234-1234-1234-12345678901 "),
        ["carnet keywords"] = n => Repeat(n, _ => "CE 1234567890 "),
        ["timestamps"] = n => Repeat(n, _ => "2026-11-29T15:50:35.12345678Z "),
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void A_hostile_input_costs_at_most_a_constant_per_character_at_every_size(string name)
    {
        foreach (var size in new[] { 8 * 1024, 16 * 1024, 32 * 1024 })
        {
            var text = HostileInputs[name](size);
            var work = Work(Unbounded, text);
            Assert.True(work <= MaxWorkPerChar * text.Length, $"{name}, {text.Length} chars: {work} units of work");
        }
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Quadrupling_a_hostile_input_quadruples_its_cost_at_most(string name)
    {
        var small = HostileInputs[name](8 * 1024);
        var large = HostileInputs[name](32 * 1024);
        var ratio = (double)Work(Unbounded, large) / Math.Max(1, Work(Unbounded, small));
        var sizes = (double)large.Length / small.Length;
        Assert.True(ratio <= sizes * 1.1, $"{name}: {sizes:F2}x the characters cost {ratio:F2}x the work");
    }

    [Theory]
    [InlineData("digit path")]
    [InlineData("guid-like")]
    [InlineData("bulk insert")]
    public void Regex_evaluations_per_value_do_not_grow_with_the_candidates_it_holds(string name)
    {
        // The old redactor re-ran the protected-token regex over the whole value for every candidate.
        var text = HostileInputs[name](8 * 1024);
        var work = default(RedactionWork);
        Unbounded.Redact(text, ref work);
        Assert.True(work.Candidates > 300, $"{work.Candidates} candidates");
        Assert.True(work.RegexRuns <= 1, $"{work.RegexRuns} regex evaluations");
        Assert.True(work.RegexChars <= text.Length, $"{work.RegexChars} characters handed to regexes");
    }

    [Fact]
    public void A_value_above_the_limit_is_cut_its_kept_part_redacted_and_the_work_bounded_by_the_limit()
    {
        var redactor = PiiRedactor.Create(new SigcerhRedactionOptions { MaxValueLength = 4096 });
        var text = HostileInputs["bulk insert"](200 * 1024);
        var work = default(RedactionWork);
        var redacted = redactor.Redact(text, ref work);

        Assert.True(work.Truncated);
        Assert.True(work.ScannedChars + work.RegexChars <= MaxWorkPerChar * 4096, $"{work.ScannedChars} + {work.RegexChars}");
        Assert.True(redacted.Length < 4096 + 80, $"{redacted.Length} characters");
        Assert.Matches(@"…\[sigcerh: \d+ more characters not logged\]$", redacted);
        Assert.DoesNotContain("'40000000'", redacted, StringComparison.Ordinal);
        Assert.Contains("'***000'", redacted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DNI 45678912")]
    [InlineData("correo ana.quispe@gmail.com")]
    [InlineData("tarjeta 4111 1111 1111 1111")]
    [InlineData("celular 987 654 321")]
    public void A_cut_never_leaves_part_of_a_number_or_address_at_its_edge(string secret)
    {
        var redactor = PiiRedactor.Create(new SigcerhRedactionOptions { MaxValueLength = 1024 });
        for (var pad = 1000; pad < 1030; pad++)
        {
            var text = new string('x', pad) + " " + secret + " " + new string('y', 2000);
            var redacted = redactor.Redact(text);
            var number = secret[(secret.IndexOf(' ', StringComparison.Ordinal) + 1)..];
            Assert.DoesNotContain(number[..Math.Min(6, number.Length)], redacted, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_default_limit_is_16_KB()
    {
        Assert.Equal(16 * 1024, new SigcerhRedactionOptions().MaxValueLength);
        var text = HostileInputs["digit path"](40 * 1024);
        var work = default(RedactionWork);
        PiiRedactor.Create(new SigcerhRedactionOptions()).Redact(text, ref work);
        Assert.True(work.Truncated);
        Assert.True(work.ScannedChars <= MaxWorkPerChar * 16 * 1024);
    }

    [Fact]
    public void A_long_value_seen_again_as_the_same_instance_is_answered_from_memory_and_others_are_not()
    {
        var redactor = PiiRedactor.Create(new SigcerhRedactionOptions());
        var path = HostileInputs["digit path"](8 * 1024);
        var other = HostileInputs["bulk insert"](8 * 1024);
        var first = redactor.Redact(path);
        Assert.Same(first, redactor.Redact(path));
        Assert.NotEqual(first, redactor.Redact(other));
        var copy = new string(path.AsSpan());
        Assert.Equal(first, redactor.Redact(copy));
        Assert.DoesNotContain("/10000000", first, StringComparison.Ordinal);
    }

    private static long Work(PiiRedactor redactor, string text)
    {
        var work = default(RedactionWork);
        redactor.Redact(text, ref work);
        return work.ScannedChars + work.RegexChars + (work.RegexRuns * 16L);
    }

    private static string Repeat(int length, Func<int, string> piece)
    {
        var sb = new StringBuilder(length + 64);
        for (var i = 0; sb.Length < length; i++)
        {
            sb.Append(piece(i));
        }

        return sb.ToString(0, length);
    }
}
