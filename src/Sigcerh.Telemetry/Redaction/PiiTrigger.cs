namespace Sigcerh.Telemetry.Redaction;

/// <summary>What a text must contain before a rule is worth running.</summary>
internal enum PiiTrigger
{
    /// <summary>At least eight ASCII digits.</summary>
    Digits,

    /// <summary>An '@' or its URL escape '%40'.</summary>
    Email,

    /// <summary>Configured patterns: always run.</summary>
    Always,
}
