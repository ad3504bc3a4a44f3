package jetpackcrmtest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

func TestQuotes(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	assert.Equal(t, `[]`, string(get(t, srv, "quotes").body))
	for _, title := range []string{"first", "second", "third"} {
		_, err := srv.SeedQuote(jetpackcrmtest.Quote{Title: title, Value: "4250.5", Content: "<p>secret terms</p>"})
		require.NoError(t, err)
	}
	tests := []struct {
		query []string
		want  []string
	}{
		{nil, []string{"3", "2", "1"}},
		{[]string{"perpage", "2", "page", "2"}, []string{"1"}},
		{[]string{"page", "-1"}, []string{"3", "2", "1"}},
		{[]string{"page", "5"}, nil},
		{[]string{"perpage", "abc", "page", "xyz"}, nil},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, get(t, srv, "quotes", tc.query...).ids(t), "%v", tc.query)
	}
	q := get(t, srv, "quotes").list(t)[0]
	assert.Equal(t, []string{"id", "owner", "id_override", "title", "currency", "value", "date", "date_date", "template", "notes", "send_attachments", "hash", "lastviewed", "lastviewed_date", "viewed_count", "accepted", "accepted_date", "acceptedsigned", "acceptedip", "created", "created_date", "lastupdated", "lastupdated_date", "status", "lineitems"}, q.keys(), "no content in the quotes endpoint")
	assert.Equal(t, "4250.50", q.get("value"))
	assert.Equal(t, json.Number("-1"), q.get("status"))
	assert.Len(t, q.get("hash"), 19)
	assert.Equal(t, http.StatusMethodNotAllowed, post(t, srv, "quotes", `{}`).status)
}

func TestInvoices(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	at := time.Unix(1795835090, 0).UTC()
	inv, err := srv.SeedInvoice(jetpackcrmtest.Invoice{
		IDOverride: "INV-1", Status: "Unpaid", Date: at, DueDate: at.AddDate(0, 0, 30), Total: "1440",
		LineItems: []jetpackcrmtest.LineItem{{Title: "Consulting", Quantity: "2", Price: "600"}, {Title: "Travel", Quantity: "1.5", Price: "10"}},
	})
	require.NoError(t, err)
	assert.Equal(t, int64(1), inv.ID)
	assert.Equal(t, int64(2), inv.LineItems[1].ID)
	assert.Equal(t, int64(2), inv.LineItems[1].Order)

	o := get(t, srv, "invoices").list(t)[0]
	assert.Equal(t, "INV-1", o.get("id_override"))
	assert.Equal(t, "November 28, 2026", o.get("date_date"))
	assert.Equal(t, "December 28, 2026", o.get("due_date_date"))
	assert.Equal(t, false, o.get("paid_date_date"))
	assert.Equal(t, "1440.00", o.get("total"))
	assert.Equal(t, "0.00", o.get("tax"))
	assert.Equal(t, "Unpaid", o.get("status_label"))
	items := o.get("lineitems").([]any)
	require.Len(t, items, 2)
	assert.Equal(t, "2", items[0].(orderedObject).get("quantity"))
	assert.Equal(t, "1.5", items[1].(orderedObject).get("quantity"))
	assert.Equal(t, "600.00", items[0].(orderedObject).get("price"))
	assert.Equal(t, http.StatusMethodNotAllowed, post(t, srv, "invoices", `{}`).status)
	assert.Equal(t, []string{"1"}, get(t, srv, "invoices", "page", "-1").ids(t))
}

func TestSeedConflictsAndCopies(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c, err := srv.SeedContact(jetpackcrmtest.Contact{ID: 10, Email: "a@example.com", Tags: []string{"x"}})
	require.NoError(t, err)
	assert.Equal(t, int64(-1), c.Owner)
	assert.Equal(t, "Lead", c.Status)

	_, err = srv.SeedContact(jetpackcrmtest.Contact{ID: 10, Email: "b@example.com"})
	assert.True(t, errors.Is(err, jetpackcrmtest.ErrSeedConflict))
	_, err = srv.SeedContact(jetpackcrmtest.Contact{Email: "A@example.com"})
	assert.True(t, errors.Is(err, jetpackcrmtest.ErrSeedConflict))
	_, err = srv.SeedContact(jetpackcrmtest.Contact{ID: -3})
	assert.Error(t, err)
	next, err := srv.SeedContact(jetpackcrmtest.Contact{Email: "c@example.com"})
	require.NoError(t, err)
	assert.Equal(t, int64(11), next.ID, "IDs continue after an explicit one")
	early, err := srv.SeedContact(jetpackcrmtest.Contact{ID: 2, Email: "d@example.com"})
	require.NoError(t, err)
	assert.Equal(t, []int64{2, 10, 11}, contactIDs(srv.Contacts()), "kept in ID order")
	assert.Equal(t, int64(2), early.ID)

	// Accessors return copies.
	got, _ := srv.Contact(10)
	got.Tags[0] = "changed"
	again, _ := srv.Contact(10)
	assert.Equal(t, []string{"x"}, again.Tags)

	_, err = srv.SeedCompany(jetpackcrmtest.Company{Email: "co@example.com"})
	require.NoError(t, err)
	_, err = srv.SeedCompany(jetpackcrmtest.Company{Email: "co@example.com"})
	assert.True(t, errors.Is(err, jetpackcrmtest.ErrSeedConflict))
	_, err = srv.SeedTransaction(jetpackcrmtest.Transaction{OrderID: "O"})
	require.NoError(t, err)
	_, err = srv.SeedTransaction(jetpackcrmtest.Transaction{OrderID: "O"})
	assert.True(t, errors.Is(err, jetpackcrmtest.ErrSeedConflict))
	_, err = srv.SeedQuote(jetpackcrmtest.Quote{ID: 4})
	require.NoError(t, err)
	_, err = srv.SeedQuote(jetpackcrmtest.Quote{ID: 4})
	assert.True(t, errors.Is(err, jetpackcrmtest.ErrSeedConflict))
	_, err = srv.SeedInvoice(jetpackcrmtest.Invoice{ID: 4})
	require.NoError(t, err)
	_, err = srv.SeedInvoice(jetpackcrmtest.Invoice{ID: 4})
	assert.True(t, errors.Is(err, jetpackcrmtest.ErrSeedConflict))
	_, err = srv.SeedEvent(jetpackcrmtest.Event{ID: 4, Reminders: []jetpackcrmtest.Reminder{{RemindAt: -time.Hour}}})
	require.NoError(t, err)
	_, err = srv.SeedEvent(jetpackcrmtest.Event{ID: 4})
	assert.True(t, errors.Is(err, jetpackcrmtest.ErrSeedConflict))

	assert.Equal(t, jetpackcrmtest.Counts{Contacts: 3, Companies: 1, Transactions: 1, Events: 1, Quotes: 1, Invoices: 1, Tags: 1}, srv.Counts())
	assert.Len(t, srv.Companies(), 1)
	assert.Len(t, srv.Transactions(), 1)
	assert.Len(t, srv.Events(), 1)
	assert.Len(t, srv.Quotes(), 1)
	assert.Len(t, srv.Invoices(), 1)
}

func TestSeededHashesAreDeterministic(t *testing.T) {
	t.Parallel()
	hashes := func(seed uint64) []string {
		srv := newServer(t, jetpackcrmtest.WithSeed(seed))
		q, err := srv.SeedQuote(jetpackcrmtest.Quote{})
		require.NoError(t, err)
		inv, err := srv.SeedInvoice(jetpackcrmtest.Invoice{})
		require.NoError(t, err)
		return []string{q.Hash, inv.Hash}
	}
	assert.Equal(t, hashes(7), hashes(7))
	assert.NotEqual(t, hashes(7), hashes(8))
}

func contactIDs(cs []jetpackcrmtest.Contact) []int64 {
	var out []int64
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}
