using System.Collections.Concurrent;
using System.Globalization;

namespace Sigcerh.Backend.Storage;

/// <summary>The fallback when no connection string is configured: data lives only as long as the process.</summary>
public sealed class InMemoryApplicationStore(TimeProvider time) : IApplicationStore
{
    private readonly ConcurrentDictionary<long, CertificateApplication> _applications = new();
    private long _nextId;
    private long _nextCertificateId;

    /// <inheritdoc />
    public string Kind => "memory";

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<CertificateApplication> CreateAsync(NewApplication application, CancellationToken cancellationToken)
    {
        var created = new CertificateApplication(
            Interlocked.Increment(ref _nextId), application.ApplicationType, application.CitizenName, application.Dni,
            application.Email, ApplicationStatus.Registered, time.GetUtcNow(), null);
        _applications[created.Id] = created;
        return Task.FromResult(created);
    }

    /// <inheritdoc />
    public Task<CertificateApplication?> GetAsync(long id, CancellationToken cancellationToken) =>
        Task.FromResult(_applications.TryGetValue(id, out var a) ? a : null);

    /// <inheritdoc />
    public Task<IReadOnlyList<CertificateApplication>> FindByDniAsync(string dni, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CertificateApplication>>([.. _applications.Values.Where(a => a.Dni == dni).OrderBy(a => a.Id)]);

    /// <inheritdoc />
    public Task SaveOcrTextAsync(long id, string text, CancellationToken cancellationToken)
    {
        Update(id, a => a with { OcrText = text });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RecordPaymentAsync(PaymentRequest payment, bool approved, CancellationToken cancellationToken)
    {
        if (approved)
        {
            Update(payment.ApplicationId, a => a with { Status = ApplicationStatus.Paid });
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IssuedCertificate> IssueAsync(long applicationId, string certificateType, CancellationToken cancellationToken)
    {
        Update(applicationId, a => a with { Status = ApplicationStatus.Issued });
        var id = Interlocked.Increment(ref _nextCertificateId);
        var now = time.GetUtcNow();
        var code = string.Create(CultureInfo.InvariantCulture, $"CERT-{now:yyyy}-{id:D6}");
        return Task.FromResult(new IssuedCertificate(id, applicationId, certificateType, code, now));
    }

    private void Update(long id, Func<CertificateApplication, CertificateApplication> change)
    {
        while (_applications.TryGetValue(id, out var current))
        {
            if (_applications.TryUpdate(id, change(current), current))
            {
                return;
            }
        }
    }
}
