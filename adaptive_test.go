package jetpackcrm_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// The rate limit a Client learns from the server, in virtual time
// (testing/synctest): the fake's token bucket, the Client's limiter, its
// shared Retry-After pause and its backoff all run on the bubble's clock,
// and requests go straight to the fake's handler, so minutes of traffic
// take a few seconds.

// limitRun is the outcome of workers calling Status for a while against a
// rate-limited fake.
type limitRun struct {
	ok, throttled int     // answers: accepted, 429
	achieved      float64 // accepted per second over the limit, whole run
	steady        float64 // the same over the second half
	share429      float64 // 429s over all answers
	learned       float64 // requests/s the last second of the run
}

// runAgainstLimit runs workers goroutines calling Status for d against a
// fake limiting to rps with bursts of burst, and must be called inside a
// synctest bubble.
func runAgainstLimit(t *testing.T, rps float64, burst, workers int, d time.Duration, opts ...jetpackcrm.Option) limitRun {
	t.Helper()
	srv := jetpackcrmtest.NewUnstartedServer(jetpackcrmtest.WithRateLimit(rps, burst), jetpackcrmtest.WithRequestLogLimit(0))
	policy := jetpackcrm.RetryPolicy{MaxRetries: 1000, WaitMin: 100 * time.Millisecond, WaitMax: time.Second, MaxElapsed: time.Hour}
	c, err := jetpackcrm.NewClient("http://127.0.0.1:1", srv.APIKey, srv.APISecret,
		append([]jetpackcrm.Option{jetpackcrm.WithHTTPClient(&http.Client{Transport: handlerTransport{srv.Handler()}}), jetpackcrm.WithRetryPolicy(policy)}, opts...)...)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	start := time.Now()
	var half, last atomic.Int64 // accepted calls in the second half, the last second
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				_, _, err := c.Status(ctx)
				if err != nil {
					// Near the end a pause can outlast the deadline and
					// the call fail at once: no spinning (virtual sleep).
					time.Sleep(10 * time.Millisecond)
					continue
				}
				if el := time.Since(start); el >= d/2 {
					half.Add(1)
					if el >= d-time.Second {
						last.Add(1)
					}
				}
			}
		}()
	}
	wg.Wait()
	throttled := srv.FaultCount(jetpackcrmtest.FaultRateLimited)
	ok := srv.RequestCount() - throttled
	// The burst the bucket starts with is not part of the rate.
	return limitRun{
		ok: ok, throttled: throttled,
		achieved: float64(ok-burst) / d.Seconds() / rps,
		steady:   float64(half.Load()) / (d / 2).Seconds() / rps,
		share429: float64(throttled) / float64(ok+throttled),
		learned:  float64(last.Load()),
	}
}

// serverLimits are the limits of the tests and the benchmark: a small host,
// a bigger one with the same small bucket, and one whose bucket holds a
// second's worth (the Retry-After pause then costs nothing).
var serverLimits = []struct {
	rps   float64
	burst int
}{{50, 10}, {200, 10}, {200, 200}}

// The learned limit reaches at least 85% of the server's with at most 2% of
// the requests answered 429, from a cold start, where the Client without
// it gets a fraction of it: every 429 pauses it for the second the server
// asks, in which a small bucket refills with 10 requests.
func TestAdaptiveRateLimitLearnsTheServersLimit(t *testing.T) {
	t.Parallel()
	const d, workers = 2 * time.Minute, 8
	for _, lim := range serverLimits {
		t.Run(fmt.Sprintf("%.0f/s burst %d", lim.rps, lim.burst), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				adaptive := runAgainstLimit(t, lim.rps, lim.burst, workers, d)
				t.Logf("%.0f/s burst %d, %d workers, %v: %.3f of the limit (second half %.3f), %d 429s = %.2f%% of %d answers",
					lim.rps, lim.burst, workers, d, adaptive.achieved, adaptive.steady, adaptive.throttled, 100*adaptive.share429, adaptive.ok+adaptive.throttled)
				assert.GreaterOrEqual(t, adaptive.achieved, 0.85, "at least 85%% of the limit")
				assert.LessOrEqual(t, adaptive.share429, 0.02, "at most 2%% of the requests answered 429")
				assert.LessOrEqual(t, adaptive.achieved, 1.0)
				if lim.burst < int(lim.rps) {
					none := runAgainstLimit(t, lim.rps, lim.burst, workers, d, jetpackcrm.WithoutAdaptiveRateLimit())
					t.Logf("without it: %.3f of the limit, %d 429s", none.achieved, none.throttled)
					assert.Less(t, none.achieved, 0.5, "the pause alone gets a fraction of the limit")
				}
			})
		})
	}
}

// A caller's WithRateLimit is a ceiling: with the learned limit on, the
// Client never sends faster.
func TestAdaptiveRateLimitStaysUnderWithRateLimit(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// The server allows 200/s in bursts of 10; the caller says 100/s
		// in bursts of 50 (the burst lets 429s happen).
		r := runAgainstLimit(t, 200, 10, 8, time.Minute, jetpackcrm.WithRateLimit(100, 50))
		t.Logf("server 200/s, WithRateLimit(100, 50): %.3f of the server's limit, %d 429s, %.0f requests the last second", r.achieved, r.throttled, r.learned)
		assert.LessOrEqual(t, r.steady, 0.5+0.01, "never above the caller's 100/s")
		assert.GreaterOrEqual(t, r.steady, 0.45)
	})
}

// Every Retry-After is honoured: after a 429 that asks for 3 seconds no
// request reaches the server for 3 seconds, with the learned limit on.
func TestAdaptiveRateLimitHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := jetpackcrmtest.NewUnstartedServer(jetpackcrmtest.WithRequestLogLimit(100000))
		c, err := jetpackcrm.NewClient("http://127.0.0.1:1", srv.APIKey, srv.APISecret,
			jetpackcrm.WithHTTPClient(&http.Client{Transport: handlerTransport{srv.Handler()}}),
			jetpackcrm.WithRetryPolicy(jetpackcrm.RetryPolicy{MaxRetries: 100, WaitMin: 10 * time.Millisecond, WaitMax: 100 * time.Millisecond}))
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: "status", Rate: 0.01, Kinds: []jetpackcrmtest.FaultKind{jetpackcrmtest.Fault429}, RetryAfter: 3 * time.Second, Seed: 3})
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					if _, _, err := c.Status(ctx); err != nil {
						time.Sleep(10 * time.Millisecond) // virtual: no spinning on a call that fails at once
					}
				}
			}()
		}
		wg.Wait()
		// Requests already on their way when the 429 came are not
		// recalled: in virtual time they arrive at its very instant.
		var pauses []time.Time
		reqs := srv.Requests()
		for _, r := range reqs {
			if r.Fault == jetpackcrmtest.Fault429 {
				pauses = append(pauses, r.Time)
			}
		}
		for _, r := range reqs {
			for _, p := range pauses {
				if r.Time.After(p) && r.Time.Before(p.Add(3*time.Second)) {
					t.Fatalf("a request at %v, during the pause from %v", r.Time, p)
				}
			}
		}
		assert.Greater(t, len(pauses), 2)
		t.Logf("%d requests, %d pauses of 3 s, none during a pause", len(reqs), len(pauses))
	})
}

// Stray refusals without Retry-After (a flaky backend's 503s, a few 429s)
// do not slow the Client down: under 10% of the answers of a second, they
// are not taken for a rate limit.
func TestAdaptiveRateLimitIgnoresStrayRefusals(t *testing.T) {
	t.Parallel()
	run := func(opts ...jetpackcrm.Option) int {
		srv := jetpackcrmtest.NewUnstartedServer(jetpackcrmtest.WithRequestLogLimit(0))
		srv.InjectFaults(jetpackcrmtest.Faults{Rate: 0.05, Kinds: []jetpackcrmtest.FaultKind{jetpackcrmtest.Fault503, jetpackcrmtest.Fault429}, RetryAfter: -1, Seed: 5})
		srv.InjectFaults(jetpackcrmtest.Faults{Rate: 1, Kinds: []jetpackcrmtest.FaultKind{jetpackcrmtest.FaultLatency}, Latency: 5 * time.Millisecond})
		c, err := jetpackcrm.NewClient("http://127.0.0.1:1", srv.APIKey, srv.APISecret,
			append([]jetpackcrm.Option{jetpackcrm.WithHTTPClient(&http.Client{Transport: handlerTransport{srv.Handler()}}),
				jetpackcrm.WithRetryPolicy(jetpackcrm.RetryPolicy{MaxRetries: 100, WaitMin: 10 * time.Millisecond, WaitMax: 20 * time.Millisecond})}, opts...)...)
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					if _, _, err := c.Status(ctx); err != nil {
						time.Sleep(10 * time.Millisecond) // virtual: no spinning on a call that fails at once
					}
				}
			}()
		}
		wg.Wait()
		return srv.RequestCount()
	}
	synctest.Test(t, func(t *testing.T) {
		with, without := run(), run(jetpackcrm.WithoutAdaptiveRateLimit())
		t.Logf("5%% stray 503s and 429s without Retry-After, 10 s: %d requests with the learned limit, %d without", with, without)
		assert.InEpsilon(t, without, with, 0.02)
	})
}
