package jetpackcrm_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
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

// Reliability against the fake CRM (package jetpackcrmtest) over real
// loopback HTTP: nothing lost or duplicated under injected faults, one 429
// pausing the whole Client, one Client shared by 32 goroutines without
// races or leaked goroutines, and no credential in anything the SDK hands
// back or logs on any of those paths. RELIABILITY.md reports the figures
// these tests log (go test -race -run 'TestReliability' -v ./).

// Distinctive credentials that need escaping in a URL, so that a leak in
// any form is caught.
const (
	relKey    = "jpcrm_pk_R3liabilityKey/+=&"
	relSecret = "jpcrm_sk_R3liabilitySecret?#%"
)

var relSecretForms = []string{
	relKey, relSecret,
	url.QueryEscape(relKey), url.QueryEscape(relSecret),
	url.PathEscape(relKey), url.PathEscape(relSecret),
	"R3liabilityKey", "R3liabilitySecret",
}

func relAssertNoSecret(t testing.TB, texts ...string) {
	t.Helper()
	for _, text := range texts {
		for _, form := range relSecretForms {
			if strings.Contains(text, form) {
				t.Errorf("credential form %q leaked in: %.300s", form, text)
			}
		}
	}
}

// relFastPolicy retries often enough that a 10% fault rate never exhausts
// a call (11 faults in a row: p = 1e-11), with millisecond backoff so that
// nothing sleeps long.
var relFastPolicy = jetpackcrm.RetryPolicy{
	MaxRetries:    10,
	WaitMin:       time.Millisecond,
	WaitMax:       2 * time.Millisecond,
	MaxRetryAfter: 2 * time.Second,
	MaxElapsed:    time.Minute,
}

// relBuffer is a log sink safe for concurrent writes.
type relBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *relBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *relBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// relSignalHandler is a slog.Handler that also closes retrying the first
// time the Client logs a retry: the moment a 429's pause is in force.
type relSignalHandler struct {
	slog.Handler
	once     *sync.Once
	retrying chan struct{}
}

func (h relSignalHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "jetpackcrm: retrying" {
		h.once.Do(func() { close(h.retrying) })
	}
	return h.Handler.Handle(ctx, r)
}

func (h relSignalHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return relSignalHandler{h.Handler.WithAttrs(as), h.once, h.retrying}
}

func (h relSignalHandler) WithGroup(name string) slog.Handler {
	return relSignalHandler{h.Handler.WithGroup(name), h.once, h.retrying}
}

type relEnv struct {
	srv      *jetpackcrmtest.Server
	client   *jetpackcrm.Client
	logs     *relBuffer
	retrying chan struct{}
}

// relNewEnv starts a fake CRM with the distinctive credentials and returns
// a Client made by NewClient (the SDK's own transport, 64 idle connections
// per host), with relFastPolicy and a debug logger. At cleanup the log is
// checked for leaks.
func relNewEnv(t testing.TB, srvOpts []jetpackcrmtest.Option, opts ...jetpackcrm.Option) *relEnv {
	t.Helper()
	srv := jetpackcrmtest.NewServer(append([]jetpackcrmtest.Option{jetpackcrmtest.WithCredentials(relKey, relSecret)}, srvOpts...)...)
	env := &relEnv{srv: srv, logs: &relBuffer{}, retrying: make(chan struct{})}
	h := relSignalHandler{slog.NewTextHandler(env.logs, &slog.HandlerOptions{Level: slog.LevelDebug}), &sync.Once{}, env.retrying}
	base := []jetpackcrm.Option{jetpackcrm.WithRetryPolicy(relFastPolicy), jetpackcrm.WithLogger(slog.New(h))}
	c, err := jetpackcrm.NewClient(srv.URL, relKey, relSecret, append(base, opts...)...)
	require.NoError(t, err)
	env.client = c
	t.Cleanup(func() {
		c.CloseIdleConnections()
		srv.Close()
		relAssertNoSecret(t, env.logs.String(), fmt.Sprintf("%+v", c))
	})
	return env
}

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

// 2,000 Customers.Create upserts against a server failing about 10% of
// requests with 429, 500, 503 and connection resets before and after the
// write: every call succeeds after retries, and the CRM ends with exactly
// 2,000 contacts, each holding the fields sent.
func TestReliabilityCustomersUpsertsLoseNothing(t *testing.T) {
	t.Parallel()
	const n, workers = 2000, 16
	env := relNewEnv(t, nil)
	env.srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: "create_customer", Rate: 0.10, Kinds: relFaultKinds, Seed: relSeedCustomers, RetryAfter: -1})
	reqs := make([]*jetpackcrm.CustomerRequest, n)
	for i := range reqs {
		status := "Lead"
		if i%2 == 0 {
			status = "Customer"
		}
		reqs[i] = &jetpackcrm.CustomerRequest{
			Email: fmt.Sprintf("contact.%04d@example.com", i), Status: status,
			FirstName: fmt.Sprintf("First%04d", i), LastName: "Reliable",
			Address:     jetpackcrm.Address{City: fmt.Sprintf("City %d", i%50), Postcode: fmt.Sprintf("PC%04d", i)},
			MobilePhone: fmt.Sprintf("+44 7700 %06d", i),
			Tags:        []string{"bulk", fmt.Sprintf("batch-%d", i%10)},
		}
	}
	ctx := context.Background()
	start := time.Now()
	attempts, errs := relRun(n, workers, func(i int) (int, error) {
		c, resp, err := env.client.Customers.Create(ctx, reqs[i])
		if err == nil && (c == nil || c.ID == 0 || c.Email != reqs[i].Email) {
			err = fmt.Errorf("bad echo %+v", c)
		}
		return relAttempts(resp, err), err
	})
	elapsed := time.Since(start)
	for i, err := range errs {
		require.NoError(t, err, "call %d", i)
	}

	counts := env.srv.FaultCounts()
	total := relSum(attempts)
	assert.Equal(t, env.srv.RequestCount(), total, "every attempt reached the server, and nothing else did")
	assert.Equal(t, total-n, relSum([]int{counts[jetpackcrmtest.Fault429], counts[jetpackcrmtest.Fault500], counts[jetpackcrmtest.Fault503],
		counts[jetpackcrmtest.FaultResetBeforeWrite], counts[jetpackcrmtest.FaultResetAfterWrite]}), "one retry per fault")
	assert.InDelta(t, 0.10, float64(total-n)/float64(total), 0.03, "about 10%% of requests failed")
	assert.Positive(t, counts[jetpackcrmtest.FaultResetAfterWrite], "some writes were applied and then reset")

	contacts := env.srv.Contacts()
	require.Len(t, contacts, n, "exactly one contact per email")
	byEmail := make(map[string]jetpackcrmtest.Contact, n)
	for _, c := range contacts {
		byEmail[c.Email] = c
	}
	for _, r := range reqs {
		c, ok := byEmail[r.Email]
		require.True(t, ok, "contact %s lost", r.Email)
		assert.Equal(t, r.FirstName, c.FirstName)
		assert.Equal(t, r.LastName, c.LastName)
		assert.Equal(t, r.Status, c.Status)
		assert.Equal(t, r.Address.City, c.Address.City)
		assert.Equal(t, r.Address.Postcode, c.Address.Postcode)
		assert.Equal(t, r.MobilePhone, c.MobilePhone)
		assert.Equal(t, r.Tags, c.Tags)
	}
	t.Logf("Customers.Create x%d, %d workers, seed %d: %d attempts, %d retries, faults %s, 0 errors, %d contacts, %v",
		n, workers, relSeedCustomers, total, total-n, relFaultSummary(counts), len(contacts), elapsed.Round(time.Millisecond))
}

// Transactions.Create, keyed by order ID, under the same faults: exactly
// one transaction per order ID, each holding the fields sent.
func TestReliabilityTransactionsUpsertsLoseNothing(t *testing.T) {
	t.Parallel()
	const n, workers = 2000, 16
	env := relNewEnv(t, nil)
	env.srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: "create_transaction", Rate: 0.10, Kinds: relFaultKinds, Seed: relSeedTransactions, RetryAfter: -1})
	day := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	reqs := make([]*jetpackcrm.TransactionRequest, n)
	for i := range reqs {
		reqs[i] = &jetpackcrm.TransactionRequest{
			OrderID: fmt.Sprintf("ORD-%05d", i), Status: "Succeeded",
			Total: decimal.New(int64(1000+i), -2), Title: fmt.Sprintf("Item %d", i),
			Currency: "GBP", Date: day.Add(time.Duration(i) * time.Minute),
		}
	}
	ctx := context.Background()
	start := time.Now()
	attempts, errs := relRun(n, workers, func(i int) (int, error) {
		tx, resp, err := env.client.Transactions.Create(ctx, reqs[i])
		if err == nil && (tx == nil || tx.ID == 0 || tx.OrderID != reqs[i].OrderID) {
			err = fmt.Errorf("bad echo %+v", tx)
		}
		return relAttempts(resp, err), err
	})
	elapsed := time.Since(start)
	for i, err := range errs {
		require.NoError(t, err, "call %d", i)
	}
	counts := env.srv.FaultCounts()
	total := relSum(attempts)
	assert.Equal(t, env.srv.RequestCount(), total)
	assert.InDelta(t, 0.10, float64(total-n)/float64(total), 0.03)

	txs := env.srv.Transactions()
	require.Len(t, txs, n, "exactly one transaction per order ID")
	byOrder := make(map[string]jetpackcrmtest.Transaction, n)
	for _, tx := range txs {
		byOrder[tx.OrderID] = tx
	}
	for _, r := range reqs {
		tx, ok := byOrder[r.OrderID]
		require.True(t, ok, "transaction %s lost", r.OrderID)
		assert.Equal(t, r.Status, tx.Status)
		assert.True(t, r.Total.Equal(decimal.RequireFromString(tx.Total)), "total %s, stored %s", r.Total, tx.Total)
		assert.Equal(t, r.Title, tx.Title)
		assert.Equal(t, r.Currency, tx.Currency)
		assert.True(t, r.Date.Equal(tx.Date), "date %v, stored %v", r.Date, tx.Date)
	}
	assert.Zero(t, env.srv.Counts().Contacts, "no email sent: no contact created")
	t.Logf("Transactions.Create x%d, %d workers, seed %d: %d attempts, %d retries, faults %s, 0 errors, %d transactions, %v",
		n, workers, relSeedTransactions, total, total-n, relFaultSummary(counts), len(txs), elapsed.Round(time.Millisecond))
}

// relEventFaultKinds are the faults of the events test: every answer that
// leaves a create ambiguous (a reset before or after the write, a 5xx
// without Retry-After, a proxy's 502 or a half body after the write), and
// the 429 that is never applied.
var relEventFaultKinds = []jetpackcrmtest.FaultKind{
	jetpackcrmtest.Fault429, jetpackcrmtest.Fault500, jetpackcrmtest.Fault502, jetpackcrmtest.Fault503,
	jetpackcrmtest.FaultResetBeforeWrite, jetpackcrmtest.FaultResetAfterWrite,
	jetpackcrmtest.Fault502AfterWrite, jetpackcrmtest.FaultUndecodableAfterWrite,
}

// relEventsN is how many events the events test creates (JCRM_REL_EVENTS_N,
// default 2,000; RELIABILITY.md quotes a run of 20,000).
func relEventsN(t *testing.T) int {
	if v := os.Getenv("JCRM_REL_EVENTS_N"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "JCRM_REL_EVENTS_N")
		return n
	}
	return 2000
}

// Events.Create has no key to upsert on: after a failure that may have
// been applied it checks the events list and returns the stored event, or
// sends again. With 15% of the creates and 15% of the list reads failing
// with every ambiguous answer, each call's event is stored exactly once
// (none duplicated, none lost), every success returns the stored event,
// and at most 1 call in 1,000 is left ambiguous.
// It runs against the fake of 6.4.4, which lists events oldest first, and
// of 6.6.1, which lists them newest first when asked.
func TestReliabilityEventsAreNeitherLostNorDuplicated(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"6.4.4", "6.6.1"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			relEventsUnderFaults(t, version)
		})
	}
}

func relEventsUnderFaults(t *testing.T, version string) {
	n, workers := relEventsN(t), 16
	env := relNewEnv(t, []jetpackcrmtest.Option{jetpackcrmtest.WithRequestLogLimit(1 << 22), jetpackcrmtest.WithCRMVersion(version)})
	env.srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: "create_event", Rate: 0.15, Kinds: relEventFaultKinds, Seed: relSeedEvents, RetryAfter: -1})
	env.srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: "events", Rate: 0.15, Kinds: relEventFaultKinds, Seed: relSeedEvents + 1, RetryAfter: -1})
	from := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	title := func(i int) string { return fmt.Sprintf("Call %05d", i) }
	ctx := context.Background()
	start := time.Now()
	returned := make([]*jetpackcrm.Event, n)
	var checked atomic.Int64
	_, errs := relRun(n, workers, func(i int) (int, error) {
		e, resp, err := env.client.Events.Create(ctx, &jetpackcrm.EventRequest{
			Title: title(i), From: from.Add(time.Duration(i) * time.Hour), To: from.Add(time.Duration(i)*time.Hour + 30*time.Minute),
			Notes: "reliability", Complete: i%3 == 0, Remind24h: i%2 == 0,
		})
		if err == nil && (e == nil || e.ID == 0 || e.Title != title(i)) {
			err = fmt.Errorf("bad event %+v", e)
		}
		if err == nil && strings.Contains(resp.Request.URL.Path, "/events/") {
			checked.Add(1) // found by the check: the list's answer
		}
		returned[i] = e
		return 0, err
	})
	elapsed := time.Since(start)

	stored := map[string][]jetpackcrmtest.Event{}
	for _, e := range env.srv.Events() {
		stored[e.Title] = append(stored[e.Title], e)
	}
	var ok, ambiguous, notStored, duplicated, lost int
	for i, err := range errs {
		got := stored[title(i)]
		if len(got) > 1 {
			duplicated++
			t.Errorf("event %q stored %d times", title(i), len(got))
		}
		switch {
		case err == nil:
			ok++
			if len(got) == 0 {
				lost++
				t.Errorf("call %d succeeded but its event is missing", i)
			} else {
				assert.Equal(t, got[0].ID, returned[i].ID, "call %d returned the stored event", i)
				assert.Equal(t, i%3 == 0, returned[i].Complete)
			}
		case jetpackcrm.MayHaveBeenApplied(err):
			ambiguous++
			t.Logf("call %d left ambiguous (%d stored): %v", i, len(got), err)
		default:
			var ce *jetpackcrm.WriteCheckError
			if !errors.As(err, &ce) || !ce.NotFound {
				t.Errorf("call %d: %v", i, err)
			}
			notStored++
			if len(got) != 0 {
				lost++ // reported as not stored, but it was
				t.Errorf("call %d said not stored, but its event exists", i)
			}
		}
		relAssertNoSecret(t, fmt.Sprint(err), fmt.Sprintf("%+v", err))
	}
	counts := env.srv.FaultCounts()
	var created, reads int
	for _, r := range env.srv.Requests() {
		switch r.Endpoint {
		case "create_event":
			created++
		case "events":
			reads++
		}
	}
	assert.Zero(t, duplicated, "duplicated")
	assert.Zero(t, lost, "lost")
	assert.LessOrEqual(t, ambiguous*1000, n, "at most 1 call in 1,000 left ambiguous")
	assert.Positive(t, counts[jetpackcrmtest.FaultResetAfterWrite]+counts[jetpackcrmtest.Fault502AfterWrite]+counts[jetpackcrmtest.FaultUndecodableAfterWrite])
	assert.Positive(t, checked.Load(), "some events were found by the check")
	var faults []string
	total := 0
	for _, k := range relEventFaultKinds {
		faults = append(faults, fmt.Sprintf("%s=%d", k, counts[k]))
		total += counts[k]
	}
	t.Logf("%s: Events.Create x%d, %d workers, seed %d, 15%% faults on create_event and events: %d create requests, %d list reads, %d faults (%s); "+
		"%d succeeded (%d returned by the check), %d not stored and not resent, %d ambiguous; %d events stored, %d duplicated, %d lost, %v",
		version, n, workers, relSeedEvents, created, reads, total, strings.Join(faults, " "),
		ok, checked.Load(), notStored, ambiguous, len(env.srv.Events()), duplicated, lost, elapsed.Round(time.Millisecond))
}

// One 429 with Retry-After pauses the whole Client: 32 goroutines calling
// while the pause is in force all wait for it to end, and the fake
// receives not one request during the pause.
func TestReliabilityRateLimitPause(t *testing.T) {
	t.Parallel()
	const callers = 32
	env := relNewEnv(t, nil)
	env.srv.SeedContacts(5)
	// The first status request gets a 429 with Retry-After: 1 (the
	// smallest whole number of seconds the header can say).
	env.srv.InjectSchedule("status", jetpackcrmtest.Fault429)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	first := make(chan error, 1)
	go func() {
		_, resp, err := env.client.Status(ctx)
		if err == nil && resp.Attempts != 2 {
			err = fmt.Errorf("status took %d attempts, want 2", resp.Attempts)
		}
		first <- err
	}()
	select {
	case <-env.retrying: // the 429 arrived and the pause is in force
	case <-ctx.Done():
		t.Fatal("no retry was logged")
	}

	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for g := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			switch g % 4 {
			case 0:
				_, _, err = env.client.Customers.List(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 2}})
			case 1:
				_, _, err = env.client.Events.List(ctx, nil)
			case 2:
				_, _, err = env.client.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: fmt.Sprintf("storm.%d@example.com", g)})
			default:
				_, _, err = env.client.Status(ctx)
			}
			errs <- err
		}()
	}
	wg.Wait()
	held := time.Since(start)
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.NoError(t, <-first)

	reqs := env.srv.Requests()
	require.Len(t, reqs, callers+2, "the 429, its retry, and one request per caller: no caller hammered the server")
	require.Equal(t, jetpackcrmtest.Fault429, reqs[0].Fault)
	pauseEnd := reqs[0].Time.Add(time.Second)
	during := 0
	for _, r := range reqs[1:] {
		if r.Time.Before(pauseEnd) {
			during++
		}
	}
	assert.Zero(t, during, "requests received during the pause")
	assert.Equal(t, 1, env.srv.FaultCount(jetpackcrmtest.Fault429), "one 429 for %d callers", callers+1)
	t.Logf("429 with Retry-After 1 s, then %d concurrent callers: %d requests received during the pause, %d in all; the callers were held %v",
		callers, during, len(reqs), held.Round(time.Millisecond))
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
	ops := []func(g, r int) error{
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

	var wg sync.WaitGroup
	errs := make(chan error, goroutines*rounds*len(ops))
	start := time.Now()
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
	elapsed := time.Since(start)
	close(errs)
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

// Secret hygiene on the fake's path (TestSecretsNeverLeak covers the raw
// error paths): every public call, healthy, under each injected fault,
// with a wrong secret, and with a cancelled context; neither credential
// appears in an error, its %+v, the %+v of any value returned (models,
// *Response and its *http.Response and request), or the debug log.
func TestReliabilitySecretsNeverLeakThroughTheFake(t *testing.T) {
	t.Parallel()
	env := relNewEnv(t, []jetpackcrmtest.Option{jetpackcrmtest.WithContactCustomFields("shoe-size")}, jetpackcrm.WithoutRetries())
	env.srv.SeedContacts(3)
	_, err := env.srv.SeedContact(jetpackcrmtest.Contact{Email: "h0@example.com", FirstName: "H"})
	require.NoError(t, err)
	_, err = env.srv.SeedQuote(jetpackcrmtest.Quote{Title: "Q", Value: "1.00"})
	require.NoError(t, err)
	_, err = env.srv.SeedInvoice(jetpackcrmtest.Invoice{})
	require.NoError(t, err)
	env.srv.HandleWebhook("rel_echo", func(data json.RawMessage) (any, error) { return data, nil })
	wrong, err := jetpackcrm.NewClient(env.srv.URL, relKey, relSecret+"x", jetpackcrm.WithLogger(slog.New(slog.NewTextHandler(env.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, err)
	t.Cleanup(wrong.CloseIdleConnections)

	from := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	type result struct {
		values []any
		resp   *jetpackcrm.Response
		err    error
	}
	calls := map[string]func(ctx context.Context, c *jetpackcrm.Client, i int) result{
		"Status": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			v, r, err := c.Status(ctx)
			return result{[]any{v}, r, err}
		},
		"StatusFull": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			v, r, err := c.StatusFull(ctx)
			return result{[]any{v}, r, err}
		},
		"Customers.Create": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			v, r, err := c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: fmt.Sprintf("h%d@example.com", i), FirstName: "Hy", CustomFields: map[string]string{"shoe-size": "9"}})
			return result{[]any{v}, r, err}
		},
		"Customers.Update": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			v, r, err := c.Customers.Update(ctx, "h0@example.com", &jetpackcrm.CustomerRequest{LastName: "L"})
			return result{[]any{v}, r, err}
		},
		"Customers.List": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			v, r, err := c.Customers.List(ctx, &jetpackcrm.CustomerListOptions{WithTags: true, WithInvoices: true, WithQuotes: true, WithTransactions: true})
			return result{[]any{v}, r, err}
		},
		"Customers.Search": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			v, r, err := c.Customers.Search(ctx, "ada", nil)
			return result{[]any{v}, r, err}
		},
		"Customers.GetByEmail": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			v, r, err := c.Customers.GetByEmail(ctx, "nobody@example.com")
			return result{[]any{v}, r, err}
		},
		"Customers.All": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			var vs []any
			var last error
			for v, err := range c.Customers.All(ctx, nil) {
				vs, last = append(vs, v), err
			}
			return result{vs, nil, last}
		},
		"Customers.UpsertMany": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			res, err := c.Customers.UpsertMany(ctx, []*jetpackcrm.CustomerRequest{{Email: fmt.Sprintf("bulk%d@example.com", i)}, nil}, jetpackcrm.BulkOptions{})
			vs := []any{res}
			for _, r := range res {
				vs = append(vs, r, r.Err)
				// The nil request's *ValidationError is expected; report
				// the other request's outcome.
				if r.Err != nil && err == nil && !errors.Is(r.Err, jetpackcrm.ErrInvalidInput) {
					err = r.Err
				}
			}
			return result{vs, nil, err}
		},
		"Companies.Create": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			v, r, err := c.Companies.Create(ctx, &jetpackcrm.CompanyRequest{Name: fmt.Sprintf("Co%d", i), Email: fmt.Sprintf("co%d@example.com", i)})
			return result{[]any{v}, r, err}
		},
		"Companies.List": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			v, r, err := c.Companies.List(ctx, nil)
			return result{[]any{v}, r, err}
		},
		"Transactions.Create": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			v, r, err := c.Transactions.Create(ctx, &jetpackcrm.TransactionRequest{OrderID: fmt.Sprintf("H-%d", i), Status: "Paid", Total: decimal.New(1, 0), Email: "h0@example.com"})
			return result{[]any{v}, r, err}
		},
		"Transactions.List": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			v, r, err := c.Transactions.List(ctx, nil)
			return result{[]any{v}, r, err}
		},
		"Events.Create": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			v, r, err := c.Events.Create(ctx, &jetpackcrm.EventRequest{Title: "Hygiene", From: from, To: from, Remind24h: true})
			return result{[]any{v}, r, err}
		},
		"Events.List": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			v, r, err := c.Events.List(ctx, nil)
			return result{[]any{v}, r, err}
		},
		"Quotes.List": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			v, r, err := c.Quotes.List(ctx, nil)
			return result{[]any{v}, r, err}
		},
		"Invoices.List": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			v, r, err := c.Invoices.List(ctx, nil)
			return result{[]any{v}, r, err}
		},
		"Webhooks.Send": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			v, r, err := c.Webhooks.Send(ctx, "rel_echo", map[string]string{"echo": "x"})
			return result{[]any{v}, r, err}
		},
		"Do": func(ctx context.Context, c *jetpackcrm.Client, i int) result {
			req, err := c.NewRequest(ctx, http.MethodGet, "status", nil, nil)
			if err != nil {
				return result{nil, nil, err}
			}
			var raw json.RawMessage
			r, err := c.Do(req, &raw)
			return result{[]any{req, req.URL}, r, err}
		},
	}
	check := func(t *testing.T, res result) {
		t.Helper()
		texts := []string{fmt.Sprint(res.err), fmt.Sprintf("%+v", res.err), fmt.Sprintf("%#v", res.err)}
		for _, v := range res.values {
			texts = append(texts, fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v))
			if b, err := json.Marshal(v); err == nil {
				texts = append(texts, string(b))
			}
		}
		if r := res.resp; r != nil {
			texts = append(texts, fmt.Sprintf("%+v", r), fmt.Sprintf("%+v", *r.Response), fmt.Sprintf("%+v", r.Header))
			if r.Request != nil {
				texts = append(texts, r.Request.URL.String(), fmt.Sprintf("%+v", *r.Request))
			}
		}
		relAssertNoSecret(t, texts...)
	}
	faults := []jetpackcrmtest.FaultKind{
		jetpackcrmtest.FaultNone, jetpackcrmtest.Fault429, jetpackcrmtest.Fault500, jetpackcrmtest.Fault502, jetpackcrmtest.Fault503,
		jetpackcrmtest.FaultResetBeforeWrite, jetpackcrmtest.FaultResetAfterWrite, jetpackcrmtest.FaultHTMLNotice,
	}
	i := 0
	errorsSeen := 0
	for _, name := range slices.Sorted(maps.Keys(calls)) {
		call := calls[name]
		t.Run(name, func(t *testing.T) {
			for _, kind := range faults {
				i++
				// Every request of the call gets the fault (the schedule
				// repeats, for the iterators and the bulk write).
				env.srv.ClearFaults()
				// No Retry-After: it would pause the Client for a second
				// after each 429 and 503.
				env.srv.InjectFaults(jetpackcrmtest.Faults{Schedule: []jetpackcrmtest.FaultKind{kind}, Repeat: true, RetryAfter: -1})
				res := call(context.Background(), env.client, i)
				check(t, res)
				switch {
				case name == "Customers.GetByEmail" && (kind == jetpackcrmtest.FaultNone || kind == jetpackcrmtest.FaultHTMLNotice):
					assert.ErrorIs(t, res.err, jetpackcrm.ErrNotFound)
				case kind == jetpackcrmtest.FaultNone || kind == jetpackcrmtest.FaultHTMLNotice:
					assert.NoError(t, res.err, "with %s", kind)
				default:
					assert.Error(t, res.err, "with %s", kind)
				}
				if res.err != nil {
					errorsSeen++
				}
			}
			env.srv.ClearFaults()
			res := call(context.Background(), wrong, i)
			assert.ErrorIs(t, res.err, jetpackcrm.ErrUnauthorized)
			check(t, res)
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			res = call(ctx, env.client, i)
			assert.ErrorIs(t, res.err, context.Canceled)
			check(t, res)
			errorsSeen += 2
		})
	}
	t.Logf("%d calls x (%d fault kinds + wrong secret + cancelled): %d errors checked, no credential in any error, value or log line",
		len(calls), len(faults), errorsSeen)
}
