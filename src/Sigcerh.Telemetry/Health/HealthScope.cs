namespace Sigcerh.Telemetry.Health;

/// <summary>Which checks an endpoint runs.</summary>
internal enum HealthScope
{
    /// <summary><c>{base}</c>: every check.</summary>
    All,

    /// <summary><c>{base}/live</c>: checks tagged <c>live</c>.</summary>
    Live,

    /// <summary><c>{base}/ready</c>: checks tagged <c>ready</c>.</summary>
    Ready,
}
