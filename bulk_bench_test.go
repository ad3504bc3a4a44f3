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
// answers 429 (Retry-After, whole seconds, at least 1) beyond perfRate
// requests per second with bursts of burst, and reports the sustained rate:
// the requests beyond the bucket's initial burst divided by the elapsed
// time, which the server caps at the limit. achieved/limit is that rate
// over the limit; lost/op counts requests with no contact stored, failed/op
// results with an error.
func BenchmarkUpsertManyRateLimited(b *testing.B) {
	const rate = 200
	for _, bc := range []struct {
		name  string
		burst int
		opts  []jetpackcrm.Option
	}{
		// A bucket that holds the server's own Retry-After (1 s) worth.
		{name: "burst=200", burst: rate},
		// A small bucket, with the client throttled to the same rate.
		{name: "burst=10/WithRateLimit", burst: 10, opts: []jetpackcrm.Option{jetpackcrm.WithRateLimit(rate, 1)}},
		// A small bucket and no client throttle: every 429 pauses the client
		// for 1 s, during which the bucket refills only burst requests.
		{name: "burst=10", burst: 10},
	} {
		b.Run(bc.name, func(b *testing.B) {
			// Two seconds' worth beyond the burst (fewer for the small
			// bucket without throttle, which runs near burst per second).
			n := bc.burst + 2*rate
			if bc.burst < rate && bc.opts == nil {
				n = bc.burst + rate/5
			}
			var elapsed time.Duration
			var sent, lost, failed, throttled int
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				srv := jetpackcrmtest.NewServer(jetpackcrmtest.WithRequestLogLimit(0))
				c, err := jetpackcrm.NewClient(srv.URL, srv.APIKey, srv.APISecret, bc.opts...)
				if err != nil {
					b.Fatal(err)
				}
				reqs := perfBulkRequests(i, n)
				srv.SetRateLimit(rate, bc.burst) // a full bucket, from now
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
				sent += n - bc.burst
				lost += n - srv.Counts().Contacts
				throttled += srv.FaultCount(jetpackcrmtest.FaultRateLimited)
				srv.Close()
				b.StartTimer()
			}
			achieved := float64(sent) / elapsed.Seconds()
			b.ReportMetric(achieved, "req/s")
			b.ReportMetric(achieved/rate, "achieved/limit")
			b.ReportMetric(float64(lost)/float64(b.N), "lost/op")
			b.ReportMetric(float64(failed)/float64(b.N), "failed/op")
			b.ReportMetric(float64(throttled)/float64(b.N), "429s/op")
		})
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
