package jetpackcrm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFeaturesOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version           string
		order, companies  bool
		enabledDescribers int
	}{
		{"6.4.3", false, false, 0}, // what 6.4.4 reports
		{"6.4.4", false, false, 0},
		{"6.5.0", true, false, 1},
		{"6.5", true, false, 1},
		{"6.5.1", true, false, 1},
		{"6.6.0", true, true, 2},
		{"6.6.1", true, true, 2},
		{"6.10.0", true, true, 2}, // by number, not as text
		{"7.0.0-beta1", true, true, 2},
		{"5.9.9", false, false, 0},
		{"", false, false, 0},
		{"dev", false, false, 0},      // not a release number: nothing assumed
		{"zzz.9", false, false, 0},    // text that would compare after "6.5"
		{" 6.6.1", false, false, 0},   // not a release number either
		{"6", false, false, 0},        // no minor part
		{"6.6.1\n", true, true, 2},    // trailing noise after a release number
		{"10.0.0", true, true, 2},     // a later major release
		{"6.4.99", false, false, 0},   // the last 6.4 patch
		{"6.5.0-rc1", true, false, 1}, // a pre-release of 6.5.0 already has it
	}
	for _, tt := range tests {
		f := FeaturesOf(tt.version)
		assert.Equal(t, tt.version, f.Version)
		assert.Equal(t, tt.order, f.ListOrder, "ListOrder of %q", tt.version)
		assert.Equal(t, tt.companies, f.CompanyFilters, "CompanyFilters of %q", tt.version)
		assert.Len(t, f.Enabled(), tt.enabledDescribers, "Enabled of %q", tt.version)
	}
	assert.Equal(t, Features{}, (*Status)(nil).Features())
	assert.Equal(t, FeaturesOf("6.6.1"), (&Status{CRMVersion: "6.6.1"}).Features())
}

// releaseResponder answers the status endpoint with crm_version v and
// counts the calls.
func releaseResponder(v string, calls *atomic.Int32) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		calls.Add(1)
		return jsonResponder(200, `{"success":true,"data":{"status":"Successful Connection","message":"ok","crm_version":"`+v+`","db_version":"3.0"}}`)(req)
	}
}

func TestClientFeaturesReadOnceForConcurrentCallers(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t)
		var calls atomic.Int32
		release := make(chan struct{})
		ok := releaseResponder("6.6.1", &calls)
		env.respond(http.MethodGet, "status", func(req *http.Request) (*http.Response, error) {
			<-release // until every caller is waiting
			return ok(req)
		})
		var wg sync.WaitGroup
		errs := make([]error, 32)
		got := make([]Features, 32)
		for i := range 32 {
			wg.Go(func() { got[i], errs[i] = env.client.Features(context.Background()) })
		}
		synctest.Wait()
		close(release)
		wg.Wait()
		for i := range 32 {
			require.NoError(t, errs[i])
			assert.True(t, got[i].ListOrder && got[i].CompanyFilters, "caller %d", i)
		}
		assert.Equal(t, int32(1), calls.Load(), "one status read for the Client's life")
		_, _ = env.client.Features(context.Background())
		assert.Equal(t, int32(1), calls.Load())
	})
}

func TestClientFeaturesLearntFromStatus(t *testing.T) {
	t.Parallel()
	env := setup(t)
	var calls atomic.Int32
	env.respond(http.MethodGet, "status", releaseResponder("6.4.3", &calls))
	_, _, err := env.client.Status(context.Background())
	require.NoError(t, err)
	f, err := env.client.Features(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "6.4.3", f.Version)
	assert.Equal(t, int32(1), calls.Load(), "the caller's Status call was enough")
}

func TestClientFeaturesFailureIsNotKept(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		first httpmock.Responder
	}{
		{"401", jsonResponder(401, `{"success":false,"data":{"status":"Unauthorized","message":"no"}}`)},
		{"500", jsonResponder(500, `<html>fatal</html>`)},
		{"HTML with 200", httpmock.NewStringResponder(200, `<html>maintenance</html>`)},
		{"network", httpmock.NewErrorResponder(errors.New("connection reset"))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t, WithoutRetries())
			var calls atomic.Int32
			ok := releaseResponder("6.6.1", &calls)
			env.respond(http.MethodGet, "status", func(req *http.Request) (*http.Response, error) {
				if calls.Add(1) == 1 {
					return tt.first(req)
				}
				return ok(req)
			})
			_, err := env.client.Features(context.Background())
			require.Error(t, err)
			assertErrorHidesSecret(t, err)
			f, err := env.client.Features(context.Background())
			require.NoError(t, err, "the next call reads again")
			assert.True(t, f.ListOrder)
			_, err = env.client.Features(context.Background())
			require.NoError(t, err)
			assert.Equal(t, int32(3), calls.Load(), "one failed read, one good one, then none")
		})
	}
}

// A caller whose context ends while it reads the status does not fail the
// callers waiting for that read: they read again.
func TestClientFeaturesAbandonedReadIsRetriedByWaiters(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t, WithoutRetries())
		var calls atomic.Int32
		entered := make(chan struct{})
		ok := releaseResponder("6.6.1", &calls)
		env.respond(http.MethodGet, "status", func(req *http.Request) (*http.Response, error) {
			if calls.Load() == 0 {
				calls.Add(1)
				close(entered)
				<-req.Context().Done() // the first reader's context ends
				return nil, req.Context().Err()
			}
			return ok(req)
		})
		leaderCtx, cancel := context.WithCancel(context.Background())
		var leaderErr, waiterErr error
		var waiterGot Features
		var wg sync.WaitGroup
		wg.Go(func() { _, leaderErr = env.client.Features(leaderCtx) })
		<-entered
		wg.Go(func() { waiterGot, waiterErr = env.client.Features(context.Background()) })
		synctest.Wait() // the waiter waits for the leader's read
		cancel()
		wg.Wait()
		require.ErrorIs(t, leaderErr, context.Canceled)
		require.NoError(t, waiterErr)
		assert.True(t, waiterGot.CompanyFilters)
		assert.Equal(t, int32(2), calls.Load())
	})
}

func TestClientFeaturesOfAnUnusableClient(t *testing.T) {
	t.Parallel()
	var nilClient *Client
	_, err := nilClient.Features(context.Background())
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = (&Client{}).Features(context.Background())
	assert.ErrorIs(t, err, ErrInvalidInput)
	env := setup(t)
	//lint:ignore SA1012 a nil context is what is tested
	_, err = env.client.Features(nil) //nolint:staticcheck
	assert.ErrorIs(t, err, ErrInvalidInput)
}

// orderCase is one list asked for in one order on one release.
type orderCase struct {
	list     string // the endpoint
	version  string
	order    SortOrder
	sent     string // the order query parameter sent, "" for none; "refused"
	statuses int32  // status reads needed to decide
}

// listWithOrder calls the List method of endpoint with Order o.
func listWithOrder(ctx context.Context, c *Client, endpoint string, o SortOrder) error {
	lo := ListOptions{Order: o, PerPage: 5}
	var err error
	switch endpoint {
	case "customers":
		_, _, err = c.Customers.List(ctx, &CustomerListOptions{ListOptions: lo})
	case "customer_search":
		_, _, err = c.Customers.Search(ctx, "ada", &lo)
	case "companies":
		_, _, err = c.Companies.List(ctx, &lo)
	case "events":
		_, _, err = c.Events.List(ctx, &EventListOptions{ListOptions: lo})
	case "transactions":
		_, _, err = c.Transactions.List(ctx, &lo)
	case "quotes":
		_, _, err = c.Quotes.List(ctx, &lo)
	case "invoices":
		_, _, err = c.Invoices.List(ctx, &lo)
	default:
		panic(endpoint)
	}
	return err
}

func TestListOrderPerRelease(t *testing.T) {
	t.Parallel()
	var tests []orderCase
	add := func(list, version string, o SortOrder, sent string, statuses int32) {
		tests = append(tests, orderCase{list, version, o, sent, statuses})
	}
	for _, v := range []string{"6.4.3", "6.6.1"} {
		// Contacts: always oldest first, no order parameter (POST body).
		add("customers", v, "", "", 0)
		add("customers", v, Ascending, "", 0)
		add("customers", v, Descending, "refused", 0)
		// Events: oldest first on every release (the SDK asks for it).
		add("events", v, "", "ASC", 0)
		add("events", v, Ascending, "ASC", 0)
		add("customer_search", v, "", "ASC", 0)
		add("customer_search", v, Ascending, "ASC", 0)
		add("quotes", v, "", "", 0)
		add("quotes", v, Descending, "DESC", 0)
		add("transactions", v, "", "ASC", 0)
		add("invoices", v, "", "ASC", 0)
		add("companies", v, "", "", 0)
	}
	// What only 6.5 and later do.
	for _, l := range []string{"events", "customer_search"} {
		add(l, "6.4.3", Descending, "refused", 1)
		add(l, "6.6.1", Descending, "DESC", 1)
	}
	add("quotes", "6.4.3", Ascending, "refused", 1)
	add("quotes", "6.6.1", Ascending, "ASC", 1)
	for _, l := range []string{"transactions", "invoices"} {
		for _, o := range []SortOrder{Ascending, Descending} {
			add(l, "6.4.3", o, "refused", 1) // no defined order on 6.4
			add(l, "6.6.1", o, string(o), 1)
		}
	}
	// Companies: a fixed order that changed in 6.6; the endpoint takes none.
	add("companies", "6.4.3", Ascending, "", 1)
	add("companies", "6.4.3", Descending, "refused", 1)
	add("companies", "6.6.1", Descending, "", 1)
	add("companies", "6.6.1", Ascending, "refused", 1)

	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/%q", tt.list, tt.version, tt.order), func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			var statuses atomic.Int32
			env.respond(http.MethodGet, "status", releaseResponder(tt.version, &statuses))
			method := http.MethodGet
			if tt.list == "customers" || tt.list == "companies" {
				method = http.MethodPost
			}
			w := serveWire(env, method, tt.list, jsonResponder(200, `[]`))
			err := listWithOrder(context.Background(), env.client, tt.list, tt.order)
			assert.Equal(t, tt.statuses, statuses.Load(), "status reads")
			if tt.sent == "refused" {
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, "Order", ve.Field)
				if tt.statuses > 0 {
					assert.Contains(t, ve.Error(), "Jetpack CRM "+tt.version, "names the site's release")
				} else {
					assert.Contains(t, ve.Error(), "no Jetpack CRM release")
				}
				assert.Empty(t, w.requests(), "nothing sent")
				return
			}
			require.NoError(t, err)
			r := w.single(t)
			assert.Equal(t, tt.sent, r.Query.Get("order"))
			assert.NotContains(t, string(r.Body), "order", "the POST lists take no order")
		})
	}
}

func TestListOrderInvalidValue(t *testing.T) {
	t.Parallel()
	env := setup(t)
	for _, o := range []SortOrder{"asc", "desc", "sideways", " ASC"} {
		err := listWithOrder(context.Background(), env.client, "transactions", o)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "%q", o)
		assert.Equal(t, "Order", ve.Field)
	}
	for _, seq := range []func() error{
		func() error {
			for _, err := range env.client.Events.All(context.Background(), &EventListOptions{ListOptions: ListOptions{Order: "up"}}) {
				return err
			}
			return nil
		},
		func() error {
			for _, err := range env.client.Companies.AllFiltered(context.Background(), &CompanyListOptions{ListOptions: ListOptions{Order: "up"}}) {
				return err
			}
			return nil
		},
	} {
		assert.ErrorIs(t, seq(), ErrInvalidInput)
	}
}

// A failed status read fails the list call that needed it, says so, and
// sends nothing to the list endpoint.
func TestListOrderStatusFailure(t *testing.T) {
	t.Parallel()
	env := setup(t, WithoutRetries())
	env.respond(http.MethodGet, "status", jsonResponder(401, `{"success":false,"data":{"status":"Unauthorized","message":"The API key or secret is wrong"}}`))
	w := serveWire(env, http.MethodGet, "transactions", jsonResponder(200, `[]`))
	_, _, err := env.client.Transactions.List(context.Background(), &ListOptions{Order: Descending})
	require.ErrorIs(t, err, ErrUnauthorized)
	assert.Contains(t, err.Error(), "Transactions.List")
	assert.Contains(t, err.Error(), "release")
	assertErrorHidesSecret(t, err)
	assert.Empty(t, w.requests())
	_, _, err = env.client.Companies.ListFiltered(context.Background(), &CompanyListOptions{Search: "x"})
	require.ErrorIs(t, err, ErrUnauthorized)
	assertErrorHidesSecret(t, err)
}

func TestCompaniesListFilteredPerRelease(t *testing.T) {
	t.Parallel()
	filters := []struct {
		field string
		opts  CompanyListOptions
		body  string
	}{
		{"Search", CompanyListOptions{Search: "acme"}, `{"search":"acme"}`},
		{"Owner", CompanyListOptions{Owner: 3}, `{"owned":3}`},
		{"WithInvoices", CompanyListOptions{WithInvoices: true}, `{"invoices":"true"}`},
		{"WithQuotes", CompanyListOptions{WithQuotes: true}, `{"quotes":"true"}`},
		{"WithTransactions", CompanyListOptions{WithTransactions: true}, `{"transactions":"true"}`},
		{"Search", CompanyListOptions{ListOptions: ListOptions{Page: 2, PerPage: 5}, Search: "a", Owner: 1, WithInvoices: true, WithQuotes: true, WithTransactions: true},
			`{"page":2,"perpage":5,"search":"a","owned":1,"invoices":"true","quotes":"true","transactions":"true"}`},
	}
	for _, v := range []string{"6.4.3", "6.5.1", "6.6.0", "6.6.1"} {
		for _, f := range filters {
			t.Run(v+"/"+f.body, func(t *testing.T) {
				t.Parallel()
				env := setup(t)
				var statuses atomic.Int32
				env.respond(http.MethodGet, "status", releaseResponder(v, &statuses))
				w := serveWire(env, http.MethodPost, "companies", jsonResponder(200, `[]`))
				_, _, err := env.client.Companies.ListFiltered(context.Background(), &f.opts)
				assert.Equal(t, int32(1), statuses.Load())
				if !FeaturesOf(v).CompanyFilters {
					var ve *ValidationError
					require.ErrorAs(t, err, &ve)
					assert.Equal(t, f.field, ve.Field)
					assert.Contains(t, ve.Error(), "Jetpack CRM "+v)
					assert.Contains(t, ve.Error(), "6.6.0")
					assert.Empty(t, w.requests(), "nothing sent")
					return
				}
				require.NoError(t, err)
				assertWire(t, w.single(t), http.MethodPost, "companies", nil, f.body)
			})
		}
	}
	t.Run("no filter: no status read, the same body as List", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		w := serveWire(env, http.MethodPost, "companies", jsonResponder(200, `[]`))
		_, _, err := env.client.Companies.ListFiltered(context.Background(), &CompanyListOptions{ListOptions: ListOptions{PerPage: 3}})
		require.NoError(t, err)
		_, _, err = env.client.Companies.List(context.Background(), &ListOptions{PerPage: 3})
		require.NoError(t, err)
		_, _, err = env.client.Companies.ListFiltered(context.Background(), nil)
		require.NoError(t, err)
		reqs := w.requests()
		require.Len(t, reqs, 3)
		assert.JSONEq(t, `{"perpage":3}`, string(reqs[0].Body))
		assert.JSONEq(t, `{"perpage":3}`, string(reqs[1].Body))
		assert.JSONEq(t, `{}`, string(reqs[2].Body))
	})
	t.Run("bad filters refused before the status read", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		for _, o := range []*CompanyListOptions{{Owner: -1}, {Search: "\xff"}, {ListOptions: ListOptions{PerPage: -1}}} {
			_, _, err := env.client.Companies.ListFiltered(context.Background(), o)
			assert.ErrorIs(t, err, ErrInvalidInput)
		}
	})
}

// The iterators rely on the order asked for: newest first, records added
// during the walk shift the pages, and nothing is yielded twice.
func TestAllInTheOrderAsked(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		all  func(c *Client) iter2
		body bool
	}{
		{"transactions", func(c *Client) iter2 {
			return idSeq(c.Transactions.All(context.Background(), &ListOptions{PerPage: 10, Order: Descending}), func(x *Transaction) int64 { return x.ID })
		}, false},
		{"events", func(c *Client) iter2 {
			return idSeq(c.Events.All(context.Background(), &EventListOptions{ListOptions: ListOptions{PerPage: 10, Order: Descending}}), func(x *Event) int64 { return x.ID })
		}, false},
		{"companies", func(c *Client) iter2 {
			return idSeq(c.Companies.AllFiltered(context.Background(), &CompanyListOptions{ListOptions: ListOptions{PerPage: 10, Order: Descending}}), func(x *Company) int64 { return x.ID })
		}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			var statuses atomic.Int32
			env.respond(http.MethodGet, "status", releaseResponder("6.6.1", &statuses))
			method := http.MethodGet
			if tt.body {
				method = http.MethodPost
			}
			s := &pagedServer{items: serverOrder(descendingIDs, 30), inBody: tt.body}
			s.afterPage = insertAfterPage1(31, true)
			env.respond(method, tt.name, s.responder())
			ids, errs := collect(tt.all(env.client))
			require.Empty(t, errs)
			assert.Equal(t, serverOrder(descendingIDs, 30), ids, "each once, newest first")
			assert.Contains(t, s.items[10:20], int64(21), "page 2 repeated the end of page 1")
			assert.Equal(t, int32(1), statuses.Load())
		})
	}
}

type iter2 = func(yield func(int64, error) bool)

// An iterator that meets a page out of the order it relies on stops with
// an error instead of skipping what its watermark cannot recognise.
func TestAllStopsOnAPageOutOfOrder(t *testing.T) {
	t.Parallel()
	env := setup(t)
	s := &pagedServer{items: serverOrder(descendingIDs, 15), inBody: true}
	env.respond(http.MethodPost, "customers", s.responder())
	ids, errs := collect(idSeq(env.client.Customers.All(context.Background(), &CustomerListOptions{ListOptions: ListOptions{PerPage: 10}}),
		func(c *Customer) int64 { return c.ID }))
	assert.Equal(t, []int64{15}, ids)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrUnexpectedOrder)
	assert.Contains(t, errs[0].Error(), "oldest first")
}

// The releases the SDK considers are the ones sortOf and the features
// tell apart, oldest first.
func TestReleaseErasCoverFeatures(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []Features{FeaturesOf("6.4.3"), FeaturesOf("6.5.0"), FeaturesOf("6.6.0")},
		[]Features{withVersion(releaseEras[0], "6.4.3"), withVersion(releaseEras[1], "6.5.0"), withVersion(releaseEras[2], "6.6.0")})
	for _, ep := range []string{"customers", "companies", "events", "customer_search", "quotes", "transactions", "invoices"} {
		assert.NotEmpty(t, listNames[ep], ep)
		assert.NotPanics(t, func() { sortOf(ep, Features{}) })
	}
	assert.Panics(t, func() { sortOf("status", Features{}) })
}

func withVersion(f Features, v string) Features { f.Version = v; return f }

// The wire keeps the order out of the JSON bodies and the query of
// customer_search by email.
func TestGetByEmailSendsNoOrder(t *testing.T) {
	t.Parallel()
	env := setup(t)
	w := serveWire(env, http.MethodGet, "customer_search", jsonResponder(200, `[]`))
	_, _, err := env.client.Customers.GetByEmail(context.Background(), "ada@example.com")
	require.ErrorIs(t, err, ErrNotFound)
	assertWire(t, w.single(t), http.MethodGet, "customer_search", url.Values{"email": {"ada@example.com"}}, "")
}

// A crm_version is the server's text: an error quoting it is bounded and
// never shows the credentials, even a version that holds them.
func TestRefusalQuotesTheVersionSafely(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"6.4.3 " + testSecret, "6.4.3-" + strings.Repeat("x", 5000), "6.4." + testKey} {
		env := setup(t)
		var calls atomic.Int32
		env.respond(http.MethodGet, "status", releaseResponder(jsonEscape(v), &calls))
		_, _, err := env.client.Transactions.List(context.Background(), &ListOptions{Order: Descending})
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "%.40q", v)
		assertErrorHidesSecret(t, err)
		assert.Less(t, len(err.Error()), 400)
		_, _, err = env.client.Companies.ListFiltered(context.Background(), &CompanyListOptions{Search: "x"})
		require.ErrorAs(t, err, &ve)
		assertErrorHidesSecret(t, err)
		assert.Less(t, len(err.Error()), 400)
	}
}

// jsonEscape makes s safe inside a JSON string literal.
func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// SearchAll walks in the order asked for: newest first on 6.6.
func TestSearchAllInTheOrderAsked(t *testing.T) {
	t.Parallel()
	env := setup(t)
	var statuses atomic.Int32
	env.respond(http.MethodGet, "status", releaseResponder("6.6.1", &statuses))
	s := &pagedServer{items: serverOrder(descendingIDs, 5)}
	w := serveWire(env, http.MethodGet, "customer_search", s.responder())
	ids, errs := collect(idSeq(env.client.Customers.SearchAll(context.Background(), "x", &ListOptions{PerPage: 2, Order: Descending}), customerID))
	require.Empty(t, errs)
	assert.Equal(t, []int64{5, 4, 3, 2, 1}, ids)
	for _, r := range w.requests() {
		assert.Equal(t, "DESC", r.Query.Get("order"))
	}
	env2 := setup(t)
	env2.respond(http.MethodGet, "status", releaseResponder("6.4.3", &statuses))
	_, errs = collect(idSeq(env2.client.Customers.SearchAll(context.Background(), "x", &ListOptions{Order: Descending}), customerID))
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrInvalidInput)
}
