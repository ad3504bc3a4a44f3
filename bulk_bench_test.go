package jetpackcrm_test

// Throughput of Customers.UpsertMany against the jetpackcrmtest fake:
// with a server-side rate limit (achieved rate / limit) and without one
// (SDK / hand-written parallel net/http at the same concurrency).
// scripts/bench prints both ratios.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// perfBulkConcurrency is the concurrency of every bulk benchmark.
const perfBulkConcurrency = 8

// perfBulkRequests returns n create requests for distinct new contacts.
func perfBulkRequests(iter, n int) []*jetpackcrm.CustomerRequest {
	reqs := make([]*jetpackcrm.CustomerRequest, n)
	for i := range reqs {
		reqs[i] = &jetpackcrm.CustomerRequest{
			Email: fmt.Sprintf("bulk.%d.%d@example.com", iter, i), Status: "Lead",
			FirstName: "Ada", LastName: fmt.Sprint("Lovelace", i),
			Address:     jetpackcrm.Address{Line1: "12 St James Square", City: "London", Postcode: "SW1Y 4JH", Country: "United Kingdom"},
			MobilePhone: "07700 900123", Tags: []string{"bulk"},
		}
	}
	return reqs
}

// BenchmarkUpsertManyRateLimited writes contacts through a fake that
// answers 429 (Retry-After, whole seconds, at least 1) beyond limit
// requests per second with bursts of burst, and reports the sustained
// rate: the requests beyond the bucket's initial burst divided by the
// elapsed time, which the server caps at the limit. achieved/limit is that
// rate over the limit; 429s/op counts the refusals, 429-share their share
// of all answers; lost/op counts requests with no contact stored, failed/op
// results with an error. Each run starts cold (a new Client and fake).
//
// mode=adaptive is the default Client, which learns the limit; mode=none
// turns that off (WithoutAdaptiveRateLimit), so only the shared Retry-After
// pause throttles; mode=WithRateLimit is the limit set by hand, by a caller
// who knows it (WithRateLimit(limit, 1), adaptive off: a client burst as
// big as the server's drifts out of phase with its bucket and is answered
// 429, which pauses the Client for the Retry-After second). Runs last about
// a minute (adaptive, which has to find the limit first: a few 1-second
// pauses) or 5 s (the others); TestAdaptiveRateLimitLearnsTheServersLimit
// runs 2 minutes in virtual time. B/op and allocs/op include the fake's.
func BenchmarkUpsertManyRateLimited(b *testing.B) {
	for _, lim := range []struct {
		rate  float64
		burst int
	}{{50, 10}, {200, 10}, {200, 200}} {
		for _, mode := range []struct {
			name    string
			opts    []jetpackcrm.Option
			seconds float64
		}{
			{"adaptive", nil, 60},
			{"none", []jetpackcrm.Option{jetpackcrm.WithoutAdaptiveRateLimit()}, 5},
			{"WithRateLimit", []jetpackcrm.Option{jetpackcrm.WithoutAdaptiveRateLimit(), jetpackcrm.WithRateLimit(lim.rate, 1)}, 5},
		} {
			name := fmt.Sprintf("limit=%.0f,burst=%d/mode=%s", lim.rate, lim.burst, mode.name)
			b.Run(name, func(b *testing.B) {
				// What the mode gets in that time: the pause alone lets a
				// small bucket refill once a second.
				expected := lim.rate
				if mode.name == "none" && lim.burst < int(lim.rate) {
					expected = float64(lim.burst)
				}
				n := lim.burst + int(expected*mode.seconds)
				var elapsed time.Duration
				var sent, lost, failed, throttled, answers int
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					srv := jetpackcrmtest.NewServer(jetpackcrmtest.WithRequestLogLimit(0))
					c, err := jetpackcrm.NewClient(srv.URL, srv.APIKey, srv.APISecret, mode.opts...)
					if err != nil {
						b.Fatal(err)
					}
					reqs := perfBulkRequests(i, n)
					srv.SetRateLimit(lim.rate, lim.burst) // a full bucket, from now
					b.StartTimer()
					start := time.Now()
					results, err := c.Customers.UpsertMany(context.Background(), reqs, jetpackcrm.BulkOptions{Concurrency: perfBulkConcurrency})
					elapsed += time.Since(start)
					b.StopTimer()
					if err != nil {
						b.Fatal(err)
					}
					for _, r := range results {
						if r.Err != nil {
							failed++
						}
					}
					sent += n - lim.burst
					lost += n - srv.Counts().Contacts
					throttled += srv.FaultCount(jetpackcrmtest.FaultRateLimited)
					answers += srv.RequestCount()
					c.CloseIdleConnections()
					srv.Close()
					b.StartTimer()
				}
				achieved := float64(sent) / elapsed.Seconds()
				b.ReportMetric(achieved, "req/s")
				b.ReportMetric(achieved/lim.rate, "achieved/limit")
				b.ReportMetric(float64(lost)/float64(b.N), "lost/op")
				b.ReportMetric(float64(failed)/float64(b.N), "failed/op")
				b.ReportMetric(float64(throttled)/float64(b.N), "429s/op")
				b.ReportMetric(float64(throttled)/float64(answers), "429-share")
			})
		}
	}
}

// perfRawUpserts posts each body to create_customer with workers goroutines
// and plain net/http, reading every answer: the floor a bulk writer cannot
// beat.
func perfRawUpserts(hc *http.Client, srv *jetpackcrmtest.Server, bodies [][]byte, workers int) error {
	target := srv.URL + "/zbs_api/create_customer/?" + url.Values{"api_key": {srv.APIKey}, "api_secret": {srv.APISecret}}.Encode()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(bodies) {
					return
				}
				req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(bodies[i]))
				if err != nil {
					errs <- err
					return
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/json")
				resp, err := hc.Do(req)
				if err != nil {
					errs <- err
					return
				}
				body, err := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"id"`)) {
					errs <- fmt.Errorf("HTTP %d %q: %v", resp.StatusCode, body, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// BenchmarkUpsertManyUnlimited compares UpsertMany with a hand-written
// parallel net/http loop posting the same JSON, at the same concurrency,
// to a fake without a rate limit. Each iteration runs both, in alternating
// order, on fresh fakes (the fake slows down as it fills up); sdk/raw is
// the ratio of their throughputs.
func BenchmarkUpsertManyUnlimited(b *testing.B) {
	const n = 1000
	var sdkTime, rawTime time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		reqs := perfBulkRequests(i, n)
		bodies := make([][]byte, n)
		for j, r := range reqs {
			var err error
			if bodies[j], err = json.Marshal(r); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		for k := 0; k < 2; k++ {
			b.StopTimer()
			srv := jetpackcrmtest.NewServer(jetpackcrmtest.WithRequestLogLimit(0))
			b.StartTimer()
			if (i+k)%2 == 0 {
				c, err := jetpackcrm.NewClient(srv.URL, srv.APIKey, srv.APISecret)
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				results, err := c.Customers.UpsertMany(context.Background(), reqs, jetpackcrm.BulkOptions{Concurrency: perfBulkConcurrency})
				sdkTime += time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range results {
					if r.Err != nil {
						b.Fatal(r.Err)
					}
				}
			} else {
				tr := http.DefaultTransport.(*http.Transport).Clone()
				tr.MaxIdleConnsPerHost = 64 // as the SDK's default transport
				hc := &http.Client{Transport: tr}
				start := time.Now()
				err := perfRawUpserts(hc, srv, bodies, perfBulkConcurrency)
				rawTime += time.Since(start)
				tr.CloseIdleConnections()
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if got := srv.Counts().Contacts; got != n {
				b.Fatalf("%d contacts stored, want %d", got, n)
			}
			srv.Close()
			b.StartTimer()
		}
	}
	total := float64(n * b.N)
	sdk, raw := total/sdkTime.Seconds(), total/rawTime.Seconds()
	b.ReportMetric(sdk, "sdk-req/s")
	b.ReportMetric(raw, "raw-req/s")
	b.ReportMetric(sdk/raw, "sdk/raw")
}
