package jetpackcrm

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// setupNothingSent is setup with a catch-all responder that counts what
// would have been sent.
func setupNothingSent(t *testing.T) (*testEnv, *atomic.Int64) {
	t.Helper()
	env := setup(t)
	var sent atomic.Int64
	env.mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		sent.Add(1)
		return jsonResponder(200, `[]`)(req)
	})
	return env, &sent
}

func assertValidationError(t *testing.T, err error, op, field string) {
	t.Helper()
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrInvalidInput), "errors.Is(err, ErrInvalidInput): %v", err)
	var ve *ValidationError
	require.True(t, errors.As(err, &ve), "errors.As(err, *ValidationError): %T %v", err, err)
	assert.Equal(t, op, ve.Op)
	assert.Equal(t, field, ve.Field)
	assert.NotEmpty(t, ve.Reason)
	assert.NotErrorIs(t, err, ErrRejected)
	assertErrorHidesSecret(t, err)
}

var badEmails = []string{"bob", "a@b", "Ada <a@example.com>", ""}

// okFrom and okTo bound a valid event.
var (
	okFrom = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	okTo   = okFrom.Add(time.Hour)
)

func TestInvalidInputIsRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	type call func(c *Client) error
	type tcase struct {
		name, op, field string
		call            call
	}
	customer := func(r *CustomerRequest) call {
		return func(c *Client) error { _, _, err := c.Customers.Create(ctx, r); return err }
	}
	update := func(email string, r *CustomerRequest) call {
		return func(c *Client) error { _, _, err := c.Customers.Update(ctx, email, r); return err }
	}
	company := func(r *CompanyRequest) call {
		return func(c *Client) error { _, _, err := c.Companies.Create(ctx, r); return err }
	}
	transaction := func(r *TransactionRequest) call {
		return func(c *Client) error { _, _, err := c.Transactions.Create(ctx, r); return err }
	}
	event := func(r *EventRequest) call {
		return func(c *Client) error { _, _, err := c.Events.Create(ctx, r); return err }
	}
	webhook := func(action string, data any) call {
		return func(c *Client) error { _, _, err := c.Webhooks.Send(ctx, action, data); return err }
	}
	okTx := func(f func(*TransactionRequest)) *TransactionRequest {
		r := &TransactionRequest{OrderID: "ORD-1", Status: "Succeeded", Total: decimal.RequireFromString("1.50")}
		f(r)
		return r
	}
	okEvent := func(f func(*EventRequest)) *EventRequest {
		r := &EventRequest{Title: "Call", From: okFrom, To: okTo}
		f(r)
		return r
	}
	okCompany := func(f func(*CompanyRequest)) *CompanyRequest {
		r := &CompanyRequest{Name: "Acme", Email: "hello@acme.example.com"}
		f(r)
		return r
	}

	tests := []tcase{
		// Customers.Create
		{"nil request", "Customers.Create", "", customer(nil)},
		{"invalid UTF-8", "Customers.Create", "FirstName", customer(&CustomerRequest{Email: "a@example.com", FirstName: "Zo\xeb"})},
		{"invalid UTF-8 in an address", "Customers.Create", "Address.City", customer(&CustomerRequest{Email: "a@example.com", Address: Address{City: "Z\xfcrich"}})},
		{"negative owner", "Customers.Create", "AssignTo", customer(&CustomerRequest{Email: "a@example.com", AssignTo: -1})},
		{"negative id", "Customers.Create", "ID", customer(&CustomerRequest{Email: "a@example.com", ID: -3})},
		{"custom field named like a built-in key", "Customers.Create", `CustomFields["fname"]`,
			customer(&CustomerRequest{Email: "a@example.com", CustomFields: map[string]string{"fname": "x"}})},
		// Customers.Update
		{"nil changes", "Customers.Update", "", update("a@example.com", nil)},
		{"invalid UTF-8 in changes", "Customers.Update", "LastName", update("a@example.com", &CustomerRequest{LastName: "\xff"})},
		{"invalid new email", "Customers.Update", "Email", update("a@example.com", &CustomerRequest{Email: "bob"})},
		{"negative id in changes", "Customers.Update", "ID", update("a@example.com", &CustomerRequest{ID: -1})},
		{"custom field named like a built-in key in changes", "Customers.Update", `CustomFields["city"]`,
			update("a@example.com", &CustomerRequest{CustomFields: map[string]string{"city": "x"}})},
		// Customers.List / Search
		{"negative page", "Customers.List", "Page", func(c *Client) error {
			_, _, err := c.Customers.List(ctx, &CustomerListOptions{ListOptions: ListOptions{Page: -1}})
			return err
		}},
		{"negative per page", "Customers.List", "PerPage", func(c *Client) error {
			_, _, err := c.Customers.List(ctx, &CustomerListOptions{ListOptions: ListOptions{PerPage: -5}})
			return err
		}},
		{"negative owner", "Customers.List", "Owner", func(c *Client) error {
			_, _, err := c.Customers.List(ctx, &CustomerListOptions{Owner: -1})
			return err
		}},
		{"negative company", "Customers.List", "CompanyID", func(c *Client) error {
			_, _, err := c.Customers.List(ctx, &CustomerListOptions{CompanyID: -1})
			return err
		}},
		{"invalid UTF-8 search", "Customers.List", "Search", func(c *Client) error {
			_, _, err := c.Customers.List(ctx, &CustomerListOptions{Search: "\xc3"})
			return err
		}},
		{"negative page", "Customers.Search", "Page", func(c *Client) error {
			_, _, err := c.Customers.Search(ctx, "ada", &ListOptions{Page: -3})
			return err
		}},
		{"negative per page", "Customers.Search", "PerPage", func(c *Client) error {
			_, _, err := c.Customers.Search(ctx, "ada", &ListOptions{PerPage: -1})
			return err
		}},
		{"invalid UTF-8 query", "Customers.Search", "query", func(c *Client) error {
			_, _, err := c.Customers.Search(ctx, "\xff", nil)
			return err
		}},
		// Companies
		{"nil request", "Companies.Create", "", company(nil)},
		{"no name", "Companies.Create", "Name", company(okCompany(func(r *CompanyRequest) { r.Name = "" }))},
		{"blank name", "Companies.Create", "Name", company(okCompany(func(r *CompanyRequest) { r.Name = "  " }))},
		{"no email", "Companies.Create", "Email", company(okCompany(func(r *CompanyRequest) { r.Email = "" }))},
		{"invalid email", "Companies.Create", "Email", company(okCompany(func(r *CompanyRequest) { r.Email = "a@b" }))},
		{"invalid UTF-8", "Companies.Create", "Name", company(okCompany(func(r *CompanyRequest) { r.Name = "Acme \xff" }))},
		{"negative page", "Companies.List", "Page", func(c *Client) error {
			_, _, err := c.Companies.List(ctx, &ListOptions{Page: -1})
			return err
		}},
		{"negative per page", "Companies.List", "PerPage", func(c *Client) error {
			_, _, err := c.Companies.List(ctx, &ListOptions{PerPage: -1})
			return err
		}},
		// Transactions
		{"nil request", "Transactions.Create", "", transaction(nil)},
		{"missing order id", "Transactions.Create", "OrderID", transaction(okTx(func(r *TransactionRequest) { r.OrderID = "" }))},
		{"blank order id", "Transactions.Create", "OrderID", transaction(okTx(func(r *TransactionRequest) { r.OrderID = " " }))},
		{"missing status", "Transactions.Create", "Status", transaction(okTx(func(r *TransactionRequest) { r.Status = "" }))},
		{"zero total", "Transactions.Create", "Total", transaction(okTx(func(r *TransactionRequest) { r.Total = decimal.Zero }))},
		{"zero total written 0.00", "Transactions.Create", "Total", transaction(okTx(func(r *TransactionRequest) { r.Total = decimal.RequireFromString("0.00") }))},
		{"invalid email", "Transactions.Create", "Email", transaction(okTx(func(r *TransactionRequest) { r.Email = "bob" }))},
		{"date before 1970", "Transactions.Create", "Date", transaction(okTx(func(r *TransactionRequest) { r.Date = time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC) }))},
		{"invalid UTF-8", "Transactions.Create", "Title", transaction(okTx(func(r *TransactionRequest) { r.Title = "T-shirt \xff" }))},
		{"negative company", "Transactions.Create", "CompanyID", transaction(okTx(func(r *TransactionRequest) { r.CompanyID = -2 }))},
		{"negative page", "Transactions.List", "Page", func(c *Client) error {
			_, _, err := c.Transactions.List(ctx, &ListOptions{Page: -1})
			return err
		}},
		{"negative per page", "Transactions.List", "PerPage", func(c *Client) error {
			_, _, err := c.Transactions.List(ctx, &ListOptions{PerPage: -1})
			return err
		}},
		// Events
		{"nil request", "Events.Create", "", event(nil)},
		{"missing title", "Events.Create", "Title", event(okEvent(func(r *EventRequest) { r.Title = "" }))},
		{"zero from", "Events.Create", "From", event(okEvent(func(r *EventRequest) { r.From = time.Time{} }))},
		{"zero to", "Events.Create", "To", event(okEvent(func(r *EventRequest) { r.To = time.Time{} }))},
		{"from after to", "Events.Create", "From", event(okEvent(func(r *EventRequest) { r.From, r.To = okTo, okFrom }))},
		{"negative id", "Events.Create", "ID", event(okEvent(func(r *EventRequest) { r.ID = -1 }))},
		{"negative customer", "Events.Create", "CustomerID", event(okEvent(func(r *EventRequest) { r.CustomerID = -1 }))},
		{"owner below -1", "Events.Create", "Owner", event(okEvent(func(r *EventRequest) { r.Owner = -2 }))},
		{"invalid UTF-8", "Events.Create", "Notes", event(okEvent(func(r *EventRequest) { r.Notes = "\xff" }))},
		{"negative page", "Events.List", "Page", func(c *Client) error {
			_, _, err := c.Events.List(ctx, &EventListOptions{ListOptions: ListOptions{Page: -1}})
			return err
		}},
		{"negative per page", "Events.List", "PerPage", func(c *Client) error {
			_, _, err := c.Events.List(ctx, &EventListOptions{ListOptions: ListOptions{PerPage: -1}})
			return err
		}},
		{"negative owner", "Events.List", "Owner", func(c *Client) error {
			_, _, err := c.Events.List(ctx, &EventListOptions{Owner: -1})
			return err
		}},
		// Quotes, invoices
		{"negative page", "Quotes.List", "Page", func(c *Client) error {
			_, _, err := c.Quotes.List(ctx, &ListOptions{Page: -1})
			return err
		}},
		{"negative per page", "Quotes.List", "PerPage", func(c *Client) error {
			_, _, err := c.Quotes.List(ctx, &ListOptions{PerPage: -1})
			return err
		}},
		{"negative page", "Invoices.List", "Page", func(c *Client) error {
			_, _, err := c.Invoices.List(ctx, &ListOptions{Page: -1})
			return err
		}},
		{"negative per page", "Invoices.List", "PerPage", func(c *Client) error {
			_, _, err := c.Invoices.List(ctx, &ListOptions{PerPage: -1})
			return err
		}},
		// Webhooks
		{"empty action", "Webhooks.Send", "action", webhook("", nil)},
		{"blank action", "Webhooks.Send", "action", webhook(" \t", nil)},
		{"invalid UTF-8 action", "Webhooks.Send", "action", webhook("\xff", nil)},
		{"data that is not JSON", "Webhooks.Send", "data", webhook("jcrm_test_echo", map[string]any{"f": func() {}})},
	}
	// Every invalid email, for every method that takes one.
	for _, e := range badEmails {
		tests = append(tests,
			tcase{"email " + e, "Customers.Create", "Email", customer(&CustomerRequest{Email: e, FirstName: "Ada"})},
			tcase{"email " + e, "Customers.Update", "email", update(e, &CustomerRequest{FirstName: "Ada"})},
			tcase{"email " + e, "Customers.GetByEmail", "email", func(c *Client) error { _, _, err := c.Customers.GetByEmail(ctx, e); return err }},
			tcase{"email " + e, "Companies.Create", "Email", company(okCompany(func(r *CompanyRequest) { r.Email = e }))},
		)
		if e != "" { // an empty email is allowed on a transaction: it links nobody
			tests = append(tests, tcase{"email " + e, "Transactions.Create", "Email", transaction(okTx(func(r *TransactionRequest) { r.Email = e }))})
		}
	}
	for _, tt := range tests {
		t.Run(tt.op+"/"+tt.name, func(t *testing.T) {
			t.Parallel()
			env, sent := setupNothingSent(t)
			err := tt.call(env.client)
			assertValidationError(t, err, tt.op, tt.field)
			assert.Zero(t, env.mock.GetTotalCallCount(), "nothing sent")
			assert.Zero(t, sent.Load(), "nothing sent")
		})
	}
}

// A valid request of each kind does reach the server: the table above fails
// for the right reason, not because the fixture cannot send anything.
func TestValidInputIsSent(t *testing.T) {
	t.Parallel()
	env, sent := setupNothingSent(t)
	ctx := context.Background()
	_, _, err := env.client.Transactions.Create(ctx, &TransactionRequest{OrderID: "ORD-1", Status: "Succeeded", Total: decimal.RequireFromString("1.50")})
	require.Error(t, err, "[] is not a transaction")
	assert.NotErrorIs(t, err, ErrInvalidInput)
	_, _, err = env.client.Events.Create(ctx, &EventRequest{Title: "Call", From: okFrom, To: okFrom})
	assert.NotErrorIs(t, err, ErrInvalidInput, "From equal to To is allowed")
	_, _, err = env.client.Quotes.List(ctx, &ListOptions{})
	assert.NoError(t, err)
	// The answers to the creates ([], neither a transaction nor an event)
	// cannot be read: the transaction is sent again until the policy's
	// attempts run out, and Events.Create reads the events list to check.
	assert.Equal(t, int64(1+fastRetries.MaxRetries+2+1), sent.Load())
}

func TestAllIteratorsYieldTheValidationErrorOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		op, field string
		all       func(c *Client) (n int, errs []error)
	}{
		{"Customers.All", "PerPage", func(c *Client) (int, []error) {
			return drain(c.Customers.All(ctx, &CustomerListOptions{ListOptions: ListOptions{PerPage: -1}}))
		}},
		{"Customers.All", "Owner", func(c *Client) (int, []error) { return drain(c.Customers.All(ctx, &CustomerListOptions{Owner: -1})) }},
		{"Companies.All", "Page", func(c *Client) (int, []error) { return drain(c.Companies.All(ctx, &ListOptions{Page: -1})) }},
		{"Quotes.All", "PerPage", func(c *Client) (int, []error) { return drain(c.Quotes.All(ctx, &ListOptions{PerPage: -1})) }},
		{"Invoices.All", "PerPage", func(c *Client) (int, []error) { return drain(c.Invoices.All(ctx, &ListOptions{PerPage: -1})) }},
		{"Transactions.All", "Page", func(c *Client) (int, []error) { return drain(c.Transactions.All(ctx, &ListOptions{Page: -2})) }},
		{"Events.All", "Owner", func(c *Client) (int, []error) { return drain(c.Events.All(ctx, &EventListOptions{Owner: -1})) }},
	}
	for _, tt := range tests {
		t.Run(tt.op+"/"+tt.field, func(t *testing.T) {
			t.Parallel()
			env, sent := setupNothingSent(t)
			n, errs := tt.all(env.client)
			assert.Zero(t, n, "no items")
			require.Len(t, errs, 1, "the error is yielded once")
			assertValidationError(t, errs[0], tt.op, tt.field)
			assert.Zero(t, sent.Load())
			assert.Zero(t, env.mock.GetTotalCallCount())
		})
	}
}

// drain consumes a whole sequence without breaking, counting the items and
// collecting the errors: an iterator must end by itself after an error.
func drain[T any](seq iter.Seq2[*T, error]) (n int, errs []error) {
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if v != nil {
			n++
		}
	}
	return n, errs
}

// The reasons name what is wrong in words a caller can act on.
func TestValidationReasons(t *testing.T) {
	t.Parallel()
	env, _ := setupNothingSent(t)
	_, _, err := env.client.Customers.Create(context.Background(), &CustomerRequest{Email: "Ada <a@example.com>"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Customers.Create")
	assert.Contains(t, err.Error(), "Email")
	assert.True(t, strings.Contains(err.Error(), "display name"), err.Error())
	_, _, err = env.client.Transactions.Create(context.Background(), &TransactionRequest{OrderID: "A", Status: "S"})
	assert.Contains(t, err.Error(), "must not be zero")
}
