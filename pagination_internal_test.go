package jetpackcrm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pagedServer serves a list of IDs page by page as the server does: the GET
// lists read page and perpage from the query, customers and companies from
// the JSON body; page 0 or less is page 1, no perpage is 10.
type pagedServer struct {
	mu    sync.Mutex
	items []int64
	// inBody says where the paging is read from.
	inBody bool
	// asked records each request's page and perpage, and its raw body.
	asked  [][2]int
	bodies []map[string]any
	// afterPage, if set, runs after a page was cut, before it is sent (to
	// change the list during the walk).
	afterPage func(page int, s *pagedServer)
	// failPage, if > 0, is answered with a 400.
	failPage int
}

func (s *pagedServer) responder() httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		page, perPage := 1, serverPerPage
		var body map[string]any
		if s.inBody {
			raw, _ := io.ReadAll(req.Body)
			var p struct {
				Page    int `json:"page"`
				PerPage int `json:"perpage"`
			}
			if err := json.Unmarshal(raw, &p); err != nil {
				return nil, err
			}
			_ = json.Unmarshal(raw, &body)
			page, perPage = p.Page, max(p.PerPage, 0)
			if _, ok := body["perpage"]; !ok {
				perPage = serverPerPage
			}
		} else {
			q := req.URL.Query()
			if v := q.Get("page"); v != "" {
				page, _ = strconv.Atoi(v)
			}
			if v := q.Get("perpage"); v != "" {
				perPage, _ = strconv.Atoi(v)
			}
		}
		page = max(page, 1)
		s.mu.Lock()
		s.asked = append(s.asked, [2]int{page, perPage})
		s.bodies = append(s.bodies, body)
		if page == s.failPage {
			s.mu.Unlock()
			return jsonResponder(400, `{"success":false,"data":{"status":"Bad request","message":"The API request was invalid."}}`)(req)
		}
		start := min((page-1)*perPage, len(s.items))
		end := min(start+perPage, len(s.items))
		out := make([]string, 0, end-start)
		for _, id := range s.items[start:end] {
			out = append(out, `{"id":"`+strconv.FormatInt(id, 10)+`"}`)
		}
		if s.afterPage != nil {
			s.afterPage(page, s)
		}
		s.mu.Unlock()
		return jsonResponder(200, "["+strings.Join(out, ",")+"]")(req)
	}
}

func (s *pagedServer) pagesAsked() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var pages []int
	for _, a := range s.asked {
		pages = append(pages, a[0])
	}
	return pages
}

func (s *pagedServer) perPagesAsked() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var pp []int
	for _, a := range s.asked {
		pp = append(pp, a[1])
	}
	return pp
}

// idSeq turns an All iterator into an iterator over IDs.
func idSeq[T any](seq iter.Seq2[*T, error], id func(*T) int64) iter.Seq2[int64, error] {
	return func(yield func(int64, error) bool) {
		for v, err := range seq {
			var n int64
			if v != nil {
				n = id(v)
			}
			if !yield(n, err) {
				return
			}
		}
	}
}

// idList turns a List result into IDs.
func idList[T any](list []*T, resp *Response, err error, id func(*T) int64) ([]int64, *Response, error) {
	ids := []int64{}
	for _, v := range list {
		ids = append(ids, id(v))
	}
	return ids, resp, err
}

// paged is one list endpoint with its List and All.
type paged struct {
	name, method, endpoint string
	inBody                 bool
	ord                    idOrder
	list                   func(ctx context.Context, c *Client, o *ListOptions) ([]int64, *Response, error)
	all                    func(ctx context.Context, c *Client, o *ListOptions) iter.Seq2[int64, error]
}

func pagedLists() []paged {
	cid := func(c *Customer) int64 { return c.ID }
	coid := func(c *Company) int64 { return c.ID }
	qid := func(q *Quote) int64 { return q.ID }
	iid := func(i *Invoice) int64 { return i.ID }
	tid := func(tx *Transaction) int64 { return tx.ID }
	eid := func(e *Event) int64 { return e.ID }
	cust := func(o *ListOptions) *CustomerListOptions {
		if o == nil {
			return nil
		}
		return &CustomerListOptions{ListOptions: *o}
	}
	ev := func(o *ListOptions) *EventListOptions {
		if o == nil {
			return nil
		}
		return &EventListOptions{ListOptions: *o}
	}
	return []paged{
		{"customers", http.MethodPost, "customers", true, ascendingIDs,
			func(ctx context.Context, c *Client, o *ListOptions) ([]int64, *Response, error) {
				l, r, err := c.Customers.List(ctx, cust(o))
				return idList(l, r, err, cid)
			},
			func(ctx context.Context, c *Client, o *ListOptions) iter.Seq2[int64, error] {
				return idSeq(c.Customers.All(ctx, cust(o)), cid)
			}},
		{"companies", http.MethodPost, "companies", true, ascendingIDs,
			func(ctx context.Context, c *Client, o *ListOptions) ([]int64, *Response, error) {
				l, r, err := c.Companies.List(ctx, o)
				return idList(l, r, err, coid)
			},
			func(ctx context.Context, c *Client, o *ListOptions) iter.Seq2[int64, error] {
				return idSeq(c.Companies.All(ctx, o), coid)
			}},
		{"quotes", http.MethodGet, "quotes", false, descendingIDs,
			func(ctx context.Context, c *Client, o *ListOptions) ([]int64, *Response, error) {
				l, r, err := c.Quotes.List(ctx, o)
				return idList(l, r, err, qid)
			},
			func(ctx context.Context, c *Client, o *ListOptions) iter.Seq2[int64, error] {
				return idSeq(c.Quotes.All(ctx, o), qid)
			}},
		{"invoices", http.MethodGet, "invoices", false, unorderedIDs,
			func(ctx context.Context, c *Client, o *ListOptions) ([]int64, *Response, error) {
				l, r, err := c.Invoices.List(ctx, o)
				return idList(l, r, err, iid)
			},
			func(ctx context.Context, c *Client, o *ListOptions) iter.Seq2[int64, error] {
				return idSeq(c.Invoices.All(ctx, o), iid)
			}},
		{"transactions", http.MethodGet, "transactions", false, unorderedIDs,
			func(ctx context.Context, c *Client, o *ListOptions) ([]int64, *Response, error) {
				l, r, err := c.Transactions.List(ctx, o)
				return idList(l, r, err, tid)
			},
			func(ctx context.Context, c *Client, o *ListOptions) iter.Seq2[int64, error] {
				return idSeq(c.Transactions.All(ctx, o), tid)
			}},
		{"events", http.MethodGet, "events", false, ascendingIDs,
			func(ctx context.Context, c *Client, o *ListOptions) ([]int64, *Response, error) {
				l, r, err := c.Events.List(ctx, ev(o))
				return idList(l, r, err, eid)
			},
			func(ctx context.Context, c *Client, o *ListOptions) iter.Seq2[int64, error] {
				return idSeq(c.Events.All(ctx, ev(o)), eid)
			}},
	}
}

// serverOrder returns n IDs in the order the endpoint lists them: ascending,
// newest first for quotes, and a fixed shuffle for the unordered lists.
func serverOrder(ord idOrder, n int) []int64 {
	ids := make([]int64, n)
	for i := range ids {
		switch ord {
		case ascendingIDs:
			ids[i] = int64(i + 1)
		case descendingIDs:
			ids[i] = int64(n - i)
		default:
			ids[i] = int64((i*7)%n + 1) // a permutation of 1..n when gcd(7, n) = 1
		}
	}
	return ids
}

func servePaged(env *testEnv, p paged, items []int64) *pagedServer {
	s := &pagedServer{items: items, inBody: p.inBody}
	env.respond(p.method, p.endpoint, s.responder())
	return s
}

// collect walks seq to its end without breaking.
func collect(seq iter.Seq2[int64, error]) (ids []int64, errs []error) {
	for id, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, id)
	}
	return ids, errs
}

func TestListResponsePaging(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		serverHas             int
		opts                  *ListOptions
		wantLen               int
		page, perPage, nextPg int
	}{
		{"nil options: page 1 of 10, full", 25, nil, 10, 1, 10, 2},
		{"nil options: a short page is the last", 3, nil, 3, 1, 10, 0},
		{"page 0 is page 1", 25, &ListOptions{Page: 0, PerPage: 5}, 5, 1, 5, 2},
		{"a full middle page", 15, &ListOptions{Page: 2, PerPage: 5}, 5, 2, 5, 3},
		{"a full page that happens to be the last: one more request needed", 15, &ListOptions{Page: 3, PerPage: 5}, 5, 3, 5, 4},
		{"a short last page", 12, &ListOptions{Page: 3, PerPage: 5}, 2, 3, 5, 0},
		{"beyond the end", 12, &ListOptions{Page: 4, PerPage: 5}, 0, 4, 5, 0},
	}
	for _, p := range pagedLists() {
		for _, tt := range tests {
			t.Run(p.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				env := setup(t)
				s := servePaged(env, p, serverOrder(ascendingIDs, tt.serverHas))
				ids, resp, err := p.list(context.Background(), env.client, tt.opts)
				require.NoError(t, err)
				assert.Len(t, ids, tt.wantLen)
				assert.Equal(t, tt.page, resp.Page)
				assert.Equal(t, tt.perPage, resp.PerPage)
				assert.Equal(t, tt.nextPg, resp.NextPage)
				assert.Equal(t, []int{tt.page}, s.pagesAsked(), "the server saw the page asked for")
			})
		}
	}
	t.Run("customer_search", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		s := &pagedServer{items: serverOrder(ascendingIDs, 7)}
		env.respond(http.MethodGet, "customer_search", s.responder())
		list, resp, err := env.client.Customers.Search(context.Background(), "a", &ListOptions{Page: 2, PerPage: 3})
		require.NoError(t, err)
		assert.Len(t, list, 3)
		assert.Equal(t, 2, resp.Page)
		assert.Equal(t, 3, resp.NextPage)
		list, resp, err = env.client.Customers.Search(context.Background(), "a", &ListOptions{Page: 3, PerPage: 3})
		require.NoError(t, err)
		assert.Len(t, list, 1)
		assert.Zero(t, resp.NextPage)
	})
}

func TestAllDefaultsToPerPage100(t *testing.T) {
	t.Parallel()
	for _, p := range pagedLists() {
		for _, opts := range []*ListOptions{nil, {}} {
			t.Run(p.name+"/"+strconv.FormatBool(opts == nil), func(t *testing.T) {
				t.Parallel()
				env := setup(t)
				s := servePaged(env, p, serverOrder(p.ord, 3))
				ids, errs := collect(p.all(context.Background(), env.client, opts))
				assert.Empty(t, errs)
				assert.ElementsMatch(t, []int64{1, 2, 3}, ids)
				assert.Equal(t, []int{1}, s.pagesAsked(), "one short page")
				assert.Equal(t, []int{DefaultIteratorPerPage}, s.perPagesAsked(), "perpage 100 sent")
				if p.inBody {
					assert.EqualValues(t, 100, s.bodies[0]["perpage"], "in the body")
					assert.EqualValues(t, 1, s.bodies[0]["page"])
				}
			})
		}
	}
}

func TestAllWalksEveryPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		serverHas int
		perPage   int
		wantPages []int
	}{
		{"stops on a short page", 23, 10, []int{1, 2, 3}},
		{"stops on an empty page", 20, 10, []int{1, 2, 3}},
		{"an empty list", 0, 10, []int{1}},
		{"pages of one", 3, 1, []int{1, 2, 3, 4}},
	}
	for _, p := range pagedLists() {
		for _, tt := range tests {
			t.Run(p.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				env := setup(t)
				items := serverOrder(p.ord, tt.serverHas)
				s := servePaged(env, p, items)
				ids, errs := collect(p.all(context.Background(), env.client, &ListOptions{PerPage: tt.perPage}))
				assert.Empty(t, errs)
				if len(items) == 0 {
					assert.Empty(t, ids)
				} else {
					assert.Equal(t, items, ids, "every item once, in the server's order")
				}
				assert.Equal(t, tt.wantPages, s.pagesAsked())
				for _, pp := range s.perPagesAsked() {
					assert.Equal(t, tt.perPage, pp)
				}
			})
		}
	}
}

func TestAllStopsWhenTheCallerBreaks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		breakAt   int
		wantPages []int
	}{
		{"in the middle of page 2", 12, []int{1, 2}},
		{"at the end of page 1", 10, []int{1}},
		{"at the first item", 1, []int{1}},
	}
	for _, p := range pagedLists() {
		for _, tt := range tests {
			t.Run(p.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				env := setup(t)
				s := servePaged(env, p, serverOrder(p.ord, 25))
				n := 0
				for _, err := range p.all(context.Background(), env.client, &ListOptions{PerPage: 10}) {
					require.NoError(t, err)
					n++
					if n == tt.breakAt {
						break
					}
				}
				assert.Equal(t, tt.breakAt, n)
				assert.Equal(t, tt.wantPages, s.pagesAsked(), "no request after the break")
			})
		}
	}
}

func TestAllYieldsAnErrorOnceThenStops(t *testing.T) {
	t.Parallel()
	for _, p := range pagedLists() {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			s := servePaged(env, p, serverOrder(p.ord, 25))
			s.failPage = 2
			ids, errs := collect(p.all(context.Background(), env.client, &ListOptions{PerPage: 10}))
			assert.Len(t, ids, 10, "page 1")
			require.Len(t, errs, 1, "one error, then the iterator ends by itself")
			assertAPIError(t, errs[0], p.method, p.endpoint, wantAPIError{is: ErrBadRequest, status: 400, apiStatus: "Bad request",
				message: "The API request was invalid."})
			assert.Equal(t, []int{1, 2}, s.pagesAsked(), "page 3 never asked for")
		})
	}
}

func TestAllStopsOnCancellation(t *testing.T) {
	t.Parallel()
	env := setup(t)
	p := pagedLists()[0]
	s := servePaged(env, p, serverOrder(p.ord, 25))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errs []error
	n := 0
	for _, err := range p.all(ctx, env.client, &ListOptions{PerPage: 10}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if n++; n == 10 {
			cancel()
		}
	}
	assert.Equal(t, 10, n)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], context.Canceled)
	assert.Equal(t, []int{1}, s.pagesAsked())
}

// insertAfterPage1 adds id to the server's list once page 1 has been cut.
func insertAfterPage1(id int64, atFront bool) func(int, *pagedServer) {
	return func(page int, s *pagedServer) {
		if page != 1 {
			return
		}
		if atFront {
			s.items = slices.Insert(s.items, 0, id)
		} else {
			s.items = append(s.items, id)
		}
	}
}

func TestAllNeverYieldsTheSameIDTwice(t *testing.T) {
	t.Parallel()
	byName := map[string]paged{}
	for _, p := range pagedLists() {
		byName[p.name] = p
	}
	tests := []struct {
		name     string
		list     string
		items    []int64
		change   func(int, *pagedServer)
		wantIDs  []int64 // in order
		wantSet  []int64 // any order (unordered lists)
		overlaps bool    // page 2 starts with the last item of page 1
	}{
		{
			// Newest first: quote 31 created after page 1 pushes 21 from the
			// end of page 1 to the start of page 2.
			name: "quotes: a quote created during the walk", list: "quotes",
			items: serverOrder(descendingIDs, 30), change: insertAfterPage1(31, true),
			wantIDs: serverOrder(descendingIDs, 30), overlaps: true,
		},
		{
			// ID ascending: a new contact lands at the end and is met once.
			name: "customers: a contact created during the walk", list: "customers",
			items: serverOrder(ascendingIDs, 25), change: insertAfterPage1(26, false),
			wantIDs: serverOrder(ascendingIDs, 26),
		},
		{
			// ID ascending: contact 5, restored from the trash after page 1,
			// shifts page 2 back by one.
			name: "customers: a contact restored behind the walk", list: "customers",
			items:   slices.DeleteFunc(serverOrder(ascendingIDs, 26), func(id int64) bool { return id == 5 }),
			change:  func(page int, s *pagedServer) { insertAfterPage1(5, true)(page, s); slices.Sort(s.items) },
			wantIDs: slices.DeleteFunc(serverOrder(ascendingIDs, 26), func(id int64) bool { return id == 5 }), overlaps: true,
		},
		{
			// No ORDER BY: a set, not a watermark, recognises what was met
			// (lower IDs come after higher ones and must still be yielded).
			name: "transactions: a transaction created during the walk", list: "transactions",
			items: serverOrder(unorderedIDs, 25), change: insertAfterPage1(26, true),
			wantSet: serverOrder(unorderedIDs, 25), overlaps: true,
		},
		{
			name: "invoices: an invoice created during the walk", list: "invoices",
			items: serverOrder(unorderedIDs, 25), change: insertAfterPage1(26, true),
			wantSet: serverOrder(unorderedIDs, 25), overlaps: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			p := byName[tt.list]
			s := servePaged(env, p, slices.Clone(tt.items))
			s.afterPage = tt.change
			ids, errs := collect(p.all(context.Background(), env.client, &ListOptions{PerPage: 10}))
			require.Empty(t, errs)
			seen := map[int64]int{}
			for _, id := range ids {
				seen[id]++
				assert.Equal(t, 1, seen[id], "ID %d yielded twice", id)
			}
			if tt.wantIDs != nil {
				assert.Equal(t, tt.wantIDs, ids)
			} else {
				assert.ElementsMatch(t, tt.wantSet, ids)
			}
			if tt.overlaps {
				// The fixture really did repeat an item: the test would fail
				// without the iterator's de-duplication.
				page1 := tt.items[:10]
				assert.Contains(t, s.items[10:20], page1[9], "page 2 holds the last item of page 1")
			}
		})
	}
}

func TestAllPassesTheFiltersOnEveryPage(t *testing.T) {
	t.Parallel()
	t.Run("customers", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		s := &pagedServer{items: serverOrder(ascendingIDs, 15), inBody: true}
		env.respond(http.MethodPost, "customers", s.responder())
		ids, errs := collect(idSeq(env.client.Customers.All(context.Background(), &CustomerListOptions{
			ListOptions: ListOptions{Page: 7, PerPage: 10}, Search: "example", WithTags: true, WithTransactions: true, Owner: 2,
		}), func(c *Customer) int64 { return c.ID }))
		require.Empty(t, errs)
		assert.Len(t, ids, 15)
		require.Len(t, s.bodies, 2)
		for i, b := range s.bodies {
			assert.Equal(t, map[string]any{"page": float64(i + 1), "perpage": float64(10), "search": "example", "tags": true,
				"transactions": "true", "owned": float64(2)}, b, "page %d; All starts at page 1 whatever Page says", i+1)
		}
	})
	t.Run("events", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		w := serveWire(env, http.MethodGet, "events", (&pagedServer{items: serverOrder(ascendingIDs, 3)}).responder())
		ids, errs := collect(idSeq(env.client.Events.All(context.Background(), &EventListOptions{ListOptions: ListOptions{PerPage: 2}, Owner: 1}),
			func(e *Event) int64 { return e.ID }))
		require.Empty(t, errs)
		assert.Equal(t, []int64{1, 2, 3}, ids)
		reqs := w.requests()
		require.Len(t, reqs, 2)
		for i, r := range reqs {
			assert.Equal(t, map[string][]string{"page": {strconv.Itoa(i + 1)}, "perpage": {"2"}, "owner": {"1"}, "order": {"ASC"}}, map[string][]string(r.Query))
		}
	})
}

// TestNullListEntriesAreSkippedAndStillCounted: a JSON list with null
// entries gave nil elements (the CLI then panicked). Every list skips them,
// the same way, and still counts them for paging: a full page with a null
// is not the last page.
func TestNullListEntriesAreSkippedAndStillCounted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	page := func(ids ...string) string {
		var parts []string
		for _, id := range ids {
			if id == "null" {
				parts = append(parts, "null")
			} else {
				parts = append(parts, `{"id":"`+id+`","email":"c`+id+`@example.com"}`)
			}
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	// Pages of 3: [1, null, 2], [null, 3, 4], [5].
	pages := []string{page("1", "null", "2"), page("null", "3", "4"), page("5")}
	byPage := func(req *http.Request) (*http.Response, error) {
		p := req.URL.Query().Get("page")
		if req.Body != nil && p == "" {
			var b struct {
				Page int `json:"page"`
			}
			_ = json.NewDecoder(req.Body).Decode(&b)
			p = strconv.Itoa(b.Page)
		}
		n, _ := strconv.Atoi(p)
		if n < 1 || n > len(pages) {
			return jsonResponder(200, `[]`)(req)
		}
		return jsonResponder(200, pages[n-1])(req)
	}
	lists := []struct {
		name, method, endpoint string
		list                   func(c *Client) (int, *Response, error)
		all                    func(c *Client) ([]int64, []error)
	}{
		{"customers", http.MethodPost, "customers",
			func(c *Client) (int, *Response, error) {
				l, r, err := c.Customers.List(ctx, &CustomerListOptions{ListOptions: ListOptions{Page: 1, PerPage: 3}})
				return countNonNil(l), r, err
			},
			func(c *Client) ([]int64, []error) {
				return collect(idSeq(c.Customers.All(ctx, &CustomerListOptions{ListOptions: ListOptions{PerPage: 3}}), func(x *Customer) int64 { return x.ID }))
			}},
		{"customer_search", http.MethodGet, "customer_search",
			func(c *Client) (int, *Response, error) {
				l, r, err := c.Customers.Search(ctx, "c", &ListOptions{Page: 1, PerPage: 3})
				return countNonNil(l), r, err
			}, nil},
		{"companies", http.MethodPost, "companies",
			func(c *Client) (int, *Response, error) {
				l, r, err := c.Companies.List(ctx, &ListOptions{Page: 1, PerPage: 3})
				return countNonNil(l), r, err
			},
			func(c *Client) ([]int64, []error) {
				return collect(idSeq(c.Companies.All(ctx, &ListOptions{PerPage: 3}), func(x *Company) int64 { return x.ID }))
			}},
		{"transactions", http.MethodGet, "transactions",
			func(c *Client) (int, *Response, error) {
				l, r, err := c.Transactions.List(ctx, &ListOptions{Page: 1, PerPage: 3})
				return countNonNil(l), r, err
			},
			func(c *Client) ([]int64, []error) {
				return collect(idSeq(c.Transactions.All(ctx, &ListOptions{PerPage: 3}), func(x *Transaction) int64 { return x.ID }))
			}},
		{"events", http.MethodGet, "events",
			func(c *Client) (int, *Response, error) {
				l, r, err := c.Events.List(ctx, &EventListOptions{ListOptions: ListOptions{Page: 1, PerPage: 3}})
				return countNonNil(l), r, err
			},
			func(c *Client) ([]int64, []error) {
				return collect(idSeq(c.Events.All(ctx, &EventListOptions{ListOptions: ListOptions{PerPage: 3}}), func(x *Event) int64 { return x.ID }))
			}},
		{"quotes", http.MethodGet, "quotes",
			func(c *Client) (int, *Response, error) {
				l, r, err := c.Quotes.List(ctx, &ListOptions{Page: 1, PerPage: 3})
				return countNonNil(l), r, err
			}, nil},
		{"invoices", http.MethodGet, "invoices",
			func(c *Client) (int, *Response, error) {
				l, r, err := c.Invoices.List(ctx, &ListOptions{Page: 1, PerPage: 3})
				return countNonNil(l), r, err
			},
			func(c *Client) ([]int64, []error) {
				return collect(idSeq(c.Invoices.All(ctx, &ListOptions{PerPage: 3}), func(x *Invoice) int64 { return x.ID }))
			}},
	}
	for _, tt := range lists {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			env.respond(tt.method, tt.endpoint, byPage)
			n, resp, err := tt.list(env.client)
			require.NoError(t, err)
			assert.Equal(t, -2, n, "no nil element: two records")
			assert.Equal(t, 2, resp.NextPage, "a full page with a null is not the last")
			assert.Contains(t, env.logs.String(), "skipped null entries")
			if tt.all != nil {
				ids, errs := tt.all(env.client)
				require.Empty(t, errs)
				assert.ElementsMatch(t, []int64{1, 2, 3, 4, 5}, ids, "the walk reaches the last page")
			}
		})
	}
}

// countNonNil returns len(list), or -len(list) when no element is nil.
func countNonNil[T any](list []*T) int {
	for _, e := range list {
		if e == nil {
			return len(list)
		}
	}
	return -len(list)
}

// TestAllWalksNewestFirstListsOfCompaniesAndEvents: Jetpack CRM 6.6 lists
// companies and events newest first; a walk that expected ascending IDs
// took the second page for a repeat and stopped with ErrPagingStalled.
func TestAllWalksNewestFirstListsOfCompaniesAndEvents(t *testing.T) {
	t.Parallel()
	env := setup(t)
	page := func(first int) string {
		var items []string
		for id := first; id > first-2 && id > 0; id-- {
			items = append(items, fmt.Sprintf(`{"id":"%d","name":"c%d","email":"c%d@example.com"}`, id, id, id))
		}
		return "[" + strings.Join(items, ",") + "]"
	}
	newestFirst := func(req *http.Request) (*http.Response, error) {
		var p struct {
			Page int `json:"page"`
		}
		if req.Body != nil {
			_ = json.NewDecoder(req.Body).Decode(&p)
		}
		if n := req.URL.Query().Get("page"); n != "" {
			p.Page, _ = strconv.Atoi(n)
		}
		return jsonResponder(200, page(5-2*(max(p.Page, 1)-1)))(req)
	}
	env.respond(http.MethodPost, "companies", newestFirst)
	env.respond(http.MethodGet, "events", newestFirst)
	var companies, events []int64
	for c, err := range env.client.Companies.All(context.Background(), &ListOptions{PerPage: 2}) {
		require.NoError(t, err)
		companies = append(companies, c.ID)
	}
	for e, err := range env.client.Events.All(context.Background(), &EventListOptions{ListOptions: ListOptions{PerPage: 2}}) {
		require.NoError(t, err)
		events = append(events, e.ID)
	}
	assert.Equal(t, []int64{5, 4, 3, 2, 1}, companies)
	assert.Equal(t, []int64{5, 4, 3, 2, 1}, events)
}

// A newest-first list on a busy site shifts by the records added during
// the walk: a page can hold only records already yielded without the
// server ignoring paging. The walk goes on; only the first page again, or
// too many such pages in a row, is a stall.
func TestAllTakesPagesShiftedByInserts(t *testing.T) {
	t.Parallel()
	t.Run("two companies added before every page of two", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		s := &pagedServer{items: serverOrder(descendingIDs, 20), inBody: true}
		next := int64(21)
		s.afterPage = func(page int, s *pagedServer) {
			if page%3 == 0 { // now and then, a whole page's worth
				s.items = slices.Insert(s.items, 0, next+1, next)
				next += 2
			}
		}
		env.respond(http.MethodPost, "companies", s.responder())
		ids, errs := collect(idSeq(env.client.Companies.All(context.Background(), &ListOptions{PerPage: 2}), func(c *Company) int64 { return c.ID }))
		require.Empty(t, errs)
		assert.Subset(t, ids, serverOrder(descendingIDs, 20), "every company there at the start")
		seen := map[int64]bool{}
		for _, id := range ids {
			assert.False(t, seen[id], "ID %d twice", id)
			seen[id] = true
		}
	})
	t.Run("the same records in another order, page after page", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		var calls int
		env.respond(http.MethodGet, "transactions", func(req *http.Request) (*http.Response, error) {
			calls++
			if calls == 1 {
				return jsonResponder(200, `[{"id":"1"},{"id":"2"}]`)(req)
			}
			return jsonResponder(200, `[{"id":"2"},{"id":"1"}]`)(req) // never page 1 again
		})
		ids, errs := collect(idSeq(env.client.Transactions.All(context.Background(), &ListOptions{PerPage: 2}), func(x *Transaction) int64 { return x.ID }))
		assert.Equal(t, []int64{1, 2}, ids)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], ErrPagingStalled)
		assert.Equal(t, 1+maxStalePages, calls, "bounded")
	})
}

func TestIteratorStopsWhenTheServerIgnoresPaging(t *testing.T) {
	t.Parallel()
	env := setup(t)
	env.respond("GET", "quotes", jsonResponder(200, `[{"id":"2"},{"id":"1"}]`))
	var got []int64
	var errs []error
	for q, err := range env.client.Quotes.All(context.Background(), &ListOptions{PerPage: 2}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, q.ID)
	}
	assert.Equal(t, []int64{2, 1}, got)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrPagingStalled)
	assert.Equal(t, 2, env.mock.GetTotalCallCount())
}
