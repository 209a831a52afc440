using Serilog.Events;

namespace Sigcerh.Telemetry.Logging;

/// <summary>
/// What the app added to one request's completion event through <c>IDiagnosticContext</c>. Created on the first
/// <c>Set</c>, so a request that adds nothing allocates nothing.
/// </summary>
internal sealed class RequestDiagnostics
{
    private readonly Lock _gate = new();
    private readonly List<LogEventProperty> _properties = new(4);
    private Exception? _exception;
    private bool _completed;

    public void Set(LogEventProperty property)
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            for (var i = 0; i < _properties.Count; i++)
            {
                if (_properties[i].Name == property.Name)
                {
                    _properties[i] = property;
                    return;
                }
            }

            _properties.Add(property);
        }
    }

    public void SetException(Exception? exception)
    {
        lock (_gate)
        {
            if (!_completed)
            {
                _exception = exception;
            }
        }
    }

    /// <summary>Ends collection: later calls are ignored, as the event has been written.</summary>
    public IReadOnlyList<LogEventProperty> Complete(out Exception? exception)
    {
        lock (_gate)
        {
            _completed = true;
            exception = _exception;
            return _properties;
        }
    }
}
