package jetpackcrm_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// The tests have three mechanisms, each with one setup:
//
//   - behaviour: the tests outside the package run the SDK against the fake
//     CRM (package jetpackcrmtest), which the differential suite holds to a
//     real site, over loopback HTTP. setupFake below is their setup, and
//     setupFakeBehind puts a front in the way (what WordPress or a gateway
//     does to a request before the plugin sees it, or a fault the fake has no
//     switch for).
//   - the wire: the tests inside the package check the exact requests and
//     decode recorded and documented replies through httpmock; setup in
//     helpers_test.go is theirs.
//   - the socket: the few tests whose subject is a TCP connection (reuse,
//     deadlines, resets, TLS, redirects to another host) serve a handler of
//     their own with httptest.Server; TestTestsUseTheThreeMechanisms in
//     helpers_test.go lists them.

// Distinctive credentials that need escaping in a URL, so that a leak in
// any form is caught.
const (
	relKey    = "jpcrm_pk_R3liabilityKey/+=&"
	relSecret = "jpcrm_sk_R3liabilitySecret?#%"
)

var relSecretForms = []string{
	relKey, relSecret,
	url.QueryEscape(relKey), url.QueryEscape(relSecret),
	url.PathEscape(relKey), url.PathEscape(relSecret),
	"R3liabilityKey", "R3liabilitySecret",
}

func relAssertNoSecret(t testing.TB, texts ...string) {
	t.Helper()
	for _, text := range texts {
		for _, form := range relSecretForms {
			if strings.Contains(text, form) {
				t.Errorf("credential form %q leaked in: %.300s", form, text)
			}
		}
	}
}

// relFastPolicy retries often enough that a 10% fault rate never exhausts
// a call (11 faults in a row: p = 1e-11), with millisecond backoff so that
// nothing sleeps long.
var relFastPolicy = jetpackcrm.RetryPolicy{
	MaxRetries:    10,
	WaitMin:       time.Millisecond,
	WaitMax:       2 * time.Millisecond,
	MaxRetryAfter: 2 * time.Second,
	MaxElapsed:    time.Minute,
}

// relBuffer is a log sink safe for concurrent writes.
type relBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *relBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *relBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// relSignalHandler is a slog.Handler that also closes retrying the first
// time the Client logs a retry: the moment a 429's pause is in force.
type relSignalHandler struct {
	slog.Handler
	once     *sync.Once
	retrying chan struct{}
}

func (h relSignalHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "jetpackcrm: retrying" {
		h.once.Do(func() { close(h.retrying) })
	}
	return h.Handler.Handle(ctx, r)
}

func (h relSignalHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return relSignalHandler{h.Handler.WithAttrs(as), h.once, h.retrying}
}

func (h relSignalHandler) WithGroup(name string) slog.Handler {
	return relSignalHandler{h.Handler.WithGroup(name), h.once, h.retrying}
}

type fakeEnv struct {
	t      testing.TB
	srv    *jetpackcrmtest.Server
	client *jetpackcrm.Client
	logs   *relBuffer
	// retrying is closed, once, the first time a Client of env logs a
	// retry: the moment a 429's pause is in force.
	retrying     chan struct{}
	retryingOnce sync.Once
}

// setupFake starts a fake CRM with the distinctive credentials and returns
// a Client made by NewClient (the SDK's own transport, 64 idle connections
// per host), with relFastPolicy and a debug logger. At cleanup the log is
// checked for leaks.
func setupFake(t testing.TB, srvOpts []jetpackcrmtest.Option, opts ...jetpackcrm.Option) *fakeEnv {
	t.Helper()
	env := newFakeEnv(t, srvOpts)
	env.client = env.clientFor(env.srv.URL, opts...)
	return env
}

// setupFakeBehind is setupFake with front between the Client and the fake:
// front gets the fake's handler and returns the handler the Client talks to.
func setupFakeBehind(t testing.TB, front func(fake http.Handler) http.Handler, srvOpts []jetpackcrmtest.Option, opts ...jetpackcrm.Option) *fakeEnv {
	t.Helper()
	env := newFakeEnv(t, srvOpts)
	ts := httptest.NewServer(front(env.srv.Handler()))
	t.Cleanup(ts.Close)
	env.client = env.clientFor(ts.URL, opts...)
	return env
}

// newFakeEnv starts the fake, without a Client.
func newFakeEnv(t testing.TB, srvOpts []jetpackcrmtest.Option) *fakeEnv {
	t.Helper()
	srv := jetpackcrmtest.NewServer(append([]jetpackcrmtest.Option{jetpackcrmtest.WithCredentials(relKey, relSecret)}, srvOpts...)...)
	t.Cleanup(srv.Close)
	env := &fakeEnv{t: t, srv: srv, logs: &relBuffer{}, retrying: make(chan struct{})}
	t.Cleanup(func() { relAssertNoSecret(t, env.logs.String()) })
	return env
}

// clientFor is a Client on baseURL with the fake's credentials, the fast
// policy and env's logger, with opts after them.
func (e *fakeEnv) clientFor(baseURL string, opts ...jetpackcrm.Option) *jetpackcrm.Client {
	e.t.Helper()
	h := relSignalHandler{slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}), &e.retryingOnce, e.retrying}
	base := []jetpackcrm.Option{jetpackcrm.WithRetryPolicy(relFastPolicy), jetpackcrm.WithLogger(slog.New(h))}
	c, err := jetpackcrm.NewClient(baseURL, relKey, relSecret, append(base, opts...)...)
	require.NoError(e.t, err)
	e.t.Cleanup(func() {
		c.CloseIdleConnections()
		relAssertNoSecret(e.t, fmt.Sprintf("%+v", c))
	})
	return c
}

// calls counts the requests the fake saw for endpoint.
func (e *fakeEnv) calls(endpoint string) int { return e.callCounts()[endpoint] }

// callCounts counts the requests the fake saw, per endpoint, from its log;
// a full log may have dropped some, and fails the test.
func (e *fakeEnv) callCounts() map[string]int {
	e.t.Helper()
	reqs := e.srv.Requests()
	if len(reqs) >= jetpackcrmtest.DefaultRequestLogLimit {
		e.t.Fatalf("the fake's request log is full (%d): counts from it would be short", len(reqs))
	}
	m := map[string]int{}
	for _, r := range reqs {
		m[r.Endpoint]++
	}
	return m
}

// endpoints lists the endpoints the fake was asked for, in order.
func endpoints(srv *jetpackcrmtest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, r.Endpoint)
	}
	return out
}

// handlerTransport sends each request to an http.Handler (the fake's) in
// memory, without a network, so that a test can run inside a
// testing/synctest bubble, on virtual time.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (resp *http.Response, err error) {
	rec := httptest.NewRecorder()
	defer func() {
		// The fake drops the connection by aborting the handler.
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler {
				panic(v)
			}
			resp, err = nil, errors.New("connection reset by peer")
		}
	}()
	t.h.ServeHTTP(rec, req)
	resp = rec.Result()
	resp.Request = req
	return resp, nil
}
