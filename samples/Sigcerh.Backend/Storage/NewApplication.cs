namespace Sigcerh.Backend.Storage;

/// <summary>The body of POST /api/solicitudes.</summary>
public sealed record NewApplication(string ApplicationType, string CitizenName, string Dni, string Email);
