package jetpackcrm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// The reliability tests (TestReliability*, in the test file of the source
// each holds to it) check that nothing is lost or duplicated under injected
// faults (customers_test.go, transactions_test.go, reconcile_test.go), that
// one 429 pauses the whole Client (retry_test.go), that one Client is shared
// by 32 goroutines without races or leaked goroutines (here), and that no
// credential shows in anything the SDK hands back or logs on any of those
// paths (redact_test.go). RELIABILITY.md reports the figures these tests
// log (go test -race -run 'TestReliability' -v ./).

// relFaultKinds are the faults of the loss tests: the three retryable
// statuses and a connection reset before and after the write is applied.
// Retry-After is omitted (RetryAfter -1) so that the fault storm does not
// pause the Client for seconds; TestReliabilityRateLimitPause covers it.
var relFaultKinds = []jetpackcrmtest.FaultKind{
	jetpackcrmtest.Fault429, jetpackcrmtest.Fault500, jetpackcrmtest.Fault503,
	jetpackcrmtest.FaultResetBeforeWrite, jetpackcrmtest.FaultResetAfterWrite,
}

// relFaultSeeds make the runs reproducible: the n-th request to an
// endpoint always gets the same fault, whatever goroutine sends it.
const (
	relSeedCustomers    = 20261128
	relSeedTransactions = 20261129
	relSeedEvents       = 20261130
)

// relRun calls do(i) for i in [0,n) from workers goroutines and returns
// each call's attempts and error.
func relRun(n, workers int, do func(i int) (attempts int, err error)) (attempts []int, errs []error) {
	attempts, errs = make([]int, n), make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				attempts[i], errs[i] = do(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return attempts, errs
}

// relAttempts is how many times a call was sent, from its Response or its
// error.
func relAttempts(resp *jetpackcrm.Response, err error) int {
	if resp != nil {
		return resp.Attempts
	}
	var ae *jetpackcrm.APIError
	var re *jetpackcrm.RequestError
	var de *jetpackcrm.DecodeError
	switch {
	case errors.As(err, &ae):
		return ae.Attempts
	case errors.As(err, &re):
		return re.Attempts
	case errors.As(err, &de):
		return de.Attempts
	}
	return 0
}

func relSum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// relFaultSummary renders fault counters in a fixed order.
func relFaultSummary(counts map[jetpackcrmtest.FaultKind]int) string {
	var parts []string
	total := 0
	for _, k := range relFaultKinds {
		parts = append(parts, fmt.Sprintf("%s=%d", k, counts[k]))
		total += counts[k]
	}
	return fmt.Sprintf("%d (%s)", total, strings.Join(parts, " "))
}

// relSeedConcurrentSite makes the site of TestReliabilityConcurrentClient:
// 5% faults of the kinds that apply nothing (503, a PHP notice, latency),
// 30 contacts, 5 quotes, 5 invoices and an echoing webhook.
func relSeedConcurrentSite(t *testing.T, srv *jetpackcrmtest.Server) {
	t.Helper()
	srv.InjectFaults(jetpackcrmtest.Faults{Rate: 0.05, Seed: 4, RetryAfter: -1, Latency: 2 * time.Millisecond,
		Kinds: []jetpackcrmtest.FaultKind{jetpackcrmtest.Fault503, jetpackcrmtest.FaultHTMLNotice, jetpackcrmtest.FaultLatency}})
	srv.SeedContacts(30)
	for i := range 5 {
		_, err := srv.SeedQuote(jetpackcrmtest.Quote{Title: fmt.Sprintf("Quote %d", i), Value: "100.00"})
		require.NoError(t, err)
		_, err = srv.SeedInvoice(jetpackcrmtest.Invoice{})
		require.NoError(t, err)
	}
	srv.HandleWebhook("rel_echo", func(data json.RawMessage) (any, error) { return data, nil })
}

// relConcurrentReadOps are the status, contact and list calls of
// TestReliabilityConcurrentClient (with the contact create, update and
// merge check).
func relConcurrentReadOps(ctx context.Context, c *jetpackcrm.Client) []func(g, r int) error {
	return []func(g, r int) error{
		func(g, r int) error { _, _, err := c.Status(ctx); return err },
		func(g, r int) error { _, _, err := c.StatusFull(ctx); return err },
		func(g, r int) error {
			email := fmt.Sprintf("g%d.r%d@example.com", g, r)
			if _, _, err := c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: email, FirstName: "Con", Status: "Lead"}); err != nil {
				return err
			}
			if _, _, err := c.Customers.Update(ctx, email, &jetpackcrm.CustomerRequest{LastName: "Current"}); err != nil {
				return err
			}
			got, _, err := c.Customers.GetByEmail(ctx, email)
			if err == nil && (got.FirstName != "Con" || got.LastName != "Current") {
				err = fmt.Errorf("merge lost a field: %+v", got)
			}
			return err
		},
		func(g, r int) error {
			_, _, err := c.Customers.List(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{Page: 1 + g%3, PerPage: 5}, WithTags: true})
			return err
		},
		func(g, r int) error {
			_, _, err := c.Customers.Search(ctx, "a", &jetpackcrm.ListOptions{PerPage: 5})
			return err
		},
		func(g, r int) error {
			for _, err := range c.Customers.All(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 25}}) {
				if err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// relConcurrentWriteOps are the company, transaction, event, quote, invoice,
// webhook, bulk and raw Do calls of TestReliabilityConcurrentClient.
func relConcurrentWriteOps(ctx context.Context, c *jetpackcrm.Client, from time.Time) []func(g, r int) error {
	return []func(g, r int) error{
		func(g, r int) error {
			_, _, err := c.Companies.Create(ctx, &jetpackcrm.CompanyRequest{Name: fmt.Sprintf("Co %d-%d", g, r), Email: fmt.Sprintf("co.%d.%d@example.com", g, r)})
			if err != nil {
				return err
			}
			_, _, err = c.Companies.List(ctx, &jetpackcrm.ListOptions{PerPage: 5})
			return err
		},
		func(g, r int) error {
			_, _, err := c.Transactions.Create(ctx, &jetpackcrm.TransactionRequest{OrderID: fmt.Sprintf("C-%d-%d", g, r), Status: "Succeeded", Total: decimal.New(999, -2)})
			if err != nil {
				return err
			}
			for _, err := range c.Transactions.All(ctx, &jetpackcrm.ListOptions{PerPage: 50}) {
				if err != nil {
					return err
				}
			}
			return nil
		},
		func(g, r int) error {
			// A 5% fault rate includes resets-free kinds only, so even the
			// unsafe Events.Create (retried on 503) must succeed.
			_, _, err := c.Events.Create(ctx, &jetpackcrm.EventRequest{Title: fmt.Sprintf("Ev %d-%d", g, r), From: from, To: from.Add(time.Hour)})
			if err != nil {
				return err
			}
			_, _, err = c.Events.List(ctx, &jetpackcrm.EventListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 10}})
			return err
		},
		func(g, r int) error {
			if _, _, err := c.Quotes.List(ctx, nil); err != nil {
				return err
			}
			for _, err := range c.Invoices.All(ctx, nil) {
				if err != nil {
					return err
				}
			}
			for _, err := range c.Quotes.All(ctx, &jetpackcrm.ListOptions{PerPage: 2}) {
				if err != nil {
					return err
				}
			}
			return nil
		},
		func(g, r int) error {
			res, _, err := c.Webhooks.Send(ctx, "rel_echo", map[string]int{"g": g, "r": r})
			if err == nil && string(res.Data) != fmt.Sprintf(`{"g":%d,"r":%d}`, g, r) {
				err = fmt.Errorf("webhook echo %s", res.Data)
			}
			return err
		},
		func(g, r int) error {
			batch := []*jetpackcrm.CustomerRequest{
				{Email: fmt.Sprintf("bulk.%d.%d.a@example.com", g, r)},
				{Email: fmt.Sprintf("bulk.%d.%d.b@example.com", g, r)},
				{Email: fmt.Sprintf("bulk.%d.%d.a@example.com", g, r), FirstName: "Again"},
			}
			results, err := c.Customers.UpsertMany(ctx, batch, jetpackcrm.BulkOptions{Concurrency: 2, Merge: r%2 == 0})
			if err != nil {
				return err
			}
			for _, res := range results {
				if res.Err != nil {
					return res.Err
				}
			}
			return nil
		},
		func(g, r int) error {
			req, err := c.NewRequest(ctx, http.MethodGet, "invoices", url.Values{"perpage": {"2"}}, nil)
			if err != nil {
				return err
			}
			var raw []json.RawMessage
			_, err = c.Do(req, &raw)
			return err
		},
	}
}

// relRunConcurrently runs every op rounds times from each of goroutines
// goroutines, each in a different order, counting the calls, and returns
// the errors once all are done.
func relRunConcurrently(goroutines, rounds int, ops []func(g, r int) error, calls *atomic.Int64) chan error {
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*rounds*len(ops))
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				for k := range ops {
					op := (g + k) % len(ops) // every goroutine runs every op, in a different order
					calls.Add(1)
					if err := ops[op](g, r); err != nil {
						errs <- fmt.Errorf("goroutine %d round %d op %d: %w", g, r, op, err)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return errs
}

// One Client shared by 32 goroutines making every kind of call, against a
// server that injects 503s, PHP notices and latency: no error, no race
// (go test -race), and no goroutine left behind once the Client's idle
// connections and the server are closed.
//
// Not parallel: goleak compares the goroutines after the test with those
// before it, and parallel tests would start their own meanwhile.
func TestReliabilityConcurrentClient(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	const goroutines, rounds = 32, 3
	srv := jetpackcrmtest.NewServer(jetpackcrmtest.WithCredentials(relKey, relSecret))
	defer srv.Close()
	relSeedConcurrentSite(t, srv)
	logs := &relBuffer{}
	// The fake's 503 carries no Retry-After, so the unsafe writes
	// (Companies.Create, Events.Create, Webhooks.Send) retry it only with
	// RetryUnsafe; the fake never applies a 503, so that duplicates nothing.
	policy := relFastPolicy
	policy.RetryUnsafe = true
	c, err := jetpackcrm.NewClient(srv.URL, relKey, relSecret, jetpackcrm.WithRetryPolicy(policy),
		jetpackcrm.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, err)

	ctx := context.Background()
	from := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var calls atomic.Int64
	ops := append(relConcurrentReadOps(ctx, c), relConcurrentWriteOps(ctx, c, from)...)

	start := time.Now()
	errs := relRunConcurrently(goroutines, rounds, ops, &calls)
	elapsed := time.Since(start)
	for err := range errs {
		t.Error(err)
	}

	counts := srv.Counts()
	assert.Equal(t, 30+goroutines*rounds*3, counts.Contacts, "seeded, created, and two per bulk batch")
	assert.Equal(t, goroutines*rounds, counts.Transactions)
	assert.Equal(t, goroutines*rounds, counts.Events)
	assert.Equal(t, goroutines*rounds, counts.Companies)
	requests, faults := srv.RequestCount(), srv.FaultCounts()
	relAssertNoSecret(t, logs.String(), fmt.Sprintf("%+v", c))

	c.CloseIdleConnections()
	srv.Close()
	goleak.VerifyNone(t, ignore)
	t.Logf("%d goroutines x %d rounds x %d ops (%d calls) in %v: %d requests, faults 503=%d html-notice=%d latency=%d; 0 errors, 0 races, 0 leaked goroutines",
		goroutines, rounds, len(ops), calls.Load(), elapsed.Round(time.Millisecond), requests,
		faults[jetpackcrmtest.Fault503], faults[jetpackcrmtest.FaultHTMLNotice], faults[jetpackcrmtest.FaultLatency])
}

// perfCountingServer serves h on loopback and counts the TCP connections
// the server accepted.
func perfCountingServer(t testing.TB, h http.Handler) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var conns atomic.Int64
	ts := httptest.NewUnstartedServer(h)
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	ts.Start()
	t.Cleanup(ts.Close)
	return ts, &conns
}

// perfConnAttempts runs measure, on a fresh server each time, until it
// reports the property held, at most 3 times. On a loaded machine net/http
// itself sometimes drops a connection: it only reuses one if its write
// goroutine has reported the request written within 50 ms of the response
// (maxWriteWaitBeforeConnReuse), which a starved goroutine can miss (seen
// about once in 40 runs of this test beside the whole suite under -race).
// A client that does not reuse connections fails every attempt.
func perfConnAttempts(t *testing.T, measure func(t *testing.T) (held bool, report string)) {
	t.Helper()
	for attempt := 1; attempt <= 3; attempt++ {
		held, report := measure(t)
		if held {
			t.Log(report)
			return
		}
		t.Logf("attempt %d: %s", attempt, report)
	}
	t.Error("connections were not reused in 3 attempts")
}

// perfStatusWorkers runs 8 workers of 200 Status calls each, and reports
// whether no connection was opened once each had made its first 20 calls
// (and at most 3 per worker before).
func perfStatusWorkers(t *testing.T, ctx context.Context, c *jetpackcrm.Client, conns *atomic.Int64) (bool, string) {
	const workers, warmCalls, calls = 8, 20, 200
	var warm, done sync.WaitGroup
	release := make(chan struct{})
	errs := make(chan error, 2*workers)
	for w := 0; w < workers; w++ {
		warm.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			for i := 0; i < calls; i++ {
				if i == warmCalls {
					warm.Done()
					<-release
				}
				if _, _, err := c.Status(ctx); err != nil {
					errs <- err
					if i < warmCalls {
						warm.Done()
					}
					return
				}
			}
		}()
	}
	warm.Wait()
	warmConns := conns.Load()
	close(release)
	done.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	total := conns.Load()
	return warmConns <= 3*workers && total == warmConns,
		fmt.Sprintf("%d workers x %d Status calls: %d connection(s), %d of them after the first %d calls of each worker",
			workers, calls, total, total-warmConns, warmCalls)
}

// TestConnectionsAreReused counts the connections a loopback server in
// front of the fake accepts (Config.ConnState, StateNew) while a client
// with the SDK's own transport (NewClient without options) calls it.
func TestConnectionsAreReused(t *testing.T) {
	// Not parallel: it measures timing-sensitive connection handling.
	fake := jetpackcrmtest.NewUnstartedServer(jetpackcrmtest.WithRequestLogLimit(0))
	t.Cleanup(fake.Close)
	fake.SeedContacts(20)
	ctx := context.Background()
	fresh := func(t *testing.T) (*jetpackcrm.Client, *atomic.Int64) {
		ts, conns := perfCountingServer(t, fake.Handler())
		c, err := jetpackcrm.NewClient(ts.URL, fake.APIKey, fake.APISecret)
		require.NoError(t, err)
		return c, conns
	}

	t.Run("1000 sequential calls use one connection", func(t *testing.T) {
		perfConnAttempts(t, func(t *testing.T) (bool, string) {
			c, conns := fresh(t)
			for i := 0; i < 1000; i++ {
				_, _, err := c.Status(ctx)
				require.NoError(t, err)
			}
			return conns.Load() == 1, fmt.Sprintf("1000 sequential Status calls: %d connection(s)", conns.Load())
		})
	})

	t.Run("error answers keep the connection", func(t *testing.T) {
		// Lists, writes, a miss answered [], refusals answered 200
		// {"errors":1}, and 400s: every body is read, so the connection is
		// reused after each.
		perfConnAttempts(t, func(t *testing.T) (bool, string) {
			c, conns := fresh(t)
			for i := 0; i < 50; i++ {
				_, _, err := c.Customers.List(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 20}})
				require.NoError(t, err)
				_, _, err = c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: fmt.Sprintf("reuse%d@example.com", i%5)})
				require.NoError(t, err)
				_, _, err = c.Customers.GetByEmail(ctx, "nobody@example.com")
				require.ErrorIs(t, err, jetpackcrm.ErrNotFound)
				bad, err := c.NewRequest(ctx, http.MethodGet, "no_such_endpoint", nil, nil)
				require.NoError(t, err)
				_, err = c.Do(bad, nil)
				require.ErrorIs(t, err, jetpackcrm.ErrBadRequest)
				refused, err := c.NewRequest(ctx, http.MethodPost, "create_customer", nil, []byte(`{"fname":"no email"}`))
				require.NoError(t, err)
				_, err = c.Do(refused, nil)
				require.ErrorIs(t, err, jetpackcrm.ErrRejected)
			}
			return conns.Load() == 1, fmt.Sprintf("250 sequential calls, 150 of them errors: %d connection(s)", conns.Load())
		})
	})

	// net/http can open more connections than there are workers while
	// they start: a request that finds no idle connection dials one, and
	// when a connection frees up before the dial completes, the request
	// takes it and the new connection joins the idle pool. It is reused
	// later, not leaked, but it means "at most N" holds only once the
	// workers are running (measured, 6 workers x 100 calls, 40 runs: SDK
	// 6-8 connections, hand-written net/http 6-11; these subtests saw up to
	// 13 for 8 workers and 11 for Concurrency 6). So they check that no
	// connection at all is opened once the workers are running, and only
	// bound the warm-up loosely, at 3N (no reuse would be one per call).
	t.Run("8 workers: no new connection once running", func(t *testing.T) {
		perfConnAttempts(t, func(t *testing.T) (bool, string) {
			c, conns := fresh(t)
			return perfStatusWorkers(t, ctx, c, conns)
		})
	})

	t.Run("UpsertMany: no new connection once running", func(t *testing.T) {
		const concurrency = 6
		perfConnAttempts(t, func(t *testing.T) (bool, string) {
			c, conns := fresh(t)
			batch := func(round int) {
				reqs := make([]*jetpackcrm.CustomerRequest, 300)
				for i := range reqs {
					reqs[i] = &jetpackcrm.CustomerRequest{Email: fmt.Sprintf("bulk%d@example.com", i%50), FirstName: fmt.Sprint(round, "-", i)}
				}
				results, err := c.Customers.UpsertMany(ctx, reqs, jetpackcrm.BulkOptions{Concurrency: concurrency})
				require.NoError(t, err)
				for _, r := range results {
					require.NoError(t, r.Err)
				}
			}
			batch(1)
			first := conns.Load()
			batch(2)
			batch(3)
			total := conns.Load()
			return first <= 3*concurrency && total == first,
				fmt.Sprintf("3 x UpsertMany of 300 requests, Concurrency %d: %d connection(s), %d after the first call", concurrency, total, total-first)
		})
	})
}

// CloseIdleConnections reaches the SDK's wrapped transport: the call after
// it needs a new connection.
func TestCloseIdleConnectionsClosesThem(t *testing.T) {
	t.Parallel()
	fake := jetpackcrmtest.NewServer()
	t.Cleanup(fake.Close)
	ts, conns := perfCountingServer(t, fake.Handler())
	c, err := jetpackcrm.NewClient(ts.URL, fake.APIKey, fake.APISecret)
	require.NoError(t, err)
	ctx := context.Background()
	for range 3 {
		_, _, err = c.Status(ctx)
		require.NoError(t, err)
	}
	require.Equal(t, int64(1), conns.Load(), "reused while idle")
	c.CloseIdleConnections()
	_, _, err = c.Status(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(2), conns.Load(), "a new connection after CloseIdleConnections")
}
