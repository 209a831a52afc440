using System.Text.RegularExpressions;
using Sigcerh.Collector.Tests.Checking;

namespace Sigcerh.Collector.Tests;

/// <summary>
/// Runs the collector's OTTL redaction rules (translated from RE2 to .NET) over tests/corpus/pii-corpus.json,
/// the corpus the package's redaction tests use too.
/// </summary>
public class RedactionTests
{
    private const string Processor = "transform/redact_pii";

    private static readonly string[] TargetNames = ["log.body", "log.attributes:value", "span.attributes:value", "spanevent.attributes:value"];

    public static TheoryData<string> Targets => new(TargetNames);

    private static readonly PiiCorpus Corpus = PiiCorpus.Load(Configs.Corpus);

    private static IReadOnlyDictionary<string, List<RedactionRule>> Rules(string file) =>
        RedactionRules.From(Configs.Expanded(file), Processor);

    [Fact]
    public void Corpus_is_rich_and_well_formed()
    {
        Assert.True(Corpus.Positive.Count >= 40, $"{Corpus.Positive.Count} positive lines");
        Assert.True(Corpus.Negative.Count >= 40, $"{Corpus.Negative.Count} negative lines");
        foreach (var (text, secrets) in Corpus.Positive)
        {
            Assert.NotEmpty(secrets);
            Assert.All(secrets, s => Assert.Contains(s, text, StringComparison.Ordinal));
        }

        Assert.Equal(Corpus.Negative.Count, Corpus.Negative.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Every_card_number_in_the_corpus_passes_Luhn_so_a_Luhn_checking_redactor_must_catch_it()
    {
        var cards = Corpus.Positive.SelectMany(p => p.Secrets)
            .Select(s => s.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal))
            .Where(s => s.Length is >= 13 and <= 19 && s.All(char.IsAsciiDigit))
            .ToList();
        Assert.True(cards.Count >= 10, $"only {cards.Count} card numbers");
        Assert.All(cards, c => Assert.True(Luhn(c), $"{c} fails Luhn"));
    }

    [Fact]
    public void Every_redaction_pattern_is_RE2_and_the_same_rules_cover_bodies_log_attributes_spans_and_span_events()
    {
        var rules = Rules(Configs.SingleServer);
        Assert.Equal(TargetNames.Order(StringComparer.Ordinal), rules.Keys.Order(StringComparer.Ordinal));
        var reference = rules["log.body"].Select(r => (r.Re2Pattern, r.GoReplacement)).ToList();
        Assert.True(reference.Count >= 7, "expected rules for e-mail, cards, query parameters, CE, RUC, phones and DNI");
        foreach (var (target, list) in rules)
        {
            Assert.Equal(reference, list.Select(r => (r.Re2Pattern, r.GoReplacement)).ToList());
            Assert.All(list, r => Assert.Empty(Re2.Validate(r.Re2Pattern)));
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void No_secret_of_the_positive_corpus_survives(string target)
    {
        var rules = Rules(Configs.SingleServer)[target];
        var leaks = new List<string>();
        foreach (var (text, secrets) in Corpus.Positive)
        {
            var redacted = RedactionRules.ApplyAll(rules, text);
            leaks.AddRange(secrets.Where(s => redacted.Contains(s, StringComparison.Ordinal)).Select(s => $"'{s}' survives in: {redacted}"));
        }

        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_negative_line_comes_out_unchanged(string target)
    {
        var rules = Rules(Configs.SingleServer)[target];
        var changed = Corpus.Negative
            .Select(n => (n, r: RedactionRules.ApplyAll(rules, n)))
            .Where(x => x.r != x.n)
            .Select(x => $"{x.n}\n   -> {x.r}")
            .ToList();
        Assert.True(changed.Count == 0, string.Join("\n", changed));
    }

    [Fact]
    public void Redaction_leaves_a_readable_marker_for_each_kind_of_data()
    {
        var rules = Rules(Configs.SingleServer)["log.body"];
        Assert.Equal("DNI [DNI] pagó con [TARJETA] y dejó [EMAIL] y [TELEFONO]; RUC [RUC]; CE N° [CE]",
            RedactionRules.ApplyAll(rules, "DNI 45678912 pagó con 4111 1111 1111 1111 y dejó ana@gmail.com y +51 987 654 321; RUC 20512345678; CE N° 001234567"));
        Assert.Equal("/api/solicitudes?dni=[REDACTADO]&estado=pendiente",
            RedactionRules.ApplyAll(rules, "/api/solicitudes?dni=45678912&estado=pendiente"));
    }

    [Fact]
    public void Gateway_agent_redacts_with_exactly_the_same_rules()
    {
        var single = Rules(Configs.SingleServer);
        var agent = Rules(Configs.Agent);
        Assert.Equal(single.Keys.Order(StringComparer.Ordinal), agent.Keys.Order(StringComparer.Ordinal));
        foreach (var key in single.Keys)
        {
            Assert.Equal(single[key].Select(r => r.Re2Pattern + "→" + r.GoReplacement), agent[key].Select(r => r.Re2Pattern + "→" + r.GoReplacement));
        }
    }

    [Fact]
    public void Redaction_runs_before_batching_in_every_pipeline_that_carries_logs_or_traces()
    {
        foreach (var file in new[] { Configs.SingleServer, Configs.Agent })
        {
            var cfg = Configs.Expanded(file, Configs.Overlay("app-json-fallback"));
            foreach (var (name, node) in ConfigTree.Map(ConfigTree.Map(cfg, "service"), "pipelines"))
            {
                if (name.StartsWith("metrics", StringComparison.Ordinal))
                {
                    continue;
                }

                var procs = ConfigTree.List(ConfigTree.Map(node), "processors").Cast<string>().ToList();
                Assert.Contains(Processor, procs);
                Assert.True(procs.IndexOf(Processor) < procs.IndexOf("batch"), $"{file} {name}: [{string.Join(", ", procs)}]");
            }
        }
    }

    [Theory]
    [InlineData(@"a(?=b)", "lookaround")]
    [InlineData(@"a(?<!b)", "lookaround")]
    [InlineData(@"(a)\1", "backreference")]
    [InlineData(@"(?>a+)", "atomic")]
    [InlineData(@"a++", "possessive")]
    [InlineData(@"a\Z", "not supported")]
    [InlineData(@"(?P=x)", "backreference")]
    [InlineData(@"[[:foo:]]", "POSIX")]
    [InlineData(@"(a", "parentheses")]
    public void RE2_validator_rejects_what_RE2_cannot_compile(string pattern, string expected)
    {
        var problems = Re2.Validate(pattern);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void RE2_translation_keeps_ASCII_semantics()
    {
        // RE2's \d and \b are ASCII-only: an Arabic-Indic digit is not a digit, and 'ñ' is not a word character.
        Assert.DoesNotMatch(Re2.Compile(@"^\d+$"), "٤٥");
        Assert.Matches(Re2.Compile(@"\b[0-9]{8}\b"), "ñ45678912");
        Assert.DoesNotMatch(new Regex(@"\b[0-9]{8}\b"), "ñ45678912");
        Assert.Equal("x", Re2.Compile("^(?P<v>x)$").Match("x").Groups["v"].Value);
        Assert.DoesNotMatch(Re2.Compile("^a$"), "a\n");
        Assert.Equal("[a][b]", Re2.Compile("(a)(b)").Replace("ab", Re2.TranslateReplacement("[${1}][$2]")));
        Assert.Equal("", Re2.Compile("(a)").Replace("a", Re2.TranslateReplacement("$1x")));
    }

    private static bool Luhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }
}
