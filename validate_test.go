package jetpackcrm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// Bad input, as a table over every exported function and method: nil
// options and contexts, empty strings, negative pages, invalid emails, zero
// totals, from after to, huge strings, invalid UTF-8, a nil *Client or a
// Client{} not made by NewClient. Each is refused with a *ValidationError
// before any I/O (the fake CRM behind the Client counts every request it
// receives) and nothing panics. validation_test.go checks the reasons in
// detail for the writes and lists; this table checks the whole surface.

// relNilCtx is a nil context.Context, passed where callers might pass one.
func relNilCtx() context.Context { return nil }

// relNoPanic runs f and fails the test if it panics.
func relNoPanic(t *testing.T, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	f()
}

// relDrain consumes a whole sequence without breaking, counting the items
// and collecting the errors.
func relDrain[T any](seq iter.Seq2[*T, error]) (n int, errs []error) {
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
		} else if v != nil {
			n++
		}
	}
	return n, errs
}

// relAllErr drains an All iterator that must yield exactly one error and
// no item, and returns that error.
func relAllErr[T any](seq iter.Seq2[*T, error]) error {
	n, errs := relDrain(seq)
	if n != 0 || len(errs) != 1 {
		return fmt.Errorf("the iterator yielded %d items and %d errors, want 0 and 1: %v", n, len(errs), errs)
	}
	return errs[0]
}

// relAssertValidation checks that err is a *ValidationError for op (when
// set) and field (when set), matching ErrInvalidInput.
func relAssertValidation(t *testing.T, err error, op, field string) {
	t.Helper()
	require.Error(t, err)
	var ve *jetpackcrm.ValidationError
	require.ErrorAs(t, err, &ve, "%T: %v", err, err)
	assert.ErrorIs(t, err, jetpackcrm.ErrInvalidInput)
	if op != "" {
		assert.Equal(t, op, ve.Op, "%v", err)
	}
	if field != "" {
		assert.Equal(t, field, ve.Field, "%v", err)
	}
	assert.NotEmpty(t, ve.Reason)
	relAssertNoSecret(t, err.Error(), fmt.Sprintf("%+v", err))
}

// Valid inputs that each case breaks in one way.
var (
	relFrom = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	relTo   = relFrom.Add(time.Hour)
)

func relCustomer(f func(*jetpackcrm.CustomerRequest)) *jetpackcrm.CustomerRequest {
	r := &jetpackcrm.CustomerRequest{Email: "ada@example.com", FirstName: "Ada"}
	f(r)
	return r
}

func relCompany(f func(*jetpackcrm.CompanyRequest)) *jetpackcrm.CompanyRequest {
	r := &jetpackcrm.CompanyRequest{Name: "Acme", Email: "hello@acme.example.com"}
	f(r)
	return r
}

func relTransaction(f func(*jetpackcrm.TransactionRequest)) *jetpackcrm.TransactionRequest {
	r := &jetpackcrm.TransactionRequest{OrderID: "ORD-1", Status: "Succeeded", Total: decimal.New(150, -2)}
	f(r)
	return r
}

func relEvent(f func(*jetpackcrm.EventRequest)) *jetpackcrm.EventRequest {
	r := &jetpackcrm.EventRequest{Title: "Call", From: relFrom, To: relTo}
	f(r)
	return r
}

func relNegPage() *jetpackcrm.ListOptions    { return &jetpackcrm.ListOptions{Page: -1} }
func relNegPerPage() *jetpackcrm.ListOptions { return &jetpackcrm.ListOptions{PerPage: -1} }

// Huge strings: past the limits of an email address.
var (
	relHugeEmail      = strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + ".com"
	relHugeLocalPart  = strings.Repeat("a", 65) + "@example.com"
	relHugeLabel      = "a@" + strings.Repeat("b", 64) + ".com"
	relHugeEmail1MiB  = strings.Repeat("a", 1<<20) + "@example.com"
	relInvalidUTF8    = "Zo\xeb"
	relBadEmails      = []string{"", " ", "bob", "a@b", "Ada <a@example.com>", "a@@example.com", "a@example..com", "a@-example.com", "é@example.com", "a@example.com\n", relHugeEmail, relHugeLocalPart, relHugeLabel, relHugeEmail1MiB, "a\xff@example.com"}
	relBadEmailFields = map[string]string{"Customers.Create": "Email", "Customers.Update": "email", "Customers.GetByEmail": "email", "Companies.Create": "Email", "Transactions.Create": "Email"}
)

type relBadCase struct {
	name, op, field string
	call            func(ctx context.Context, c *jetpackcrm.Client) error
}

// The makers of the bad-input calls: each returns a call of one method
// with the given input.
func relMakeCust(r *jetpackcrm.CustomerRequest) func(context.Context, *jetpackcrm.Client) error {
	return func(ctx context.Context, c *jetpackcrm.Client) error {
		_, _, err := c.Customers.Create(ctx, r)
		return err
	}
}

func relMakeUpdate(email string, r *jetpackcrm.CustomerRequest) func(context.Context, *jetpackcrm.Client) error {
	return func(ctx context.Context, c *jetpackcrm.Client) error {
		_, _, err := c.Customers.Update(ctx, email, r)
		return err
	}
}

func relMakeCompany(r *jetpackcrm.CompanyRequest) func(context.Context, *jetpackcrm.Client) error {
	return func(ctx context.Context, c *jetpackcrm.Client) error {
		_, _, err := c.Companies.Create(ctx, r)
		return err
	}
}

func relMakeTx(r *jetpackcrm.TransactionRequest) func(context.Context, *jetpackcrm.Client) error {
	return func(ctx context.Context, c *jetpackcrm.Client) error {
		_, _, err := c.Transactions.Create(ctx, r)
		return err
	}
}

func relMakeEvent(r *jetpackcrm.EventRequest) func(context.Context, *jetpackcrm.Client) error {
	return func(ctx context.Context, c *jetpackcrm.Client) error {
		_, _, err := c.Events.Create(ctx, r)
		return err
	}
}

func relMakeWebhook(action string, data any) func(context.Context, *jetpackcrm.Client) error {
	return func(ctx context.Context, c *jetpackcrm.Client) error {
		_, _, err := c.Webhooks.Send(ctx, action, data)
		return err
	}
}

func relMakeNewRequest(method, endpoint string, q, body any) func(context.Context, *jetpackcrm.Client) error {
	return func(ctx context.Context, c *jetpackcrm.Client) error {
		req, err := c.NewRequest(ctx, method, endpoint, q, body)
		if err == nil {
			return fmt.Errorf("NewRequest accepted it: %v", req.URL.Path)
		}
		return err
	}
}

func relMakeDo(build func(c *jetpackcrm.Client) *http.Request, v any) func(context.Context, *jetpackcrm.Client) error {
	return func(ctx context.Context, c *jetpackcrm.Client) error { _, err := c.Do(build(c), v); return err }
}

func relOKRequest(c *jetpackcrm.Client) *http.Request {
	req, err := c.NewRequest(context.Background(), http.MethodPost, "create_event", nil, map[string]string{"title": "x"})
	if err != nil {
		panic(err)
	}
	return req
}

func relMakeUpsertMany(reqs []*jetpackcrm.CustomerRequest, opts jetpackcrm.BulkOptions) func(context.Context, *jetpackcrm.Client) error {
	return func(ctx context.Context, c *jetpackcrm.Client) error {
		results, err := c.Customers.UpsertMany(ctx, reqs, opts)
		if err != nil {
			return err
		}
		// Refused one by one: each result carries the *ValidationError.
		var first error
		for _, r := range results {
			if r.Err == nil || !errors.Is(r.Err, jetpackcrm.ErrInvalidInput) || r.Outcome != jetpackcrm.BulkFailed {
				return fmt.Errorf("result %d: %v %v", r.Index, r.Outcome, r.Err)
			}
			if first == nil {
				first = r.Err
			}
		}
		return first
	}
}

// relList is a list call with the given options.
type relList func(ctx context.Context, c *jetpackcrm.Client, o *jetpackcrm.ListOptions) error

// relLists is every list method, by operation name.
func relLists() map[string]relList {
	return map[string]relList{
		"Customers.List": func(ctx context.Context, c *jetpackcrm.Client, o *jetpackcrm.ListOptions) error {
			_, _, err := c.Customers.List(ctx, &jetpackcrm.CustomerListOptions{ListOptions: *o})
			return err
		},
		"Customers.All": func(ctx context.Context, c *jetpackcrm.Client, o *jetpackcrm.ListOptions) error {
			return relAllErr(c.Customers.All(ctx, &jetpackcrm.CustomerListOptions{ListOptions: *o}))
		},
		"Customers.Search": func(ctx context.Context, c *jetpackcrm.Client, o *jetpackcrm.ListOptions) error {
			_, _, err := c.Customers.Search(ctx, "ada", o)
			return err
		},
		"Companies.List": func(ctx context.Context, c *jetpackcrm.Client, o *jetpackcrm.ListOptions) error {
			_, _, err := c.Companies.List(ctx, o)
			return err
		},
		"Companies.All": func(ctx context.Context, c *jetpackcrm.Client, o *jetpackcrm.ListOptions) error {
			return relAllErr(c.Companies.All(ctx, o))
		},
		"Companies.ListFiltered": func(ctx context.Context, c *jetpackcrm.Client, o *jetpackcrm.ListOptions) error {
			_, _, err := c.Companies.ListFiltered(ctx, &jetpackcrm.CompanyListOptions{ListOptions: *o, Search: "acme"})
			return err
		},
		"Companies.AllFiltered": func(ctx context.Context, c *jetpackcrm.Client, o *jetpackcrm.ListOptions) error {
			return relAllErr(c.Companies.AllFiltered(ctx, &jetpackcrm.CompanyListOptions{ListOptions: *o, Owner: 1}))
		},
		"Quotes.List": func(ctx context.Context, c *jetpackcrm.Client, o *jetpackcrm.ListOptions) error {
			_, _, err := c.Quotes.List(ctx, o)
			return err
		},
		"Quotes.All": func(ctx context.Context, c *jetpackcrm.Client, o *jetpackcrm.ListOptions) error {
			return relAllErr(c.Quotes.All(ctx, o))
		},
		"Invoices.List": func(ctx context.Context, c *jetpackcrm.Client, o *jetpackcrm.ListOptions) error {
			_, _, err := c.Invoices.List(ctx, o)
			return err
		},
		"Invoices.All": func(ctx context.Context, c *jetpackcrm.Client, o *jetpackcrm.ListOptions) error {
			return relAllErr(c.Invoices.All(ctx, o))
		},
		"Transactions.List": func(ctx context.Context, c *jetpackcrm.Client, o *jetpackcrm.ListOptions) error {
			_, _, err := c.Transactions.List(ctx, o)
			return err
		},
		"Transactions.All": func(ctx context.Context, c *jetpackcrm.Client, o *jetpackcrm.ListOptions) error {
			return relAllErr(c.Transactions.All(ctx, o))
		},
		"Events.List": func(ctx context.Context, c *jetpackcrm.Client, o *jetpackcrm.ListOptions) error {
			_, _, err := c.Events.List(ctx, &jetpackcrm.EventListOptions{ListOptions: *o})
			return err
		},
		"Events.All": func(ctx context.Context, c *jetpackcrm.Client, o *jetpackcrm.ListOptions) error {
			return relAllErr(c.Events.All(ctx, &jetpackcrm.EventListOptions{ListOptions: *o}))
		},
	}
}

// relBadWriteCases are bad input to the writes: Create, Update, GetByEmail, Webhooks.Send, UpsertMany.
func relBadWriteCases() []relBadCase {
	cust, update, company, tx, event, webhook, upsertMany := relMakeCust, relMakeUpdate, relMakeCompany, relMakeTx, relMakeEvent, relMakeWebhook, relMakeUpsertMany
	cases := []relBadCase{
		// Customers.Create / Update / GetByEmail
		{"nil request", "Customers.Create", "", cust(nil)},
		{"empty request", "Customers.Create", "Email", cust(&jetpackcrm.CustomerRequest{})},
		{"invalid UTF-8 name", "Customers.Create", "FirstName", cust(relCustomer(func(r *jetpackcrm.CustomerRequest) { r.FirstName = relInvalidUTF8 }))},
		{"invalid UTF-8 city", "Customers.Create", "Address.City", cust(relCustomer(func(r *jetpackcrm.CustomerRequest) { r.Address.City = relInvalidUTF8 }))},
		{"invalid UTF-8 tag", "Customers.Create", "", cust(relCustomer(func(r *jetpackcrm.CustomerRequest) { r.Tags = []string{"ok", relInvalidUTF8} }))},
		{"invalid UTF-8 custom field", "Customers.Create", "", cust(relCustomer(func(r *jetpackcrm.CustomerRequest) { r.CustomFields = map[string]string{"shoe": relInvalidUTF8} }))},
		{"custom field named like a built-in key", "Customers.Create", "", cust(relCustomer(func(r *jetpackcrm.CustomerRequest) { r.CustomFields = map[string]string{"email": "x"} }))},
		{"negative ID", "Customers.Create", "ID", cust(relCustomer(func(r *jetpackcrm.CustomerRequest) { r.ID = -1 }))},
		{"negative owner", "Customers.Create", "AssignTo", cust(relCustomer(func(r *jetpackcrm.CustomerRequest) { r.AssignTo = math.MinInt64 }))},
		{"nil changes", "Customers.Update", "", update("ada@example.com", nil)},
		{"invalid UTF-8 change", "Customers.Update", "LastName", update("ada@example.com", &jetpackcrm.CustomerRequest{LastName: "\xff"})},
		{"invalid new email", "Customers.Update", "Email", update("ada@example.com", &jetpackcrm.CustomerRequest{Email: "bob"})},
		// Companies
		{"nil request", "Companies.Create", "", company(nil)},
		{"empty request", "Companies.Create", "Name", company(&jetpackcrm.CompanyRequest{})},
		{"blank name", "Companies.Create", "Name", company(relCompany(func(r *jetpackcrm.CompanyRequest) { r.Name = " \t" }))},
		{"invalid UTF-8 name", "Companies.Create", "Name", company(relCompany(func(r *jetpackcrm.CompanyRequest) { r.Name = relInvalidUTF8 }))},
		// Transactions
		{"nil request", "Transactions.Create", "", tx(nil)},
		{"empty request", "Transactions.Create", "OrderID", tx(&jetpackcrm.TransactionRequest{})},
		{"zero total", "Transactions.Create", "Total", tx(relTransaction(func(r *jetpackcrm.TransactionRequest) { r.Total = decimal.Zero }))},
		{"zero total 0.000", "Transactions.Create", "Total", tx(relTransaction(func(r *jetpackcrm.TransactionRequest) { r.Total = decimal.New(0, -3) }))},
		{"empty status", "Transactions.Create", "Status", tx(relTransaction(func(r *jetpackcrm.TransactionRequest) { r.Status = "" }))},
		{"date before 1970", "Transactions.Create", "Date", tx(relTransaction(func(r *jetpackcrm.TransactionRequest) { r.Date = time.Unix(-1, 0) }))},
		{"negative company", "Transactions.Create", "CompanyID", tx(relTransaction(func(r *jetpackcrm.TransactionRequest) { r.CompanyID = -1 }))},
		{"invalid UTF-8 order ID", "Transactions.Create", "OrderID", tx(relTransaction(func(r *jetpackcrm.TransactionRequest) { r.OrderID = relInvalidUTF8 }))},
		// Events
		{"nil request", "Events.Create", "", event(nil)},
		{"empty request", "Events.Create", "Title", event(&jetpackcrm.EventRequest{})},
		{"from after to", "Events.Create", "From", event(relEvent(func(r *jetpackcrm.EventRequest) { r.From, r.To = relTo, relFrom }))},
		{"from one nanosecond after to", "Events.Create", "From", event(relEvent(func(r *jetpackcrm.EventRequest) { r.From = r.To.Add(time.Nanosecond) }))},
		{"no from", "Events.Create", "From", event(relEvent(func(r *jetpackcrm.EventRequest) { r.From = time.Time{} }))},
		{"no to", "Events.Create", "To", event(relEvent(func(r *jetpackcrm.EventRequest) { r.To = time.Time{} }))},
		{"negative ID", "Events.Create", "ID", event(relEvent(func(r *jetpackcrm.EventRequest) { r.ID = -5 }))},
		{"invalid UTF-8 title", "Events.Create", "Title", event(relEvent(func(r *jetpackcrm.EventRequest) { r.Title = relInvalidUTF8 }))},
		// Search and list filters
		{"invalid UTF-8 query", "Customers.Search", "query", func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Customers.Search(ctx, relInvalidUTF8, nil)
			return err
		}},
		{"invalid UTF-8 search", "Customers.List", "Search", func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Customers.List(ctx, &jetpackcrm.CustomerListOptions{Search: relInvalidUTF8})
			return err
		}},
		{"negative owner", "Customers.All", "Owner", func(ctx context.Context, c *jetpackcrm.Client) error {
			return relAllErr(c.Customers.All(ctx, &jetpackcrm.CustomerListOptions{Owner: -1}))
		}},
		{"negative owner", "Events.List", "Owner", func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Events.List(ctx, &jetpackcrm.EventListOptions{Owner: -1})
			return err
		}},
		// Webhooks
		{"empty action", "Webhooks.Send", "action", webhook("", nil)},
		{"invalid UTF-8 action", "Webhooks.Send", "action", webhook(relInvalidUTF8, nil)},
		{"data that is not JSON", "Webhooks.Send", "data", webhook("a", map[string]any{"ch": make(chan int)})},
		{"NaN data", "Webhooks.Send", "data", webhook("a", math.NaN())},
		// UpsertMany
		{"negative concurrency", "Customers.UpsertMany", "Concurrency", upsertMany([]*jetpackcrm.CustomerRequest{relCustomer(func(*jetpackcrm.CustomerRequest) {})}, jetpackcrm.BulkOptions{Concurrency: -1})},
		{"concurrency over the maximum", "Customers.UpsertMany", "Concurrency", upsertMany(nil, jetpackcrm.BulkOptions{Concurrency: jetpackcrm.MaxBulkConcurrency + 1})},
		{"nil entries", "Customers.UpsertMany", "requests[0]", upsertMany([]*jetpackcrm.CustomerRequest{nil, nil}, jetpackcrm.BulkOptions{})},
		{"invalid entries, merged", "Customers.UpsertMany", "Email", upsertMany([]*jetpackcrm.CustomerRequest{{Email: "bob"}, {Email: "a@b"}, relCustomer(func(r *jetpackcrm.CustomerRequest) { r.FirstName = "\xff" })}, jetpackcrm.BulkOptions{Merge: true})},
	}
	return cases
}

// relBadRequestCases are bad input to NewRequest, Do and CheckResponse.
func relBadRequestCases() []relBadCase {
	newRequest, do, okRequest := relMakeNewRequest, relMakeDo, relOKRequest
	cases := []relBadCase{
		// NewRequest
		{"empty method", "NewRequest", "method", newRequest("", "status", nil, nil)},
		{"method with a space", "NewRequest", "method", newRequest("GET /", "status", nil, nil)},
		{"empty endpoint", "NewRequest", "endpoint", newRequest("GET", "", nil, nil)},
		{"endpoint with a path", "NewRequest", "endpoint", newRequest("GET", "../wp-admin", nil, nil)},
		{"endpoint with a query", "NewRequest", "endpoint", newRequest("GET", "status?api_key=x", nil, nil)},
		{"invalid UTF-8 endpoint", "NewRequest", "endpoint", newRequest("GET", "st\xffatus", nil, nil)},
		{"huge endpoint", "NewRequest", "endpoint", newRequest("GET", strings.Repeat("a", 1<<20)+"/", nil, nil)},
		{"query that is not a struct", "NewRequest", "query", newRequest("GET", "status", 42, nil)},
		{"query map of ints", "NewRequest", "query", newRequest("GET", "status", map[string]int{"a": 1}, nil)},
		{"body that is not JSON", "NewRequest", "body", newRequest("POST", "customers", nil, func() {})},
		{"body with +Inf", "NewRequest", "body", newRequest("POST", "customers", nil, math.Inf(1))},
		{"body with an invalid request", "", "", newRequest("POST", "create_customer", nil, jetpackcrm.CustomerRequest{Email: "a@example.com", CustomFields: map[string]string{"fname": "x"}})},
		// Do and CheckResponse
		{"nil request", "Do", "req", do(func(*jetpackcrm.Client) *http.Request { return nil }, nil)},
		{"request without URL", "Do", "req", do(func(*jetpackcrm.Client) *http.Request { return &http.Request{Method: "GET"} }, nil)},
		{"request for another site", "Do", "req", do(func(*jetpackcrm.Client) *http.Request {
			req, _ := http.NewRequest(http.MethodGet, "https://attacker.example.com/zbs_api/status/", nil)
			return req
		}, nil)},
		{"request for another port", "Do", "req", do(func(c *jetpackcrm.Client) *http.Request {
			req := okRequest(c)
			req.URL.Host = "127.0.0.1:1"
			return req
		}, nil)},
		{"request over another scheme", "Do", "req", do(func(c *jetpackcrm.Client) *http.Request {
			req := okRequest(c)
			req.URL.Scheme = "https"
			return req
		}, nil)},
		{"decode target that is not a pointer", "Do", "v", do(okRequest, []map[string]any{})},
		{"nil pointer decode target", "Do", "v", do(okRequest, (*[]map[string]any)(nil))},
		{"nil response", "CheckResponse", "r", func(context.Context, *jetpackcrm.Client) error { return jetpackcrm.CheckResponse(nil) }},
	}
	return cases
}

// relBadEmailCases are every invalid email, for every method that takes one.
func relBadEmailCases() []relBadCase {
	cust, update, company, tx, upsertMany := relMakeCust, relMakeUpdate, relMakeCompany, relMakeTx, relMakeUpsertMany
	var cases []relBadCase
	// Every invalid email, for every method that takes one.
	for _, e := range relBadEmails {
		name := fmt.Sprintf("email %.20q", e)
		cases = append(cases,
			relBadCase{name, "Customers.Create", relBadEmailFields["Customers.Create"], cust(relCustomer(func(r *jetpackcrm.CustomerRequest) { r.Email = e }))},
			relBadCase{name, "Customers.Update", relBadEmailFields["Customers.Update"], update(e, &jetpackcrm.CustomerRequest{FirstName: "Ada"})},
			relBadCase{name, "Customers.GetByEmail", relBadEmailFields["Customers.GetByEmail"], func(ctx context.Context, c *jetpackcrm.Client) error {
				_, _, err := c.Customers.GetByEmail(ctx, e)
				return err
			}},
			relBadCase{name, "Companies.Create", relBadEmailFields["Companies.Create"], company(relCompany(func(r *jetpackcrm.CompanyRequest) { r.Email = e }))},
			relBadCase{"UpsertMany " + name, "Customers.UpsertMany", relBadEmailFields["Customers.Create"], upsertMany([]*jetpackcrm.CustomerRequest{{Email: e}}, jetpackcrm.BulkOptions{})},
		)
		if strings.TrimSpace(e) != "" { // a transaction without email links nobody
			cases = append(cases, relBadCase{name, "Transactions.Create", relBadEmailFields["Transactions.Create"], tx(relTransaction(func(r *jetpackcrm.TransactionRequest) { r.Email = e }))})
		}
	}
	return cases
}

// relBadListCases are negative pages and page sizes for every list, and
// the filters a list cannot take.
func relBadListCases() []relBadCase {
	var cases []relBadCase
	lists := relLists()
	// Negative pages and page sizes, for every list.
	for op, l := range lists {
		cases = append(cases,
			relBadCase{"negative page", op, "Page", func(ctx context.Context, c *jetpackcrm.Client) error { return l(ctx, c, relNegPage()) }},
			relBadCase{"negative per page", op, "PerPage", func(ctx context.Context, c *jetpackcrm.Client) error { return l(ctx, c, relNegPerPage()) }},
			relBadCase{"minimum int page", op, "Page", func(ctx context.Context, c *jetpackcrm.Client) error {
				return l(ctx, c, &jetpackcrm.ListOptions{Page: math.MinInt})
			}},
			relBadCase{"unknown order", op, "Order", func(ctx context.Context, c *jetpackcrm.Client) error {
				return l(ctx, c, &jetpackcrm.ListOptions{Order: "asc"})
			}},
		)
	}
	// Filters a company list cannot take, on any release.
	cases = append(cases,
		relBadCase{"negative owner", "Companies.ListFiltered", "Owner", func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Companies.ListFiltered(ctx, &jetpackcrm.CompanyListOptions{Owner: -1})
			return err
		}},
		relBadCase{"invalid UTF-8 search", "Companies.AllFiltered", "Search", func(ctx context.Context, c *jetpackcrm.Client) error {
			return relAllErr(c.Companies.AllFiltered(ctx, &jetpackcrm.CompanyListOptions{Search: relInvalidUTF8}))
		}},
		// No release lists contacts newest first: decided without asking.
		relBadCase{"descending contacts", "Customers.List", "Order", func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Customers.List(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{Order: jetpackcrm.Descending}})
			return err
		}},
	)
	return cases
}

// relBadCases is every way to call a method of a valid Client with input
// it must refuse before sending anything.
func relBadCases() []relBadCase {
	cases := relBadWriteCases()
	cases = append(cases, relBadRequestCases()...)
	cases = append(cases, relBadEmailCases()...)
	return append(cases, relBadListCases()...)
}

// relGoodCalls is one valid call of every method that takes a context:
// with a nil context, a nil *Client or a Client{}, each must be refused.
func relGoodCalls() map[string]func(ctx context.Context, c *jetpackcrm.Client) error {
	return map[string]func(ctx context.Context, c *jetpackcrm.Client) error{
		"Status":     func(ctx context.Context, c *jetpackcrm.Client) error { _, _, err := c.Status(ctx); return err },
		"StatusFull": func(ctx context.Context, c *jetpackcrm.Client) error { _, _, err := c.StatusFull(ctx); return err },
		"Features":   func(ctx context.Context, c *jetpackcrm.Client) error { _, err := c.Features(ctx); return err },
		"NewRequest": func(ctx context.Context, c *jetpackcrm.Client) error {
			_, err := c.NewRequest(ctx, http.MethodGet, "status", url.Values{"full": {"1"}}, nil)
			return err
		},
		"Customers.Create": func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Customers.Create(ctx, relCustomer(func(*jetpackcrm.CustomerRequest) {}))
			return err
		},
		"Customers.Update": func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Customers.Update(ctx, "ada@example.com", &jetpackcrm.CustomerRequest{LastName: "L"})
			return err
		},
		"Customers.List": func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Customers.List(ctx, nil)
			return err
		},
		"Customers.Search": func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Customers.Search(ctx, "", nil)
			return err
		},
		"Customers.GetByEmail": func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Customers.GetByEmail(ctx, "ada@example.com")
			return err
		},
		"Customers.All": func(ctx context.Context, c *jetpackcrm.Client) error { return relAllErr(c.Customers.All(ctx, nil)) },
		"Customers.UpsertMany": func(ctx context.Context, c *jetpackcrm.Client) error {
			_, err := c.Customers.UpsertMany(ctx, []*jetpackcrm.CustomerRequest{relCustomer(func(*jetpackcrm.CustomerRequest) {})}, jetpackcrm.BulkOptions{})
			return err
		},
		"Companies.Create": func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Companies.Create(ctx, relCompany(func(*jetpackcrm.CompanyRequest) {}))
			return err
		},
		"Companies.List": func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Companies.List(ctx, nil)
			return err
		},
		"Companies.All": func(ctx context.Context, c *jetpackcrm.Client) error { return relAllErr(c.Companies.All(ctx, nil)) },
		"Companies.ListFiltered": func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Companies.ListFiltered(ctx, nil)
			return err
		},
		"Companies.AllFiltered": func(ctx context.Context, c *jetpackcrm.Client) error {
			return relAllErr(c.Companies.AllFiltered(ctx, nil))
		},
		"Quotes.List": func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Quotes.List(ctx, nil)
			return err
		},
		"Quotes.All": func(ctx context.Context, c *jetpackcrm.Client) error { return relAllErr(c.Quotes.All(ctx, nil)) },
		"Invoices.List": func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Invoices.List(ctx, nil)
			return err
		},
		"Invoices.All": func(ctx context.Context, c *jetpackcrm.Client) error { return relAllErr(c.Invoices.All(ctx, nil)) },
		"Transactions.Create": func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Transactions.Create(ctx, relTransaction(func(*jetpackcrm.TransactionRequest) {}))
			return err
		},
		"Transactions.List": func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Transactions.List(ctx, nil)
			return err
		},
		"Transactions.All": func(ctx context.Context, c *jetpackcrm.Client) error { return relAllErr(c.Transactions.All(ctx, nil)) },
		"Events.Create": func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Events.Create(ctx, relEvent(func(*jetpackcrm.EventRequest) {}))
			return err
		},
		"Events.List": func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Events.List(ctx, nil)
			return err
		},
		"Events.All": func(ctx context.Context, c *jetpackcrm.Client) error { return relAllErr(c.Events.All(ctx, nil)) },
		"Webhooks.Send": func(ctx context.Context, c *jetpackcrm.Client) error {
			_, _, err := c.Webhooks.Send(ctx, "ping", nil)
			return err
		},
	}
}

// relBadInputServer is the fake CRM and a Client for it (setupFake); at
// cleanup it checks that the server received nothing.
func relBadInputServer(t *testing.T) (*jetpackcrmtest.Server, *jetpackcrm.Client) {
	t.Helper()
	env := setupFake(t, nil)
	t.Cleanup(func() {
		assert.Zero(t, env.srv.RequestCount(), "requests reached the server: %+v", env.srv.Requests())
	})
	return env.srv, env.client
}

// Every method refuses bad input with a *ValidationError, sends nothing,
// and does not panic.
func TestBadInputIsRefusedBeforeAnyIO(t *testing.T) {
	t.Parallel()
	cases := relBadCases()
	for _, tc := range cases {
		t.Run(tc.op+"/"+tc.name, func(t *testing.T) {
			t.Parallel()
			_, c := relBadInputServer(t)
			var err error
			relNoPanic(t, func() { err = tc.call(context.Background(), c) })
			relAssertValidation(t, err, tc.op, tc.field)
		})
	}
	t.Logf("%d bad inputs refused before any I/O", len(cases))
}

// A nil context is refused by every method that takes one.
func TestBadInputNilContext(t *testing.T) {
	t.Parallel()
	for name, call := range relGoodCalls() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, c := relBadInputServer(t)
			var err error
			relNoPanic(t, func() { err = call(relNilCtx(), c) })
			relAssertValidation(t, err, "", "ctx")
		})
	}
}

// A nil *Client, a Client{} not made by NewClient, and nil services are
// never dereferenced: every method returns a *ValidationError naming the
// Client, and String, Format and CloseIdleConnections work.
func TestBadInputClientNotMadeByNewClient(t *testing.T) {
	t.Parallel()
	clients := map[string]*jetpackcrm.Client{"nil *Client": nil, "Client{}": {}}
	for cname, c := range clients {
		for name, call := range relGoodCalls() {
			if c == nil && strings.Contains(name, ".") {
				// c.Customers on a nil *Client dereferences it in the
				// caller's code, before the SDK runs: Go cannot help.
				continue
			}
			t.Run(cname+"/"+name, func(t *testing.T) {
				t.Parallel()
				var err error
				relNoPanic(t, func() { err = call(context.Background(), c) })
				relAssertValidation(t, err, "", "Client")
			})
		}
		t.Run(cname+"/Do, String, Format, CloseIdleConnections", func(t *testing.T) {
			t.Parallel()
			relNoPanic(t, func() {
				req, _ := http.NewRequest(http.MethodGet, "https://crm.example.com/zbs_api/status/", nil)
				_, err := c.Do(req, nil)
				relAssertValidation(t, err, "Do", "Client")
				assert.Contains(t, c.String(), "not made by NewClient")
				assert.Contains(t, fmt.Sprintf("%+v", c), "jetpackcrm.Client")
				c.CloseIdleConnections()
			})
		})
	}
	t.Run("nil services", func(t *testing.T) {
		t.Parallel()
		relNoPanic(t, func() {
			var cs *jetpackcrm.CustomersService
			_, _, err := cs.Create(context.Background(), relCustomer(func(*jetpackcrm.CustomerRequest) {}))
			relAssertValidation(t, err, "", "Client")
			_, err = cs.UpsertMany(context.Background(), nil, jetpackcrm.BulkOptions{})
			relAssertValidation(t, err, "Customers.UpsertMany", "Client")
			_, _, err = (&jetpackcrm.EventsService{}).List(context.Background(), nil)
			relAssertValidation(t, err, "", "Client")
			_, _, err = (*jetpackcrm.WebhooksService)(nil).Send(context.Background(), "a", nil)
			relAssertValidation(t, err, "", "Client")
		})
	})
}

// NewClient and every option refuse bad values with a *ValidationError
// naming NewClient, and never show the credentials.
func TestBadInputNewClientAndOptions(t *testing.T) {
	t.Parallel()
	site := "https://crm.example.com"
	tests := []struct {
		name, site, key, secret string
		opts                    []jetpackcrm.Option
	}{
		{"empty key", site, "", relSecret, nil},
		{"empty secret", site, relKey, "", nil},
		{"blank key", site, " \t", relSecret, nil},
		{"secret with a line break", site, relKey, relSecret + "\n", nil},
		{"empty URL", "", relKey, relSecret, nil},
		{"URL without scheme", "crm.example.com", relKey, relSecret, nil},
		{"ftp URL", "ftp://crm.example.com", relKey, relSecret, nil},
		{"plain http to a remote host", "http://crm.example.com", relKey, relSecret, nil},
		{"URL with user info", "https://u:p@crm.example.com", relKey, relSecret, nil},
		{"URL with the credentials in its query", site + "/?api_key=" + url.QueryEscape(relKey) + "&api_secret=" + url.QueryEscape(relSecret), relKey, relSecret, nil},
		{"URL with a fragment", site + "/#x", relKey, relSecret, nil},
		{"URL without host", "https:///wp", relKey, relSecret, nil},
		{"unparsable URL", "https://crm example.com/%zz", relKey, relSecret, nil},
		{"invalid UTF-8 URL", "https://crm.example.com\xff/", relKey, relSecret, nil},
		{"huge URL", "crm.example.com/" + strings.Repeat("a", 1<<20), relKey, relSecret, nil},
		{"nil option", site, relKey, relSecret, []jetpackcrm.Option{nil}},
		{"WithHTTPClient(nil)", site, relKey, relSecret, []jetpackcrm.Option{jetpackcrm.WithHTTPClient(nil)}},
		{"WithUserAgent empty", site, relKey, relSecret, []jetpackcrm.Option{jetpackcrm.WithUserAgent("")}},
		{"WithUserAgent with a line break", site, relKey, relSecret, []jetpackcrm.Option{jetpackcrm.WithUserAgent("a\r\nX-Evil: 1")}},
		{"WithRetryPolicy negative retries", site, relKey, relSecret, []jetpackcrm.Option{jetpackcrm.WithRetryPolicy(jetpackcrm.RetryPolicy{MaxRetries: -1})}},
		{"WithRetryPolicy negative wait", site, relKey, relSecret, []jetpackcrm.Option{jetpackcrm.WithRetryPolicy(jetpackcrm.RetryPolicy{WaitMin: -time.Second})}},
		{"WithRetryPolicy WaitMax below WaitMin", site, relKey, relSecret, []jetpackcrm.Option{jetpackcrm.WithRetryPolicy(jetpackcrm.RetryPolicy{WaitMin: time.Second, WaitMax: time.Millisecond})}},
		{"WithRetryPolicy negative MaxElapsed", site, relKey, relSecret, []jetpackcrm.Option{jetpackcrm.WithRetryPolicy(jetpackcrm.RetryPolicy{MaxElapsed: -1})}},
		{"WithLogger(nil)", site, relKey, relSecret, []jetpackcrm.Option{jetpackcrm.WithLogger(nil)}},
		{"WithRateLimit zero", site, relKey, relSecret, []jetpackcrm.Option{jetpackcrm.WithRateLimit(0, 1)}},
		{"WithRateLimit negative", site, relKey, relSecret, []jetpackcrm.Option{jetpackcrm.WithRateLimit(-1, 1)}},
		{"WithRateLimit NaN", site, relKey, relSecret, []jetpackcrm.Option{jetpackcrm.WithRateLimit(math.NaN(), 1)}},
		{"WithRateLimit +Inf", site, relKey, relSecret, []jetpackcrm.Option{jetpackcrm.WithRateLimit(math.Inf(1), 1)}},
		{"WithRateLimit zero burst", site, relKey, relSecret, []jetpackcrm.Option{jetpackcrm.WithRateLimit(1, 0)}},
		{"WithMaxResponseBytes zero", site, relKey, relSecret, []jetpackcrm.Option{jetpackcrm.WithMaxResponseBytes(0)}},
		{"WithMaxResponseBytes negative", site, relKey, relSecret, []jetpackcrm.Option{jetpackcrm.WithMaxResponseBytes(math.MinInt64)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var c *jetpackcrm.Client
			var err error
			relNoPanic(t, func() { c, err = jetpackcrm.NewClient(tt.site, tt.key, tt.secret, tt.opts...) })
			assert.Nil(t, c)
			relAssertValidation(t, err, "NewClient", "")
		})
	}
}

// Values built by hand (as fakes of the service interfaces do) and zero
// values of every exported type print and compare without panicking.
func TestBadInputZeroValuesOfExportedTypes(t *testing.T) {
	t.Parallel()
	relNoPanic(t, func() {
		rl := &jetpackcrm.RateLimitError{RetryAfter: time.Second}
		assert.Contains(t, rl.Error(), "rate limited")
		assert.ErrorIs(t, rl, jetpackcrm.ErrRateLimited)
		var ae *jetpackcrm.APIError
		assert.False(t, errors.As(rl, &ae), "no *APIError inside")
		rl503 := &jetpackcrm.RateLimitError{APIError: &jetpackcrm.APIError{StatusCode: 503}, RetryAfter: time.Second}
		assert.ErrorIs(t, rl503, jetpackcrm.ErrRateLimited, "a 503 with Retry-After is a rate limit too")
		assert.ErrorIs(t, rl503, jetpackcrm.ErrUnavailable)
		for _, err := range []error{&jetpackcrm.APIError{}, &jetpackcrm.RateLimitError{}, &jetpackcrm.ValidationError{}, &jetpackcrm.DecodeError{}, &jetpackcrm.RequestError{}} {
			assert.NotEmpty(t, err.Error())
			_ = fmt.Sprintf("%+v %#v", err, err)
			for _, target := range []error{jetpackcrm.ErrNotFound, jetpackcrm.ErrServer, jetpackcrm.ErrRejected, jetpackcrm.ErrInvalidInput, context.Canceled} {
				_ = errors.Is(err, target)
			}
		}
		assert.Equal(t, "failed", jetpackcrm.BulkOutcome(-7).String())
		assert.True(t, jetpackcrm.Address{}.IsZero())
		for _, v := range []any{jetpackcrm.Customer{}, jetpackcrm.Company{}, jetpackcrm.Transaction{}, jetpackcrm.Event{}, jetpackcrm.Quote{},
			jetpackcrm.Invoice{}, jetpackcrm.Status{}, jetpackcrm.WebhookResult{}, jetpackcrm.Tag{}, jetpackcrm.Reminder{}, jetpackcrm.LineItem{},
			jetpackcrm.Extension{}, jetpackcrm.CustomerRequest{}, jetpackcrm.CompanyRequest{}, jetpackcrm.TransactionRequest{}, jetpackcrm.EventRequest{},
			jetpackcrm.BulkResult{}, jetpackcrm.Response{}, jetpackcrm.RetryPolicy{}, jetpackcrm.ListOptions{}} {
			_ = fmt.Sprintf("%+v %#v", v, v)
			_, _ = json.Marshal(v)
		}
	})
}

// Every decoder refuses bytes that are not what it expects, without
// panicking: empty, truncated, invalid UTF-8, huge numbers, deep nesting.
func TestBadInputDecoders(t *testing.T) {
	t.Parallel()
	inputs := []string{"", " ", "{", "[", "}", `{"id":`, `{"id":"1"`, "\xff", `{"id":"\xff"}`, `{"id":1e999}`, `{"id":"99999999999999999999"}`,
		`{"date":"-99999999999999999999"}`, `{"total":"1e99999"}`, `{"contact":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "}",
		strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000), `{"id":true}`, `{"tags":{"a":1}}`, `{"success":"maybe"}`, `null`, `[]`, `"x"`}
	decoders := map[string]func() json.Unmarshaler{
		"Customer": func() json.Unmarshaler { return new(jetpackcrm.Customer) }, "Company": func() json.Unmarshaler { return new(jetpackcrm.Company) },
		"Transaction": func() json.Unmarshaler { return new(jetpackcrm.Transaction) }, "Event": func() json.Unmarshaler { return new(jetpackcrm.Event) },
		"Quote": func() json.Unmarshaler { return new(jetpackcrm.Quote) }, "Invoice": func() json.Unmarshaler { return new(jetpackcrm.Invoice) },
		"Status": func() json.Unmarshaler { return new(jetpackcrm.Status) }, "WebhookResult": func() json.Unmarshaler { return new(jetpackcrm.WebhookResult) },
		"Tag": func() json.Unmarshaler { return new(jetpackcrm.Tag) }, "Reminder": func() json.Unmarshaler { return new(jetpackcrm.Reminder) },
		"LineItem": func() json.Unmarshaler { return new(jetpackcrm.LineItem) }, "Extension": func() json.Unmarshaler { return new(jetpackcrm.Extension) },
	}
	for name, mk := range decoders {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, in := range inputs {
				relNoPanic(t, func() {
					err := mk().UnmarshalJSON([]byte(in))
					if !json.Valid([]byte(in)) {
						assert.Error(t, err, "%.40q", in)
					}
				})
			}
		})
	}
	relNoPanic(t, func() {
		for _, in := range inputs {
			resp := &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(in)), Header: http.Header{}}
			_ = jetpackcrm.CheckResponse(resp)
		}
		_ = jetpackcrm.CheckResponse(&http.Response{})
		_ = jetpackcrm.CheckResponse(&http.Response{StatusCode: 500, Request: &http.Request{}})
	})
}

// Input that is unusual but valid is accepted without panicking, and edge
// values get a clear outcome: nil options mean defaults, an empty search
// lists everything, page 0 is page 1, a text longer than its field holds is
// refused before sending (the CRM would cut it) while one at the limit is
// stored whole, and a huge text in a field without a limit is sent (the
// server bounds it: a body over its 8 MiB post_max_size is dropped and the
// create is refused).
func TestBadInputEdgeValuesAreAccepted(t *testing.T) {
	t.Parallel()
	env := setupFake(t, nil)
	srv, c := env.srv, env.client
	srv.SeedContacts(3)
	ctx := context.Background()
	relNoPanic(t, func() {
		for name, call := range relGoodCalls() {
			err := call(ctx, c)
			switch {
			case strings.HasSuffix(name, ".All"), strings.HasSuffix(name, ".AllFiltered"):
				// relAllErr wants an error: a healthy walk yields none.
				assert.ErrorContains(t, err, "0 errors", name)
			case name == "Customers.Update" || name == "Customers.GetByEmail":
				// Run before Customers.Create in map order, or after it.
				if err != nil {
					assert.ErrorIs(t, err, jetpackcrm.ErrNotFound, name)
				}
			case name == "Webhooks.Send":
				assert.ErrorIs(t, err, jetpackcrm.ErrBadRequest, "no webhook registered")
			default:
				assert.NoError(t, err, name)
			}
		}
		all, _, err := c.Customers.Search(ctx, "", &jetpackcrm.ListOptions{})
		require.NoError(t, err)
		assert.NotEmpty(t, all)
		page0, _, err := c.Customers.List(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{Page: 0, PerPage: math.MaxInt32}})
		require.NoError(t, err)
		assert.NotEmpty(t, page0)
		res, err := c.Customers.UpsertMany(ctx, nil, jetpackcrm.BulkOptions{})
		require.NoError(t, err)
		assert.Empty(t, res)

		// 1 MiB of valid UTF-8 as a first name. The CRM keeps 100 bytes: it
		// would cut it to 97 bytes plus "..." (and fail the write, the cut
		// splitting an "é"). Refused before sending, with the reason.
		big := "a" + strings.Repeat("é", 1<<19-1) + "a"
		sent := srv.RequestCount()
		_, _, err = c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: "big@example.com", FirstName: big})
		var ve *jetpackcrm.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "FirstName", ve.Field)
		assert.Contains(t, ve.Reason, "at most 100 bytes")
		assert.Equal(t, sent, srv.RequestCount(), "nothing sent")
		_, ok := srv.ContactByEmail("big@example.com")
		assert.False(t, ok)
		// 100 bytes, ending with a 2-byte character: stored whole.
		edge := strings.Repeat("a", 98) + "é"
		created, _, err := c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: "edge@example.com", FirstName: edge})
		require.NoError(t, err)
		assert.Equal(t, edge, created.FirstName)
		stored, ok := srv.ContactByEmail("edge@example.com")
		require.True(t, ok)
		assert.Equal(t, edge, stored.FirstName)

		// Task notes have no limit of their own (a LONGTEXT column).
		huge := strings.Repeat("x", 9<<20) // over the server's 8 MiB post_max_size
		now := time.Now()
		_, _, err = c.Events.Create(ctx, &jetpackcrm.EventRequest{Title: "huge", From: now, To: now.Add(time.Hour), Notes: huge})
		assert.ErrorIs(t, err, jetpackcrm.ErrRejected, "the server dropped the body and stored nothing")
		events, _, err := c.Events.List(ctx, nil)
		require.NoError(t, err)
		for _, e := range events {
			assert.NotEqual(t, "huge", e.Title)
		}
	})
}
