package jetpackcrm

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Bulk limits.
const (
	DefaultBulkConcurrency = 4
	MaxBulkConcurrency     = 64
)

// BulkOptions tunes Customers.UpsertMany.
type BulkOptions struct {
	// Concurrency is the number of requests in flight (default 4, at most
	// 64). The Client's rate limit and its 429 pause apply to all of them.
	Concurrency int
	// Merge writes each contact with Customers.Update (read, merge, write:
	// nothing unsent is blanked) and creates it with Customers.Create when
	// no contact has its email. Without Merge each request is a plain
	// create_customer upsert, which blanks the fields it does not send.
	Merge bool
	// OnResult, if set, is called once per request as it completes, one call
	// at a time, in completion order (for progress reporting).
	OnResult func(BulkResult)
}

// BulkOutcome says what a bulk write did.
type BulkOutcome int

const (
	// BulkFailed: the request failed; BulkResult.Err says why.
	BulkFailed BulkOutcome = iota
	// BulkUpserted: create_customer accepted it (created or overwritten:
	// the API does not say which).
	BulkUpserted
	// BulkCreated: with Merge, no contact had the email; it was created.
	BulkCreated
	// BulkUpdated: with Merge, the existing contact was updated.
	BulkUpdated
)

// String names the outcome.
func (o BulkOutcome) String() string {
	switch o {
	case BulkUpserted:
		return "upserted"
	case BulkCreated:
		return "created"
	case BulkUpdated:
		return "updated"
	default:
		return "failed"
	}
}

// BulkResult is the result of one request of a bulk write.
type BulkResult struct {
	// Index is the request's position in the input.
	Index int
	// Outcome is what happened; Customer is set unless it failed.
	Outcome  BulkOutcome
	Customer *Customer
	// Err is the failure (a *ValidationError for a request refused before
	// sending, an *APIError, ...).
	Err error
}

// UpsertMany writes many contacts with bounded concurrency and returns one
// result per request, in input order. A request that fails does not stop
// the others. Requests for the same email (compared case-insensitively)
// are written one after the other in input order, never concurrently: two
// concurrent upserts of a new email could create the contact twice.
//
// The error is non-nil only when opts is invalid (nothing is sent) or ctx
// ends before every request was tried; the requests not tried then carry a
// *RequestError wrapping ctx's error.
func (s *CustomersService) UpsertMany(ctx context.Context, requests []*CustomerRequest, opts BulkOptions) ([]BulkResult, error) {
	const op = "Customers.UpsertMany"
	ctx, scope := (*service)(s).owner().telemetryScope(ctx, op) // the writes' spans are its children
	results, err := s.upsertMany(ctx, op, requests, opts)
	scope.end(err)
	return results, err
}

func (s *CustomersService) upsertMany(ctx context.Context, op string, requests []*CustomerRequest, opts BulkOptions) ([]BulkResult, error) {
	if opts.Concurrency < 0 || opts.Concurrency > MaxBulkConcurrency {
		return nil, invalid(op, "Concurrency", "must be between 1 and %d, got %d", MaxBulkConcurrency, opts.Concurrency)
	}
	if err := (*service)(s).owner().ready(op); err != nil {
		return nil, err
	}
	if ctx == nil {
		return nil, invalid(op, "ctx", "nil context")
	}
	workers := opts.Concurrency
	if workers == 0 {
		workers = DefaultBulkConcurrency
	}
	results := make([]BulkResult, len(requests))
	groups := groupByEmail(requests)
	if workers > len(groups) {
		workers = len(groups)
	}

	var report sync.Mutex
	finish := func(r BulkResult) {
		results[r.Index] = r
		if opts.OnResult != nil {
			report.Lock()
			opts.OnResult(r)
			report.Unlock()
		}
	}
	work := make(chan []int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for group := range work {
				for _, i := range group {
					finish(s.upsertOne(ctx, op, i, requests[i], opts.Merge))
				}
			}
		}()
	}
	sent := 0
feed:
	for _, g := range groups {
		select {
		case work <- g:
			sent++
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	for _, g := range groups[sent:] {
		for _, i := range g {
			finish(BulkResult{Index: i, Err: &RequestError{Method: "POST", Endpoint: "create_customer", Err: ctx.Err()}})
		}
	}
	// The context may also have ended after every group was handed out:
	// the requests a worker then could not send carry its error too.
	if err := ctx.Err(); err != nil {
		for _, r := range results {
			if errors.Is(r.Err, err) {
				return results, fmt.Errorf("jetpackcrm: %s: stopped before every request was tried: %w", op, err)
			}
		}
	}
	return results, nil
}

func (s *CustomersService) upsertOne(ctx context.Context, op string, i int, req *CustomerRequest, merge bool) BulkResult {
	res := BulkResult{Index: i}
	if req == nil {
		res.Err = invalid(op, fmt.Sprintf("requests[%d]", i), "nil *CustomerRequest")
		return res
	}
	if !merge {
		res.Customer, _, res.Err = s.Create(ctx, req)
		if res.Err == nil {
			res.Outcome = BulkUpserted
		}
		return res
	}
	res.Customer, _, res.Err = s.Update(ctx, req.Email, req)
	switch {
	case res.Err == nil:
		res.Outcome = BulkUpdated
	case errors.Is(res.Err, ErrNotFound):
		res.Customer, _, res.Err = s.Create(ctx, req)
		if res.Err == nil {
			res.Outcome = BulkCreated
		}
	}
	return res
}

// groupByEmail returns the request indexes grouped by email, groups in the
// order of their first request.
func groupByEmail(requests []*CustomerRequest) [][]int {
	var groups [][]int
	byEmail := make(map[string]int, len(requests))
	for i, r := range requests {
		var key string
		if r != nil && r.Email != "" {
			key = strings.ToLower(strings.TrimSpace(r.Email))
		} else {
			key = "#" + strconv.Itoa(i) // nil or empty email: alone (no '@', so no email's key)
		}
		if g, ok := byEmail[key]; ok {
			groups[g] = append(groups[g], i)
			continue
		}
		byEmail[key] = len(groups)
		groups = append(groups, []int{i})
	}
	return groups
}
