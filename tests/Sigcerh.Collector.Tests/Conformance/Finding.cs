namespace Sigcerh.Collector.Tests.Conformance;

/// <summary>One way a shipped file disagrees with the upstream facts (tests/upstream/facts.yaml).</summary>
public sealed record ConformanceFinding(string Code, string File, string Where, string Message)
{
    public override string ToString() => $"{Code} {File} at {Where}: {Message}";
}

/// <summary>The rules of the conformance test.</summary>
public static class Rule
{
    public const string UnknownKey = "UNKNOWN_KEY";
    public const string WrongType = "WRONG_TYPE";
    public const string BadValue = "BAD_VALUE";
    public const string DeprecatedKey = "DEPRECATED_KEY";
    public const string RemovedKey = "REMOVED_KEY";
    public const string UnknownComponent = "UNKNOWN_COMPONENT";
    public const string UnknownFlag = "UNKNOWN_FLAG";
    public const string DeprecatedFlag = "DEPRECATED_FLAG";
    public const string MissingTool = "MISSING_TOOL";
    public const string UnknownImage = "UNKNOWN_IMAGE";
    public const string MissingPrerequisite = "MISSING_PREREQUISITE";
    public const string UnproducedSeries = "UNPRODUCED_SERIES";
    public const string UnknownLokiLabel = "UNKNOWN_LOKI_LABEL";
}
