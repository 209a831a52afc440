namespace Sigcerh.Backend.Storage;

/// <summary>The states an application goes through.</summary>
public static class ApplicationStatus
{
    /// <summary>Created, waiting for the scanned record and the payment.</summary>
    public const string Registered = "registrada";

    /// <summary>The payment was validated.</summary>
    public const string Paid = "pagada";

    /// <summary>The certificate was issued.</summary>
    public const string Issued = "emitida";
}
