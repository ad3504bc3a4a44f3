package jetpackcrm

import (
	"context"
	"iter"
	"net/http"
	"time"
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
type Event struct {
	// ID is the event's ID ("12" in lists, 12 in create replies).
	ID int64
	// Owner is the WordPress user ID of the owner, 0 when unassigned.
	Owner int64
	// Title is the event's title.
	Title string
	// Description is wire "desc" ("notes" when writing).
	Description string
	// Start and End bound the event; zero when unset.
	Start time.Time
	End   time.Time
	// Complete reports whether the event is done (wire 1; 0 and -1 are not).
	Complete bool
	// ShowOnPortal and ShowOnCalendar are the event's visibility flags.
	ShowOnPortal   bool
	ShowOnCalendar bool
	// Created and LastUpdated are the record's own times.
	Created     time.Time
	LastUpdated time.Time
	// Reminders are the event's reminders. An update that does not resend
	// the 24-hour reminder drops it.
	Reminders []Reminder
	// Contact and Company are the linked contact and company, nil when none.
	Contact *Customer
	Company *Company
	// CustomerID is the linked contact's ID: from Contact in lists, from
	// "customer" in create replies and the legacy shape; 0 when none.
	CustomerID int64
	// CustomFields holds event custom fields by slug.
	CustomFields map[string]string
}

// Reminder is a reminder attached to an event.
type Reminder struct {
	// ID is the reminder's ID (0 for one synthesised from "notify":24).
	ID int64
	// Owner is the WordPress user ID of the owner, 0 when unassigned.
	Owner int64
	// EventID is the event the reminder belongs to.
	EventID int64
	// Offset is when the reminder fires relative to the event's start;
	// negative is before (the API's only kind is -24h).
	Offset time.Duration
	// Sent is when the reminder was sent, zero if not yet.
	Sent time.Time
	// Created and LastUpdated are the record's own times.
	Created     time.Time
	LastUpdated time.Time
}

func (rm *Reminder) decodeJSON(r *jsonReader) error {
	*rm = Reminder{}
	return r.readObject(func(key []byte) (err error) {
		switch string(key) {
		case "id", "ID":
			rm.ID, err = r.readInt64()
		case "owner":
			rm.Owner, err = r.readInt64()
			rm.Owner = max(rm.Owner, 0)
		case "event":
			rm.EventID, err = r.readInt64()
		case "remind_at":
			var s int64
			s, err = r.readInt64()
			rm.Offset = time.Duration(s) * time.Second
		case "sent":
			rm.Sent, err = r.readUnix()
		case "created":
			rm.Created, err = r.readDateTime()
		case "lastupdated":
			rm.LastUpdated, err = r.readUnix()
		default:
			err = r.skipValue()
		}
		return err
	})
}

// UnmarshalJSON decodes a reminder leniently.
func (rm *Reminder) UnmarshalJSON(b []byte) error {
	return unmarshalObject(b, rm, "Reminder", (*Reminder).decodeJSON)
}

// MarshalJSON encodes the reminder in the server's wire shape.
func (rm Reminder) MarshalJSON() ([]byte, error) {
	w := newJSONWriter()
	w.int("id", rm.ID)
	w.int("owner", rm.Owner)
	w.int("event", rm.EventID)
	w.int("remind_at", int64(rm.Offset/time.Second))
	w.unix("sent", rm.Sent)
	w.unix("created", rm.Created)
	w.unix("lastupdated", rm.LastUpdated)
	return w.bytes(), nil
}

// remind24h is the reminder "notify":24 asks for.
const remind24h = -24 * time.Hour

type eventState struct {
	inLegacy bool // inside meta or actions
	notify24 bool
}

func (e *Event) decodeJSON(r *jsonReader) error {
	*e = Event{}
	var st eventState
	err := r.readObject(func(key []byte) error { return e.decodeField(r, key, &st) })
	if st.notify24 && e.Reminders == nil {
		e.Reminders = []Reminder{{EventID: e.ID, Offset: remind24h}}
	}
	if e.CustomerID == 0 && e.Contact != nil {
		e.CustomerID = e.Contact.ID
	}
	return err
}

// decodeField decodes one member; its key switch lists the event's built-in
// keys, every other key is a custom field.
func (e *Event) decodeField(r *jsonReader, key []byte, st *eventState) (err error) {
	switch string(key) {
	case "id", "ID":
		e.ID, err = r.readInt64()
	case "event_id": // legacy and request key
		var id int64
		if id, err = r.readInt64(); e.ID == 0 {
			e.ID = id
		}
	case "owner":
		e.Owner, err = r.readInt64()
		e.Owner = max(e.Owner, 0)
	case "title":
		e.Title, err = r.readString()
	case "desc", "notes":
		e.Description, err = r.readString()
	case "start", "from":
		e.Start, err = r.readDateTime()
	case "end", "to":
		e.End, err = r.readDateTime()
	case "complete":
		e.Complete, err = r.readBool()
	case "show_on_portal":
		e.ShowOnPortal, err = r.readBool()
	case "show_on_cal":
		e.ShowOnCalendar, err = r.readBool()
	case "created":
		e.Created, err = r.readDateTime()
	case "lastupdated":
		e.LastUpdated, err = r.readUnix()
	case "reminders":
		e.Reminders, err = readValues(r, (*Reminder).decodeJSON)
	case "notify":
		var n int64
		n, err = r.readInt64()
		st.notify24 = n == 24
	case "contact":
		e.Contact, err = readOne(r, (*Customer).decodeJSON)
	case "company":
		e.Company, err = readOne(r, (*Company).decodeJSON)
	case "customer":
		if k := r.peek(); k == '[' || k == '{' {
			e.Contact, err = readOne(r, (*Customer).decodeJSON)
		} else {
			// create replies send -1 for none, the legacy shape false next to
			// meta.customer: neither clears an ID already read.
			var id int64
			if id, err = r.readInt64(); id > 0 {
				e.CustomerID = id
			}
		}
	case "meta", "actions": // legacy shape
		if st.inLegacy {
			return r.skipValue()
		}
		st.inLegacy = true
		err = r.readObject(func(k []byte) error { return e.decodeField(r, k, st) })
		st.inLegacy = false
	case "start_date", "end_date", "created_date", "lastupdated_date":
		err = r.skipValue()
	default:
		err = r.readCustomField(&e.CustomFields, key)
	}
	return err
}

// UnmarshalJSON decodes an event from a list, a create_event reply
// ({"title","customer","notes","to","from","notify","complete","owner","id"})
// or the legacy documented shape (meta{...}, actions{...}, "customer":false,
// from/to as "2018-02-11 21:00" read as UTC).
func (e *Event) UnmarshalJSON(b []byte) error {
	return unmarshalObject(b, e, "Event", (*Event).decodeJSON)
}

// MarshalJSON encodes the event in the list wire shape, so that it decodes
// back to the same value.
func (e Event) MarshalJSON() ([]byte, error) {
	w := newJSONWriter()
	w.int("id", e.ID)
	w.int("owner", e.Owner)
	w.str("title", e.Title)
	w.str("desc", e.Description)
	w.unix("start", e.Start)
	w.unix("end", e.End)
	w.int("complete", boolInt(e.Complete))
	w.int("show_on_portal", boolInt(e.ShowOnPortal))
	w.int("show_on_cal", boolInt(e.ShowOnCalendar))
	w.unix("created", e.Created)
	w.unix("lastupdated", e.LastUpdated)
	if err := marshalList(w, "reminders", e.Reminders); err != nil {
		return nil, err
	}
	if e.Contact != nil {
		if err := w.value("contact", []*Customer{e.Contact}); err != nil {
			return nil, err
		}
	} else if e.CustomerID != 0 {
		w.int("customer", e.CustomerID)
	}
	if e.Company != nil {
		if err := w.value("company", []*Company{e.Company}); err != nil {
			return nil, err
		}
	}
	w.customFields(e.CustomFields)
	return w.bytes(), nil
}

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

// EventRequest is the body of Events.Create (wire endpoint create_event,
// which creates, or updates when ID is set).
//
// Title, From and To are required on every call, updates included. The
// request always sends "complete" (0 or 1): the server stores an omitted
// complete as done. It always sends "notify" (24 or 0): an update without
// notify 24 removes the existing reminder.
type EventRequest struct {
	// ID updates that event (sent when > 0); a nonexistent ID is refused.
	ID int64
	// Title is required, on updates too.
	Title string
	// From and To are the start and end; they are sent in UTC as
	// "2006-01-02 15:04:05". From must not be after To.
	From, To time.Time
	// CustomerID links a contact (sent when > 0).
	CustomerID int64
	// Notes becomes the event's description.
	Notes string
	// Complete marks the event done.
	Complete bool
	// Remind24h asks for a reminder 24 hours before From.
	Remind24h bool
	// Owner is the WordPress user ID to own the event (sent when non-zero;
	// -1 means nobody). The server replaces a user who cannot manage the
	// CRM with 0.
	Owner int64
}

// MarshalJSON encodes the request with complete and notify always present
// and From/To in UTC.
func (er EventRequest) MarshalJSON() ([]byte, error) {
	w := newJSONWriter()
	w.positive("id", er.ID)
	w.str("title", er.Title)
	if !er.From.IsZero() {
		w.str("from", er.From.UTC().Format(eventTimeLayout))
	}
	if !er.To.IsZero() {
		w.str("to", er.To.UTC().Format(eventTimeLayout))
	}
	w.positive("customer", er.CustomerID)
	w.strOmit("notes", er.Notes)
	if er.Remind24h {
		w.int("notify", 24)
	} else {
		w.int("notify", 0)
	}
	w.int("complete", boolInt(er.Complete))
	if er.Owner != 0 {
		w.int("owner", er.Owner)
	}
	return w.bytes(), nil
}

// validate checks the request before anything is sent: Title non-blank,
// From and To set, From not after To, IDs not negative (Owner may be -1),
// valid UTF-8.
func (er *EventRequest) validate() error {
	switch {
	case isBlank(er.Title):
		return invalidField("Title", "required")
	case er.From.IsZero():
		return invalidField("From", "required")
	case er.To.IsZero():
		return invalidField("To", "required")
	case er.From.After(er.To):
		return invalidField("From", "after To")
	case er.ID < 0:
		return invalidField("ID", "negative")
	case er.CustomerID < 0:
		return invalidField("CustomerID", "negative")
	case er.Owner < -1:
		return invalidField("Owner", "must be a user ID, 0, or -1 for nobody")
	}
	return checkUTF8(namedString{"Title", er.Title}, namedString{"Notes", er.Notes})
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

// EventListOptions filters Events.List and Events.All.
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
//
// Traps left to the caller:
//   - An update needs Title, From and To again, and drops the reminder
//     unless Remind24h is set again.
//   - Every failure comes back as {"error":100} (ErrRejected), whatever the
//     cause.
//
// A new event (ID 0) is not retried after a 5xx or a network error that may
// have reached the server, since a retry could create it twice; the error
// then says the write may have been applied. Updates by ID are retried.
func (s *EventsService) Create(ctx context.Context, req *EventRequest) (*Event, *Response, error) {
	const op = "Events.Create"
	if req == nil {
		return nil, nil, invalid(op, "", "nil *EventRequest")
	}
	if err := req.validate(); err != nil {
		return nil, nil, asValidation(op, err)
	}
	e := new(Event)
	resp, err := (*service)(s).owner().callAs(ctx, op, http.MethodPost, "create_event", nil, req, req.ID > 0, e)
	if err != nil {
		return nil, resp, err
	}
	return e, resp, nil
}

// List returns one page of events in ID order, each with its contact,
// company and reminders (GET events).
func (s *EventsService) List(ctx context.Context, opts *EventListOptions) ([]*Event, *Response, error) {
	return listByQuery[Event](ctx, (*service)(s).owner(), "Events.List", "events", opts, opts.list())
}

// All iterates over every event matching opts (PerPage defaults to 100).
func (s *EventsService) All(ctx context.Context, opts *EventListOptions) iter.Seq2[*Event, error] {
	const op = "Events.All"
	if err := opts.validate(op); err != nil {
		return errorSeq[Event](err)
	}
	base := EventListOptions{}
	if opts != nil {
		base = *opts
	}
	return iterate(ctx, base.PerPage, ascendingIDs, func(e *Event) int64 { return e.ID }, func(ctx context.Context, page, perPage int) ([]*Event, *Response, error) {
		o := base
		o.Page, o.PerPage = page, perPage
		return s.List(ctx, &o)
	})
}
