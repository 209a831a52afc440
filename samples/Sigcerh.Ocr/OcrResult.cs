namespace Sigcerh.Ocr;

/// <summary>The answer of POST /api/ocr.</summary>
public sealed record OcrResult(string Text, double Confidence, int Pages);
