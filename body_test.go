package jetpackcrm

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNoiseBeforeTheJSONIsSkipped: PHP can print any number of notices
// before the JSON (as HTML, as an xdebug page, as plain text lines) and a
// byte order mark per file saved with one; the answer is still read.
func TestNoiseBeforeTheJSONIsSkipped(t *testing.T) {
	t.Parallel()
	const list = `[{"id":"1","email":"a@example.com","fname":"x }]\"[{ <br /> \\"}]`
	htmlNotice := "<br />\n<b>Notice</b>:  Undefined index: x in <b>/var/www/a.php</b> on line <b>3</b><br />\n"
	textNotice := "\nNotice: Undefined index: x in /var/www/a.php on line 3\n"
	tests := []struct {
		name, noise string
	}{
		{"1 HTML notice", htmlNotice},
		{"1000 HTML notices", strings.Repeat(htmlNotice, 1000)},
		{"a long xdebug page (200 notices with their call stacks)", strings.Repeat(xdebugNotice, 200)},
		{"plain-text notices", strings.Repeat(textNotice, 50)},
		{"a BOM", "\xEF\xBB\xBF"},
		{"three BOMs and white space", "\xEF\xBB\xBF\xEF\xBB\xBF\n\xEF\xBB\xBF "},
		{"a BOM, then notices", "\xEF\xBB\xBF" + htmlNotice + textNotice},
		{"a deprecation div with braces and brackets in it", "<div>Deprecated: {x} [y] \"q\"</div>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			serveWire(env, http.MethodGet, "customer_search", jsonResponder(200, tt.noise+list))
			got, _, err := env.client.Customers.Search(context.Background(), "a", nil)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, `x }]"[{ <br /> \`, got[0].FirstName)
		})
	}
	// Text that is neither markup nor a line of its own is not skipped.
	for _, body := range []string{"Warning: x" + list, "<p>x</p>" + list + "<p>after</p>", "\n" + list[:len(list)-1]} {
		env := setup(t)
		serveWire(env, http.MethodGet, "customer_search", jsonResponder(200, body))
		_, _, err := env.client.Customers.Search(context.Background(), "a", nil)
		var de *DecodeError
		require.ErrorAs(t, err, &de, "%q", body)
		assert.False(t, de.MayHaveBeenApplied, "a read")
	}
}

// TestUndecodableAnswerToAWriteMayHaveBeenApplied: a 2xx answer the SDK
// cannot read means the server took the request; for a write it may have
// been applied, and the error must say so, like a *RequestError does.
func TestUndecodableAnswerToAWriteMayHaveBeenApplied(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	writes := map[string]struct {
		endpoint string
		call     func(c *Client) error
	}{
		"Customers.Create": {"create_customer", func(c *Client) error {
			_, _, err := c.Customers.Create(ctx, &CustomerRequest{Email: "a@example.com"})
			return err
		}},
		"Events.Create": {"create_event", func(c *Client) error {
			_, _, err := c.Events.Create(ctx, &EventRequest{Title: "x", From: okFrom, To: okTo})
			return err
		}},
		"Transactions.Create": {"create_transaction", func(c *Client) error {
			_, _, err := c.Transactions.Create(ctx, &TransactionRequest{OrderID: "A", Status: "S", Total: decimal.NewFromInt(1)})
			return err
		}},
		"Companies.Create": {"create_company", func(c *Client) error {
			_, _, err := c.Companies.Create(ctx, &CompanyRequest{Name: "Co", Email: "co@example.com"})
			return err
		}},
		"Webhooks.Send": {"webhook", func(c *Client) error {
			_, _, err := c.Webhooks.Send(ctx, "a", nil)
			return err
		}},
	}
	bodies := map[string]string{
		"an HTML page":            "<html><body>Briefly unavailable for scheduled maintenance.</body></html>",
		"a plain-text notice":     "Notice: Undefined index: id in /var/www/a.php on line 3",
		"truncated JSON":          `{"email":"a@example.com","id":`,
		"a notice after the JSON": `{"id":1}<br /><b>Notice</b>`,
	}
	for name, w := range writes {
		for bname, body := range bodies {
			t.Run(name+"/"+bname, func(t *testing.T) {
				t.Parallel()
				env := setup(t)
				serveWire(env, http.MethodPost, w.endpoint, jsonResponder(200, body))
				err := w.call(env.client)
				var de *DecodeError
				require.ErrorAs(t, err, &de)
				assert.True(t, de.MayHaveBeenApplied)
				assert.True(t, MayHaveBeenApplied(err))
				assert.Contains(t, err.Error(), "the write may have been applied")
				assertErrorHidesSecret(t, err)
			})
		}
	}
	t.Run("oversized", func(t *testing.T) {
		t.Parallel()
		env := setup(t, WithMaxResponseBytes(16))
		serveWire(env, http.MethodPost, "create_customer", jsonResponder(200, `{"email":"a@example.com","id":1}`))
		_, _, err := env.client.Customers.Create(ctx, &CustomerRequest{Email: "a@example.com"})
		require.ErrorIs(t, err, ErrResponseTooLarge)
		assert.True(t, MayHaveBeenApplied(err))
	})
	t.Run("a read is not a write", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		serveWire(env, http.MethodPost, "customers", jsonResponder(200, bodies["an HTML page"]))
		_, _, err := env.client.Customers.List(ctx, nil)
		var de *DecodeError
		require.ErrorAs(t, err, &de)
		assert.False(t, de.MayHaveBeenApplied)
		assert.NotContains(t, err.Error(), "may have been applied")
	})
}

// A single object is read as a list only for list targets: the decoding of
// objects into objects is unchanged, and an error body is still an error.
func TestSingleObjectAsListIsOnlyForLists(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveWire(env, http.MethodGet, "transactions", jsonResponder(200, `{"id":"3","ref":"ORD-3","total":"1.00"}`))
	serveWire(env, http.MethodGet, "events", jsonResponder(200, `{"error":100}`))
	ctx := context.Background()

	var raw []byte
	req, err := env.client.NewRequest(ctx, http.MethodGet, "transactions", nil, nil)
	require.NoError(t, err)
	var asRaw rawJSON
	_, err = env.client.Do(req, &asRaw)
	require.NoError(t, err)
	raw = asRaw
	assert.JSONEq(t, `{"id":"3","ref":"ORD-3","total":"1.00"}`, string(raw), "a json.Unmarshaler gets the object as it is")

	var one map[string]any
	req, err = env.client.NewRequest(ctx, http.MethodGet, "transactions", nil, nil)
	require.NoError(t, err)
	_, err = env.client.Do(req, &one)
	require.NoError(t, err)
	assert.Equal(t, "ORD-3", one["ref"])

	list, _, err := env.client.Transactions.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "ORD-3", list[0].OrderID)

	events, _, err := env.client.Events.List(ctx, nil)
	assert.Nil(t, events)
	assert.ErrorIs(t, err, ErrRejected, "an error object is not a one-element list")
}

// rawJSON is a []byte with its own UnmarshalJSON, like json.RawMessage.
type rawJSON []byte

func (r *rawJSON) UnmarshalJSON(b []byte) error { *r = append((*r)[:0], b...); return nil }

func TestOversizedErrorPageKeepsItsStatus(t *testing.T) {
	t.Parallel()
	env := setup(t, WithMaxResponseBytes(1024), WithoutRetries())
	page := "<html>" + strings.Repeat("busy ", 1000) + "</html>"
	env.respond("GET", "quotes", func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(429, page)
		resp.Header.Set("Retry-After", "5")
		return resp, nil
	})
	_, _, err := env.client.Quotes.List(context.Background(), nil)
	var rl *RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, 5*time.Second, rl.RetryAfter)
	assert.ErrorIs(t, err, ErrRateLimited)
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
