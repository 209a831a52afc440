namespace Sigcerh.Ocr.Ai;

/// <summary>Behaviour of the local stand-in for the external AI API (section <c>AiStub</c>).</summary>
public sealed class AiStubOptions
{
    /// <summary>Serves the stub at <c>/ai-stub/v1/extract</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Share of calls answered 500, as a provider outage would.</summary>
    public double ErrorRate { get; set; } = 0.08;

    /// <summary>Share of calls answered 429 (quota exceeded).</summary>
    public double ThrottleRate { get; set; } = 0.05;

    /// <summary>Share of calls that hang for <see cref="SlowSeconds"/>, longer than the client's timeout.</summary>
    public double SlowRate { get; set; } = 0.05;

    /// <summary>How long a slow call hangs, in seconds (before the OCR time scale).</summary>
    public double SlowSeconds { get; set; } = 45;

    /// <summary>Usual answer time, in seconds (before the OCR time scale).</summary>
    public double ResponseSeconds { get; set; } = 1.5;
}
