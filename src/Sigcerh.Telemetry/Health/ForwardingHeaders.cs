using Microsoft.AspNetCore.Http;

namespace Sigcerh.Telemetry.Health;

/// <summary>
/// Recognises a request that came through a proxy or CDN by any of the headers they add. Proxies differ in which one
/// they send (nginx often only <c>X-Real-IP</c>, CDNs their own), so families are matched by prefix and suffix, not a
/// fixed list of two.
/// </summary>
internal static class ForwardingHeaders
{
    private static readonly string[] Exact =
    [
        "Forwarded", "Via", "X-Real-IP", "True-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP", "Client-IP",
        "X-Client-IP", "X-Cluster-Client-IP", "X-ProxyUser-Ip", "X-Host", "X-Originating-IP", "X-Remote-IP", "X-Remote-Addr",
    ];

    // X-Forwarded-For/-Host/-Proto/-Port/-Prefix/-Server, X-Original-For/-Host/-Proto (ASP.NET's forwarded-headers
    // middleware moves the originals there), X-Real-*, and any *-Client-IP or *-Connecting-IP of a CDN.
    private static readonly string[] Prefixes = ["X-Forwarded-", "X-Original-", "X-Real-"];
    private static readonly string[] Suffixes = ["-Client-IP", "-Connecting-IP"];

    public static bool AnyPresent(IHeaderDictionary headers)
    {
        foreach (var header in headers)
        {
            if (IsForwarding(header.Key))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsForwarding(string name)
    {
        foreach (var e in Exact)
        {
            if (string.Equals(name, e, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var p in Prefixes)
        {
            if (name.StartsWith(p, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var s in Suffixes)
        {
            if (name.EndsWith(s, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
