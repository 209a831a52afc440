namespace Sigcerh.Backend.Ocr;

/// <summary>What the OCR service read from a scanned record.</summary>
public sealed record OcrResult(string Text, double Confidence, int Pages);
