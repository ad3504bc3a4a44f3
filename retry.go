package jetpackcrm

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// RetryPolicy says when and how long the [Client] tries again.
//
//   - 429, and 503 with Retry-After (WordPress maintenance mode), are
//     retried for every call: the server did not process the request.
//     Retry-After (seconds or an HTTP date) is honoured; a longer demand
//     than MaxRetryAfter fails at once with [*RateLimitError]. A 503 without
//     Retry-After (a proxy that stopped waiting for WordPress, which may
//     have written) is retried like a 500.
//   - 500, 502, 504 and network errors after the request may have been sent
//     are retried only for calls that are safe to repeat: reads, and upserts
//     keyed by a natural key (a customer by email, a transaction by order
//     id). [WebhooksService.Send] is not retried on them unless RetryUnsafe
//     is set, since a retry could duplicate the write; neither is
//     [CompaniesService.Create], whose 500 on Jetpack CRM 6.4.x comes after
//     the update was written. [EventsService.Create] without an ID first
//     checks whether the event was stored, then returns it or sends again
//     (EventsService.Create).
//   - Network errors before anything was sent (DNS, connection refused) are
//     retried for every call. TLS certificate errors are never retried.
//
// Waits grow exponentially from WaitMin to WaitMax with full jitter.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first attempt
	// (default 4).
	MaxRetries int
	// WaitMin and WaitMax bound the exponential backoff (defaults 500ms, 30s).
	WaitMin time.Duration
	WaitMax time.Duration
	// MaxRetryAfter is the longest Retry-After the Client waits for
	// (default 60s).
	MaxRetryAfter time.Duration
	// MaxElapsed bounds the whole call, attempts, retries and waits
	// included (default 2m): every attempt's context ends there, and no
	// retry starts if its wait would end after it. A pause another call's
	// 429 put on the Client is waited out when it ends within MaxElapsed
	// and the caller's deadline, however long one attempt may take;
	// otherwise the call fails at once with an error matching
	// ErrRateLimited.
	MaxElapsed time.Duration
	// RetryUnsafe retries 5xx and ambiguous network errors for calls that
	// could duplicate a write (Webhooks.Send, Do without RetrySafe).
	// Events.Create without an ID ignores it: it checks whether the event
	// was stored before sending it again (see EventsService.Create).
	RetryUnsafe bool

	noRetries bool
}

// DefaultRetryPolicy returns the policy a [Client] uses unless told
// otherwise.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxRetries:    4,
		WaitMin:       500 * time.Millisecond,
		WaitMax:       30 * time.Second,
		MaxRetryAfter: time.Minute,
		MaxElapsed:    2 * time.Minute,
	}
}

func (p RetryPolicy) withDefaults() (RetryPolicy, error) {
	if p.MaxRetries < 0 || p.WaitMin < 0 || p.WaitMax < 0 || p.MaxRetryAfter < 0 || p.MaxElapsed < 0 {
		return p, fmt.Errorf("WithRetryPolicy: negative value in %+v", p)
	}
	d := DefaultRetryPolicy()
	if p.MaxRetries == 0 && !p.noRetries {
		p.MaxRetries = d.MaxRetries
	}
	if p.WaitMin == 0 {
		p.WaitMin = d.WaitMin
	}
	if p.WaitMax == 0 {
		p.WaitMax = d.WaitMax
	}
	if p.WaitMax < p.WaitMin {
		return p, fmt.Errorf("WithRetryPolicy: WaitMax %v is shorter than WaitMin %v", p.WaitMax, p.WaitMin)
	}
	if p.MaxRetryAfter == 0 {
		p.MaxRetryAfter = d.MaxRetryAfter
	}
	if p.MaxElapsed == 0 {
		p.MaxElapsed = d.MaxElapsed
	}
	return p, nil
}

// callState follows one call through its attempts. The retry callbacks and
// the transport find it in the request's context.
type callState struct {
	ci     callInfo
	safe   bool
	start  time.Time
	policy RetryPolicy
	client *Client

	mu       sync.Mutex
	attempts int
	// last describes what the latest attempt saw, for errors raised later.
	last string
	// ambiguous is set when a write failed after its request may have left.
	ambiguous bool
	// nextWait is the wait before the next attempt, chosen by checkRetry.
	nextWait time.Duration
	// tel is the call's telemetry (otel.go), nil without it.
	tel *callTelemetry
	// checked is set for a write whose caller checks whether it was applied
	// before sending it again (Events.Create): never retried blindly.
	checked bool
}

// retryUnsafe reports whether a call that could duplicate a write may be
// retried after a 5xx or an ambiguous network error: only with the
// policy's RetryUnsafe, and never when the caller checks instead.
func (st *callState) retryUnsafe() bool { return st.policy.RetryUnsafe && !st.checked }

type callStateKey struct{}

func stateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	return st
}

func (st *callState) attempt() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.attempts
}

// checkRetry decides whether to try again, and how long to wait first. It
// never returns an error: the final answer, or the final error, is
// classified by the caller. It also enforces the call's cap on attempts,
// MaxRetries counted from the operation's earlier sends (join).
func (st *callState) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	c := st.client
	st.mu.Lock()
	defer st.mu.Unlock()
	// Called once after every attempt: this is where attempts are counted.
	st.attempts++
	if ctx.Err() != nil {
		// Cancelled or past its deadline: stop at once. A write whose
		// request had left when the context ended may have been applied.
		if err != nil && mayHaveBeenSent(err) && st.mutates() {
			st.ambiguous = true
		}
		return false, nil
	}
	var retryAfter time.Duration
	var reason string
	switch {
	case err != nil:
		reason = "network error"
		st.last = c.creds.redactError(err).Error()
		sent := mayHaveBeenSent(err)
		if sent && st.mutates() {
			st.ambiguous = true
		}
		if !retryableNetworkError(err) || (sent && !st.safe && !st.retryUnsafe()) {
			return false, nil
		}
	default:
		st.last = "HTTP " + strconv.Itoa(resp.StatusCode)
		switch resp.StatusCode {
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			reason = st.last
			var ok bool
			retryAfter, ok = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
			if ok && retryAfter > st.policy.MaxRetryAfter {
				return false, nil // fails fast as a *RateLimitError
			}
			if !ok && resp.StatusCode == http.StatusServiceUnavailable && !st.safe && !st.retryUnsafe() {
				// WordPress maintenance mode sends Retry-After and runs
				// nothing; a bare 503 is rather a proxy that gave up
				// waiting for WordPress, which may have written.
				return false, nil
			}
			if ok {
				c.pause.hold(time.Now().Add(retryAfter))
			}
		case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
			if !st.safe && !st.retryUnsafe() {
				return false, nil
			}
			reason = st.last
		default:
			return false, nil
		}
	}
	if st.attempts > st.policy.MaxRetries {
		return false, nil
	}
	wait := retryAfter
	if wait == 0 {
		wait = jitteredBackoff(st.policy.WaitMin, st.policy.WaitMax, st.attempts-1)
	}
	if time.Since(st.start)+wait > st.policy.MaxElapsed {
		return false, nil
	}
	st.nextWait = wait
	st.tel.retrying(ctx, st.attempts, resp, err, wait)
	c.log(ctx, slog.LevelWarn, "jetpackcrm: retrying",
		slog.String("method", st.ci.method), slog.String("endpoint", st.ci.endpoint),
		slog.Int("attempt", st.attempts), slog.String("reason", reason), slog.Duration("wait", wait))
	return true, nil
}

// waitBeforeRetry waits out the wait checkRetry chose, or until the call's
// context ends.
func (st *callState) waitBeforeRetry(ctx context.Context) error {
	st.mu.Lock()
	wait := st.nextWait
	st.mu.Unlock()
	return sleepCtx(ctx, wait)
}

// newRetrier returns the retry loop every call of a Client runs in:
// retryablehttp rewinds the body before each attempt, drains a retried
// answer so that its connection is reused, and hands back the final answer
// or error. What it decides is ours, per call, from the callState in the
// request's context: CheckRetry counts the attempts and chooses whether to
// retry and how long to wait, PrepareRetry waits. The wait is not its
// Backoff's, which is given no context: after a network error (no
// response) it could not find the call. RetryMax is the policy's
// MaxRetries, which checkRetry reaches first or at the same attempt: it
// also counts the sends of the operation the call is part of (join).
func newRetrier(hc *http.Client, p RetryPolicy) *retryablehttp.Client {
	// retryablehttp closes its http.Client's idle connections after a
	// call's final error, or a context that ended during a wait: that
	// would close those of every other call, such as the other workers of
	// a bulk write. Client.CloseIdleConnections still closes them.
	keep := *hc
	keep.Transport = keepIdleConns{hc.Transport}
	return &retryablehttp.Client{
		HTTPClient:   &keep,
		RetryMax:     p.MaxRetries,
		RetryWaitMin: p.WaitMin,
		RetryWaitMax: p.WaitMax,
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			if st := stateFrom(ctx); st != nil {
				return st.checkRetry(ctx, resp, err)
			}
			return false, nil // not sent by Client.send: never the case
		},
		Backoff: func(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 },
		PrepareRetry: func(req *http.Request) error {
			if st := stateFrom(req.Context()); st != nil {
				return st.waitBeforeRetry(req.Context())
			}
			return nil
		},
		// No default logger: Client.send classifies the final answer or
		// error, which this passes through.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

// keepIdleConns is a transport whose CloseIdleConnections, which
// http.Client.CloseIdleConnections looks for, is hidden.
type keepIdleConns struct{ http.RoundTripper }

// jitteredBackoff is exponential backoff with full jitter: a random wait
// between 0 and min(max, min·2^attempt), never below a millisecond.
func jitteredBackoff(min, max time.Duration, attempt int) time.Duration {
	ceiling := max
	if attempt < 30 {
		if exp := min << uint(attempt); exp > 0 && exp < max {
			ceiling = exp
		}
	}
	if ceiling <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(ceiling))) + time.Millisecond
}

// parseRetryAfter reads Retry-After in seconds or as an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

func isWriteMethod(m string) bool { return m != http.MethodGet && m != http.MethodHead }

// mutates reports whether the call can change data: a create_* endpoint, or
// any call not marked safe. The POST-bodied lists (customers, companies)
// are reads, whatever their method.
func (st *callState) mutates() bool { return st.ci.write || !st.safe }

// mayHaveBeenSent is false only for failures that certainly happened before
// the request left: name resolution, connection setup, TLS handshake.
func mayHaveBeenSent(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return false
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return false
	}
	// A refused redirect is not here: the request it answers did reach the
	// server, which may have applied it.
	var notSent *notSentError
	if isTLSFailure(err) || errors.As(err, &notSent) {
		return false
	}
	return true
}

// retryableNetworkError is false for failures a retry cannot fix. A timeout
// of one attempt is retryable: checkRetry has already stopped if the call's
// own context ended.
func retryableNetworkError(err error) bool {
	var notSent *notSentError
	if errors.As(err, &notSent) && notSent.final {
		return false
	}
	return !isTLSFailure(err) && !errors.Is(err, ErrRedirectRefused)
}

func isTLSFailure(err error) bool {
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var recordErr tls.RecordHeaderError
	return errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) ||
		errors.As(err, &invalid) || errors.As(err, &recordErr)
}

// pauseGate holds every request of a Client until a moment a server named
// with Retry-After, so that one 429 pauses all goroutines instead of each of
// them hitting the server and collecting its own 429.
type pauseGate struct {
	mu    sync.Mutex
	until time.Time
}

func (g *pauseGate) hold(until time.Time) {
	g.mu.Lock()
	if until.After(g.until) {
		g.until = until
	}
	g.mu.Unlock()
}

// wait holds the caller until the pause ends. It fails at once if the
// pause ends after end (the call's MaxElapsed, zero for none) or ctx's
// deadline: the call could not be made in time anyway.
func (g *pauseGate) wait(ctx context.Context, end time.Time) error {
	g.mu.Lock()
	until := g.until
	g.mu.Unlock()
	d := time.Until(until)
	if d <= 0 {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && (end.IsZero() || deadline.Before(end)) {
		end = deadline
	}
	if !end.IsZero() && until.After(end) {
		return fmt.Errorf("%w: the server asked to pause until %s, after the call's deadline", ErrRateLimited, until.UTC().Format(time.RFC3339))
	}
	return sleepCtx(ctx, d)
}

// sleepCtx waits d, or until ctx is done (its error then).
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
