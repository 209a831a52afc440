using System.Text.RegularExpressions;

namespace Sigcerh.Operations.Tests;

public sealed partial class HandbookTests
{
    [Fact]
    public void The_handbook_names_only_scripts_alerts_dashboards_and_paths_that_exist()
    {
        var problems = HandbookChecker.Check(Repo.Root);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_handbook_has_every_page_of_the_ops_plan_and_one_runbook_per_alert_family()
    {
        string[] pages =
        [
            "README.md", "manual-de-operaciones.md", "troubleshooting.md", "despliegue.md", "backups.md",
            "mantenimiento-preventivo.md", "plan-de-escalamiento.md", "go-live.md", "capacitacion.md", "contactos.md",
            "runbooks/servicio-caido.md", "runbooks/base-de-datos-caida.md", "runbooks/disco-lleno.md", "runbooks/alta-carga.md",
            "runbooks/errores-5xx.md", "runbooks/backup-fallido.md", "runbooks/telemetria-perdida.md",
            "runbooks/salud-degradada.md", "runbooks/resumen-diario.md", "runbooks/certificado-ssl.md",
        ];
        foreach (var p in pages)
        {
            Assert.True(File.Exists(Path.Combine(Repo.Root, "docs", p)), "missing docs/" + p);
        }

        // The one allowed placeholder lives in contactos.md only.
        foreach (var f in Directory.GetFiles(Path.Combine(Repo.Root, "docs"), "*.md", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(f) is "contactos.md" or "performance.md")
            {
                continue;
            }

            var text = File.ReadAllText(f);
            foreach (var marker in new[] { "[Nombre]", "[email]", "[celular]", "TODO", "TBD", "(completar)", "[Contacto]" })
            {
                Assert.False(text.Contains(marker, StringComparison.Ordinal), $"{f} contains the placeholder {marker}");
            }
        }
    }

    [Fact]
    public void Every_alert_rule_is_named_in_the_page_its_runbook_url_points_to()
    {
        var rules = Directory.GetFiles(Path.Combine(Repo.Root, "grafana-lgtm/prometheus/rules"), "*.yml")
            .SelectMany(f => AlertWithRunbook().Matches(File.ReadAllText(f)))
            .Select(m => (Alert: m.Groups["alert"].Value, Page: m.Groups["page"].Value))
            .Distinct()
            .ToList();
        Assert.True(rules.Count >= 20, $"only {rules.Count} alert rules with a runbook_url were found");
        foreach (var (alert, page) in rules)
        {
            var text = File.ReadAllText(Path.Combine(Repo.Root, page));
            Assert.True(text.Contains(alert, StringComparison.Ordinal), $"{page} does not name {alert}");
        }
    }

    [Fact]
    public void The_checker_reports_made_up_names_and_accepts_real_ones()
    {
        var root = Repo.NewTempDir("checker");
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "grafana-lgtm/prometheus/rules"));
            Directory.CreateDirectory(Path.Combine(root, "grafana-lgtm/grafana/dashboards"));
            Directory.CreateDirectory(Path.Combine(root, "grafana-lgtm/scripts"));
            Directory.CreateDirectory(Path.Combine(root, "docs/runbooks"));
            File.WriteAllText(Path.Combine(root, "grafana-lgtm/prometheus/rules/a.yml"),
                "groups:\n  - name: g\n    rules:\n      - alert: SigcerhRealAlert\n        annotations:\n          runbook_url: docs/runbooks/real.md\n      - alert: SigcerhOther\n        annotations:\n          runbook_url: docs/runbooks/missing.md\n");
            File.WriteAllText(Path.Combine(root, "grafana-lgtm/grafana/dashboards/s.json"), """{"uid":"sigcerh-sistema","title":"Sistema"}""");
            File.WriteAllText(Path.Combine(root, "grafana-lgtm/scripts/backup-db.sh"), "#!/usr/bin/env bash\n");
            File.WriteAllText(Path.Combine(root, "docs/runbooks/real.md"), "ok");
            File.WriteAllText(Path.Combine(root, "docs/good.md"), """
                Alerta SigcerhRealAlert; tablero «Sistema» (/d/sigcerh-sistema). Ejecute `sudo /scripts/backup-db.sh`
                o `grafana-lgtm/scripts/backup-db.sh`. Vea [el runbook](runbooks/real.md) y `docs/runbooks/real.md:3`.
                ```bash
                cat grafana-lgtm/scripts/backup-db.sh
                ```
                """);
            Assert.Equal(["grafana-lgtm/prometheus/rules/a.yml: runbook_url docs/runbooks/missing.md does not exist"], HandbookChecker.Check(root));

            File.WriteAllText(Path.Combine(root, "docs/bad.md"), """
                Alerta SigcerhMadeUpAlert; tablero «Tablero Inventado» (/d/sigcerh-inventado).
                Ejecute `/scripts/no-existe.sh` y lea `collector/no-existe.yaml`. Vea [esto](runbooks/nada.md).
                ```bash
                bash tests/NoSuchProject/run.sh
                ```
                """);
            var problems = HandbookChecker.Check(root);
            Assert.Equal(8, problems.Count);
            Assert.Contains(problems, p => p.Contains("runbooks/missing.md", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("SigcerhMadeUpAlert", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("«Tablero Inventado»", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("uid sigcerh-inventado", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("no-existe.sh", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("collector/no-existe.yaml", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("tests/NoSuchProject/run.sh", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.Contains("(runbooks/nada.md)", StringComparison.Ordinal));
            Assert.DoesNotContain(problems, p => p.StartsWith("docs/good.md", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [GeneratedRegex(@"- alert:\s*(?<alert>\w+)(?:(?!- alert:)[\s\S])*?runbook_url:\s*(?<page>\S+)")]
    private static partial Regex AlertWithRunbook();
}
