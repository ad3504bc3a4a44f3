package jetpackcrm

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm/internal/recorded"
)

// The nine response examples of the official documentation, served on their
// endpoints and read through the public methods. They are the legacy shapes
// (meta sub-objects, zbsid, customerid, "ID"), and the examples of the list
// endpoints customers, customer_search, quotes, invoices and transactions
// are single objects rather than arrays: the SDK reads a single object from
// a list endpoint as a list of one.

// serveDocumented answers method+endpoint with testdata/documented/name.
func serveDocumented(t *testing.T, env *testEnv, method, endpoint, name string) *wire {
	t.Helper()
	body, err := os.ReadFile(filepath.Join(recorded.DocumentedDir(), name))
	require.NoError(t, err)
	return serveWire(env, method, endpoint, jsonResponder(200, string(body)))
}

func utc(y int, m time.Month, d, h, min, s int) time.Time {
	return time.Date(y, m, d, h, min, s, 0, time.UTC)
}

func TestDocumentedCreateCustomer(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveDocumented(t, env, http.MethodPost, "create_customer", "create_customer.json")
	c, _, err := env.client.Customers.Create(context.Background(), &CustomerRequest{Email: "johndoe@example.com", FirstName: "John", LastName: "Doe"})
	require.NoError(t, err)
	assert.Equal(t, int64(135), c.ID, `"ID" : 135`)
	assert.Equal(t, "johndoe@example.com", c.Email)
	assert.Equal(t, "Lead", c.Status)
	assert.Equal(t, "Mr", c.Prefix)
	assert.Equal(t, "John", c.FirstName)
	assert.Equal(t, "Doe", c.LastName)
	assert.Equal(t, Address{Line1: "1 Sample Road", Line2: "Sample Town", City: "Sampleton", County: "Samples", Postcode: "SAM PL4"}, c.Address)
	assert.Equal(t, "123 455", c.HomePhone)
	assert.Equal(t, "555 135", c.MobilePhone)
	assert.Nil(t, c.CustomFields, "notes is not a custom field")
}

// assertDocumentedJohnDoe checks the contact of customers.json and
// customer_search.json.
func assertDocumentedJohnDoe(t *testing.T, c *Customer) {
	t.Helper()
	assert.Equal(t, int64(20267), c.ID)
	assert.Equal(t, "email@email.com", c.Email, "from meta")
	assert.Equal(t, "Customer", c.Status, "meta.status, not the legacy zbsc_status")
	assert.Equal(t, "John", c.FirstName)
	assert.Equal(t, "Doe", c.LastName)
	assert.Equal(t, "John Doe", c.FullName)
	assert.True(t, utc(2017, 4, 25, 3, 33, 38).Equal(c.Created), "created %v", c.Created)
	assert.Equal(t, map[string]string{"cf1": "Custom Field 1"}, c.CustomFields)
}

func TestDocumentedCustomers(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveDocumented(t, env, http.MethodPost, "customers", "customers.json")
	list, resp, err := env.client.Customers.List(context.Background(), nil)
	require.NoError(t, err, "a single object is read as a list of one")
	require.Len(t, list, 1)
	assertDocumentedJohnDoe(t, list[0])
	assert.Zero(t, resp.NextPage)

	n := 0
	for c, err := range env.client.Customers.All(context.Background(), nil) {
		require.NoError(t, err)
		assert.Equal(t, int64(20267), c.ID)
		n++
	}
	assert.Equal(t, 1, n)
}

func TestDocumentedCustomerSearch(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveDocumented(t, env, http.MethodGet, "customer_search", "customer_search.json")
	list, _, err := env.client.Customers.Search(context.Background(), "John", nil)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assertDocumentedJohnDoe(t, list[0])

	c, _, err := env.client.Customers.GetByEmail(context.Background(), "email@email.com")
	require.NoError(t, err)
	assertDocumentedJohnDoe(t, c)
}

func TestDocumentedQuotesAndInvoices(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveDocumented(t, env, http.MethodGet, "quotes", "quotes.json")
	serveDocumented(t, env, http.MethodGet, "invoices", "invoices.json")
	ctx := context.Background()

	quotes, _, err := env.client.Quotes.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, quotes, 1)
	q := quotes[0]
	assert.Equal(t, int64(20069), q.ID)
	assert.Equal(t, "1", q.Reference, "zbsid")
	assert.Equal(t, "New Website", q.Title, "meta.name")
	assert.True(t, decimal.NewFromInt(500).Equal(q.Value), "meta.val %s", q.Value)
	assert.True(t, utc(2017, 4, 14, 0, 0, 0).Equal(q.Date), "meta.date 14.04.2017: %v", q.Date)
	assert.Equal(t, int64(19967), q.CustomerID)

	invoices, _, err := env.client.Invoices.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, invoices, 1)
	inv := invoices[0]
	assert.Equal(t, int64(20069), inv.ID)
	assert.Equal(t, "1", inv.Reference)
	assert.True(t, decimal.NewFromInt(500).Equal(inv.Total), "meta.val %s", inv.Total)
	assert.True(t, utc(2017, 4, 14, 16, 42, 50).Equal(inv.Created))
	assert.Equal(t, int64(19967), inv.CustomerID)

	var fromAll []int64
	for q, err := range env.client.Quotes.All(ctx, nil) {
		require.NoError(t, err)
		fromAll = append(fromAll, q.ID)
	}
	assert.Equal(t, []int64{20069}, fromAll)
}

func TestDocumentedCreateTransaction(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveDocumented(t, env, http.MethodPost, "create_transaction", "create_transaction.json")
	tx, _, err := env.client.Transactions.Create(context.Background(), &TransactionRequest{OrderID: "John", Status: "Completed",
		Total: decimal.RequireFromString("79.99"), Title: "Your Item Name"})
	require.NoError(t, err)
	assert.Equal(t, "John", tx.OrderID, "the example's values, as published")
	assert.Equal(t, "Completed", tx.Status)
	assert.True(t, decimal.RequireFromString("79.99").Equal(tx.Total))
	assert.True(t, decimal.RequireFromString("59.99").Equal(tx.Net))
	assert.True(t, decimal.RequireFromString("10").Equal(tx.Fee))
	assert.True(t, decimal.RequireFromString("10").Equal(tx.Discount))
	assert.True(t, tx.Tax.IsZero())
	assert.Equal(t, "Your Item Name", tx.Title, "item_title")
	assert.Equal(t, int64(0), tx.ID, "the example has no id")
	assert.Nil(t, tx.CustomFields)
}

func TestDocumentedTransactions(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveDocumented(t, env, http.MethodGet, "transactions", "transactions.json")
	list, _, err := env.client.Transactions.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, list, 1)
	tx := list[0]
	assert.Equal(t, int64(20286), tx.ID)
	assert.Equal(t, "ch_1ADFow40goDHn2SuOM9h5Lsn", tx.OrderID)
	assert.Equal(t, "succeeded", tx.Status)
	assert.True(t, decimal.RequireFromString("69.3").Equal(tx.Total), "legacy total %s", tx.Total)
	assert.Equal(t, "USD", tx.Currency)
	assert.Equal(t, "My Awesome Order", tx.Title)
	assert.Equal(t, int64(20284), tx.CustomerID)
	assert.True(t, utc(2017, 4, 27, 0, 0, 0).Equal(tx.Date))
	assert.True(t, utc(2017, 4, 27, 16, 51, 55).Equal(tx.Created))
}

func TestDocumentedCreateEvent(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveDocumented(t, env, http.MethodPost, "create_event", "create_event.json")
	from := utc(2018, 2, 1, 3, 30, 0)
	e, _, err := env.client.Events.Create(context.Background(), &EventRequest{Title: "My Event From the API", From: from, To: from.Add(time.Hour),
		CustomerID: 44149, Notes: "Here are some notes for the event", Remind24h: true, Owner: 1})
	require.NoError(t, err)
	assert.Equal(t, "My Event From the API", e.Title)
	assert.Equal(t, "Here are some notes for the event", e.Description)
	assert.Equal(t, int64(44149), e.CustomerID)
	assert.True(t, from.Equal(e.Start), "start %v", e.Start)
	assert.True(t, from.Add(time.Hour).Equal(e.End), "end %v", e.End)
	assert.Equal(t, int64(1), e.Owner)
	require.Len(t, e.Reminders, 1, `"notify" : 24`)
	assert.Equal(t, -24*time.Hour, e.Reminders[0].Offset)
}

func TestDocumentedEvents(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveDocumented(t, env, http.MethodGet, "events", "events.json")
	list, resp, err := env.client.Events.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, list, 3)
	assert.Zero(t, resp.NextPage)
	tests := []struct {
		id         int64
		title      string
		start, end time.Time
		customer   int64
	}{
		{44155, "My Event From the API", utc(2018, 2, 11, 20, 0, 0), utc(2018, 2, 11, 21, 0, 0), 44149},
		{38143, "Demo with Wendy", utc(2018, 1, 6, 2, 0, 0), utc(2018, 1, 6, 2, 15, 0), 37792},
		{38137, "Demo with Mark", utc(2018, 1, 20, 13, 0, 0), utc(2018, 1, 20, 13, 15, 0), 3085},
	}
	for i, tt := range tests {
		e := list[i]
		assert.Equal(t, tt.id, e.ID)
		assert.Equal(t, tt.title, e.Title)
		assert.True(t, tt.start.Equal(e.Start), "%d start %v", tt.id, e.Start)
		assert.True(t, tt.end.Equal(e.End), "%d end %v", tt.id, e.End)
		assert.Equal(t, tt.customer, e.CustomerID, "meta.customer, not the top-level false")
		assert.False(t, e.Complete, `"complete":"-1"`)
		assert.Nil(t, e.Contact)
	}
	assert.Equal(t, int64(1), list[0].Owner)
}

// A single object is read as a list only for list targets: the decoding of
// objects into objects is unchanged, and an error body is still an error.
func TestSingleObjectAsListIsOnlyForLists(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveWire(env, http.MethodGet, "transactions", jsonResponder(200, `{"id":"3","ref":"ORD-3","total":"1.00"}`))
	serveWire(env, http.MethodGet, "events", jsonResponder(200, `{"error":100}`))
	ctx := context.Background()

	var raw []byte
	req, err := env.client.NewRequest(ctx, http.MethodGet, "transactions", nil, nil)
	require.NoError(t, err)
	var asRaw rawJSON
	_, err = env.client.Do(req, &asRaw)
	require.NoError(t, err)
	raw = asRaw
	assert.JSONEq(t, `{"id":"3","ref":"ORD-3","total":"1.00"}`, string(raw), "a json.Unmarshaler gets the object as it is")

	var one map[string]any
	req, err = env.client.NewRequest(ctx, http.MethodGet, "transactions", nil, nil)
	require.NoError(t, err)
	_, err = env.client.Do(req, &one)
	require.NoError(t, err)
	assert.Equal(t, "ORD-3", one["ref"])

	list, _, err := env.client.Transactions.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "ORD-3", list[0].OrderID)

	events, _, err := env.client.Events.List(ctx, nil)
	assert.Nil(t, events)
	assert.ErrorIs(t, err, ErrRejected, "an error object is not a one-element list")
}

// rawJSON is a []byte with its own UnmarshalJSON, like json.RawMessage.
type rawJSON []byte

func (r *rawJSON) UnmarshalJSON(b []byte) error { *r = append((*r)[:0], b...); return nil }
