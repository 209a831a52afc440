namespace Sigcerh.Backend.Storage;

/// <summary>A citizen's request for a historical certificate (a "solicitud").</summary>
public sealed record CertificateApplication(
    long Id,
    string ApplicationType,
    string CitizenName,
    string Dni,
    string Email,
    string Status,
    DateTimeOffset CreatedAt,
    string? OcrText);
