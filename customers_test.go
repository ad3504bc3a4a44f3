package jetpackcrm_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// Lookups by email against the fake behind a front that does what WordPress
// does to query strings (wp_magic_quotes: $_GET values backslash-escaped),
// which the fake itself does not: customer_search?email= then never finds
// an address with an apostrophe, as on a real site.

// wpSlashes is addslashes, what WordPress applies to every $_GET value.
var wpSlashes = strings.NewReplacer(`\`, `\\`, `'`, `\'`, `"`, `\"`, "\x00", `\0`)

// slashingSite serves srv behind a front that slashes the query values
// (except the credentials, which WordPress compares before any of it) and
// counts requests per endpoint.
type slashingSite struct {
	srv *jetpackcrmtest.Server
	ts  *httptest.Server

	mu    sync.Mutex
	calls map[string]int
}

func newSlashingSite(t *testing.T, opts ...jetpackcrmtest.Option) *slashingSite {
	t.Helper()
	s := &slashingSite{srv: jetpackcrmtest.NewServer(opts...), calls: map[string]int{}}
	s.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		for k, vs := range q {
			if k == "api_key" || k == "api_secret" {
				continue
			}
			for i := range vs {
				vs[i] = wpSlashes.Replace(vs[i])
			}
		}
		r.URL.RawQuery = q.Encode()
		endpoint := strings.Trim(strings.TrimPrefix(r.URL.Path, "/zbs_api/"), "/")
		s.mu.Lock()
		s.calls[endpoint]++
		s.mu.Unlock()
		s.srv.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		s.ts.Close()
		s.srv.Close()
	})
	return s
}

func (s *slashingSite) client(t *testing.T) *jetpackcrm.Client {
	t.Helper()
	c, err := jetpackcrm.NewClient(s.ts.URL, s.srv.APIKey, s.srv.APISecret, jetpackcrm.WithoutRetries())
	require.NoError(t, err)
	return c
}

func (s *slashingSite) count(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[endpoint]
}

func TestGetByEmailFindsAddressesWordPressSlashes(t *testing.T) {
	t.Parallel()
	site := newSlashingSite(t)
	for _, c := range []jetpackcrmtest.Contact{
		{Email: "jo'neil@example.org", FirstName: "Jo"}, // contains the address below: a LIKE hit
		{Email: "o'neil@example.org", FirstName: "Pat", Tags: []string{"irish"}},
		{Email: "plain@example.org", FirstName: "Plain"},
	} {
		_, err := site.srv.SeedContact(c)
		require.NoError(t, err)
	}
	c := site.client(t)
	ctx := context.Background()

	for _, tc := range []struct {
		email, want string
	}{
		{"o'neil@example.org", "Pat"},
		{"O'NEIL@Example.org", "Pat"},
		{"jo'neil@example.org", "Jo"},
		{"plain@example.org", "Plain"},
	} {
		got, _, err := c.Customers.GetByEmail(ctx, tc.email)
		require.NoError(t, err, tc.email)
		assert.Equal(t, tc.want, got.FirstName, tc.email)
	}
	got, _, err := c.Customers.GetByEmail(ctx, "o'neil@example.org")
	require.NoError(t, err)
	assert.Equal(t, []string{"irish"}, tagNamesOf(got.Tags), "tags come with the contact")
	assert.Equal(t, 1, site.count("customer_search"), "only the plain address asks customer_search?email=")

	_, _, err = c.Customers.GetByEmail(ctx, "o'nobody@example.org")
	require.ErrorIs(t, err, jetpackcrm.ErrNotFound)
	assert.NotContains(t, err.Error(), "nobody", "a miss names the operation, not the address")
	_, _, err = c.Customers.GetByEmail(ctx, "nobody@example.org")
	require.ErrorIs(t, err, jetpackcrm.ErrNotFound)
	assert.NotContains(t, err.Error(), "nobody")

	// Update and a merging UpsertMany find the contact: they change what
	// was asked and blank nothing.
	_, _, err = c.Customers.Update(ctx, "o'neil@example.org", &jetpackcrm.CustomerRequest{LastName: "O'Neil"})
	require.NoError(t, err)
	res, err := c.Customers.UpsertMany(ctx, []*jetpackcrm.CustomerRequest{{Email: "o'neil@example.org", Address: jetpackcrm.Address{City: "Cork"}}},
		jetpackcrm.BulkOptions{Merge: true})
	require.NoError(t, err)
	require.NoError(t, res[0].Err)
	assert.Equal(t, jetpackcrm.BulkUpdated, res[0].Outcome, "found, so merged rather than created")
	pat, ok := site.srv.ContactByEmail("o'neil@example.org")
	require.True(t, ok)
	assert.Equal(t, "Pat", pat.FirstName)
	assert.Equal(t, "O'Neil", pat.LastName)
	assert.Equal(t, "Cork", pat.Address.City)
	assert.Equal(t, []string{"irish"}, pat.Tags)
	assert.Equal(t, 3, site.srv.Counts().Contacts)
}

// TestGetByEmailSearchThatMayHaveMatchedAnAliasIsNotAMiss: the search
// behind a slashed address also matches aliases, which the list does not
// show; a result whose email does not contain the address may hold it as
// an alias, so the lookup must not report a miss (a merge would create the
// contact and overwrite the one that has it).
func TestGetByEmailSearchThatMayHaveMatchedAnAliasIsNotAMiss(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	var customerSearches int
	mux.HandleFunc("/zbs_api/customers/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"id":"7","email":"pat.primary@example.org","fname":"Pat"}]`))
	})
	mux.HandleFunc("/zbs_api/customer_search/", func(w http.ResponseWriter, _ *http.Request) {
		customerSearches++
		_, _ = w.Write([]byte(`[]`))
	})
	mux.HandleFunc("/zbs_api/create_customer/", func(w http.ResponseWriter, _ *http.Request) {
		t.Error("a merge created a contact whose lookup was ambiguous")
		_, _ = w.Write([]byte(`{"id":99}`))
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	c, err := jetpackcrm.NewClient(ts.URL, "jpcrm_pk_k", "jpcrm_sk_s", jetpackcrm.WithoutRetries())
	require.NoError(t, err)

	_, _, err = c.Customers.GetByEmail(context.Background(), "o'neil@example.org")
	require.ErrorIs(t, err, jetpackcrm.ErrAmbiguousEmail)
	assert.NotErrorIs(t, err, jetpackcrm.ErrNotFound)
	assert.NotContains(t, err.Error(), "neil")

	// A merge that looks each email up does not create it either.
	res, err := c.Customers.Sync(context.Background(), []*jetpackcrm.CustomerRequest{{Email: "o'neil@example.org", FirstName: "Pat"}},
		jetpackcrm.SyncOptions{Lookup: jetpackcrm.LookupPerRow})
	require.NoError(t, err)
	assert.Equal(t, jetpackcrm.BulkFailed, res[0].Outcome)
	assert.ErrorIs(t, res[0].Err, jetpackcrm.ErrAmbiguousEmail)
	assert.Zero(t, customerSearches, "customer_search?email= cannot find such an address: not asked")
}

func TestGetByEmailSearchBodyIsNotEscaped(t *testing.T) {
	t.Parallel()
	var got url.Values
	var body string
	mux := http.NewServeMux()
	mux.HandleFunc("/zbs_api/customers/", func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query()
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		_, _ = w.Write([]byte(`[]`))
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	c, err := jetpackcrm.NewClient(ts.URL, "jpcrm_pk_k", "jpcrm_sk_s", jetpackcrm.WithoutRetries())
	require.NoError(t, err)
	_, _, err = c.Customers.GetByEmail(context.Background(), "o'neil@example.org")
	require.ErrorIs(t, err, jetpackcrm.ErrNotFound)
	assert.Contains(t, body, `"search":"o'neil@example.org"`)
	assert.Empty(t, got.Get("search"), "the address travels in the body, not the query string")
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
