package jetpackcrm

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMoneyTheServerCannotStoreIsRefused: what a real site stores for each
// amount is in TestRealSiteMoneyIsStoredExactlyOrRefused; here the rule
// itself, for every amount field, before anything is sent.
func TestMoneyTheServerCannotStoreIsRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		amount string
		reason string // empty: accepted
	}{
		{"12.34", ""},
		{"12.340000", ""},
		{"-5.25", ""},
		{"0.01", ""},
		{"999999999999.99", ""},  // 14 significant digits
		{"12345678901234", ""},   // 14 digits
		{"9999999999999900", ""}, // 14 significant digits, 16 before the point
		{"1e3", ""},
		{"12.345", "more than 2 decimal places, which the server rounds (to 12.35)"},
		{"0.001", "more than 2 decimal places, which the server rounds (to 0.00)"},
		{"-0.001", "more than 2 decimal places"},
		{"12.344999", "more than 2 decimal places"},
		{"1234567890123.45", "more than 14 significant digits"},
		{"123456789012345", "more than 14 significant digits"},
		{"99999999999999.9", "more than 14 significant digits"},
		{"10000000000000000", "too large"},
		{"123456789012345678", "too large"},
		{"1e17", "too large"},
	}
	fields := map[string]func(*TransactionRequest, decimal.Decimal){
		"Total":    func(r *TransactionRequest, d decimal.Decimal) { r.Total = d },
		"Net":      func(r *TransactionRequest, d decimal.Decimal) { r.Net = d },
		"Tax":      func(r *TransactionRequest, d decimal.Decimal) { r.Tax = d },
		"Fee":      func(r *TransactionRequest, d decimal.Decimal) { r.Fee = d },
		"Discount": func(r *TransactionRequest, d decimal.Decimal) { r.Discount = d },
		"Shipping": func(r *TransactionRequest, d decimal.Decimal) { r.Shipping = d },
	}
	for _, tt := range tests {
		for field, set := range fields {
			t.Run(field+"="+tt.amount, func(t *testing.T) {
				t.Parallel()
				env, sent := setupNothingSent(t)
				serveWire(env, "POST", "create_transaction", jsonResponder(200, `{"id":1}`))
				req := &TransactionRequest{OrderID: "ORD-1", Status: "Succeeded", Total: decimal.RequireFromString("1.00")}
				set(req, decimal.RequireFromString(tt.amount))
				_, _, err := env.client.Transactions.Create(context.Background(), req)
				if tt.reason == "" {
					require.NoError(t, err)
					return
				}
				assertValidationError(t, err, "Transactions.Create", field)
				assert.Contains(t, err.Error(), tt.reason)
				assert.Zero(t, sent.Load())
			})
		}
	}
}

// TestTimesTheServerCannotStoreAreRefused: the server keeps 32-bit Unix
// seconds and reads 0 and below as unset (TestRealSiteTimesAtTheEdges shows
// what it reads back); event times and transaction dates outside that are
// refused before sending.
func TestTimesTheServerCannotStoreAreRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		t    time.Time
		ok   bool
	}{
		{"the first storable second", time.Date(1970, 1, 1, 0, 0, 1, 0, time.UTC), true},
		{"the last storable second", time.Date(2038, 1, 19, 3, 14, 7, 0, time.UTC), true},
		{"the last one in another zone", time.Date(2038, 1, 18, 22, 14, 7, 0, newYork), true},
		{"1970-01-01 00:00:00, read as unset", time.Unix(0, 0), false},
		{"half a second after the epoch, sent as 00:00:00", time.Unix(0, 5e8), false},
		{"before 1970", time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC), false},
		{"year 1", time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), false},
		{"one second past 2038-01-19 03:14:07, clamped", time.Date(2038, 1, 19, 3, 14, 8, 0, time.UTC), false},
		{"2100", time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"year 9999", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), false},
		{"year 10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env, sent := setupNothingSent(t)
			serveWire(env, "POST", "create_event", jsonResponder(200, `{"title":"x","id":1}`))
			serveWire(env, "POST", "create_transaction", jsonResponder(200, `{"id":1}`))
			calls := []struct {
				op, field string
				err       func() error
			}{
				{"Events.Create", "From", func() error {
					_, _, err := env.client.Events.Create(context.Background(), &EventRequest{Title: "x", From: tt.t, To: tt.t})
					return err
				}},
				{"Events.Create", "To", func() error {
					_, _, err := env.client.Events.Create(context.Background(), &EventRequest{Title: "x", From: firstStoredTime, To: tt.t})
					return err
				}},
				{"Transactions.Create", "Date", func() error {
					_, _, err := env.client.Transactions.Create(context.Background(), &TransactionRequest{OrderID: "A", Status: "S",
						Total: decimal.RequireFromString("1"), Date: tt.t})
					return err
				}},
			}
			for _, c := range calls {
				err := c.err()
				if tt.ok {
					assert.NoError(t, err, c.op+" "+c.field)
					continue
				}
				assertValidationError(t, err, c.op, c.field)
				assert.Contains(t, err.Error(), "outside what the server stores")
			}
			if !tt.ok {
				assert.Zero(t, sent.Load())
			}
		})
	}
}

// TestEmailReasonsFitTheCase: every malformed email used to get "want a
// bare address: no display name, brackets or spaces"; each now gets the
// reason that fits, and none repeats the address.
func TestEmailReasonsFitTheCase(t *testing.T) {
	t.Parallel()
	tests := []struct{ email, reason string }{
		{"Ada Lovelace <ada@example.com>", "it has a display name"},
		{"<ada@example.com>", "angle brackets"},
		{" ada@example.com", "white space around it"},
		{"ada@example.com\n", "white space around it"},
		{"ada lovelace@example.com", "white space inside it"},
		{"ada.example.com", "no @"},
		{"ada@home@example.com", "more than one @"},
		{"@example.com", "nothing before the @"},
		{"ada@", "no domain after the @"},
		{`"ada"@example.com`, "quotes or comments"},
		{"ada(x)@example.com", "quotes or comments"},
		{".ada@example.com", "a dot at the start or end"},
		{"ada..l@example.com", "two in a row"},
		{"ada,l@example.com", `the character ',' is not allowed before the @`},
		{"ada@example", "the domain needs a dot"},
		{"ada@example..com", "the domain has an empty part"},
		{"ada@-example.com", "starts or ends with a hyphen"},
		{"ada@exa_mple.com", `the character '_' is not allowed in the domain`},
		{"adä@example.com", "only ASCII"},
		{"ada&#x1F600;@example.com", `the character ';' is not allowed before the @`},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		err := checkEmail("Email", tt.email)
		require.Error(t, err, tt.email)
		assert.Contains(t, err.Error(), tt.reason, tt.email)
		assert.NotContains(t, err.Error(), "want a bare address")
		if local, _, ok := strings.Cut(strings.TrimSpace(tt.email), "@"); ok && len(local) > 3 {
			assert.NotContains(t, err.Error(), local, "the reason does not repeat the address")
		}
		seen[err.Error()] = true
	}
	assert.Greater(t, len(seen), 15, "distinct reasons")
	for _, ok := range []string{"ada@example.com", "o'neil@example.org", "a.b+c@sub.example.co.uk", "x_y-z@e-x.org"} {
		assert.NoError(t, checkEmail("Email", ok), ok)
	}
}
