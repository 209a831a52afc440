namespace Sigcerh.Backend.Storage;

/// <summary>A certificate issued for a paid application.</summary>
public sealed record IssuedCertificate(long Id, long ApplicationId, string CertificateType, string Code, DateTimeOffset IssuedAt);
