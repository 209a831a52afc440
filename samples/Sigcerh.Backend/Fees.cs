namespace Sigcerh.Backend;

/// <summary>The fee the UGEL charges, in soles.</summary>
public static class Fees
{
    /// <summary>One historical certificate.</summary>
    public const decimal Certificate = 25.00m;
}
