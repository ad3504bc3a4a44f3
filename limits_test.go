package jetpackcrm

import (
	"bufio"
	"context"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Limits: the response size cap holds against an endless body, a server
// that never answers ends at the caller's deadline, and a slow-loris body
// or header does not hang past it. The servers are real loopback servers:
// these are properties of the whole HTTP path, not of a mock.

const (
	// relDeadline is the caller's deadline in the deadline tests.
	relDeadline = 100 * time.Millisecond
	// relSlack is how late past its deadline a call may return on a loaded
	// CI machine running the race detector.
	relSlack = 750 * time.Millisecond
	// relSocketBuffer is the socket buffer size of the endless-body test, so
	// that how much the server managed to write says how much was read.
	relSocketBuffer = 4 << 10
)

// relLimitsClient is a Client for a loopback site with tiny backoff waits
// and a debug log checked for leaks at the end of the test.
func relLimitsClient(t *testing.T, site string, hc *http.Client, opts ...Option) *Client {
	t.Helper()
	logs := &syncBuffer{}
	base := []Option{
		WithRetryPolicy(RetryPolicy{MaxRetries: 3, WaitMin: time.Millisecond, WaitMax: 2 * time.Millisecond}),
		WithLogger(newRelDebugLogger(logs)),
	}
	if hc != nil {
		base = append(base, WithHTTPClient(hc))
	}
	c, err := NewClient(site, testKey, testSecret, append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() {
		c.CloseIdleConnections()
		assertNoSecret(t, logs.String())
	})
	return c
}

// relSmallBufferClient reads through sockets with a small receive buffer.
func relSmallBufferClient() *http.Client {
	d := &net.Dialer{}
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := d.DialContext(ctx, network, addr)
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetReadBuffer(relSocketBuffer)
			}
			return conn, err
		},
		DisableCompression: true,
	}}
}

// relEndlessServer answers every request with status and a body that never
// ends, and counts the bytes it manages to write. done is closed when the
// handler gives up, which it only does once the client stopped reading.
func relEndlessServer(t *testing.T, status int) (srv *httptest.Server, written *atomic.Int64, done chan struct{}) {
	t.Helper()
	written = new(atomic.Int64)
	done = make(chan struct{}, 16)
	chunk := []byte(strings.Repeat(`{"id":"1","title":"endless"},`, 512)) // 14 KiB
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { done <- struct{}{} }()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		if _, err := io.WriteString(w, "["); err != nil {
			return
		}
		rc := http.NewResponseController(w)
		for r.Context().Err() == nil {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil || rc.Flush() != nil {
				return
			}
		}
	}))
	srv.Config.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetWriteBuffer(relSocketBuffer)
		}
		return ctx
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, written, done
}

// relWaitDone waits for n handlers to finish, failing after a generous
// bound: a handler still writing would mean the client kept reading.
func relWaitDone(t *testing.T, done chan struct{}, n int) {
	t.Helper()
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
	for range n {
		select {
		case <-done:
		case <-timeout.C:
			t.Fatalf("the server is still writing: the client did not stop reading")
		}
	}
}

// An endless body is cut at WithMaxResponseBytes: the call fails promptly
// (with a *DecodeError wrapping ErrResponseTooLarge for a 200, with the
// status's *APIError for a 503), the connection is dropped, and the server
// could write little more than the cap.
func TestLimitEndlessBodyIsCutAtTheCap(t *testing.T) {
	t.Parallel()
	const limit = 64 << 10
	for _, tc := range []struct {
		name   string
		status int
		// requests is how many requests the call makes: a 503 is retried,
		// and retryablehttp drains at most 4 KiB of each retried body.
		requests int
	}{
		{"200 list", http.StatusOK, 1},
		{"503 page, retried", http.StatusServiceUnavailable, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, written, done := relEndlessServer(t, tc.status)
			c := relLimitsClient(t, srv.URL, relSmallBufferClient(), WithMaxResponseBytes(limit))
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			start := time.Now()
			var out []map[string]any
			resp, err := c.call(ctx, "transactions", http.MethodGet, "transactions", nil, nil, true, &out)
			elapsed := time.Since(start)

			if tc.status == http.StatusOK {
				var de *DecodeError
				require.ErrorAs(t, err, &de)
				assert.ErrorIs(t, err, ErrResponseTooLarge)
				assert.Equal(t, tc.status, de.StatusCode)
				assert.Equal(t, tc.requests, de.Attempts)
				assert.LessOrEqual(t, len(de.Snippet), maxSnippet)
			} else {
				// An error status stays an *APIError: its start classifies it.
				ae := requireAPIError(t, err)
				assert.ErrorIs(t, err, ErrUnavailable)
				assert.Equal(t, tc.requests, ae.Attempts)
				assert.LessOrEqual(t, len(ae.Body), maxErrorBody)
			}
			require.NotNil(t, resp)
			assert.Less(t, elapsed, 5*time.Second, "the call returns promptly")
			assertErrorHidesSecret(t, err)

			relWaitDone(t, done, tc.requests)
			// What the server wrote: the cap, what retryablehttp drained of
			// the retried answers, what the socket buffers held (the kernel
			// may double and autotune them) and Go's read buffers.
			bound := int64(limit + tc.requests*(64<<10) + 512<<10)
			assert.Less(t, written.Load(), bound, "the server was not read far past the cap")
			t.Logf("cap %d B: call returned in %v after %d request(s); the server wrote %d B before the client hung up",
				limit, elapsed.Round(time.Millisecond), tc.requests, written.Load())
		})
	}
}

// A body announced with a Content-Length of 1 GiB is read up to the cap
// only (and nothing of that size is allocated for it).
func TestLimitAnnouncedLengthAboveTheCap(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1073741824") // 1 GiB, never sent
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "["+strings.Repeat(`{"id":"1"},`, 200))
		_ = http.NewResponseController(w).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	c := relLimitsClient(t, srv.URL, nil, WithMaxResponseBytes(1024))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	var out []map[string]any
	_, err := c.call(ctx, "transactions", http.MethodGet, "transactions", nil, nil, true, &out)
	assert.Less(t, time.Since(start), 5*time.Second)
	var de *DecodeError
	require.ErrorAs(t, err, &de, "%v", err)
	assert.ErrorIs(t, err, ErrResponseTooLarge)
}

// relDeadlineCases are the calls every deadline test makes: a read (retried
// on network errors), a keyed upsert (retried), and a write that is not
// safe to repeat, which must say it may have been applied.
var relDeadlineCases = []struct {
	name      string
	method    string
	endpoint  string
	safe      bool
	ambiguous bool
}{
	{"read", http.MethodGet, "transactions", true, false},
	{"keyed upsert", http.MethodPost, "create_customer", true, true},
	{"unsafe write", http.MethodPost, "create_event", false, true},
}

// relCallUntilDeadline makes one call with relDeadline and checks that it
// ended at the deadline, with a *RequestError wrapping
// context.DeadlineExceeded after a single attempt.
func relCallUntilDeadline(t *testing.T, c *Client, method, endpoint string, safe, ambiguous bool) time.Duration {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), relDeadline)
	defer cancel()
	var body any
	if method == http.MethodPost {
		body = map[string]string{"email": "a@example.com", "title": "t"}
	}
	start := time.Now()
	_, err := c.call(ctx, endpoint, method, endpoint, nil, body, safe, nil)
	elapsed := time.Since(start)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	var re *RequestError
	require.ErrorAs(t, err, &re, "%v", err)
	assert.Equal(t, ambiguous, re.MayHaveBeenApplied, "MayHaveBeenApplied: %v", err)
	if ambiguous {
		assert.Contains(t, err.Error(), "may have been applied")
	}
	assert.GreaterOrEqual(t, elapsed, relDeadline-time.Millisecond)
	assert.Less(t, elapsed, relDeadline+relSlack, "ended at the caller's deadline")
	assertErrorHidesSecret(t, err)
	return elapsed
}

// A server that reads the request and never answers: the call ends at the
// caller's deadline; a write then says it may have been applied.
func TestLimitNeverAnsweringServerEndsAtTheDeadline(t *testing.T) {
	t.Parallel()
	var arrived atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done() // the client hung up, or the server closes
	}))
	t.Cleanup(srv.Close)
	for _, tc := range relDeadlineCases {
		t.Run(tc.name, func(t *testing.T) {
			c := relLimitsClient(t, srv.URL, nil)
			elapsed := relCallUntilDeadline(t, c, tc.method, tc.endpoint, tc.safe, tc.ambiguous)
			t.Logf("%s %s: returned after %v (deadline %v)", tc.method, tc.endpoint, elapsed.Round(time.Millisecond), relDeadline)
		})
	}
	assert.EqualValues(t, len(relDeadlineCases), arrived.Load(), "one attempt each: no retry after the deadline")
}

// relRawServer accepts TCP connections and hands each to serve, which can
// speak as little HTTP as it likes. Connections are closed at cleanup.
func relRawServer(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	conns := make(chan net.Conn, 64)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conns <- conn
			go serve(conn)
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		for {
			select {
			case conn := <-conns:
				_ = conn.Close()
			default:
				return
			}
		}
	})
	return "http://" + ln.Addr().String()
}

// A server that accepts the connection and never says a word: the call
// ends at the caller's deadline.
func TestLimitSilentConnectionEndsAtTheDeadline(t *testing.T) {
	t.Parallel()
	site := relRawServer(t, func(conn net.Conn) {
		_, _ = io.Copy(io.Discard, conn) // reads the request, answers nothing
	})
	for _, tc := range relDeadlineCases {
		t.Run(tc.name, func(t *testing.T) {
			c := relLimitsClient(t, site, nil)
			relCallUntilDeadline(t, c, tc.method, tc.endpoint, tc.safe, tc.ambiguous)
		})
	}
}

// relTrickle writes s one byte every 10 ms until it is written or the
// connection fails.
func relTrickle(w io.Writer, flush func() error, s string) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < len(s); i++ {
		<-tick.C
		if _, err := w.Write([]byte{s[i]}); err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
		}
	}
	return nil
}

// A slow-loris body (one byte every 10 ms, for minutes) does not hold the
// call past the caller's deadline, although bytes keep arriving.
func TestLimitSlowLorisBodyEndsAtTheDeadline(t *testing.T) {
	t.Parallel()
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		rc := http.NewResponseController(w)
		_ = rc.Flush()
		body := "[" + strings.Repeat(`{"id":"1"},`, 2000) + `{"id":"2"}]`
		_ = relTrickle(w, rc.Flush, body)
		sent.Add(1)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	t.Cleanup(srv.Close)
	for _, tc := range relDeadlineCases {
		t.Run(tc.name, func(t *testing.T) {
			c := relLimitsClient(t, srv.URL, nil)
			// The status line came: a write was received by the server.
			relCallUntilDeadline(t, c, tc.method, tc.endpoint, tc.safe, tc.ambiguous)
		})
	}
}

// Slow-loris headers: the status line and headers trickle in one byte
// every 10 ms. The call still ends at the deadline.
func TestLimitSlowLorisHeadersEndAtTheDeadline(t *testing.T) {
	t.Parallel()
	site := relRawServer(t, func(conn net.Conn) {
		br := bufio.NewReader(conn)
		// Read the request line and headers, then trickle an answer.
		for {
			line, err := br.ReadString('\n')
			if err != nil || line == "\r\n" {
				break
			}
		}
		head := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + strings.Repeat("X-Padding: slow\r\n", 500) + "\r\n[]"
		_ = relTrickle(conn, func() error { return nil }, head)
	})
	for _, tc := range relDeadlineCases {
		t.Run(tc.name, func(t *testing.T) {
			c := relLimitsClient(t, site, nil)
			relCallUntilDeadline(t, c, tc.method, tc.endpoint, tc.safe, tc.ambiguous)
		})
	}
}

// Text cut at a length limit never keeps a usable part of a credential: a
// body echoing the secret is cut at every offset around the snippet limits,
// and what is left of the secret is at most minFragment-1 bytes.
func TestLimitSnippetCutNeverKeepsACredential(t *testing.T) {
	t.Parallel()
	creds := newCredentials(testKey, testSecret)
	for _, secret := range secretForms[:6] {
		for _, max := range []int{maxSnippet, maxErrorBody} {
			for pad := max - len(secret) - 2; pad <= max+2; pad++ {
				body := strings.Repeat("x", pad) + secret + " tail"
				got := snippet([]byte(body), max, creds)
				assertNoSecret(t, got)
				assert.LessOrEqual(t, len(got), max)
				// The longest start of the secret left at the end.
				for n := len(secret) - 1; n >= minFragment; n-- {
					if strings.HasSuffix(got, secret[:n]) {
						t.Errorf("pad %d: %d bytes of a credential left: %q", pad, n, got)
					}
				}
			}
		}
	}
	// A quoted value cut by the decoder's own 40-byte limit.
	var c Customer
	err := c.UnmarshalJSON([]byte(`{"id":"0123456789012345678901234` + testSecret + `"}`))
	require.Error(t, err)
	de := newDecodeError(callInfo{method: "GET", endpoint: "customers"}, nil, nil, 1, creds, err)
	assertErrorHidesSecret(t, de)
	assert.NotContains(t, de.Error(), testSecret[:minFragment])
}

// newRelDebugLogger logs everything, at debug level, to w.
func newRelDebugLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
