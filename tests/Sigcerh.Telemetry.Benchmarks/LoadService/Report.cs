using System.Globalization;
using System.Text;

namespace Sigcerh.Telemetry.LoadService;

/// <summary>
/// Turns the load script's raw tab-separated results into a Markdown report (medians, ratios, goals) and an SVG plot of
/// throughput and p99 for the four builds. Kept in C# so the script needs nothing beyond bash, wrk and .NET.
/// </summary>
internal static class Report
{
    private static readonly string[] Builds = ["bare", "floor", "peer", "sigcerh"];
    private static readonly string[] Endpoints = ["trivial", "realistic"];
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: LoadService report <results.tsv> <out-dir>");
            return 2;
        }

        var rows = File.ReadAllLines(args[0]).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')).ToList();
        Directory.CreateDirectory(args[1]);
        var md = Markdown(rows, out var failedGoals);
        File.WriteAllText(Path.Combine(args[1], "results.md"), md);
        File.WriteAllText(Path.Combine(args[1], "performance.svg"), Svg(rows));
        Console.WriteLine(md);
        Console.WriteLine(failedGoals == 0 ? "report: every measured goal met" : $"report: {failedGoals} goal(s) missed");
        return 0;
    }

    private static double D(string s) => double.Parse(s, Inv);

    private static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        if (v.Length == 0)
        {
            return double.NaN;
        }

        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }

    private static string F(double v, string format = "0.0") => double.IsNaN(v) ? "n/a" : v.ToString(format, Inv);

    private static IEnumerable<string[]> Load(List<string[]> rows, string build, string endpoint) =>
        rows.Where(r => r[0] == "load" && r[1] == build && r[2] == endpoint);

    private static double LoadMedian(List<string[]> rows, string build, string endpoint, int column) =>
        Median(Load(rows, build, endpoint).Select(r => D(r[column])));

    private static IEnumerable<string[]> Fixed(List<string[]> rows, string build, string endpoint) =>
        rows.Where(r => r[0] == "fixed" && r[1] == build && r[2] == endpoint);

    private static double FixedMedian(List<string[]> rows, string build, string endpoint, int column) =>
        Median(Fixed(rows, build, endpoint).Select(r => D(r[column])));

    private static string Markdown(List<string[]> rows, out int failedGoals)
    {
        var sb = new StringBuilder();
        var failed = 0;
        void Goal(string what, bool met, string detail)
        {
            failed += met ? 0 : 1;
            sb.Append(CultureInfo.InvariantCulture, $"| {what} | {detail} | {(met ? "met" : "**missed**")} |\n");
        }

        // A reference figure in the goals table: no verdict, never counted as a missed goal.
        void Reference(string what, string detail) => sb.Append(CultureInfo.InvariantCulture, $"| {what} | {detail} | reference |\n");

        // Tracing floor: what floor adds over bare, and what sigcerh adds on top of that floor.
        string FloorDetail(Func<string, string, int, double> median, string endpoint)
        {
            var cpu = median("floor", endpoint, 7) - median("bare", endpoint, 7);
            var alloc = median("floor", endpoint, 8) - median("bare", endpoint, 8);
            var cpuOver = median("sigcerh", endpoint, 7) - median("floor", endpoint, 7);
            var allocOver = median("sigcerh", endpoint, 8) - median("floor", endpoint, 8);
            return $"{F(cpu, "0.0")} µs, {F(alloc, "0")} B (sigcerh over floor: {F(cpuOver, "0.0")} µs, {F(allocOver, "0")} B)";
        }

        var hasLoad = rows.Any(r => r[0] == "load");
        sb.Append("### Run\n\n");
        foreach (var m in rows.Where(r => r[0] == "meta"))
        {
            sb.Append(CultureInfo.InvariantCulture, $"- {m[1]}: {string.Join(' ', m[2..])}\n");
        }

        foreach (var endpoint in hasLoad ? Endpoints : [])
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n### Endpoint `/{endpoint}` (medians of {Load(rows, "bare", endpoint).Count()} interleaved runs)\n\n");
            sb.Append("| Build | req/s | p50 ms | p99 ms | CPU µs/req | alloc B/req | peak RSS MiB | errors | receiver CPU µs/req | dropped (sigcerh) | load avg (1 min) |\n");
            sb.Append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            foreach (var b in Builds)
            {
                // The receiver's CPU column arrived later; older result files lack it.
                var receiver = Load(rows, b, endpoint).All(r => r.Length > 13) ? LoadMedian(rows, b, endpoint, 13) : double.NaN;
                var dropped = Load(rows, b, endpoint).All(r => r.Length > 14) ? LoadMedian(rows, b, endpoint, 14) : double.NaN;
                sb.Append(CultureInfo.InvariantCulture,
                    $"| {b} | {F(LoadMedian(rows, b, endpoint, 4), "0")} | {F(LoadMedian(rows, b, endpoint, 5), "0.00")} | {F(LoadMedian(rows, b, endpoint, 6), "0.00")} | {F(LoadMedian(rows, b, endpoint, 7), "0.0")} | {F(LoadMedian(rows, b, endpoint, 8), "0")} | {F(LoadMedian(rows, b, endpoint, 9), "0")} | {F(Load(rows, b, endpoint).Sum(r => D(r[11])), "0")} | {F(receiver, "0.0")} | {F(dropped, "0")} | {F(LoadMedian(rows, b, endpoint, 12), "0.00")} |\n");
            }

            var rpsRatio = LoadMedian(rows, "sigcerh", endpoint, 4) / LoadMedian(rows, "bare", endpoint, 4);
            var peerRatio = LoadMedian(rows, "sigcerh", endpoint, 4) / LoadMedian(rows, "peer", endpoint, 4);
            sb.Append(CultureInfo.InvariantCulture,
                $"\nRatios: sigcerh/bare throughput {F(rpsRatio, "0.000")}, floor/bare {F(LoadMedian(rows, "floor", endpoint, 4) / LoadMedian(rows, "bare", endpoint, 4), "0.000")}, peer/bare {F(LoadMedian(rows, "peer", endpoint, 4) / LoadMedian(rows, "bare", endpoint, 4), "0.000")}, sigcerh/peer {F(peerRatio, "0.000")}; " +
                $"p99 sigcerh/peer {F(LoadMedian(rows, "sigcerh", endpoint, 6) / LoadMedian(rows, "peer", endpoint, 6), "0.000")}.\n");
        }

        var hasFixed = rows.Any(r => r[0] == "fixed");
        foreach (var endpoint in hasFixed ? Endpoints : [])
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n### Endpoint `/{endpoint}` at a fixed rate (medians of {Fixed(rows, "bare", endpoint).Count()} runs, no saturation)\n\n");
            sb.Append("| Build | req/s | p50 ms | p99 ms | CPU µs/req | alloc B/req | errors | receiver CPU µs/req | load avg (1 min) |\n");
            sb.Append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            foreach (var b in Builds)
            {
                sb.Append(CultureInfo.InvariantCulture,
                    $"| {b} | {F(FixedMedian(rows, b, endpoint, 4), "0")} | {F(FixedMedian(rows, b, endpoint, 5), "0.00")} | {F(FixedMedian(rows, b, endpoint, 6), "0.00")} | {F(FixedMedian(rows, b, endpoint, 7), "0.0")} | {F(FixedMedian(rows, b, endpoint, 8), "0")} | {F(Fixed(rows, b, endpoint).Sum(r => D(r[10])), "0")} | {F(FixedMedian(rows, b, endpoint, 12), "0.0")} | {F(FixedMedian(rows, b, endpoint, 11), "0.00")} |\n");
            }
        }

        var settles = rows.Where(r => r[0] == "settle").ToList();
        if (settles.Count > 0)
        {
            sb.Append("\n### Warm-up until the JIT is quiet (extra saturated warm-up after the fixed one)\n\n");
            sb.Append("| Build | settle s (median) | settle s (max) | runs at the cap | JIT worker CPU ms in the measured runs (median, max) |\n");
            sb.Append("|---|---:|---:|---:|---:|\n");
            foreach (var b in Builds)
            {
                var s = settles.Where(r => r[1] == b).ToList();
                var jit = s.Select(r => D(r[5])).ToList();
                sb.Append(CultureInfo.InvariantCulture,
                    $"| {b} | {F(Median(s.Select(r => D(r[3]))), "0")} | {F(s.Select(r => D(r[3])).DefaultIfEmpty(double.NaN).Max(), "0")} | {s.Count(r => r[4] == "1")} of {s.Count} | {F(Median(jit), "0")}, {F(jit.DefaultIfEmpty(double.NaN).Max(), "0")} |\n");
            }

            sb.Append("\nJIT worker CPU is a lower bound: a worker thread that exits when idle takes its last stretch with it.\n");
        }

        sb.Append(hasLoad ? "\n### Goals\n\n| Goal | Measured | Verdict |\n|---|---|---|\n" : string.Empty);
        foreach (var endpoint in hasLoad ? Endpoints : [])
        {
            var cpu = LoadMedian(rows, "sigcerh", endpoint, 7) - LoadMedian(rows, "bare", endpoint, 7);
            var alloc = LoadMedian(rows, "sigcerh", endpoint, 8) - LoadMedian(rows, "bare", endpoint, 8);
            var rps = LoadMedian(rows, "sigcerh", endpoint, 4);
            var peer = LoadMedian(rows, "peer", endpoint, 4);
            Goal($"/{endpoint}: added CPU ≤ 3 µs/req", cpu <= 3, $"{F(cpu, "0.0")} µs");
            Goal($"/{endpoint}: added allocation ≤ 1 KiB/req", alloc <= 1024, $"{F(alloc, "0")} B");
            Goal($"/{endpoint}: sigcerh at least as fast as peer", rps >= peer, $"{F(rps, "0")} vs {F(peer, "0")} req/s");
            Reference($"/{endpoint}: floor added over bare (one recorded span per request)", FloorDetail((b, e, c) => LoadMedian(rows, b, e, c), endpoint));
        }

        foreach (var endpoint in hasFixed ? Endpoints : [])
        {
            var cpu = FixedMedian(rows, "sigcerh", endpoint, 7) - FixedMedian(rows, "bare", endpoint, 7);
            var alloc = FixedMedian(rows, "sigcerh", endpoint, 8) - FixedMedian(rows, "bare", endpoint, 8);
            var peerCpu = FixedMedian(rows, "peer", endpoint, 7) - FixedMedian(rows, "bare", endpoint, 7);
            Goal($"/{endpoint} at a fixed rate: added CPU ≤ 3 µs/req", cpu <= 3, $"{F(cpu, "0.0")} µs (peer: {F(peerCpu, "0.0")} µs)");
            Goal($"/{endpoint} at a fixed rate: added allocation ≤ 1 KiB/req", alloc <= 1024, $"{F(alloc, "0")} B");
            Reference($"/{endpoint} at a fixed rate: floor added over bare", FloorDetail((b, e, c) => FixedMedian(rows, b, e, c), endpoint));
        }

        var realistic = LoadMedian(rows, "sigcerh", "realistic", 4) / LoadMedian(rows, "bare", "realistic", 4);
        if (hasLoad)
        {
            Goal("/realistic: sigcerh ≥ 97% of bare throughput", realistic >= 0.97, $"{F(realistic * 100, "0.0")} %");
        }

        var startups = rows.Where(r => r[0] == "startup").ToList();
        if (startups.Count > 0)
        {
            sb.Append("\n### Startup (time to first successful response)\n\n| Build | median ms | runs | load avg |\n|---|---:|---:|---:|\n");
            foreach (var b in Builds)
            {
                var s = startups.Where(r => r[1] == b).ToList();
                sb.Append(CultureInfo.InvariantCulture, $"| {b} | {F(Median(s.Select(r => D(r[3]))), "0")} | {s.Count} | {F(Median(s.Select(r => D(r[4]))), "0.00")} |\n");
            }

            var added = Median(startups.Where(r => r[1] == "sigcerh").Select(r => D(r[3]))) - Median(startups.Where(r => r[1] == "bare").Select(r => D(r[3])));
            sb.Append(CultureInfo.InvariantCulture, $"\nAdded by the package: {F(added, "0")} ms.\n");
            sb.Append("\n| Goal | Measured | Verdict |\n|---|---|---|\n");
            Goal("startup: at most 100 ms added", added <= 100, $"{F(added, "0")} ms");
        }

        var outage = rows.Where(r => r[0] == "outage").ToList();
        if (outage.Count > 0)
        {
            sb.Append("\n### Collector outage (sigcerh build, fixed rate)\n\n");
            sb.Append("| Receiver | seconds | req/s | p50 ms | p99 ms | RSS start MiB | RSS max MiB | RSS end MiB | errors | dropped logs | dropped traces | dropped metrics | load avg | JIT settle s |\n");
            sb.Append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            foreach (var o in outage)
            {
                // The settle column arrived later; older result files lack it.
                sb.Append(CultureInfo.InvariantCulture, $"| {o[1]} | {o[2]} | {F(D(o[3]), "0")} | {o[4]} | {o[5]} | {o[6]} | {o[7]} | {o[8]} | {o[10]} | {o[11]} | {o[12]} | {o[13]} | {o[14]} | {(o.Length > 15 ? o[15] : "n/a")} |\n");
            }

            var up = outage.FirstOrDefault(r => r[1] == "up");
            var down = outage.FirstOrDefault(r => r[1] == "down");
            if (up is not null && down is not null)
            {
                var growth = D(down[7]) - D(down[6]);
                var upGrowth = D(up[7]) - D(up[6]);
                var p99 = D(down[5]) / D(up[5]);
                static string MoreOrLess(double v, string more, string less) => $"{F(Math.Abs(v), "0.0")} MiB {(v >= 0 ? more : less)}";
                sb.Append(CultureInfo.InvariantCulture,
                    $"\nWith the receiver up the same run grew {F(upGrowth, "0.0")} MiB (GC heap sizing); the outage run grew {F(growth, "0.0")} MiB ({MoreOrLess(growth - upGrowth, "more", "less")}) and peaked {MoreOrLess(D(down[7]) - D(up[7]), "above", "below")} the collector-up peak.\n");
                sb.Append("\n| Goal | Measured | Verdict |\n|---|---|---|\n");
                Goal("outage: RSS grows ≤ 64 MiB", growth <= 64, $"{F(growth, "0.0")} MiB");
                Goal("outage: p99 within 10% of collector-up run", p99 <= 1.10, $"{F(p99, "0.00")}× ({down[5]} vs {up[5]} ms)");
            }

            foreach (var r in rows.Where(r => r[0] == "resume"))
            {
                var seconds = D(r[1]);
                sb.Append("\n| Goal | Measured | Verdict |\n|---|---|---|\n");
                Goal("export resumes after the receiver restarts", seconds >= 0, seconds >= 0 ? $"new data after {F(seconds, "0")} s" : "nothing arrived");
            }
        }

        var attack = rows.Where(r => r[0] == "attack").ToList();
        if (attack.Count > 0)
        {
            sb.Append("\n### Under attack (sigcerh build): /realistic at a fixed rate while a flood runs\n\n");
            sb.Append("| Flood | flood req/s | /realistic req/s | p50 ms | p99 ms | errors | service CPU ms/s | load avg |\n");
            sb.Append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            foreach (var a in attack)
            {
                sb.Append(CultureInfo.InvariantCulture, $"| {a[1]} | {F(D(a[7]), "0")} | {F(D(a[2]), "0")} | {a[3]} | {a[4]} | {a[6]} | {a[8]} | {a[9]} |\n");
            }

            var calm = attack.FirstOrDefault(r => r[1] == "none");
            var hostile = attack.FirstOrDefault(r => r[1] == "hostile");
            if (calm is not null && hostile is not null)
            {
                var p99 = D(hostile[4]) / D(calm[4]);
                var rps = D(hostile[2]) / D(calm[2]);
                sb.Append("\n| Goal | Measured | Verdict |\n|---|---|---|\n");
                Goal("attack: p99 within 2× of the run without flood", p99 <= 2, $"{F(p99, "0.00")}× ({hostile[4]} vs {calm[4]} ms)");
                Goal("attack: throughput within 50% of the run without flood", rps >= 0.5, $"{F(rps, "0.00")}× ({F(D(hostile[2]), "0")} vs {F(D(calm[2]), "0")} req/s)");
            }
        }

        failedGoals = failed;
        return sb.ToString();
    }

    private static string Svg(List<string[]> rows)
    {
        string[] colors = ["#8c8c8c", "#5a9e4b", "#e07b39", "#2f6db5"];
        var panels = new (string Title, string Endpoint, int Column, string Unit)[]
        {
            ("Throughput /trivial", "trivial", 4, "req/s"),
            ("Throughput /realistic", "realistic", 4, "req/s"),
            ("p99 latency /trivial", "trivial", 6, "ms"),
            ("p99 latency /realistic", "realistic", 6, "ms"),
        };
        var sb = new StringBuilder();
        sb.Append("<svg xmlns='http://www.w3.org/2000/svg' width='1200' height='700' font-family='DejaVu Sans, sans-serif'>");
        sb.Append("<rect width='1200' height='700' fill='white'/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x='600' y='36' font-size='22' text-anchor='middle'>Sigcerh.Telemetry load benchmark: {string.Join(" vs ", Builds)} (medians)</text>");
        var legend = 600 - (Builds.Length * 130 / 2) + 30;
        for (var i = 0; i < Builds.Length; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<rect x='{legend + (i * 130)}' y='52' width='16' height='16' fill='{colors[i]}'/><text x='{legend + 22 + (i * 130)}' y='66' font-size='15'>{Builds[i]}</text>");
        }

        const int panelWidth = 270, top = 110, height = 480;
        // Bars share the panel's width, however many builds there are.
        var slot = (panelWidth - 20) / Builds.Length;
        var barWidth = slot - 14;
        for (var p = 0; p < panels.Length; p++)
        {
            var (title, endpoint, column, unit) = panels[p];
            var x0 = 40 + (p * 290);
            var values = Builds.Select(b => LoadMedian(rows, b, endpoint, column)).ToArray();
            var max = values.Where(v => !double.IsNaN(v)).DefaultIfEmpty(1).Max();
            sb.Append(CultureInfo.InvariantCulture, $"<text x='{x0 + (panelWidth / 2)}' y='{top - 10}' font-size='16' text-anchor='middle'>{title}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<line x1='{x0}' y1='{top + height}' x2='{x0 + panelWidth}' y2='{top + height}' stroke='#333'/>");
            for (var i = 0; i < values.Length; i++)
            {
                var v = double.IsNaN(values[i]) ? 0 : values[i];
                var h = max > 0 ? v / max * (height - 30) : 0;
                var x = x0 + 20 + (i * slot);
                var y = top + height - h;
                sb.Append(CultureInfo.InvariantCulture, $"<rect x='{x}' y='{F(y, "0.0")}' width='{barWidth}' height='{F(h, "0.0")}' fill='{colors[i]}'/>");
                sb.Append(CultureInfo.InvariantCulture, $"<text x='{x + (barWidth / 2)}' y='{F(y - 6, "0.0")}' font-size='13' text-anchor='middle'>{F(v, unit == "ms" ? "0.00" : "0")}</text>");
                sb.Append(CultureInfo.InvariantCulture, $"<text x='{x + (barWidth / 2)}' y='{top + height + 18}' font-size='13' text-anchor='middle'>{Builds[i]}</text>");
            }

            sb.Append(CultureInfo.InvariantCulture, $"<text x='{x0 + (panelWidth / 2)}' y='{top + height + 40}' font-size='13' text-anchor='middle' fill='#555'>{unit}</text>");
        }

        var meta = rows.FirstOrDefault(r => r[0] == "meta" && r[1] == "machine");
        if (meta is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x='600' y='685' font-size='12' text-anchor='middle' fill='#555'>{System.Security.SecurityElement.Escape(string.Join(' ', meta[2..]))}</text>");
        }

        sb.Append("</svg>");
        return sb.ToString();
    }
}
