package jetpackcrm

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNoiseBeforeTheJSONIsSkipped: PHP can print any number of notices
// before the JSON (as HTML, as an xdebug page, as plain text lines) and a
// byte order mark per file saved with one; the answer is still read.
func TestNoiseBeforeTheJSONIsSkipped(t *testing.T) {
	t.Parallel()
	const list = `[{"id":"1","email":"a@example.com","fname":"x }]\"[{ <br /> \\"}]`
	htmlNotice := "<br />\n<b>Notice</b>:  Undefined index: x in <b>/var/www/a.php</b> on line <b>3</b><br />\n"
	textNotice := "\nNotice: Undefined index: x in /var/www/a.php on line 3\n"
	tests := []struct {
		name, noise string
	}{
		{"1 HTML notice", htmlNotice},
		{"1000 HTML notices", strings.Repeat(htmlNotice, 1000)},
		{"a long xdebug page (200 notices with their call stacks)", strings.Repeat(xdebugNotice, 200)},
		{"plain-text notices", strings.Repeat(textNotice, 50)},
		{"a BOM", "\xEF\xBB\xBF"},
		{"three BOMs and white space", "\xEF\xBB\xBF\xEF\xBB\xBF\n\xEF\xBB\xBF "},
		{"a BOM, then notices", "\xEF\xBB\xBF" + htmlNotice + textNotice},
		{"a deprecation div with braces and brackets in it", "<div>Deprecated: {x} [y] \"q\"</div>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			serveWire(env, http.MethodGet, "customer_search", jsonResponder(200, tt.noise+list))
			got, _, err := env.client.Customers.Search(context.Background(), "a", nil)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, `x }]"[{ <br /> \`, got[0].FirstName)
		})
	}
	// Text that is neither markup nor a line of its own is not skipped.
	for _, body := range []string{"Warning: x" + list, "<p>x</p>" + list + "<p>after</p>", "\n" + list[:len(list)-1]} {
		env := setup(t)
		serveWire(env, http.MethodGet, "customer_search", jsonResponder(200, body))
		_, _, err := env.client.Customers.Search(context.Background(), "a", nil)
		var de *DecodeError
		require.ErrorAs(t, err, &de, "%q", body)
		assert.False(t, de.MayHaveBeenApplied, "a read")
	}
}

// TestUndecodableAnswerToAWriteMayHaveBeenApplied: a 2xx answer the SDK
// cannot read means the server took the request; for a write it may have
// been applied, and the error must say so, like a *RequestError does.
func TestUndecodableAnswerToAWriteMayHaveBeenApplied(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	writes := map[string]struct {
		endpoint string
		call     func(c *Client) error
	}{
		"Customers.Create": {"create_customer", func(c *Client) error {
			_, _, err := c.Customers.Create(ctx, &CustomerRequest{Email: "a@example.com"})
			return err
		}},
		"Events.Create": {"create_event", func(c *Client) error {
			_, _, err := c.Events.Create(ctx, &EventRequest{Title: "x", From: okFrom, To: okTo})
			return err
		}},
		"Transactions.Create": {"create_transaction", func(c *Client) error {
			_, _, err := c.Transactions.Create(ctx, &TransactionRequest{OrderID: "A", Status: "S", Total: decimal.NewFromInt(1)})
			return err
		}},
		"Companies.Create": {"create_company", func(c *Client) error {
			_, _, err := c.Companies.Create(ctx, &CompanyRequest{Name: "Co", Email: "co@example.com"})
			return err
		}},
		"Webhooks.Send": {"webhook", func(c *Client) error {
			_, _, err := c.Webhooks.Send(ctx, "a", nil)
			return err
		}},
	}
	bodies := map[string]string{
		"an HTML page":            "<html><body>Briefly unavailable for scheduled maintenance.</body></html>",
		"a plain-text notice":     "Notice: Undefined index: id in /var/www/a.php on line 3",
		"truncated JSON":          `{"email":"a@example.com","id":`,
		"a notice after the JSON": `{"id":1}<br /><b>Notice</b>`,
	}
	for name, w := range writes {
		for bname, body := range bodies {
			t.Run(name+"/"+bname, func(t *testing.T) {
				t.Parallel()
				env := setup(t)
				serveWire(env, http.MethodPost, w.endpoint, jsonResponder(200, body))
				err := w.call(env.client)
				var de *DecodeError
				require.ErrorAs(t, err, &de)
				assert.True(t, de.MayHaveBeenApplied)
				assert.True(t, MayHaveBeenApplied(err))
				assert.Contains(t, err.Error(), "the write may have been applied")
				assertErrorHidesSecret(t, err)
			})
		}
	}
	t.Run("oversized", func(t *testing.T) {
		t.Parallel()
		env := setup(t, WithMaxResponseBytes(16))
		serveWire(env, http.MethodPost, "create_customer", jsonResponder(200, `{"email":"a@example.com","id":1}`))
		_, _, err := env.client.Customers.Create(ctx, &CustomerRequest{Email: "a@example.com"})
		require.ErrorIs(t, err, ErrResponseTooLarge)
		assert.True(t, MayHaveBeenApplied(err))
	})
	t.Run("a read is not a write", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		serveWire(env, http.MethodPost, "customers", jsonResponder(200, bodies["an HTML page"]))
		_, _, err := env.client.Customers.List(ctx, nil)
		var de *DecodeError
		require.ErrorAs(t, err, &de)
		assert.False(t, de.MayHaveBeenApplied)
		assert.NotContains(t, err.Error(), "may have been applied")
	})
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

func TestOversizedErrorPageKeepsItsStatus(t *testing.T) {
	t.Parallel()
	env := setup(t, WithMaxResponseBytes(1024), WithoutRetries())
	page := "<html>" + strings.Repeat("busy ", 1000) + "</html>"
	env.respond("GET", "quotes", func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(429, page)
		resp.Header.Set("Retry-After", "5")
		return resp, nil
	})
	_, _, err := env.client.Quotes.List(context.Background(), nil)
	var rl *RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, 5*time.Second, rl.RetryAfter)
	assert.ErrorIs(t, err, ErrRateLimited)
}
