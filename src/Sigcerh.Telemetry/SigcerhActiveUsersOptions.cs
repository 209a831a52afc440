using Microsoft.AspNetCore.Http;

namespace Sigcerh.Telemetry;

/// <summary>Settings of the active-users gauge (<c>SigcerhTelemetry:Metrics:ActiveUsers</c>).</summary>
public sealed class SigcerhActiveUsersOptions
{
    /// <summary>Feeds the gauge from every HTTP request's authenticated user. Calls to <c>UserSeen</c> always count.</summary>
    public bool TrackRequests { get; set; } = true;

    /// <summary>How many distinct users are remembered; the least recently seen are forgotten first.</summary>
    public int MaxTrackedUsers { get; set; } = 100_000;

    /// <summary>Claims that identify a user, first match wins. Empty means <c>NameIdentifier</c>, then <c>sub</c>.</summary>
    public List<string> ClaimTypes { get; } = [];

    /// <summary>Code-only hook that returns the user id of a request (or null), used instead of the claims.</summary>
    public Func<HttpContext, string?>? UserIdSelector { get; set; }
}
