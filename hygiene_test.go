package jetpackcrm

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jpcrm-go/jetpackcrm/internal/recorded"
	"github.com/stretchr/testify/require"
)

// TestSecretsNeverLeak drives every error path over real loopback
// connections with distinctive credentials and a debug logger, and checks
// that neither the key nor the secret, raw or URL-encoded, appears in the
// error's message, its %+v, the %+v of every SDK value returned, or the
// log output. Servers echo the request URL (credentials included) into
// bodies and Location headers, as WordPress does.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	for _, tc := range leakCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, logs, resp, err := tc.run(t)
			require.Error(t, err, "every case is an error path")
			assertErrorHidesSecret(t, err)
			assertNoSecret(t, fmt.Sprintf("%+v", resp), fmt.Sprintf("%+v", c), logs.String())
			if resp != nil {
				assertNoSecret(t, resp.Header.Get("Location"), resp.Request.URL.String())
			}
		})
	}
}

// leakCase is one error path of TestSecretsNeverLeak; the telemetry test
// (otel_test.go) drives the same table.
type leakCase struct {
	name     string
	handler  http.HandlerFunc
	site     string // overrides the test server's URL
	endpoint string
	method   string
	opts     []Option
	timeout  time.Duration
	cancel   bool
}

// leakCases are the error paths: servers that fail in every way, echoing
// the request URL (credentials included) wherever they can.
func leakCases(t *testing.T) []leakCase {
	echoURL := func(w http.ResponseWriter, r *http.Request) string { return r.URL.String() }
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"stolen":"`+r.URL.RawQuery+`"}`)
	}))
	t.Cleanup(other.Close)
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake failure is the point
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)

	// A port that refuses connections: listen, note the address, close.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	refusedAddr := ln.Addr().String()
	require.NoError(t, ln.Close())

	status := func(code int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			_, _ = io.WriteString(w, strings.ReplaceAll(body, "$URL", echoURL(w, r)))
		}
	}
	recordedBody := func(n int) http.HandlerFunc {
		ex := recorded.MustByNumber(t, n)
		return func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(ex.StatusCode)
			_, _ = w.Write(ex.ResponseBody)
		}
	}
	cases := []leakCase{
		{name: "unknown host", site: "http://unknown-host.invalid.localhost:1", opts: []Option{WithHTTPClient(&http.Client{Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: addr, IsNotFound: true}}
			}}})}},
		{name: "connection refused", site: "http://" + refusedAddr},
		{name: "TLS failure", site: tlsSrv.URL},
		{name: "timeout", handler: func(w http.ResponseWriter, r *http.Request) {
			// Reading the body lets the server notice the client leaving.
			_, _ = io.Copy(io.Discard, r.Body)
			<-r.Context().Done()
		}, timeout: 50 * time.Millisecond},
		{name: "context cancelled", handler: func(w http.ResponseWriter, r *http.Request) {}, cancel: true},
		{name: "301 with credentials in Location, looping", handler: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path+"x/?"+r.URL.RawQuery, http.StatusMovedPermanently)
		}},
		{name: "cross-host redirect", handler: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/collect?"+r.URL.RawQuery, http.StatusFound)
		}},
		{name: "HTML page echoing the URL", handler: status(200, "<html><body>You asked for $URL</body></html>")},
		{name: "HTML 500 echoing the URL", handler: status(500, "<html><body>Fatal error at $URL</body></html>")},
		{name: "oversized body", handler: status(200, `["$URL`+strings.Repeat("x", 4096)+`"]`), opts: []Option{WithMaxResponseBytes(1024)}},
		{name: "decode failure", handler: status(200, `[{"id":{"$URL":1}}]`)},
		{name: "JSON error echoing the URL", handler: status(400, `{"success":false,"data":{"status":"Bad $URL","message":"$URL"}}`)},
		{name: "retries exhausted", handler: status(503, `<p>maintenance $URL</p>`)},
		{name: "429 over the cap", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "86400")
			status(429, "$URL")(w, r)
		}},
		{name: "refusal echoing the URL", endpoint: "create_event", method: "POST", handler: status(200, `{"error":true,"message":"$URL"}`)},
		{name: "empty body from a create", endpoint: "create_company", method: "POST", handler: status(200, "")},
	}
	for code := range statusSentinels {
		cases = append(cases, leakCase{name: fmt.Sprintf("status %d", code), handler: status(code, `{"success":false,"data":{"status":"$URL","message":"$URL"}}`)})
	}
	for _, n := range []int{30, 39, 43, 107, 88, 109, 110, 111} {
		cases = append(cases, leakCase{name: fmt.Sprintf("recorded %d", n), endpoint: "create_transaction", method: "POST", handler: recordedBody(n)})
	}
	return cases
}

// run makes a Client with a debug logger, the case's options and extra,
// and makes the case's call.
func (tc leakCase) run(t *testing.T, extra ...Option) (*Client, *syncBuffer, *Response, error) {
	t.Helper()
	site := tc.site
	if site == "" {
		srv := httptest.NewServer(tc.handler)
		t.Cleanup(srv.Close)
		site = srv.URL
	}
	logs := &syncBuffer{}
	opts := append([]Option{
		WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		WithRetryPolicy(RetryPolicy{MaxRetries: 2, WaitMin: time.Millisecond, WaitMax: 2 * time.Millisecond, MaxRetryAfter: time.Second}),
	}, tc.opts...)
	c, err := NewClient(site, testKey, testSecret, append(opts, extra...)...)
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)

	ctx := context.Background()
	if tc.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, tc.timeout)
		t.Cleanup(cancel)
	}
	if tc.cancel {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		cancel()
	}
	endpoint, method := tc.endpoint, tc.method
	if endpoint == "" {
		endpoint, method = "transactions", "GET"
	}
	var out []*Transaction
	resp, err := c.call(ctx, endpoint, method, endpoint, nil, map[string]string{"k": "v"}, false, &out)
	return c, logs, resp, err
}
