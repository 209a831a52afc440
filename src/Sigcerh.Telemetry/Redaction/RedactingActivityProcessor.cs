using System.Diagnostics;
using OpenTelemetry;

namespace Sigcerh.Telemetry.Redaction;

/// <summary>Redacts string span attributes before any exporter sees the span.</summary>
internal sealed class RedactingActivityProcessor(PiiRedactor redactor) : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        List<KeyValuePair<string, string>>? changed = null;
        foreach (var tag in data.TagObjects)
        {
            if (tag.Value is string s && redactor.Redact(s) is var r && !ReferenceEquals(r, s))
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
}
