using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Sigcerh.Collector.Tests.Conformance;

/// <summary>
/// The strict conformance test: the shipped configs against tests/upstream/facts.yaml. Each Check* method
/// returns the findings of one rule family; an empty list means the file conforms.
/// </summary>
public static partial class ConformanceChecker
{
    private static readonly string[] Kinds = ["receivers", "processors", "exporters", "extensions", "connectors"];

    /// <summary>A collector config (its --config files merged as the collector merges them): keys, types, values.</summary>
    public static List<ConformanceFinding> CheckCollector(UpstreamFacts facts, string label, YamlMappingNode cfg)
    {
        var f = new List<ConformanceFinding>();
        foreach (var kind in Kinds)
        {
            foreach (var (k, v) in cfg.MapAt(kind).Children)
            {
                var id = Yaml.Key(k);
                var type = id.Split('/')[0];
                var (entry, deprecated) = facts.Component(kind, type);
                if (entry is null)
                {
                    f.Add(new(Rule.UnknownComponent, label, $"{kind}.{id}", $"no facts for {kind[..^1]} type '{type}' at the pinned version"));
                    continue;
                }

                if (deprecated)
                {
                    f.Add(new(Rule.DeprecatedKey, label, $"{kind}.{id}", $"'{type}' is a deprecated type name"));
                }

                var metrics = entry.MapAt("metrics");
                var checker = new SchemaChecker(label, f, m => metrics.Get(m) is not null);
                checker.Check(v, new YamlMappingNode { { "type", "map" }, { "keys", entry.Get("keys") ?? new YamlMappingNode() } }, $"{kind}.{id}");
            }
        }

        foreach (var (k, _) in cfg.Children)
        {
            var top = Yaml.Key(k);
            if (!Kinds.Contains(top) && top != "service")
            {
                f.Add(new(Rule.UnknownKey, label, top, $"'{top}' is not a top-level key of a collector config"));
            }
        }

        new SchemaChecker(label, f).Check(cfg.MapAt("service"), new YamlMappingNode { { "type", "map" }, { "keys", facts.Service.Get("keys")! } }, "service");
        return f;
    }

    /// <summary>A non-collector file (Loki, Tempo, Prometheus, Alertmanager, Grafana provisioning) against its key schema.</summary>
    public static List<ConformanceFinding> CheckFile(UpstreamFacts facts, string relativePath, YamlMappingNode doc)
    {
        var f = new List<ConformanceFinding>();
        if (facts.Files.Get(relativePath) is not YamlMappingNode entry)
        {
            f.Add(new(Rule.UnknownComponent, relativePath, "", "no facts for this file"));
            return f;
        }

        new SchemaChecker(relativePath, f).Check(doc, new YamlMappingNode { { "type", "map" }, { "keys", entry.Get("keys")! } }, "");
        return f;
    }

    /// <summary>Compose `command`, `entrypoint` arguments and `healthcheck` against the flags of each pinned binary.</summary>
    public static List<ConformanceFinding> CheckComposeFlags(UpstreamFacts facts, YamlMappingNode compose)
    {
        var f = new List<ConformanceFinding>();
        foreach (var (k, v) in compose.MapAt("services").Children)
        {
            var name = Yaml.Key(k);
            var svc = (YamlMappingNode)v;
            var image = svc.Str("image") ?? string.Empty;
            var where = $"services.{name}";
            if (facts.Binary(image) is not { } bin)
            {
                f.Add(new(Rule.UnknownImage, "compose.yaml", $"{where}.image", $"no facts for image '{image}'"));
                continue;
            }

            var flags = UpstreamFacts.Strings(bin.Get("flags")).ToHashSet(StringComparer.Ordinal);
            var deprecatedFlags = bin.MapAt("deprecated_flags");
            var features = UpstreamFacts.Strings(bin.Get("feature_flags")).ToHashSet(StringComparer.Ordinal);
            var repo = image.Split(':')[0];
            var accepted = facts.AcceptedDeprecations.Where(a => a.Image == repo).Select(a => a.Flag).ToHashSet(StringComparer.Ordinal);
            var args = svc.SeqAt("command").OfType<YamlScalarNode>().Select(s => s.Value!).ToList();
            CheckArgs(args, $"{where}.command", flags, deprecatedFlags, accepted, features, f);

            var test = svc.MapAt("healthcheck").SeqAt("test").OfType<YamlScalarNode>().Select(s => s.Value!).ToList();
            if (test.Count >= 2 && test[0] is "CMD" or "CMD-SHELL")
            {
                var exe = test[1];
                if (exe == bin.Str("binary"))
                {
                    var rest = test.Skip(2).ToList();
                    var subcommands = UpstreamFacts.Strings(bin.Get("subcommands")).ToHashSet(StringComparer.Ordinal);
                    if (rest.Count > 0 && !rest[0].StartsWith('-') && !subcommands.Contains(rest[0]))
                    {
                        f.Add(new(Rule.UnknownFlag, "compose.yaml", $"{where}.healthcheck", $"'{rest[0]}' is not a subcommand of {exe}"));
                    }

                    CheckArgs(rest, $"{where}.healthcheck", flags, deprecatedFlags, accepted, features, f);
                }
                else if (!UpstreamFacts.Strings(bin.Get("tools")).Contains(Path.GetFileName(exe)))
                {
                    f.Add(new(Rule.MissingTool, "compose.yaml", $"{where}.healthcheck", $"'{exe}' is not in the image {image} (tools: [{string.Join(", ", UpstreamFacts.Strings(bin.Get("tools")))}])"));
                }
            }
        }

        return f;
    }

    private static void CheckArgs(List<string> args, string where, HashSet<string> flags, YamlMappingNode deprecated, HashSet<string> accepted, HashSet<string> features, List<ConformanceFinding> f)
    {
        foreach (var a in args.Where(a => a.StartsWith('-')))
        {
            var body = a.TrimStart('-');
            var eq = body.IndexOf('=', StringComparison.Ordinal);
            var flag = eq < 0 ? body : body[..eq];
            if (!flags.Contains(flag))
            {
                f.Add(new(Rule.UnknownFlag, "compose.yaml", where, $"'{a}': the pinned binary has no flag '{flag}'"));
            }
            else if (deprecated.Get(flag) is YamlScalarNode why && !accepted.Contains(flag))
            {
                f.Add(new(Rule.DeprecatedFlag, "compose.yaml", where, $"'{flag}' is deprecated: {why.Value}"));
            }

            if (flag == "enable-feature" && eq >= 0)
            {
                foreach (var feature in body[(eq + 1)..].Split(',').Where(x => !features.Contains(x)))
                {
                    f.Add(new(Rule.UnknownFlag, "compose.yaml", where, $"feature '{feature}' is not a feature flag of the pinned binary"));
                }
            }
        }
    }

    /// <summary>Components whose runtime prerequisite (socket, mount, volume, hostname) compose does not provide.</summary>
    public static List<ConformanceFinding> CheckPrerequisites(YamlMappingNode cfg, YamlMappingNode compose, string service = "otel-collector")
    {
        var f = new List<ConformanceFinding>();
        var svc = compose.MapAt("services").MapAt(service);
        var env = ComposeEnvironment(svc);
        var mounts = svc.SeqAt("volumes").OfType<YamlScalarNode>().Select(v => ComposeDefault().Replace(v.Value!, m => m.Groups[2].Value).Split(':')).Where(p => p.Length >= 2)
            .Select(p => (Source: p[0], Target: p[1])).ToList();
        var namedVolumes = compose.MapAt("volumes").Children.Keys.Select(Yaml.Key).ToHashSet(StringComparer.Ordinal);
        bool Mounted(string path) => mounts.Any(m => path == m.Target || path.StartsWith(m.Target.TrimEnd('/') + "/", StringComparison.Ordinal));
        bool OnVolume(string path) => mounts.Any(m => namedVolumes.Contains(m.Source) && (path == m.Target || path.StartsWith(m.Target.TrimEnd('/') + "/", StringComparison.Ordinal)));

        foreach (var (k, v) in cfg.MapAt("processors").Children.Where(kv => Yaml.Key(kv.Key).Split('/')[0] is "resource_detection" or "resourcedetection"))
        {
            var p = (YamlMappingNode)v;
            var detectors = p.SeqAt("detectors").OfType<YamlScalarNode>().Select(s => s.Value).ToList();
            if (detectors.Contains("docker") && !mounts.Any(m => m.Target == "/var/run/docker.sock"))
            {
                f.Add(new(Rule.MissingPrerequisite, "compose.yaml", $"processors.{Yaml.Key(k)}.detectors",
                    "the docker detector needs /var/run/docker.sock, which compose does not mount; since contrib v0.145 its failure stops the collector"));
            }

            var sources = p.MapAt("system").SeqAt("hostname_sources").OfType<YamlScalarNode>().Select(s => s.Value).ToList();
            if (detectors.Contains("system") && sources.SequenceEqual(["os"]) && svc.Str("hostname") is null)
            {
                f.Add(new(Rule.MissingPrerequisite, "compose.yaml", $"services.{service}.hostname",
                    "host.name comes from the container's hostname (system detector, hostname_sources [os]) but compose does not set `hostname`: it would be the container id"));
            }
        }

        foreach (var (k, v) in cfg.MapAt("receivers").Children)
        {
            var id = Yaml.Key(k);
            var r = (YamlMappingNode)v;
            switch (id.Split('/')[0])
            {
                case "file_log" or "filelog":
                    foreach (var glob in r.SeqAt("include").OfType<YamlScalarNode>().Select(s => Expand(s.Value!, env)))
                    {
                        var dir = StaticPrefix(glob);
                        if (!Mounted(dir))
                        {
                            f.Add(new(Rule.MissingPrerequisite, "compose.yaml", $"receivers.{id}.include", $"'{glob}': {dir} is not mounted into {service}"));
                        }
                    }

                    break;
                case "hostmetrics" when r.Str("root_path") is { } root:
                    var rootPath = Expand(root, env);
                    if (!mounts.Any(m => m.Target == rootPath))
                    {
                        f.Add(new(Rule.MissingPrerequisite, "compose.yaml", $"receivers.{id}.root_path", $"'{rootPath}' is not a mount of {service}"));
                    }

                    break;
            }
        }

        foreach (var (k, v) in cfg.MapAt("extensions").Children.Where(kv => Yaml.Key(kv.Key).Split('/')[0] == "file_storage"))
        {
            var dir = Expand(((YamlMappingNode)v).Str("directory") ?? string.Empty, env);
            if (!OnVolume(dir))
            {
                f.Add(new(Rule.MissingPrerequisite, "compose.yaml", $"extensions.{Yaml.Key(k)}.directory", $"'{dir}' is not on a named volume: queues and file offsets would be lost with the container"));
            }
        }

        return f;
    }

    /// <summary>The value each variable has inside the container: compose's `${X:-default}` resolved to its default.</summary>
    public static Dictionary<string, string> ComposeEnvironment(YamlMappingNode service)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in service.MapAt("environment").Children)
        {
            env[Yaml.Key(k)] = ComposeDefault().Replace(((YamlScalarNode)v).Value ?? string.Empty, m => m.Groups[2].Value);
        }

        return env;
    }

    /// <summary>Expands the collector's ${env:NAME:-default} with the container's environment.</summary>
    public static string Expand(string value, IReadOnlyDictionary<string, string> env) =>
        CollectorEnv().Replace(value, m => env.TryGetValue(m.Groups[1].Value, out var x) ? x : m.Groups[3].Value);

    private static string StaticPrefix(string glob)
    {
        var star = glob.IndexOfAny(['*', '?', '[', '{']);
        var fixedPart = star < 0 ? glob : glob[..star];
        return fixedPart.Contains('/', StringComparison.Ordinal) ? fixedPart[..fixedPart.LastIndexOf('/')] : fixedPart;
    }

    [GeneratedRegex(@"\$\{env:([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}")]
    private static partial Regex CollectorEnv();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?]([^}]*))?\}")]
    private static partial Regex ComposeDefault();
}
