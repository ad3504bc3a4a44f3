package jetpackcrm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Bulk limits.
const (
	DefaultBulkConcurrency = 4
	MaxBulkConcurrency     = 64
)

// BulkOptions tunes [CustomersService.UpsertMany].
type BulkOptions struct {
	// Concurrency is the number of requests in flight (default 4, at most
	// 64). The Client's rate limit and its 429 pause apply to all of them.
	Concurrency int
	// Merge makes UpsertMany a Customers.Sync (with its defaults): each
	// request is merged into the stored contact as Customers.Update does
	// (nothing unsent is blanked), written only when it changes something
	// (BulkUnchanged otherwise), and created when no contact has its email.
	// Without Merge each request is a plain create_customer upsert, sent as
	// is without any read, which blanks the fields it does not send.
	Merge bool
	// DryRun decides every request and writes nothing (a Sync with
	// DryRun): each one is checked and its contact found, and its result
	// says what the write would do (BulkCreated, BulkUpdated with the keys
	// it would change in Changes, or BulkUnchanged), with Customer the
	// stored contact (nil for a new one). Without Merge it decides for an
	// overwrite, which also changes every field the request leaves empty.
	DryRun bool
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
	// BulkUnchanged: the contact exists and the write would change none
	// of its fields, so none was sent (or, in a dry run, none would be).
	BulkUnchanged
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
	case BulkUnchanged:
		return "unchanged"
	default:
		return "failed"
	}
}

// BulkResult is the result of one request of a bulk write.
type BulkResult struct {
	// Index is the request's position in the input.
	Index int
	// Outcome is what happened; Customer is set unless it failed (or, in a
	// dry run, the contact is new).
	Outcome  BulkOutcome
	Customer *Customer
	// Changes are the wire keys ("lname", "city", "tags", a custom field's
	// slug...) whose stored value the write changes, when that is known
	// (a dry run, or BulkUpdated with Merge), sorted.
	Changes []string
	// Err is the failure (a *ValidationError for a request refused before
	// sending, an *APIError, ...).
	Err error
}

// UpsertMany writes many contacts with bounded concurrency and returns one
// result per request, in input order. Without Merge or DryRun it sends each
// request as a create_customer upsert and reads nothing; with either it is
// [CustomersService.Sync] (see [BulkOptions]). A request that fails does not
// stop the others. Requests for the same email (compared case-insensitively)
// are written one after the other in input order, never concurrently: two
// concurrent upserts of a new email could create the contact twice.
//
// The site matches emails case-insensitively but stores the spelling it is
// sent. With Merge, a contact keeps the spelling the site has (rows are
// keys, not renames; [CustomersService.Update] renames). Without Merge each
// row is sent as is, so the site ends up with the spelling of the batch's
// first row of that email: the later rows are sent with it.
//
// The error is non-nil only when opts is invalid (nothing is sent), when
// the site refuses the credentials (a 401: the requests not tried then
// carry an error matching [ErrUnauthorized], and none is sent after it), or
// when ctx ends before every request was tried; the requests not tried then
// carry a [*RequestError] wrapping ctx's error.
func (s *CustomersService) UpsertMany(ctx context.Context, requests []*CustomerRequest, opts BulkOptions) ([]BulkResult, error) {
	const op = "Customers.UpsertMany"
	ctx, scope := (*service)(s).owner().telemetryScope(ctx, op) // the writes' spans are its children
	results, err := s.upsertMany(ctx, op, requests, opts)
	scope.end(err)
	return results, err
}

func (s *CustomersService) upsertMany(ctx context.Context, op string, requests []*CustomerRequest, opts BulkOptions) ([]BulkResult, error) {
	if opts.Merge || opts.DryRun {
		return s.sync(ctx, op, requests, SyncOptions{Concurrency: opts.Concurrency, Overwrite: !opts.Merge, DryRun: opts.DryRun, OnResult: opts.OnResult})
	}
	run, workers, err := s.newBulkRun(ctx, op, len(requests), opts.Concurrency, opts.OnResult)
	if err != nil {
		return nil, err
	}
	return run.run(ctx, groupByEmail(requests), workers, func(ctx context.Context, group []int) {
		first := requests[group[0]]
		for _, i := range group {
			if run.stopped() {
				run.notTried(i)
				continue
			}
			req := sameSpelling(requests[i], first)
			res := BulkResult{Index: i}
			if res.Err = s.checkBulkRequest(ctx, op, i, req); res.Err == nil {
				if res.Customer, _, res.Err = s.Create(ctx, req); res.Err == nil {
					res.Outcome = BulkUpserted
				}
			}
			run.finish(res)
		}
	})
}

// bulkRun is the machinery of a bulk write shared by UpsertMany and Sync:
// one result per request, OnResult one call at a time, groups of requests
// (one email each) handed to workers in input order, a stop at the first
// 401 (every later request would be refused the same way), and the
// requests not tried when ctx ends or the site refuses the credentials.
type bulkRun struct {
	op       string
	results  []BulkResult
	onResult func(BulkResult)
	report   sync.Mutex
	// refused is the first 401's error.
	refused atomic.Pointer[error]
}

// newBulkRun checks what every bulk write needs and returns its run and
// the number of workers.
func (s *CustomersService) newBulkRun(ctx context.Context, op string, n, concurrency int, onResult func(BulkResult)) (*bulkRun, int, error) {
	if concurrency < 0 || concurrency > MaxBulkConcurrency {
		return nil, 0, invalid(op, "Concurrency", "must be between 1 and %d, got %d", MaxBulkConcurrency, concurrency)
	}
	if err := (*service)(s).owner().ready(op); err != nil {
		return nil, 0, err
	}
	if ctx == nil {
		return nil, 0, invalid(op, "ctx", "nil context")
	}
	if concurrency == 0 {
		concurrency = DefaultBulkConcurrency
	}
	return &bulkRun{op: op, results: make([]BulkResult, n), onResult: onResult}, concurrency, nil
}

func (r *bulkRun) finish(res BulkResult) {
	if res.Err != nil && errors.Is(res.Err, ErrUnauthorized) && r.refused.Load() == nil {
		err := res.Err
		r.refused.CompareAndSwap(nil, &err)
	}
	r.results[res.Index] = res
	if r.onResult != nil {
		r.report.Lock()
		r.onResult(res)
		r.report.Unlock()
	}
}

// stopped reports whether the site refused the credentials: nothing more
// is sent then.
func (r *bulkRun) stopped() bool { return r.refused.Load() != nil }

// notTried finishes request i as not sent because of the 401.
func (r *bulkRun) notTried(i int) {
	r.finish(BulkResult{Index: i, Err: fmt.Errorf("jetpackcrm: %s: not sent: the site refused the credentials for an earlier request: %w", r.op, *r.refused.Load())})
}

// run hands the groups to workers, which call do for each (do finishes
// every request of its group), and then finishes the requests not tried.
func (r *bulkRun) run(ctx context.Context, groups [][]int, workers int, do func(ctx context.Context, group []int)) ([]BulkResult, error) {
	workers = min(workers, len(groups))
	work := make(chan []int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for group := range work {
				do(ctx, group)
			}
		}()
	}
	sent := 0
feed:
	for _, g := range groups {
		if r.stopped() {
			break
		}
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
			if r.stopped() {
				r.notTried(i)
				continue
			}
			r.finish(BulkResult{Index: i, Err: &RequestError{Method: "POST", Endpoint: "create_customer", Err: ctx.Err()}})
		}
	}
	if err := r.refused.Load(); err != nil {
		return r.results, fmt.Errorf("jetpackcrm: %s: stopped: the site refused the credentials: %w", r.op, *err)
	}
	// The context may also have ended after every group was handed out:
	// the requests a worker then could not send carry its error too.
	if err := ctx.Err(); err != nil {
		for _, res := range r.results {
			if errors.Is(res.Err, err) {
				return r.results, fmt.Errorf("jetpackcrm: %s: stopped before every request was tried: %w", r.op, err)
			}
		}
	}
	return r.results, nil
}

// checkBulkRequest refuses, in op's name, a request that Create or Update
// would refuse, before anything about it is read or written: a merging
// bulk write must not blame Customers.Update for a new row.
func (s *CustomersService) checkBulkRequest(ctx context.Context, op string, i int, req *CustomerRequest) error {
	if req == nil {
		return invalid(op, fmt.Sprintf("requests[%d]", i), "nil *CustomerRequest")
	}
	if err := req.validate(); err != nil {
		return asValidation(op, err)
	}
	return (*service)(s).owner().checkCustomFieldSlugs(ctx, op, ObjectContact, req.CustomFields)
}

// sameSpelling returns req with the email spelt as in first, the group's
// first request: the site matches emails case-insensitively and stores the
// spelling it is sent, so a later row spelt otherwise would rename the
// contact the first one wrote.
func sameSpelling(req, first *CustomerRequest) *CustomerRequest {
	if req == nil || first == nil || req == first || req.Email == first.Email {
		return req
	}
	r := *req
	r.Email = first.Email
	return &r
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

// stickyStatus is the status the site keeps whatever an upsert sends,
// unless it sends "sticky" (CustomerRequest.ForceStatus).
const stickyStatus = "Customer"

// mergeChanges returns the wire keys whose stored value a merging write of
// req (Customers.Update's) would change on current, sorted. The email is
// only the key (the site keeps its spelling) unless req names the contact
// by ID; a status the site would keep (sticky "Customer") is no change.
func mergeChanges(current *Customer, req *CustomerRequest) ([]string, error) {
	change := *req
	if change.ID == 0 || change.Email == current.Email {
		change.Email = ""
	}
	if current.Status == stickyStatus && !change.ForceStatus {
		change.Status = ""
	}
	return changedKeys(customerRequestFrom(current), mergeCustomerRequest(current, &change))
}

// overwriteChanges returns the wire keys whose stored value a plain
// create_customer upsert of req would change on current: those it sends
// with another value and those it leaves out, which the site blanks. It
// errs towards a change where the site's result is not known (an omitted
// status resets to the site's default status, whatever that is).
func overwriteChanges(current *Customer, req *CustomerRequest) ([]string, error) {
	sent := *req
	if len(sent.Tags) == 0 {
		sent.Tags = tagNames(current.Tags) // not sent: left as they are
	}
	if current.Status == stickyStatus && !sent.ForceStatus {
		sent.Status = current.Status
	}
	sent.ID = current.ID
	keys, err := changedKeys(customerRequestFrom(current), &sent)
	if err == nil && req.Status == "" && current.Status != stickyStatus && !slices.Contains(keys, "status") {
		keys = append(keys, "status")
		slices.Sort(keys)
	}
	return keys, err
}

// changedKeys returns the wire keys whose values differ between the bodies
// of two writes, sorted. A key one body lacks equals "" (the site stores
// nothing for either), strings compare with runs of white space folded to
// one space and trimmed (the site stores them so), tags as sets, and the
// "sticky" flag is not a value.
func changedKeys(before, after *CustomerRequest) ([]string, error) {
	a, err := wireValues(before)
	if err != nil {
		return nil, err
	}
	b, err := wireValues(after)
	if err != nil {
		return nil, err
	}
	var keys []string
	for k, va := range a {
		if !sameWireValue(va, b[k]) {
			keys = append(keys, k)
		}
	}
	for k, vb := range b {
		if _, ok := a[k]; !ok && !sameWireValue(nil, vb) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys, nil
}

func wireValues(r *CustomerRequest) (map[string]any, error) {
	body, err := r.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	delete(m, "sticky")
	return m, nil
}

func sameWireValue(a, b any) bool {
	norm := func(v any) any {
		switch v := v.(type) {
		case nil:
			return ""
		case string:
			return strings.Join(strings.Fields(v), " ")
		case []any:
			names := make([]string, 0, len(v))
			for _, x := range v {
				if s, ok := x.(string); ok && !isBlank(s) {
					names = append(names, strings.Join(strings.Fields(s), " "))
				}
			}
			slices.Sort(names)
			return strings.Join(slices.Compact(names), "\x00")
		}
		return v
	}
	return norm(a) == norm(b)
}
