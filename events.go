package jetpackcrm

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// Event is a Jetpack CRM event (a task in the CRM's UI).
//
// Lists send Start and End as Unix ints and embed the linked contact and
// company as arrays of 0 or 1 full objects (Contact, Company). A create
// reply is not the stored record but the server's sanitised input: from/to
// come back as the strings that were sent (parsed here as UTC, as the
// server's strtotime reads them), "customer" as an ID, "notify":24 as a
// 24-hour reminder, and "complete" as sent (-1, meaning "not sent", reads
// as false although the server then stores the event as complete).
//
// It decodes from a list, a create_event reply ({"title","customer","notes",
// "to","from","notify","complete","owner","id"}) or the legacy documented
// shape (meta{...}, actions{...}, "customer":false, from/to as
// "2018-02-11 21:00" read as UTC), and encodes to the list wire shape, which
// decodes back to the same value.
type Event struct {
	// ID is the event's ID ("12" in lists, 12 in create replies).
	ID int64 `json:"id" jpcrm:"alias=ID,weak=event_id"`
	// Owner is the WordPress user ID of the owner, 0 when unassigned.
	Owner int64 `json:"owner" jpcrm:"nonneg"`
	// Title is the event's title and Description its notes (wire "desc";
	// "notes" when writing). The server stores and lists both through
	// htmlentities ("O'Neil" is listed "O&#039;Neil"); reads decode them,
	// so they are what was written.
	Title       string `json:"title" jpcrm:"text=entities"`
	Description string `json:"desc" jpcrm:"alias=notes,text=entities"`
	// Start and End bound the event; zero when unset.
	Start time.Time `json:"start" jpcrm:"alias=from,datetime"`
	End   time.Time `json:"end" jpcrm:"alias=to,datetime"`
	// Complete reports whether the event is done (wire 1; 0 and -1 are not).
	Complete bool `json:"complete" jpcrm:"int"`
	// ShowOnPortal and ShowOnCalendar are the event's visibility flags.
	ShowOnPortal   bool `json:"show_on_portal" jpcrm:"int"`
	ShowOnCalendar bool `json:"show_on_cal" jpcrm:"int"`
	// Created and LastUpdated are the record's own times.
	Created     time.Time `json:"created" jpcrm:"datetime"`
	LastUpdated time.Time `json:"lastupdated"`
	// Reminders are the event's reminders. An update that does not resend
	// the 24-hour reminder drops it.
	Reminders []Reminder `json:"reminders,omitzero"`
	// Contact and Company are the linked contact and company, nil when none.
	Contact *Customer `json:"contact,omitzero" jpcrm:"alias=customer,id=CustomerID"`
	Company *Company  `json:"company,omitzero"`
	// CustomerID is the linked contact's ID: from Contact in lists, from
	// "customer" in create replies and the legacy shape; 0 when none.
	CustomerID int64 `json:"-"`
	// CustomFields holds event custom fields by slug.
	CustomFields map[string]string `json:",unknown" jpcrm:"nested=meta|actions,ignore=start_date|end_date|created_date|lastupdated_date"`
}

// Reminder is a reminder attached to an event.
type Reminder struct {
	// ID is the reminder's ID (0 for one synthesised from "notify":24).
	ID int64 `json:"id" jpcrm:"alias=ID"`
	// Owner is the WordPress user ID of the owner, 0 when unassigned.
	Owner int64 `json:"owner" jpcrm:"nonneg"`
	// EventID is the event the reminder belongs to.
	EventID int64 `json:"event"`
	// Offset is when the reminder fires relative to the event's start;
	// negative is before (the API's only kind is -24h). Seconds on the wire.
	Offset time.Duration `json:"remind_at"`
	// Sent is when the reminder was sent, zero if not yet.
	Sent time.Time `json:"sent"`
	// Created and LastUpdated are the record's own times.
	Created     time.Time `json:"created" jpcrm:"datetime"`
	LastUpdated time.Time `json:"lastupdated"`
}

// UnmarshalJSON decodes a reminder leniently.
func (rm *Reminder) UnmarshalJSON(b []byte) error { return unmarshalModel(b, rm) }

// MarshalJSON encodes the reminder in the server's wire shape.
func (rm Reminder) MarshalJSON() ([]byte, error) { return marshalModel(&rm) }

// remind24h is the reminder "notify":24 asks for.
const remind24h = -24 * time.Hour

// eventKeyHook reads "notify" (a create reply's echo of EventRequest's
// Remind24h), which has no field of its own.
func eventKeyHook(_ *Event, d *jsontext.Decoder, key []byte) (handled, notify24 bool, err error) {
	if string(key) != "notify" {
		return false, false, nil
	}
	n, err := readValue(d, lenientInt)
	return true, n == 24, err
}

// eventAfterDecode turns "notify":24 into the reminder it stands for.
func eventAfterDecode(e *Event, notify24 bool) {
	if notify24 && e.Reminders == nil {
		e.Reminders = []Reminder{{EventID: e.ID, Offset: remind24h}}
	}
}

// UnmarshalJSON decodes an event leniently.
func (e *Event) UnmarshalJSON(b []byte) error { return unmarshalModel(b, e) }

// MarshalJSON encodes the event in the list wire shape.
func (e Event) MarshalJSON() ([]byte, error) { return marshalModel(&e) }

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// eventTimeLayout is how From and To are sent: in UTC, the zone the
// server's strtotime runs in, so the instant is kept whatever the caller's
// time zone.
const eventTimeLayout = "2006-01-02 15:04:05"

// EventRequest is the body of [EventsService.Create] (wire endpoint
// create_event, which creates, or updates when ID is set).
//
// Title, From and To are required on every call, updates included. The
// request always sends "complete" (0 or 1): the server stores an omitted
// complete as done. It always sends "notify" (24 or 0): an update without
// notify 24 removes the existing reminder.
type EventRequest struct {
	// ID updates that event (sent when > 0). Events.Create looks it up first
	// and refuses an ID that does not exist with ErrNotFound: the server would
	// answer success and store nothing.
	ID int64 `json:"id,omitempty" jpcrm:"positive"`
	// Title is required, on updates too. It is stored through htmlentities
	// and cut beyond 255 bytes as stored (é is &eacute;, 8 bytes; ' is
	// &#039;): a longer one is refused, as are "0" (taken for a missing
	// title) and the text the server would change (see Notes).
	Title string `json:"title" jpcrm:"text=entities,max=255,zero"`
	// From and To are the start and end; they are sent in UTC as
	// "2006-01-02 15:04:05" (whole seconds). From must not be after To, and
	// both must be between 1970-01-01 00:00:01 and 2038-01-19 03:14:07 UTC:
	// the server keeps 32-bit Unix seconds, reads 1970-01-01 00:00:00 and
	// earlier as unset and clamps later times to 2038.
	From time.Time `json:"from,omitzero" jpcrm:"utc"`
	To   time.Time `json:"to,omitzero" jpcrm:"utc"`
	// CustomerID links a contact (sent when > 0).
	CustomerID int64 `json:"customer,omitempty" jpcrm:"positive"`
	// Notes becomes the event's description. Like Title, it is refused when
	// the server would store it differently: HTML, runs of white space,
	// white space at either end, percent-encoded bytes ("%41"), backslashes.
	Notes string `json:"notes,omitempty" jpcrm:"text=entities"`
	// Remind24h asks for a reminder 24 hours before From.
	Remind24h bool `json:"notify" jpcrm:"int=24"`
	// Complete marks the event done.
	Complete bool `json:"complete" jpcrm:"int"`
	// Owner is the WordPress user ID to own the event (sent when non-zero;
	// -1 means nobody). The server replaces a user who cannot manage the
	// CRM with 0.
	Owner int64 `json:"owner,omitempty"`
}

// MarshalJSON encodes the request with complete and notify always present
// and From/To in UTC.
func (er EventRequest) MarshalJSON() ([]byte, error) { return marshalRequest(&er) }

// validate checks the request before anything is sent: Title non-blank,
// From and To set and within what the server stores (checkStoredTime), From
// not after To, IDs not negative (Owner may be -1), valid UTF-8.
func (er *EventRequest) validate() error {
	switch {
	case isBlank(er.Title):
		return invalidField("Title", "required")
	case er.From.IsZero():
		return invalidField("From", "required")
	case er.To.IsZero():
		return invalidField("To", "required")
	}
	if err := checkStoredTime("From", er.From); err != nil {
		return err
	}
	if err := checkStoredTime("To", er.To); err != nil {
		return err
	}
	switch {
	case er.From.After(er.To):
		return invalidField("From", "after To")
	case er.ID < 0:
		return invalidField("ID", "negative")
	case er.CustomerID < 0:
		return invalidField("CustomerID", "negative")
	case er.Owner < -1:
		return invalidField("Owner", "must be a user ID, 0, or -1 for nobody")
	}
	return checkText(er)
}

// EventsAPI is the events service, as an interface for fakes.
type EventsAPI interface {
	Create(ctx context.Context, req *EventRequest) (*Event, *Response, error)
	List(ctx context.Context, opts *EventListOptions) ([]*Event, *Response, error)
	All(ctx context.Context, opts *EventListOptions) iter.Seq2[*Event, error]
}

var _ EventsAPI = (*EventsService)(nil)

// EventsService handles the CRM's tasks, which the API calls events
// (create_event, events).
type EventsService service

// EventListOptions filters [EventsService.List] and [EventsService.All].
type EventListOptions struct {
	ListOptions
	// Owner keeps the events owned by this WordPress user ID.
	Owner int64 `url:"owner,omitempty"`
}

func (o *EventListOptions) validate(op string) error {
	if o == nil {
		return nil
	}
	if err := o.ListOptions.validate(op); err != nil {
		return err
	}
	if o.Owner < 0 {
		return invalid(op, "Owner", "must not be negative, got %d", o.Owner)
	}
	return nil
}

func (o *EventListOptions) list() *ListOptions {
	if o == nil {
		return nil
	}
	return &o.ListOptions
}

// Create creates an event, or with ID set updates it (POST create_event).
//
// Traps of the real API, handled here:
//   - An omitted "complete" is stored as complete: the SDK always sends
//     Complete as 0 or 1.
//   - From and To are read by the server's strtotime in UTC: the SDK sends
//     them in UTC.
//   - An update of an ID that does not exist answers success, stores
//     nothing and leaves orphan reminders and contact links behind. The SDK
//     first looks the event up (the API has no read by ID: it reads
//     one-event pages of the events list, which is sorted by ID; one request
//     on a site whose event IDs have no gaps, about 2·log2(number of events)
//     at worst) and returns an error matching [ErrNotFound], without writing,
//     when there is none. An event deleted between that check and the write
//     is still updated silently into nothing.
//   - Times outside what the server stores (it keeps 32-bit Unix seconds and
//     reads 0 and below as unset) are refused: see [EventRequest].
//
// Traps left to the caller:
//   - An update needs Title, From and To again, and drops the reminder
//     unless Remind24h is set again.
//   - Every failure comes back as {"error":100} ([ErrRejected]), whatever
//     the cause.
//
// Updates by ID are retried like any upsert. A new event (ID 0) has no key
// the server could upsert on, so a blind retry could store it twice. After
// a failure that may have been applied (the connection dropped after the
// request left, a 5xx other than a 503 with Retry-After, a 2xx that cannot
// be read), Create waits the retry backoff (at least [RetryPolicy.WaitMin])
// and then checks the events list for an event created since the call
// began, by the server's clock (the list's Date header, less the time
// since the call began and a second), with the title, notes, start, end,
// completion and reminder sent (text compared as the server stores it:
// sanitised, HTML-escaped, the title cut to 255 bytes) and the contact and
// owner sent or none (the server drops a contact that does not exist and
// an owner without a CRM role). Events this [Client] was given before are
// left out, and identical creates on one Client run one at a time.
//   - One such event: Create returns it, with the list's [*Response]. It is
//     the stored record (Created, Reminders...), not the create reply.
//   - None: Create sends the event again, within [RetryPolicy.MaxRetries]
//     (all sends count) and [RetryPolicy.MaxElapsed] (checks included), and
//     checks again if that fails too. [RetryPolicy.RetryUnsafe] does not
//     apply: nothing is resent unchecked.
//
// Creates that succeed cost nothing more. A check reads pages of 50 events
// (embedded contacts included) from the newest: usually one or two on
// Jetpack CRM 6.5 and later, which list newest first when asked; 6.4 lists
// oldest first, so the check finds the last page, from the one found last
// time or the highest event ID this Client was given (one or two reads),
// else by galloping from page 1 (about 2·log2(pages)).
//
// What the caller gets when the check cannot decide, as a [*WriteCheckError]
// ([MayHaveBeenApplied](err) true, errors.As finds the last failure):
//   - Matches: several unclaimed events match, e.g. someone else created
//     an identical one in the window, or an earlier send of this call was
//     stored after its check had looked. Their IDs are given.
//   - CheckErr: the check could not finish: the list failed after retries,
//     the call's budget or context ran out, the answer had no Date header,
//     or an event's created time was over a minute after the Date header
//     (clocks that disagree make the window meaningless).
//   - NotFound and MayStillBeRunning: the last failure was the SDK's own
//     timeout or a 504 Gateway Timeout, which say the server may still be
//     running the request; it is not sent again.
//
// NotFound alone means the check found nothing and the policy's MaxRetries
// or MaxElapsed ran out: the event was not stored, and MayHaveBeenApplied
// is false. A cancelled or expired context stops at once, unchecked, with
// the failure as it was.
//
// What the check gets wrong: an identical event created by someone else
// (another process or Client) within the window, from about a second
// before the call began. If this call's was not stored, Create returns
// that one as its own and this call's event is never sent: lost. And a
// request the server goes on running after the SDK gave up on it, and
// stores after the check looked (a server slower than the wait, behind a
// proxy that answered 502 or 503 early), is stored twice by the resend.
func (s *EventsService) Create(ctx context.Context, req *EventRequest) (*Event, *Response, error) {
	const op = "Events.Create"
	ctx, scope := (*service)(s).owner().telemetryScope(ctx, op) // one span for the lookup and the write
	e, resp, err := s.create(ctx, op, req)
	scope.end(err)
	return e, resp, err
}

func (s *EventsService) create(ctx context.Context, op string, req *EventRequest) (*Event, *Response, error) {
	if req == nil {
		return nil, nil, invalid(op, "", "nil *EventRequest")
	}
	if err := req.validate(); err != nil {
		return nil, nil, asValidation(op, err)
	}
	if req.ID == 0 {
		return s.createEvent(ctx, req)
	}
	found, resp, err := s.exists(ctx, req.ID)
	if err != nil {
		return nil, resp, err
	}
	if !found {
		return nil, resp, notFound(op, req.ID, "no event with ID %d; the server would answer success and store nothing", req.ID)
	}
	e := new(Event)
	resp, err = (*service)(s).owner().call(ctx, op, http.MethodPost, "create_event", nil, req, true, e)
	if err != nil {
		return nil, resp, err
	}
	return e, resp, nil
}

// eventPageQuery is the query of the events list. The order is always sent:
// 6.5 and later list newest first unless asked for ASC, 6.4 ignores it and
// lists in ID order.
type eventPageQuery struct {
	EventListOptions
	Order SortOrder `url:"order"`
}

func newEventPageQuery(opts *EventListOptions, order SortOrder) *eventPageQuery {
	q := &eventPageQuery{Order: order}
	if opts != nil {
		q.EventListOptions = *opts
	}
	return q
}

// maxExistProbes bounds the lookup of Events.exists (2·63 + 1 would do for
// any int64 ID).
const maxExistProbes = 130

// exists reports whether an event with this ID exists. The events list is
// sorted by ID, so the event at offset m (a page of one) has an ID of at
// least m+1, and IDs grow by at least 1 per offset: every probe bounds the
// offset the ID would have. The first probe is where it is when no ID below
// it is missing; then the search gallops up from the low bound (the number
// of events is unknown) and bisects.
func (s *EventsService) exists(ctx context.Context, id int64) (bool, *Response, error) {
	const op = "Events.Create"
	c := (*service)(s).owner()
	probe := func(offset int64) (int64, *Response, error) {
		var out []*Event
		q := newEventPageQuery(&EventListOptions{ListOptions: ListOptions{Page: int(offset) + 1, PerPage: 1}}, Ascending)
		resp, err := c.call(ctx, op, http.MethodGet, "events", q, nil, true, &out)
		if err != nil || len(out) == 0 {
			return 0, resp, err
		}
		return out[0].ID, resp, nil
	}
	lo, hi := int64(0), id-1 // the offset id would have, if it exists
	next, galloping, step := hi, false, int64(1)
	var resp *Response
	for n := 0; lo <= hi; n++ {
		if n == maxExistProbes {
			return false, resp, fmt.Errorf("jetpackcrm: %s: could not find out whether event %d exists in %d reads of the events list", op, id, n)
		}
		m := min(max(next, lo), hi)
		got, r, err := probe(m)
		if err != nil {
			return false, r, err
		}
		resp = r
		switch {
		case got == id:
			return true, resp, nil
		case got != 0 && got < id: // id is after m, at most id-got further
			// id is after m, and at most id-got offsets further.
			lo, hi = m+1, min(hi, m+(id-got))
			if galloping {
				step *= 2
				next = min(lo+step-1, hi)
			} else {
				next = min(lo+(hi-lo)/2, hi)
			}
		default: // an empty page (past the last event) or a greater ID
			hi = m - 1
			if got != 0 {
				lo = max(lo, m-(got-id))
			}
			if n == 0 && got == 0 {
				// Fewer events than the ID: their number is unknown, find
				// it from below rather than halving from the ID down.
				galloping, next = true, lo
				continue
			}
			galloping = false
			next = lo + (hi-lo)/2
		}
	}
	return false, resp, nil
}

// List returns one page of events, each with its contact, company and
// reminders (GET events), oldest first on every release: the SDK asks for
// that order, as Jetpack CRM 6.5.0 and later list newest first by default.
// opts.Order [Descending] needs 6.5.0 or later, and is refused with a
// [*ValidationError] before (see [ListOptions.Order]).
func (s *EventsService) List(ctx context.Context, opts *EventListOptions) ([]*Event, *Response, error) {
	return listByQuery[Event](ctx, (*service)(s).owner(), "Events.List", "events", opts, opts.list(), Ascending,
		func(order SortOrder) any { return newEventPageQuery(opts, order) })
}

// All iterates over every event matching opts (PerPage defaults to 100),
// oldest first unless opts.Order says otherwise.
func (s *EventsService) All(ctx context.Context, opts *EventListOptions) iter.Seq2[*Event, error] {
	const op = "Events.All"
	if err := opts.validate(op); err != nil {
		return errorSeq[Event](err)
	}
	base := EventListOptions{}
	if opts != nil {
		base = *opts
	}
	// Without an Order, a set of IDs: the walk takes whatever order the site
	// lists in (the SDK asks for ASC, which every release gives today).
	return iterate(ctx, op, base.PerPage, iterationOrder(base.Order, unorderedIDs), func(e *Event) int64 { return e.ID }, func(ctx context.Context, page, perPage int) ([]*Event, *Response, error) {
		o := base
		o.Page, o.PerPage = page, perPage
		return s.List(ctx, &o)
	})
}
