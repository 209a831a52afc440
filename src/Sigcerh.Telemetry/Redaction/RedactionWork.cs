namespace Sigcerh.Telemetry.Redaction;

/// <summary>
/// What one redaction cost, counted instead of timed: characters the digit scanner visited, regex evaluations and the
/// characters handed to them. A local struct on the stack, so production pays a few additions and no contention.
/// </summary>
internal struct RedactionWork
{
    /// <summary>Characters the digit scanner read, lookaheads included.</summary>
    public long ScannedChars;

    /// <summary>Regex evaluations (one per call that enumerates or tests matches).</summary>
    public int RegexRuns;

    /// <summary>Characters handed to regex evaluations, summed over all of them.</summary>
    public long RegexChars;

    /// <summary>Candidate matches found before protected tokens and overlaps were resolved.</summary>
    public int Candidates;

    /// <summary>True when the value was longer than the limit and only its start was scanned.</summary>
    public bool Truncated;
}
