namespace Sigcerh.Backend.Storage;

/// <summary>The body of POST /api/certificados.</summary>
public sealed record CertificateRequest(long ApplicationId, string CertificateType);
