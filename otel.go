package jetpackcrm

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// OpenTelemetry: one span per SDK call, a child span per HTTP request
// (HTTP client semantic conventions), retries and the shared pause as
// events on the call's span, and two instruments. None of it is set up,
// allocated or run without WithTracerProvider or WithMeterProvider: every
// hook below is a method on a nil pointer then.
//
// Nothing recorded holds the credentials: url.full is built from the
// request as the SDK sees it above the layer that adds them, with the
// api_key and api_secret values shown as REDACTED, and every string that
// comes from an error or a URL passes through credentials.redact.

// instrumentationName names the SDK's tracer and meter.
const instrumentationName = "github.com/jpcrm-go/jetpackcrm"

// The SDK's own attributes and events (the HTTP ones are semconv's).
const (
	attrEndpoint     = attribute.Key("jetpackcrm.endpoint")
	attrOperation    = attribute.Key("jetpackcrm.operation")
	attrAttempts     = attribute.Key("jetpackcrm.attempts")
	attrRetryAttempt = attribute.Key("jetpackcrm.retry.attempt")
	attrRetryWait    = attribute.Key("jetpackcrm.retry.wait")
	attrPauseWait    = attribute.Key("jetpackcrm.pause.wait")
	eventRetry       = "jetpackcrm.retry"
	eventPause       = "jetpackcrm.pause"
	// metricRetries counts the retries the Client decided to make.
	metricRetries = "jetpackcrm.client.retries"
)

// WithTracerProvider records a span per SDK call, named "jetpackcrm " and
// the operation ("jetpackcrm Customers.Create", "jetpackcrm Client.Do"),
// with a child span of kind client per HTTP request (retries and redirect
// hops included) following the OpenTelemetry HTTP client semantic
// conventions: http.request.method, server.address, server.port, url.full
// (with the api_key and api_secret values replaced by REDACTED, as are the
// values of the other query parameters but paging and routing, which hold
// personal data such as GetByEmail's email), http.response.status_code,
// error.type and http.request.resend_count. Retries ("jetpackcrm.retry")
// and waits for a pause a server asked for ("jetpackcrm.pause") are events
// on the call's span. Calls refused before any request ([*ValidationError])
// record nothing.
//
// Without this option, or [WithMeterProvider], the [Client] records and
// allocates nothing for telemetry.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) error {
		if tp == nil || isNilInterface(tp) {
			return errors.New("WithTracerProvider: nil trace.TracerProvider")
		}
		c.tracerProvider = tp
		return nil
	}
}

// WithMeterProvider records the http.client.request.duration histogram
// (seconds, per HTTP request, with the semantic conventions' attributes:
// http.request.method, server.address, server.port,
// http.response.status_code, error.type, network.protocol.version) and the
// jetpackcrm.client.retries counter (one per retry, by jetpackcrm.operation,
// http.request.method, server.address, server.port and error.type: the
// status code or network failure that caused it).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) error {
		if mp == nil || isNilInterface(mp) {
			return errors.New("WithMeterProvider: nil metric.MeterProvider")
		}
		c.meterProvider = mp
		return nil
	}
}

// isNilInterface catches a typed nil pointer passed as a provider, which
// would panic on the first call instead of in NewClient.
func isNilInterface(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// telemetry is a Client's tracer and instruments, nil when neither option
// was given.
type telemetry struct {
	tracer   trace.Tracer // nil without WithTracerProvider
	duration metric.Float64Histogram
	retries  metric.Int64Counter
	creds    *credentials
}

func newTelemetry(tp trace.TracerProvider, mp metric.MeterProvider, creds *credentials) (*telemetry, error) {
	if tp == nil && mp == nil {
		return nil, nil
	}
	t := &telemetry{creds: creds}
	if tp != nil {
		t.tracer = tp.Tracer(instrumentationName, trace.WithInstrumentationVersion(Version), trace.WithSchemaURL(semconv.SchemaURL))
	}
	if mp != nil {
		m := mp.Meter(instrumentationName, metric.WithInstrumentationVersion(Version), metric.WithSchemaURL(semconv.SchemaURL))
		var err error
		t.duration, err = m.Float64Histogram("http.client.request.duration",
			metric.WithDescription("Duration of HTTP client requests."), metric.WithUnit("s"),
			metric.WithExplicitBucketBoundaries(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10))
		if err != nil {
			return nil, err
		}
		t.retries, err = m.Int64Counter(metricRetries,
			metric.WithDescription("Retries of Jetpack CRM API requests, by the failure that caused them."), metric.WithUnit("{retry}"))
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}

// callTelemetry follows one call (one callState): its span, and what its
// attempts saw. The attempts of a call run one after the other, so it
// needs no lock.
type callTelemetry struct {
	t  *telemetry
	op string
	// method, site and endpoint name the call's requests in retry events
	// and the retries counter.
	method, endpoint string
	site             *url.URL
	span             trace.Span // nil without a tracer
	// own is false when the call joined the span of an enclosing
	// operation of the same name (Customers.Update's write).
	own bool
	// sent counts the requests handed to the network, redirect hops
	// included: http.request.resend_count of the next one.
	sent int
	// lastErrType is error.type of the latest failed request, for the
	// call's span when its error no longer says (it is redacted).
	lastErrType string
}

// telemetry returns the call's telemetry: nil without the options, and
// for a request that did not come through call or Do.
func (st *callState) telemetry() *callTelemetry {
	if st == nil {
		return nil
	}
	return st.tel
}

// telemetryStart begins the telemetry of a call named op and returns the
// context its requests run in (carrying its span).
func (st *callState) telemetryStart(ctx context.Context, op string) context.Context {
	t := st.client.tel
	if t == nil {
		return ctx
	}
	ct := &callTelemetry{t: t, op: op, method: st.ci.method, endpoint: st.ci.endpoint, site: st.client.base}
	st.tel = ct
	if t.tracer == nil {
		return ctx
	}
	if sc := scopeFrom(ctx, t); sc != nil {
		ctx = sc.enter(ctx)
		if sc.op == op {
			ct.span = sc.span
			return ctx
		}
	}
	ctx, ct.span = t.tracer.Start(ctx, "jetpackcrm "+op, trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(attrEndpoint.String(st.ci.endpoint)))
	ct.own = true
	return ctx
}

// telemetryEnd ends the call's span with its outcome, and returns err.
func (st *callState) telemetryEnd(err error) error {
	ct := st.telemetry()
	if ct == nil || ct.span == nil || !ct.own {
		return err
	}
	ct.span.SetAttributes(attrAttempts.Int(st.attempt()))
	ct.t.endSpan(ct.span, err, ct.lastErrType)
	return err
}

// endSpan sets a call span's status from the call's error and ends it.
func (t *telemetry) endSpan(span trace.Span, err error, lastErrType string) {
	if err != nil {
		span.SetAttributes(semconv.ErrorTypeKey.String(callErrorType(err, lastErrType)))
		span.SetStatus(codes.Error, t.creds.redact(err.Error()))
	}
	span.End()
}

// pausing records that an attempt waits for the pause a server asked for
// (a 429's or 503's Retry-After, shared by every call of the Client).
func (ct *callTelemetry) pausing(g *pauseGate) {
	if ct == nil || ct.span == nil {
		return
	}
	if d := g.remaining(); d > 0 {
		ct.span.AddEvent(eventPause, trace.WithAttributes(attrPauseWait.Float64(d.Seconds())))
	}
}

// remaining is how long the pause still holds requests.
func (g *pauseGate) remaining() time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	return time.Until(g.until)
}

// retrying records the decision to retry after attempt (1-based), which
// ended with resp or err, in wait.
func (ct *callTelemetry) retrying(ctx context.Context, attempt int, resp *http.Response, err error, wait time.Duration) {
	if ct == nil {
		return
	}
	var errType string
	if err != nil {
		errType = attemptErrorType(err)
	} else {
		errType = strconv.Itoa(resp.StatusCode)
	}
	if ct.span != nil {
		attrs := []attribute.KeyValue{attrRetryAttempt.Int(attempt), attrRetryWait.Float64(wait.Seconds()),
			semconv.ErrorTypeKey.String(errType), attrEndpoint.String(ct.endpoint)}
		if resp != nil {
			attrs = append(attrs, semconv.HTTPResponseStatusCode(resp.StatusCode))
		}
		ct.span.AddEvent(eventRetry, trace.WithAttributes(attrs...))
	}
	if ct.t.retries != nil && ct.t.retries.Enabled(ctx) {
		method, _ := requestMethod(ct.method)
		host, port := serverOf(ct.site)
		ct.t.retries.Add(ctx, 1, metric.WithAttributes(attrOperation.String(ct.op), method,
			semconv.ServerAddress(host), semconv.ServerPort(port), semconv.ErrorTypeKey.String(errType)))
	}
}

// attemptTelemetry follows one HTTP request: its span and its start.
type attemptTelemetry struct {
	ct    *callTelemetry
	span  trace.Span
	start time.Time
	req   *http.Request
}

// startAttempt begins an HTTP request's span and its timing. req is the
// request as the transport received it (without the credentials); out is
// the request it sends, returned with the span in its context so that
// instrumentation below (otelhttp) nests under it.
func (ct *callTelemetry) startAttempt(req, out *http.Request) (*http.Request, attemptTelemetry) {
	if ct == nil {
		return out, attemptTelemetry{}
	}
	a := attemptTelemetry{ct: ct, req: req, start: time.Now()}
	resend := ct.sent
	ct.sent++
	if ct.t.tracer == nil {
		return out, a
	}
	ctx, span := ct.t.tracer.Start(out.Context(), spanNameOf(req.Method), trace.WithSpanKind(trace.SpanKindClient))
	a.span = span
	if span.IsRecording() {
		method, original := requestMethod(req.Method)
		host, port := serverOf(req.URL)
		attrs := make([]attribute.KeyValue, 0, 7)
		attrs = append(attrs, method, semconv.ServerAddress(host), semconv.ServerPort(port),
			semconv.URLFull(ct.t.fullURL(req.URL)), attrEndpoint.String(endpointOf(req.URL)))
		if original.Valid() {
			attrs = append(attrs, original)
		}
		if resend > 0 {
			attrs = append(attrs, semconv.HTTPRequestResendCount(resend))
		}
		span.SetAttributes(attrs...)
	}
	return out.WithContext(ctx), a
}

// end finishes the request's span and records its duration, once the
// response headers came (or the request failed). resp's headers have been
// redacted already.
func (a attemptTelemetry) end(resp *http.Response, err error) {
	ct := a.ct
	if ct == nil {
		return
	}
	d := time.Since(a.start)
	var errType string
	switch {
	case err != nil:
		errType = attemptErrorType(err)
	case resp != nil && resp.StatusCode >= 400:
		errType = strconv.Itoa(resp.StatusCode)
	}
	if errType != "" {
		ct.lastErrType = errType
	}
	var proto string
	if resp != nil {
		proto = protocolVersion(resp)
	}
	if a.span != nil {
		if a.span.IsRecording() {
			if resp != nil {
				a.span.SetAttributes(semconv.HTTPResponseStatusCode(resp.StatusCode))
			}
			if proto != "" {
				a.span.SetAttributes(semconv.NetworkProtocolVersion(proto))
			}
			if errType != "" {
				a.span.SetAttributes(semconv.ErrorTypeKey.String(errType))
				desc := ""
				if err != nil {
					desc = ct.t.creds.redact(err.Error())
				}
				a.span.SetStatus(codes.Error, desc)
			}
		}
		a.span.End()
	}
	ctx := a.req.Context()
	if h := ct.t.duration; h != nil && h.Enabled(ctx) {
		method, _ := requestMethod(a.req.Method)
		host, port := serverOf(a.req.URL)
		attrs := make([]attribute.KeyValue, 0, 6)
		attrs = append(attrs, method, semconv.ServerAddress(host), semconv.ServerPort(port))
		if resp != nil {
			attrs = append(attrs, semconv.HTTPResponseStatusCode(resp.StatusCode))
		}
		if proto != "" {
			attrs = append(attrs, semconv.NetworkProtocolVersion(proto))
		}
		if errType != "" {
			attrs = append(attrs, semconv.ErrorTypeKey.String(errType))
		}
		h.Record(ctx, d.Seconds(), metric.WithAttributes(attrs...))
	}
}

// shownCredentials is how url.full shows the credentials: the parameters
// are there, their values are not.
var shownCredentials = &credentials{query: "api_key=REDACTED&api_secret=REDACTED"}

// queryShown are the query parameters whose values url.full shows: the
// routing and the paging. The others are personal data (GetByEmail's
// email, Search's phrase) or unknown (Do).
var queryShown = map[string]bool{"zbs_api": true, "page": true, "perpage": true, "full": true, "order": true}

// fullURL is url.full: the request's URL without user info, the values of
// the credentials and of every query parameter not in queryShown replaced
// by REDACTED, and any other appearance of the credentials (an echoed
// redirect) redacted.
func (t *telemetry) fullURL(u *url.URL) string {
	clean := *u
	clean.User = nil
	var q strings.Builder
	for _, p := range strings.Split(removeCredentialParams(u.RawQuery), "&") {
		if p == "" {
			continue
		}
		if q.Len() > 0 {
			q.WriteByte('&')
		}
		if k, _, hasValue := strings.Cut(p, "="); hasValue && !queryShown[k] {
			p = k + "=REDACTED"
		}
		q.WriteString(p)
	}
	clean.RawQuery = withCredentials(q.String(), shownCredentials)
	return t.creds.redact(clean.String())
}

// knownMethods are the methods the conventions name; others are _OTHER.
var knownMethods = map[string]attribute.KeyValue{
	http.MethodGet: semconv.HTTPRequestMethodGet, http.MethodHead: semconv.HTTPRequestMethodHead,
	http.MethodPost: semconv.HTTPRequestMethodPost, http.MethodPut: semconv.HTTPRequestMethodPut,
	http.MethodDelete: semconv.HTTPRequestMethodDelete, http.MethodConnect: semconv.HTTPRequestMethodConnect,
	http.MethodOptions: semconv.HTTPRequestMethodOptions, http.MethodTrace: semconv.HTTPRequestMethodTrace,
	http.MethodPatch: semconv.HTTPRequestMethodPatch,
}

// requestMethod is http.request.method, and http.request.method_original
// when the method is not one the conventions know.
func requestMethod(m string) (method, original attribute.KeyValue) {
	if kv, ok := knownMethods[m]; ok {
		return kv, attribute.KeyValue{}
	}
	return semconv.HTTPRequestMethodOther, semconv.HTTPRequestMethodOriginal(m)
}

// spanNameOf is an HTTP client span's name: the method, or HTTP for one
// the conventions do not know.
func spanNameOf(m string) string {
	if _, ok := knownMethods[m]; ok {
		return m
	}
	return "HTTP"
}

// serverOf is server.address and server.port, the port defaulted from the
// scheme.
func serverOf(u *url.URL) (string, int) {
	host := u.Hostname()
	if p, err := strconv.Atoi(u.Port()); err == nil {
		return host, p
	}
	if u.Scheme == "http" {
		return host, 80
	}
	return host, 443
}

// protocolVersion is network.protocol.version: "1.1", "2".
func protocolVersion(resp *http.Response) string {
	switch {
	case resp.ProtoMajor == 0:
		return ""
	case resp.ProtoMajor >= 2:
		return strconv.Itoa(resp.ProtoMajor)
	default:
		return strconv.Itoa(resp.ProtoMajor) + "." + strconv.Itoa(resp.ProtoMinor)
	}
}

// attemptErrorType is error.type of an HTTP request that got no answer:
// a short, fixed name for the failures the SDK tells apart, the error's Go
// type otherwise.
func attemptErrorType(err error) string {
	var dnsErr *net.DNSError
	var notSent *notSentError
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &notSent) && errors.Is(err, ErrRateLimited):
		return "rate_limited"
	case isTimeout(err):
		return "timeout"
	case errors.As(err, &dnsErr):
		return "name_resolution"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection_refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection_reset"
	case isTLSFailure(err):
		return "tls"
	case errors.Is(err, ErrRedirectRefused):
		return "redirect_refused"
	}
	return reflect.TypeOf(err).String()
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// callErrorType is error.type of a failed call: the status code of an
// HTTP error, a fixed name for the SDK's other failures, and for a call
// that got no answer the failure of its last request.
func callErrorType(err error, lastErrType string) string {
	var ve *ValidationError
	var ae *APIError
	var de *DecodeError
	switch {
	case errors.As(err, &ve):
		return "invalid_input"
	case errors.Is(err, ErrRejected):
		return "rejected"
	case errors.As(err, &ae):
		return strconv.Itoa(ae.StatusCode)
	case errors.Is(err, ErrRateLimited):
		return "rate_limited"
	case errors.Is(err, ErrResponseTooLarge):
		return "response_too_large"
	case errors.As(err, &de):
		return "decode_error"
	case errors.Is(err, ErrNotFound):
		return "not_found"
	case errors.Is(err, ErrRedirectRefused):
		return "redirect_refused"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case lastErrType != "":
		return lastErrType
	}
	return semconv.ErrorTypeOther.Value.AsString()
}

// callScope is the span of an operation made of several calls
// (Customers.Update reads then writes; UpsertMany writes many). It starts
// with the first request, so that an operation refused before any request
// records nothing, like a single call.
type callScope struct {
	t      *telemetry
	op     string
	parent context.Context
	outer  *callScope // the enclosing scope of the same Client, if any
	start  time.Time
	once   sync.Once
	span   trace.Span
}

type callScopeKey struct{}

// telemetryScope opens the span of an operation named op made of several
// calls: the calls inside it that are named op too (its own requests) join
// its span, the others (a read it makes through another method) get theirs
// as children of it. It returns a nil scope without a tracer.
func (c *Client) telemetryScope(ctx context.Context, op string) (context.Context, *callScope) {
	if c == nil || c.tel == nil || c.tel.tracer == nil || ctx == nil {
		return ctx, nil
	}
	sc := &callScope{t: c.tel, op: op, parent: ctx, outer: scopeFrom(ctx, c.tel), start: time.Now()}
	return context.WithValue(ctx, callScopeKey{}, sc), sc
}

// scopeFrom returns the innermost scope of the Client with telemetry t.
func scopeFrom(ctx context.Context, t *telemetry) *callScope {
	sc, _ := ctx.Value(callScopeKey{}).(*callScope)
	if sc == nil || sc.t != t {
		return nil
	}
	return sc
}

// enter starts the scope's span if no call has yet (its enclosing scope's
// first), and returns ctx with it.
func (sc *callScope) enter(ctx context.Context) context.Context {
	sc.once.Do(func() {
		parent := sc.parent
		if sc.outer != nil {
			parent = sc.outer.enter(parent)
		}
		_, sc.span = sc.t.tracer.Start(parent, "jetpackcrm "+sc.op, trace.WithSpanKind(trace.SpanKindInternal),
			trace.WithTimestamp(sc.start))
	})
	return trace.ContextWithSpan(ctx, sc.span)
}

// end ends the scope's span, if a request started it, with the
// operation's outcome.
func (sc *callScope) end(err error) {
	if sc == nil {
		return
	}
	sc.once.Do(func() {}) // no request: no span; otherwise waits for it
	if sc.span != nil {
		sc.t.endSpan(sc.span, err, "")
	}
}

// WithTransportWrapper puts wrap's transport between the SDK's own layer
// (spans, retries, the shared pause, the throttle) and the layer that adds
// the API key and secret to the query string, which then calls the
// Transport of WithHTTPClient's client (or the default one). It is the
// place for instrumentation that records request URLs, such as otelhttp:
//
//	jetpackcrm.WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
//		return otelhttp.NewTransport(rt)
//	})
//
// The requests wrap's transport sees carry no credentials, and the
// responses and errors it gets back have them removed. Do not wrap the
// Transport given to [WithHTTPClient] with such instrumentation instead: the
// credentials are added above that Transport, so it sees them in every URL.
// wrap is called once, by [NewClient]; it must not return nil.
func WithTransportWrapper(wrap func(http.RoundTripper) http.RoundTripper) Option {
	return func(c *config) error {
		if wrap == nil {
			return errors.New("WithTransportWrapper: nil function")
		}
		c.transportWrapper = wrap
		return nil
	}
}

// wrapTransport applies WithTransportWrapper: the credentials move from the
// Client's transport to a credentialTransport under the wrapper.
func (c *Client) wrapTransport(wrap func(http.RoundTripper) http.RoundTripper) error {
	if wrap == nil {
		return nil
	}
	t := c.httpClient.Transport.(*transport)
	below := &credentialTransport{base: t.base, creds: c.creds}
	w := wrap(below)
	if w == nil || isNilInterface(w) {
		return errors.New("WithTransportWrapper: the function returned a nil http.RoundTripper")
	}
	t.base, t.below = w, below
	return nil
}

// credentialTransport adds the credentials at the bottom of the chain,
// under a WithTransportWrapper transport, and removes them from what it
// hands back up.
type credentialTransport struct {
	base  http.RoundTripper
	creds *credentials
}

// RoundTrip implements http.RoundTripper.
func (t *credentialTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	out := *req // a RoundTripper must not modify the request it is given
	u := *req.URL
	u.RawQuery = withCredentials(u.RawQuery, t.creds)
	out.URL = &u
	resp, err := t.base.RoundTrip(&out)
	if resp != nil {
		resp.Request = req // the wrapper's own request, without the credentials
		t.creds.redactHeader(resp.Header)
	}
	return resp, t.creds.redactError(err)
}

// CloseIdleConnections passes http.Client.CloseIdleConnections on.
func (t *credentialTransport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
