package jetpackcrmtest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// transactionKeys are the 34 keys of a listed transaction, in order.
var transactionKeys = []string{
	"id", "owner", "status", "type", "status_bool", "type_accounting", "ref", "origin", "parent", "hash",
	"title", "desc", "date", "date_date", "customer_ip", "currency", "net", "fee", "discount", "shipping",
	"shipping_taxes", "shipping_tax", "taxes", "tax", "total", "date_paid", "date_paid_date",
	"date_completed", "date_completed_date", "created", "created_date", "lastupdated", "lastupdated_date", "lineitems",
}

func TestCreateTransactionFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, contentType string
		wantStatus              int
		wantType, wantBody      string
	}{
		{"missing total", `{"orderid":"O","status":"Succeeded"}`, "application/json", 200, "application/json; charset=UTF-8", `{"error":400,"message":"Missing required field: total"}`},
		{"missing orderid first", `{"total":"5"}`, "application/json", 200, "application/json; charset=UTF-8", `{"error":400,"message":"Missing required field: orderid"}`},
		{"missing status", `{"orderid":"O","total":"5"}`, "application/json", 200, "application/json; charset=UTF-8", `{"error":400,"message":"Missing required field: status"}`},
		{"JSON array", `["orderid"]`, "application/json", 200, "application/json; charset=UTF-8", `{"error":400,"message":"Missing required field: orderid"}`},
		{"empty orderid", `{"orderid":"","status":"Succeeded","total":"5"}`, "application/json", 200, "text/html; charset=UTF-8", ``},
		{"total 0", `{"orderid":"O","status":"Succeeded","total":0}`, "application/json", 200, "application/json; charset=UTF-8", `{"error":100}`},
		{`total "0"`, `{"orderid":"O","status":"Succeeded","total":"0"}`, "application/json", 200, "application/json; charset=UTF-8", `{"error":100}`},
		{"empty status", `{"orderid":"O","status":"","total":"5"}`, "application/json", 200, "application/json; charset=UTF-8", `{"error":100}`},
		{"malformed JSON, JSON request", `{"orderid":"ORD-X",`, "application/json", 500, "application/json; charset=UTF-8", `{"code":"internal_server_error","message":"<p>There has been a critical error on this website.<\/p><p><a href=\"https:\/\/wordpress.org\/support\/article\/faq-troubleshooting\/\">Learn more about troubleshooting WordPress.<\/a><\/p>","data":{"status":500},"additional_errors":[]}`},
		{"malformed JSON, text request", `{"orderid":"ORD-X",`, "text/plain", 500, "text/html; charset=UTF-8", `<!DOCTYPE html>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			r := call(t, srv, request{method: http.MethodPost, endpoint: "create_transaction", body: tc.body, header: http.Header{"Content-Type": {tc.contentType}}})
			assert.Equal(t, tc.wantStatus, r.status)
			assert.Equal(t, tc.wantType, r.header.Get("Content-Type"))
			assert.True(t, strings.HasPrefix(string(r.body), tc.wantBody), "body %q", r.body)
			if tc.wantBody == "" {
				assert.Empty(t, r.body)
			}
			assert.Zero(t, srv.Counts().Transactions)
		})
	}

	t.Run("empty body without a content type: HTML 500", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		r := call(t, srv, request{method: http.MethodPost, endpoint: "create_transaction"})
		assert.Equal(t, http.StatusInternalServerError, r.status)
		assert.Contains(t, string(r.body), "There has been a critical error on this website.")
		assert.Equal(t, "no-cache, must-revalidate, max-age=0", r.header.Get("Cache-Control"))
	})
	t.Run("Accept: application/json makes the 500 JSON", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		r := call(t, srv, request{method: http.MethodPost, endpoint: "create_transaction", header: http.Header{"Accept": {"application/json"}}})
		assert.Equal(t, "application/json; charset=UTF-8", r.header.Get("Content-Type"))
	})
	t.Run("the contact is created before an empty orderid fails", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		post(t, srv, "create_transaction", `{"orderid":"","status":"S","total":"5","email":"early@example.com","fname":"Early"}`)
		c, ok := srv.ContactByEmail("early@example.com")
		require.True(t, ok)
		assert.Equal(t, "Customer", c.Status)
	})
	t.Run(`total "0.00" passes`, func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		r := post(t, srv, "create_transaction", `{"orderid":"O","status":"S","total":"0.00"}`)
		assert.Equal(t, `{"orderid":"O","status":"S","total":"0.00","id":1}`, string(r.body))
	})
	t.Run("a seeded transaction's order ID is taken", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		_, err := srv.SeedTransaction(jetpackcrmtest.Transaction{OrderID: "WOO-1", Status: "Paid", Total: "9"})
		require.NoError(t, err)
		r := post(t, srv, "create_transaction", `{"orderid":"WOO-1","status":"S","total":"1"}`)
		assert.Equal(t, `{"error":100}`, string(r.body))
	})
}

func TestCreateTransaction(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := newServer(t, jetpackcrmtest.WithClock(clock.Now))
	post(t, srv, "create_customer", `{"email":"ada@example.com"}`)

	r := post(t, srv, "create_transaction", `{"orderid":"ORD-1","status":"Succeeded","total":"149.99","email":"ada@example.com","title":"Annual plan","currency":"GBP","date":1700000000}`)
	assert.Equal(t, `{"orderid":"ORD-1","status":"Succeeded","total":"149.99","email":"ada@example.com","title":"Annual plan","currency":"GBP","date":1700000000,"id":1}`, string(r.body))
	r = post(t, srv, "create_transaction", `{"orderid":"ORD-2","status":"Succeeded","total":25.5,"email":"new.buyer@example.com","fname":"New","discount":"0","date_paid":1704153600}`)
	assert.Equal(t, `{"orderid":"ORD-2","status":"Succeeded","total":25.5,"email":"new.buyer@example.com","fname":"New","discount":"0","date_paid":1704153600,"id":2}`, string(r.body))
	post(t, srv, "create_transaction", `{"orderid":"ORD-3","status":"Pending","total":"1","date":"2024-01-02"}`)

	buyer, ok := srv.ContactByEmail("new.buyer@example.com")
	require.True(t, ok, "an unknown email creates a contact")
	assert.Equal(t, "Customer", buyer.Status)
	assert.Equal(t, "New", buyer.FirstName)

	list := get(t, srv, "transactions").list(t)
	require.Len(t, list, 3)
	assert.Equal(t, transactionKeys, list[0].keys())
	assert.Equal(t, "ORD-1", list[0].get("ref"))
	assert.Equal(t, "149.99", list[0].get("total"))
	assert.Equal(t, "0.00", list[0].get("net"))
	assert.Equal(t, "2023-11-14 22:13:20", list[0].get("date_date"))
	assert.Equal(t, "11/28/2026", list[0].get("created_date"))
	assert.Equal(t, "2026-11-28 03:04:17", list[0].get("lastupdated_date"))
	assert.Equal(t, "25.50", list[1].get("total"))
	assert.Equal(t, "0.00", list[1].get("discount"))
	assert.Equal(t, json.Number("1795835057"), list[1].get("date"), "no date: now")
	assert.Equal(t, json.Number("0"), list[1].get("date_paid"), "date_paid is not stored")
	assert.Equal(t, json.Number("2024"), list[2].get("date"), `(int)"2024-01-02"`)
	assert.Equal(t, "1970-01-01 00:33:44", list[2].get("date_date"))

	// The same orderid updates and blanks the rest.
	clock.Advance(time.Second)
	r = post(t, srv, "create_transaction", `{"orderid":"ORD-1","status":"Refunded","total":"149.99","email":"ada@example.com"}`)
	assert.Equal(t, `{"orderid":"ORD-1","status":"Refunded","total":"149.99","email":"ada@example.com","id":1}`, string(r.body))
	tx, ok := srv.TransactionByOrderID("ORD-1")
	require.True(t, ok)
	assert.Equal(t, "Refunded", tx.Status)
	assert.Empty(t, tx.Title)
	assert.Empty(t, tx.Currency)
	assert.True(t, tx.Date.IsZero())
	assert.Equal(t, int64(1), tx.ContactID)
	assert.Equal(t, clock.Now(), tx.LastUpdated)
	assert.Equal(t, 3, srv.Counts().Transactions)
}

func TestTransactionsPagination(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, ref := range []string{"A", "B", "C"} {
		post(t, srv, "create_transaction", `{"orderid":"`+ref+`","status":"S","total":"1"}`)
	}
	tests := []struct {
		query []string
		want  []string
	}{
		{nil, []string{"1", "2", "3"}},
		{[]string{"perpage", "1", "page", "1"}, []string{"1"}},
		{[]string{"perpage", "1", "page", "3"}, []string{"3"}},
		{[]string{"perpage", "1", "page", "-1"}, []string{"1"}},
		{[]string{"perpage", "abc", "page", "xyz"}, nil},
		{[]string{"perpage", "-4"}, []string{"1", "2", "3"}},
		{[]string{"perpage", "100000000"}, []string{"1", "2", "3"}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.query, "="), func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, get(t, srv, "transactions", tc.query...).ids(t))
		})
	}
}

func TestTransactionFieldOverride(t *testing.T) {
	t.Parallel()
	srv := newServer(t, jetpackcrmtest.WithFieldOverride(true))
	post(t, srv, "create_transaction", `{"orderid":"O","status":"S","total":"5","title":"Kept","date":1700000000}`)
	post(t, srv, "create_transaction", `{"orderid":"O","status":"Refunded","total":"5"}`)
	tx, _ := srv.TransactionByOrderID("O")
	assert.Equal(t, "Kept", tx.Title)
	assert.Equal(t, int64(1700000000), tx.Date.Unix())
	assert.Equal(t, "Refunded", tx.Status)
}
