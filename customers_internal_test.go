package jetpackcrm

import (
	"context"
	"encoding/json"
	"io"
	"iter"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm/internal/recorded"
)

// Reusable expectations for the recorded error answers.
var (
	want405 = wantAPIError{is: ErrMethodNotAllowed, status: 405, apiStatus: "Method not allowed",
		message: "Please ensure you are using the proper method"}
	want500JSON = wantAPIError{is: ErrInternal, status: 500, code: "internal_server_error",
		message: "There has been a critical error on this website."}
	wantEmpty = wantAPIError{is: ErrRejected, status: 200, code: "empty",
		message: "the CRM answered with an empty body and stored nothing"}
)

// ---------------------------------------------------------------------------
// create_customer

func TestCustomersCreateDecodesRecordedReplies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		capture int
		req     *CustomerRequest
		check   func(t *testing.T, c *Customer)
	}{
		{26, &CustomerRequest{Email: "ada.lovelace@example.com", Status: "Lead", Prefix: "Ms", FirstName: "Ada", LastName: "Lovelace",
			Address:   Address{Line1: "12 St James Square", Line2: "Flat 3", City: "London", County: "Greater London", Postcode: "SW1Y 4JH", Country: "United Kingdom"},
			HomePhone: "+44 20 7946 0000", WorkPhone: "020 7946 0001", MobilePhone: "07700 900123", Tags: []string{"vip", "api"}},
			func(t *testing.T, c *Customer) {
				assert.Equal(t, int64(1), c.ID)
				assert.Equal(t, "ada.lovelace@example.com", c.Email)
				assert.Equal(t, "Lead", c.Status)
				assert.Equal(t, "Ms", c.Prefix)
				assert.Equal(t, "Lovelace", c.LastName)
				assert.Equal(t, Address{Line1: "12 St James Square", Line2: "Flat 3", City: "London", County: "Greater London", Postcode: "SW1Y 4JH", Country: "United Kingdom"}, c.Address)
				assert.Equal(t, "+44 20 7946 0000", c.HomePhone)
				assert.Equal(t, "020 7946 0001", c.WorkPhone)
				assert.Equal(t, "07700 900123", c.MobilePhone)
				assert.Equal(t, []string{"vip", "api", "<b>bold</b>"}, tagNames(c.Tags), "the echo holds the names sent")
			}},
		{27, &CustomerRequest{Email: "grace.hopper@example.com", FirstName: "Grace", LastName: "Hopper", Status: "Customer", Address: Address{City: "Arlington", Country: "US"}},
			func(t *testing.T, c *Customer) {
				assert.Equal(t, int64(2), c.ID)
				assert.Equal(t, "Customer", c.Status)
				assert.Equal(t, Address{City: "Arlington", Country: "US"}, c.Address)
			}},
		{28, &CustomerRequest{Email: "linus@example.com"},
			func(t *testing.T, c *Customer) {
				assert.Equal(t, int64(3), c.ID)
				assert.Equal(t, "linus@example.com", c.Email)
				assert.Empty(t, c.Status, "an echo, not the stored record")
			}},
		{38, &CustomerRequest{Email: "zoe@example.com", FirstName: "Zoë", LastName: "Ångström 李", Address: Address{City: "Zürich"}},
			func(t *testing.T, c *Customer) {
				assert.Equal(t, int64(6), c.ID)
				assert.Equal(t, "Zoë", c.FirstName, `"\u00eb" decoded`)
				assert.Equal(t, "Ångström 李", c.LastName)
				assert.Equal(t, "Zürich", c.Address.City)
			}},
		{50, &CustomerRequest{Email: "owned@example.com", FirstName: "Owned", AssignTo: 1},
			func(t *testing.T, c *Customer) {
				assert.Equal(t, int64(9), c.ID)
				assert.Nil(t, c.CustomFields, "assign is a request key, not a custom field")
			}},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.capture), func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			w := serveWire(env, http.MethodPost, "create_customer", replay(t, tt.capture))
			c, resp, err := env.client.Customers.Create(context.Background(), tt.req)
			require.NoError(t, err)
			require.NotNil(t, resp)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, 1, resp.Attempts)
			tt.check(t, c)
			w.single(t)
		})
	}
}

func TestCustomersCreateRequestEncoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  *CustomerRequest
		body string
	}{
		{
			// The blank tag and the HTML one are refused (the site drops one
			// and stores the other as "bold").
			name: "the recorded request of capture 26, but without the blank tag and the HTML one",
			req: &CustomerRequest{Email: "ada.lovelace@example.com", Status: "Lead", Prefix: "Ms", FirstName: "Ada", LastName: "Lovelace",
				Address:   Address{Line1: "12 St James Square", Line2: "Flat 3", City: "London", County: "Greater London", Postcode: "SW1Y 4JH", Country: "United Kingdom"},
				HomePhone: "+44 20 7946 0000", WorkPhone: "020 7946 0001", MobilePhone: "07700 900123", Tags: []string{"vip", "api"}},
			body: strings.Replace(recordedRequestBody(t, 26), `"api","  ","<b>bold</b>"`, `"api"`, 1),
		},
		{
			name: "only the email: nothing empty is sent",
			req:  &CustomerRequest{Email: "linus@example.com", LastName: "", Tags: []string{}, CustomFields: map[string]string{}},
			body: recordedRequestBody(t, 28),
		},
		{
			name: "wire names, secondary address, owner, sticky status and custom fields at top level",
			req: &CustomerRequest{ID: 7, Email: "bob@example.com", Status: "Customer", ForceStatus: true,
				SecondaryAddress: Address{Line1: "PO Box 1", City: "Leeds", Postcode: "LS1 1AA"},
				Twitter:          "bob", LinkedIn: "in/bob", Facebook: "bob.fb", Avatar: "https://example.com/a.png",
				AssignTo: 3, CustomFields: map[string]string{"custom-field": "bacon", "shoe_size": "44"}},
			body: `{"id":7,"email":"bob@example.com","status":"Customer","sticky":"1",
				"secaddr_addr1":"PO Box 1","secaddr_city":"Leeds","secaddr_postcode":"LS1 1AA",
				"tw":"bob","li":"in/bob","fb":"bob.fb","avatar":"https://example.com/a.png",
				"assign":3,"custom-field":"bacon","shoe_size":"44"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			w := serveWire(env, http.MethodPost, "create_customer", jsonResponder(200, `{"email":"x@example.com","id":1}`))
			_, _, err := env.client.Customers.Create(context.Background(), tt.req)
			require.NoError(t, err)
			assertWire(t, w.single(t), http.MethodPost, "create_customer", nil, tt.body)
		})
	}
}

func TestCustomersCreateRecordedRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		capture int
		want    wantAPIError
	}{
		{30, wantAPIError{is: ErrRejected, status: 200, code: "100"}},                                // existing id without email
		{39, wantAPIError{is: ErrRejected, status: 200, code: "1"}},                                  // missing email
		{40, wantAPIError{is: ErrRejected, status: 200, code: "1"}},                                  // invalid email
		{41, wantAPIError{is: ErrRejected, status: 200, code: "1"}},                                  // nonexistent id
		{42, wantAPIError{is: ErrRejected, status: 200, code: "1"}},                                  // non-numeric id
		{43, wantAPIError{is: ErrRejected, status: 200, code: "true", message: "Invalid JSON data"}}, // malformed JSON
		{44, wantAPIError{is: ErrRejected, status: 200, code: "true", message: "Invalid JSON data"}}, // empty body
		{45, wantAPIError{is: ErrRejected, status: 200, code: "1"}},                                  // JSON array body
		{46, wantAPIError{is: ErrRejected, status: 200, code: "true", message: "Invalid JSON data"}}, // JSON string body
		{49, wantAPIError{is: ErrRejected, status: 200, code: "true", message: "Invalid JSON data"}}, // form-encoded
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.capture), func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			w := serveWire(env, http.MethodPost, "create_customer", replay(t, tt.capture))
			c, resp, err := env.client.Customers.Create(context.Background(), &CustomerRequest{Email: "ada@example.com"})
			assert.Nil(t, c)
			require.NotNil(t, resp, "the HTTP answer is returned with the error")
			assertAPIError(t, err, http.MethodPost, "create_customer", tt.want)
			assert.Len(t, w.requests(), 1, "a refusal is not retried")
		})
	}
}

func TestCustomersCreateRetriedOn500(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t)
		w := serveWire(env, http.MethodPost, "create_customer", replay(t, 110).Then(replay(t, 110)).Then(replay(t, 28)))
		c, resp, err := env.client.Customers.Create(context.Background(), &CustomerRequest{Email: "linus@example.com"})
		require.NoError(t, err, "an upsert keyed by email is safe to repeat")
		assert.Equal(t, 3, resp.Attempts)
		assert.Equal(t, int64(3), c.ID)
		reqs := w.requests()
		require.Len(t, reqs, 3)
		assert.Equal(t, reqs[0].Body, reqs[2].Body, "the same body every time")
	})
}

// ---------------------------------------------------------------------------
// customers

func TestCustomersListDecodesRecordedPages(t *testing.T) {
	t.Parallel()
	t.Run("61: tags, invoices, quotes, transactions requested", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		serveWire(env, http.MethodPost, "customers", replay(t, 61))
		list, resp, err := env.client.Customers.List(context.Background(), &CustomerListOptions{WithTags: true, WithInvoices: true, WithQuotes: true, WithTransactions: true})
		require.NoError(t, err)
		require.Len(t, list, 3)
		ada := list[0]
		assert.Equal(t, int64(1), ada.ID, `"id":"1"`)
		assert.Equal(t, "ada.lovelace@example.com", ada.Email)
		assert.Equal(t, "Augusta Ada", ada.FirstName)
		assert.Equal(t, "Marylebone", ada.Address.City)
		assert.Equal(t, int64(0), ada.Owner, `"owner":"-1"`)
		assert.Equal(t, time.Unix(1795835057, 0), ada.Created)
		assert.Equal(t, []string{"bold", "api", "vip"}, tagNames(ada.Tags))
		assert.Equal(t, int64(3), ada.Tags[0].ID)
		assert.NotNil(t, ada.Invoices)
		assert.Equal(t, []int64{1, 2, 3}, []int64{list[0].ID, list[1].ID, list[2].ID})
		assert.Equal(t, "linus.torvalds@example.com", list[2].Email)
		assert.Equal(t, 1, resp.Page)
		assert.Equal(t, 10, resp.PerPage)
		assert.Zero(t, resp.NextPage, "3 of 10: the last page")
	})
	t.Run("154: embedded invoice, quote and transaction", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		serveWire(env, http.MethodPost, "customers", replay(t, 154))
		list, _, err := env.client.Customers.List(context.Background(), &CustomerListOptions{WithInvoices: true, WithQuotes: true, WithTransactions: true})
		require.NoError(t, err)
		require.Len(t, list, 1)
		ada := list[0]
		require.Len(t, ada.Invoices, 1)
		assert.Equal(t, "INV-SEED-1", ada.Invoices[0].Reference)
		assert.True(t, decimal.RequireFromString("1440.00").Equal(ada.Invoices[0].Total))
		require.Len(t, ada.Quotes, 1)
		assert.True(t, decimal.RequireFromString("4250.50").Equal(ada.Quotes[0].Value))
		require.Len(t, ada.Transactions, 1)
		assert.Equal(t, "ORD-1001", ada.Transactions[0].OrderID)
		assert.True(t, decimal.RequireFromString("149.99").Equal(ada.Transactions[0].Total))
	})
	t.Run("pages of 2 (55, 57) and beyond the end (59)", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		serveWire(env, http.MethodPost, "customers", replay(t, 55).Then(replay(t, 57)).Then(replay(t, 59)))
		ctx := context.Background()
		first, resp, err := env.client.Customers.List(ctx, &CustomerListOptions{ListOptions: ListOptions{Page: 1, PerPage: 2}})
		require.NoError(t, err)
		assert.Equal(t, []string{"ada.lovelace@example.com", "grace.hopper@example.com"}, []string{first[0].Email, first[1].Email})
		assert.Equal(t, 2, resp.NextPage)
		second, resp, err := env.client.Customers.List(ctx, &CustomerListOptions{ListOptions: ListOptions{Page: 2, PerPage: 2}})
		require.NoError(t, err)
		require.NotEmpty(t, second)
		assert.Equal(t, int64(3), second[0].ID)
		assert.Equal(t, 2, resp.Page)
		beyond, resp, err := env.client.Customers.List(ctx, &CustomerListOptions{ListOptions: ListOptions{Page: 9, PerPage: 2}})
		require.NoError(t, err)
		assert.Empty(t, beyond)
		assert.Zero(t, resp.NextPage)
	})
	t.Run("debug-display 02: a database error printed before the JSON", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		ex := debugDisplay(t, "02-dd-customers-negative-perpage")
		serveWire(env, http.MethodPost, "customers", func(req *http.Request) (*http.Response, error) { return ex.Response(req), nil })
		list, _, err := env.client.Customers.List(context.Background(), nil)
		require.NoError(t, err, "the <div> before [] is skipped")
		assert.Empty(t, list)
	})
}

// debugDisplay loads one capture of testdata/recorded/debug-display by name.
func debugDisplay(t testing.TB, name string) *recorded.Exchange {
	t.Helper()
	all, err := recorded.LoadDebugDisplay()
	require.NoError(t, err)
	for _, ex := range all {
		if ex.Name == name {
			return ex
		}
	}
	t.Fatalf("no debug-display capture %q", name)
	return nil
}

func TestCustomersListRequestEncoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts *CustomerListOptions
		body string
	}{
		{"nil options: an empty object", nil, `{}`},
		{"paging travels in the body", &CustomerListOptions{ListOptions: ListOptions{Page: 2, PerPage: 25}}, `{"page":2,"perpage":25}`},
		{"flags are the string true, tags a boolean", &CustomerListOptions{WithTags: true, WithInvoices: true, WithQuotes: true, WithTransactions: true},
			`{"tags":true,"invoices":"true","quotes":"true","transactions":"true"}`},
		{"search, owner and company", &CustomerListOptions{ListOptions: ListOptions{PerPage: 5}, Search: "Lovelace", Owner: 1, CompanyID: 3},
			`{"perpage":5,"search":"Lovelace","owned":1,"company":3}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			w := serveWire(env, http.MethodPost, "customers", jsonResponder(200, `[]`))
			_, _, err := env.client.Customers.List(context.Background(), tt.opts)
			require.NoError(t, err)
			r := w.single(t)
			assertWire(t, r, http.MethodPost, "customers", nil, tt.body)
			if tt.opts != nil && tt.opts.WithInvoices {
				m := bodyMap(t, r)
				assert.IsType(t, "", m["invoices"], "JSON true is ignored by the plugin (capture 62)")
				assert.IsType(t, true, m["tags"])
			}
		})
	}
}

func TestCustomersListRecordedErrors(t *testing.T) {
	t.Parallel()
	// The customers endpoint accepts any method and treats bad JSON as {}:
	// its only failures are the generic ones.
	tests := []struct {
		capture int
		want    wantAPIError
	}{
		{9, wantAPIError{is: ErrUnauthorized, status: 401, apiStatus: "Unauthorized", message: "Please ensure your Jetpack CRM API key and secret"}},
		{111, wantAPIError{is: ErrInternal, status: 500, attempts: 4}},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.capture), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				env := setup(t)
				serveWire(env, http.MethodPost, "customers", replay(t, tt.capture))
				list, resp, err := env.client.Customers.List(context.Background(), nil)
				assert.Nil(t, list)
				require.NotNil(t, resp)
				assertAPIError(t, err, http.MethodPost, "customers", tt.want)
			})
		})
	}
}

// ---------------------------------------------------------------------------
// customer_search

func TestCustomersSearch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		capture   int
		query     string
		opts      *ListOptions
		wantQuery url.Values
		wantIDs   []int64
		wantNext  int
	}{
		{"phrase (72)", 72, "Hopper", nil, url.Values{"order": {"ASC"}, "zbs_query": {"Hopper"}}, []int64{2}, 0},
		{"no phrase lists everyone (73)", 73, "", nil, url.Values{"order": {"ASC"}}, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9}, 0},
		{"page 1 of 2 (77)", 77, "example", &ListOptions{Page: 1, PerPage: 2}, url.Values{"order": {"ASC"}, "zbs_query": {"example"}, "page": {"1"}, "perpage": {"2"}}, []int64{1, 2}, 2},
		{"page 2 of 2 (78)", 78, "example", &ListOptions{Page: 2, PerPage: 2}, url.Values{"order": {"ASC"}, "zbs_query": {"example"}, "page": {"2"}, "perpage": {"2"}}, []int64{3, 4}, 3},
		{"no match (76)", 76, "zzzzzz", nil, url.Values{"order": {"ASC"}, "zbs_query": {"zzzzzz"}}, []int64{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			w := serveWire(env, http.MethodGet, "customer_search", replay(t, tt.capture))
			list, resp, err := env.client.Customers.Search(context.Background(), tt.query, tt.opts)
			require.NoError(t, err)
			ids := []int64{}
			for _, c := range list {
				ids = append(ids, c.ID)
			}
			assert.Equal(t, tt.wantIDs, ids)
			assert.Equal(t, tt.wantNext, resp.NextPage)
			assertWire(t, w.single(t), http.MethodGet, "customer_search", tt.wantQuery, "")
		})
	}
	t.Run("72 decodes Grace", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		serveWire(env, http.MethodGet, "customer_search", replay(t, 72))
		list, _, err := env.client.Customers.Search(context.Background(), "Hopper", nil)
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, "grace.hopper@example.com", list[0].Email)
		assert.Equal(t, time.Unix(1795835058, 0), list[0].Created)
		assert.Nil(t, list[0].Tags, "not requested, not sent")
	})
}

func TestCustomersSearchRecordedErrors(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveWire(env, http.MethodGet, "customer_search", replay(t, 83)) // what the server says to a wrong method
	list, _, err := env.client.Customers.Search(context.Background(), "Ada", nil)
	assert.Nil(t, list)
	assertAPIError(t, err, http.MethodGet, "customer_search", want405)

	_, _, err = env.client.Customers.GetByEmail(context.Background(), "ada.lovelace@example.com")
	assertAPIError(t, err, http.MethodGet, "customer_search", want405)
}

func TestCustomersGetByEmail(t *testing.T) {
	t.Parallel()
	for _, n := range []int{74, 155} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			w := serveWire(env, http.MethodGet, "customer_search", replay(t, n))
			c, resp, err := env.client.Customers.GetByEmail(context.Background(), "ada.lovelace@example.com")
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, int64(1), c.ID)
			assert.Equal(t, "ada.lovelace@example.com", c.Email)
			assert.Equal(t, "Augusta Ada", c.FirstName)
			assert.Equal(t, []string{"bold", "api", "vip"}, tagNames(c.Tags))
			assert.Equal(t, "bold", c.Tags[0].Slug)
			if n == 155 {
				require.Len(t, c.Invoices, 1)
				assert.Equal(t, "INV-SEED-1", c.Invoices[0].Reference)
				require.Len(t, c.Transactions, 1)
				assert.Equal(t, "ORD-1001", c.Transactions[0].OrderID)
			} else {
				assert.Empty(t, c.Invoices)
			}
			assertWire(t, w.single(t), http.MethodGet, "customer_search", url.Values{"email": {"ada.lovelace@example.com"}}, "")
		})
	}
	t.Run("75: [] is ErrNotFound", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		serveWire(env, http.MethodGet, "customer_search", replay(t, 75))
		c, resp, err := env.client.Customers.GetByEmail(context.Background(), "nobody@example.com")
		assert.Nil(t, c)
		require.NotNil(t, resp)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.ErrorIs(t, err, ErrNotFound)
		assert.NotErrorIs(t, err, ErrRejected)
		assert.NotContains(t, err.Error(), "nobody@example.com", "a miss names the operation, not the address")
		assertErrorHidesSecret(t, err)
	})
}

// ---------------------------------------------------------------------------
// Customers.Update on the wire: the recorded reads and writes it sends and
// decodes. Its behaviour against a site-like store is in customers_test.go,
// on the fake.

const adaEmail = "ada.lovelace@example.com"

func TestCustomersUpdateRecordedMissAndRefusal(t *testing.T) {
	t.Parallel()
	t.Run("75: the read finds nobody", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		serveWire(env, http.MethodGet, "customer_search", replay(t, 75))
		write := serveWire(env, http.MethodPost, "create_customer", replay(t, 29))
		_, _, err := env.client.Customers.Update(context.Background(), "nobody@example.com", &CustomerRequest{Address: Address{City: "Somewhere"}})
		assert.ErrorIs(t, err, ErrNotFound)
		assert.Empty(t, write.requests())
	})
	t.Run("74 then 30: the write is refused", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		serveWire(env, http.MethodGet, "customer_search", replay(t, 74))
		write := serveWire(env, http.MethodPost, "create_customer", replay(t, 30))
		_, _, err := env.client.Customers.Update(context.Background(), adaEmail, &CustomerRequest{LastName: "King"})
		assertAPIError(t, err, http.MethodPost, "create_customer", wantAPIError{is: ErrRejected, status: 200, code: "100"})
		r := write.single(t)
		m := bodyMap(t, r)
		assert.Equal(t, "King", m["lname"])
		assert.Equal(t, "Augusta Ada", m["fname"], "merged from capture 74")
		assert.Equal(t, "Marylebone", m["city"])
		assert.Equal(t, "Lead", m["status"])
		assert.EqualValues(t, 1, m["id"])
		assert.Equal(t, []any{"bold", "api", "vip"}, m["tags"])
	})
}

func TestCustomersUpdateRetriesBothHalvesOn500(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t)
		read := serveWire(env, http.MethodGet, "customer_search", replay(t, 110).Then(replay(t, 74)))
		write := serveWire(env, http.MethodPost, "create_customer", replay(t, 110).Then(replay(t, 110)).Then(replay(t, 29)))
		c, resp, err := env.client.Customers.Update(context.Background(), adaEmail, &CustomerRequest{Address: Address{City: "Marylebone"}})
		require.NoError(t, err)
		assert.Equal(t, 3, resp.Attempts, "the write was retried: it is keyed by id and email")
		assert.Len(t, read.requests(), 3, "the read, its retry, the read back")
		assert.Len(t, write.requests(), 3)
		assert.Equal(t, int64(1), c.ID)
	})
}

// sortedKeys is used to report unexpected keys deterministically.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestCustomersUpdateSendsTheFullRecord(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveWire(env, http.MethodGet, "customer_search", replay(t, 155))
	write := serveWire(env, http.MethodPost, "create_customer", replay(t, 29))
	_, _, err := env.client.Customers.Update(context.Background(), adaEmail, &CustomerRequest{FirstName: "Ada"})
	require.NoError(t, err)
	m := bodyMap(t, write.single(t))
	// Capture 155 has fname, city, status and three tags; everything else
	// is blank there and so not sent.
	assert.Equal(t, []string{"city", "email", "fname", "id", "status", "tags"}, sortedKeys(m))
	assert.Equal(t, "Ada", m["fname"])
}

// TestCustomersUpdateMissNamesTheOperationNotTheAddress: errors end up in
// logs; the address is personal data.
func TestCustomersUpdateMissNamesTheOperationNotTheAddress(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveWire(env, http.MethodGet, "customer_search", jsonResponder(200, `[]`))
	_, _, err := env.client.Customers.Update(context.Background(), "nobody.secret@example.com", &CustomerRequest{FirstName: "X"})
	require.ErrorIs(t, err, ErrNotFound)
	assert.Contains(t, err.Error(), "Customers.Update")
	assert.NotContains(t, err.Error(), "GetByEmail")
	assert.NotContains(t, err.Error(), "nobody.secret")
}

// TestCustomersUpdateReadBackMissIsNotANotFound: a contact written and then
// not found by its email (the new one, or one the search cannot match) must
// not look like a miss, or a caller such as UpsertMany's Merge would create
// it again, blanked.
func TestCustomersUpdateReadBackMissIsNotANotFound(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveWire(env, http.MethodGet, "customer_search", replay(t, 74).Then(jsonResponder(200, `[]`)))
	serveWire(env, http.MethodPost, "create_customer", replay(t, 29))
	_, _, err := env.client.Customers.Update(context.Background(), adaEmail, &CustomerRequest{Email: "ada.new@example.com"})
	require.ErrorIs(t, err, ErrNotKept)
	assert.NotErrorIs(t, err, ErrNotFound)
	var nk *NotKeptError
	require.ErrorAs(t, err, &nk)
	assert.Equal(t, &NotKeptError{Op: "Customers.Update", ID: 1}, nk, "the contact written (capture 74's), and no field: no record came back")
	assert.NotContains(t, err.Error(), "ada.new", "no email address in an error")

	env = setup(t)
	serveWire(env, http.MethodGet, "customer_search", jsonResponder(404, `<html>Not Found</html>`))
	_, _, err = env.client.Customers.Update(context.Background(), adaEmail, &CustomerRequest{FirstName: "A"})
	var ae *APIError
	require.ErrorAs(t, err, &ae, "a 404 from the site stays an *APIError")
	assert.Equal(t, 404, ae.StatusCode)
}

func TestCustomersSearchAll(t *testing.T) {
	t.Parallel()
	t.Run("walks every page", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		var pages []string
		env.respond(http.MethodGet, "customer_search", func(req *http.Request) (*http.Response, error) {
			q := req.URL.Query()
			pages = append(pages, q.Get("page")+"/"+q.Get("perpage")+"/"+q.Get("zbs_query"))
			switch q.Get("page") {
			case "1":
				return jsonResponder(200, `[{"id":"1","email":"a@x.org"},{"id":"2","email":"b@x.org"}]`)(req)
			case "2":
				return jsonResponder(200, `[{"id":"3","email":"c@x.org"}]`)(req)
			}
			return jsonResponder(200, `[]`)(req)
		})
		var ids []int64
		for c, err := range env.client.Customers.SearchAll(context.Background(), "x.org", &ListOptions{PerPage: 2}) {
			require.NoError(t, err)
			ids = append(ids, c.ID)
		}
		assert.Equal(t, []int64{1, 2, 3}, ids)
		assert.Equal(t, []string{"1/2/x.org", "2/2/x.org"}, pages)
	})
	t.Run("stops when the server ignores paging", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		env.respond(http.MethodGet, "customer_search", jsonResponder(200, `[{"id":"1","email":"a@x.org"},{"id":"2","email":"b@x.org"}]`))
		var ids []int64
		var errs []error
		for c, err := range env.client.Customers.SearchAll(context.Background(), "x", &ListOptions{PerPage: 2}) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			ids = append(ids, c.ID)
		}
		assert.Equal(t, []int64{1, 2}, ids, "each contact once")
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], ErrPagingStalled)
		assert.Equal(t, 2, env.mock.GetTotalCallCount())
	})
	t.Run("refuses bad input before sending", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		for _, seq := range []iter.Seq2[*Customer, error]{
			env.client.Customers.SearchAll(context.Background(), "\xff", nil),
			env.client.Customers.SearchAll(context.Background(), "x", &ListOptions{PerPage: -1}),
		} {
			for _, err := range seq {
				assert.ErrorIs(t, err, ErrInvalidInput)
			}
		}
		assert.Zero(t, env.mock.GetTotalCallCount())
	})
}

func TestCustomerRequestValidateIsExported(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		req   *CustomerRequest
		field string
	}{
		{nil, ""},
		{&CustomerRequest{}, "Email"},
		{&CustomerRequest{Email: "a@example.com", ID: -1}, "ID"},
		{&CustomerRequest{Email: "a@example.com", FirstName: "\xff"}, "FirstName"},
		{&CustomerRequest{Email: "a@example.com", CustomFields: map[string]string{"fname": "x"}}, `CustomFields["fname"]`},
	} {
		err := tc.req.Validate()
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "%+v", tc.req)
		assert.Equal(t, tc.field, ve.Field)
		assert.Equal(t, "CustomerRequest.Validate", ve.Op)
	}
	assert.NoError(t, (&CustomerRequest{Email: "a@example.com", CustomFields: map[string]string{"tier": "gold"}}).Validate())
}

// TestCustomersUpdateNeverAltersWhatItDoesNotChange: Update writes the
// whole contact back. What the site lists encoded (an avatar, twice through
// htmlentities; tag quotes) goes back as it was written, not encoded once
// more (the avatar grew with every Update); a value the write-back would
// alter (two spaces where a listed-away backslash stood) is refused,
// naming the field, and nothing is written.
func TestCustomersUpdateNeverAltersWhatItDoesNotChange(t *testing.T) {
	t.Parallel()
	contact := func(fname string) string {
		return `{"id":"1","email":"` + adaEmail + `","status":"Lead","fname":` + strconv.Quote(fname) + `,"lname":"Lovelace","city":"London",` +
			`"avatar":"https://example.com/a.png?s=1&amp;amp;d=&amp;quot;2&amp;quot;","tags":[{"id":"3","name":"O&#39;Neil"}],"wpid":"-1","owner":"-1"}`
	}
	env := setup(t)
	serveWire(env, http.MethodGet, "customer_search", jsonResponder(200, contact("Ada")))
	w := serveWire(env, http.MethodPost, "create_customer", jsonResponder(200, `{"email":"`+adaEmail+`","id":1}`))
	_, _, err := env.client.Customers.Update(context.Background(), adaEmail, &CustomerRequest{Address: Address{City: "Paris"}})
	require.NoError(t, err)
	var sent map[string]any
	require.NoError(t, json.Unmarshal(w.single(t).Body, &sent))
	assert.Equal(t, `https://example.com/a.png?s=1&d="2"`, sent["avatar"], "as it was written")
	assert.Equal(t, []any{"O'Neil"}, sent["tags"], "the tag's own name: the site finds the same tag")
	assert.Equal(t, "Paris", sent["city"])

	env = setup(t)
	serveWire(env, http.MethodGet, "customer_search", jsonResponder(200, contact(`O'Neil  "Q"`)))
	w = serveWire(env, http.MethodPost, "create_customer", jsonResponder(200, `{"email":"`+adaEmail+`","id":1}`))
	_, _, err = env.client.Customers.Update(context.Background(), adaEmail, &CustomerRequest{Address: Address{City: "Paris"}})
	assertValidationError(t, err, "Customers.Update", "FirstName")
	assert.Contains(t, err.Error(), "nothing was written")
	assert.Empty(t, w.requests(), "nothing written")
	// Changing that very field is a change like any other.
	_, _, err = env.client.Customers.Update(context.Background(), adaEmail, &CustomerRequest{FirstName: "Pat"})
	require.NoError(t, err)
	assert.Len(t, w.requests(), 1)
}

// TestCreateRepliesAreReturnedAsStored: a create reply echoes the request;
// the site stores its white space folded and trimmed (sanitize_text_field;
// tag names trimmed), and Create returns that, not the echo as sent.
func TestCreateRepliesAreReturnedAsStored(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveWire(env, http.MethodPost, "create_customer", echoResponder)
	c, _, err := env.client.Customers.Create(context.Background(), &CustomerRequest{Email: "a@example.com",
		FirstName: "  Ada \t Lovelace ", Address: Address{City: "New\nYork"}, Tags: []string{" vip  list\n"},
		Avatar: " a  b ", CustomFields: map[string]string{"x": "a  b"}})
	require.NoError(t, err)
	assert.Equal(t, "Ada Lovelace", c.FirstName)
	assert.Equal(t, "New York", c.Address.City)
	require.Len(t, c.Tags, 1)
	assert.Equal(t, "vip  list", c.Tags[0].Name)
	assert.Equal(t, " a  b ", c.Avatar, "not sanitised by the site")
	assert.Equal(t, "a b", c.CustomFields["x"])
}

func TestDecodeRecordedCustomers(t *testing.T) {
	t.Parallel()
	list := decodeRecorded[[]*Customer](t, 61)
	require.Len(t, list, 3)

	ada := list[0]
	assert.Equal(t, int64(1), ada.ID)
	assert.Equal(t, int64(0), ada.Owner, `"owner":"-1" means unassigned`)
	assert.Equal(t, "Lead", ada.Status)
	assert.Equal(t, "ada.lovelace@example.com", ada.Email)
	assert.Equal(t, "Augusta Ada", ada.FirstName)
	assert.Equal(t, "", ada.LastName)
	assert.Equal(t, "Augusta Ada", ada.FullName)
	assert.Equal(t, Address{City: "Marylebone"}, ada.Address)
	assert.True(t, ada.SecondaryAddress.IsZero())
	assert.Equal(t, int64(0), ada.WPID)
	assert.Equal(t, time.Unix(1795835057, 0), ada.Created, "from createduts, not the site-formatted created")
	assert.Equal(t, time.Unix(1795835058, 0), ada.LastUpdated)
	assert.True(t, ada.LastContacted.IsZero(), `"lastcontacteduts":"-1" means never`)
	require.Len(t, ada.Tags, 3)
	assert.Equal(t, Tag{ID: 3, Name: "bold", Slug: "bold", ObjectType: 1, Created: time.Unix(1795835057, 0), LastUpdated: time.Unix(1795835057, 0)}, ada.Tags[0])
	assert.Equal(t, []string{"bold", "api", "vip"}, tagNames(ada.Tags))
	assert.NotNil(t, ada.Invoices, "requested lists are empty, not nil")
	assert.Empty(t, ada.Invoices)
	assert.Empty(t, ada.Quotes)
	assert.Empty(t, ada.Transactions)
	assert.Nil(t, ada.CustomFields, "every key the server sends is known")

	assert.Equal(t, "grace.hopper@example.com", list[1].Email)
	assert.Equal(t, []Tag{}, list[1].Tags)
	assert.Equal(t, "Linus", list[2].FirstName)
}

func TestDecodeRecordedCustomerWithEverything(t *testing.T) {
	t.Parallel()
	list := decodeRecorded[[]*Customer](t, 154)
	require.Len(t, list, 1)
	ada := list[0]

	require.Len(t, ada.Invoices, 1)
	inv := ada.Invoices[0]
	assert.Equal(t, "INV-SEED-1", inv.Reference)
	assertDecimal(t, "1440.00", inv.Total)
	require.Len(t, inv.LineItems, 1)
	assert.Equal(t, "Consulting", inv.LineItems[0].Title)

	require.Len(t, ada.Quotes, 1)
	q := ada.Quotes[0]
	assert.Equal(t, "Website redesign", q.Title)
	assert.Equal(t, "<p>Redesign of the marketing site, 3 rounds of review.</p>", q.Content, "embedded quotes keep their content")

	require.Len(t, ada.Transactions, 1)
	tx := ada.Transactions[0]
	assert.Equal(t, "ORD-1001", tx.OrderID)
	require.NotNil(t, tx.Contact, "transactions embedded in a contact carry it")
	assert.Equal(t, "ada.lovelace@example.com", tx.Contact.Email)
	assert.Equal(t, int64(1), tx.CustomerID)
	assert.Nil(t, tx.Company)
	assert.Nil(t, tx.CustomFields)
}

func TestDecodeRecordedCustomerSearchByEmail(t *testing.T) {
	t.Parallel()
	for _, n := range []int{74, 155} {
		c := decodeRecorded[Customer](t, n)
		assert.Equal(t, int64(1), c.ID)
		assert.Equal(t, "ada.lovelace@example.com", c.Email)
		assert.Len(t, c.Tags, 3)
		assert.Nil(t, c.Quotes, "customer_search sends no quotes")
		assert.Nil(t, c.CustomFields)
	}
	c := decodeRecorded[Customer](t, 155)
	require.Len(t, c.Transactions, 1)
	assert.Nil(t, c.Transactions[0].Contact)

	miss := recorded.MustByNumber(t, 75).ResponseBody
	assert.True(t, isEmptyJSONArray(miss), "a miss is []")
	var none Customer
	assert.Error(t, json.Unmarshal(miss, &none), "[] must not decode as an empty contact")
}

func TestCustomerRequestMarshal(t *testing.T) {
	t.Parallel()
	req := CustomerRequest{
		Email:            "ada@example.com",
		FirstName:        "Ada",
		LastName:         "Lovelace",
		Address:          Address{City: "London", Postcode: "SW1Y 4JH"},
		SecondaryAddress: Address{Line1: "2 Side St"},
		HomePhone:        "+44 20 7946 0000",
		Tags:             []string{"vip", "api"},
		AssignTo:         1,
		CustomFields:     map[string]string{"custom-field": "bacon", "addr_floor": "3"},
	}
	b, err := json.Marshal(req)
	require.NoError(t, err)
	assert.Equal(t, `{"email":"ada@example.com","fname":"Ada","lname":"Lovelace","city":"London","postcode":"SW1Y 4JH",`+
		`"secaddr_addr1":"2 Side St","hometel":"+44 20 7946 0000","tags":["vip","api"],"assign":1,`+
		`"addr_floor":"3","custom-field":"bacon"}`, string(b), "wire names, no empty values, custom fields at top level, sorted")

	b, err = json.Marshal(&CustomerRequest{ID: 2, Email: "g@example.com", Status: "Customer", ForceStatus: true, Tags: []string{}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":2,"email":"g@example.com","status":"Customer","sticky":"1"}`, string(b))

	b, err = json.Marshal(CustomerRequest{})
	require.NoError(t, err)
	assert.Equal(t, `{}`, string(b), `never sends ""`)

	for _, key := range []string{"fname", "email", "secaddr_city", "tags", "id", "meta", "createduts", "foo_cfdate"} {
		_, err := json.Marshal(CustomerRequest{Email: "a@example.com", CustomFields: map[string]string{key: "x"}})
		assert.Error(t, err, key)
	}
}

func TestMergeCustomerRequestKeepsUnsentFields(t *testing.T) {
	t.Parallel()
	current := decodeRecorded[Customer](t, 155)
	current.CustomFields = map[string]string{"custom-field": "bacon", "renewal": "2026-01-01"}
	current.Owner = 3

	merged := mergeCustomerRequest(&current, &CustomerRequest{
		Email:        "ada.lovelace@example.com",
		LastName:     "Lovelace",
		Address:      Address{Line1: "12 St James Square"},
		CustomFields: map[string]string{"renewal": "2027-01-01"},
	})
	b, err := json.Marshal(merged)
	require.NoError(t, err)
	assert.Equal(t, `{"id":1,"email":"ada.lovelace@example.com","status":"Lead","fname":"Augusta Ada","lname":"Lovelace",`+
		`"addr1":"12 St James Square","city":"Marylebone","tags":["bold","api","vip"],"assign":3,`+
		`"custom-field":"bacon","renewal":"2027-01-01"}`, string(b))
	assert.Equal(t, "2026-01-01", current.CustomFields["renewal"], "the current record is not modified")

	renamed := mergeCustomerRequest(&current, &CustomerRequest{Email: "ada@example.org", Status: "Customer", ForceStatus: true, Tags: []string{"vip"}})
	assert.Equal(t, int64(1), renamed.ID, "the ID is kept so the email changes")
	assert.Equal(t, "ada@example.org", renamed.Email)
	assert.Equal(t, "Customer", renamed.Status)
	assert.True(t, renamed.ForceStatus)
	assert.Equal(t, []string{"vip"}, renamed.Tags)

	noTags := current
	noTags.Tags = nil
	assert.Nil(t, mergeCustomerRequest(&noTags, &CustomerRequest{}).Tags, "tags not loaded are not sent")
}

func TestTagDecodesNameOrObject(t *testing.T) {
	t.Parallel()
	var tags []Tag
	require.NoError(t, json.Unmarshal([]byte(`["vip",{"id":"2","name":"api","slug":"api"}]`), &tags))
	assert.Equal(t, []Tag{{Name: "vip"}, {ID: 2, Name: "api", Slug: "api"}}, tags)
	var tag Tag
	assert.Error(t, json.Unmarshal([]byte(`5`), &tag))
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

func TestGetByEmailTreatsEmptyObjectsAsAMiss(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{}`, `null`, `[]`} {
		env := setup(t)
		env.respond("GET", "customer_search", jsonResponder(200, body))
		c, _, err := env.client.Customers.GetByEmail(context.Background(), "ada@example.com")
		assert.Nil(t, c, body)
		assert.ErrorIs(t, err, ErrNotFound, body)
	}
}

// TestGetByEmailSearchThatMayHaveMatchedAnAliasIsNotAMiss: the search
// behind a slashed address also matches aliases, which the list does not
// show; a result whose email does not contain the address may hold it as
// an alias, so the lookup must not report a miss (a merge would create the
// contact and overwrite the one that has it).
func TestGetByEmailSearchThatMayHaveMatchedAnAliasIsNotAMiss(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	var customerSearches int
	mux.HandleFunc("/zbs_api/customers/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"id":"7","email":"pat.primary@example.org","fname":"Pat"}]`))
	})
	mux.HandleFunc("/zbs_api/customer_search/", func(w http.ResponseWriter, _ *http.Request) {
		customerSearches++
		_, _ = w.Write([]byte(`[]`))
	})
	mux.HandleFunc("/zbs_api/create_customer/", func(w http.ResponseWriter, _ *http.Request) {
		t.Error("a merge created a contact whose lookup was ambiguous")
		_, _ = w.Write([]byte(`{"id":99}`))
	})
	env := setup(t, WithoutRetries())
	env.serveHandler(mux)
	c := env.client

	_, _, err := c.Customers.GetByEmail(context.Background(), "o'neil@example.org")
	require.ErrorIs(t, err, ErrAmbiguousEmail)
	assert.NotErrorIs(t, err, ErrNotFound)
	assert.NotContains(t, err.Error(), "neil")

	// A merge that looks each email up does not create it either.
	res, err := c.Customers.Sync(context.Background(), []*CustomerRequest{{Email: "o'neil@example.org", FirstName: "Pat"}},
		SyncOptions{Lookup: LookupPerRow})
	require.NoError(t, err)
	assert.Equal(t, BulkFailed, res[0].Outcome)
	assert.ErrorIs(t, res[0].Err, ErrAmbiguousEmail)
	assert.Zero(t, customerSearches, "customer_search?email= cannot find such an address: not asked")
}

func TestGetByEmailSearchBodyIsNotEscaped(t *testing.T) {
	t.Parallel()
	var got url.Values
	var body string
	mux := http.NewServeMux()
	mux.HandleFunc("/zbs_api/customers/", func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query()
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		_, _ = w.Write([]byte(`[]`))
	})
	env := setup(t, WithoutRetries())
	env.serveHandler(mux)
	c := env.client
	_, _, err := c.Customers.GetByEmail(context.Background(), "o'neil@example.org")
	require.ErrorIs(t, err, ErrNotFound)
	assert.Contains(t, body, `"search":"o'neil@example.org"`)
	assert.Empty(t, got.Get("search"), "the address travels in the body, not the query string")
}

// TestNotKeptErrorNamesEveryDroppedField: the owner and the linked user are
// checked apart, and both are reported when the site dropped both.
func TestNotKeptErrorNamesEveryDroppedField(t *testing.T) {
	t.Parallel()
	sent := &CustomerRequest{Email: adaEmail, AssignTo: 6, WPID: 9}
	assert.NoError(t, checkKept("Customers.Update", sent, &Customer{ID: 3, Owner: 6, WPID: 9}))
	err := checkKept("Customers.Update", sent, &Customer{ID: 3, Owner: 0, WPID: 0})
	var nk *NotKeptError
	require.ErrorAs(t, err, &nk)
	assert.Equal(t, []NotKeptField{{Name: "assign", Sent: "6", Stored: "0"}, {Name: "wpid", Sent: "9", Stored: "0"}}, nk.Fields)
	assert.Equal(t, int64(3), nk.ID)
	assert.ErrorIs(t, err, ErrNotKept)
	assert.Equal(t, "jetpackcrm: Customers.Update: the site did not keep WordPress user 6 as the contact's owner (it assigns contacts only to users with a CRM role); the owner is now 0: "+
		"the site did not keep the contact's link to WordPress user 9 (it is now 0): jetpackcrm: the site did not keep what was written", err.Error())
	assertErrorHidesSecret(t, err)
}
