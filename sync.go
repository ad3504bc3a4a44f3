package jetpackcrm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// SyncLookup says how [CustomersService.Sync] finds the contacts that exist.
type SyncLookup int

const (
	// LookupAuto reads the site's contacts in large pages while that costs
	// less than looking up the emails still to find one by one, then looks
	// the rest up one by one. After the first page it asks (one request)
	// whether the list ends within the pages worth reading; on a longer
	// site it looks the rest up without reading on.
	LookupAuto SyncLookup = iota
	// LookupPerRow looks every email up (customer_search?email=, or the
	// search GetByEmail uses for an address WordPress escapes).
	LookupPerRow
	// LookupList reads every contact of the site first, however many.
	LookupList
)

// Sync limits and defaults.
const (
	// DefaultSyncPageSize is the page size of Sync's read of the contacts.
	DefaultSyncPageSize = 1000
	// MaxSyncPageSize bounds SyncOptions.PageSize (a page of 1,000
	// contacts with tags is about 2 MB).
	MaxSyncPageSize = 5000
	// DefaultSyncRecheck is how old Sync's list of the contacts may be when
	// it creates a contact (see SyncOptions.RecheckAfter).
	DefaultSyncRecheck = time.Second
)

// The cost model of LookupAuto, from a real Jetpack CRM 6.4.4 on 2 cores
// (PHP 8.2, MariaDB 10.11): a lookup by email takes about 50 ms, a page of
// the customers list about 45 ms plus 0.65 ms per contact (0.85 with
// tags). A page costs about one lookup per 75 contacts it holds, plus one.
const (
	syncContactsPerLookup = 75
	// syncMaxListed bounds the contacts a LookupAuto read keeps in memory
	// (about 1 KB each); past it the rest is looked up one by one.
	syncMaxListed = 50000
)

// SyncOptions tunes [CustomersService.Sync].
type SyncOptions struct {
	// Concurrency is the number of requests in flight (default 4, at most
	// 64), as for UpsertMany.
	Concurrency int
	// Overwrite writes each request as the whole contact (the API's
	// create_customer upsert, which blanks every field the request leaves
	// empty) where it changes something. Without it each request is merged
	// into the stored contact, as Customers.Update does: only the fields it
	// fills in are written, nothing is blanked.
	Overwrite bool
	// DryRun decides every request and writes nothing: the results say what
	// the writes would do.
	DryRun bool
	// Lookup is how existing contacts are found (default LookupAuto).
	Lookup SyncLookup
	// PageSize is the page size of the read of the site's contacts
	// (default 1000, at most 5000; LookupAuto uses smaller pages for a few
	// requests).
	PageSize int
	// RecheckAfter is how old the read of the site's contacts may be when
	// Sync creates a contact its read did not show: if older, the end of the
	// list (where new contacts appear) is read again first, to find those
	// added by someone else since (default 1 s; negative: before every
	// create). It does not apply to emails looked up one by one, which are
	// looked up just before the write.
	RecheckAfter time.Duration
	// OnResult, if set, is called once per request as it completes, one call
	// at a time, in completion order (for progress reporting).
	OnResult func(BulkResult)
}

// ErrContactNotListed is the error of a Sync request whose create matched
// a contact that the read of the site's contacts did not show (deleted or
// added while it was read), which it could therefore not restore: that
// contact now holds the request's fields only.
var ErrContactNotListed = errors.New("jetpackcrm: the create matched a contact the site's list did not show")

// Sync makes the site hold the contacts of requests, writing only what
// changed, and returns one result per request in input order: [BulkCreated]
// (no contact had the email), [BulkUpdated] with the keys it changed, or
// [BulkUnchanged] (the contact already held every field the request fills
// in: nothing was sent).
//
// It finds the existing contacts by reading the site's contact list once,
// in pages of 1,000 (the first alone, then up to Concurrency at a time),
// while that costs less than one lookup per email still to find (a page of
// 1,000 costs about 14 lookups on a real site), and looks the rest up one
// by one (see [SyncLookup]). A second pass over 3,000 unchanged contacts
// costs 4 reads and no write. Emails match case-insensitively, an
// apostrophe included, and a contact keeps the spelling of its email the
// site has. It then writes, Concurrency at a time, only the contacts it
// must:
//
//   - A request that changes nothing of what it fills in (after folding
//     white space, which the site does too; tags as sets; a status the site
//     would keep, see [CustomerRequest.ForceStatus]) is BulkUnchanged.
//     Values the site alters when it stores them (HTML, %XX sequences)
//     compare as changed, and are written on every run.
//   - A merge (the default) reads the contact again just before writing it
//     and writes it merged by ID, as [CustomersService.Update] does: it
//     never blanks a field the request does not send.
//   - A contact is created only when no contact has the email: when the
//     list did not show it, the end of the list is read again if the read
//     is older than RecheckAfter (contacts added by someone else since
//     appear there). If the create still matches a contact that exists (an
//     alias of a listed contact: the list shows no aliases), the contact is
//     written back merged from the list, as an update; one the list never
//     showed makes the request fail with [ErrContactNotListed].
//
// Requests for one email are handled one after the other in input order,
// each after the write of the one before. A request with an ID must name the
// contact that has its email (it may then change the email's spelling); an
// ID and an email no contact has is refused, since the upsert would rename
// and blank contact ID. What remains possible: a contact with the email
// created by someone else after the last read of the list (at most
// RecheckAfter before the create) is overwritten with the request's fields,
// as with a lookup one round trip before the create.
//
// Errors are as for UpsertMany: per request in the results; the error is
// non-nil only when opts is invalid, the site refuses the credentials, or
// ctx ends first.
func (s *CustomersService) Sync(ctx context.Context, requests []*CustomerRequest, opts SyncOptions) ([]BulkResult, error) {
	const op = "Customers.Sync"
	ctx, scope := (*service)(s).owner().telemetryScope(ctx, op) // its reads' and writes' spans are its children
	results, err := s.sync(ctx, op, requests, opts)
	scope.end(err)
	return results, err
}

// syncRun is the state of one Sync.
type syncRun struct {
	*bulkRun
	s        *CustomersService
	opts     SyncOptions
	requests []*CustomerRequest
	perPage  int
	workers  int
	withTags bool

	mu sync.Mutex
	// listed are the contacts the reads of the list showed, by lower-cased
	// email (normally one each) and by ID.
	listed map[string][]*Customer
	byID   map[int64]*Customer
	// complete: the list was read to its end, so an email it lacks has no
	// contact (but for an alias: the list shows none).
	complete bool
	// maxID is the highest ID the run has seen (reads and its creates): a
	// new contact gets a higher one.
	maxID int64
	// end is the number of contacts before the list's end when last read.
	end      int
	listedAt time.Time
	// tail serialises the re-reads of the end of the list.
	tail sync.Mutex
	// created counts the contacts created since the last read of the end.
	created atomic.Int64
}

func (s *CustomersService) sync(ctx context.Context, op string, requests []*CustomerRequest, opts SyncOptions) ([]BulkResult, error) {
	if opts.PageSize < 0 || opts.PageSize > MaxSyncPageSize {
		return nil, invalid(op, "PageSize", "must be between 1 and %d, got %d", MaxSyncPageSize, opts.PageSize)
	}
	if opts.Lookup < LookupAuto || opts.Lookup > LookupList {
		return nil, invalid(op, "Lookup", "unknown lookup %d", int(opts.Lookup))
	}
	run, workers, err := s.newBulkRun(ctx, op, len(requests), opts.Concurrency, opts.OnResult)
	if err != nil {
		return nil, err
	}
	if opts.RecheckAfter == 0 {
		opts.RecheckAfter = DefaultSyncRecheck
	}
	r := &syncRun{bulkRun: run, s: s, opts: opts, requests: requests, workers: workers,
		listed: map[string][]*Customer{}, byID: map[int64]*Customer{}}

	// Every request is checked before anything is read or written.
	valid := make([]*CustomerRequest, len(requests))
	pending := map[string]bool{}
	for i, req := range requests {
		if r.stopped() { // the custom-field read got a 401
			r.notTried(i)
			continue
		}
		if err := s.checkBulkRequest(ctx, op, i, req); err != nil {
			r.finish(BulkResult{Index: i, Err: err})
			continue
		}
		valid[i] = req
		pending[strings.ToLower(req.Email)] = true
		r.withTags = r.withTags || len(req.Tags) > 0
	}
	var groups [][]int
	for _, g := range groupByEmail(valid) {
		if valid[g[0]] != nil {
			groups = append(groups, g)
		}
	}
	if len(groups) > 0 && !r.stopped() {
		if err := r.list(ctx, pending); err != nil {
			for _, g := range groups {
				for _, i := range g {
					r.finish(BulkResult{Index: i, Err: err})
				}
			}
			if r.stopped() {
				return r.results, fmt.Errorf("jetpackcrm: %s: stopped: the site refused the credentials: %w", op, err)
			}
			return r.results, fmt.Errorf("jetpackcrm: %s: stopped before every request was tried: %w", op, err)
		}
	}
	return r.run(ctx, groups, workers, r.group)
}

// list reads the site's contacts, as opts.Lookup says, until every email
// of pending is found or reading on would cost more than looking the rest
// up. Only an error that stops everything (the credentials refused, ctx
// ended) is returned: after any other, the emails are looked up one by one.
func (r *syncRun) list(ctx context.Context, pending map[string]bool) error {
	if r.opts.Lookup == LookupPerRow {
		return nil
	}
	r.perPage = r.opts.PageSize
	if r.perPage == 0 {
		r.perPage = DefaultSyncPageSize
	}
	if r.opts.Lookup == LookupAuto {
		// A few emails do not pay for a page of 1,000 on a big site.
		r.perPage = min(r.perPage, max(100, (len(pending)*syncContactsPerLookup+99)/100*100))
	}
	pageCost := 1 + r.perPage/syncContactsPerLookup
	read := 0
	var probeErr error
	complete, err := r.walk(ctx, r.workers, func(c *Customer) {
		r.add(c)
		delete(pending, strings.ToLower(c.Email))
		read++
	}, func(pages int) bool {
		switch {
		case r.opts.Lookup == LookupList:
			return true
		case len(pending) == 0:
			return false // every email found: the rest of the list is not needed
		}
		// Read on while that is cheaper (and lighter) than looking the
		// rest up.
		if pages*pageCost >= len(pending) || read >= syncMaxListed {
			return false
		}
		if pages == 1 && r.opts.Lookup == LookupAuto {
			// The read stops once it has cost as much as the lookups, and
			// then looks every email still missing up anyway: on a site
			// longer than that it costs up to twice the lookups. Read on
			// only if the list ends within the pages worth reading (the
			// last of them short), which one contact asked for at that
			// position tells, for the price of a lookup.
			worth := (len(pending) + pageCost - 1) / pageCost
			var longer bool
			longer, probeErr = r.holdsAtLeast(ctx, worth*r.perPage)
			return probeErr == nil && !longer
		}
		return true
	})
	if err == nil {
		err = probeErr
	}
	if err != nil {
		if errors.Is(err, ErrUnauthorized) || ctx.Err() != nil {
			if errors.Is(err, ErrUnauthorized) {
				r.refused.CompareAndSwap(nil, &err)
			}
			return err
		}
		(*service)(r.s).owner().log(ctx, slog.LevelWarn, "jetpackcrm: "+r.op+": reading the contacts failed; looking them up one by one",
			slog.String("error", err.Error()))
		return nil
	}
	if complete {
		r.complete, r.end, r.listedAt = true, read, time.Now()
	}
	return nil
}

// holdsAtLeast reports whether the site holds at least n contacts: whether
// its list has a contact at position n.
func (r *syncRun) holdsAtLeast(ctx context.Context, n int) (bool, error) {
	o := CustomerListOptions{ListOptions: ListOptions{Page: n, PerPage: 1}}
	items, _, err := r.s.List(ctx, &o)
	return len(items) > 0, err
}

// walk reads the site's contacts page by page, in ID order, and calls
// visit once per contact. It reads the first page alone, then batches of
// as many pages as it has read, up to workers at a time (the site serves
// them in parallel, as it does lookups), and asks more(pages read) before
// each batch. It reports
// whether it reached the end of the list. A full page with nothing new
// (a server that ignores paging) ends it with ErrPagingStalled.
func (r *syncRun) walk(ctx context.Context, workers int, visit func(*Customer), more func(pages int) bool) (bool, error) {
	type page struct {
		items []*Customer
		err   error
	}
	seen := newSeenIDs(ascendingIDs)
	next, batch := 1, 1
	for {
		got := make([]page, batch)
		var wg sync.WaitGroup
		for k := range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				o := CustomerListOptions{ListOptions: ListOptions{Page: next + k, PerPage: r.perPage}, WithTags: r.withTags}
				got[k].items, _, got[k].err = r.s.List(ctx, &o)
			}()
		}
		wg.Wait()
		for k, p := range got {
			if p.err != nil {
				return false, p.err
			}
			fresh := 0
			for _, c := range p.items {
				if c != nil && seen.first(c.ID) {
					fresh++
					visit(c)
				}
			}
			if len(p.items) < r.perPage {
				return true, nil
			}
			if fresh == 0 {
				return false, pagingStalled(r.op, next+k)
			}
		}
		next += batch
		if !more(next - 1) {
			return false, nil
		}
		// As many pages as read so far, at most workers: the pages past
		// the end (empty) are at most as many as those before it.
		batch = max(1, min(workers, next-1))
	}
}

// add remembers a contact the site showed.
func (r *syncRun) add(c *Customer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.byID[c.ID]; ok {
		return
	}
	r.byID[c.ID] = c
	k := strings.ToLower(c.Email)
	r.listed[k] = append(r.listed[k], c)
	r.maxID = max(r.maxID, c.ID)
}

// group handles the requests of one email, in input order.
func (r *syncRun) group(ctx context.Context, group []int) {
	first := r.requests[group[0]]
	var cur contactState
	written := false
	for _, i := range group {
		if r.stopped() {
			r.notTried(i)
			continue
		}
		req := sameSpelling(r.requests[i], first)
		if !cur.known {
			var err error
			if written {
				// The list no longer shows what the site holds.
				cur, err = r.lookup(ctx, req.Email)
			} else {
				cur, err = r.find(ctx, req.Email)
			}
			if err != nil {
				r.finish(BulkResult{Index: i, Err: err})
				continue
			}
		}
		res := r.one(ctx, i, req, &cur)
		written = written || !cur.known
		r.finish(res)
	}
}

// contactState is what a group knows of its contact.
type contactState struct {
	known bool      // c is known (nil: no contact has the email)
	c     *Customer // the contact
	fresh bool      // c was read just now, not from the list
}

// find returns what the site holds for email: from the list when it is
// conclusive, else from a lookup.
func (r *syncRun) find(ctx context.Context, email string) (contactState, error) {
	r.mu.Lock()
	cs, complete := r.listed[strings.ToLower(email)], r.complete
	r.mu.Unlock()
	switch {
	case len(cs) == 1:
		return contactState{known: true, c: cs[0]}, nil
	case len(cs) == 0 && complete:
		return contactState{known: true}, nil
	}
	// Not listed, or listed more than once (the site's upsert then picks
	// one): ask the site.
	return r.lookup(ctx, email)
}

// lookup asks the site what it holds for email now.
func (r *syncRun) lookup(ctx context.Context, email string) (contactState, error) {
	c, _, err := r.s.getByEmail(ctx, r.op, email)
	switch {
	case isMiss(err): // not a 404: the API switched off says nothing of the contact
		return contactState{known: true, fresh: true}, nil
	case err != nil:
		return contactState{}, err
	}
	return contactState{known: true, c: c, fresh: true}, nil
}

// one decides and, unless a dry run, writes request i.
func (r *syncRun) one(ctx context.Context, i int, req *CustomerRequest, cur *contactState) BulkResult {
	res := BulkResult{Index: i}
	if cur.c == nil {
		if req.ID > 0 {
			res.Err = invalid(r.op, "ID", "no contact has this email, and an upsert with ID %d would rename contact %d and blank its other fields; use Customers.Update with its current email", req.ID, req.ID)
			return res
		}
		return r.create(ctx, res, req, cur)
	}
	if req.ID > 0 && req.ID != cur.c.ID {
		res.Err = invalid(r.op, "ID", "contact %d has this email, not contact %d", cur.c.ID, req.ID)
		return res
	}
	if r.opts.Overwrite && req.ID == 0 && strings.EqualFold(req.Email, cur.c.Email) {
		keep := *req
		keep.Email = cur.c.Email // the key: the site keeps its spelling
		req = &keep
	}
	res.Customer = cur.c
	if res.Changes, res.Err = r.changes(cur.c, req); res.Err != nil || len(res.Changes) == 0 {
		if res.Err == nil {
			res.Outcome = BulkUnchanged
		}
		return res
	}
	if r.opts.DryRun {
		res.Outcome = BulkUpdated
		cur.c = echoOf(cur.c, req, r.opts.Overwrite)
		return res
	}
	if r.opts.Overwrite {
		written, _, err := r.s.Create(ctx, req)
		*cur = contactState{} // read again for a next request
		if err != nil {
			res.Err = err
			return res
		}
		res.Customer, res.Outcome = written, BulkUpdated
		return res
	}
	if !cur.fresh {
		// The list may be minutes old: merge over what the site holds now.
		fresh, err := r.lookup(ctx, req.Email)
		if err != nil {
			res.Err = err
			return res
		}
		if fresh.c == nil { // deleted since the list was read
			*cur = fresh
			return r.create(ctx, res, req, cur)
		}
		*cur = fresh
		res.Customer = fresh.c
		if res.Changes, res.Err = r.changes(fresh.c, req); res.Err != nil || len(res.Changes) == 0 {
			if res.Err == nil {
				res.Outcome = BulkUnchanged
			}
			return res
		}
	}
	written, _, err := r.s.writeMerged(ctx, r.op, cur.c, keyOnly(req))
	*cur = contactState{}
	if err != nil {
		res.Err = err
		return res
	}
	res.Customer, res.Outcome = written, BulkUpdated
	return res
}

// create creates the contact of req, which the site does not have (as far
// as the run knows), checking first for one added since the list was read
// and after for one the create matched anyway.
func (r *syncRun) create(ctx context.Context, res BulkResult, req *CustomerRequest, cur *contactState) BulkResult {
	if r.opts.DryRun {
		res.Outcome = BulkCreated
		cur.c = echoOf(nil, req, true)
		return res
	}
	if !cur.fresh {
		if err := r.recheck(ctx); err != nil {
			res.Err = err
			return res
		}
		r.mu.Lock()
		cs := r.listed[strings.ToLower(req.Email)]
		r.mu.Unlock()
		if len(cs) > 0 { // added by someone else meanwhile
			found, err := r.lookup(ctx, req.Email)
			if err != nil {
				res.Err = err
				return res
			}
			*cur = found
			if found.c != nil {
				return r.one(ctx, res.Index, req, cur) // a merge over what was just read
			}
		}
	}
	r.mu.Lock()
	before := r.maxID
	r.mu.Unlock()
	written, _, err := r.s.Create(ctx, req)
	*cur = contactState{}
	if err != nil {
		res.Err = err
		return res
	}
	if written.ID == 0 || written.ID > before {
		r.add(written)
		r.created.Add(1)
		res.Customer, res.Outcome = written, BulkCreated
		return res
	}
	// IDs only grow: the create matched a contact that existed.
	r.mu.Lock()
	prev := r.byID[written.ID]
	r.mu.Unlock()
	if prev == nil {
		res.Customer = written
		res.Err = fmt.Errorf("jetpackcrm: %s: contact %d has this email although the list of contacts did not show it "+
			"(deleted or added while the list was read): the create overwrote it with this request's fields: %w", r.op, written.ID, ErrContactNotListed)
		return res
	}
	// An alias of a listed contact: write it back merged, as an update
	// would have.
	res.Changes, _ = mergeChanges(prev, req)
	restored, _, err := r.s.writeMerged(ctx, r.op, prev, keyOnly(req))
	if err != nil {
		res.Customer = written
		res.Err = fmt.Errorf("jetpackcrm: %s: this email is an alias of contact %d, which the create overwrote with this request's fields; restoring its other fields failed: %w", r.op, prev.ID, err)
		return res
	}
	res.Customer, res.Outcome = restored, BulkUpdated
	return res
}

// The re-read of the end of the list: its page size, and how many contacts
// before the old end it starts (contacts deleted since shift the end down).
const (
	syncTailPage  = 100
	syncTailSlack = 20
)

// recheck reads the end of the list again when the last read is older than
// RecheckAfter: contacts added since (by someone else, or by this run)
// appear there, as IDs only grow and the list is in ID order. It starts a
// little before the old end, in case contacts were deleted since.
func (r *syncRun) recheck(ctx context.Context) error {
	age := func() (time.Duration, bool) {
		r.mu.Lock()
		defer r.mu.Unlock()
		return time.Since(r.listedAt), r.complete
	}
	a, complete := age()
	switch {
	case !complete:
		return nil // the emails it lacks were looked up one by one
	case r.opts.RecheckAfter > 0 && a < r.opts.RecheckAfter:
		return nil
	case r.opts.RecheckAfter > 0 && a < 2*r.opts.RecheckAfter:
		// Another create is re-reading the end: the read is recent
		// enough not to wait for it.
		if !r.tail.TryLock() {
			return nil
		}
	default:
		r.tail.Lock()
	}
	defer r.tail.Unlock()
	if a, _ = age(); r.opts.RecheckAfter > 0 && a < r.opts.RecheckAfter {
		return nil // re-read meanwhile
	}
	// One page is usually enough: it holds this run's creates since the
	// last read, and room for others'.
	size := min(max(syncTailPage, (int(r.created.Swap(0))+syncTailSlack+syncTailPage)/syncTailPage*syncTailPage), max(r.perPage, syncTailPage))
	r.mu.Lock()
	page := max(1, (r.end-syncTailSlack)/size+1)
	r.mu.Unlock()
	end := (page - 1) * size
	opts := CustomerListOptions{WithTags: r.withTags}
	for {
		opts.Page, opts.PerPage = page, size
		items, _, err := r.s.List(ctx, &opts)
		if err != nil {
			return err
		}
		for _, c := range items {
			if c != nil {
				r.add(c)
			}
		}
		end += len(items)
		if len(items) < size {
			break
		}
		page++
	}
	r.mu.Lock()
	r.end, r.listedAt = end, time.Now()
	r.mu.Unlock()
	return nil
}

// changes returns the keys a write of req would change on c.
func (r *syncRun) changes(c *Customer, req *CustomerRequest) ([]string, error) {
	if r.opts.Overwrite {
		return overwriteChanges(c, req)
	}
	return mergeChanges(c, req)
}

// keyOnly returns req with its email as the key only (the contact keeps the
// site's spelling), unless req names the contact by ID.
func keyOnly(req *CustomerRequest) *CustomerRequest {
	if req.ID > 0 {
		return req
	}
	k := *req
	k.Email = ""
	return &k
}

// echoOf is what c would hold after a write of req (for a dry run's next
// request of the same email): the merge over c, or req alone for an
// overwrite or a create, read back as the site's echo would be.
func echoOf(c *Customer, req *CustomerRequest, overwrite bool) *Customer {
	w := req
	if c != nil && !overwrite {
		w = mergeCustomerRequest(c, keyOnly(req))
	}
	b, err := w.MarshalJSON()
	out := new(Customer)
	if err == nil {
		err = json.Unmarshal(b, out)
	}
	if err != nil || c != nil && out.ID == 0 {
		return c
	}
	return out
}
