using Sigcerh.Testing;

namespace Sigcerh.Operations.Tests;

/// <summary>
/// Runs a bash script in a private mount namespace (unshare -m, root) where /tmp, /opt and /var are fresh tmpfs
/// mounts, so a cleanup that goes wrong can only delete files the test made. The maintenance scripts are copied to
/// /mnt/scripts (another private tmpfs) first, because the repository itself may live under /tmp, /opt or /var.
/// </summary>
internal static class PrivateMounts
{
    public static Task<ProcessRunner.Result> RunAsync(string script, IDictionary<string, string?> env)
    {
        var full = $$"""
            set -euo pipefail
            mount --make-rprivate /
            mount -t tmpfs -o size=16m sigcerh-test /mnt
            cp -r '{{Repo.ScriptsDir}}' /mnt/scripts
            for d in /tmp /opt /var; do mount -t tmpfs -o size=32m sigcerh-test "$d"; done
            mkdir -p /var/lock-test
            export SIGCERH_LOCK_DIR=/var/lock-test SIGCERH_ENV_FILE= SIGCERH_OTLP_HTTP_ENDPOINT=
            S=/mnt/scripts
            old() { touch -d "$1" -- "${@:2}"; }
            {{script}}
            """;
        return ProcessRunner.RunAsync("unshare", ["-m", "--propagation", "private", "bash", "-c", full.Replace("\r", string.Empty, StringComparison.Ordinal)],
            env, "/", TimeSpan.FromMinutes(2));
    }

    /// <summary>An environment with nothing of the sandbox: the scripts' own defaults apply.</summary>
    public static Dictionary<string, string?> DefaultsEnv() => new()
    {
        ["SIGCERH_ENV_FILE"] = string.Empty,
        ["SIGCERH_OTLP_HTTP_ENDPOINT"] = string.Empty,
        ["HOME"] = "/root",
    };
}
