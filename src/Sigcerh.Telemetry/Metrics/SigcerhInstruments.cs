namespace Sigcerh.Telemetry.Metrics;

/// <summary>Instrument and attribute names of the meter <c>Sigcerh</c>: dashboards and alerts depend on them.</summary>
internal static class SigcerhInstruments
{
    public const string ApplicationsCreated = "sigcerh.applications.created";
    public const string CertificatesIssued = "sigcerh.certificates.issued";
    public const string PaymentsValidated = "sigcerh.payments.validated";
    public const string UsersActive = "sigcerh.users.active";
    public const string OcrDuration = "sigcerh.ocr.duration";
    public const string OcrPages = "sigcerh.ocr.pages";
    public const string AiRequests = "sigcerh.ai.requests";

    public const string ApplicationType = "sigcerh.application.type";
    public const string CertificateType = "sigcerh.certificate.type";
    public const string PaymentMethod = "sigcerh.payment.method";
    public const string PaymentOutcome = "sigcerh.payment.outcome";
    public const string Window = "sigcerh.window";
    public const string OcrOutcome = "sigcerh.ocr.outcome";
    public const string AiOutcome = "sigcerh.ai.outcome";

    /// <summary>OCR takes about 8.5 s in the ops plan; the buckets resolve 0.5 s to 2 minutes.</summary>
    public static readonly double[] OcrBuckets = [0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120];

    /// <summary>Built-in allowed values of the guarded attributes; <c>Metrics:AllowedValues:{attribute}</c> replaces them.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> DefaultAllowedValues = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [ApplicationType] = ["certificado_estudios", "constancia", "duplicado", "rectificacion", "traslado"],
        [CertificateType] = ["certificado_estudios", "constancia", "duplicado", "rectificacion"],
        [PaymentMethod] = ["yape", "plin", "tarjeta", "banco_nacion", "efectivo"],
    };
}
