package jetpackcrm

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCustomFieldSlugsAreReadAgainForANewSlug: a field added on the site
// after the Client learnt its slugs is accepted once the cache is a minute
// old; a known slug never costs a read.
func TestCustomFieldSlugsAreReadAgainForANewSlug(t *testing.T) {
	t.Parallel()
	env := setup(t)
	c, err := NewClient(testSite, testKey, testSecret, WithHTTPClient(&http.Client{Transport: env.mock}), WithoutRetries())
	require.NoError(t, err)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	c.customFields.now = func() time.Time { return now }
	var reads atomic.Int32
	site := `[{"id":"1","email":"a@example.com","tier":""}]`
	env.respond(http.MethodPost, "customers", func(req *http.Request) (*http.Response, error) {
		reads.Add(1)
		return jsonResponder(200, site)(req)
	})
	env.respond(http.MethodPost, "create_customer", jsonResponder(200, `{"id":2}`))
	ctx := context.Background()
	create := func(slug string) error {
		_, _, err := c.Customers.Create(ctx, &CustomerRequest{Email: "b@example.com", CustomFields: map[string]string{slug: "x"}})
		return err
	}
	require.NoError(t, create("tier"))
	require.ErrorIs(t, create("region"), ErrInvalidInput)
	assert.Equal(t, int32(1), reads.Load())

	site = `[{"id":"1","email":"a@example.com","tier":"","region":""}]` // defined on the site meanwhile
	now = now.Add(59 * time.Second)
	require.ErrorIs(t, create("region"), ErrInvalidInput, "still cached")
	now = now.Add(time.Second)
	require.NoError(t, create("region"))
	require.NoError(t, create("tier"))
	assert.Equal(t, int32(2), reads.Load())
	assertErrorHidesSecret(t, create("nope"))
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
	env := setup(t)
	env.serveHandler(mux)
	// A client of its own: setup's skips the check of custom-field slugs.
	c, err := NewClient(testSite, testKey, testSecret, WithHTTPClient(&http.Client{Transport: env.mock}), WithoutRetries())
	require.NoError(t, err)
	ctx := context.Background()

	slugs, err := c.CustomFieldSlugs(ctx, ObjectCompany)
	require.NoError(t, err)
	assert.Equal(t, []string{"website"}, slugs)
	slugs, err = c.CustomFieldSlugs(ctx, ObjectTransaction)
	require.NoError(t, err)
	assert.Equal(t, []string{"channel"}, slugs)

	_, _, err = c.Companies.Create(ctx, &CompanyRequest{Name: "Initech", Email: "initech@example.com", CustomFields: map[string]string{"website": "x"}})
	require.NoError(t, err)
	_, _, err = c.Companies.Create(ctx, &CompanyRequest{Name: "Initech", Email: "initech@example.com", CustomFields: map[string]string{"webpage": "x"}})
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Contains(t, err.Error(), "company custom field")
	tx := func(cf map[string]string) error {
		_, _, err := c.Transactions.Create(ctx, &TransactionRequest{OrderID: "ORD-2", Status: "Succeeded", Total: decimal.NewFromInt(1), CustomFields: cf})
		return err
	}
	require.NoError(t, tx(map[string]string{"channel": "web"}))
	err = tx(map[string]string{"chanel": "web"})
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Contains(t, err.Error(), "transaction custom field")
	assert.Equal(t, int32(2), writes.Load(), "only the writes with known slugs were sent")
}
