package jetpackcrm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/go-querystring/query"
	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// Version is the SDK's version, sent in the User-Agent header.
const Version = "0.1.0"

const defaultUserAgent = "jetpackcrm-go/" + Version

// defaultTimeout bounds each attempt when the caller gives no *http.Client.
const defaultTimeout = 30 * time.Second

// Client talks to one Jetpack CRM site. It is safe for concurrent use; make
// one per site with [NewClient] and share it. The methods of a nil *Client
// or a Client{} return a [*ValidationError].
type Client struct {
	base             *url.URL
	creds            *credentials
	queryRouting     bool
	userAgent        string
	userAgentHeader  []string
	httpClient       *http.Client
	retrier          *retryablehttp.Client // runs the attempts of every call (retry.go)
	policy           RetryPolicy
	logger           *slog.Logger
	maxResponseBytes int64
	pause            *pauseGate
	tel              *telemetry // nil without WithTracerProvider/WithMeterProvider
	// creates is the Client's memory of its creates of new events, which
	// their checks use (reconcile.go).
	creates createLedger
	// endpointURLs are the URLs of the SDK's own endpoints, built once.
	// Requests without a query share them: nothing downstream modifies a
	// request's URL (the transport sends a copy).
	endpointURLs map[string]*url.URL
	// release is the site's Jetpack CRM release, once read (versions.go).
	release releaseCache
	// customFields caches the site's custom-field slugs (customfields.go).
	customFields customFieldCache

	common service

	// Customers are the CRM's contacts.
	Customers *CustomersService
	// Companies are the CRM's companies (B2B mode).
	Companies *CompaniesService
	// Quotes can be listed, not created, through the API.
	Quotes *QuotesService
	// Invoices can be listed, not created, through the API.
	Invoices *InvoicesService
	// Transactions are payments, keyed by order id.
	Transactions *TransactionsService
	// Events are the CRM's tasks (called events by the API).
	Events *EventsService
	// Webhooks sends actions to handlers registered on the site.
	Webhooks *WebhooksService
}

// service is shared by every resource service: each one is the same struct
// under another name, so services cost nothing.
type service struct {
	client *Client
}

// NewClient returns a [Client] for the Jetpack CRM site at siteURL (the
// WordPress address, e.g. "https://shop.example.com", with its path if
// WordPress lives in a folder), authenticated by the API key and secret
// from CRM > Settings > API.
//
// It refuses, with a [*ValidationError] saying why (errors.Is(err,
// [ErrInvalidInput])): an empty key or secret, a URL that
// does not parse, a scheme other than http or https, a URL with a query,
// fragment or user info, and plain http to a host that is not loopback
// (unless [WithInsecureHTTP] is given: the API carries the secret in the
// query string of every request).
func NewClient(siteURL, apiKey, apiSecret string, opts ...Option) (*Client, error) {
	const op = "NewClient"
	if strings.TrimSpace(apiKey) == "" {
		return nil, invalid(op, "apiKey", "empty API key")
	}
	if strings.TrimSpace(apiSecret) == "" {
		return nil, invalid(op, "apiSecret", "empty API secret")
	}
	creds := newCredentials(apiKey, apiSecret)
	if strings.ContainsAny(apiKey+apiSecret, " \t\r\n") {
		return nil, invalid(op, "", "the API key or secret contains white space (copied with a line break?)")
	}
	cfg := config{policy: DefaultRetryPolicy(), maxResponseBytes: DefaultMaxResponseBytes, userAgent: defaultUserAgent}
	for i, opt := range opts {
		if opt == nil {
			return nil, invalid(op, "opts", "option %d is nil", i)
		}
		if err := opt(&cfg); err != nil {
			return nil, invalid(op, "opts", "%s", creds.redact(err.Error()))
		}
	}
	base, err := parseSiteURL(siteURL, cfg.insecureHTTP)
	if err != nil {
		return nil, invalid(op, "siteURL", "%s", creds.redact(err.Error()))
	}
	c := &Client{
		base:             base,
		creds:            creds,
		queryRouting:     cfg.queryRouting,
		userAgent:        cfg.userAgent,
		userAgentHeader:  []string{cfg.userAgent},
		policy:           cfg.policy,
		logger:           cfg.logger,
		maxResponseBytes: cfg.maxResponseBytes,
		pause:            &pauseGate{},
		customFields:     customFieldCache{off: cfg.noCustomFieldCheck},
	}
	var adaptive *adaptiveLimiter
	if !cfg.noAdaptive {
		ceiling := 0.0
		if cfg.limiter != nil {
			ceiling = float64(cfg.limiter.Limit())
		}
		adaptive = newAdaptiveLimiter(ceiling)
	}
	c.httpClient = c.buildHTTPClient(cfg.httpClient, cfg.limiter, adaptive)
	if err := c.wrapTransport(cfg.transportWrapper); err != nil {
		return nil, invalid(op, "opts", "%s", err)
	}
	c.retrier = newRetrier(c.httpClient, c.policy)
	if c.tel, err = newTelemetry(cfg.tracerProvider, cfg.meterProvider, creds); err != nil {
		return nil, invalid(op, "opts", "%s", creds.redact(err.Error()))
	}
	c.endpointURLs = make(map[string]*url.URL, len(sdkEndpoints))
	for _, ep := range sdkEndpoints {
		c.endpointURLs[ep] = c.endpointURL(ep)
	}
	c.common.client = c
	c.Customers = (*CustomersService)(&c.common)
	c.Companies = (*CompaniesService)(&c.common)
	c.Quotes = (*QuotesService)(&c.common)
	c.Invoices = (*InvoicesService)(&c.common)
	c.Transactions = (*TransactionsService)(&c.common)
	c.Events = (*EventsService)(&c.common)
	c.Webhooks = (*WebhooksService)(&c.common)
	return c, nil
}

// parseSiteURL checks the site address and returns it without a trailing
// slash.
func parseSiteURL(siteURL string, insecureHTTP bool) (*url.URL, error) {
	raw := strings.TrimSpace(siteURL)
	if raw == "" {
		return nil, errors.New("empty site URL")
	}
	if !utf8.ValidString(raw) {
		return nil, errors.New("site URL is not valid UTF-8")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("site URL does not parse: %v", err)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !insecureHTTP && !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("site URL uses plain http to %q, which would send the API secret in clear text; use https, or WithInsecureHTTP() on a trusted network", u.Hostname())
		}
	case "":
		return nil, fmt.Errorf("site URL %q has no scheme; write it as https://%s", raw, raw)
	default:
		return nil, fmt.Errorf("site URL scheme %q is not http or https", u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, errors.New("site URL has no host")
	}
	if u.User != nil {
		return nil, errors.New("site URL must not contain user info")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, errors.New("site URL must not contain a query or fragment")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// buildHTTPClient copies the caller's client (or makes one) and wraps its
// transport with the credentials, the shared 429 pause and the throttle.
func (c *Client) buildHTTPClient(hc *http.Client, limiter *rate.Limiter, adaptive *adaptiveLimiter) *http.Client {
	var cp http.Client
	var attemptTimeout time.Duration
	if hc != nil {
		cp = *hc
	} else {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		// Bulk writers run many workers against one host: keep their
		// connections instead of the default 2 idle per host.
		tr.MaxIdleConnsPerHost = 64
		cp = http.Client{Transport: tr}
		// The transport bounds each attempt with defaultTimeout through the
		// request's context: http.Client.Timeout would cost a goroutine and
		// a timer per request, as net/http does not know our RoundTripper.
		attemptTimeout = defaultTimeout
	}
	base := cp.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cp.Transport = &transport{base: base, client: c, limiter: limiter, adaptive: adaptive, timeout: attemptTimeout}
	userCheck := cp.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := checkRedirect(req, via); err != nil {
			return err
		}
		if userCheck != nil {
			return userCheck(req, via)
		}
		return nil
	}
	return &cp
}

// CloseIdleConnections closes the idle connections of the Client's
// transport.
func (c *Client) CloseIdleConnections() {
	if c.ready("CloseIdleConnections") == nil {
		c.httpClient.CloseIdleConnections()
	}
}

// String describes the [Client] without its credentials.
func (c *Client) String() string {
	if c.ready("String") != nil {
		return "jetpackcrm.Client{not made by NewClient}"
	}
	return "jetpackcrm.Client{site: " + c.base.String() + ", credentials: " + redactedMark + "}"
}

// ready refuses a nil *Client, or a Client{} not made by NewClient, with a
// *ValidationError instead of a nil pointer panic.
func (c *Client) ready(op string) error {
	if !c.isReady() {
		return invalid(op, "Client", "nil *Client, or a Client not made by NewClient")
	}
	return nil
}

// isReady reports whether c was made by NewClient.
func (c *Client) isReady() bool {
	return c != nil && c.base != nil && c.creds != nil && c.httpClient != nil && c.pause != nil
}

// owner returns the Client behind a service: nil for a nil service (those
// of a Client not made by NewClient), which Client.call then refuses.
func (s *service) owner() *Client {
	if s == nil {
		return nil
	}
	return s.client
}

// Format makes every fmt verb print String, so %+v and %#v never show the
// credentials.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// endpointURL builds the URL of an endpoint, without credentials: the
// transport adds them at send time.
func (c *Client) endpointURL(endpoint string) *url.URL {
	u := *c.base
	if c.queryRouting {
		u.Path += "/"
		u.RawQuery = "zbs_api=" + url.QueryEscape(endpoint)
	} else {
		// The trailing slash matters: without it WordPress answers GETs
		// with a 301 whose Location carries the credentials.
		u.Path += "/zbs_api/" + endpoint + "/"
	}
	return &u
}

// sdkEndpoints are the endpoints the services call.
var sdkEndpoints = []string{"status", "create_customer", "customers", "customer_search", "create_company",
	"companies", "create_transaction", "transactions", "create_event", "events", "quotes", "invoices", "webhook"}

// RequestOption adjusts a request made with NewRequest.
type RequestOption func(*requestConfig)

type requestConfig struct {
	safe *bool
}

type requestConfigKey struct{}

// RetrySafe marks a request as safe to repeat after a 5xx or a network
// error, like the SDK's reads and keyed upserts. GET and HEAD are safe
// without it.
func RetrySafe() RequestOption {
	return func(rc *requestConfig) { t := true; rc.safe = &t }
}

// NewRequest builds a request to endpoint (e.g. "customers") for
// [Client.Do], for calls the SDK does not model. query, if not nil, is a
// struct encoded with go-querystring's `url` tags, or url.Values; body, if
// not nil, is marshalled to JSON once ([]byte and json.RawMessage are sent
// as they are, but for what follows). Characters outside the Basic
// Multilingual Plane in the body and the query, raw or as \u surrogate
// pairs, are written as numeric character references ("&#x1f600;"), which
// the CRM's utf8mb3 tables can store, except for the webhook endpoint; Do
// reads them back. The credentials are not in the returned request: they are
// added when it is sent.
func (c *Client) NewRequest(ctx context.Context, method, endpoint string, q any, body any, opts ...RequestOption) (*http.Request, error) {
	if err := c.ready("NewRequest"); err != nil {
		return nil, err
	}
	if ctx == nil {
		return nil, invalid("NewRequest", "ctx", "nil context")
	}
	if method == "" || strings.ContainsAny(method, " \t\r\n/") {
		return nil, invalid("NewRequest", "method", "%q is not an HTTP method", method)
	}
	if err := validateEndpoint(endpoint); err != nil {
		return nil, err
	}
	req, err := c.buildRequest(ctx, method, endpoint, c.endpointURL(endpoint), q, body, opts...)
	if err != nil {
		return nil, err
	}
	// The caller may edit it: its header values must not be the ones every
	// request of the Client shares.
	req.Header = req.Header.Clone()
	return req, nil
}

// buildRequest is NewRequest after its checks, from the endpoint's URL
// (which it owns and may extend with the query).
func (c *Client) buildRequest(ctx context.Context, method, endpoint string, u *url.URL, q any, body any, opts ...RequestOption) (*http.Request, error) {
	// Everything but the webhook goes to the CRM's utf8mb3 tables.
	toTables := endpoint != "webhook"
	if q != nil {
		vals, err := encodeQuery(q)
		if err != nil {
			return nil, invalid("NewRequest", "query", "%v", err)
		}
		if toTables {
			vals = withSupplementaryEncoded(vals)
		}
		if enc := vals.Encode(); enc != "" {
			if u.RawQuery != "" {
				u.RawQuery += "&" + enc
			} else {
				u.RawQuery = enc
			}
		}
	}
	var payload []byte
	if body != nil {
		switch b := body.(type) {
		case []byte:
			payload = b
		case json.RawMessage:
			payload = b
		default:
			var err error
			if payload, err = json.Marshal(body); err != nil {
				var ve *ValidationError
				if errors.As(err, &ve) {
					return nil, ve
				}
				return nil, invalid("NewRequest", "body", "cannot encode as JSON: %v", err)
			}
		}
	}
	if toTables && payload != nil {
		payload = encodeSupplementary(payload)
	}
	rc := requestConfig{}
	for _, o := range opts {
		if o != nil {
			o(&rc)
		}
	}
	if rc.safe != nil {
		ctx = context.WithValue(ctx, requestConfigKey{}, rc)
	}
	return c.newRequest(ctx, method, u, payload), nil
}

// Header values shared by every request; a header slice is only ever
// replaced, never appended to in place (len == cap).
var (
	headerJSON = []string{"application/json"}
)

// newRequest builds the *http.Request from an already built URL, without
// formatting and parsing it again.
func (c *Client) newRequest(ctx context.Context, method string, u *url.URL, payload []byte) *http.Request {
	// An empty URL parses without work; the built one replaces it.
	req, _ := http.NewRequestWithContext(ctx, method, "", nil)
	req.URL = u
	req.Host = u.Host
	if payload != nil {
		req.Body = io.NopCloser(bytes.NewReader(payload))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(payload)), nil }
		req.ContentLength = int64(len(payload))
		req.Header["Content-Type"] = headerJSON
	}
	// Accept: application/json makes WordPress answer PHP fatal errors as
	// JSON and hide PHP notices that would corrupt the body.
	req.Header["Accept"] = headerJSON
	req.Header["User-Agent"] = c.userAgentHeader
	return req
}

func validateEndpoint(endpoint string) error {
	if endpoint == "" {
		return invalid("NewRequest", "endpoint", "empty endpoint")
	}
	for _, r := range endpoint {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return invalid("NewRequest", "endpoint", "%q is not an endpoint name", endpoint)
		}
	}
	return nil
}

// withSupplementaryEncoded returns vals with characters outside the BMP
// written as the CRM stores them (see encodeSupplementary), so that a search
// finds them; vals itself, which may be the caller's, is not modified.
func withSupplementaryEncoded(vals url.Values) url.Values {
	var out url.Values
	for k, vs := range vals {
		for i, v := range vs {
			if enc := encodeSupplementaryString(v); enc != v {
				if out == nil {
					out = make(url.Values, len(vals))
					for k2, vs2 := range vals {
						out[k2] = append([]string(nil), vs2...)
					}
				}
				out[k][i] = enc
			}
		}
	}
	if out == nil {
		return vals
	}
	return out
}

func encodeQuery(q any) (url.Values, error) {
	switch v := q.(type) {
	case url.Values:
		return v, nil
	case map[string]string:
		vals := url.Values{}
		for k, s := range v {
			vals.Set(k, s)
		}
		return vals, nil
	}
	return query.Values(q)
}

// Do sends req (from [Client.NewRequest]), retrying per the Client's
// [RetryPolicy], and decodes a successful JSON answer into v (skipping HTML
// noise printed before the JSON). If v is an io.Writer the raw body is
// written to it.
//
// It refuses, with a [*ValidationError] and without sending anything, a
// request for another scheme or host than the Client's site (the
// credentials would go there), and a v that is neither nil, an io.Writer
// nor a non-nil pointer.
//
// The error is an [*APIError] (non-2xx, or a 200 that refused a write:
// errors.Is(err, [ErrRejected])), a [*RateLimitError], a [*DecodeError], or
// a [*RequestError] when no usable answer came. The [*Response] is returned
// whenever an HTTP answer was received.
func (c *Client) Do(req *http.Request, v any) (*Response, error) {
	if err := c.ready("Do"); err != nil {
		return nil, err
	}
	if req == nil || req.URL == nil {
		return nil, invalid("Do", "req", "nil request")
	}
	// The transport adds the credentials to whatever URL it sends to: a
	// request for another site would carry them there.
	if !strings.EqualFold(req.URL.Host, c.base.Host) || req.URL.Scheme != c.base.Scheme {
		return nil, invalid("Do", "req", "the request is not for this Client's site (build it with NewRequest)")
	}
	// Checked before sending: a write would be applied and then fail to
	// decode into v.
	if err := checkDecodeTarget(v); err != nil {
		return nil, err
	}
	ci := newCallInfo(req.Method, endpointOf(req.URL))
	safe := !isWriteMethod(req.Method)
	if rc, ok := req.Context().Value(requestConfigKey{}).(requestConfig); ok && rc.safe != nil {
		safe = *rc.safe
	}
	st := c.newCallState(ci, safe)
	req = req.WithContext(st.bound(st.telemetryStart(req.Context(), "Client.Do")))
	if req.GetBody != nil {
		// A request sent before has had its body read: start it again.
		body, err := req.GetBody()
		if err != nil {
			return nil, st.telemetryEnd(invalid("Do", "req", "cannot rewind the body: %v", err))
		}
		req.Body = body
	}
	resp, err := c.send(req, st, v)
	return resp, st.telemetryEnd(err)
}

// checkDecodeTarget accepts what Do can decode into: nothing, an
// io.Writer, or a non-nil pointer.
func checkDecodeTarget(v any) error {
	if v == nil {
		return nil
	}
	if _, ok := v.(io.Writer); ok {
		return nil
	}
	if rv := reflect.ValueOf(v); rv.Kind() != reflect.Pointer || rv.IsNil() {
		return invalid("Do", "v", "cannot decode into a %T: want nil, an io.Writer or a non-nil pointer", v)
	}
	return nil
}

// call is what every service method uses: build, send, check, decode.
// op names the call ("Customers.Create") in its span and metrics.
func (c *Client) call(ctx context.Context, op, method, endpoint string, q any, body any, safe bool, v any) (*Response, error) {
	// These errors name the request, built only on these failure paths:
	// call runs for every request.
	if !c.isReady() {
		return nil, c.ready(method + " " + endpoint)
	}
	if ctx == nil {
		return nil, invalid(method+" "+endpoint, "ctx", "nil context")
	}
	st := c.newCallState(newCallInfo(method, endpoint), safe)
	st.join(ctx)
	ctx = st.telemetryStart(ctx, op)
	u, shared := c.endpointURLs[endpoint]
	if !shared || q != nil {
		u = c.endpointURL(endpoint)
	}
	req, err := c.buildRequest(st.bound(ctx), method, endpoint, u, q, body)
	if err != nil {
		return nil, st.telemetryEnd(err)
	}
	resp, err := c.send(req, st, v)
	return resp, st.telemetryEnd(err)
}

func (c *Client) newCallState(ci callInfo, safe bool) *callState {
	return &callState{ci: ci, safe: safe, start: time.Now(), policy: c.policy, client: c}
}

// bound returns the context a call runs in: the caller's, carrying st. The
// transport bounds each attempt by the end of the policy's MaxElapsed, and
// checkRetry starts no retry that would end after it.
func (st *callState) bound(parent context.Context) context.Context {
	return context.WithValue(parent, callStateKey{}, st)
}

// send runs the attempts of one call and turns the outcome into the
// decoded value or one of the SDK's errors. req's context carries st.
func (c *Client) send(req *http.Request, st *callState, v any) (*Response, error) {
	ci := st.ci
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		return nil, &RequestError{Method: ci.method, Endpoint: ci.endpoint, Err: err}
	}
	rreq, err := retryablehttp.FromRequest(req)
	if err != nil {
		return nil, &RequestError{Method: ci.method, Endpoint: ci.endpoint, Err: c.creds.redactError(err)}
	}
	resp, err := c.retrier.Do(rreq)
	attempts := st.attempt()
	if err != nil {
		if resp != nil && resp.Body != nil {
			_ = resp.Body.Close()
		}
		st.mu.Lock()
		re := &RequestError{Method: ci.method, Endpoint: ci.endpoint, Attempts: attempts,
			MayHaveBeenApplied: st.ambiguous, Err: c.creds.redactError(err)}
		switch {
		case ctx.Err() != nil:
			re.LastAttempt = st.last
			re.Err = ctx.Err()
		case errors.Is(err, context.DeadlineExceeded) && time.Since(st.start) >= st.policy.MaxElapsed:
			re.Err = fmt.Errorf("the retry policy's MaxElapsed (%v) ran out: %w", st.policy.MaxElapsed, re.Err)
		}
		st.mu.Unlock()
		return nil, re
	}
	body, readErr := readBody(resp.Body, c.maxResponseBytes, resp.ContentLength)
	_ = resp.Body.Close()
	resp.Body = http.NoBody
	c.creds.redactHeader(resp.Trailer) // filled in at the end of the body
	r := &Response{Response: resp, Attempts: attempts}
	tooLarge := errors.Is(readErr, ErrResponseTooLarge)
	if readErr != nil && !tooLarge {
		return r, &RequestError{Method: ci.method, Endpoint: ci.endpoint, Attempts: attempts,
			MayHaveBeenApplied: st.mutates(), Err: c.creds.redactError(readErr)}
	}
	if tooLarge && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		de := newDecodeError(ci, resp, body, attempts, c.creds, readErr)
		de.MayHaveBeenApplied = st.mutates()
		return r, de
	}
	// An error status stays an *APIError even when its page is longer than
	// the cap: the start of it is enough to classify it.
	if err := checkBody(ci, resp.StatusCode, body, attempts, c.creds); err != nil {
		return r, c.classifyAPIError(st, err, resp)
	}
	err = decodeBody(ci, resp, body, attempts, c.creds, v)
	if de, ok := err.(*DecodeError); ok {
		// A 2xx the SDK cannot read: the write may well have happened.
		de.MayHaveBeenApplied = st.mutates()
	}
	if err == nil && isListTarget(v) {
		if r.nullEntries = dropNullEntries(v); r.nullEntries > 0 {
			c.log(ctx, slog.LevelWarn, "jetpackcrm: skipped null entries of a list",
				slog.String("method", ci.method), slog.String("endpoint", ci.endpoint), slog.Int("entries", r.nullEntries))
		}
	}
	return r, err
}

// classifyAPIError turns a 429, or a 503 that named a wait, into
// *RateLimitError (the server processed nothing), and marks any other 5xx
// to a call that writes as possibly applied.
func (c *Client) classifyAPIError(st *callState, err error, resp *http.Response) error {
	var ae *APIError
	if !errors.As(err, &ae) {
		return err
	}
	wait, hasWait := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	if ae.StatusCode == http.StatusTooManyRequests || (ae.StatusCode == http.StatusServiceUnavailable && hasWait) {
		return &RateLimitError{APIError: ae, RetryAfter: wait}
	}
	if ae.StatusCode >= 500 && ae.StatusCode <= 599 && st.mutates() {
		ae.MayHaveBeenApplied = true
	}
	return err
}

func (c *Client) log(ctx context.Context, level slog.Level, msg string, attrs ...slog.Attr) {
	if c.logger == nil || !c.logger.Enabled(ctx, level) {
		return
	}
	for i, a := range attrs {
		if a.Value.Kind() == slog.KindString {
			attrs[i].Value = slog.StringValue(c.creds.redact(a.Value.String()))
		}
	}
	c.logger.LogAttrs(ctx, level, msg, attrs...)
}
