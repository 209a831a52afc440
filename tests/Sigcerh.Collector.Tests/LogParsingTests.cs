using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sigcerh.Collector.Tests.Checking;
using Sigcerh.Testing;

namespace Sigcerh.Collector.Tests;

/// <summary>The file_log parsers against what nginx and a real PostgreSQL 15 write.</summary>
public partial class LogParsingTests
{
    private static Dictionary<string, object?> Receiver(string id) =>
        ConfigTree.Map(ConfigTree.Map(Configs.Expanded(Configs.SingleServer), "receivers"), id);

    private static Dictionary<string, object?> Operator(string receiver, string operatorId) =>
        ConfigTree.List(Receiver(receiver), "operators").Select(ConfigTree.Map).Single(o => ConfigTree.Str(o, "id") == operatorId);

    [GeneratedRegex(@"log_format\s+sigcerh_json\s+escape=json\s+(?<body>.*?);\s*$", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex LogFormat();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\$([a-z_0-9]+)")]
    private static partial Regex NginxVariable();

    /// <summary>What nginx would write for one request with log_format sigcerh_json (escape=json).</summary>
    private static string RenderNginxLine(IReadOnlyDictionary<string, string> values)
    {
        var conf = File.ReadAllText(Contract.PathOf("collector/nginx/log-format.conf"));
        var body = LogFormat().Match(conf);
        Assert.True(body.Success, "log_format sigcerh_json escape=json ...; not found");
        var template = string.Concat(Quoted().Matches(body.Groups["body"].Value).Select(m => m.Groups[1].Value));
        return NginxVariable().Replace(template, m =>
        {
            Assert.True(values.ContainsKey(m.Groups[1].Value), $"no sample value for ${m.Groups[1].Value}");
            var v = values[m.Groups[1].Value];
            return JsonEncodedText.Encode(v, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
        });
    }

    private static readonly Dictionary<string, string> NginxSample = new()
    {
        ["time_iso8601"] = "2026-11-29T10:50:35-05:00",
        ["remote_addr"] = "190.232.10.4",
        ["http_x_forwarded_for"] = "",
        ["request_id"] = "5f0c2a7e9b1d4c3a8e6f7a2b1c0d9e8f",
        ["http_traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ["host"] = "certificados.ugel.gob.pe",
        ["request_method"] = "GET",
        ["request_uri"] = "/api/solicitudes?dni=45678912&email=maria.quispe@gmail.com",
        ["server_protocol"] = "HTTP/1.1",
        ["status"] = "502",
        ["body_bytes_sent"] = "157",
        ["request_time"] = "5.012",
        ["upstream_addr"] = "172.18.0.4:8080",
        ["upstream_status"] = "502",
        ["upstream_response_time"] = "5.010",
        ["http_referer"] = "https://certificados.ugel.gob.pe/mis-solicitudes",
        ["http_user_agent"] = "Mozilla/5.0 (Windows NT 10.0) \"quoted\" \\ agent",
    };

    [Fact]
    public void Nginx_log_format_renders_JSON_that_the_access_receiver_parses_with_request_time()
    {
        var line = RenderNginxLine(NginxSample);
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        // status is a string: stanza's severity_parser maps strings (the 500-599 range included), not JSON floats.
        Assert.Equal("502", root.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("request_time").ValueKind);
        Assert.Equal(5.012, root.GetProperty("request_time").GetDouble(), 3);
        Assert.Equal(NginxSample["http_user_agent"], root.GetProperty("http_user_agent").GetString());

        var json = Operator("file_log/nginx_access", "nginx_access_json");
        Assert.Equal("json_parser", json["type"]);
        var from = (string)ConfigTree.At(json, "timestamp.parse_from")!;
        var field = from["attributes.".Length..];
        var ts = GoTime.Parse(root.GetProperty(field).GetString()!, (string)ConfigTree.At(json, "timestamp.layout")!);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 15, 50, 35, TimeSpan.Zero), ts.ToUniversalTime());

        var severity = ConfigTree.List(Receiver("file_log/nginx_access"), "operators").Select(ConfigTree.Map).Single(o => ConfigTree.Str(o, "type") == "severity_parser");
        Assert.Equal("attributes.status", severity["parse_from"]);
        var error = (List<object?>)ConfigTree.At(severity, "mapping.error")!;
        var range = ConfigTree.Map(error[0]);
        var status = int.Parse(root.GetProperty("status").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(status, int.Parse((string)range["min"]!, CultureInfo.InvariantCulture), int.Parse((string)range["max"]!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Query_strings_in_nginx_access_attributes_are_masked_by_the_attribute_rules()
    {
        using var doc = JsonDocument.Parse(RenderNginxLine(NginxSample));
        var uri = doc.RootElement.GetProperty("request_uri").GetString()!;
        var rules = RedactionRules.From(Configs.Expanded(Configs.SingleServer), "transform/redact_pii")["log.attributes:value"];
        var masked = RedactionRules.ApplyAll(rules, uri);
        Assert.DoesNotContain("45678912", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("maria.quispe", masked, StringComparison.Ordinal);
        Assert.StartsWith("/api/solicitudes?dni=", masked, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026/11/29 10:50:35 [error] 29#29: *1045 connect() failed (111: Connection refused) while connecting to upstream, client: 190.232.10.4, server: certificados.ugel.gob.pe, request: \"GET /api/health HTTP/1.1\", upstream: \"http://172.18.0.4:8080/api/health\"", "error", "1045")]
    [InlineData("2026/11/29 10:50:36 [warn] 29#29: *1046 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/0000000001 while reading upstream", "warn", "1046")]
    [InlineData("2026/11/29 10:51:00 [notice] 1#1: signal process started", "notice", "")]
    [InlineData("2026/11/29 10:52:00 [crit] 30#30: *7 SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking", "crit", "7")]
    public void Nginx_error_lines_are_parsed(string line, string level, string connection)
    {
        var op = Operator("file_log/nginx_error", "nginx_error_line");
        var m = Re2.Compile((string)op["regex"]!).Match(line);
        Assert.True(m.Success, line);
        Assert.Equal(level, m.Groups["level"].Value);
        Assert.Equal(connection, m.Groups["connection"].Value);
        Assert.NotEmpty(m.Groups["message"].Value);
        GoTime.Parse(m.Groups["time"].Value, (string)ConfigTree.At(op, "timestamp.layout")!);
        var mapping = ConfigTree.Map(ConfigTree.Map(op, "severity"), "mapping");
        Assert.Contains(mapping.Values, v => v is string s ? s == level : ((List<object?>)v!).Contains(level));
    }

    private static Dictionary<string, string> ReadPostgresSettings()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(Contract.PathOf("collector/postgresql/postgresql-logging.conf")))
        {
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            settings[line[..eq].Trim()] = line[(eq + 1)..].Trim().Trim('\'');
        }

        return settings;
    }

    [Fact]
    public void PostgreSQL_settings_log_only_statements_slower_than_one_second()
    {
        var s = ReadPostgresSettings();
        Assert.Equal("1000", s["log_min_duration_statement"]);
        Assert.Equal("UTC", s["log_timezone"]);
        Assert.Equal("on", s["logging_collector"]);
        var include = (string)ConfigTree.List(Receiver("file_log/postgresql"), "include")[0]!;
        Assert.StartsWith(s["log_directory"] + "/", include, StringComparison.Ordinal);
        Assert.Matches(new Regex("^" + Regex.Escape(Path.GetFileName(include)).Replace(@"\*", ".*", StringComparison.Ordinal) + "$"),
            s["log_filename"].Replace("%a", "Mon", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Slow_statements_from_a_real_PostgreSQL_15_log_get_postgresql_duration_ms()
    {
        var settings = ReadPostgresSettings();
        await using var pg = await PostgresCluster.StartNewAsync();
        foreach (var name in new[] { "log_line_prefix", "log_min_duration_statement", "log_min_error_statement", "log_timezone", "log_lock_waits" })
        {
            await pg.ExecuteAsync($"ALTER SYSTEM SET {name} = '{settings[name]}'");
        }

        await pg.ExecuteAsync("SELECT pg_reload_conf()");
        await Task.Delay(700);
        Assert.Equal("1s", await pg.ScalarAsync<string>("SHOW log_min_duration_statement"));

        await pg.ExecuteAsync("SELECT 1 AS consulta_rapida");
        await pg.ExecuteAsync("SELECT pg_sleep(1.1) AS certificados_lentos");
        await pg.ExecuteAsync("SELECT pg_sleep(1.05),\n       'segunda línea' AS solicitud_multilinea");
        try
        {
            await pg.ExecuteAsync("SELECT * FROM tabla_que_no_existe");
        }
        catch (Npgsql.PostgresException)
        {
            // the ERROR and its STATEMENT line must be parsed too
        }

        await Task.Delay(300);
        string log;
        await using (var stream = new FileStream(pg.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(stream, Encoding.UTF8))
        {
            log = await reader.ReadToEndAsync();
        }

        var receiver = Receiver("file_log/postgresql");
        var records = SplitRecords(log, Re2.Compile((string)ConfigTree.At(receiver, "multiline.line_start_pattern")!));
        var lineOp = Operator("file_log/postgresql", "postgresql_line");
        var slowOp = Operator("file_log/postgresql", "postgresql_slow_statement");
        var lineRegex = Re2.Compile((string)lineOp["regex"]!);
        var slowRegex = Re2.Compile((string)slowOp["regex"]!);
        var condition = Re2.Compile(Regex.Match((string)slowOp["if"]!, "matches \"([^\"]*)\"").Groups[1].Value);

        var parsed = new List<Dictionary<string, string>>();
        foreach (var record in records)
        {
            var m = lineRegex.Match(record);
            Assert.True(m.Success, $"postgresql_line does not parse: {record}");
            var attributes = lineRegex.GetGroupNames().Where(g => !int.TryParse(g, out _) && m.Groups[g].Success)
                .ToDictionary(g => g, g => m.Groups[g].Value, StringComparer.Ordinal);
            GoTime.Parse(attributes["timestamp"], (string)ConfigTree.At(lineOp, "timestamp.layout")!);
            if (condition.IsMatch(attributes["message"]))
            {
                var slow = slowRegex.Match(attributes["message"]);
                Assert.True(slow.Success, $"postgresql_slow_statement does not parse: {attributes["message"]}");
                attributes["postgresql.duration_ms"] = slow.Groups["duration_ms"].Value;
                attributes["db.query.text"] = slow.Groups["statement"].Value;
            }

            parsed.Add(attributes);
        }

        var slowOnes = parsed.Where(a => a.ContainsKey("postgresql.duration_ms")).ToList();
        Assert.Equal(2, slowOnes.Count);
        Assert.All(slowOnes, a => Assert.True(double.Parse(a["postgresql.duration_ms"], CultureInfo.InvariantCulture) >= 1000, a["postgresql.duration_ms"]));
        Assert.Contains(slowOnes, a => a["db.query.text"].Contains("certificados_lentos", StringComparison.Ordinal));
        Assert.Contains(slowOnes, a => a["db.query.text"].Contains("segunda línea' AS solicitud_multilinea", StringComparison.Ordinal)
            && a["db.query.text"].Contains('\n', StringComparison.Ordinal));
        Assert.All(slowOnes, a => Assert.Equal(("postgres", "postgres", "LOG"), (a["user"], a["database"], a["pg_severity"])));
        Assert.DoesNotContain(parsed, a => a["message"].Contains("consulta_rapida", StringComparison.Ordinal));
        Assert.Contains(parsed, a => a["pg_severity"] == "ERROR" && a["message"].Contains("tabla_que_no_existe", StringComparison.Ordinal));
        Assert.Contains(parsed, a => a["pg_severity"] == "STATEMENT");
    }

    /// <summary>The multiline behaviour of file_log: a record starts at each line matching line_start_pattern.</summary>
    private static List<string> SplitRecords(string log, Regex lineStart)
    {
        var records = new List<string>();
        var current = new StringBuilder();
        foreach (var line in log.Split('\n'))
        {
            if (lineStart.IsMatch(line) && current.Length > 0)
            {
                records.Add(current.ToString().TrimEnd('\n'));
                current.Clear();
            }

            if (current.Length > 0 || lineStart.IsMatch(line))
            {
                current.Append(line).Append('\n');
            }
        }

        if (current.Length > 0)
        {
            records.Add(current.ToString().TrimEnd('\n'));
        }

        return records;
    }
}
