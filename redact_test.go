package jetpackcrm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// relLeakResult is what one call of TestReliabilitySecretsNeverLeakThroughTheFake
// handed back: its values, its *Response and its error.
type relLeakResult struct {
	values []any
	resp   *jetpackcrm.Response
	err    error
}

// relLeakCall is one public call; i makes its records unique.
type relLeakCall func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult

// relLeakCalls is every public call of the Client, by name.
func relLeakCalls(from time.Time) map[string]relLeakCall {
	calls := relLeakCustomerCalls()
	maps.Copy(calls, relLeakOtherCalls(from))
	return calls
}

// relLeakCustomerCalls are the status and contact calls.
func relLeakCustomerCalls() map[string]relLeakCall {
	return map[string]relLeakCall{
		"Status": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			v, r, err := c.Status(ctx)
			return relLeakResult{[]any{v}, r, err}
		},
		"StatusFull": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			v, r, err := c.StatusFull(ctx)
			return relLeakResult{[]any{v}, r, err}
		},
		"Customers.Create": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			v, r, err := c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: fmt.Sprintf("h%d@example.com", i), FirstName: "Hy", CustomFields: map[string]string{"shoe-size": "9"}})
			return relLeakResult{[]any{v}, r, err}
		},
		"Customers.Update": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			v, r, err := c.Customers.Update(ctx, "h0@example.com", &jetpackcrm.CustomerRequest{LastName: "L"})
			return relLeakResult{[]any{v}, r, err}
		},
		"Customers.List": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			v, r, err := c.Customers.List(ctx, &jetpackcrm.CustomerListOptions{WithTags: true, WithInvoices: true, WithQuotes: true, WithTransactions: true})
			return relLeakResult{[]any{v}, r, err}
		},
		"Customers.Search": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			v, r, err := c.Customers.Search(ctx, "ada", nil)
			return relLeakResult{[]any{v}, r, err}
		},
		"Customers.GetByEmail": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			v, r, err := c.Customers.GetByEmail(ctx, "nobody@example.com")
			return relLeakResult{[]any{v}, r, err}
		},
		"Customers.All": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			var vs []any
			var last error
			for v, err := range c.Customers.All(ctx, nil) {
				vs, last = append(vs, v), err
			}
			return relLeakResult{vs, nil, last}
		},
		"Customers.UpsertMany": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			res, err := c.Customers.UpsertMany(ctx, []*jetpackcrm.CustomerRequest{{Email: fmt.Sprintf("bulk%d@example.com", i)}, nil}, jetpackcrm.BulkOptions{})
			vs := []any{res}
			for _, r := range res {
				vs = append(vs, r, r.Err)
				// The nil request's *ValidationError is expected; report
				// the other request's outcome.
				if r.Err != nil && err == nil && !errors.Is(r.Err, jetpackcrm.ErrInvalidInput) {
					err = r.Err
				}
			}
			return relLeakResult{vs, nil, err}
		},
	}
}

// relLeakOtherCalls are the company, transaction, event, quote, invoice,
// webhook and raw Do calls.
func relLeakOtherCalls(from time.Time) map[string]relLeakCall {
	return map[string]relLeakCall{
		"Companies.Create": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			v, r, err := c.Companies.Create(ctx, &jetpackcrm.CompanyRequest{Name: fmt.Sprintf("Co%d", i), Email: fmt.Sprintf("co%d@example.com", i)})
			return relLeakResult{[]any{v}, r, err}
		},
		"Companies.List": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			v, r, err := c.Companies.List(ctx, nil)
			return relLeakResult{[]any{v}, r, err}
		},
		"Transactions.Create": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			v, r, err := c.Transactions.Create(ctx, &jetpackcrm.TransactionRequest{OrderID: fmt.Sprintf("H-%d", i), Status: "Paid", Total: decimal.New(1, 0), Email: "h0@example.com"})
			return relLeakResult{[]any{v}, r, err}
		},
		"Transactions.List": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			v, r, err := c.Transactions.List(ctx, nil)
			return relLeakResult{[]any{v}, r, err}
		},
		"Events.Create": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			v, r, err := c.Events.Create(ctx, &jetpackcrm.EventRequest{Title: "Hygiene", From: from, To: from, Remind24h: true})
			return relLeakResult{[]any{v}, r, err}
		},
		"Events.List": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			v, r, err := c.Events.List(ctx, nil)
			return relLeakResult{[]any{v}, r, err}
		},
		"Quotes.List": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			v, r, err := c.Quotes.List(ctx, nil)
			return relLeakResult{[]any{v}, r, err}
		},
		"Invoices.List": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			v, r, err := c.Invoices.List(ctx, nil)
			return relLeakResult{[]any{v}, r, err}
		},
		"Webhooks.Send": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			v, r, err := c.Webhooks.Send(ctx, "rel_echo", map[string]string{"echo": "x"})
			return relLeakResult{[]any{v}, r, err}
		},
		"Do": func(ctx context.Context, c *jetpackcrm.Client, i int) relLeakResult {
			req, err := c.NewRequest(ctx, http.MethodGet, "status", nil, nil)
			if err != nil {
				return relLeakResult{nil, nil, err}
			}
			var raw json.RawMessage
			r, err := c.Do(req, &raw)
			return relLeakResult{[]any{req, req.URL}, r, err}
		},
	}
}

// relCheckNoSecretIn fails if the credentials show in the error, any value
// or the Response of res, in any rendering.
func relCheckNoSecretIn(t *testing.T, res relLeakResult) {
	t.Helper()
	texts := []string{fmt.Sprint(res.err), fmt.Sprintf("%+v", res.err), fmt.Sprintf("%#v", res.err)}
	for _, v := range res.values {
		texts = append(texts, fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v))
		if b, err := json.Marshal(v); err == nil {
			texts = append(texts, string(b))
		}
	}
	if r := res.resp; r != nil {
		texts = append(texts, fmt.Sprintf("%+v", r), fmt.Sprintf("%+v", *r.Response), fmt.Sprintf("%+v", r.Header))
		if r.Request != nil {
			texts = append(texts, r.Request.URL.String(), fmt.Sprintf("%+v", *r.Request))
		}
	}
	relAssertNoSecret(t, texts...)
}

// Secret hygiene on the fake's path (TestSecretsNeverLeak covers the raw
// error paths): every public call, healthy, under each injected fault,
// with a wrong secret, and with a cancelled context; neither credential
// appears in an error, its %+v, the %+v of any value returned (models,
// *Response and its *http.Response and request), or the debug log.
func TestReliabilitySecretsNeverLeakThroughTheFake(t *testing.T) {
	t.Parallel()
	env := setupFake(t, []jetpackcrmtest.Option{jetpackcrmtest.WithContactCustomFields("shoe-size")}, jetpackcrm.WithoutRetries())
	env.srv.SeedContacts(3)
	_, err := env.srv.SeedContact(jetpackcrmtest.Contact{Email: "h0@example.com", FirstName: "H"})
	require.NoError(t, err)
	_, err = env.srv.SeedQuote(jetpackcrmtest.Quote{Title: "Q", Value: "1.00"})
	require.NoError(t, err)
	_, err = env.srv.SeedInvoice(jetpackcrmtest.Invoice{})
	require.NoError(t, err)
	env.srv.HandleWebhook("rel_echo", func(data json.RawMessage) (any, error) { return data, nil })
	wrong, err := jetpackcrm.NewClient(env.srv.URL, relKey, relSecret+"x", jetpackcrm.WithLogger(slog.New(slog.NewTextHandler(env.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, err)
	t.Cleanup(wrong.CloseIdleConnections)

	from := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	calls := relLeakCalls(from)
	check := relCheckNoSecretIn
	faults := []jetpackcrmtest.FaultKind{
		jetpackcrmtest.FaultNone, jetpackcrmtest.Fault429, jetpackcrmtest.Fault500, jetpackcrmtest.Fault502, jetpackcrmtest.Fault503,
		jetpackcrmtest.FaultResetBeforeWrite, jetpackcrmtest.FaultResetAfterWrite, jetpackcrmtest.FaultHTMLNotice,
	}
	i := 0
	errorsSeen := 0
	for _, name := range slices.Sorted(maps.Keys(calls)) {
		call := calls[name]
		t.Run(name, func(t *testing.T) {
			for _, kind := range faults {
				i++
				// Every request of the call gets the fault (the schedule
				// repeats, for the iterators and the bulk write).
				env.srv.ClearFaults()
				// No Retry-After: it would pause the Client for a second
				// after each 429 and 503.
				env.srv.InjectFaults(jetpackcrmtest.Faults{Schedule: []jetpackcrmtest.FaultKind{kind}, Repeat: true, RetryAfter: -1})
				res := call(context.Background(), env.client, i)
				check(t, res)
				switch {
				case name == "Customers.GetByEmail" && (kind == jetpackcrmtest.FaultNone || kind == jetpackcrmtest.FaultHTMLNotice):
					assert.ErrorIs(t, res.err, jetpackcrm.ErrNotFound)
				case kind == jetpackcrmtest.FaultNone || kind == jetpackcrmtest.FaultHTMLNotice:
					assert.NoError(t, res.err, "with %s", kind)
				default:
					assert.Error(t, res.err, "with %s", kind)
				}
				if res.err != nil {
					errorsSeen++
				}
			}
			env.srv.ClearFaults()
			res := call(context.Background(), wrong, i)
			assert.ErrorIs(t, res.err, jetpackcrm.ErrUnauthorized)
			check(t, res)
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			res = call(ctx, env.client, i)
			assert.ErrorIs(t, res.err, context.Canceled)
			check(t, res)
			errorsSeen += 2
		})
	}
	t.Logf("%d calls x (%d fault kinds + wrong secret + cancelled): %d errors checked, no credential in any error, value or log line",
		len(calls), len(faults), errorsSeen)
}
