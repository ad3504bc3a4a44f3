package jetpackcrm

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ---------------------------------------------------------------------------
// quotes

func TestQuotesListDecodesRecordedPage(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveWire(env, http.MethodGet, "quotes", replay(t, 143))
	list, resp, err := env.client.Quotes.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, list, 1)
	q := list[0]
	assert.Equal(t, int64(1), q.ID)
	assert.Equal(t, int64(1), q.Owner)
	assert.Equal(t, "Website redesign", q.Title)
	assert.True(t, decimal.RequireFromString("4250.50").Equal(q.Value), "value %s", q.Value)
	assert.Equal(t, "USD", q.Currency)
	assert.Equal(t, QuoteStatusDraft, q.Status, `"status":-1`)
	assert.True(t, time.Unix(1795835090, 0).Equal(q.Date))
	assert.Equal(t, "Seeded by setup/04", q.Notes)
	assert.Empty(t, q.Content, "the endpoint suppresses content")
	assert.True(t, q.Accepted.IsZero())
	assert.Equal(t, 1, resp.Page)
	assert.Equal(t, 10, resp.PerPage)
	assert.Zero(t, resp.NextPage)
}

func TestQuotesListRecordedEmptyPages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		capture int
		opts    *ListOptions
		query   url.Values
	}{
		{"141: no quotes at all", 141, nil, nil},
		{"147: beyond the end", 147, &ListOptions{Page: 5}, url.Values{"page": {"5"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			w := serveWire(env, http.MethodGet, "quotes", replay(t, tt.capture))
			list, resp, err := env.client.Quotes.List(context.Background(), tt.opts)
			require.NoError(t, err)
			assert.NotNil(t, list)
			assert.Empty(t, list)
			assert.Zero(t, resp.NextPage)
			assertWire(t, w.single(t), http.MethodGet, "quotes", tt.query, "")
		})
	}
}

// ---------------------------------------------------------------------------
// invoices

// ---------------------------------------------------------------------------
// both

func TestQuotesAndInvoicesRequestEncoding(t *testing.T) {
	t.Parallel()
	lists := map[string]func(c *Client, o *ListOptions) error{
		"quotes": func(c *Client, o *ListOptions) error { _, _, err := c.Quotes.List(context.Background(), o); return err },
		"invoices": func(c *Client, o *ListOptions) error {
			_, _, err := c.Invoices.List(context.Background(), o)
			return err
		},
	}
	tests := []struct {
		name  string
		opts  *ListOptions
		query url.Values
	}{
		{"nil options", nil, nil},
		{"page only", &ListOptions{Page: 2}, url.Values{"page": {"2"}}},
		{"page and perpage", &ListOptions{Page: 3, PerPage: 100}, url.Values{"page": {"3"}, "perpage": {"100"}}},
	}
	for endpoint, list := range lists {
		for _, tt := range tests {
			t.Run(endpoint+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				env := setup(t)
				w := serveWire(env, http.MethodGet, endpoint, jsonResponder(200, `[]`))
				require.NoError(t, list(env.client, tt.opts))
				want := tt.query
				if endpoint == "invoices" {
					// Oldest first on every release (quotes keep the
					// newest first that every release has by default).
					want = url.Values{"order": {"ASC"}}
					for k, v := range tt.query {
						want[k] = v
					}
				}
				assertWire(t, w.single(t), http.MethodGet, endpoint, want, "")
			})
		}
	}
}

func TestQuotesAndInvoicesRecordedErrors(t *testing.T) {
	t.Parallel()
	t.Run("148 quotes 405", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		serveWire(env, http.MethodGet, "quotes", replay(t, 148))
		list, _, err := env.client.Quotes.List(context.Background(), nil)
		assert.Nil(t, list)
		assertAPIError(t, err, http.MethodGet, "quotes", want405)
	})
	t.Run("153 invoices 405", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		serveWire(env, http.MethodGet, "invoices", replay(t, 153))
		list, _, err := env.client.Invoices.List(context.Background(), nil)
		assert.Nil(t, list)
		assertAPIError(t, err, http.MethodGet, "invoices", want405)
	})
	t.Run("lists are reads: retried on 500", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			env := setup(t)
			serveWire(env, http.MethodGet, "quotes", replay(t, 111).Then(replay(t, 143)))
			serveWire(env, http.MethodGet, "invoices", replay(t, 111).Then(replay(t, 149)))
			q, resp, err := env.client.Quotes.List(context.Background(), nil)
			require.NoError(t, err)
			assert.Equal(t, 2, resp.Attempts)
			assert.Len(t, q, 1)
			inv, resp, err := env.client.Invoices.List(context.Background(), nil)
			require.NoError(t, err)
			assert.Equal(t, 2, resp.Attempts)
			assert.Len(t, inv, 1)
		})
	})
}

func TestDecodeRecordedQuotes(t *testing.T) {
	t.Parallel()
	list := decodeRecorded[[]*Quote](t, 143)
	require.Len(t, list, 1)
	q := list[0]
	assert.Equal(t, int64(1), q.ID)
	assert.Equal(t, "Website redesign", q.Title)
	assertDecimal(t, "4250.50", q.Value)
	assert.Equal(t, "4250.50", formatDecimal(q.Value), "the scale is kept")
	assert.Equal(t, "USD", q.Currency)
	assert.Equal(t, QuoteStatusDraft, q.Status)
	assert.Equal(t, time.Unix(1795835090, 0), q.Date)
	assert.Equal(t, "Seeded by setup/04", q.Notes)
	assert.Equal(t, "nlkKZd5GscZklNRIXhC", q.Hash)
	assert.True(t, q.Accepted.IsZero())
	assert.True(t, q.SendAttachments)
	assert.Equal(t, "", q.Content, "the quotes endpoint suppresses content")
	assert.Nil(t, q.CustomFields)

	assert.Empty(t, decodeRecorded[[]*Quote](t, 141))
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
