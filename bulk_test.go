package jetpackcrm_test

// Tests of Customers.UpsertMany against the jetpackcrmtest fake: one result
// per input in input order, validation without I/O, Merge, per-email
// serialisation, cancellation, OnResult, and the shared 429 pause.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// perfLatency makes every create_customer wait d on the server, so that
// requests overlap and complete out of order.
func perfLatency(srv *jetpackcrmtest.Server, d time.Duration) {
	srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: jetpackcrmtest.EndpointCreateCustomer, Rate: 1,
		Kinds: []jetpackcrmtest.FaultKind{jetpackcrmtest.FaultLatency}, Latency: d})
}

// perfWireBody is the part of a create_customer body the tests look at.
type perfWireBody struct {
	Email string `json:"email"`
	Fname string `json:"fname"`
}

func perfDecodeBody(t testing.TB, body []byte) perfWireBody {
	t.Helper()
	var b perfWireBody
	require.NoError(t, json.Unmarshal(body, &b), "body %q", body)
	return b
}

// perfResultLog collects OnResult calls and checks they never overlap.
type perfResultLog struct {
	mu       sync.Mutex
	active   atomic.Int32
	overlaps atomic.Int32
	calls    map[int]int
	order    []int
}

func (l *perfResultLog) onResult(r jetpackcrm.BulkResult) {
	if l.active.Add(1) != 1 {
		l.overlaps.Add(1)
	}
	defer l.active.Add(-1)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.calls == nil {
		l.calls = map[int]int{}
	}
	l.calls[r.Index]++
	l.order = append(l.order, r.Index)
}

// assertOncePerInput checks that OnResult saw every index exactly once,
// one call at a time.
func (l *perfResultLog) assertOncePerInput(t testing.TB, n int) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	assert.Len(t, l.order, n, "one OnResult call per input")
	for i := 0; i < n; i++ {
		assert.Equal(t, 1, l.calls[i], "OnResult calls for input %d", i)
	}
	assert.Zero(t, l.overlaps.Load(), "OnResult is called one call at a time")
}

func TestUpsertManyOneResultPerInputInOrder(t *testing.T) {
	t.Parallel()
	env := setupFake(t, nil)
	srv, c := env.srv, env.client
	perfLatency(srv, 2*time.Millisecond)

	// Valid requests interleaved with every kind of invalid input.
	var reqs []*jetpackcrm.CustomerRequest
	wantValid := map[int]bool{}
	for i := 0; i < 40; i++ {
		switch i % 8 {
		case 3:
			reqs = append(reqs, nil)
		case 5:
			reqs = append(reqs, &jetpackcrm.CustomerRequest{Email: fmt.Sprintf("not-an-email-%d", i), FirstName: "Bad"})
		case 6:
			reqs = append(reqs, &jetpackcrm.CustomerRequest{FirstName: "No email"})
		case 7:
			reqs = append(reqs, &jetpackcrm.CustomerRequest{Email: fmt.Sprintf("collide%d@example.com", i),
				CustomFields: map[string]string{"fname": "overwrites a built-in"}})
		default:
			reqs = append(reqs, &jetpackcrm.CustomerRequest{Email: fmt.Sprintf("user%d@example.com", i), FirstName: fmt.Sprint("N", i)})
			wantValid[i] = true
		}
	}
	var log perfResultLog
	results, err := c.Customers.UpsertMany(context.Background(), reqs, jetpackcrm.BulkOptions{Concurrency: 6, OnResult: log.onResult})
	require.NoError(t, err, "failed requests do not make the call fail")
	require.Len(t, results, len(reqs), "one result per input")

	for i, r := range results {
		assert.Equal(t, i, r.Index, "results are in input order")
		if !wantValid[i] {
			assert.Equal(t, jetpackcrm.BulkFailed, r.Outcome, "input %d", i)
			assert.Nil(t, r.Customer, "input %d", i)
			var ve *jetpackcrm.ValidationError
			assert.ErrorAs(t, r.Err, &ve, "input %d is refused before sending", i)
			assert.ErrorIs(t, r.Err, jetpackcrm.ErrInvalidInput, "input %d", i)
			continue
		}
		require.NoError(t, r.Err, "input %d", i)
		assert.Equal(t, jetpackcrm.BulkUpserted, r.Outcome, "input %d", i)
		require.NotNil(t, r.Customer, "input %d", i)
		assert.Equal(t, reqs[i].Email, r.Customer.Email, "input %d: the result belongs to its request", i)
		stored, ok := srv.ContactByEmail(reqs[i].Email)
		require.True(t, ok, "input %d stored", i)
		assert.Equal(t, stored.ID, r.Customer.ID, "input %d carries the stored contact's id", i)
	}

	// Invalid input never reached the server: one request per valid input.
	assert.Equal(t, len(wantValid), srv.RequestCount())
	assert.Equal(t, len(wantValid), srv.Counts().Contacts)
	for _, rec := range srv.Requests() {
		b := perfDecodeBody(t, rec.Body)
		assert.True(t, strings.HasPrefix(b.Email, "user"), "only valid requests are sent, got %q", b.Email)
	}
	log.assertOncePerInput(t, len(reqs))
	t.Logf("completion order: %v", log.order)
}

func TestUpsertManyEmptyInput(t *testing.T) {
	t.Parallel()
	env := setupFake(t, nil)
	srv, c := env.srv, env.client
	for _, in := range [][]*jetpackcrm.CustomerRequest{nil, {}} {
		results, err := c.Customers.UpsertMany(context.Background(), in, jetpackcrm.BulkOptions{})
		require.NoError(t, err)
		assert.Empty(t, results)
	}
	assert.Zero(t, srv.RequestCount())
}

func TestUpsertManyRefusesInvalidConcurrencyBeforeIO(t *testing.T) {
	t.Parallel()
	env := setupFake(t, nil)
	srv, c := env.srv, env.client
	reqs := []*jetpackcrm.CustomerRequest{{Email: "ada@example.com"}}
	var called atomic.Int32
	for _, n := range []int{-1, jetpackcrm.MaxBulkConcurrency + 1, 1 << 20} {
		results, err := c.Customers.UpsertMany(context.Background(), reqs, jetpackcrm.BulkOptions{
			Concurrency: n, OnResult: func(jetpackcrm.BulkResult) { called.Add(1) }})
		var ve *jetpackcrm.ValidationError
		require.ErrorAs(t, err, &ve, "Concurrency %d", n)
		assert.Equal(t, "Concurrency", ve.Field)
		assert.ErrorIs(t, err, jetpackcrm.ErrInvalidInput)
		assert.Nil(t, results, "Concurrency %d", n)
	}
	assert.Zero(t, srv.RequestCount(), "nothing was sent")
	assert.Zero(t, called.Load(), "OnResult was not called")

	// The bounds themselves are accepted (0 means the default).
	for _, n := range []int{0, 1, jetpackcrm.MaxBulkConcurrency} {
		results, err := c.Customers.UpsertMany(context.Background(), reqs, jetpackcrm.BulkOptions{Concurrency: n})
		require.NoError(t, err, "Concurrency %d", n)
		require.Len(t, results, 1)
		require.NoError(t, results[0].Err)
	}
}

func TestUpsertManyMerge(t *testing.T) {
	t.Parallel()
	env := setupFake(t, nil)
	srv, c := env.srv, env.client
	existing, err := srv.SeedContact(jetpackcrmtest.Contact{
		Email: "ada@example.com", Status: "Customer", Prefix: "Ms", FirstName: "Ada", LastName: "Lovelace",
		Address:     jetpackcrmtest.Address{Line1: "12 St James Square", City: "London", Postcode: "SW1Y 4JH"},
		MobilePhone: "07700 900123", Tags: []string{"vip"},
	})
	require.NoError(t, err)
	other, err := srv.SeedContact(jetpackcrmtest.Contact{Email: "grace@example.com", FirstName: "Grace", LastName: "Hopper",
		WorkPhone: "555 0100", Address: jetpackcrmtest.Address{City: "Arlington"}})
	require.NoError(t, err)

	reqs := []*jetpackcrm.CustomerRequest{
		{Email: "ada@example.com", LastName: "King"},                                    // update: one field
		{Email: "linus@example.com", FirstName: "Linus", Status: "Lead"},                // create
		{Email: "GRACE@example.com", Address: jetpackcrm.Address{Line1: "1 Navy Yard"}}, // update, other case
		{Email: "alan@example.com", FirstName: "Alan"},                                  // create...
		{Email: "alan@example.com", LastName: "Turing"},                                 // ...then update it
		{Email: "broken"}, // refused
	}
	results, err := c.Customers.UpsertMany(context.Background(), reqs, jetpackcrm.BulkOptions{Concurrency: 4, Merge: true})
	require.NoError(t, err)
	require.Len(t, results, len(reqs))
	want := []jetpackcrm.BulkOutcome{jetpackcrm.BulkUpdated, jetpackcrm.BulkCreated, jetpackcrm.BulkUpdated,
		jetpackcrm.BulkCreated, jetpackcrm.BulkUpdated, jetpackcrm.BulkFailed}
	for i, r := range results {
		assert.Equal(t, i, r.Index)
		assert.Equal(t, want[i], r.Outcome, "input %d: %v", i, r.Err)
	}
	assert.ErrorIs(t, results[5].Err, jetpackcrm.ErrInvalidInput)
	assert.Equal(t, existing.ID, results[0].Customer.ID)
	assert.Equal(t, other.ID, results[2].Customer.ID)
	assert.Equal(t, results[3].Customer.ID, results[4].Customer.ID, "the second alan request updated the contact the first created")

	// Nothing the requests did not send was blanked.
	ada, ok := srv.ContactByEmail("ada@example.com")
	require.True(t, ok)
	assert.Equal(t, "King", ada.LastName, "the change was written")
	assert.Equal(t, "Ada", ada.FirstName)
	assert.Equal(t, "Ms", ada.Prefix)
	assert.Equal(t, "Customer", ada.Status)
	assert.Equal(t, existing.Address, ada.Address)
	assert.Equal(t, "07700 900123", ada.MobilePhone)
	assert.Equal(t, []string{"vip"}, ada.Tags)

	grace, ok := srv.ContactByEmail("grace@example.com")
	require.True(t, ok)
	assert.Equal(t, "1 Navy Yard", grace.Address.Line1)
	assert.Equal(t, "Arlington", grace.Address.City, "address lines merge one by one")
	assert.Equal(t, "Grace", grace.FirstName)
	assert.Equal(t, "Hopper", grace.LastName)
	assert.Equal(t, "555 0100", grace.WorkPhone)

	alan, ok := srv.ContactByEmail("alan@example.com")
	require.True(t, ok)
	assert.Equal(t, "Alan", alan.FirstName, "the update did not blank what the create wrote")
	assert.Equal(t, "Turing", alan.LastName)
	assert.Equal(t, 4, srv.Counts().Contacts, "2 seeded + linus + alan")

	// Without Merge the same kind of request blanks the unsent fields: the
	// check above would catch a Merge that fell back to plain upserts.
	results, err = c.Customers.UpsertMany(context.Background(), []*jetpackcrm.CustomerRequest{{Email: "ada@example.com", LastName: "Byron"}}, jetpackcrm.BulkOptions{})
	require.NoError(t, err)
	require.NoError(t, results[0].Err)
	assert.Equal(t, jetpackcrm.BulkUpserted, results[0].Outcome)
	ada, _ = srv.ContactByEmail("ada@example.com")
	assert.Empty(t, ada.FirstName, "a plain upsert blanks what it does not send")
}

// perfEmailWatch wraps a handler and records, per email (lower case), the
// order in which create_customer requests arrive and how many are in
// flight at once.
type perfEmailWatch struct {
	next http.Handler

	mu          sync.Mutex
	inFlight    map[string]int
	total       int
	maxSame     int
	maxTotal    int
	arrivals    map[string][]string // email -> fname, in arrival order
	unreadables int
}

func (w *perfEmailWatch) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var b perfWireBody
	if err != nil || json.Unmarshal(body, &b) != nil {
		w.mu.Lock()
		w.unreadables++
		w.mu.Unlock()
		w.next.ServeHTTP(rw, r)
		return
	}
	key := strings.ToLower(b.Email)
	w.mu.Lock()
	w.inFlight[key]++
	w.total++
	w.maxSame = max(w.maxSame, w.inFlight[key])
	w.maxTotal = max(w.maxTotal, w.total)
	w.arrivals[key] = append(w.arrivals[key], b.Fname)
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.inFlight[key]--
		w.total--
		w.mu.Unlock()
	}()
	w.next.ServeHTTP(rw, r)
}

func TestUpsertManySameEmailSerializedInInputOrder(t *testing.T) {
	t.Parallel()
	var watch *perfEmailWatch
	env := setupFakeBehind(t, func(fake http.Handler) http.Handler {
		watch = &perfEmailWatch{next: fake, inFlight: map[string]int{}, arrivals: map[string][]string{}}
		return watch
	}, nil)
	fake, c := env.srv, env.client
	perfLatency(fake, 3*time.Millisecond)

	// 6 emails, 6 requests each, interleaved, in varying case; each request
	// sends a different subset of fields, so the final record shows which
	// request was written last.
	const emails, rounds = 6, 6
	var reqs []*jetpackcrm.CustomerRequest
	wantOrder := map[string][]string{}
	for round := 0; round < rounds; round++ {
		for e := 0; e < emails; e++ {
			email := fmt.Sprintf("person%d@example.com", e)
			if round%2 == 1 {
				email = strings.ToUpper(email[:1]) + email[1:]
			}
			r := &jetpackcrm.CustomerRequest{Email: email, FirstName: fmt.Sprintf("r%d", round)}
			if round%3 == 0 {
				r.LastName = fmt.Sprintf("last%d", round)
			}
			if round%2 == 0 {
				r.Address.City = fmt.Sprintf("city%d", round)
			}
			reqs = append(reqs, r)
			key := strings.ToLower(email)
			wantOrder[key] = append(wantOrder[key], r.FirstName)
		}
	}
	results, err := c.Customers.UpsertMany(context.Background(), reqs, jetpackcrm.BulkOptions{Concurrency: 8})
	require.NoError(t, err)
	for i, r := range results {
		require.NoError(t, r.Err, "input %d", i)
		assert.Equal(t, i, r.Index)
	}

	watch.mu.Lock()
	defer watch.mu.Unlock()
	assert.Zero(t, watch.unreadables)
	assert.Equal(t, 1, watch.maxSame, "two requests for one email were never in flight together")
	assert.Greater(t, watch.maxTotal, 1, "requests for different emails did run concurrently")
	assert.Equal(t, wantOrder, watch.arrivals, "requests for one email arrived in input order")

	last := reqs[len(reqs)-emails:]
	assert.Equal(t, emails, fake.Counts().Contacts, "one contact per email")
	for _, r := range last {
		got, ok := fake.ContactByEmail(r.Email)
		require.True(t, ok)
		assert.Equal(t, r.FirstName, got.FirstName, "%s: the last request wins", r.Email)
		assert.Equal(t, r.LastName, got.LastName, "%s: the last request's blanks win too", r.Email)
		assert.Equal(t, r.Address.City, got.Address.City, "%s", r.Email)
		assert.Equal(t, strings.ToLower(r.Email), got.Email, "the first spelling of the batch stays")
	}
}

func TestUpsertManyContextCancelledMidway(t *testing.T) {
	// Not parallel: goleak looks at every goroutine of the process.
	ignore := goleak.IgnoreCurrent()
	srv := jetpackcrmtest.NewServer()
	perfLatency(srv, 5*time.Millisecond)
	c, err := jetpackcrm.NewClient(srv.URL, srv.APIKey, srv.APISecret)
	require.NoError(t, err)

	const n, concurrency, cancelAfter = 60, 3, 5
	reqs := make([]*jetpackcrm.CustomerRequest, n)
	for i := range reqs {
		reqs[i] = &jetpackcrm.CustomerRequest{Email: fmt.Sprintf("c%d@example.com", i)}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var log perfResultLog
	var seen atomic.Int32
	results, err := c.Customers.UpsertMany(ctx, reqs, jetpackcrm.BulkOptions{Concurrency: concurrency, OnResult: func(r jetpackcrm.BulkResult) {
		log.onResult(r)
		if seen.Add(1) == cancelAfter {
			cancel()
		}
	}})
	require.Error(t, err, "a cancelled bulk write says so")
	assert.ErrorIs(t, err, context.Canceled)
	require.Len(t, results, n, "one result per input, tried or not")

	succeeded := 0
	for i, r := range results {
		assert.Equal(t, i, r.Index)
		if r.Err == nil {
			succeeded++
			assert.Equal(t, jetpackcrm.BulkUpserted, r.Outcome)
			continue
		}
		assert.Equal(t, jetpackcrm.BulkFailed, r.Outcome)
		assert.ErrorIs(t, r.Err, context.Canceled, "input %d carries ctx's error", i)
		var re *jetpackcrm.RequestError
		assert.ErrorAs(t, r.Err, &re, "input %d", i)
	}
	assert.GreaterOrEqual(t, succeeded, cancelAfter, "what completed before the cancel is kept")
	assert.LessOrEqual(t, succeeded, cancelAfter+concurrency-1, "nothing new started after the cancel")
	stored := srv.Counts().Contacts
	assert.GreaterOrEqual(t, stored, succeeded)
	assert.LessOrEqual(t, stored, succeeded+concurrency-1, "at most the requests in flight at the cancel were applied without a result")
	log.assertOncePerInput(t, n)
	t.Logf("%d of %d written before the cancel, %d stored, %d requests received", succeeded, n, stored, srv.RequestCount())

	c.CloseIdleConnections()
	srv.Close()
	goleak.VerifyNone(t, ignore)
}

func TestUpsertManySharesThe429Pause(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		fake := jetpackcrmtest.NewUnstartedServer()
		defer fake.Close()
		const pause = 2 * time.Second
		// Every create_customer takes 10 ms, except the third one, which is
		// answered at once with a 429 asking for a 2 s pause: the two workers
		// that were not told to wait are free again long before it ends.
		const latency = 10 * time.Millisecond
		fake.InjectFaults(jetpackcrmtest.Faults{Endpoint: jetpackcrmtest.EndpointCreateCustomer,
			Schedule:   []jetpackcrmtest.FaultKind{jetpackcrmtest.FaultLatency, jetpackcrmtest.FaultLatency, jetpackcrmtest.Fault429},
			RetryAfter: pause, Latency: latency})
		perfLatency(fake, latency)
		c, err := jetpackcrm.NewClient("http://crm.localhost", fake.APIKey, fake.APISecret,
			jetpackcrm.WithHTTPClient(&http.Client{Transport: handlerTransport{fake.Handler()}}))
		require.NoError(t, err)

		const n, concurrency = 6, 3
		reqs := make([]*jetpackcrm.CustomerRequest, n)
		for i := range reqs {
			reqs[i] = &jetpackcrm.CustomerRequest{Email: fmt.Sprintf("p%d@example.com", i)}
		}
		start := time.Now()
		results, err := c.Customers.UpsertMany(context.Background(), reqs, jetpackcrm.BulkOptions{Concurrency: concurrency})
		require.NoError(t, err)
		for i, r := range results {
			require.NoError(t, r.Err, "input %d: the 429 was retried", i)
		}
		assert.Equal(t, n, fake.Counts().Contacts, "nothing lost")
		assert.Equal(t, 1, fake.FaultCount(jetpackcrmtest.Fault429))

		recs := fake.Requests()
		require.Len(t, recs, n+1, "every request once, plus the retry of the 429")
		var first, during, after int
		var throttled time.Time
		for _, r := range recs {
			at := r.Time.Sub(start)
			switch {
			case at == 0:
				first++
			case at < pause:
				during++
				t.Errorf("request at +%v, during the pause", at)
			default:
				after++
			}
			if r.Status == http.StatusTooManyRequests {
				throttled = r.Time
			}
		}
		assert.Equal(t, start, throttled, "the 429 came in the first wave")
		assert.Equal(t, concurrency, first, "the first wave: one request per worker")
		assert.Zero(t, during, "no worker sent anything during the pause")
		assert.Equal(t, n+1-concurrency, after)
		assert.GreaterOrEqual(t, time.Since(start), pause)
	})
}

// A context that ends after every email group was handed to a worker still
// makes UpsertMany say it stopped early: the second request for the same
// email was never sent.
func TestUpsertManyContextEndingAfterTheLastGroupIsReported(t *testing.T) {
	t.Parallel()
	env := setupFake(t, nil)
	fake, c := env.srv, env.client
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reqs := []*jetpackcrm.CustomerRequest{
		{Email: "same@example.com", FirstName: "First"},
		{Email: "same@example.com", FirstName: "Second"},
	}
	results, err := c.Customers.UpsertMany(ctx, reqs, jetpackcrm.BulkOptions{Concurrency: 1, OnResult: func(jetpackcrm.BulkResult) { cancel() }})
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	require.Len(t, results, 2)
	assert.NoError(t, results[0].Err)
	assert.ErrorIs(t, results[1].Err, context.Canceled)
	got, ok := fake.ContactByEmail("same@example.com")
	require.True(t, ok)
	assert.Equal(t, "First", got.FirstName, "the second request was not sent")
}

// TestUpsertManyKeepsTheStoredSpellingOfAnEmail: emails match
// case-insensitively, and create_customer stores the spelling it is sent,
// so rows whose emails differ only in case used to rename the contact. The
// spelling on the site stays; only Update with a different address (case
// included) renames.
func TestUpsertManyKeepsTheStoredSpellingOfAnEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("merge", func(t *testing.T) {
		t.Parallel()
		env := setupFake(t, nil)
		srv, c := env.srv, env.client
		_, err := srv.SeedContact(jetpackcrmtest.Contact{Email: "ada@example.com", FirstName: "Ada"})
		require.NoError(t, err)
		res, err := c.Customers.UpsertMany(ctx, []*jetpackcrm.CustomerRequest{
			{Email: "Ada@Example.com", LastName: "Lovelace"},
			{Email: "ADA@EXAMPLE.COM", Address: jetpackcrm.Address{City: "London"}},
			{Email: "Linus@Example.com", FirstName: "Linus"}, // new: created as first spelt
			{Email: "linus@example.com", LastName: "Torvalds"},
		}, jetpackcrm.BulkOptions{Merge: true})
		require.NoError(t, err)
		for _, r := range res {
			require.NoError(t, r.Err)
		}
		ada, ok := srv.ContactByEmail("ada@example.com")
		require.True(t, ok)
		assert.Equal(t, "ada@example.com", ada.Email, "the stored spelling stays")
		assert.Equal(t, "Lovelace", ada.LastName)
		assert.Equal(t, "London", ada.Address.City)
		assert.Equal(t, "ada@example.com", res[1].Customer.Email, "the result is what was stored")
		linus, ok := srv.ContactByEmail("linus@example.com")
		require.True(t, ok)
		assert.Equal(t, "Linus@Example.com", linus.Email, "the first spelling on the site stays")
		assert.Equal(t, "Torvalds", linus.LastName)
	})
	t.Run("upsert", func(t *testing.T) {
		t.Parallel()
		env := setupFake(t, nil)
		srv, c := env.srv, env.client
		res, err := c.Customers.UpsertMany(ctx, []*jetpackcrm.CustomerRequest{
			{Email: "Grace@Example.com", FirstName: "Grace"},
			{Email: "grace@example.com", FirstName: "Grace", LastName: "Hopper"},
		}, jetpackcrm.BulkOptions{})
		require.NoError(t, err)
		for _, r := range res {
			require.NoError(t, r.Err)
		}
		grace, ok := srv.ContactByEmail("grace@example.com")
		require.True(t, ok)
		assert.Equal(t, "Grace@Example.com", grace.Email, "later rows of the batch are sent with its first spelling")
		assert.Equal(t, "Hopper", grace.LastName)
	})
	t.Run("Update renames when asked", func(t *testing.T) {
		t.Parallel()
		env := setupFake(t, nil)
		srv, c := env.srv, env.client
		_, err := srv.SeedContact(jetpackcrmtest.Contact{Email: "alan@example.com", FirstName: "Alan"})
		require.NoError(t, err)
		_, _, err = c.Customers.Update(ctx, "ALAN@example.com", &jetpackcrm.CustomerRequest{Email: "ALAN@example.com", LastName: "Turing"})
		require.NoError(t, err)
		alan, _ := srv.ContactByEmail("alan@example.com")
		assert.Equal(t, "alan@example.com", alan.Email, "the lookup key is not a rename")
		_, _, err = c.Customers.Update(ctx, "alan@example.com", &jetpackcrm.CustomerRequest{Email: "Alan@Example.com"})
		require.NoError(t, err)
		alan, _ = srv.ContactByEmail("alan@example.com")
		assert.Equal(t, "Alan@Example.com", alan.Email, "a different spelling than the key is a rename")
		assert.Equal(t, "Turing", alan.LastName)
	})
}

// TestUpsertManyDryRunDecidesWithoutWriting: a dry run reads (one lookup per
// email) and writes nothing, and says for each request what its write
// would do: merged, an overwrite also changes what the request leaves out.
func TestUpsertManyDryRunDecidesWithoutWriting(t *testing.T) {
	t.Parallel()
	f := setupFake(t, nil, jetpackcrm.WithoutRetries())
	c := f.client
	_, err := f.srv.SeedContact(jetpackcrmtest.Contact{Email: "ada@example.com", Status: "Lead", FirstName: "Ada", LastName: "Lovelace",
		Address: jetpackcrmtest.Address{City: "London"}, Tags: []string{"vip"}})
	require.NoError(t, err)
	_, err = f.srv.SeedContact(jetpackcrmtest.Contact{Email: "grace@example.com", Status: "Customer", FirstName: "Grace", LastName: "Hopper"})
	require.NoError(t, err)
	reqs := []*jetpackcrm.CustomerRequest{
		{Email: "ADA@example.com", FirstName: "Ada", LastName: "Lovelace", Status: "Lead", Address: jetpackcrm.Address{City: " London "}, Tags: []string{"vip"}},
		{Email: "ada@example.com", LastName: "King"},
		{Email: "grace@example.com", FirstName: "Grace", LastName: "Hopper", Status: "Lead"}, // sticky Customer: no change
		{Email: "linus@example.com", FirstName: "Linus"},
		{Email: "broken"},
	}
	type want struct {
		outcome jetpackcrm.BulkOutcome
		changes []string
	}
	for _, tc := range []struct {
		merge bool
		want  []want
	}{
		{true, []want{
			{jetpackcrm.BulkUnchanged, nil}, {jetpackcrm.BulkUpdated, []string{"lname"}}, {jetpackcrm.BulkUnchanged, nil},
			{jetpackcrm.BulkCreated, nil}, {jetpackcrm.BulkFailed, nil},
		}},
		{false, []want{
			{jetpackcrm.BulkUnchanged, nil}, // the email is the key: the site's spelling stays
			{jetpackcrm.BulkUpdated, []string{"city", "fname", "lname", "status"}},
			{jetpackcrm.BulkUnchanged, nil}, {jetpackcrm.BulkCreated, nil}, {jetpackcrm.BulkFailed, nil},
		}},
	} {
		res, err := c.Customers.UpsertMany(context.Background(), reqs, jetpackcrm.BulkOptions{Merge: tc.merge, DryRun: true})
		require.NoError(t, err)
		for i, r := range res {
			assert.Equal(t, tc.want[i].outcome, r.Outcome, "merge=%v input %d: %v", tc.merge, i, r.Err)
			assert.Equal(t, tc.want[i].changes, r.Changes, "merge=%v input %d", tc.merge, i)
		}
		assert.ErrorIs(t, res[4].Err, jetpackcrm.ErrInvalidInput)
		assert.Equal(t, "ada@example.com", res[0].Customer.Email, "the stored contact")
		assert.Nil(t, res[3].Customer)
	}
	assert.Zero(t, f.calls("create_customer"), "a dry run writes nothing")
	ada, _ := f.srv.ContactByEmail("ada@example.com")
	assert.Equal(t, "Lovelace", ada.LastName)
}

// TestUpsertManyMergeValidationNamesUpsertMany: a refused new row in Merge
// mode used to name Customers.Update, which it never reached.
func TestUpsertManyMergeValidationNamesUpsertMany(t *testing.T) {
	t.Parallel()
	c := setupFake(t, nil).client
	res, err := c.Customers.UpsertMany(context.Background(), []*jetpackcrm.CustomerRequest{{Email: "new@example.com", FirstName: "Bad\xff"}},
		jetpackcrm.BulkOptions{Merge: true})
	require.NoError(t, err)
	var ve *jetpackcrm.ValidationError
	require.ErrorAs(t, res[0].Err, &ve)
	assert.Equal(t, "Customers.UpsertMany", ve.Op)
	assert.Equal(t, "FirstName", ve.Field)
	assert.NotContains(t, res[0].Err.Error(), "Customers.Update")
}

// TestUpsertManyStopsWhenTheCredentialsAreRefused: after a 401 every other
// request would be refused the same way; none is sent.
func TestUpsertManyStopsWhenTheCredentialsAreRefused(t *testing.T) {
	t.Parallel()
	f := setupFake(t, nil, jetpackcrm.WithoutRetries())
	c, err := jetpackcrm.NewClient(f.srv.URL, f.srv.APIKey, "jpcrm_sk_wrong", jetpackcrm.WithoutRetries())
	require.NoError(t, err)
	reqs := perfBulkRequests(0, 50)
	for _, merge := range []bool{false, true} {
		res, err := c.Customers.UpsertMany(context.Background(), reqs, jetpackcrm.BulkOptions{Concurrency: 2, Merge: merge})
		require.ErrorIs(t, err, jetpackcrm.ErrUnauthorized)
		for _, r := range res {
			assert.ErrorIs(t, r.Err, jetpackcrm.ErrUnauthorized)
		}
		assertNoSecretIn(t, err.Error(), "jpcrm_sk_wrong")
	}
	assert.LessOrEqual(t, f.srv.RequestCount(), 4, "at most the requests in flight when the first 401 came")
}

func assertNoSecretIn(t *testing.T, text, secret string) {
	t.Helper()
	assert.NotContains(t, text, secret)
}

// TestUpsertManyMergeWritesOnlyWhatChanged: a merging UpsertMany (a Sync)
// used to read and rewrite every contact; a second pass over unchanged
// contacts now reads the list once and writes nothing.
func TestUpsertManyMergeWritesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	f := setupFake(t, nil, jetpackcrm.WithoutRetries())
	c := f.client
	reqs := perfBulkRequests(7, 200)
	res, err := c.Customers.UpsertMany(context.Background(), reqs, jetpackcrm.BulkOptions{Merge: true})
	require.NoError(t, err)
	for _, r := range res {
		require.NoError(t, r.Err)
		require.Equal(t, jetpackcrm.BulkCreated, r.Outcome)
	}
	writes := f.calls("create_customer")
	reads := f.calls("customers") + f.calls("customer_search")
	res, err = c.Customers.UpsertMany(context.Background(), reqs, jetpackcrm.BulkOptions{Merge: true})
	require.NoError(t, err)
	for _, r := range res {
		require.NoError(t, r.Err)
		assert.Equal(t, jetpackcrm.BulkUnchanged, r.Outcome)
	}
	assert.Equal(t, writes, f.calls("create_customer"), "no write")
	assert.Equal(t, 1, f.calls("customers")+f.calls("customer_search")-reads, "one read of the list")
}
