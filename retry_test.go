package jetpackcrm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Retry tests run inside testing/synctest: the backoff waits are real
// timers on a virtual clock, so a 3 s Retry-After takes no wall time and the
// elapsed virtual time is exact.

func statusResponder(code int, retryAfter string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(code, `{"success":false,"data":{"status":"Slow down","message":"busy"}}`)
		resp.Header.Set("Content-Type", "application/json")
		if retryAfter != "" {
			resp.Header.Set("Retry-After", retryAfter)
		}
		return resp, nil
	}
}

var okList = jsonResponder(200, `[{"id":"1"}]`)

func listEvents(c *Client, ctx context.Context) (*Response, error) {
	var out []map[string]any
	return c.call(ctx, "events", "GET", "events", nil, nil, true, &out)
}

func TestRetryAfterSecondsIsHonoured(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t, WithRetryPolicy(RetryPolicy{WaitMin: time.Second, WaitMax: 10 * time.Second}))
		env.respond("GET", "events", statusResponder(429, "3").Then(okList))
		start := time.Now()
		resp, err := listEvents(env.client, context.Background())
		require.NoError(t, err)
		assert.Equal(t, 2, resp.Attempts)
		assert.Equal(t, 3*time.Second, time.Since(start), "waited exactly what Retry-After asked")
		logs := env.logs.String()
		assert.Contains(t, logs, "level=WARN msg=\"jetpackcrm: retrying\"")
		assert.Contains(t, logs, "attempt=2")
		assert.Contains(t, logs, "status=429")
		assert.NotContains(t, logs, "api_key")
	})
}

func TestRetryAfterHTTPDateIsHonoured(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t)
		when := time.Now().Add(5 * time.Second).UTC().Format(http.TimeFormat)
		env.respond("GET", "events", statusResponder(503, when).Then(okList))
		start := time.Now()
		resp, err := listEvents(env.client, context.Background())
		require.NoError(t, err)
		assert.Equal(t, 2, resp.Attempts)
		assert.Equal(t, 5*time.Second, time.Since(start))
	})
}

func TestRetryAfterOverTheCapFailsFast(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t, WithRetryPolicy(RetryPolicy{MaxRetryAfter: time.Minute}))
		env.respond("GET", "events", statusResponder(429, "3600"))
		start := time.Now()
		_, err := listEvents(env.client, context.Background())
		var rl *RateLimitError
		require.ErrorAs(t, err, &rl)
		assert.Equal(t, time.Hour, rl.RetryAfter)
		assert.Equal(t, 1, rl.Attempts)
		assert.ErrorIs(t, err, ErrRateLimited)
		assert.Zero(t, time.Since(start), "no waiting")
		assert.Equal(t, 1, env.mock.GetTotalCallCount())
		assertErrorHidesSecret(t, err)
	})
}

func TestRateLimitedAfterRetriesExhausted(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t, WithRetryPolicy(RetryPolicy{MaxRetries: 2, WaitMin: time.Second, WaitMax: time.Second}))
		env.respond("GET", "events", statusResponder(429, "1"))
		_, err := listEvents(env.client, context.Background())
		var rl *RateLimitError
		require.ErrorAs(t, err, &rl)
		assert.Equal(t, 3, rl.Attempts)
		assert.Equal(t, time.Second, rl.RetryAfter)
		assert.Equal(t, 3, env.mock.GetTotalCallCount())
		assertErrorHidesSecret(t, err)
	})
}

func TestUnsafeWriteIsNotRetriedOn500ButIsOn429(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t)
		env.respond("POST", "create_event", statusResponder(500, ""))
		_, err := env.client.call(context.Background(), "create_event", "POST", "create_event", nil, map[string]string{"title": "x"}, false, nil)
		ae := requireAPIError(t, err)
		assert.Equal(t, 1, ae.Attempts)
		assert.Equal(t, 1, env.mock.GetTotalCallCount(), "tried once: a retry could duplicate the event")

		env.mock.Reset()
		env.respond("POST", "create_event", statusResponder(429, "2").Then(jsonResponder(200, `{"title":"x","id":7}`)))
		var out map[string]any
		resp, err := env.client.call(context.Background(), "create_event", "POST", "create_event", nil, map[string]string{"title": "x"}, false, &out)
		require.NoError(t, err)
		assert.Equal(t, 2, resp.Attempts, "429 means not processed: safe to retry")
		assert.EqualValues(t, 7, out["id"])
	})
}

func TestUnsafeRetryOptIn(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t, WithRetryPolicy(RetryPolicy{RetryUnsafe: true, WaitMin: time.Millisecond, WaitMax: time.Millisecond}))
		env.respond("POST", "create_event", statusResponder(502, "").Then(jsonResponder(200, `{"id":1}`)))
		resp, err := env.client.call(context.Background(), "create_event", "POST", "create_event", nil, map[string]string{"title": "x"}, false, nil)
		require.NoError(t, err)
		assert.Equal(t, 2, resp.Attempts)
	})
}

func TestSafeWriteRetriesWithIdenticalBody(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t)
		rec := &recordingResponder{next: statusResponder(500, "").Then(statusResponder(504, "")).Then(jsonResponder(200, `{"email":"a@example.com","id":1}`))}
		env.respond("POST", "create_customer", rec.responder())
		body := map[string]any{"email": "a@example.com", "fname": "Zoë", "tags": []string{"a", "b"}}
		resp, err := env.client.call(context.Background(), "create_customer", "POST", "create_customer", nil, body, true, nil)
		require.NoError(t, err)
		assert.Equal(t, 3, resp.Attempts)
		require.Len(t, rec.bodies, 3)
		assert.NotEmpty(t, rec.bodies[0])
		assert.Equal(t, rec.bodies[0], rec.bodies[1])
		assert.Equal(t, rec.bodies[0], rec.bodies[2])
	})
}

func TestRetriesExhaustedReportAttempts(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t) // fastRetries: 3 retries
		env.respond("GET", "events", statusResponder(503, ""))
		_, err := listEvents(env.client, context.Background())
		assert.ErrorIs(t, err, ErrUnavailable)
		assert.ErrorIs(t, err, ErrServer)
		ae := requireAPIError(t, err)
		assert.Equal(t, 4, ae.Attempts)
		assert.Contains(t, ae.Error(), "after 4 attempts")
	})
}

func TestCancellationDuringBackoffReturnsPromptly(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t)
		env.respond("GET", "events", statusResponder(503, "30"))
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		_, err := listEvents(env.client, ctx)
		assert.Equal(t, time.Second, time.Since(start), "stopped at the deadline, not after the 30 s backoff")
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		var re *RequestError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, "HTTP 503", re.LastAttempt)
		assert.Contains(t, err.Error(), "last attempt: HTTP 503")
		assertErrorHidesSecret(t, err)
	})
}

func TestMaxElapsedBoundsTheCall(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t, WithRetryPolicy(RetryPolicy{MaxRetries: 10, WaitMin: 2 * time.Second, WaitMax: 2 * time.Second, MaxElapsed: 5 * time.Second}))
		env.respond("GET", "events", statusResponder(503, "2"))
		start := time.Now()
		_, err := listEvents(env.client, context.Background())
		assert.ErrorIs(t, err, ErrUnavailable)
		assert.LessOrEqual(t, time.Since(start), 5*time.Second)
		assert.Equal(t, 3, env.mock.GetTotalCallCount(), "attempts at 0 s, 2 s, 4 s; a 6 s retry would pass MaxElapsed")
	})
}

func TestNetworkErrorsBeforeAndAfterSending(t *testing.T) {
	t.Parallel()
	refused := func(*http.Request) (*http.Response, error) {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	}
	reset := func(*http.Request) (*http.Response, error) {
		return nil, &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	}
	synctest.Test(t, func(t *testing.T) {
		env := setup(t)
		env.respond("POST", "create_event", httpmock.Responder(refused).Then(jsonResponder(200, `{"id":1}`)))
		resp, err := env.client.call(context.Background(), "create_event", "POST", "create_event", nil, map[string]string{"t": "x"}, false, nil)
		require.NoError(t, err)
		assert.Equal(t, 2, resp.Attempts, "nothing was sent: safe to retry even an unsafe write")

		env.mock.Reset()
		env.respond("POST", "create_event", httpmock.Responder(reset).Then(jsonResponder(200, `{"id":1}`)))
		_, err = env.client.call(context.Background(), "create_event", "POST", "create_event", nil, map[string]string{"t": "x"}, false, nil)
		var re *RequestError
		require.ErrorAs(t, err, &re)
		assert.True(t, re.MayHaveBeenApplied)
		assert.Equal(t, 1, re.Attempts)
		assert.ErrorIs(t, err, syscall.ECONNRESET)
		assert.Contains(t, err.Error(), "may have been applied")
		assertErrorHidesSecret(t, err)

		env.mock.Reset()
		env.respond("POST", "create_customer", httpmock.Responder(reset).Then(jsonResponder(200, `{"id":1}`)))
		resp, err = env.client.call(context.Background(), "create_customer", "POST", "create_customer", nil, map[string]string{"email": "a@example.com"}, true, nil)
		require.NoError(t, err)
		assert.Equal(t, 2, resp.Attempts, "an upsert keyed by email is safe to repeat")
	})
}

// One 429 with Retry-After holds every request of the Client until then.
func TestRateLimitPauseIsShared(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// The pause alone: the learned rate limit would space the callers
		// out after it (TestAdaptiveRateLimit...).
		env := setup(t, WithoutAdaptiveRateLimit())
		var mu sync.Mutex
		var arrivals []time.Duration
		start := time.Now()
		env.respond("GET", "events", func(req *http.Request) (*http.Response, error) {
			mu.Lock()
			arrivals = append(arrivals, time.Since(start))
			n := len(arrivals)
			mu.Unlock()
			if n == 1 {
				return statusResponder(429, "2")(req)
			}
			return okList(req)
		})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := listEvents(env.client, context.Background())
			assert.NoError(t, err)
		}()
		synctest.Wait()
		time.Sleep(500 * time.Millisecond) // virtual: lets the pause be in force
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := listEvents(env.client, context.Background())
				assert.NoError(t, err)
			}()
		}
		wg.Wait()
		require.Len(t, arrivals, 5)
		assert.Equal(t, time.Duration(0), arrivals[0])
		for _, at := range arrivals[1:] {
			assert.Equal(t, 2*time.Second, at, "nobody reached the server during the pause")
		}
	})
}

func TestJitteredBackoffBounds(t *testing.T) {
	t.Parallel()
	min, max := 100*time.Millisecond, 2*time.Second
	for attempt := 0; attempt < 40; attempt++ {
		ceiling := max
		if attempt < 5 {
			ceiling = min << uint(attempt)
		}
		for range 50 {
			d := jitteredBackoff(min, max, attempt)
			assert.GreaterOrEqual(t, d, time.Millisecond)
			assert.LessOrEqual(t, d, ceiling+time.Millisecond)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"7", 7 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"99999999999", 24 * time.Hour, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		assert.Equal(t, tt.ok, ok, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}

func TestWithoutRetriesTriesOnce(t *testing.T) {
	t.Parallel()
	env := setup(t, WithoutRetries())
	env.respond("GET", "events", statusResponder(503, "1"))
	_, err := listEvents(env.client, context.Background())
	var rl *RateLimitError
	require.ErrorAs(t, err, &rl, "a 503 naming a wait is a rate limit")
	assert.Equal(t, 1, env.mock.GetTotalCallCount())
}

func TestClientSideRateLimit(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t, WithRateLimit(2, 1))
		env.respond("GET", "events", okList)
		start := time.Now()
		for range 5 {
			_, err := listEvents(env.client, context.Background())
			require.NoError(t, err)
		}
		assert.Equal(t, 2*time.Second, time.Since(start), "5 calls at 2/s with burst 1")
	})
}

// TestBare503AfterAnUnsafeWriteIsNotRetried: a 503 without Retry-After is
// what a proxy answers when it stopped waiting for WordPress, which may
// have written; retrying a write that is not keyed would duplicate it. A
// 503 with Retry-After (maintenance mode, which runs nothing) is retried.
func TestBare503AfterAnUnsafeWriteIsNotRetried(t *testing.T) {
	t.Parallel()
	newEvent := func(c *Client) (*Response, error) {
		_, resp, err := c.Events.Create(context.Background(), &EventRequest{Title: "x", From: okFrom, To: okTo})
		return resp, err
	}
	webhook := func(c *Client) (*Response, error) {
		_, resp, err := c.Webhooks.Send(context.Background(), "a", nil)
		return resp, err
	}
	upsert := func(c *Client) (*Response, error) {
		_, resp, err := c.Customers.Create(context.Background(), &CustomerRequest{Email: "a@example.com"})
		return resp, err
	}
	tests := []struct {
		name       string
		endpoint   string
		call       func(*Client) (*Response, error)
		retryAfter string
		retried    bool
	}{
		// Events.Create checks the events list before sending again; here
		// the list has no responder, so the check fails and nothing is
		// resent (reconcile_test.go covers the check).
		{"a new event, bare 503", "create_event", newEvent, "", false},
		{"a webhook, bare 503", "webhook", webhook, "", false},
		{"a new event, maintenance 503", "create_event", newEvent, "1", true},
		{"a webhook, maintenance 503", "webhook", webhook, "1", true},
		{"an upsert keyed by email, bare 503", "create_customer", upsert, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				env := setup(t)
				w := serveWire(env, http.MethodPost, tt.endpoint, statusResponder(503, tt.retryAfter).Then(jsonResponder(200, `{"id":1,"success":true}`)))
				resp, err := tt.call(env.client)
				require.NotNil(t, resp)
				if tt.retried {
					require.NoError(t, err)
					assert.Len(t, w.requests(), 2)
					return
				}
				assert.Len(t, w.requests(), 1, "a retry could write twice")
				ae := requireAPIError(t, err)
				assert.Equal(t, 503, ae.StatusCode)
				assert.True(t, ae.MayHaveBeenApplied)
				assert.True(t, MayHaveBeenApplied(err))
				assert.Contains(t, err.Error(), "may have been applied")
				var rl *RateLimitError
				assert.False(t, errors.As(err, &rl), "a bare 503 is not a rate limit")
			})
		})
	}
}

// TestServerErrorsToWritesMayHaveBeenApplied: a 5xx answer to a call that
// writes says so; to a read, or a 4xx, or a 503 with Retry-After, it does
// not.
func TestServerErrorsToWritesMayHaveBeenApplied(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		retry    string
		write    bool
		mayApply bool
	}{
		{"500 to a write", 500, "", true, true},
		{"502 to a write", 502, "", true, true},
		{"504 to a write", 504, "", true, true},
		{"503 to a write", 503, "", true, true},
		{"503 with Retry-After to a write", 503, "1", true, false},
		{"429 to a write", 429, "", true, false},
		{"400 to a write", 400, "", true, false},
		{"500 to a read", 500, "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				env := setup(t, WithoutRetries())
				var err error
				if tt.write {
					serveWire(env, http.MethodPost, "webhook", statusResponder(tt.status, tt.retry))
					_, _, err = env.client.Webhooks.Send(context.Background(), "a", nil)
				} else {
					serveWire(env, http.MethodGet, "events", statusResponder(tt.status, tt.retry))
					_, _, err = env.client.Events.List(context.Background(), nil)
				}
				require.Error(t, err)
				assert.Equal(t, tt.mayApply, MayHaveBeenApplied(err), "%v", err)
				assert.Equal(t, tt.mayApply, strings.Contains(err.Error(), "may have been applied"), "%v", err)
			})
		})
	}
}

// TestPauseLongerThanAnAttemptIsWaitedOutWithinTheCallsBudget: with the
// default 30 s attempt timeout, a 429 asking for 31 to 60 s (within
// MaxRetryAfter) made every other caller fail at once, because the shared
// pause was compared with the attempt's deadline; UpsertMany of 40 rows
// failed 36. Callers whose MaxElapsed (or own deadline) allows it wait.
func TestPauseLongerThanAnAttemptIsWaitedOutWithinTheCallsBudget(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		mock := httpmock.NewMockTransport()
		// Not WithHTTPClient: the default client, whose attempts time out
		// after 30 s, sending through the mock.
		// The learned rate limit would space the 40 rows out after the
		// pause: this test is about the pause alone.
		c, err := NewClient(testSite, testKey, testSecret, WithRetryPolicy(RetryPolicy{WaitMin: time.Millisecond, WaitMax: 2 * time.Millisecond}), WithoutAdaptiveRateLimit())
		require.NoError(t, err)
		c.httpClient.Transport.(*transport).base = mock
		require.Equal(t, defaultTimeout, c.httpClient.Transport.(*transport).timeout)

		var mu sync.Mutex
		var arrivals []time.Duration
		start := time.Now()
		mock.RegisterResponder(http.MethodPost, testAPI+"create_customer/", func(req *http.Request) (*http.Response, error) {
			mu.Lock()
			arrivals = append(arrivals, time.Since(start))
			first := len(arrivals) == 1
			mu.Unlock()
			if first {
				return statusResponder(429, "45")(req)
			}
			return jsonResponder(200, `{"email":"a@example.com","id":1}`)(req)
		})
		ctx := context.Background()
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := c.Customers.Create(ctx, &CustomerRequest{Email: "a@example.com"})
			assert.NoError(t, err, "the caller that got the 429 retries after 45 s")
		}()
		synctest.Wait()
		time.Sleep(time.Second) // virtual: the pause is in force

		rows := make([]*CustomerRequest, 40)
		for i := range rows {
			rows[i] = &CustomerRequest{Email: fmt.Sprintf("row%d@example.com", i)}
		}
		results, err := c.Customers.UpsertMany(ctx, rows, BulkOptions{Concurrency: 4})
		require.NoError(t, err)
		for _, r := range results {
			assert.NoError(t, r.Err, "row %d waits the pause out", r.Index)
		}
		wg.Wait()
		mu.Lock()
		require.Len(t, arrivals, 1+1+40, "the 429, its retry, the rows")
		for _, at := range arrivals[1:] {
			assert.Equal(t, 45*time.Second, at, "nothing reached the server during the pause")
		}
		mu.Unlock()

		// A caller whose own deadline ends before the pause fails at once.
		mock.RegisterResponder(http.MethodPost, testAPI+"create_customer/",
			statusResponder(429, "40").Then(jsonResponder(200, `{"email":"b@example.com","id":2}`)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := c.Customers.Create(ctx, &CustomerRequest{Email: "b@example.com"})
			assert.NoError(t, err)
		}()
		synctest.Wait() // b got its 429: a 40 s pause is in force
		short, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		before := time.Now()
		_, _, err = c.Customers.Create(short, &CustomerRequest{Email: "c@example.com"})
		require.ErrorIs(t, err, ErrRateLimited, "the pause ends after its deadline")
		assert.Zero(t, time.Since(before), "it did not wait for nothing")
		wg.Wait()
	})
}

// TestBulkWorkersKeepTheirConnectionsThroughANetworkError: retryablehttp
// closes its http.Client's idle connections after a call's final network
// error, which emptied the pool every bulk worker shares. N workers upsert
// a row each on N connections; one row's connection is closed by the
// server, and the other rows wait, their connections idle, until that
// row's call has failed; the next N-1 rows must reuse those connections.
func TestBulkWorkersKeepTheirConnectionsThroughANetworkError(t *testing.T) {
	// Not parallel: it counts connections, which a starved net/http
	// goroutine can make it drop (see perfConnAttempts): hence 3 attempts.
	const n = 4
	measure := func(t *testing.T) (newConns int64, results []BulkResult) {
		var conns, arrived atomic.Int64
		allIn, goodDone, boomDone := make(chan struct{}), make(chan struct{}), make(chan struct{})
		ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(r.Body)
			if !assert.NoError(t, err) {
				return
			}
			var row struct{ Email string }
			if !assert.NoError(t, json.Unmarshal(body, &row)) {
				return
			}
			if strings.HasPrefix(row.Email, "first") || row.Email == "boom@example.com" {
				// The first n rows are in flight together: n connections.
				if arrived.Add(1) == n {
					close(allIn)
				}
				<-allIn
			}
			if row.Email == "boom@example.com" {
				<-goodDone
				conn, _, err := http.NewResponseController(w).Hijack()
				if assert.NoError(t, err) {
					_ = conn.Close()
				}
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprintf(w, `{"id":%d,"email":%q}`, arrived.Add(1), row.Email)
		}))
		ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		}
		ts.Start()
		defer ts.Close()
		// The later rows wait above the connection pool, their workers'
		// connections idle, until the failed row's call has returned.
		hold := WithTransportWrapper(func(rt http.RoundTripper) http.RoundTripper {
			return roundTripFunc(func(req *http.Request) (*http.Response, error) {
				body, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				b, _ := io.ReadAll(body)
				if bytes.Contains(b, []byte("later")) {
					<-boomDone
				}
				return rt.RoundTrip(req)
			})
		})
		c, err := NewClient(ts.URL, testKey, testSecret, WithoutRetries(), WithoutCustomFieldCheck(), hold)
		require.NoError(t, err)
		defer c.CloseIdleConnections()
		var rows []*CustomerRequest
		for i := range n - 1 {
			rows = append(rows, &CustomerRequest{Email: fmt.Sprintf("first%d@example.com", i)})
		}
		rows = append(rows, &CustomerRequest{Email: "boom@example.com"})
		for i := range n - 1 {
			rows = append(rows, &CustomerRequest{Email: fmt.Sprintf("later%d@example.com", i)})
		}
		good := 0
		results, err = c.Customers.UpsertMany(context.Background(), rows, BulkOptions{Concurrency: n, OnResult: func(r BulkResult) {
			switch {
			case r.Index == n-1:
				close(boomDone)
			case r.Index < n-1:
				if good++; good == n-1 {
					close(goodDone)
				}
			}
		}})
		require.NoError(t, err)
		return conns.Load(), results
	}
	for attempt := 1; ; attempt++ {
		conns, results := measure(t)
		for i, r := range results {
			if i == n-1 {
				require.Error(t, r.Err, "the row whose connection was closed")
				var re *RequestError
				require.ErrorAs(t, r.Err, &re)
			} else {
				require.NoError(t, r.Err, "row %d", i)
			}
		}
		// n for the first rows; the closed one is not replaced, as n-1
		// rows remain for n-1 idle connections.
		if conns == n {
			return
		}
		t.Logf("attempt %d: %d connections, want %d", attempt, conns, n)
		if attempt == 3 {
			t.Fatalf("the workers' idle connections were not kept through the network error")
		}
	}
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }
