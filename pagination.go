package jetpackcrm

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
)

// ErrPagingStalled is yielded by an All iterator when a full page holds
// only records it has already yielded, which means the server is not
// paging; without it the iterator would ask for ever.
var ErrPagingStalled = errors.New("jetpackcrm: paging stalled")

// DefaultIteratorPerPage is the page size All iterators use when none is set.
const DefaultIteratorPerPage = 100

// ListOptions selects a page. Pages are 1-based: page 1 is the first page
// (the server treats 0 as 1 too, so a loop starting at 0 would fetch the
// first page twice). Zero values mean the server's defaults (page 1, 10 per
// page). Negative values are refused before sending. The API sends no
// totals: the last page is the first one shorter than PerPage.
type ListOptions struct {
	Page    int `url:"page,omitempty" json:"page,omitempty"`
	PerPage int `url:"perpage,omitempty" json:"perpage,omitempty"`
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
	return nil
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

// order is how an endpoint sorts its list, which decides how the iterator
// recognises an item it has already yielded.
type order int

const (
	ascendingIDs  order = iota // customers (both 6.4 and 6.6)
	descendingIDs              // quotes: newest first
	unorderedIDs               // invoices, transactions: no ORDER BY; companies, events: oldest first in 6.4, newest first in 6.6
)

// pageFetcher fetches one page of a list.
type pageFetcher[T any] func(ctx context.Context, page, perPage int) ([]*T, *Response, error)

// iterate walks every page of a list. It stops on a short or empty page,
// when the caller breaks, or after yielding an error once. It never yields
// the same ID twice: records inserted during the walk shift the pages, so a
// record can come back on the next page.
func iterate[T any](ctx context.Context, perPage int, ord order, id func(*T) int64, fetch pageFetcher[T]) iter.Seq2[*T, error] {
	if perPage <= 0 {
		perPage = DefaultIteratorPerPage
	}
	return func(yield func(*T, error) bool) {
		if ctx == nil {
			yield(nil, invalid("All", "ctx", "nil context"))
			return
		}
		seen := newSeenIDs(ord)
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
			for _, it := range items {
				if it == nil || !seen.first(id(it)) {
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
			if fresh == 0 {
				// A full page of records already yielded: the server is
				// not paging (a cache, or a host that drops the page
				// parameter). Asking again would loop for ever.
				yield(nil, fmt.Errorf("jetpackcrm: page %d repeated records already seen; the server does not seem to honour paging: %w", page, ErrPagingStalled))
				return
			}
		}
	}
}

// seenIDs remembers what an iterator has yielded. For sorted lists a
// watermark is enough and costs no memory; unsorted lists keep a set.
type seenIDs struct {
	ord     order
	started bool
	mark    int64
	set     map[int64]struct{}
}

func newSeenIDs(ord order) *seenIDs {
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

// listByQuery fetches one page of a GET list endpoint, whose paging and
// filters travel in the query string.
func listByQuery[T any](ctx context.Context, c *Client, op, endpoint string, q interface{ validate(string) error }, lo *ListOptions) ([]*T, *Response, error) {
	if err := q.validate(op); err != nil {
		return nil, nil, err
	}
	var out []*T
	resp, err := c.call(ctx, http.MethodGet, endpoint, q, nil, true, &out)
	if err != nil {
		return nil, resp, err
	}
	page, perPage := lo.effective()
	resp.setPage(page, perPage, len(out))
	return out, resp, nil
}

// allPages is All for the lists that take plain *ListOptions.
func allPages[T any](ctx context.Context, op string, opts *ListOptions, ord order, id func(*T) int64,
	list func(context.Context, *ListOptions) ([]*T, *Response, error)) iter.Seq2[*T, error] {
	if err := opts.validate(op); err != nil {
		return errorSeq[T](err)
	}
	perPage := 0
	if opts != nil {
		perPage = opts.PerPage
	}
	return iterate(ctx, perPage, ord, id, func(ctx context.Context, page, perPage int) ([]*T, *Response, error) {
		return list(ctx, &ListOptions{Page: page, PerPage: perPage})
	})
}

// errorSeq yields err once: how an All reports input it refused.
func errorSeq[T any](err error) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) { yield(nil, err) }
}
