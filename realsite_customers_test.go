package jetpackcrm_test

// Real-site tests of the lookups by email and of the bulk writes: what the
// site does (WordPress slashes $_GET, emails match case-insensitively) is
// the defect these guard against, so they run on every real site the
// environment names and skip without one (internal/realsite).

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/internal/realsite"
)

func realSiteContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestRealSiteApostropheEmailIsFound: customer_search?email= never finds an
// address with an apostrophe (WordPress adds a backslash to $_GET values),
// so GetByEmail, Update and a merging UpsertMany must find such a contact
// another way, and never blank it by "creating" it again.
func TestRealSiteApostropheEmailIsFound(t *testing.T) {
	realsite.Each(t, func(t *testing.T, s realsite.Site) {
		t.Parallel()
		ctx := realSiteContext(t)
		c := s.Client(t)
		stamp := realsite.Stamp()
		email := "o'neil-" + stamp + "@example.org"
		// A LIKE match of the search that is not the contact: its email
		// contains the other one.
		lookalike := "jo'neil-" + stamp + "@example.org"
		for _, r := range []*jetpackcrm.CustomerRequest{
			{Email: lookalike, FirstName: "Jo", LastName: "Lookalike", Status: "Lead"},
			{Email: email, FirstName: "Pat", LastName: "O'Neil", Status: "Lead", MobilePhone: "07700 900111",
				Address: jetpackcrm.Address{Line1: "1 Quay St", City: "Cork"}, Tags: []string{"sdk-apostrophe"}},
		} {
			_, _, err := c.Customers.Create(ctx, r)
			require.NoError(t, err)
		}

		for _, spelling := range []string{email, "O'Neil-" + stamp + "@Example.org"} {
			got, _, err := c.Customers.GetByEmail(ctx, spelling)
			require.NoError(t, err, "GetByEmail(%q)", spelling)
			assert.Equal(t, email, got.Email)
			assert.Equal(t, "Pat", got.FirstName)
			assert.Equal(t, []string{"sdk-apostrophe"}, tagNamesOf(got.Tags), "tags come with the contact, as from customer_search")
		}
		_, _, err := c.Customers.GetByEmail(ctx, "o'nobody-"+stamp+"@example.org")
		assert.ErrorIs(t, err, jetpackcrm.ErrNotFound)

		updated, _, err := c.Customers.Update(ctx, email, &jetpackcrm.CustomerRequest{Address: jetpackcrm.Address{City: "Dublin"}})
		require.NoError(t, err)
		assert.Equal(t, "Dublin", updated.Address.City)

		res, err := c.Customers.UpsertMany(ctx, []*jetpackcrm.CustomerRequest{{Email: email, LastName: "O'Neill"}},
			jetpackcrm.BulkOptions{Merge: true})
		require.NoError(t, err)
		require.NoError(t, res[0].Err)
		assert.Equal(t, jetpackcrm.BulkUpdated, res[0].Outcome, "the contact exists: merged, not created")

		got, _, err := c.Customers.GetByEmail(ctx, email)
		require.NoError(t, err)
		assert.Equal(t, "O'Neill", got.LastName, "the merge was written")
		assert.Equal(t, "Pat", got.FirstName, "nothing unsent was blanked")
		assert.Equal(t, "Dublin", got.Address.City)
		assert.Equal(t, "1 Quay St", got.Address.Line1)
		assert.Equal(t, "07700 900111", got.MobilePhone)
		assert.Equal(t, []string{"sdk-apostrophe"}, tagNamesOf(got.Tags))

		other, _, err := c.Customers.GetByEmail(ctx, lookalike)
		require.NoError(t, err)
		assert.Equal(t, "Lookalike", other.LastName, "the lookalike was not touched")
	})
}

func tagNamesOf(tags []jetpackcrm.Tag) []string {
	names := []string{}
	for _, t := range tags {
		names = append(names, t.Name)
	}
	return names
}

// TestRealSiteEmailSpellingIsKept: the site matches emails
// case-insensitively and stores the spelling create_customer is sent, so a
// batch whose rows differ only in case used to rename the contact.
func TestRealSiteEmailSpellingIsKept(t *testing.T) {
	realsite.Each(t, func(t *testing.T, s realsite.Site) {
		t.Parallel()
		ctx := realSiteContext(t)
		c := s.Client(t)
		stamp := realsite.Stamp()
		stored := "case-" + stamp + "@example.org"
		_, _, err := c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: stored, FirstName: "Case", Status: "Lead"})
		require.NoError(t, err)
		for _, merge := range []bool{true, false} {
			res, err := c.Customers.UpsertMany(ctx, []*jetpackcrm.CustomerRequest{
				{Email: "Case-" + stamp + "@Example.org", FirstName: "Case", LastName: "One", Status: "Lead"},
				{Email: "CASE-" + stamp + "@EXAMPLE.ORG", FirstName: "Case", LastName: "Two", Status: "Lead"},
			}, jetpackcrm.BulkOptions{Merge: merge})
			require.NoError(t, err)
			for _, r := range res {
				require.NoError(t, r.Err)
			}
			got, _, err := c.Customers.GetByEmail(ctx, stored)
			require.NoError(t, err)
			assert.Equal(t, "Two", got.LastName)
			if merge {
				assert.Equal(t, stored, got.Email, "a merge keeps the spelling the site has")
			} else {
				assert.Equal(t, "Case-"+stamp+"@Example.org", got.Email, "a plain upsert stores the batch's first spelling")
			}
		}
	})
}

// TestRealSiteUnknownCustomFieldIsRefused: create_customer, create_company
// and create_transaction store a custom field the site defines and drop
// one it does not, echoing both back as if stored. The SDK learns the
// defined slugs from the lists and refuses the others before writing.
// scripts/site-custom-fields (run by scripts/sites) defines the fields.
func TestRealSiteUnknownCustomFieldIsRefused(t *testing.T) {
	realsite.Each(t, func(t *testing.T, s realsite.Site) {
		t.Parallel()
		ctx := realSiteContext(t)
		c := s.Client(t)
		stamp := realsite.Stamp()
		for obj, slug := range map[jetpackcrm.ObjectType]string{
			jetpackcrm.ObjectContact: realsite.ContactCustomField, jetpackcrm.ObjectCompany: realsite.CompanyCustomField,
			jetpackcrm.ObjectTransaction: realsite.TransactionCustomField,
		} {
			slugs, err := c.CustomFieldSlugs(ctx, obj)
			require.NoError(t, err, "the site has no %s yet: the real-site tests create some", obj)
			require.Contains(t, slugs, slug, "the site lacks the test custom fields: run scripts/site-custom-fields")
		}
		unknown := "sdk-undefined-" + stamp
		email := "cf-" + stamp + "@example.org"

		_, _, err := c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: email, CustomFields: map[string]string{unknown: "lost"}})
		require.ErrorIs(t, err, jetpackcrm.ErrInvalidInput)
		_, _, err = c.Customers.GetByEmail(ctx, email)
		require.ErrorIs(t, err, jetpackcrm.ErrNotFound, "nothing was written")
		_, _, err = c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: email, CustomFields: map[string]string{realsite.ContactCustomField: "kept"}})
		require.NoError(t, err)
		_, _, err = c.Customers.Update(ctx, email, &jetpackcrm.CustomerRequest{CustomFields: map[string]string{unknown: "lost"}})
		require.ErrorIs(t, err, jetpackcrm.ErrInvalidInput)
		got, _, err := c.Customers.GetByEmail(ctx, email)
		require.NoError(t, err)
		assert.Equal(t, "kept", got.CustomFields[realsite.ContactCustomField])

		_, _, err = c.Companies.Create(ctx, &jetpackcrm.CompanyRequest{Name: "CF " + stamp, Email: "co-" + email, CustomFields: map[string]string{unknown: "lost"}})
		require.ErrorIs(t, err, jetpackcrm.ErrInvalidInput)
		co, _, err := c.Companies.Create(ctx, &jetpackcrm.CompanyRequest{Name: "CF " + stamp, Email: "co-" + email, CustomFields: map[string]string{realsite.CompanyCustomField: "kept"}})
		require.NoError(t, err)
		var stored *jetpackcrm.Company
		for x, err := range c.Companies.All(ctx, &jetpackcrm.ListOptions{PerPage: 500}) {
			require.NoError(t, err)
			if x.ID == co.ID {
				stored = x
			}
		}
		require.NotNil(t, stored)
		assert.Equal(t, "kept", stored.CustomFields[realsite.CompanyCustomField])

		tx := &jetpackcrm.TransactionRequest{OrderID: "CF-" + stamp, Status: "Succeeded", Total: decimal.RequireFromString("1.50"),
			CustomFields: map[string]string{unknown: "lost"}}
		_, _, err = c.Transactions.Create(ctx, tx)
		require.ErrorIs(t, err, jetpackcrm.ErrInvalidInput)
		tx.CustomFields = map[string]string{realsite.TransactionCustomField: "kept"}
		_, _, err = c.Transactions.Create(ctx, tx)
		require.NoError(t, err)
		var storedTx *jetpackcrm.Transaction
		for x, err := range c.Transactions.All(ctx, &jetpackcrm.ListOptions{PerPage: 500}) {
			require.NoError(t, err)
			if x.OrderID == tx.OrderID {
				storedTx = x
			}
		}
		require.NotNil(t, storedTx)
		assert.Equal(t, "kept", storedTx.CustomFields[realsite.TransactionCustomField])
	})
}

// countingTransport counts the requests per endpoint that a client sends.
type countingTransport struct {
	mu    sync.Mutex
	calls map[string]int
	next  http.RoundTripper
}

func (ct *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ep := strings.Trim(strings.TrimPrefix(r.URL.Path, "/zbs_api/"), "/")
	ct.mu.Lock()
	ct.calls[ep]++
	ct.mu.Unlock()
	return ct.next.RoundTrip(r)
}

func (ct *countingTransport) take() map[string]int {
	ct.mu.Lock()
	defer ct.mu.Unlock()
	m := ct.calls
	ct.calls = map[string]int{}
	return m
}

// TestRealSiteSyncWritesOnlyWhatChanged runs Customers.Sync three times on
// each real site over contacts of its own: a first pass that creates them,
// a second that writes nothing, and one with 2 changed that writes those 2
// and blanks nothing. The site is shared and holds others' contacts, so the
// reads are bounded by its size, not by the batch's.
func TestRealSiteSyncWritesOnlyWhatChanged(t *testing.T) {
	realsite.Each(t, func(t *testing.T, s realsite.Site) {
		t.Parallel()
		ctx := realSiteContext(t)
		ct := &countingTransport{calls: map[string]int{}, next: http.DefaultTransport}
		c := s.Client(t, jetpackcrm.WithHTTPClient(&http.Client{Transport: ct}))
		stamp := realsite.Stamp()
		const n = 60
		var reqs []*jetpackcrm.CustomerRequest
		for i := range n {
			reqs = append(reqs, &jetpackcrm.CustomerRequest{Email: fmt.Sprintf("sync-%s-%d@example.org", stamp, i), Status: "Lead",
				FirstName: "Sync", LastName: fmt.Sprint("Person", i), Address: jetpackcrm.Address{City: "Leeds"}, MobilePhone: "07700 900000"})
		}
		reqs[0].Email = "o'sync-" + stamp + "@example.org"

		t0 := time.Now()
		res, err := c.Customers.Sync(ctx, reqs, jetpackcrm.SyncOptions{})
		require.NoError(t, err)
		for _, r := range res {
			require.NoError(t, r.Err)
			assert.Equal(t, jetpackcrm.BulkCreated, r.Outcome)
		}
		first := ct.take()
		t.Logf("first pass over %d contacts: %v in %v", n, first, time.Since(t0))
		assert.Equal(t, n, first["create_customer"], "one write per new contact")

		// Second pass, two of them spelt in another case: nothing changes.
		reqs[1].Email = strings.ToUpper(reqs[1].Email)
		reqs[0].Email = "O'SYNC-" + stamp + "@EXAMPLE.ORG"
		t0 = time.Now()
		res, err = c.Customers.Sync(ctx, reqs, jetpackcrm.SyncOptions{})
		require.NoError(t, err)
		for _, r := range res {
			require.NoError(t, r.Err)
			assert.Equal(t, jetpackcrm.BulkUnchanged, r.Outcome, "request %d", r.Index)
		}
		second := ct.take()
		assert.Zero(t, second["create_customer"], "no write")
		t.Logf("second pass over %d contacts: %v in %v", n, second, time.Since(t0))

		// Two changed, one of them the apostrophe address.
		reqs[0].Address = jetpackcrm.Address{City: "Cork"}
		reqs[30].LastName = "Changed"
		reqs[30].MobilePhone = ""
		t0 = time.Now()
		res, err = c.Customers.Sync(ctx, reqs, jetpackcrm.SyncOptions{})
		require.NoError(t, err)
		for _, r := range res {
			require.NoError(t, r.Err)
		}
		assert.Equal(t, map[jetpackcrm.BulkOutcome]int{jetpackcrm.BulkUnchanged: n - 2, jetpackcrm.BulkUpdated: 2}, outcomes(res))
		third := ct.take()
		t.Logf("pass with 2 changed: %v in %v", third, time.Since(t0))
		assert.Equal(t, 2, third["create_customer"], "a write per changed contact")
		got, _, err := c.Customers.GetByEmail(ctx, "o'sync-"+stamp+"@example.org")
		require.NoError(t, err)
		assert.Equal(t, "o'sync-"+stamp+"@example.org", got.Email, "the site's spelling stays")
		assert.Equal(t, "Cork", got.Address.City)
		assert.Equal(t, "Person0", got.LastName, "nothing blanked")
		assert.Equal(t, "07700 900000", got.MobilePhone)
		got, _, err = c.Customers.GetByEmail(ctx, reqs[30].Email)
		require.NoError(t, err)
		assert.Equal(t, "Changed", got.LastName)
		assert.Equal(t, "07700 900000", got.MobilePhone, "a field the request leaves empty is kept")
		assert.Equal(t, "Leeds", got.Address.City)
	})
}

// TestRealSiteListPositionIsPageTimesPerPage: Sync asks whether the site
// holds at least n contacts with one page of one contact, page n. That is
// the n-th contact of the list only if the site pages by position; on both
// releases the contact at page n of perpage 1 is the n-th of one big page.
// (The site is shared, but contacts are only ever added, at the end.)
func TestRealSiteListPositionIsPageTimesPerPage(t *testing.T) {
	realsite.Each(t, func(t *testing.T, s realsite.Site) {
		t.Parallel()
		ctx := realSiteContext(t)
		c := s.Client(t)
		stamp := realsite.Stamp()
		for i := range 12 { // so that a fresh site holds 12 at least
			_, _, err := c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: fmt.Sprintf("sdk-position-%s-%d@example.org", stamp, i)})
			require.NoError(t, err)
		}
		first, _, err := c.Customers.List(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 12}})
		require.NoError(t, err)
		require.Len(t, first, 12)
		for _, n := range []int{1, 2, 5, 11, 12} {
			one, _, err := c.Customers.List(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{Page: n, PerPage: 1}})
			require.NoError(t, err)
			require.Len(t, one, 1, "page %d of 1", n)
			assert.Equal(t, first[n-1].ID, one[0].ID, "page %d of 1 is the %d-th contact", n, n)
		}
		// And past the end, nothing: the question's "no" (page far
		// beyond any site here).
		none, _, err := c.Customers.List(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{Page: 50_000_000, PerPage: 1}})
		require.NoError(t, err)
		assert.Empty(t, none)
	})
}
