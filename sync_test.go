package jetpackcrm_test

// Customers.Sync against the fake (behind a front that counts requests per
// endpoint) and against handlers that play the site's rare answers.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// syncContact is the n-th contact of the sync tests, as seeded and as a
// request.
func syncContact(n int) (jetpackcrmtest.Contact, *jetpackcrm.CustomerRequest) {
	c := jetpackcrmtest.Contact{Email: fmt.Sprintf("sync.%04d@example.com", n), Status: "Lead", FirstName: "Sync",
		LastName: fmt.Sprint("Person", n), Address: jetpackcrmtest.Address{Line1: "1 High St", City: "Leeds"}, MobilePhone: "07700 900000"}
	return c, &jetpackcrm.CustomerRequest{Email: c.Email, Status: c.Status, FirstName: c.FirstName, LastName: c.LastName,
		Address: jetpackcrm.Address{Line1: c.Address.Line1, City: c.Address.City}, MobilePhone: c.MobilePhone}
}

func outcomes(res []jetpackcrm.BulkResult) map[jetpackcrm.BulkOutcome]int {
	m := map[jetpackcrm.BulkOutcome]int{}
	for _, r := range res {
		m[r.Outcome]++
	}
	return m
}

func requireNoErrors(t *testing.T, res []jetpackcrm.BulkResult) {
	t.Helper()
	for _, r := range res {
		require.NoError(t, r.Err, "request %d", r.Index)
	}
}

// TestSyncWritesOnlyWhatChanged: one read of the site's contacts, no write
// for a contact that holds what its request says, a fresh read and a merged
// write for one that changed, a create for a new one; nothing is blanked,
// emails match case-insensitively, apostrophe included.
func TestSyncWritesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	f := setupFake(t, nil, jetpackcrm.WithoutRetries())
	c := f.client
	var reqs []*jetpackcrm.CustomerRequest
	for i := range 300 {
		seed, req := syncContact(i)
		seed.HomePhone = "0113 496 0000" // not in the requests: must survive
		_, err := f.srv.SeedContact(seed)
		require.NoError(t, err)
		reqs = append(reqs, req)
	}
	_, err := f.srv.SeedContact(jetpackcrmtest.Contact{Email: "o'neil@example.org", FirstName: "Pat", LastName: "O'Neil", Tags: []string{"irish"}})
	require.NoError(t, err)
	reqs[7].Address.City = "York"                                                                                            // changed
	reqs[8].LastName = "Renamed"                                                                                             // changed
	reqs[9].Email = strings.ToUpper(reqs[9].Email)                                                                           // same contact, other case: unchanged
	reqs[10].FirstName = "  Sync "                                                                                           // white space only: unchanged
	reqs = append(reqs, &jetpackcrm.CustomerRequest{Email: "O'NEIL@example.org", Address: jetpackcrm.Address{City: "Cork"}}, // changed
		&jetpackcrm.CustomerRequest{Email: "new.one@example.com", FirstName: "New"}, // created
		&jetpackcrm.CustomerRequest{Email: "new.one@example.com", LastName: "One"},  // then merged into it
	)
	ctx := context.Background()
	f.srv.ResetLog()
	// (No re-read of the list's end on a slow machine: counts are exact.)
	res, err := c.Customers.Sync(ctx, reqs, jetpackcrm.SyncOptions{Concurrency: 4, RecheckAfter: time.Hour})
	require.NoError(t, err)
	requireNoErrors(t, res)
	assert.Equal(t, map[jetpackcrm.BulkOutcome]int{jetpackcrm.BulkUnchanged: 298, jetpackcrm.BulkUpdated: 4, jetpackcrm.BulkCreated: 1}, outcomes(res))
	assert.Equal(t, []string{"city"}, res[7].Changes)
	assert.Equal(t, []string{"lname"}, res[8].Changes)
	assert.Equal(t, jetpackcrm.BulkUnchanged, res[9].Outcome)
	assert.Equal(t, jetpackcrm.BulkUpdated, res[len(res)-1].Outcome, "the second request of a new email merges into the first")
	// 1 read of the list; a fresh read before and a read back after each
	// of the 4 merges (the apostrophe address through a search of the
	// customers list); writes for the 3 changed and the 2 new-email
	// requests.
	assert.Equal(t, 1+1+1, f.calls("customers"))
	assert.Equal(t, 3+3, f.calls("customer_search"), "fresh reads before the merges, read backs after them")
	assert.Equal(t, 5, f.calls("create_customer"))

	york, _ := f.srv.ContactByEmail(reqs[7].Email)
	assert.Equal(t, "York", york.Address.City)
	assert.Equal(t, "0113 496 0000", york.HomePhone, "the merge blanked nothing")
	assert.Equal(t, "1 High St", york.Address.Line1)
	pat, _ := f.srv.ContactByEmail("o'neil@example.org")
	assert.Equal(t, "o'neil@example.org", pat.Email, "the site's spelling stays")
	assert.Equal(t, "Cork", pat.Address.City)
	assert.Equal(t, "O'Neil", pat.LastName)
	assert.Equal(t, []string{"irish"}, pat.Tags)
	nu, _ := f.srv.ContactByEmail("new.one@example.com")
	assert.Equal(t, "New", nu.FirstName)
	assert.Equal(t, "One", nu.LastName)

	// A second pass changes nothing: one read, no write.
	f.srv.ResetLog()
	res, err = c.Customers.Sync(ctx, reqs, jetpackcrm.SyncOptions{})
	require.NoError(t, err)
	requireNoErrors(t, res)
	assert.Equal(t, map[jetpackcrm.BulkOutcome]int{jetpackcrm.BulkUnchanged: len(reqs)}, outcomes(res))
	assert.Equal(t, map[string]int{"customers": 1}, f.callCounts())
}

// TestSyncSecondPassOver3000Contacts is the target of issue 13 in counts:
// at most 2 reads per 1,000 contacts and no write.
func TestSyncSecondPassOver3000Contacts(t *testing.T) {
	t.Parallel()
	f := setupFake(t, nil, jetpackcrm.WithoutRetries())
	c := f.client
	var reqs []*jetpackcrm.CustomerRequest
	for i := range 3000 {
		seed, req := syncContact(i)
		_, err := f.srv.SeedContact(seed)
		require.NoError(t, err)
		reqs = append(reqs, req)
	}
	res, err := c.Customers.Sync(context.Background(), reqs, jetpackcrm.SyncOptions{Concurrency: 8})
	require.NoError(t, err)
	requireNoErrors(t, res)
	assert.Equal(t, map[jetpackcrm.BulkOutcome]int{jetpackcrm.BulkUnchanged: 3000}, outcomes(res))
	assert.LessOrEqual(t, f.calls("customers"), 6, "at most 2 reads per 1,000 contacts")
	assert.Zero(t, f.calls("create_customer"))
	assert.Zero(t, f.calls("customer_search"))
	t.Logf("reads: %d for 3,000 contacts", f.calls("customers"))
}

// TestSyncLooksUpOneByOneOnABigSite: two requests against 2,000 contacts do
// not pay for reading the site.
func TestSyncLooksUpOneByOneOnABigSite(t *testing.T) {
	t.Parallel()
	f := setupFake(t, nil, jetpackcrm.WithoutRetries())
	c := f.client
	f.srv.SeedContacts(2000)
	seeded := f.srv.Contacts()
	res, err := c.Customers.Sync(context.Background(), []*jetpackcrm.CustomerRequest{
		{Email: seeded[1500].Email, FirstName: seeded[1500].FirstName},
		{Email: "not.there@example.com", FirstName: "New"},
	}, jetpackcrm.SyncOptions{})
	require.NoError(t, err)
	requireNoErrors(t, res)
	assert.Equal(t, jetpackcrm.BulkUnchanged, res[0].Outcome)
	assert.Equal(t, jetpackcrm.BulkCreated, res[1].Outcome)
	assert.Equal(t, 1, f.calls("customers"), "one small page, then the budget is spent")
	assert.Equal(t, 2, f.calls("customer_search"))

	// LookupList reads them all anyway (one page at a time with
	// Concurrency 1; more run a few past the end); LookupPerRow reads none.
	f.srv.ResetLog()
	_, err = c.Customers.Sync(context.Background(), []*jetpackcrm.CustomerRequest{{Email: seeded[3].Email}}, jetpackcrm.SyncOptions{Lookup: jetpackcrm.LookupList, PageSize: 500, Concurrency: 1})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"customers": 5}, f.callCounts())
	f.srv.ResetLog()
	_, err = c.Customers.Sync(context.Background(), []*jetpackcrm.CustomerRequest{{Email: seeded[3].Email}}, jetpackcrm.SyncOptions{Lookup: jetpackcrm.LookupPerRow})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"customer_search": 1}, f.callCounts())
}

// TestSyncAsksHowLongTheListIsBeforeReadingOn: 40 emails are worth 20
// pages of 100 (a page costs about 2 lookups). On a site of 3,000 Sync used
// to read 20 pages and then look all 40 up anyway; after the first page it
// now asks for the contact at position 2,000, and reads on only when there
// is none (the 20th page is then short, and shows the list's end).
func TestSyncAsksHowLongTheListIsBeforeReadingOn(t *testing.T) {
	t.Parallel()
	newEmails := func(n int) []*jetpackcrm.CustomerRequest {
		reqs := make([]*jetpackcrm.CustomerRequest, n)
		for i := range reqs {
			reqs[i] = &jetpackcrm.CustomerRequest{Email: fmt.Sprintf("new.%d@example.com", i), FirstName: "New"}
		}
		return reqs
	}
	tests := []struct {
		name                  string
		contacts              int
		wantLists, wantSearch int
	}{
		{"a site longer than the pages worth reading: the first page, the question, 40 lookups", 3000, 2, 40},
		{"exactly as long: the 20th page would be full, so the end would not be seen", 2000, 2, 40},
		{"one shorter: 20 pages (the last short), the question, no lookup", 1999, 21, 0},
		{"a site that ends within them: 16 pages (the last empty), the question, no lookup", 1500, 17, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setupFake(t, nil, jetpackcrm.WithoutRetries())
			f.srv.SeedContacts(tt.contacts)
			res, err := f.client.Customers.Sync(context.Background(), newEmails(40), jetpackcrm.SyncOptions{Concurrency: 1, PageSize: 100, RecheckAfter: time.Hour})
			require.NoError(t, err)
			requireNoErrors(t, res)
			assert.Equal(t, map[jetpackcrm.BulkOutcome]int{jetpackcrm.BulkCreated: 40}, outcomes(res))
			assert.Equal(t, tt.wantLists, f.calls("customers"), "pages and the question")
			assert.Equal(t, tt.wantSearch, f.calls("customer_search"), "lookups")
			assert.Equal(t, tt.contacts+40, f.srv.Counts().Contacts)
		})
	}
}

// TestSyncFindsAContactAddedDuringTheRun: a contact someone else creates
// after Sync read the list is found by the re-read of the list's end
// before the create, and merged into, not overwritten.
func TestSyncFindsAContactAddedDuringTheRun(t *testing.T) {
	t.Parallel()
	var lists atomic.Int32
	var srv *jetpackcrmtest.Server
	env := setupFakeBehind(t, func(fake http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fake.ServeHTTP(w, r)
			if strings.Contains(r.URL.Path, "/customers/") && lists.Add(1) == 1 {
				// Someone else adds the contact right after the first read.
				_, err := srv.SeedContact(jetpackcrmtest.Contact{Email: "late@example.com", FirstName: "Late", LastName: "Comer", MobilePhone: "07700 900999"})
				assert.NoError(t, err)
			}
		})
	}, nil)
	srv, c := env.srv, env.client
	srv.SeedContacts(5)
	res, err := c.Customers.Sync(context.Background(), []*jetpackcrm.CustomerRequest{{Email: "late@example.com", Address: jetpackcrm.Address{City: "Bath"}}},
		jetpackcrm.SyncOptions{RecheckAfter: -1})
	require.NoError(t, err)
	requireNoErrors(t, res)
	assert.Equal(t, jetpackcrm.BulkUpdated, res[0].Outcome, "found, so merged")
	late, _ := srv.ContactByEmail("late@example.com")
	assert.Equal(t, "Bath", late.Address.City)
	assert.Equal(t, "Comer", late.LastName, "nothing of the other writer's contact was blanked")
	assert.Equal(t, "07700 900999", late.MobilePhone)
	assert.Equal(t, 6, srv.Counts().Contacts)
}

func TestSyncRequestsWithAnID(t *testing.T) {
	t.Parallel()
	f := setupFake(t, nil, jetpackcrm.WithoutRetries())
	c := f.client
	ada, err := f.srv.SeedContact(jetpackcrmtest.Contact{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace"})
	require.NoError(t, err)
	grace, err := f.srv.SeedContact(jetpackcrmtest.Contact{Email: "grace@example.com", FirstName: "Grace"})
	require.NoError(t, err)
	res, err := c.Customers.Sync(context.Background(), []*jetpackcrm.CustomerRequest{
		{ID: ada.ID, Email: "Ada@Example.com"},      // names the contact: a rename of the spelling
		{ID: grace.ID, Email: "nobody@example.com"}, // would rename and blank grace
		{ID: ada.ID, Email: "grace@example.com"},    // the email is grace's
	}, jetpackcrm.SyncOptions{})
	require.NoError(t, err)
	assert.Equal(t, jetpackcrm.BulkUpdated, res[0].Outcome, "%v", res[0].Err)
	assert.Equal(t, []string{"email"}, res[0].Changes)
	for _, r := range res[1:] {
		assert.ErrorIs(t, r.Err, jetpackcrm.ErrInvalidInput)
	}
	got, _ := f.srv.Contact(ada.ID)
	assert.Equal(t, "Ada@Example.com", got.Email)
	assert.Equal(t, "Lovelace", got.LastName)
	g, _ := f.srv.Contact(grace.ID)
	assert.Equal(t, "grace@example.com", g.Email)
	assert.Equal(t, "Grace", g.FirstName)
	assert.Equal(t, 1, f.calls("create_customer"))
}

func TestSyncStopsWhenTheCredentialsAreRefused(t *testing.T) {
	t.Parallel()
	f := setupFake(t, nil, jetpackcrm.WithoutRetries())
	c, err := jetpackcrm.NewClient(f.srv.URL, f.srv.APIKey, "jpcrm_sk_wrong", jetpackcrm.WithoutRetries())
	require.NoError(t, err)
	res, err := c.Customers.Sync(context.Background(), perfBulkRequests(0, 20), jetpackcrm.SyncOptions{})
	require.ErrorIs(t, err, jetpackcrm.ErrUnauthorized)
	require.Len(t, res, 20)
	for _, r := range res {
		assert.ErrorIs(t, r.Err, jetpackcrm.ErrUnauthorized)
	}
	assert.Equal(t, 1, f.srv.RequestCount(), "the read of the list, and nothing after it")
}

// TestSyncStopsWhenTheQuestionOfTheListsLengthIsRefused: the one-contact
// read after the first page is a read of the list like the others: a 401
// to it stops the run, as one to a page does, and nothing is written.
func TestSyncStopsWhenTheQuestionOfTheListsLengthIsRefused(t *testing.T) {
	t.Parallel()
	f := setupFakeBehind(t, func(fake http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if strings.Contains(r.URL.Path, "/customers/") && regexp.MustCompile(`"perpage":1[,}]`).Match(body) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = io.WriteString(w, `{"code":"rest_forbidden","message":"Sorry, you are not allowed to do that."}`)
				return
			}
			fake.ServeHTTP(w, r)
		})
	}, nil, jetpackcrm.WithoutRetries())
	f.srv.SeedContacts(300)
	res, err := f.client.Customers.Sync(context.Background(), perfBulkRequests(0, 40), jetpackcrm.SyncOptions{PageSize: 100})
	require.ErrorIs(t, err, jetpackcrm.ErrUnauthorized)
	for _, r := range res {
		assert.ErrorIs(t, r.Err, jetpackcrm.ErrUnauthorized)
	}
	assert.Equal(t, map[string]int{"customers": 1}, f.callCounts(), "the first page reached the fake, the question did not, and nothing after it")
}

func TestSyncRefusesBadOptionsBeforeIO(t *testing.T) {
	t.Parallel()
	f := setupFake(t, nil, jetpackcrm.WithoutRetries())
	c := f.client
	for _, o := range []jetpackcrm.SyncOptions{{PageSize: -1}, {PageSize: jetpackcrm.MaxSyncPageSize + 1}, {Concurrency: -1}, {Lookup: 9}} {
		_, err := c.Customers.Sync(context.Background(), perfBulkRequests(0, 1), o)
		assert.ErrorIs(t, err, jetpackcrm.ErrInvalidInput, "%+v", o)
	}
	assert.Zero(t, f.srv.RequestCount())
	res, err := c.Customers.Sync(context.Background(), []*jetpackcrm.CustomerRequest{nil, {Email: "bad"}}, jetpackcrm.SyncOptions{})
	require.NoError(t, err)
	for _, r := range res {
		var ve *jetpackcrm.ValidationError
		require.ErrorAs(t, r.Err, &ve)
		assert.Equal(t, "Customers.Sync", ve.Op)
	}
	assert.Zero(t, f.srv.RequestCount(), "nothing valid: nothing read")
}

func TestSyncOnResultOncePerRequest(t *testing.T) {
	t.Parallel()
	f := setupFake(t, nil, jetpackcrm.WithoutRetries())
	c := f.client
	f.srv.SeedContacts(10)
	var log perfResultLog
	reqs := perfBulkRequests(1, 30)
	reqs = append(reqs, nil)
	_, err := c.Customers.Sync(context.Background(), reqs, jetpackcrm.SyncOptions{Concurrency: 8, OnResult: log.onResult})
	require.NoError(t, err)
	log.assertOncePerInput(t, len(reqs))
}
