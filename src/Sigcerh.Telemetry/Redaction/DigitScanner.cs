namespace Sigcerh.Telemetry.Redaction;

/// <summary>
/// Finds DNI, RUC, carnet de extranjería, mobile and card numbers in one left-to-right pass over the digit chunks of a
/// text. A number may touch letters, '_' or punctuation ("certificado_45678912.pdf", "DNI45678912"), and digit groups
/// may be joined by what people type between them: a space, a dash, a no-break space, '+' or %20 from URLs, and for
/// phones also a dot. Every lookahead is bounded (a card has at most 19 digits), so the cost is linear in the text.
/// </summary>
internal static class DigitScanner
{
    private const int MaxCardDigits = 19;
    private const int MinCardDigits = 13;

    public static void Scan(ReadOnlySpan<char> text, ref List<PiiMatch>? found, ref RedactionWork work)
    {
        work.ScannedChars += text.Length;
        var guard = default(TokenGuard);
        var i = 0;
        while (i < text.Length)
        {
            var next = text[i..].IndexOfAnyInRange('0', '9');
            if (next < 0)
            {
                break;
            }

            var start = i + next;
            if (start > 0 && text[start - 1] == '%' && start + 1 < text.Length && char.IsAsciiHexDigit(text[start + 1]))
            {
                // The two hex digits of a URL escape (%20, %2B, %3D) are not part of the number after them.
                start += 2;
                if (start >= text.Length || !char.IsAsciiDigit(text[start]))
                {
                    i = start;
                    continue;
                }
            }

            var end = start + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            i = Classify(text, start, end, ref found, ref work, ref guard);
        }
    }

    /// <summary>Luhn check over ASCII digits, ignoring anything else (tests use it on grouped numbers).</summary>
    internal static bool IsLuhnValid(ReadOnlySpan<char> candidate)
    {
        Span<byte> digits = stackalloc byte[MaxCardDigits];
        var count = 0;
        foreach (var c in candidate)
        {
            if (char.IsAsciiDigit(c))
            {
                if (count == MaxCardDigits)
                {
                    return false;
                }

                digits[count++] = (byte)(c - '0');
            }
        }

        return count >= MinCardDigits && IsLuhnValid(digits[..count]);
    }

    // Returns where scanning goes on: after the number found, or after the chunk.
    private static int Classify(ReadOnlySpan<char> text, int start, int end, ref List<PiiMatch>? found, ref RedactionWork work, ref TokenGuard guard)
    {
        var length = end - start;
        if (length < 3 || IsFraction(text, start))
        {
            return end;
        }

        if (CardEnd(text, start, end, ref work) is > 0 and var cardEnd && Accept(text, start, cardEnd, "card", ref found, ref work, ref guard))
        {
            return cardEnd;
        }

        if (text[start] == '9' && PhoneEnd(text, start, end, ref work) is > 0 and var phoneEnd && Accept(text, start, phoneEnd, "phone", ref found, ref work, ref guard))
        {
            return phoneEnd;
        }

        if (IsDecimalPart(text, start, end))
        {
            return end;
        }

        switch (length)
        {
            case 8:
                Accept(text, start, end, "dni", ref found, ref work, ref guard);
                return end;
            case 9 when text[start] == '0' && text[start + 1] == '0':
                Accept(text, start, end, "carnet", ref found, ref work, ref guard);
                return end;
            case 11 when IsRucPrefix(text[start], text[start + 1]):
                Accept(text, start, end, "ruc", ref found, ref work, ref guard);
                return end;
            case 11 when text[start] == '5' && text[start + 1] == '1' && text[start + 2] == '9':
                // 51 and a mobile written together: only the national number is masked.
                Accept(text, start + 2, end, "phone", ref found, ref work, ref guard);
                return end;
            case >= 9 and <= 12 when CarnetKeyword.IsBefore(text, start, ref work):
                Accept(text, start, end, "carnet", ref found, ref work, ref guard);
                return end;
            default:
                return end;
        }
    }

    private static bool Accept(ReadOnlySpan<char> text, int start, int end, string rule, ref List<PiiMatch>? found, ref RedactionWork work, ref TokenGuard guard)
    {
        work.Candidates++;
        if (guard.IsProtected(text, start, end, ref work))
        {
            return false;
        }

        (found ??= []).Add(new PiiMatch(start, end - start, rule));
        return true;
    }

    // The longest run of digit groups from start holding 13 to 19 digits that passes Luhn, or 0. Every group but the
    // last has three digits or more ("4111 1111 1111 1111", "3782 822463 10005", "4917 6100 0000 0000 003").
    private static int CardEnd(ReadOnlySpan<char> text, int start, int firstEnd, ref RedactionWork work)
    {
        if (firstEnd - start > MaxCardDigits)
        {
            return 0;
        }

        Span<byte> digits = stackalloc byte[MaxCardDigits];
        var count = 0;
        var best = 0;
        var at = start;
        var end = firstEnd;
        while (true)
        {
            var length = end - at;
            if (count + length > MaxCardDigits)
            {
                break;
            }

            for (var k = at; k < end; k++)
            {
                digits[count++] = (byte)(text[k] - '0');
            }

            if (count >= MinCardDigits && IsLuhnValid(digits[..count]))
            {
                best = end;
            }

            var separator = length >= 3 ? SeparatorLength(text, end, dotAllowed: false) : 0;
            if (separator == 0)
            {
                break;
            }

            at = end + separator;
            end = DigitsEnd(text, at, MaxCardDigits - count + 1, ref work);
        }

        return best;
    }

    // A mobile starting at start ('9'): 9 digits together, or grouped 3-3-3 or 3-6; or 0.
    private static int PhoneEnd(ReadOnlySpan<char> text, int start, int firstEnd, ref RedactionWork work)
    {
        var length = firstEnd - start;
        if (length == 9)
        {
            return firstEnd;
        }

        var first = length == 3 ? SeparatorLength(text, firstEnd, dotAllowed: true) : 0;
        if (first == 0)
        {
            return 0;
        }

        var second = firstEnd + first;
        var secondEnd = DigitsEnd(text, second, 7, ref work);
        if (secondEnd - second == 6 && text[firstEnd] != '.')
        {
            return secondEnd;
        }

        var next = secondEnd - second == 3 ? SeparatorLength(text, secondEnd, dotAllowed: true) : 0;
        if (next == 0)
        {
            return 0;
        }

        var third = secondEnd + next;
        var thirdEnd = DigitsEnd(text, third, 4, ref work);
        return thirdEnd - third == 3 ? thirdEnd : 0;
    }

    // Where the digits starting at at end, reading at most limit + 1 of them (a longer run then fails any length test).
    private static int DigitsEnd(ReadOnlySpan<char> text, int at, int limit, ref RedactionWork work)
    {
        var end = at;
        while (end < text.Length && end - at <= limit && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        work.ScannedChars += end - at;
        return end;
    }

    // The separator at i between two digit groups, or 0: one space, dash, no-break space or '+' (a URL's space), "%20",
    // and a dot when dotAllowed. A digit must follow.
    private static int SeparatorLength(ReadOnlySpan<char> text, int i, bool dotAllowed)
    {
        if (i >= text.Length)
        {
            return 0;
        }

        var length = text[i] switch
        {
            ' ' or '-' or '+' or '\u00A0' or '\u202F' => 1,
            '.' when dotAllowed => 1,
            '%' when i + 2 < text.Length && text[i + 1] == '2' && text[i + 2] == '0' => 3,
            _ => 0,
        };
        return length > 0 && i + length < text.Length && char.IsAsciiDigit(text[i + length]) ? length : 0;
    }

    // 0.987654321, -12.04637412: the digits after a decimal point are a fraction, never a document or a phone.
    private static bool IsFraction(ReadOnlySpan<char> text, int start) =>
        start >= 2 && text[start - 1] == '.' && char.IsAsciiDigit(text[start - 2]);

    // 12345678.50: the whole part of an amount.
    private static bool IsDecimalPart(ReadOnlySpan<char> text, int start, int end) =>
        end + 1 < text.Length && text[end] == '.' && char.IsAsciiDigit(text[end + 1]);

    private static bool IsRucPrefix(char a, char b) => (a, b) is ('1', '0' or '5' or '6' or '7') or ('2', '0');

    private static bool IsLuhnValid(ReadOnlySpan<byte> digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i];
            if ((i & 1) == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }
}
