package jetpackcrm_test

// Customers.Sync against the fake behind the latency profile of a real
// Jetpack CRM (siteProfile), compared with what a merging UpsertMany did
// before Sync (a lookup and a write per contact: perRowMerge) and with a
// plain UpsertMany. The issue 13 targets, for 3,000 contacts:
//
//   - a second pass over unchanged contacts: at most 2 reads per 1,000
//     contacts and no write (reads/1000 and writes/op);
//   - 1% changed: at least 20x faster than the per-row merge;
//   - a first pass over new contacts: within 10% of a plain UpsertMany.
//
//	go test -run '^$' -bench 'BenchmarkSync' -benchtime 1x -count 5 . | tee sync.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /method sync.txt
//
// BenchmarkRealSiteProfile measures the profile on a real site.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/internal/realsite"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// siteProfile is how long a site takes to answer, per endpoint, and how
// many requests it serves at once (its PHP workers are bound by its cores).
type siteProfile struct {
	cores      int
	write      time.Duration // create_customer
	lookup     time.Duration // customer_search
	page       time.Duration // customers, plus perContact for each one returned
	perContact time.Duration
}

// realSiteProfile is a real Jetpack CRM 6.4.4 on 2 cores (PHP 8.2, MariaDB
// 10.11, shared with other work), measured with BenchmarkRealSiteProfile:
// medians of 20 sequential create_customer (53 ms) and customer_search by
// email (49 ms), and of 5 customers pages of 10 to 1,000 contacts (52 ms for
// 10, 98 for 100, 344 for 500, 658 for 1,000: 45 ms + 0.61 ms per contact;
// 0.83 ms with tags). 1,200 rows upserted 4 at a time took 30 s (40 writes
// per second: the 2 cores are the limit).
var realSiteProfile = siteProfile{cores: 2, write: 53 * time.Millisecond, lookup: 49 * time.Millisecond,
	page: 45 * time.Millisecond, perContact: 610 * time.Microsecond}

// profileScale shrinks every delay, so that a run over 3,000 contacts
// takes seconds rather than minutes. The ratios hold: the client's own work
// per request (tens of microseconds) stays small against 5 ms.
const profileScale = 0.1

// profiledSite is the fake behind siteProfile, counting requests.
type profiledSite struct {
	srv   *jetpackcrmtest.Server
	ts    *httptest.Server
	cores chan struct{}
	p     siteProfile
	scale float64
	mu    sync.Mutex
	calls map[string]int
}

func newProfiledSite(tb testing.TB, p siteProfile, scale float64) *profiledSite {
	tb.Helper()
	s := &profiledSite{srv: jetpackcrmtest.NewServer(), cores: make(chan struct{}, p.cores), p: p, scale: scale, calls: map[string]int{}}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(func() {
		s.ts.Close()
		s.srv.Close()
	})
	return s
}

func (s *profiledSite) serve(w http.ResponseWriter, r *http.Request) {
	endpoint := strings.Trim(strings.TrimPrefix(r.URL.Path, "/zbs_api/"), "/")
	s.cores <- struct{}{}
	defer func() { <-s.cores }()
	rec := httptest.NewRecorder()
	s.srv.Handler().ServeHTTP(rec, r)
	var d time.Duration
	switch endpoint {
	case "create_customer":
		d = s.p.write
	case "customer_search":
		d = s.p.lookup
	case "customers":
		var items []json.RawMessage
		_ = json.Unmarshal(rec.Body.Bytes(), &items)
		d = s.p.page + time.Duration(len(items))*s.p.perContact
	}
	time.Sleep(time.Duration(float64(d) * s.scale))
	s.mu.Lock()
	s.calls[endpoint]++
	s.mu.Unlock()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func (s *profiledSite) take() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.calls
	s.calls = map[string]int{}
	return m
}

func (s *profiledSite) client(tb testing.TB) *jetpackcrm.Client {
	tb.Helper()
	c, err := jetpackcrm.NewClient(s.ts.URL, s.srv.APIKey, s.srv.APISecret)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// perRowMerge is a merging UpsertMany as it was before Sync: per request,
// Customers.Update (a lookup and a write) and Customers.Create when no
// contact has the email; requests of one email in order, concurrency at a
// time.
func perRowMerge(ctx context.Context, c *jetpackcrm.Client, reqs []*jetpackcrm.CustomerRequest, concurrency int) error {
	groups := map[string][]*jetpackcrm.CustomerRequest{}
	var order []string
	for _, r := range reqs {
		k := strings.ToLower(r.Email)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	work := make(chan []*jetpackcrm.CustomerRequest)
	var failed atomic.Int32
	var wg sync.WaitGroup
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := range work {
				for _, r := range g {
					_, _, err := c.Customers.Update(ctx, r.Email, r)
					if errors.Is(err, jetpackcrm.ErrNotFound) {
						_, _, err = c.Customers.Create(ctx, r)
					}
					if err != nil {
						failed.Add(1)
					}
				}
			}
		}()
	}
	for _, k := range order {
		work <- groups[k]
	}
	close(work)
	wg.Wait()
	if n := failed.Load(); n > 0 {
		return fmt.Errorf("%d requests failed", n)
	}
	return nil
}

const benchSyncContacts = 3000

// seedSync seeds the site with the contacts of syncContact and returns the
// requests that hold what is stored.
func seedSync(b *testing.B, site *profiledSite, n int) []*jetpackcrm.CustomerRequest {
	b.Helper()
	reqs := make([]*jetpackcrm.CustomerRequest, n)
	for i := range reqs {
		seed, req := syncContact(i)
		if _, err := site.srv.SeedContact(seed); err != nil {
			b.Fatal(err)
		}
		reqs[i] = req
	}
	return reqs
}

func BenchmarkSync(b *testing.B) {
	ctx := context.Background()
	const conc = jetpackcrm.DefaultBulkConcurrency
	type method struct {
		name string
		run  func(c *jetpackcrm.Client, reqs []*jetpackcrm.CustomerRequest) error
	}
	sync := method{"sync", func(c *jetpackcrm.Client, reqs []*jetpackcrm.CustomerRequest) error {
		res, err := c.Customers.Sync(ctx, reqs, jetpackcrm.SyncOptions{Concurrency: conc})
		if err == nil {
			for _, r := range res {
				if r.Err != nil {
					return r.Err
				}
			}
		}
		return err
	}}
	perRow := method{"per-row-merge", func(c *jetpackcrm.Client, reqs []*jetpackcrm.CustomerRequest) error {
		return perRowMerge(ctx, c, reqs, conc)
	}}
	upsert := method{"upsert", func(c *jetpackcrm.Client, reqs []*jetpackcrm.CustomerRequest) error {
		res, err := c.Customers.UpsertMany(ctx, reqs, jetpackcrm.BulkOptions{Concurrency: conc})
		if err == nil {
			for _, r := range res {
				if r.Err != nil {
					return r.Err
				}
			}
		}
		return err
	}}
	for _, sc := range []struct {
		name    string
		methods []method
		// setup seeds a fresh site and returns the requests to send.
		setup func(b *testing.B, site *profiledSite) []*jetpackcrm.CustomerRequest
	}{
		{"second-pass-unchanged", []method{sync, perRow}, func(b *testing.B, site *profiledSite) []*jetpackcrm.CustomerRequest {
			return seedSync(b, site, benchSyncContacts)
		}},
		{"one-percent-changed", []method{sync, perRow}, func(b *testing.B, site *profiledSite) []*jetpackcrm.CustomerRequest {
			reqs := seedSync(b, site, benchSyncContacts)
			for i := 0; i < len(reqs); i += 100 {
				reqs[i].Address.City = "York"
			}
			return reqs
		}},
		{"first-pass-new", []method{sync, upsert}, func(b *testing.B, site *profiledSite) []*jetpackcrm.CustomerRequest {
			reqs := make([]*jetpackcrm.CustomerRequest, benchSyncContacts)
			for i := range reqs {
				_, reqs[i] = syncContact(i)
			}
			return reqs
		}},
	} {
		for _, m := range sc.methods {
			b.Run(sc.name+"/method="+m.name, func(b *testing.B) {
				var reads, writes, lookups int
				for range b.N {
					b.StopTimer()
					site := newProfiledSite(b, realSiteProfile, profileScale)
					reqs := sc.setup(b, site)
					c := site.client(b)
					site.take()
					b.StartTimer()
					if err := m.run(c, reqs); err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					calls := site.take()
					reads += calls["customers"]
					lookups += calls["customer_search"]
					writes += calls["create_customer"]
					c.CloseIdleConnections()
					b.StartTimer()
				}
				n := float64(b.N)
				b.ReportMetric(float64(reads)/n/(benchSyncContacts/1000.0), "reads/1000contacts")
				b.ReportMetric(float64(lookups)/n, "lookups/op")
				b.ReportMetric(float64(writes)/n, "writes/op")
			})
		}
	}
}

// BenchmarkRealSiteProfile measures, on the primary real site, what
// realSiteProfile holds: a create_customer, a customer_search by email and
// customers pages of 10 to 1,000 contacts (the site needs that many; it
// creates 20 contacts of its own for the first two).
//
//	go test -run '^$' -bench RealSiteProfile -benchtime 1x .
func BenchmarkRealSiteProfile(b *testing.B) {
	s := realsite.Primary(b)
	c := s.Client(b)
	ctx := context.Background()
	stamp := realsite.Stamp()
	median := func(ds []time.Duration) time.Duration {
		for i := range ds {
			for j := i + 1; j < len(ds); j++ {
				if ds[j] < ds[i] {
					ds[i], ds[j] = ds[j], ds[i]
				}
			}
		}
		return ds[len(ds)/2]
	}
	for range b.N {
		var writes, lookups []time.Duration
		for i := range 20 {
			email := fmt.Sprintf("profile-%s-%d@example.org", stamp, i)
			t0 := time.Now()
			if _, _, err := c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: email, FirstName: "Profile", Status: "Lead"}); err != nil {
				b.Fatal(err)
			}
			writes = append(writes, time.Since(t0))
			t0 = time.Now()
			if _, _, err := c.Customers.GetByEmail(ctx, email); err != nil {
				b.Fatal(err)
			}
			lookups = append(lookups, time.Since(t0))
		}
		b.ReportMetric(float64(median(writes).Microseconds())/1000, "create-ms")
		b.ReportMetric(float64(median(lookups).Microseconds())/1000, "lookup-ms")
		for _, pp := range []int{10, 100, 500, 1000} {
			var pages []time.Duration
			got := 0
			for range 5 {
				t0 := time.Now()
				list, _, err := c.Customers.List(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{Page: 1, PerPage: pp}})
				if err != nil {
					b.Fatal(err)
				}
				pages = append(pages, time.Since(t0))
				got = len(list)
			}
			if got < pp {
				b.Logf("the site has %d contacts, fewer than a page of %d", got, pp)
			}
			b.ReportMetric(float64(median(pages).Microseconds())/1000, fmt.Sprintf("page%d-ms", pp))
		}
	}
}

// BenchmarkRealSiteSync runs the scenarios of BenchmarkSync on the primary
// real site, over 100 contacts of its own per run (the site is shared and
// holds others' contacts, which Sync reads too): a first pass over new
// contacts (Sync and a plain UpsertMany, each on its own 100), then a
// second pass and a pass with 1% changed over Sync's (Sync and the per-row
// merge).
//
//	go test -run '^$' -bench RealSiteSync -benchtime 1x .
func BenchmarkRealSiteSync(b *testing.B) {
	s := realsite.Primary(b)
	ctx := context.Background()
	const n = 100
	batch := func(prefix string) []*jetpackcrm.CustomerRequest {
		stamp := realsite.Stamp()
		reqs := make([]*jetpackcrm.CustomerRequest, n)
		for i := range reqs {
			_, reqs[i] = syncContact(i)
			reqs[i].Email = fmt.Sprintf("%s-%s-%d@example.org", prefix, stamp, i)
		}
		return reqs
	}
	check := func(res []jetpackcrm.BulkResult, err error) {
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
	}
	for range b.N {
		c := s.Client(b)
		timed := func(name string, f func()) {
			t0 := time.Now()
			f()
			b.ReportMetric(time.Since(t0).Seconds(), name+"-s")
		}
		synced := batch("bench-sync")
		timed("first-pass-sync", func() { check(c.Customers.Sync(ctx, synced, jetpackcrm.SyncOptions{})) })
		timed("first-pass-upsert", func() { check(c.Customers.UpsertMany(ctx, batch("bench-upsert"), jetpackcrm.BulkOptions{})) })
		timed("second-pass-sync", func() { check(c.Customers.Sync(ctx, synced, jetpackcrm.SyncOptions{})) })
		timed("second-pass-per-row-merge", func() {
			if err := perRowMerge(ctx, c, synced, jetpackcrm.DefaultBulkConcurrency); err != nil {
				b.Fatal(err)
			}
		})
		synced[0].Address.City = "York"
		timed("one-percent-changed-sync", func() { check(c.Customers.Sync(ctx, synced, jetpackcrm.SyncOptions{})) })
		synced[0].Address.City = "Hull"
		timed("one-percent-changed-per-row-merge", func() {
			if err := perRowMerge(ctx, c, synced, jetpackcrm.DefaultBulkConcurrency); err != nil {
				b.Fatal(err)
			}
		})
	}
}
