using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace Sigcerh.Telemetry.Tracing;

/// <summary>Decides which requests are not traced: health probes, metrics scrapes and static files.</summary>
internal sealed class RequestPathFilter(SigcerhTelemetryOptions options)
{
    // Looked up by span: checking an extension must not allocate a string on every traced request.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> StaticExtensions = new[]
    {
        ".js", ".css", ".map", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".woff", ".woff2", ".ttf", ".html",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    private readonly PathString _health = new(options.Health.BasePath);
    private readonly PathString[] _excluded = [.. options.Tracing.ExcludedPaths.Select(p => new PathString(p))];

    public bool IsHealth(PathString path) => path.StartsWithSegments(_health);

    public bool IsExcluded(PathString path)
    {
        if (IsHealth(path))
        {
            return true;
        }

        foreach (var p in _excluded)
        {
            if (path.StartsWithSegments(p))
            {
                return true;
            }
        }

        return path.HasValue && StaticExtensions.Contains(Path.GetExtension(path.Value.AsSpan()));
    }
}
