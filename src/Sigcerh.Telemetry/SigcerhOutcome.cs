namespace Sigcerh.Telemetry;

/// <summary>How an OCR job or an AI request ended; recorded as <c>success</c>, <c>failure</c> or <c>timeout</c>.</summary>
public enum SigcerhOutcome
{
    /// <summary>The work completed.</summary>
    Success,

    /// <summary>The work failed with an error.</summary>
    Failure,

    /// <summary>The work was abandoned after its time limit.</summary>
    Timeout,
}
