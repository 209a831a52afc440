namespace Sigcerh.Backend.Storage;

/// <summary>Where the backend keeps applications, payments and certificates: PostgreSQL, or memory when none is configured.</summary>
public interface IApplicationStore
{
    /// <summary>A short name for logs: <c>postgresql</c> or <c>memory</c>.</summary>
    string Kind { get; }

    /// <summary>Creates the schema when needed.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Stores a new application.</summary>
    Task<CertificateApplication> CreateAsync(NewApplication application, CancellationToken cancellationToken);

    /// <summary>Finds one application.</summary>
    Task<CertificateApplication?> GetAsync(long id, CancellationToken cancellationToken);

    /// <summary>Finds the applications of one citizen.</summary>
    Task<IReadOnlyList<CertificateApplication>> FindByDniAsync(string dni, CancellationToken cancellationToken);

    /// <summary>Keeps the text the OCR service read from the scanned record.</summary>
    Task SaveOcrTextAsync(long id, string text, CancellationToken cancellationToken);

    /// <summary>Records a validated payment; an approved one marks the application as paid.</summary>
    Task RecordPaymentAsync(PaymentRequest payment, bool approved, CancellationToken cancellationToken);

    /// <summary>Issues the certificate and marks the application as issued.</summary>
    Task<IssuedCertificate> IssueAsync(long applicationId, string certificateType, CancellationToken cancellationToken);
}
