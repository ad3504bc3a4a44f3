package jetpackcrm

// Regression tests for defects found in review: each failed before its fix.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hangOnce blocks the first request until its context ends, then answers.
func hangOnce(then httpmock.Responder) httpmock.Responder {
	var answered atomic.Bool // httpmock runs each responder in its own goroutine
	return func(req *http.Request) (*http.Response, error) {
		if !answered.Swap(true) {
			<-req.Context().Done()
			return nil, req.Context().Err()
		}
		return then(req)
	}
}

func TestTimedOutReadIsRetried(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t)
		c, err := NewClient(testSite, testKey, testSecret, WithHTTPClient(&http.Client{Transport: env.mock, Timeout: 200 * time.Millisecond}),
			WithRetryPolicy(fastRetries))
		require.NoError(t, err)
		env.respond("GET", "quotes", hangOnce(jsonResponder(200, `[]`)))
		_, resp, err := c.Quotes.List(context.Background(), nil)
		require.NoError(t, err, "a read whose attempt timed out is safe to try again")
		assert.Equal(t, 2, resp.Attempts)
	})
}

func TestNoCauseOfAnErrorShowsTheCredentials(t *testing.T) {
	t.Parallel()
	env := setup(t, WithoutRetries())
	env.respond("GET", "quotes", func(req *http.Request) (*http.Response, error) {
		return nil, fmt.Errorf("no responder found for GET %s: %w", req.URL, syscall.ECONNRESET)
	})
	_, _, err := env.client.Quotes.List(context.Background(), nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, syscall.ECONNRESET, "errors.Is still sees the cause")
	depth := 0
	for e := err; e != nil; e = errors.Unwrap(e) {
		assertErrorHidesSecret(t, e)
		depth++
	}
	assert.Greater(t, depth, 1)
}

func TestMaxElapsedBoundsAHungAttempt(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t, WithRetryPolicy(RetryPolicy{MaxElapsed: 5 * time.Second}))
		env.respond("GET", "quotes", func(req *http.Request) (*http.Response, error) {
			<-req.Context().Done()
			return nil, req.Context().Err()
		})
		start := time.Now()
		_, _, err := env.client.Quotes.List(context.Background(), nil)
		assert.Equal(t, 5*time.Second, time.Since(start))
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Contains(t, err.Error(), "MaxElapsed")
	})
}

func TestPauseLongerThanMaxElapsedFailsFast(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t, WithRetryPolicy(RetryPolicy{MaxElapsed: 10 * time.Second}))
		env.respond("GET", "quotes", statusResponder(429, "30"))
		env.respond("GET", "invoices", jsonResponder(200, `[]`))
		_, _, err := env.client.Quotes.List(context.Background(), nil)
		assert.ErrorIs(t, err, ErrRateLimited)
		start := time.Now()
		_, _, err = env.client.Invoices.List(context.Background(), nil)
		assert.ErrorIs(t, err, ErrRateLimited, "the pause outlasts this call's MaxElapsed")
		assert.Zero(t, time.Since(start), "failed at once instead of sleeping into the deadline")
		assert.Equal(t, 1, env.mock.GetTotalCallCount())
	})
}

func TestFailedPOSTReadIsNotAPossibleWrite(t *testing.T) {
	t.Parallel()
	env := setup(t, WithoutRetries())
	env.respond("POST", "customers", func(*http.Request) (*http.Response, error) {
		return nil, &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	})
	_, _, err := env.client.Customers.List(context.Background(), nil)
	var re *RequestError
	require.ErrorAs(t, err, &re)
	assert.False(t, re.MayHaveBeenApplied, "customers is a read sent as POST")
	assert.NotContains(t, err.Error(), "may have been applied")
}

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

func TestIteratorStopsWhenTheServerIgnoresPaging(t *testing.T) {
	t.Parallel()
	env := setup(t)
	env.respond("GET", "quotes", jsonResponder(200, `[{"id":"2"},{"id":"1"}]`))
	var got []int64
	var errs []error
	for q, err := range env.client.Quotes.All(context.Background(), &ListOptions{PerPage: 2}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, q.ID)
	}
	assert.Equal(t, []int64{2, 1}, got)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrPagingStalled)
	assert.Equal(t, 2, env.mock.GetTotalCallCount())
}

func TestRefusedRedirectAfterAPOSTMayHaveBeenApplied(t *testing.T) {
	t.Parallel()
	env := setup(t)
	env.respond("POST", "create_event", func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(302, "")
		resp.Header.Set("Location", testAPI+"create_event/done/")
		return resp, nil
	})
	_, _, err := env.client.Events.Create(context.Background(), &EventRequest{Title: "t", From: time.Unix(1e9, 0), To: time.Unix(1e9+60, 0)})
	var re *RequestError
	require.ErrorAs(t, err, &re)
	assert.ErrorIs(t, err, ErrRedirectRefused)
	assert.True(t, re.MayHaveBeenApplied, "the server got the POST before it redirected")
	assert.Equal(t, 1, env.mock.GetTotalCallCount())
}

func TestDoTwiceSendsTheBodyTwice(t *testing.T) {
	t.Parallel()
	env := setup(t)
	rec := &recordingResponder{next: jsonResponder(200, `{"email":"a@example.com","id":1}`)}
	env.respond("POST", "create_customer", rec.responder())
	req, err := env.client.NewRequest(context.Background(), "POST", "create_customer", nil, map[string]string{"email": "a@example.com"})
	require.NoError(t, err)
	for range 2 {
		_, err = env.client.Do(req, nil)
		require.NoError(t, err)
	}
	require.Len(t, rec.bodies, 2)
	assert.JSONEq(t, `{"email":"a@example.com"}`, string(rec.bodies[1]))
}

func TestThrottleThatCannotAdmitBeforeTheDeadlineIsNotRetried(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t, WithRateLimit(0.1, 1))
		env.respond("GET", "quotes", jsonResponder(200, `[]`))
		_, _, err := env.client.Quotes.List(context.Background(), nil)
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		_, _, err = env.client.Quotes.List(ctx, nil)
		require.Error(t, err)
		var re *RequestError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, 1, re.Attempts)
		assert.Zero(t, time.Since(start), "the next slot is 10 s away: no point waiting or retrying")
	})
}

func TestHeadersEchoingTheCredentialsAreRedacted(t *testing.T) {
	t.Parallel()
	env := setup(t)
	env.respond("GET", "quotes", func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(200, `[]`)
		resp.Header.Set("X-Echo", req.URL.String())
		resp.Body = io.NopCloser(strings.NewReader(`[]`))
		return resp, nil
	})
	_, resp, err := env.client.Quotes.List(context.Background(), nil)
	require.NoError(t, err)
	assertNoSecret(t, resp.Header.Get("X-Echo"), fmt.Sprintf("%+v", resp))
	assert.Contains(t, resp.Header.Get("X-Echo"), "/zbs_api/quotes/")
}

func TestGetByEmailTreatsEmptyObjectsAsAMiss(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{}`, `null`, `[]`} {
		env := setup(t)
		env.respond("GET", "customer_search", jsonResponder(200, body))
		c, _, err := env.client.Customers.GetByEmail(context.Background(), "ada@example.com")
		assert.Nil(t, c, body)
		assert.ErrorIs(t, err, ErrNotFound, body)
	}
}
