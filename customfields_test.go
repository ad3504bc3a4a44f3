package jetpackcrm_test

// The check of custom-field slugs: the site drops a custom field it does
// not define without a word (and echoes it back as if stored), so the SDK
// learns the defined slugs from the site and refuses the others before
// writing.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// countingFake serves srv and counts requests per endpoint.
type countingFake struct {
	srv   *jetpackcrmtest.Server
	mu    sync.Mutex
	calls map[string]int
}

func newCountingFake(t *testing.T, opts ...jetpackcrmtest.Option) (*countingFake, *jetpackcrm.Client) {
	t.Helper()
	f := &countingFake{srv: jetpackcrmtest.NewServer(opts...), calls: map[string]int{}}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.calls[strings.Trim(strings.TrimPrefix(r.URL.Path, "/zbs_api/"), "/")]++
		f.mu.Unlock()
		f.srv.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		ts.Close()
		f.srv.Close()
	})
	c, err := jetpackcrm.NewClient(ts.URL, f.srv.APIKey, f.srv.APISecret, jetpackcrm.WithoutRetries())
	require.NoError(t, err)
	return f, c
}

func (f *countingFake) count(endpoint string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[endpoint]
}

func TestCustomFieldSlugsAreLearntFromTheSite(t *testing.T) {
	t.Parallel()
	f, c := newCountingFake(t, jetpackcrmtest.WithContactCustomFields("membership-level", "addr_house-name"))
	f.srv.SeedContacts(3)
	ctx := context.Background()
	slugs, err := c.CustomFieldSlugs(ctx, jetpackcrm.ObjectContact)
	require.NoError(t, err)
	assert.Equal(t, []string{"addr_house-name", "membership-level"}, slugs)
	_, err = c.CustomFieldSlugs(ctx, jetpackcrm.ObjectContact)
	require.NoError(t, err)
	assert.Equal(t, 1, f.count("customers"), "cached per Client")

	_, err = c.CustomFieldSlugs(ctx, jetpackcrm.ObjectType(42))
	assert.ErrorIs(t, err, jetpackcrm.ErrInvalidInput)
}

func TestUnknownCustomFieldsAreRefusedBeforeWriting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, c := newCountingFake(t, jetpackcrmtest.WithContactCustomFields("membership-level"))
	f.srv.SeedContacts(1)

	_, _, err := c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: "ada@example.com", CustomFields: map[string]string{"membership-level": "gold"}})
	require.NoError(t, err)
	ada, ok := f.srv.ContactByEmail("ada@example.com")
	require.True(t, ok)
	assert.Equal(t, "gold", ada.CustomFields["membership-level"])

	writes := f.count("create_customer")
	for name, write := range map[string]func() error{
		"Create": func() error {
			_, _, err := c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: "bob@example.com", CustomFields: map[string]string{"membership-level": "gold", "nickname": "Bobby"}})
			return err
		},
		"Update": func() error {
			_, _, err := c.Customers.Update(ctx, "ada@example.com", &jetpackcrm.CustomerRequest{CustomFields: map[string]string{"nickname": "Ada"}})
			return err
		},
		"UpsertMany": func() error {
			res, err := c.Customers.UpsertMany(ctx, []*jetpackcrm.CustomerRequest{{Email: "bob@example.com", CustomFields: map[string]string{"nickname": "Bobby"}}}, jetpackcrm.BulkOptions{})
			require.NoError(t, err)
			return res[0].Err
		},
		"UpsertMany merge": func() error {
			res, err := c.Customers.UpsertMany(ctx, []*jetpackcrm.CustomerRequest{{Email: "ada@example.com", CustomFields: map[string]string{"nickname": "Ada"}}}, jetpackcrm.BulkOptions{Merge: true})
			require.NoError(t, err)
			return res[0].Err
		},
	} {
		err := write()
		var ve *jetpackcrm.ValidationError
		require.ErrorAs(t, err, &ve, name)
		assert.Equal(t, `CustomFields["nickname"]`, ve.Field, name)
		assert.Contains(t, ve.Error(), "drop the value silently", name)
		assert.Contains(t, ve.Error(), "membership-level", "%s: the message lists the site's fields", name)
	}
	assert.Equal(t, writes, f.count("create_customer"), "nothing was written")
	assert.Equal(t, 1, f.count("customers"), "the slugs were read once (and are not read again for a minute)")
	_, found := f.srv.ContactByEmail("bob@example.com")
	assert.False(t, found)
}

func TestCustomFieldsOfAnEmptySiteCannotBeChecked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, c := newCountingFake(t, jetpackcrmtest.WithContactCustomFields("membership-level"))
	_, err := c.CustomFieldSlugs(ctx, jetpackcrm.ObjectContact)
	require.ErrorIs(t, err, jetpackcrm.ErrCustomFieldsUnknown)

	_, _, err = c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: "ada@example.com", CustomFields: map[string]string{"membership-level": "gold"}})
	require.ErrorIs(t, err, jetpackcrm.ErrInvalidInput)
	assert.Contains(t, err.Error(), "no contact yet")
	assert.Contains(t, err.Error(), "WithoutCustomFieldCheck")
	assert.Zero(t, f.count("create_customer"))

	// Without custom fields nothing is read; once a contact exists the
	// slugs are learnt (an unknown answer is not cached).
	_, _, err = c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: "ada@example.com"})
	require.NoError(t, err)
	_, _, err = c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: "ada@example.com", CustomFields: map[string]string{"membership-level": "gold"}})
	require.NoError(t, err)

	// The opt-out sends what it is given.
	off, err := jetpackcrm.NewClient(f.srv.URL, f.srv.APIKey, f.srv.APISecret, jetpackcrm.WithoutCustomFieldCheck())
	require.NoError(t, err)
	_, _, err = off.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: "bob@example.com", CustomFields: map[string]string{"nickname": "Bobby"}})
	require.NoError(t, err)
	bob, ok := f.srv.ContactByEmail("bob@example.com")
	require.True(t, ok)
	assert.Empty(t, bob.CustomFields["nickname"], "the site dropped it, as a real one does")
}

// TestCustomFieldsOfCompaniesAndTransactions: both are learnt from their
// own lists and checked by their Create.
func TestCustomFieldsOfCompaniesAndTransactions(t *testing.T) {
	t.Parallel()
	var writes atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/zbs_api/companies/", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = fmt.Fprint(w, `[{"id":"1","name":"Acme","email":"acme@example.com","website":"","contacts":[]}]`)
	})
	mux.HandleFunc("/zbs_api/transactions/", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = fmt.Fprint(w, `[{"id":"1","ref":"ORD-1","status":"Succeeded","total":"1.00","channel":""}]`)
	})
	for _, ep := range []string{"create_company", "create_transaction"} {
		mux.HandleFunc("/zbs_api/"+ep+"/", func(w http.ResponseWriter, _ *http.Request) {
			writes.Add(1)
			_, _ = fmt.Fprint(w, `{"id":2}`)
		})
	}
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	c, err := jetpackcrm.NewClient(ts.URL, "jpcrm_pk_key", "jpcrm_sk_secret", jetpackcrm.WithoutRetries())
	require.NoError(t, err)
	ctx := context.Background()

	slugs, err := c.CustomFieldSlugs(ctx, jetpackcrm.ObjectCompany)
	require.NoError(t, err)
	assert.Equal(t, []string{"website"}, slugs)
	slugs, err = c.CustomFieldSlugs(ctx, jetpackcrm.ObjectTransaction)
	require.NoError(t, err)
	assert.Equal(t, []string{"channel"}, slugs)

	_, _, err = c.Companies.Create(ctx, &jetpackcrm.CompanyRequest{Name: "Initech", Email: "initech@example.com", CustomFields: map[string]string{"website": "x"}})
	require.NoError(t, err)
	_, _, err = c.Companies.Create(ctx, &jetpackcrm.CompanyRequest{Name: "Initech", Email: "initech@example.com", CustomFields: map[string]string{"webpage": "x"}})
	assert.ErrorIs(t, err, jetpackcrm.ErrInvalidInput)
	assert.Contains(t, err.Error(), "company custom field")
	tx := func(cf map[string]string) error {
		_, _, err := c.Transactions.Create(ctx, &jetpackcrm.TransactionRequest{OrderID: "ORD-2", Status: "Succeeded", Total: decimal.NewFromInt(1), CustomFields: cf})
		return err
	}
	require.NoError(t, tx(map[string]string{"channel": "web"}))
	err = tx(map[string]string{"chanel": "web"})
	assert.ErrorIs(t, err, jetpackcrm.ErrInvalidInput)
	assert.Contains(t, err.Error(), "transaction custom field")
	assert.Equal(t, int32(2), writes.Load(), "only the writes with known slugs were sent")
}
