package jetpackcrm

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
)

// ErrPagingStalled is the Err of the [*PagingError] an All or SearchAll
// iterator yields when a full page holds only records it has already
// yielded, which means the server is not paging; without it the iterator
// would ask for ever.
var ErrPagingStalled = errors.New("jetpackcrm: paging stalled")

// ErrUnexpectedOrder is the Err of the [*PagingError] an All iterator
// yields when it meets a page not sorted the way the list should be (a
// site whose release changed under a [Client], or a proxy reordering
// answers): the iterator stops rather than skip records it cannot
// recognise.
var ErrUnexpectedOrder = errors.New("jetpackcrm: list not in the expected order")

// maxStalePages is how many full pages in a row an iterator takes that
// bring nothing new before it gives up with ErrPagingStalled (unless one of
// them is the first page again, which stops it at once).
const maxStalePages = 5

// DefaultIteratorPerPage is the page size All iterators use when none is set.
const DefaultIteratorPerPage = 100

// ListOptions selects a page, and the order of the list. Pages are 1-based:
// page 1 is the first page (every release treats 0 as 1 too, so a loop
// starting at 0 would fetch the first page twice). Zero values mean the
// defaults (page 1, 10 per page, the list's default order). Negative
// values are refused before sending (Jetpack CRM 6.4 reads a negative
// perpage as 10, 6.5 and later as 1; the SDK sends neither). The API sends
// no totals: the last page is the first one shorter than PerPage.
type ListOptions struct {
	Page    int `url:"page,omitempty" json:"page,omitempty"`
	PerPage int `url:"perpage,omitempty" json:"perpage,omitempty"`
	// Order asks for the list in this order. It is honoured where the
	// site's release sorts that list so, and refused with a
	// *ValidationError naming the release where it does not: order=ASC|DESC
	// on events, transactions, quotes, invoices and the contact search
	// needs Jetpack CRM 6.5.0 or later (see Features); contacts always come
	// oldest first, companies oldest first before 6.6.0 and newest first
	// from it. Deciding may read the site's status once per Client (see
	// Client.Features). Each List method states its default order.
	Order SortOrder `url:"-" json:"-"`
}

func (o *ListOptions) validate(op string) error {
	if o == nil {
		return nil
	}
	if o.Page < 0 {
		return invalid(op, "Page", "must not be negative, got %d (pages start at 1)", o.Page)
	}
	if o.PerPage < 0 {
		return invalid(op, "PerPage", "must not be negative, got %d", o.PerPage)
	}
	if !o.Order.valid() {
		return invalid(op, "Order", "must be Ascending (\"ASC\"), Descending (\"DESC\") or empty, got %q", string(o.Order))
	}
	return nil
}

// order returns the order asked for ("" for the default).
func (o *ListOptions) order() SortOrder {
	if o == nil {
		return ""
	}
	return o.Order
}

// serverPerPage is the page size the server uses when none is sent.
const serverPerPage = 10

// effective returns the page and page size the server will use.
func (o *ListOptions) effective() (page, perPage int) {
	page, perPage = 1, serverPerPage
	if o != nil {
		if o.Page > 1 {
			page = o.Page
		}
		if o.PerPage > 0 {
			perPage = o.PerPage
		}
	}
	return page, perPage
}

// Response is the HTTP answer to a call, with what the SDK learnt from it.
// Its Body has been read and closed.
type Response struct {
	*http.Response
	// Page and PerPage are the page that was asked for (1-based) and its size.
	Page    int
	PerPage int
	// NextPage is the page to ask for next, or 0 after the last page (a page
	// shorter than PerPage).
	NextPage int
	// Attempts is how many times the request was sent (1 without retries).
	Attempts int

	// nullEntries counts the null entries of a list answer, which the
	// list leaves out but paging counts.
	nullEntries int
}

// entries is how many entries the page had, null ones included: got
// records and the nulls dropped.
func (r *Response) entries(got int) int {
	if r == nil {
		return got
	}
	return got + r.nullEntries
}

func (r *Response) setPage(page, perPage, got int) {
	if r == nil {
		return
	}
	r.Page, r.PerPage = page, perPage
	if got = r.entries(got); got >= perPage && got > 0 {
		r.NextPage = page + 1
	}
}

// idOrder is how a list is sorted, which decides how the iterator
// recognises an item it has already yielded.
type idOrder int

const (
	ascendingIDs  idOrder = iota // customers (every release), and any list asked for Ascending
	descendingIDs                // quotes by default, and any list asked for Descending
	unorderedIDs                 // invoices, transactions: no ORDER BY on 6.4; companies, events: the order depends on the release
)

// pageFetcher fetches one page of a list.
type pageFetcher[T any] func(ctx context.Context, page, perPage int) ([]*T, *Response, error)

// iterate walks every page of a list. It stops on a short or empty page,
// when the caller breaks, or after yielding an error once. It never yields
// the same ID twice: records inserted during the walk shift the pages, so a
// record can come back on the next page.
func iterate[T any](ctx context.Context, op string, perPage int, ord idOrder, id func(*T) int64, fetch pageFetcher[T]) iter.Seq2[*T, error] {
	if perPage <= 0 {
		perPage = DefaultIteratorPerPage
	}
	return func(yield func(*T, error) bool) {
		if ctx == nil {
			yield(nil, invalid(op, "ctx", "nil context"))
			return
		}
		seen := newSeenIDs(ord)
		var firstPage []int64 // the IDs of page 1, in order
		stale := 0            // consecutive full pages with nothing new
		for page := 1; ; page++ {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			items, resp, err := fetch(ctx, page, perPage)
			if err != nil {
				yield(nil, err)
				return
			}
			fresh := 0
			var ids []int64
			for _, it := range items {
				if it == nil {
					continue
				}
				if page == 1 || fresh == 0 {
					ids = append(ids, id(it))
				}
				if !seen.first(id(it)) {
					if fresh > 0 && ord != unorderedIDs {
						// Behind a record just yielded: the page is not in
						// the order the watermark relies on, which would
						// skip records without a word.
						yield(nil, &PagingError{Op: op, Page: page, Err: ErrUnexpectedOrder,
							Reason: fmt.Sprintf("is not sorted %s as the list should be (ID %d out of order)", ord.words(), id(it))})
						return
					}
					continue
				}
				fresh++
				if !yield(it, nil) {
					return
				}
			}
			if resp.entries(len(items)) < perPage {
				return
			}
			if page == 1 {
				firstPage = ids
			}
			if fresh > 0 {
				stale = 0
				continue
			}
			// A full page of records already yielded. The first page again
			// is a server that is not paging (a cache, or a host that drops
			// the page parameter): asking again would loop for ever.
			// Another page is the list shifting under the walk (records
			// added at its start, as newest-first lists are on a busy
			// site): the walk goes on, within a bound.
			if stale++; slices.Equal(ids, firstPage) || stale >= maxStalePages {
				yield(nil, pagingStalled(op, page))
				return
			}
		}
	}
}

// words names the order in a sentence.
func (o idOrder) words() string {
	if o == descendingIDs {
		return "newest first"
	}
	return "oldest first"
}

// seenIDs remembers what an iterator has yielded. For sorted lists a
// watermark is enough and costs no memory; unsorted lists keep a set.
type seenIDs struct {
	ord     idOrder
	started bool
	mark    int64
	set     map[int64]struct{}
}

func newSeenIDs(ord idOrder) *seenIDs {
	s := &seenIDs{ord: ord}
	if ord == unorderedIDs {
		s.set = make(map[int64]struct{})
	}
	return s
}

// first reports whether id is new, and remembers it.
func (s *seenIDs) first(id int64) bool {
	switch s.ord {
	case ascendingIDs:
		if s.started && id <= s.mark {
			return false
		}
	case descendingIDs:
		if s.started && id >= s.mark {
			return false
		}
	default:
		if _, dup := s.set[id]; dup {
			return false
		}
		s.set[id] = struct{}{}
		return true
	}
	s.started, s.mark = true, id
	return true
}

// pageQuery is the query of the GET lists that take only paging and the
// order.
type pageQuery struct {
	Page    int       `url:"page,omitempty"`
	PerPage int       `url:"perpage,omitempty"`
	Order   SortOrder `url:"order,omitempty"`
}

// validator is a list's options, checked before anything is sent.
type validator interface{ validate(op string) error }

// listByQuery fetches one page of a GET list endpoint, whose paging, order
// and filters travel in the query string. It checks opts, then the order
// asked for in lo against the site's release (resolveOrder), and sends the
// query that query builds for the order: the one asked for, or def.
func listByQuery[T any](ctx context.Context, c *Client, op, endpoint string, opts validator, lo *ListOptions, def SortOrder, query func(SortOrder) any) ([]*T, *Response, error) {
	if err := opts.validate(op); err != nil {
		return nil, nil, err
	}
	order, err := c.resolveOrder(ctx, op, endpoint, lo.order())
	if err != nil {
		return nil, nil, err
	}
	if order == "" {
		order = def
	}
	var out []*T
	resp, err := c.call(ctx, op, http.MethodGet, endpoint, query(order), nil, true, &out)
	if err != nil {
		return nil, resp, err
	}
	page, perPage := lo.effective()
	resp.setPage(page, perPage, len(out))
	return out, resp, nil
}

// listPage is listByQuery for the GET lists that take plain *ListOptions.
func listPage[T any](ctx context.Context, c *Client, op, endpoint string, opts *ListOptions, def SortOrder) ([]*T, *Response, error) {
	return listByQuery[T](ctx, c, op, endpoint, opts, opts, def, func(order SortOrder) any {
		q := &pageQuery{Order: order}
		if opts != nil {
			q.Page, q.PerPage = opts.Page, opts.PerPage
		}
		return q
	})
}

// iterationOrder is how an All iterator recognises what it has yielded:
// by the order asked for, which the list refuses on a release that would
// not honour it, or else by the list's default order def.
func iterationOrder(asked SortOrder, def idOrder) idOrder {
	if asked != "" {
		return asked.idOrder()
	}
	return def
}

// allPages is All for the lists that take plain *ListOptions: every page
// with opts' page size and order.
func allPages[T any](ctx context.Context, op string, opts *ListOptions, def idOrder, id func(*T) int64,
	list func(context.Context, *ListOptions) ([]*T, *Response, error)) iter.Seq2[*T, error] {
	if err := opts.validate(op); err != nil {
		return errorSeq[T](err)
	}
	base := ListOptions{}
	if opts != nil {
		base = *opts
	}
	return iterate(ctx, op, base.PerPage, iterationOrder(base.Order, def), id, func(ctx context.Context, page, perPage int) ([]*T, *Response, error) {
		o := base
		o.Page, o.PerPage = page, perPage
		return list(ctx, &o)
	})
}

// errorSeq yields err once: how an All reports input it refused.
func errorSeq[T any](err error) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) { yield(nil, err) }
}
