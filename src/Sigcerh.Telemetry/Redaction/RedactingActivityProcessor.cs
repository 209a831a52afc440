using System.Diagnostics;
using System.Reflection;
using OpenTelemetry;

namespace Sigcerh.Telemetry.Redaction;

/// <summary>
/// Redacts a span before any exporter sees it: string and any other attribute whose exported text can hold data (a Uri, a number of eight digits or more, a sequence) such as <c>url.path</c>,
/// <c>url.query</c>, <c>url.full</c>, <c>db.query.text</c> and custom tags, event attributes (the exception event's
/// message and stack trace), the status description and the display name.
/// </summary>
internal sealed class RedactingActivityProcessor(PiiRedactor redactor) : BaseProcessor<Activity>
{
    // Activity has no public way to replace an event, so the list is reset and refilled. A test guards this field.
    internal static readonly FieldInfo? EventsField = typeof(Activity).GetField("_events", BindingFlags.Instance | BindingFlags.NonPublic);

    public override void OnEnd(Activity data)
    {
        var name = data.DisplayName;
        if (redactor.Redact(name) is var redactedName && !ReferenceEquals(redactedName, name))
        {
            data.DisplayName = redactedName;
        }

        if (data.StatusDescription is { } status && redactor.Redact(status) is var redactedStatus && !ReferenceEquals(redactedStatus, status))
        {
            data.SetStatus(data.Status, redactedStatus);
        }

        RedactTags(data);
        RedactEvents(data);
    }

    private void RedactTags(Activity data)
    {
        List<KeyValuePair<string, object?>>? changed = null;
        foreach (ref readonly var tag in data.EnumerateTagObjects())
        {
            if (RedactTagValue(tag.Key, tag.Value) is { } r)
            {
                (changed ??= []).Add(new(tag.Key, r));
            }
        }

        if (changed is not null)
        {
            foreach (var (k, v) in changed)
            {
                data.SetTag(k, v);
            }
        }
    }

    private void RedactEvents(Activity data)
    {
        var dirty = false;
        foreach (ref readonly var e in data.EnumerateEvents())
        {
            if (redactor.Redact(e.Name) is var n && !ReferenceEquals(n, e.Name))
            {
                dirty = true;
                break;
            }

            foreach (ref readonly var tag in e.EnumerateTagObjects())
            {
                if (RedactTagValue(tag.Key, tag.Value) is not null)
                {
                    dirty = true;
                    break;
                }
            }

            if (dirty)
            {
                break;
            }
        }

        if (!dirty)
        {
            return;
        }

        var events = new List<ActivityEvent>();
        foreach (ref readonly var e in data.EnumerateEvents())
        {
            var tags = new ActivityTagsCollection();
            foreach (ref readonly var tag in e.EnumerateTagObjects())
            {
                tags[tag.Key] = RedactTagValue(tag.Key, tag.Value) ?? tag.Value;
            }

            events.Add(new ActivityEvent(redactor.Redact(e.Name), e.Timestamp, tags));
        }

        if (EventsField is null)
        {
            // Unknown runtime layout: better no events than events with personal data.
            data.SetTag("sigcerh.redaction.events_dropped", true);
            return;
        }

        EventsField.SetValue(data, null);
        foreach (var e in events)
        {
            data.AddEvent(e);
        }
    }

    /// <summary>The redacted value, or null when the value may leave as it is.</summary>
    private object? RedactTagValue(string key, object? value)
    {
        if (value is null || redactor.IsAllowed(key))
        {
            return null;
        }

        // Exporters write a value they do not know by its ToString(), and a sequence element by element: both are
        // read here as the exporter would write them. Numbers below eight digits are known clean without boxing.
        return value switch
        {
            string s => Changed(s),
            string?[] strings => RedactStrings(strings),
            bool[] or byte[] or short[] => null,
            int[] ints => ints.AsSpan().ContainsAnyExceptInRange(-9_999_999, 9_999_999) ? RedactSequence(ints) : null,
            long[] longs => longs.AsSpan().ContainsAnyExceptInRange(-9_999_999L, 9_999_999L) ? RedactSequence(longs) : null,
            double[] doubles => doubles.AsSpan().ContainsAnyExceptInRange(-9_999_999.0, 9_999_999.0) ? RedactSequence(doubles) : null,
            System.Collections.IEnumerable sequence => RedactSequence(sequence),
            _ => RedactableText.Of(value) is { } text ? Changed(text) : null,
        };
    }

    private string? Changed(string text) => redactor.Redact(text) is var r && !ReferenceEquals(r, text) ? r : null;

    private string?[]? RedactStrings(string?[] array)
    {
        string?[]? copy = null;
        for (var i = 0; i < array.Length; i++)
        {
            if (array[i] is { } item && Changed(item) is { } r)
            {
                copy ??= (string?[])array.Clone();
                copy[i] = r;
            }
        }

        return copy;
    }

    // Any other sequence leaves as an array of its elements' redacted texts when one of them changed.
    private string?[]? RedactSequence(System.Collections.IEnumerable sequence)
    {
        var texts = new List<string?>();
        var changed = false;
        foreach (var item in sequence)
        {
            var text = item as string ?? RedactableText.Of(item) ?? item?.ToString();
            var redacted = text is null ? null : redactor.Redact(text);
            changed |= !ReferenceEquals(redacted, text);
            texts.Add(redacted);
        }

        return changed ? [.. texts] : null;
    }
}
