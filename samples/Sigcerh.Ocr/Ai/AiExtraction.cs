namespace Sigcerh.Ocr.Ai;

/// <summary>The AI API's request: a page image in base64.</summary>
public sealed record AiExtractionRequest(string ImageBase64, int Pages);

/// <summary>The AI API's answer: the structured text of the page.</summary>
public sealed record AiExtractionResponse(string Text, double Confidence);
