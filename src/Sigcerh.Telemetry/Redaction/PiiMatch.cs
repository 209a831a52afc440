namespace Sigcerh.Telemetry.Redaction;

/// <summary>A span of text to replace, and the rule that found it.</summary>
internal readonly record struct PiiMatch(int Start, int Length, string Rule)
{
    public int End => Start + Length;
}
