package jetpackcrm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// ErrRedirectRefused is wrapped by the error of a redirect the [Client] will
// not follow: to another host or scheme (it would carry the credentials
// there), or one that would turn a POST into a GET and drop its body.
var ErrRedirectRefused = errors.New("jetpackcrm: redirect refused")

// transport is the one place where the credentials are added to a request,
// at send time, on every attempt and every redirect hop. It also holds
// requests during a server-ordered pause, applies the client-side throttle
// and logs each attempt.
type transport struct {
	base    http.RoundTripper
	client  *Client
	limiter *rate.Limiter
	// adaptive is the rate limit learned from the server's 429s and 503s
	// (nil with WithoutAdaptiveRateLimit).
	adaptive *adaptiveLimiter
	// timeout, if set, bounds each attempt, body included.
	timeout time.Duration
	// below, if set, adds the credentials instead, under the transport of
	// WithTransportWrapper that base then is (otel.go).
	below *credentialTransport
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	st := stateFrom(ctx)
	// The waits before sending (the shared pause, the throttle) are bounded
	// by the call's budget, the end of its MaxElapsed: a pause longer than
	// one attempt's timeout is waited out when the call can afford it.
	var callEnd time.Time
	if st != nil {
		callEnd = st.start.Add(st.policy.MaxElapsed)
	}
	st.telemetry().pausing(t.client.pause)
	if err := t.client.pause.wait(ctx, callEnd); err != nil {
		return nil, &notSentError{err: err, final: true}
	}
	if t.limiter != nil || t.adaptive.isActive() {
		if err := t.throttle(ctx, callEnd); err != nil {
			// The throttle cannot admit the request before the deadline:
			// retrying cannot change that.
			return nil, &notSentError{err: err, final: true}
		}
		// A 429 may have paused the Client while this request waited.
		if err := t.client.pause.wait(ctx, callEnd); err != nil {
			return nil, &notSentError{err: err, final: true}
		}
	}
	// One deadline bounds the attempt and its body, from now: the
	// per-attempt timeout, and the end of the call's MaxElapsed.
	deadline := callEnd
	if t.timeout > 0 {
		if d := time.Now().Add(t.timeout); deadline.IsZero() || d.Before(deadline) {
			deadline = d
		}
	}
	// A shallow copy with its own URL: a RoundTripper must not modify the
	// caller's request, and the caller's request must never hold the secret.
	var out *http.Request
	var cancel context.CancelFunc = func() {}
	if !deadline.IsZero() {
		ctx, cancel = context.WithDeadline(ctx, deadline)
		out = req.WithContext(ctx)
	} else {
		cp := *req
		out = &cp
	}
	if t.below == nil {
		u := *req.URL
		u.RawQuery = withCredentials(u.RawQuery, t.client.creds)
		out.URL = &u
	}

	out, att := st.telemetry().startAttempt(req, out)
	start := time.Now()
	resp, err := t.base.RoundTrip(out)
	if resp != nil && t.adaptive != nil {
		t.adaptive.observe(start, resp)
	}
	if resp == nil {
		cancel()
	} else {
		resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	}
	if resp != nil {
		// The caller gets this request with the response: a copy, so that
		// editing it cannot change the Client's shared endpoint URL or
		// header values, and so redirect later calls.
		resp.Request = handOut(req)
		t.client.creds.redactHeader(resp.Header)
		// Trailers arrive with the end of the body; Client.send redacts
		// them once it has read it.
	}
	att.end(resp, err)
	t.logAttempt(req, st, resp, err, time.Since(start))
	return resp, err
}

// throttle waits for the client-side rate limits, the caller's
// (WithRateLimit) and the learned one, within the call's budget.
func (t *transport) throttle(ctx context.Context, callEnd time.Time) error {
	if !callEnd.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, callEnd)
		defer cancel()
	}
	if t.limiter != nil {
		if err := t.limiter.Wait(ctx); err != nil {
			return err
		}
	}
	if t.adaptive != nil {
		return t.adaptive.wait(ctx)
	}
	return nil
}

// handOut copies what a caller can reach of a request the SDK sent: the
// URL and the header, deeply.
func handOut(req *http.Request) *http.Request {
	cp := *req
	u := *req.URL
	cp.URL = &u
	cp.Header = req.Header.Clone()
	return &cp
}

// CloseIdleConnections passes http.Client.CloseIdleConnections on to the
// wrapped transport, which net/http cannot reach through this wrapper.
func (t *transport) CloseIdleConnections() {
	if t.below != nil {
		t.below.CloseIdleConnections() // the wrapper may not pass it on
		return
	}
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func (t *transport) logAttempt(req *http.Request, st *callState, resp *http.Response, err error, d time.Duration) {
	c := t.client
	ctx := req.Context()
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attempt, endpoint := 1, endpointOf(req.URL)
	if st != nil {
		attempt = st.attempt() + 1 // counted when the attempt is over
		endpoint = st.ci.endpoint
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("endpoint", endpoint),
		slog.String("path", req.URL.Path),
		slog.Duration("duration", d),
		slog.Int("attempt", attempt),
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", c.creds.redactError(err).Error()))
	}
	c.log(ctx, slog.LevelDebug, "jetpackcrm: request", attrs...)
}

// cancelOnClose ends an attempt's deadline when its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// notSentError is a failure before the request was handed to the network
// (the context ended during the shared pause or the throttle): the request
// certainly did not reach the server.
type notSentError struct {
	err error
	// final means a retry cannot succeed either (the wait outlasts the
	// call's deadline).
	final bool
}

func (e *notSentError) Error() string { return e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

// withCredentials sets api_key and api_secret in a raw query, replacing any
// already there (a redirect's Location echoes them).
func withCredentials(rawQuery string, creds *credentials) string {
	rest := removeCredentialParams(rawQuery)
	if rest == "" {
		return creds.query
	}
	return rest + "&" + creds.query
}

func removeCredentialParams(rawQuery string) string {
	if !strings.Contains(rawQuery, "api_") {
		return rawQuery
	}
	parts := strings.Split(rawQuery, "&")
	kept := parts[:0]
	for _, p := range parts {
		if strings.HasPrefix(p, "api_key=") || strings.HasPrefix(p, "api_secret=") || p == "api_key" || p == "api_secret" {
			continue
		}
		kept = append(kept, p)
	}
	return strings.Join(kept, "&")
}

// stripCredentials removes the credentials from a URL such as a Location
// header, so that no response the Client hands back carries them.
func stripCredentials(raw string, creds *credentials) string {
	u, err := url.Parse(raw)
	if err != nil {
		return creds.redact(raw)
	}
	u.RawQuery = removeCredentialParams(u.RawQuery)
	return creds.redact(u.String())
}

// checkRedirect follows a redirect only to the same scheme and host, with
// the same method: WordPress answers a GET without a trailing slash with a
// 301 to the slash form, which is safe to follow.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return fmt.Errorf("%w: stopped after %d redirects", ErrRedirectRefused, len(via))
	}
	orig := via[0]
	if !strings.EqualFold(req.URL.Host, orig.URL.Host) {
		return fmt.Errorf("%w: from host %q to host %q, which would receive the API credentials", ErrRedirectRefused, orig.URL.Host, req.URL.Host)
	}
	if req.URL.Scheme != orig.URL.Scheme {
		return fmt.Errorf("%w: from %s to %s on %q", ErrRedirectRefused, orig.URL.Scheme, req.URL.Scheme, req.URL.Host)
	}
	if req.Method != orig.Method {
		return fmt.Errorf("%w: it would turn %s into %s and drop the request body", ErrRedirectRefused, orig.Method, req.Method)
	}
	return nil
}
