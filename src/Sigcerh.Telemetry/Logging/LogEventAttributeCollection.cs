using System.Collections;
using Serilog.Core;
using Serilog.Events;
using Sigcerh.Telemetry.Redaction;

namespace Sigcerh.Telemetry.Logging;

/// <summary>
/// A Serilog event as the state of an OpenTelemetry log record: its properties as attributes (scalars as their value,
/// anything structured as JSON), then <c>message_template.text</c>, then <c>{OriginalFormat}</c>. The SDK's batch
/// processor copies the attributes through <see cref="CopyTo"/> into the pooled record's own list, which is why this
/// is an <see cref="ICollection{T}"/>: the copy then needs no enumerator and no intermediate array.
/// <c>SourceContext</c> is not an attribute: it names the instrumentation scope, as it did before. A redacted exception
/// adds its own <c>exception.*</c> attributes: the SDK would name its type <c>RedactedException</c>.
/// </summary>
internal sealed class LogEventAttributeCollection : IReadOnlyList<KeyValuePair<string, object?>>, ICollection<KeyValuePair<string, object?>>
{
    /// <summary>The attribute Loki queries know the template by.</summary>
    public const string TemplateTextKey = "message_template.text";

    /// <summary>The key the OpenTelemetry logger looks for, from the end of the list, to tell template from message.</summary>
    public const string OriginalFormatKey = "{OriginalFormat}";

    private readonly CleanMessageRenderer _renderer;
    private readonly int _properties;
    private readonly RedactedException? _exception;
    private bool _exporting;

    public LogEventAttributeCollection(LogEvent logEvent, CleanMessageRenderer renderer)
    {
        Event = logEvent;
        _renderer = renderer;
        var properties = logEvent.Properties;
        _properties = properties.Count;
        _exception = logEvent.Exception as RedactedException;
        if (properties.TryGetValue(Constants.SourceContextPropertyName, out var context) && context is ScalarValue { Value: string name })
        {
            SourceContext = name;
            _properties--;
        }
    }

    public LogEvent Event { get; }

    /// <summary>The event's <c>SourceContext</c> when it is a string, else null.</summary>
    public string? SourceContext { get; }

    /// <summary>The exception the SDK may see: none when it was redacted, as its attributes are here instead.</summary>
    public Exception? Exception => _exception is null ? Event.Exception : null;

    public int Count => _properties + ExceptionCount + (_exporting ? 1 : 2);

    private int ExceptionCount => _exception is null ? 0 : 3;

    public bool IsReadOnly => true;

    public KeyValuePair<string, object?> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);

            // The logger reads from the end and stops at {OriginalFormat}: it never walks the properties.
            if (index >= _properties && index < _properties + ExceptionCount)
            {
                return ExceptionAttribute(index - _properties);
            }

            if (index == _properties + ExceptionCount)
            {
                return new(TemplateTextKey, Event.MessageTemplate.Text);
            }

            if (index > _properties + ExceptionCount)
            {
                return new(OriginalFormatKey, Event.MessageTemplate.Text);
            }

            var i = 0;
            foreach (var (name, value) in LogEventProperties.Of(Event))
            {
                if (!IsSkipped(name) && i++ == index)
                {
                    return new(name, Attribute(value));
                }
            }

            throw new InvalidOperationException("The event's properties changed while read.");
        }
    }

    /// <summary>
    /// Drops <c>{OriginalFormat}</c> once the logger has read it and before the record is queued: the exporter would
    /// otherwise send it as one more attribute, a copy of <c>message_template.text</c>.
    /// </summary>
    public void PrepareForExport() => _exporting = true;

    public void CopyTo(KeyValuePair<string, object?>[] array, int arrayIndex)
    {
        ArgumentNullException.ThrowIfNull(array);
        ArgumentOutOfRangeException.ThrowIfNegative(arrayIndex);
        ArgumentOutOfRangeException.ThrowIfLessThan(array.Length - arrayIndex, Count, nameof(array));

        var i = arrayIndex;
        foreach (var (name, value) in LogEventProperties.Of(Event))
        {
            if (!IsSkipped(name))
            {
                array[i++] = new(name, Attribute(value));
            }
        }

        for (var k = 0; k < ExceptionCount; k++)
        {
            array[i++] = ExceptionAttribute(k);
        }

        var template = Event.MessageTemplate.Text;
        array[i++] = new(TemplateTextKey, template);
        if (!_exporting)
        {
            array[i] = new(OriginalFormatKey, template);
        }
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        foreach (var (name, value) in LogEventProperties.Of(Event))
        {
            if (!IsSkipped(name))
            {
                yield return new(name, Attribute(value));
            }
        }

        for (var k = 0; k < ExceptionCount; k++)
        {
            yield return ExceptionAttribute(k);
        }

        var template = Event.MessageTemplate.Text;
        yield return new(TemplateTextKey, template);
        if (!_exporting)
        {
            yield return new(OriginalFormatKey, template);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Contains(KeyValuePair<string, object?> item)
    {
        foreach (var pair in this)
        {
            if (pair.Key == item.Key && Equals(pair.Value, item.Value))
            {
                return true;
            }
        }

        return false;
    }

    void ICollection<KeyValuePair<string, object?>>.Add(KeyValuePair<string, object?> item) => throw new NotSupportedException();

    void ICollection<KeyValuePair<string, object?>>.Clear() => throw new NotSupportedException();

    bool ICollection<KeyValuePair<string, object?>>.Remove(KeyValuePair<string, object?> item) => throw new NotSupportedException();

    // The names and values the SDK's exporter gives a logged exception, with the real type's short name.
    private KeyValuePair<string, object?> ExceptionAttribute(int k) => k switch
    {
        0 => new("exception.type", _exception!.OriginalType.Name),
        1 => new("exception.message", _exception!.Message),
        _ => new("exception.stacktrace", _exception!.ToString()),
    };

    private bool IsSkipped(string name) => SourceContext is not null && name == Constants.SourceContextPropertyName;

    /// <summary>A scalar's own value (already boxed inside the event), or JSON for anything structured.</summary>
    private object? Attribute(LogEventPropertyValue value) => value is ScalarValue scalar ? scalar.Value : _renderer.Json(value);
}
