namespace Sigcerh.Backend.Storage;

/// <summary>The body of POST /api/pagos: a payment voucher the clerk validates.</summary>
public sealed record PaymentRequest(long ApplicationId, string Method, decimal Amount, string OperationNumber);
