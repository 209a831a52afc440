using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Sigcerh.Telemetry.Metrics;

namespace Sigcerh.Telemetry;

/// <summary>
/// SIGCERH business meters (meter <c>Sigcerh</c>): applications, certificates, payments, active users, OCR and AI
/// requests. Registered as a singleton by <c>AddSigcerhTelemetry()</c>; inject it and call the method for what happened.
/// Attribute values outside the configured sets are recorded as <c>other</c>. Increments allocate nothing.
/// </summary>
public sealed class SigcerhMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Sigcerh";

    private static readonly KeyValuePair<string, object?> Approved = new(SigcerhInstruments.PaymentOutcome, "approved");
    private static readonly KeyValuePair<string, object?> Rejected = new(SigcerhInstruments.PaymentOutcome, "rejected");
    private static readonly KeyValuePair<string, object?>[] OcrOutcomes = OutcomeTags(SigcerhInstruments.OcrOutcome);
    private static readonly KeyValuePair<string, object?>[] AiOutcomes = OutcomeTags(SigcerhInstruments.AiOutcome);

    private readonly Counter<long> _applications;
    private readonly Counter<long> _certificates;
    private readonly Counter<long> _payments;
    private readonly Histogram<double> _ocrDuration;
    private readonly Counter<long> _ocrPages;
    private readonly Counter<long> _aiRequests;
    private readonly AllowedValueSet _applicationTypes;
    private readonly AllowedValueSet _certificateTypes;
    private readonly AllowedValueSet _paymentMethods;
    private readonly ActiveUserTracker _users;

    /// <summary>Creates the instruments on the meter <c>Sigcerh</c> of <paramref name="meterFactory"/>.</summary>
    /// <param name="meterFactory">The meter factory (one meter per factory, so tests stay isolated).</param>
    /// <param name="options">Telemetry settings: allowed attribute values and the active-user bound.</param>
    /// <param name="timeProvider">The clock of the active-user windows.</param>
    public SigcerhMetrics(IMeterFactory meterFactory, IOptions<SigcerhTelemetryOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var o = options.Value.Metrics;
        _applicationTypes = Allowed(o, SigcerhInstruments.ApplicationType);
        _certificateTypes = Allowed(o, SigcerhInstruments.CertificateType);
        _paymentMethods = Allowed(o, SigcerhInstruments.PaymentMethod);
        _users = new ActiveUserTracker(timeProvider, o.ActiveUsers.MaxTrackedUsers);

        var meter = meterFactory.Create(MeterName);
        _applications = meter.CreateCounter<long>(SigcerhInstruments.ApplicationsCreated, "{application}", "Applications (solicitudes) created.");
        _certificates = meter.CreateCounter<long>(SigcerhInstruments.CertificatesIssued, "{certificate}", "Certificates issued.");
        _payments = meter.CreateCounter<long>(SigcerhInstruments.PaymentsValidated, "{payment}", "Payments validated, approved or rejected.");
        meter.CreateObservableGauge(SigcerhInstruments.UsersActive, ObserveUsers, "{user}", "Distinct users seen in the last 15 minutes and 24 hours.");
        _ocrDuration = meter.CreateHistogram(
            SigcerhInstruments.OcrDuration,
            "s",
            "Duration of an OCR job.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SigcerhInstruments.OcrBuckets });
        _ocrPages = meter.CreateCounter<long>(SigcerhInstruments.OcrPages, "{page}", "Pages processed by OCR.");
        _aiRequests = meter.CreateCounter<long>(SigcerhInstruments.AiRequests, "{request}", "Requests to the external AI API.");
    }

    /// <summary>An application (solicitud) was created.</summary>
    /// <param name="applicationType">For example <c>certificado_estudios</c>, <c>constancia</c>, <c>duplicado</c>.</param>
    public void ApplicationCreated(string applicationType) =>
        _applications.Add(1, new KeyValuePair<string, object?>(SigcerhInstruments.ApplicationType, _applicationTypes.Normalize(applicationType)));

    /// <summary>A certificate was issued.</summary>
    /// <param name="certificateType">For example <c>certificado_estudios</c>.</param>
    public void CertificateIssued(string certificateType) =>
        _certificates.Add(1, new KeyValuePair<string, object?>(SigcerhInstruments.CertificateType, _certificateTypes.Normalize(certificateType)));

    /// <summary>A payment was validated.</summary>
    /// <param name="paymentMethod">For example <c>yape</c>, <c>plin</c>, <c>tarjeta</c>, <c>banco_nacion</c>, <c>efectivo</c>.</param>
    /// <param name="approved">True when approved, false when rejected.</param>
    public void PaymentValidated(string paymentMethod, bool approved) =>
        _payments.Add(
            1,
            new KeyValuePair<string, object?>(SigcerhInstruments.PaymentMethod, _paymentMethods.Normalize(paymentMethod)),
            approved ? Approved : Rejected);

    /// <summary>
    /// A user was active. Only a keyed hash of <paramref name="userId"/> is kept. Requests of authenticated users are
    /// counted automatically; call this for activity outside HTTP requests.
    /// </summary>
    /// <param name="userId">A stable user id; null or empty is ignored.</param>
    public void UserSeen(string userId) => _users.UserSeen(userId);

    /// <summary>An OCR job ended.</summary>
    /// <param name="duration">How long it took.</param>
    /// <param name="outcome">How it ended.</param>
    /// <param name="pages">Pages processed; zero or less records none.</param>
    public void OcrCompleted(TimeSpan duration, SigcerhOutcome outcome, int pages = 1)
    {
        var tag = Tag(OcrOutcomes, outcome);
        _ocrDuration.Record(Math.Max(0, duration.TotalSeconds), tag);
        if (pages > 0)
        {
            _ocrPages.Add(pages, tag);
        }
    }

    /// <summary>A request to the external AI API ended.</summary>
    /// <param name="outcome">How it ended.</param>
    public void AiRequestCompleted(SigcerhOutcome outcome) => _aiRequests.Add(1, Tag(AiOutcomes, outcome));

    internal ActiveUserTracker ActiveUsers => _users;

    private Measurement<long>[] ObserveUsers()
    {
        var (recent, day) = _users.Count();
        return
        [
            new Measurement<long>(recent, new KeyValuePair<string, object?>(SigcerhInstruments.Window, "15m")),
            new Measurement<long>(day, new KeyValuePair<string, object?>(SigcerhInstruments.Window, "24h")),
        ];
    }

    private static KeyValuePair<string, object?> Tag(KeyValuePair<string, object?>[] tags, SigcerhOutcome outcome) =>
        (uint)outcome < (uint)tags.Length - 1 ? tags[(int)outcome] : tags[^1];

    private static KeyValuePair<string, object?>[] OutcomeTags(string name) =>
    [
        new(name, "success"),
        new(name, "failure"),
        new(name, "timeout"),
        new(name, AllowedValueSet.Other),
    ];

    private static AllowedValueSet Allowed(SigcerhMetricsOptions o, string attribute) =>
        new(o.AllowedValues.TryGetValue(attribute, out var configured) && configured.Count > 0
            ? configured
            : SigcerhInstruments.DefaultAllowedValues[attribute]);
}
