namespace Sigcerh.Telemetry.Configuration;

/// <summary>One standard variable and the kind of value it takes; <see cref="Choices"/> lists the words of a choice.</summary>
internal sealed record OtelVariable(string Name, OtelKind Kind, IReadOnlyList<string>? Choices = null);
