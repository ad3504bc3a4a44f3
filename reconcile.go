package jetpackcrm

// Creates that the API cannot make idempotent: create_event without an ID
// has no natural key, so a retry after an answer that was lost could store
// the event twice, and not retrying could lose it. After such a failure
// Events.Create looks for the event in the events list (matching what it
// sent, created no earlier than the call began by the server's clock), then
// returns the stored event or sends the create again.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"html"
	"log/slog"
	"math"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// callBudget makes the calls of one operation (a write, its checks and its
// resends) share one budget of the retry policy: MaxElapsed from the
// operation's start, and MaxRetries over all the sends of the write.
type callBudget struct {
	start time.Time
	// attempts is how many times the write was already sent.
	attempts int
	// checked marks the write's calls: the operation checks whether the
	// write was applied before sending it again, so they are never retried
	// blindly (RetryUnsafe does not apply).
	checked bool
}

type callBudgetKey struct{}

func withBudget(ctx context.Context, b callBudget) context.Context {
	return context.WithValue(ctx, callBudgetKey{}, b)
}

// join makes st one of the calls of the operation ctx carries, if any:
// checkRetry counts its attempts from the operation's earlier sends.
func (st *callState) join(ctx context.Context) {
	b, ok := ctx.Value(callBudgetKey{}).(callBudget)
	if !ok {
		return
	}
	st.start, st.attempts, st.checked = b.start, b.attempts, b.checked
}

// createLedger is what a Client remembers of its own creates of new events,
// for their checks: identical creates (by eventMatch.key) run one at a
// time, and the highest event ID the Client was given bounds the ID of any
// event created after (IDs grow with every insert), so that a check never
// takes an event created before its call began for its own, whatever the
// clocks say. It also keeps what the checks learned of the events list.
// The zero value is ready to use.
type createLedger struct {
	mu     sync.Mutex
	seeded bool
	seed   maphash.Seed
	busy   map[uint64]*createSlot
	// maxID is the highest ID of an event this Client created or found.
	maxID int64
	// order is how the events list sorts (0 until a check found out).
	order eventsOrder
	// lastPage is the last page of the events list (checkPageSize events
	// per page) a check found, where the next one starts looking.
	lastPage int
}

// createSlot serialises the creates with one key.
type createSlot struct {
	ch   chan struct{}
	refs int
}

// eventsOrder is how a site's events list sorts when asked for order=DESC.
type eventsOrder int

const (
	orderUnknown eventsOrder = iota
	// orderNewestFirst: Jetpack CRM 6.5 and later honour order.
	orderNewestFirst
	// orderOldestFirst: 6.4 lists by ID ascending whatever is asked.
	orderOldestFirst
)

func (l *createLedger) hash(key string) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.seeded {
		l.seed, l.seeded = maphash.MakeSeed(), true
	}
	return maphash.String(l.seed, key)
}

// acquire waits until no other create with fingerprint fp is running.
func (l *createLedger) acquire(ctx context.Context, fp uint64) (release func(), err error) {
	l.mu.Lock()
	if l.busy == nil {
		l.busy = map[uint64]*createSlot{}
	}
	slot := l.busy[fp]
	if slot == nil {
		slot = &createSlot{ch: make(chan struct{}, 1)}
		l.busy[fp] = slot
	}
	slot.refs++
	l.mu.Unlock()
	drop := func() {
		l.mu.Lock()
		if slot.refs--; slot.refs == 0 {
			delete(l.busy, fp)
		}
		l.mu.Unlock()
	}
	select {
	case slot.ch <- struct{}{}:
		return func() { <-slot.ch; drop() }, nil
	case <-ctx.Done():
		drop()
		return nil, ctx.Err()
	}
}

// given records the ID of an event the Client created or found: it was
// inserted before now.
func (l *createLedger) given(id int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.maxID = max(l.maxID, id)
}

func (l *createLedger) listFacts() (eventsOrder, int, int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.order, l.lastPage, l.maxID
}

func (l *createLedger) learn(order eventsOrder, lastPage int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if order != orderUnknown {
		l.order = order
	}
	if lastPage > 0 {
		l.lastPage = lastPage
	}
}

// eventMatch is what a stored event must look like to be the one an
// EventRequest created. Text is compared by textKey, which is coarser than
// what the server does to it: a match that is too loose can only mistake
// another identical event for this one (the case the check cannot decide
// anyway), while one that is too strict would send a stored event again.
type eventMatch struct {
	title, desc      string
	start, end       int64
	complete, remind bool
	customer, owner  int64
}

func newEventMatch(req *EventRequest) *eventMatch {
	return &eventMatch{
		title: textKey(req.Title), desc: textKey(req.Notes),
		start: req.From.Unix(), end: req.To.Unix(),
		complete: req.Complete, remind: req.Remind24h,
		customer: req.CustomerID, owner: req.Owner,
	}
}

// key is the part of the match that two creates must share to be
// confused with each other; owner and contact are left out, since the
// server may store neither.
func (m *eventMatch) key() string {
	return strings.Join([]string{m.title, m.desc, strconv.FormatInt(m.start, 10), strconv.FormatInt(m.end, 10),
		strconv.FormatBool(m.complete), strconv.FormatBool(m.remind)}, "\x00")
}

// matches reports whether e can be the event the request created. The
// server replaces an owner without a CRM role with 0 and drops a contact
// that does not exist, and it cuts the title to 255 bytes of its
// HTML-escaped form.
func (m *eventMatch) matches(e *Event) bool {
	switch {
	case e.Start.Unix() != m.start || e.End.Unix() != m.end,
		e.Complete != m.complete,
		(len(e.Reminders) > 0) != m.remind,
		e.CustomerID != 0 && e.CustomerID != m.customer,
		e.Owner > 0 && e.Owner != m.owner:
		return false
	}
	return sameText(m.title, e.Title) && sameText(m.desc, e.Description)
}

// sameText compares the key of sent text with stored text, which may be
// cut short.
func sameText(sentKey, stored string) bool {
	k := textKey(stored)
	if k == sentKey {
		return true
	}
	if len(stored) < 240 {
		return false
	}
	// Cut at 255 bytes, perhaps inside an entity: drop the partial one.
	if i := strings.LastIndexByte(stored, '&'); i >= 0 && !strings.ContainsRune(stored[i:], ';') {
		k = textKey(stored[:i])
	}
	return k != "" && strings.HasPrefix(sentKey, k)
}

// textKey reduces text to what survives whatever the server does to it:
// sanitize_text_field (tags stripped, white space collapsed and trimmed,
// %XX octets removed), htmlentities once or twice on the way in, and
// whichever of those the SDK undoes when reading. Entities are decoded,
// and tags, octets, white space, control characters, backslashes and
// angle brackets are dropped.
func textKey(s string) string {
	for range 3 {
		if !strings.ContainsRune(s, '&') {
			break
		}
		u := html.UnescapeString(s)
		if u == s {
			break
		}
		s = u
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '<':
			// A tag, or what strip_tags would take for one, to its end.
			if j := strings.IndexByte(s[i:], '>'); j >= 0 {
				i += j + 1
			} else {
				i = len(s)
			}
			continue
		case r == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			i += 3
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r) || r == '\\' || r == '>' || r == utf8.RuneError:
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// The check's reads.
const (
	// checkPageSize is the page size of the check's reads of the events
	// list.
	checkPageSize = 50
	// checkSlack is how much later than an event with a higher ID one may
	// have been created (the created time is taken before the insert): the
	// walk toward older events goes on until it has seen one older than
	// the window by this much, or a whole page older than the window.
	checkSlack = 5 * time.Second
	// maxCheckReads bounds the reads of one check.
	maxCheckReads = 40
	// clockMargin allows for the Date header and the created times coming
	// from clocks a second apart (a proxy's and PHP's).
	clockMargin = 1
	// futureLimit: an event created this long after the Date header says
	// means the two clocks disagree, and the window cannot be trusted.
	futureLimit = time.Minute
)

// createEvent is Events.Create for a new event (no ID): send, and after a
// failure that may have been applied, check whether the event was stored
// before returning it or sending again. See EventsService.Create.
func (s *EventsService) createEvent(ctx context.Context, req *EventRequest) (*Event, *Response, error) {
	const op = "Events.Create"
	c := (*service)(s).owner()
	if err := c.ready(op); err != nil {
		return nil, nil, err
	}
	if ctx == nil {
		return nil, nil, invalid(op, "ctx", "nil context")
	}
	start := time.Now()
	payload, err := json.Marshal(req)
	if err != nil {
		return nil, nil, asValidation(op, err)
	}
	m := newEventMatch(req)
	fp := c.creates.hash(m.key())
	release, err := c.creates.acquire(ctx, fp)
	if err != nil {
		return nil, nil, &RequestError{Method: http.MethodPost, Endpoint: "create_event", Err: err}
	}
	defer release()
	// The window starts here. Every event this Client was given was
	// inserted before, this one's ID will be higher: identical creates of
	// this Client that ran before cannot be taken for this one.
	began := time.Now()
	_, _, idFloor := c.creates.listFacts()
	attempts := 0
	for {
		e := new(Event)
		resp, err := c.call(withBudget(ctx, callBudget{start: start, attempts: attempts, checked: true}),
			op, http.MethodPost, "create_event", nil, payload, false, e)
		if err == nil {
			c.creates.given(e.ID)
			return e, resp, nil
		}
		if !MayHaveBeenApplied(err) || ctx.Err() != nil {
			return nil, resp, err
		}
		attempts = attemptsOf(err, attempts+1)
		// A request the server is still running has until the check.
		if wait := checkWait(c.policy, attempts); time.Since(start)+wait < c.policy.MaxElapsed {
			if werr := sleepCtx(ctx, wait); werr != nil {
				return nil, resp, &WriteCheckError{Op: op, Err: err, CheckErr: werr}
			}
		}
		found, lresp, cerr := s.findCreated(ctx, m, began, start, idFloor)
		switch {
		case cerr != nil:
			return nil, resp, &WriteCheckError{Op: op, Err: err, CheckErr: cerr}
		case len(found) == 1:
			c.creates.given(found[0].ID)
			return found[0], lresp, nil
		case len(found) > 1:
			ids := make([]int64, len(found))
			for i, f := range found {
				ids[i] = f.ID
			}
			return nil, resp, &WriteCheckError{Op: op, Err: err, Matches: ids}
		}
		running := mayStillBeRunning(err)
		if running || attempts > c.policy.MaxRetries || time.Since(start) >= c.policy.MaxElapsed {
			return nil, resp, &WriteCheckError{Op: op, Err: err, NotFound: true, MayStillBeRunning: running}
		}
		c.log(ctx, slog.LevelWarn, "jetpackcrm: sending again: the check found the event not stored",
			slog.String("method", http.MethodPost), slog.String("endpoint", "create_event"), slog.Int("attempt", attempts))
	}
}

// checkWait is how long to wait before checking: the backoff a retry would
// wait, and at least WaitMin, so that a request the server is still
// finishing can land before the check looks.
func checkWait(p RetryPolicy, attempts int) time.Duration {
	return max(p.WaitMin, jitteredBackoff(p.WaitMin, p.WaitMax, attempts-1))
}

// attemptsOf is the attempt count an error reports, or def.
func attemptsOf(err error, def int) int {
	var re *RequestError
	var ae *APIError
	var de *DecodeError
	n := 0
	switch {
	case errors.As(err, &re):
		n = re.Attempts
	case errors.As(err, &ae):
		n = ae.Attempts
	case errors.As(err, &de):
		n = de.Attempts
	}
	if n == 0 {
		return def
	}
	return n
}

// mayStillBeRunning reports whether a failure says the server may not be
// done with the request: the SDK stopped waiting for it (its own timeout),
// or a gateway did (504).
func mayStillBeRunning(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode == http.StatusGatewayTimeout
	}
	var re *RequestError
	return errors.As(err, &re) && (errors.Is(re.Err, context.DeadlineExceeded) || errors.Is(re.Err, os.ErrDeadlineExceeded))
}

// eventCheck is one look through the events list for a create.
type eventCheck struct {
	s       *EventsService
	ctx     context.Context
	m       *eventMatch
	began   time.Time
	budget  time.Time
	idFloor int64 // the event's ID is higher
	reads   int
	// before counts the events in a row, walking toward older ones,
	// created before the window.
	before  int
	since   int64 // the window's start, Unix seconds by the server's clock
	date    int64 // the first answer's Date
	dated   bool
	found   []*Event
	seen    map[int64]bool
	lastRsp *Response
}

// findCreated returns the events created since began, with an ID above
// idFloor, that match m. It reads the events list from its newest end: on sites that list
// newest first when asked (6.5 and later), the first pages; on 6.4, which
// lists oldest first whatever is asked, it finds the last page (from the
// last one a check found, galloping and bisecting) and reads backwards.
// It stops at an event with an ID no higher than idFloor, at one created
// checkSlack before the window, or after a whole page created before it.
func (s *EventsService) findCreated(ctx context.Context, m *eventMatch, began, budget time.Time, idFloor int64) ([]*Event, *Response, error) {
	ck := &eventCheck{s: s, ctx: ctx, m: m, began: began, budget: budget, idFloor: idFloor, seen: map[int64]bool{}}
	err := ck.run()
	return ck.found, ck.lastRsp, err
}

func (ck *eventCheck) run() error {
	l := &(*service)(ck.s).owner().creates
	order, lastPage, maxID := l.listFacts()
	if order != orderOldestFirst {
		evs, err := ck.read(1, Descending)
		if err != nil {
			return err
		}
		if len(evs) >= 2 {
			order = orderNewestFirst
			if evs[0].ID < evs[1].ID {
				order = orderOldestFirst
			}
			l.learn(order, 0)
		}
		if order != orderOldestFirst || len(evs) < checkPageSize {
			// Newest first, or the whole list in one page.
			older, err := ck.collect(evs)
			for page := 2; err == nil && !older && len(evs) == checkPageSize; page++ {
				if evs, err = ck.read(page, Descending); err == nil {
					older, err = ck.collect(evs)
				}
			}
			return err
		}
		lastPage = max(lastPage, 2)
	}
	// Oldest first: start where the newest known event should be.
	if maxID > 0 {
		lastPage = max(lastPage, int((maxID-1)/checkPageSize)+1)
	}
	last, evs, err := ck.lastPage(max(lastPage, 1))
	if err != nil || last == 0 {
		return err
	}
	l.learn(orderOldestFirst, last)
	for page := last; page >= 1; page-- {
		if page != last {
			if evs, err = ck.read(page, Ascending); err != nil {
				return err
			}
		}
		older, err := ck.collect(evs)
		if err != nil || older {
			return err
		}
	}
	return nil
}

// read reads one page of the events list within the call's budget.
func (ck *eventCheck) read(page int, order SortOrder) ([]*Event, error) {
	if ck.reads == maxCheckReads {
		return nil, fmt.Errorf("gave up after %d reads of the events list", ck.reads)
	}
	ck.reads++
	c := (*service)(ck.s).owner()
	var out []*Event
	q := &eventPageQuery{EventListOptions: EventListOptions{ListOptions: ListOptions{Page: page, PerPage: checkPageSize}}, Order: order}
	resp, err := c.call(withBudget(ck.ctx, callBudget{start: ck.budget}), "Events.Create", http.MethodGet, "events", q, nil, true, &out)
	// A page cut short is read again: the call retried the statuses and
	// network errors, not an answer it could not decode.
	for tries := 0; err != nil && tries < c.policy.MaxRetries && ck.reads < maxCheckReads && ck.ctx.Err() == nil; tries++ {
		var de *DecodeError
		if !errors.As(err, &de) {
			break
		}
		ck.reads++
		out = nil
		resp, err = c.call(withBudget(ck.ctx, callBudget{start: ck.budget}), "Events.Create", http.MethodGet, "events", q, nil, true, &out)
	}
	if err != nil {
		return nil, err
	}
	ck.lastRsp = resp
	if !ck.dated {
		// The server's clock when it answered, whole seconds; it was at
		// most the time since began ahead of the clock when the call
		// began, so the event was created at since or later.
		d, perr := http.ParseTime(resp.Header.Get("Date"))
		if perr != nil {
			return nil, errors.New("the events list came without a usable Date header, so the server's clock is unknown")
		}
		ck.date = d.Unix()
		ck.since = ck.date - int64(math.Ceil(time.Since(ck.began).Seconds())) - clockMargin
		ck.dated = true
	}
	return out, nil
}

// collect keeps the events of a page that can be the create's, and reports
// whether the page reached past the window. Pages come newest first, and
// the events of a page in either order.
func (ck *eventCheck) collect(evs []*Event) (older bool, err error) {
	if len(evs) > 1 && evs[0].ID < evs[1].ID {
		evs = slices.Clone(evs)
		slices.Reverse(evs)
	}
	for _, e := range evs {
		created := e.Created.Unix()
		// Only events inserted since the call began (by ID) tell: an old
		// record may carry any created time.
		if e.ID > ck.idFloor && created > ck.date+int64(futureLimit/time.Second) {
			return false, fmt.Errorf("event %d was created at %s, after the server's Date header (%s): the two clocks disagree",
				e.ID, e.Created.UTC().Format(time.RFC3339), time.Unix(ck.date, 0).UTC().Format(time.RFC3339))
		}
		if created < ck.since {
			ck.before++
		} else {
			ck.before = 0
		}
		if e.ID <= ck.idFloor || created < ck.since-int64(checkSlack/time.Second) || ck.before >= checkPageSize {
			older = true
		}
		if created < ck.since || e.ID <= ck.idFloor || ck.seen[e.ID] || !ck.m.matches(e) {
			continue
		}
		ck.seen[e.ID] = true
		ck.found = append(ck.found, e)
	}
	return older, nil
}

// lastPage finds the last non-empty page of an oldest-first events list,
// starting at page from: gallops up while pages are full, then bisects.
// It returns page 0 when there are no events.
func (ck *eventCheck) lastPage(from int) (int, []*Event, error) {
	evs, err := ck.read(from, Ascending)
	if err != nil {
		return 0, nil, err
	}
	lo, loEvs, hi := 0, []*Event(nil), from
	switch {
	case len(evs) == checkPageSize:
		lo, loEvs = from, evs
		for step := 1; ; step *= 2 {
			n := lo + step
			e, err := ck.read(n, Ascending)
			if err != nil {
				return 0, nil, err
			}
			if len(e) == checkPageSize {
				lo, loEvs = n, e
				continue
			}
			if len(e) > 0 {
				return n, e, nil
			}
			hi = n
			break
		}
	case len(evs) > 0:
		return from, evs, nil
	}
	// Page lo is full (or lo is 0, before the first page), page hi empty.
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		e, err := ck.read(mid, Ascending)
		if err != nil {
			return 0, nil, err
		}
		switch {
		case len(e) == 0:
			hi = mid
		case len(e) == checkPageSize:
			lo, loEvs = mid, e
		default:
			return mid, e, nil
		}
	}
	return lo, loEvs, nil
}
