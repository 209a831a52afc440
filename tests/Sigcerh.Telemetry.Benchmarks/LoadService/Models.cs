namespace Sigcerh.Telemetry.LoadService;

/// <summary>The realistic endpoint's answer.</summary>
public sealed record ExpedienteQuery(int Id, string? Estado);

/// <summary>What <c>/stats</c> returns: process-wide allocated bytes and, in the sigcerh build, telemetry drops.</summary>
public sealed record LoadStats(long Allocated, long DroppedLogs, long DroppedTraces, long DroppedMetrics);
