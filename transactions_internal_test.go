package jetpackcrm

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// annualPlan is the request of capture 102, its date given in a zone other
// than UTC (the wire carries Unix seconds, which have no zone).
func annualPlan() *TransactionRequest {
	return &TransactionRequest{OrderID: "ORD-1001", Status: "Succeeded", Total: decimal.RequireFromString("149.99"),
		Email: "ada.lovelace@example.com", Title: "Annual plan", Currency: "GBP",
		Date: time.Unix(1700000000, 0).In(time.FixedZone("UTC+9", 9*3600))}
}

// ---------------------------------------------------------------------------
// create_transaction

func TestTransactionsCreateDecodesRecordedReplies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		capture int
		req     *TransactionRequest
		check   func(t *testing.T, tx *Transaction)
	}{
		{102, annualPlan(), func(t *testing.T, tx *Transaction) {
			assert.Equal(t, int64(1), tx.ID)
			assert.Equal(t, "ORD-1001", tx.OrderID)
			assert.Equal(t, "Succeeded", tx.Status)
			assert.True(t, decimal.RequireFromString("149.99").Equal(tx.Total), "total %s", tx.Total)
			assert.Equal(t, "Annual plan", tx.Title)
			assert.Equal(t, "GBP", tx.Currency)
			assert.True(t, time.Unix(1700000000, 0).Equal(tx.Date))
		}},
		{104, &TransactionRequest{OrderID: "ORD-2001", Status: "Succeeded", Total: decimal.RequireFromString("120.00"),
			Net: decimal.RequireFromString("100.00"), Tax: decimal.RequireFromString("20.00"), Fee: decimal.RequireFromString("2.50"),
			Shipping: decimal.RequireFromString("5.00"), Currency: "EUR", Title: "Consulting hour", Description: "Remote session", Type: "Sale",
			Date: time.Unix(1704067200, 0), Email: "grace.hopper@example.com"},
			func(t *testing.T, tx *Transaction) {
				assert.Equal(t, int64(3), tx.ID)
				assert.True(t, decimal.RequireFromString("120").Equal(tx.Total))
				assert.True(t, decimal.RequireFromString("100").Equal(tx.Net))
				assert.True(t, decimal.RequireFromString("2.5").Equal(tx.Fee))
				assert.Equal(t, "Remote session", tx.Description)
				assert.Equal(t, "Sale", tx.Type)
				assert.True(t, time.Unix(1704067200, 0).Equal(tx.Date))
			}},
		{106, &TransactionRequest{OrderID: "ORD-1003", Status: "Pending", Total: decimal.NewFromInt(10)}, func(t *testing.T, tx *Transaction) {
			assert.Equal(t, int64(4), tx.ID)
			assert.True(t, decimal.NewFromInt(10).Equal(tx.Total))
			assert.True(t, tx.Date.IsZero())
		}},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.capture), func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			w := serveWire(env, http.MethodPost, "create_transaction", replay(t, tt.capture))
			tx, resp, err := env.client.Transactions.Create(context.Background(), tt.req)
			require.NoError(t, err)
			assert.Equal(t, 1, resp.Attempts)
			tt.check(t, tx)
			w.single(t)
		})
	}
}

func TestTransactionsCreateRequestEncoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  *TransactionRequest
		body string
	}{
		{"the recorded request of capture 102", annualPlan(), recordedRequestBody(t, 102)},
		{"the recorded request of capture 106: only the required keys", &TransactionRequest{OrderID: "ORD-1003", Status: "Pending", Total: decimal.NewFromInt(10)},
			recordedRequestBody(t, 106)},
		{"money as strings with their scale, optional amounts when non-zero",
			&TransactionRequest{OrderID: "ORD-2001", Status: "Succeeded", Total: decimal.RequireFromString("120.00"),
				Net: decimal.RequireFromString("100.00"), Tax: decimal.RequireFromString("20.00"), Fee: decimal.RequireFromString("2.50"),
				Shipping: decimal.RequireFromString("5.00"), Discount: decimal.Zero, Currency: "EUR", Title: "Consulting hour",
				Description: "Remote session", Type: "Sale", Date: time.Unix(1704067200, 0), Email: "grace.hopper@example.com",
				FirstName: "Grace", CompanyID: 2, CustomFields: map[string]string{"channel": "web"}},
			`{"orderid":"ORD-2001","status":"Succeeded","total":"120.00","net":"100.00","tax":"20.00","fee":"2.50","shipping":"5.00",
			  "currency":"EUR","title":"Consulting hour","desc":"Remote session","type":"Sale","date":1704067200,
			  "email":"grace.hopper@example.com","fname":"Grace","company":2,"channel":"web"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			w := serveWire(env, http.MethodPost, "create_transaction", jsonResponder(200, `{"orderid":"x","id":1}`))
			_, _, err := env.client.Transactions.Create(context.Background(), tt.req)
			require.NoError(t, err)
			r := w.single(t)
			assertWire(t, r, http.MethodPost, "create_transaction", nil, tt.body)
			m := bodyMap(t, r)
			assert.IsType(t, "", m["total"], "money travels as a string")
			if _, ok := m["date"]; ok {
				assert.IsType(t, float64(0), m["date"], "the date travels as Unix seconds, not a string the server would cast")
			}
			assert.NotContains(t, m, "item_title", "the server ignores the documented item_title")
		})
	}
}

func TestTransactionsCreateRecordedErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		capture int
		want    wantAPIError
	}{
		{"107 missing total", 107, wantAPIError{is: ErrRejected, status: 200, code: "400", message: "Missing required field: total"}},
		{"108 missing orderid", 108, wantAPIError{is: ErrRejected, status: 200, code: "400", message: "Missing required field: orderid"}},
		{"109 empty orderid: empty 200", 109, wantEmpty},
		// An upsert keyed by order id is retried on 500: 4 attempts.
		{"110 malformed JSON: JSON fatal 500", 110, func() wantAPIError { w := want500JSON; w.attempts = 4; return w }()},
		{"111 empty body: HTML fatal 500", 111, wantAPIError{is: ErrInternal, status: 500, attempts: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				env := setup(t)
				w := serveWire(env, http.MethodPost, "create_transaction", replay(t, tt.capture))
				tx, resp, err := env.client.Transactions.Create(context.Background(), annualPlan())
				assert.Nil(t, tx)
				require.NotNil(t, resp)
				assertAPIError(t, err, http.MethodPost, "create_transaction", tt.want)
				assert.Len(t, w.requests(), max(tt.want.attempts, 1))
			})
		})
	}
}

func TestTransactionsCreateRetriedOn500(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t)
		w := serveWire(env, http.MethodPost, "create_transaction", replay(t, 110).Then(replay(t, 110)).Then(replay(t, 102)))
		tx, resp, err := env.client.Transactions.Create(context.Background(), annualPlan())
		require.NoError(t, err, "create_transaction upserts by order id: safe to repeat")
		assert.Equal(t, 3, resp.Attempts)
		assert.Equal(t, int64(1), tx.ID)
		reqs := w.requests()
		require.Len(t, reqs, 3)
		assert.Equal(t, reqs[0].Body, reqs[2].Body)
	})
}

// ---------------------------------------------------------------------------
// transactions

func TestTransactionsListDecodesRecordedPage(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveWire(env, http.MethodGet, "transactions", replay(t, 114))
	list, resp, err := env.client.Transactions.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, list, 6)
	first := list[0]
	assert.Equal(t, int64(1), first.ID)
	assert.Equal(t, "ORD-1001", first.OrderID, `the list calls it "ref"`)
	assert.Equal(t, "Refunded", first.Status)
	assert.True(t, decimal.RequireFromString("149.99").Equal(first.Total), "total %s", first.Total)
	assert.True(t, first.Date.IsZero(), `"date":0 (blanked by the update of capture 105)`)
	assert.Equal(t, time.Unix(1795835078, 0), first.Created)
	assert.Equal(t, int64(0), first.CustomerID, "the list carries no contact")

	consulting := list[2]
	assert.Equal(t, "ORD-2001", consulting.OrderID)
	assert.Equal(t, "EUR", consulting.Currency)
	assert.True(t, decimal.RequireFromString("20.00").Equal(consulting.Tax))
	assert.True(t, time.Unix(1704067200, 0).Equal(consulting.Date))
	assert.True(t, decimal.RequireFromString("25.50").Equal(list[1].Total))

	assert.Equal(t, 1, resp.Page)
	assert.Equal(t, 10, resp.PerPage)
	assert.Zero(t, resp.NextPage)
}

func TestTransactionsListRecordedPagination(t *testing.T) {
	t.Parallel()
	env := setup(t)
	w := serveWire(env, http.MethodGet, "transactions", replay(t, 115))
	list, resp, err := env.client.Transactions.List(context.Background(), &ListOptions{Page: 1, PerPage: 1})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "ORD-1001", list[0].OrderID)
	assert.Equal(t, 2, resp.NextPage, "a full page of 1")
	assertWire(t, w.single(t), http.MethodGet, "transactions", url.Values{"page": {"1"}, "perpage": {"1"}, "order": {"ASC"}}, "")
}

func TestTransactionsListRequestEncoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		opts  *ListOptions
		query url.Values
	}{
		// Oldest first on every release: 6.5 and later list newest first
		// unless asked, 6.4 ignores the order.
		{"nil options: only the order", nil, url.Values{"order": {"ASC"}}},
		{"zero values are not sent", &ListOptions{}, url.Values{"order": {"ASC"}}},
		{"paging in the query", &ListOptions{Page: 2, PerPage: 25}, url.Values{"page": {"2"}, "perpage": {"25"}, "order": {"ASC"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			w := serveWire(env, http.MethodGet, "transactions", jsonResponder(200, `[]`))
			_, _, err := env.client.Transactions.List(context.Background(), tt.opts)
			require.NoError(t, err)
			assertWire(t, w.single(t), http.MethodGet, "transactions", tt.query, "")
		})
	}
}

func TestTransactionsListRecordedErrors(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveWire(env, http.MethodGet, "transactions", replay(t, 119))
	list, _, err := env.client.Transactions.List(context.Background(), nil)
	assert.Nil(t, list)
	assertAPIError(t, err, http.MethodGet, "transactions", want405)
}

func TestDecodeRecordedTransactions(t *testing.T) {
	t.Parallel()
	list := decodeRecorded[[]*Transaction](t, 114)
	require.Len(t, list, 6)

	ord := list[0]
	assert.Equal(t, "ORD-1001", ord.OrderID)
	assert.Equal(t, "Refunded", ord.Status)
	assertDecimal(t, "149.99", ord.Total)
	assert.True(t, ord.Total.Equal(decimal.RequireFromString("149.99")))
	assert.True(t, ord.Date.IsZero(), `"date":0 is unset`)
	assert.True(t, ord.DatePaid.IsZero())
	assert.True(t, ord.IncludedInTotals)
	assert.Equal(t, "debit", ord.Accounting)
	assert.Equal(t, int64(0), ord.CustomerID, "the transactions list has no customer reference")
	assert.Nil(t, ord.Contact)
	assert.Equal(t, []LineItem{}, ord.LineItems)
	assert.Nil(t, ord.CustomFields)

	full := list[2]
	assert.Equal(t, "ORD-2001", full.OrderID)
	assert.Equal(t, "Sale", full.Type)
	assert.Equal(t, "Consulting hour", full.Title)
	assert.Equal(t, "Remote session", full.Description)
	assert.Equal(t, "EUR", full.Currency)
	assert.Equal(t, time.Unix(1704067200, 0), full.Date)
	assertDecimal(t, "100.00", full.Net)
	assertDecimal(t, "2.50", full.Fee)
	assertDecimal(t, "5.00", full.Shipping)
	assertDecimal(t, "20.00", full.Tax)
	assertDecimal(t, "120.00", full.Total)
	assert.True(t, full.DatePaid.IsZero(), "date_paid is not stored by the server")

	assert.Equal(t, time.Unix(2024, 0), list[4].Date, `"date":"2024-01-02" was stored as 2024 seconds`)
}

func TestTransactionRequestMarshal(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(TransactionRequest{
		OrderID: "ORD-1001", Email: "ada@example.com", Status: "Succeeded",
		Total: decimal.RequireFromString("149.99"), Title: "Annual plan", Currency: "GBP",
		Net: decimal.RequireFromString("120.00"), Date: time.Unix(1700000000, 0),
		CustomFields: map[string]string{"gateway": "stripe"},
	})
	require.NoError(t, err)
	assert.Equal(t, `{"orderid":"ORD-1001","status":"Succeeded","total":"149.99","email":"ada@example.com",`+
		`"title":"Annual plan","currency":"GBP","net":"120.00","date":1700000000,"gateway":"stripe"}`, string(b))

	var wire map[string]any
	require.NoError(t, json.Unmarshal(b, &wire))
	assert.IsType(t, float64(0), wire["date"], "date is a JSON number of Unix seconds")
	assert.IsType(t, "", wire["total"], "money is a string")
	assert.NotContains(t, wire, "item_title")
	assert.NotContains(t, wire, "tax", "zero amounts are not sent")

	b, err = json.Marshal(TransactionRequest{OrderID: "A", Status: "Paid", Total: decimal.NewFromInt(-5), CompanyID: 3})
	require.NoError(t, err)
	assert.Equal(t, `{"orderid":"A","status":"Paid","total":"-5","company":3}`, string(b))

	_, err = json.Marshal(TransactionRequest{OrderID: "A", Status: "Paid", Total: decimal.NewFromInt(1), CustomFields: map[string]string{"ref": "x"}})
	assert.Error(t, err)
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
