package jetpackcrm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"
)

// Address is a postal address. Contacts and companies each have a main and
// a secondary address; the wire names differ (contacts read and write
// secaddr_addr1..., companies secaddr1, seccity...), the SDK maps both.
//
// Every line is stored as it is only within the CRM's limits (200 bytes,
// the postcode 50), without HTML, runs of white space, backslashes or
// percent-encoded bytes, and not "0" or -1: requests that break them are
// refused (see [CustomerRequest]).
type Address struct {
	Line1    string `json:"addr1" jpcrm:"max=200,zero,minusone"` // secaddr_addr1 / secaddr1
	Line2    string `json:"addr2" jpcrm:"max=200,zero,minusone"` // secaddr_addr2 / secaddr2
	City     string `json:"city" jpcrm:"max=200,zero,minusone"`
	County   string `json:"county" jpcrm:"max=200,zero,minusone"` // county or state
	Postcode string `json:"postcode" jpcrm:"max=50,zero,minusone"`
	Country  string `json:"country" jpcrm:"max=200,zero,minusone"`
}

// IsZero reports whether every line of the address is empty.
func (a Address) IsZero() bool { return a == Address{} }

// Tag is a tag attached to a contact or company. Lists carry tags only when
// asked for; create replies echo the tag names that were sent.
type Tag struct {
	// ID is the tag's ID (0 in create replies, which echo names only).
	ID int64 `json:"id" jpcrm:"alias=ID"`
	// Name is the tag as shown; Slug its URL-safe form. (The server stores
	// quotes in names as &#34; and &#39;; reads give the quotes back.)
	Name string `json:"name" jpcrm:"bare,text=tag"`
	Slug string `json:"slug"`
	// ObjectType is the CRM object type the tag belongs to (1 for contacts,
	// 2 for companies).
	ObjectType int64 `json:"objtype"`
	// Created and LastUpdated come from Unix timestamps.
	Created     time.Time `json:"created" jpcrm:"datetime"`
	LastUpdated time.Time `json:"lastupdated"`
}

// UnmarshalJSON decodes a tag object or a bare tag name.
func (t *Tag) UnmarshalJSON(b []byte) error { return unmarshalModel(b, t) }

// MarshalJSON encodes the tag in the server's wire shape.
func (t Tag) MarshalJSON() ([]byte, error) { return marshalModel(&t) }

// tagNames returns the names of tags, without blank ones (the server drops
// them).
func tagNames(tags []Tag) []string {
	if tags == nil {
		return nil
	}
	names := make([]string, 0, len(tags))
	for _, t := range tags {
		if !isBlank(t.Name) {
			names = append(names, t.Name)
		}
	}
	return names
}

// Customer is a Jetpack CRM contact as the API returns it.
//
// IDs arrive as strings in lists and as ints in create replies; both decode.
// Unset owners and WordPress users ("-1") decode as 0, unset times ("-1",
// 0, false) as the zero time.Time. Created comes from "createduts" (Unix
// seconds), not from the site-formatted "created" string. The lists
// (Tags, Invoices, Quotes, Transactions) are nil when the call did not ask
// for them and empty when there are none.
//
// A create reply is an echo of the request plus the ID, not the stored
// record: fields not sent are empty in it, and values keep the JSON types
// that were sent.
//
// It decodes from every shape the API has used: the current flat object, a
// create reply (echo plus "id"), and the legacy documented shape with a
// "meta" sub-object, "ID" and "filterTot". It encodes to the wire shape
// (times as Unix seconds, custom fields at top level), which decodes back to
// the same value.
type Customer struct {
	// ID is the contact's ID ("12" in lists, 12 in create replies).
	ID int64 `json:"id" jpcrm:"alias=ID"`
	// Owner is the WordPress user ID the contact is assigned to, 0 when
	// unassigned.
	Owner int64 `json:"owner" jpcrm:"nonneg"`
	// Status is the CRM status, e.g. "Lead" or "Customer". An update that
	// omits it resets it to the CRM's default status.
	Status string `json:"status" jpcrm:"weak=zbsc_status"`
	// Email is the main address; contacts are matched by it (or an alias).
	Email     string `json:"email"`
	Prefix    string `json:"prefix"`
	FirstName string `json:"fname"`
	LastName  string `json:"lname"`
	// FullName is the server's "fullname" (prefix is not included), trimmed.
	FullName         string  `json:"fullname" jpcrm:"alias=name,weak,trim"`
	Address          Address `json:",inline"`
	SecondaryAddress Address `json:",inline" jpcrm:"prefix=secaddr_|sec"`
	HomePhone        string  `json:"hometel"`
	WorkPhone        string  `json:"worktel"`
	MobilePhone      string  `json:"mobtel"`
	Twitter          string  `json:"tw"`
	LinkedIn         string  `json:"li"`
	Facebook         string  `json:"fb"`
	// Avatar is the avatar URL. (The server stores it through htmlentities
	// twice; reads give back what was written.)
	Avatar string `json:"avatar" jpcrm:"text=avatar"`
	// WPID is the linked WordPress user ID, 0 when none.
	WPID int64 `json:"wpid" jpcrm:"nonneg"`
	// Created (from "createduts"; from the site-time "created" string, read
	// as UTC, only in the legacy shape without it), LastUpdated and
	// LastContacted are zero when unset.
	Created       time.Time `json:"createduts" jpcrm:"fallback=created"`
	LastUpdated   time.Time `json:"lastupdated"`
	LastContacted time.Time `json:"lastcontacteduts"`
	// Tags are present only when requested (or echoed by a create reply,
	// as names only).
	Tags []Tag `json:"tags,omitzero"`
	// Aliases are extra email addresses of the contact (rarely sent).
	Aliases []string `json:"aliases,omitzero"`
	// CustomFields holds the contact's custom fields by slug (slugs may
	// contain hyphens), including address custom fields (addr_<slug>,
	// secaddr_<slug>), as strings. A create reply also echoes unknown
	// request keys here. (Jetpack CRM 6.6's lists add a copy of the owner,
	// "owner_zbs-name-clash-tmp-fix", which is not a custom field.)
	CustomFields map[string]string `json:",unknown" jpcrm:"nested=meta,ignore=created_date|lastupdated_date|lastcontacted|lastcontacted_date|filterTot|filterPages|notes|suffix|assign|sticky|stickystat|total_value|purchase_total|purchase_count|owner_zbs-name-clash-tmp-fix"`
	// Invoices, Quotes and Transactions are present only when requested.
	Invoices     []*Invoice     `json:"invoices,omitzero"`
	Quotes       []*Quote       `json:"quotes,omitzero"`
	Transactions []*Transaction `json:"transactions,omitzero"`
}

// customerBuiltinKey reports whether key is a contact wire key (and so cannot
// be a custom-field slug).
func customerBuiltinKey(key string) bool { return codecOf[Customer]().isBuiltin(key) }

// UnmarshalJSON decodes a contact in any shape the API has used.
func (c *Customer) UnmarshalJSON(b []byte) error { return unmarshalModel(b, c) }

// MarshalJSON encodes the contact in the server's wire shape.
func (c Customer) MarshalJSON() ([]byte, error) { return marshalModel(&c) }

// CustomerRequest is the body of [CustomersService.Create] and
// [CustomersService.Update] (wire endpoint create_customer, an upsert keyed
// by email).
//
// Only non-empty fields are sent: the server cannot store "" or clear a
// field anyway. But an upsert that matches an existing contact blanks every
// field it was not sent and resets an omitted Status to the default, which
// is why Customers.Update sends the full merged record.
//
// Text is refused, before anything is sent, where the site would store
// something else than what was sent, or nothing, while answering success:
//   - longer than the CRM keeps (it cuts a first name to 97 bytes plus
//     "...", and fails the write when the cut splits a character; a tag over
//     200 characters or a custom field over 2000 is silently not stored).
//     Lengths count what is stored: an emoji takes 9 or 10 bytes as the
//     reference the SDK writes (see "Text as the CRM stores it" in the
//     package doc), and the avatar's "&",
//     quotes and accented letters take their HTML entities twice over;
//   - what WordPress's sanitize_text_field changes: "<" (HTML), tabs, line
//     breaks, two spaces in a row, white space at either end, and "%" with
//     two hexadecimal digits ("Caf%C3%A9" would be stored "Caf");
//   - a backslash, which reads lose (the CRM lists most fields through
//     PHP's stripslashes), except in the phone numbers and social handles;
//   - "0", or text PHP reads as the number -1 ("-1", "-1 Main Street"),
//     which the CRM drops as empty values;
//   - in tag names: "<", white space at either end, a blank name, and the
//     text "&#34;" or "&#39;" (how the CRM stores a quote in a tag name).
//
// It encodes with wire names, omitting empty values, with custom fields at
// top level (sorted); encoding fails if a custom-field key collides with a
// built-in key.
type CustomerRequest struct {
	// ID updates that contact (sent only when > 0). It must come with the
	// Email: an ID alone is refused ({"error":100}); ID plus a new Email
	// changes the contact's email.
	ID int64 `json:"id,omitempty" jpcrm:"positive"`
	// Email is required; it is the upsert key (the main email or an alias).
	// At most 200 bytes.
	Email string `json:"email,omitempty" jpcrm:"max=200"`
	// Status, e.g. "Lead" or "Customer". Omitted, a new contact gets the
	// CRM default and an existing one is reset to it. A contact whose status
	// is "Customer" keeps it whatever is sent, unless ForceStatus is set.
	Status string `json:"status,omitempty" jpcrm:"max=100,zero,minusone"`
	// ForceStatus sends "sticky" so that Status is applied even to a
	// contact whose current status is "Customer" (the server's sticky-status
	// rule otherwise keeps it).
	ForceStatus bool `json:"sticky,omitempty" jpcrm:"flag"`
	// Prefix (at most 30 bytes), FirstName and LastName (100 each).
	Prefix    string `json:"prefix,omitempty" jpcrm:"max=30,zero,minusone"`
	FirstName string `json:"fname,omitempty" jpcrm:"max=100,zero,minusone"`
	LastName  string `json:"lname,omitempty" jpcrm:"max=100,zero,minusone"`
	// Address and SecondaryAddress: see Address for their limits.
	Address          Address `json:",inline,omitempty"`
	SecondaryAddress Address `json:",inline,omitempty" jpcrm:"prefix=secaddr_|sec"`
	// The phone numbers (at most 40 bytes each) and social handles (Twitter
	// 100, LinkedIn 300, Facebook 200) keep backslashes.
	HomePhone   string `json:"hometel,omitempty" jpcrm:"max=40,text=asis,zero,minusone"`
	WorkPhone   string `json:"worktel,omitempty" jpcrm:"max=40,text=asis,zero,minusone"`
	MobilePhone string `json:"mobtel,omitempty" jpcrm:"max=40,text=asis,zero,minusone"`
	Twitter     string `json:"tw,omitempty" jpcrm:"max=100,text=asis,zero,minusone"`
	LinkedIn    string `json:"li,omitempty" jpcrm:"max=300,text=asis,zero,minusone"`
	Facebook    string `json:"fb,omitempty" jpcrm:"max=200,text=asis,zero,minusone"`
	// Avatar is an image URL, stored through htmlentities twice (read back
	// as written): at most 300 characters as stored, where "&" takes 9.
	// It is not sanitised: spaces and "<" are kept.
	Avatar string `json:"avatar,omitempty" jpcrm:"text=avatar,chars=300,zero,minusone"`
	// Tags are tag names (at most 200 characters each, as stored). A
	// non-empty list REPLACES all of the contact's tags (missing tags are
	// created); nil or empty leaves them untouched.
	Tags []string `json:"tags,omitempty" jpcrm:"text=tag,chars=200,zero"`
	// AssignTo is the WordPress user ID to own the contact (sent when > 0).
	// The server silently ignores it unless that user may manage the CRM.
	AssignTo int64 `json:"assign,omitempty" jpcrm:"positive,from=Owner"`
	// WPID links the contact to this WordPress user (sent when > 0). Every
	// write without it unlinks the user: Update resends the contact's own.
	WPID int64 `json:"wpid,omitempty" jpcrm:"positive"`
	// CustomFields are sent as top-level keys by slug. A key that names a
	// built-in field (e.g. "fname") is refused rather than allowed to
	// overwrite it. Checkbox fields take a CSV string, date fields Y-m-d.
	// Values hold at most 2000 characters.
	CustomFields map[string]string `json:",unknown" jpcrm:"chars=2000,zero,minusone"`
}

// MarshalJSON encodes the request in the wire shape.
func (cr CustomerRequest) MarshalJSON() ([]byte, error) { return marshalRequest(&cr) }

// Validate reports, as a [*ValidationError] naming the field, why
// [CustomersService.Create] would refuse the request before sending it, or
// nil. It does not check custom-field slugs against the site (Create does:
// see [Client.CustomFieldSlugs]).
func (cr *CustomerRequest) Validate() error {
	const op = "CustomerRequest.Validate"
	if cr == nil {
		return invalid(op, "", "nil *CustomerRequest")
	}
	if err := cr.validate(); err != nil {
		return asValidation(op, err)
	}
	return nil
}

// validate checks the request before anything is sent: a valid email (the
// server answers {"errors":1} without one), no negative IDs, text the site
// stores as it is (checkText), no custom field named like a built-in key.
// It returns an *invalidFieldError naming the Go field.
func (cr *CustomerRequest) validate() error {
	if err := checkEmail("Email", cr.Email); err != nil {
		return err
	}
	if cr.ID < 0 {
		return invalidField("ID", "negative")
	}
	if cr.AssignTo < 0 {
		return invalidField("AssignTo", "negative")
	}
	return checkText(cr)
}

// customerRequestFrom returns a request that rewrites c as it is: every
// writable field, its status, its tag names (nil when c's tags were not
// loaded, which leaves tags untouched) and its custom fields.
func customerRequestFrom(c *Customer) *CustomerRequest {
	return requestFrom[CustomerRequest](c)
}

// mergeCustomerRequest overlays the non-empty fields of change on the
// current record and returns the full request to send, so that an upsert
// blanks nothing. Address lines and custom fields merge one by one; a
// non-empty change.Tags replaces the tags. The result keeps current's ID
// unless change.ID is set, so that change.Email, if set, renames the
// contact.
func mergeCustomerRequest(current *Customer, change *CustomerRequest) *CustomerRequest {
	m := customerRequestFrom(current)
	overlay(m, change)
	return m
}

// CustomersAPI is the customers service, as an interface so that callers
// can fake it in their tests.
type CustomersAPI interface {
	Create(ctx context.Context, req *CustomerRequest) (*Customer, *Response, error)
	Update(ctx context.Context, email string, changes *CustomerRequest) (*Customer, *Response, error)
	List(ctx context.Context, opts *CustomerListOptions) ([]*Customer, *Response, error)
	Search(ctx context.Context, query string, opts *ListOptions) ([]*Customer, *Response, error)
	SearchAll(ctx context.Context, query string, opts *ListOptions) iter.Seq2[*Customer, error]
	GetByEmail(ctx context.Context, email string) (*Customer, *Response, error)
	All(ctx context.Context, opts *CustomerListOptions) iter.Seq2[*Customer, error]
	UpsertMany(ctx context.Context, requests []*CustomerRequest, opts BulkOptions) ([]BulkResult, error)
	Sync(ctx context.Context, requests []*CustomerRequest, opts SyncOptions) ([]BulkResult, error)
}

var _ CustomersAPI = (*CustomersService)(nil)

// CustomersService handles the CRM's contacts (the API calls them
// customers): create_customer, customers and customer_search.
type CustomersService service

// CustomerListOptions filters [CustomersService.List] and
// [CustomersService.All]. The customers endpoint reads them from a JSON
// body, not the query string.
type CustomerListOptions struct {
	ListOptions
	// Search matches names, email, address and phone fields (and custom
	// fields if the CRM's "customfieldsearch" setting is on).
	Search string
	// WithTags, WithInvoices, WithQuotes and WithTransactions embed those
	// lists in each contact (unpaginated: they can make big pages).
	WithTags         bool
	WithInvoices     bool
	WithQuotes       bool
	WithTransactions bool
	// Owner keeps contacts owned by this WordPress user ID.
	Owner int64
	// CompanyID keeps contacts linked to this company.
	CompanyID int64
}

func (o *CustomerListOptions) list() *ListOptions {
	if o == nil {
		return nil
	}
	return &o.ListOptions
}

func (o *CustomerListOptions) validate(op string) error {
	if o == nil {
		return nil
	}
	if err := o.ListOptions.validate(op); err != nil {
		return err
	}
	if o.Owner < 0 {
		return invalid(op, "Owner", "must not be negative, got %d", o.Owner)
	}
	if o.CompanyID < 0 {
		return invalid(op, "CompanyID", "must not be negative, got %d", o.CompanyID)
	}
	if !utf8.ValidString(o.Search) {
		return invalid(op, "Search", "not valid UTF-8")
	}
	return nil
}

// customersListBody is the JSON body the customers endpoint reads. Its
// invoices/quotes/transactions flags work only as the string "true": a JSON
// true is sanitised to "1" and ignored by the plugin.
type customersListBody struct {
	Page         int    `json:"page,omitempty"`
	PerPage      int    `json:"perpage,omitempty"`
	Search       string `json:"search,omitempty"`
	Tags         bool   `json:"tags,omitempty"`
	Invoices     string `json:"invoices,omitempty"`
	Quotes       string `json:"quotes,omitempty"`
	Transactions string `json:"transactions,omitempty"`
	Owned        int64  `json:"owned,omitempty"`
	Company      int64  `json:"company,omitempty"`
}

func flagTrue(on bool) string {
	if on {
		return "true"
	}
	return ""
}

// Create creates a contact, or updates the contact with the same email
// (POST create_customer).
//
// Traps of the real API, which this method cannot undo:
//   - On an existing email it is an overwrite, not a patch: every field not
//     sent is blanked, and an omitted Status resets to the CRM's default
//     ("Lead"). Use Update to change some fields of an existing contact.
//   - Tags replace all of the contact's tags (an empty list leaves them).
//   - A contact whose status is "Customer" keeps it ("sticky" status) even
//     when another Status is sent.
//   - The answer echoes what was sent plus the ID, not what was stored
//     (Create returns it with white space folded as the site stores it; text
//     the site would store otherwise is refused, see [CustomerRequest]).
//   - Concurrent Creates of one email that is not on the site yet can make
//     duplicate contacts (the site looks the email up, then inserts, without
//     a lock), and some of them can be refused ([ErrRejected],
//     {"error":100}). Send one email's writes one after the other, or use
//     UpsertMany, which serialises the rows of one email.
//
// It is retried after 5xx and network errors: an upsert keyed by email
// cannot duplicate the contact (a retry comes after its attempt, never beside it).
func (s *CustomersService) Create(ctx context.Context, req *CustomerRequest) (*Customer, *Response, error) {
	const op = "Customers.Create"
	if req == nil {
		return nil, nil, invalid(op, "", "nil *CustomerRequest")
	}
	if err := req.validate(); err != nil {
		return nil, nil, asValidation(op, err)
	}
	if err := (*service)(s).owner().checkCustomFieldSlugs(ctx, op, ObjectContact, req.CustomFields); err != nil {
		return nil, nil, err
	}
	c := new(Customer)
	payload, err := marshalRequest(req)
	if err != nil {
		return nil, nil, asValidation(op, err)
	}
	resp, err := (*service)(s).owner().call(ctx, op, http.MethodPost, "create_customer", nil, payload, true, c)
	if err != nil {
		return nil, resp, err
	}
	return c, resp, nil
}

// Update changes some fields of the contact with this email, without
// blanking the others: it reads the contact (customer_search by email),
// merges the non-empty fields of changes over it, writes the full record
// back by ID (status, owner and linked WordPress user included), and reads
// it again. To change the email address, set changes.Email to another
// address than email; a changes.Email equal to email is only the key, and
// the contact keeps the spelling the site has (the site matches emails
// case-insensitively and would store the spelling sent). Tags in changes
// replace the contact's tags; nil leaves them.
//
// Empty fields of changes mean "keep": the API cannot clear a field (the
// server drops blank values, and "0" and -1, which the SDK refuses: see
// [CustomerRequest]). A contact whose status is
// "Customer" keeps it unless changes.ForceStatus is set (sticky status).
//
// The returned contact is the second read: what the site holds, after its
// own sanitising. The [*Response] is the write's.
//
// Traps of the real API:
//   - Every write unassigns the contact unless it names the owner, and the
//     site assigns contacts only to WordPress users with a CRM role: a
//     contact owned by a user who lost that role (or was deleted) comes out
//     unassigned, and so does an AssignTo such a user. Update cannot know
//     beforehand (the API tells nothing about users) and reports it after
//     the write: a [*NotKeptError] (matching [ErrNotKept]) names what was
//     dropped, and the contact returned with it is the one the site now
//     holds.
//   - The read and the write are separate requests: a change made by
//     someone else in between is overwritten.
//   - The write-back must keep every field it does not change, so a
//     contact holding a value the API cannot write back as it is (text
//     written with a backslash by the CRM's screens or another client,
//     which the API lists without it, or text the site would re-sanitise) is
//     refused with a [*ValidationError] naming the field, and nothing is
//     written: change that field in the CRM first.
//
// It returns an error matching [ErrNotFound] if no contact has the email,
// and sends no write then. It is retried like Create: the write is keyed by
// ID and email, so repeating it cannot duplicate the contact.
func (s *CustomersService) Update(ctx context.Context, email string, changes *CustomerRequest) (*Customer, *Response, error) {
	const op = "Customers.Update"
	ctx, scope := (*service)(s).owner().telemetryScope(ctx, op) // one span for the read and the write
	c, resp, err := s.update(ctx, op, email, changes)
	scope.end(err)
	return c, resp, err
}

func (s *CustomersService) update(ctx context.Context, op, email string, changes *CustomerRequest) (*Customer, *Response, error) {
	if changes == nil {
		return nil, nil, invalid(op, "", "nil *CustomerRequest")
	}
	if err := checkEmail("email", email); err != nil {
		return nil, nil, asValidation(op, err)
	}
	// Refuse bad changes before the read, not after it: the merge would
	// otherwise drop a negative ID silently. Email is optional in changes.
	probe := *changes
	if probe.Email == "" {
		probe.Email = email
	}
	if err := probe.validate(); err != nil {
		return nil, nil, asValidation(op, err)
	}
	if err := (*service)(s).owner().checkCustomFieldSlugs(ctx, op, ObjectContact, changes.CustomFields); err != nil {
		return nil, nil, err
	}
	current, resp, err := s.getByEmail(ctx, op, email)
	if err != nil {
		return nil, resp, err
	}
	if changes.Email == email {
		// The lookup key, not a new address: the site matched it
		// case-insensitively, and sending this spelling would rename the
		// contact to it.
		probe.Email = ""
		changes = &probe
	}
	return s.writeMerged(ctx, op, current, changes)
}

// writeMerged writes changes merged over current, the full record by ID,
// and returns the contact as the site then holds it, read back (the second
// half of Update, and Sync's merge write).
func (s *CustomersService) writeMerged(ctx context.Context, op string, current *Customer, changes *CustomerRequest) (*Customer, *Response, error) {
	merged := mergeCustomerRequest(current, changes)
	if err := merged.validate(); err != nil {
		// changes passed: the field is one the contact holds, which the
		// full-record write would alter (text stored by another client
		// with a backslash, listed without it). Nothing is written.
		ve := asValidation(op, err).(*ValidationError)
		ve.Reason = "the contact holds a value here that the write-back of the whole contact would not keep (" + ve.Reason + "); nothing was written"
		return nil, nil, ve
	}
	if field, why := codecOf[CustomerRequest]().alteredOnWriteBack(unsafe.Pointer(merged), unsafe.Pointer(changes)); field != "" {
		return nil, nil, invalid(op, field, "the contact %s; nothing was written", why)
	}
	payload, err := marshalRequest(merged)
	if err != nil {
		return nil, nil, asValidation(op, err)
	}
	// Decoded although the read back replaces it: a reply that is not the
	// echo (an HTML page with HTTP 200) must not pass for a write.
	resp, err := (*service)(s).owner().call(ctx, op, http.MethodPost, "create_customer", nil, payload, true, new(Customer))
	if err != nil {
		return nil, resp, err
	}
	stored, _, err := s.getByEmail(ctx, op, merged.Email)
	switch {
	case isMiss(err):
		// Not ErrNotFound: the contact exists, a caller must not create it.
		return nil, resp, &NotKeptError{Op: op, ID: current.ID}
	case err != nil:
		// The write is done and safe to repeat.
		return nil, resp, fmt.Errorf("jetpackcrm: %s: the contact was written, but reading it back failed: %w", op, err)
	}
	if err := checkKept(op, merged, stored); err != nil {
		return stored, resp, err
	}
	return stored, resp, nil
}

// checkKept compares what Update wrote with what the site then holds, for
// what the site may silently drop: a *NotKeptError naming each such field,
// or nil.
func checkKept(op string, sent *CustomerRequest, stored *Customer) error {
	var lost []NotKeptField
	if sent.AssignTo > 0 && stored.Owner != sent.AssignTo {
		lost = append(lost, NotKeptField{Name: "assign", Sent: strconv.FormatInt(sent.AssignTo, 10), Stored: strconv.FormatInt(stored.Owner, 10)})
	}
	if sent.WPID > 0 && stored.WPID != sent.WPID {
		lost = append(lost, NotKeptField{Name: "wpid", Sent: strconv.FormatInt(sent.WPID, 10), Stored: strconv.FormatInt(stored.WPID, 10)})
	}
	if lost == nil {
		return nil
	}
	return &NotKeptError{Op: op, ID: stored.ID, Fields: lost}
}

// List returns one page of contacts, oldest first (POST customers; the
// paging and filters travel in the JSON body). The endpoint takes no
// order on any release: opts.Order [Descending] is refused with a
// [*ValidationError].
func (s *CustomersService) List(ctx context.Context, opts *CustomerListOptions) ([]*Customer, *Response, error) {
	const op = "Customers.List"
	if err := opts.validate(op); err != nil {
		return nil, nil, err
	}
	if _, err := (*service)(s).owner().resolveOrder(ctx, op, "customers", opts.list().order()); err != nil {
		return nil, nil, err
	}
	var body customersListBody
	var lo *ListOptions
	if opts != nil {
		lo = &opts.ListOptions
		body = customersListBody{Page: opts.Page, PerPage: opts.PerPage, Search: opts.Search, Tags: opts.WithTags,
			Invoices: flagTrue(opts.WithInvoices), Quotes: flagTrue(opts.WithQuotes), Transactions: flagTrue(opts.WithTransactions),
			Owned: opts.Owner, Company: opts.CompanyID}
	}
	var out []*Customer
	resp, err := (*service)(s).owner().call(ctx, op, http.MethodPost, "customers", nil, &body, true, &out)
	if err != nil {
		return nil, resp, err
	}
	page, perPage := lo.effective()
	resp.setPage(page, perPage, len(out))
	return out, resp, nil
}

// All iterates over every contact matching opts, page by page (PerPage
// defaults to 100). Breaking out of the loop stops it; an error is yielded
// once and ends it.
func (s *CustomersService) All(ctx context.Context, opts *CustomerListOptions) iter.Seq2[*Customer, error] {
	const op = "Customers.All"
	if err := opts.validate(op); err != nil {
		return errorSeq[Customer](err)
	}
	base := CustomerListOptions{}
	if opts != nil {
		base = *opts
	}
	return iterate(ctx, op, base.PerPage, iterationOrder(base.Order, ascendingIDs), customerID, func(ctx context.Context, page, perPage int) ([]*Customer, *Response, error) {
		o := base
		o.Page, o.PerPage = page, perPage
		return s.List(ctx, &o)
	})
}

// searchQuery is the query of customer_search.
type searchQuery struct {
	Query   string    `url:"zbs_query,omitempty"`
	Email   string    `url:"email,omitempty"`
	Page    int       `url:"page,omitempty"`
	PerPage int       `url:"perpage,omitempty"`
	Order   SortOrder `url:"order,omitempty"`
}

// searchOptions are Search's query and paging, validated together.
type searchOptions struct {
	query string
	opts  *ListOptions
}

func (so searchOptions) validate(op string) error {
	if err := so.opts.validate(op); err != nil {
		return err
	}
	if !utf8.ValidString(so.query) {
		return invalid(op, "query", "not valid UTF-8")
	}
	return nil
}

// Search returns one page of contacts whose names, email, address or phone
// numbers contain query, case-insensitively (GET customer_search). An empty
// query lists every contact.
//
// They come oldest first on every release: the SDK asks for that order, as
// Jetpack CRM 6.5.0 and later list newest first by default (pages would
// then shift as contacts are added). opts.Order [Descending] needs 6.5.0 or
// later, and is refused with a [*ValidationError] before (see
// [ListOptions.Order]).
func (s *CustomersService) Search(ctx context.Context, query string, opts *ListOptions) ([]*Customer, *Response, error) {
	return listByQuery[Customer](ctx, (*service)(s).owner(), "Customers.Search", "customer_search", searchOptions{query, opts}, opts, Ascending,
		func(order SortOrder) any {
			q := &searchQuery{Query: query, Order: order}
			if opts != nil {
				q.Page, q.PerPage = opts.Page, opts.PerPage
			}
			return q
		})
}

// SearchAll iterates over every contact [CustomersService.Search] matches
// for query, page by page (PerPage defaults to 100), oldest first unless
// opts.Order says otherwise. Like the All iterators it stops on a short or
// empty page or when the caller breaks, yields an error once and stops,
// never yields a contact twice, and ends with a [*PagingError] matching
// [ErrPagingStalled] when a full page brings nothing new (a server that
// ignores paging would otherwise be asked for ever).
func (s *CustomersService) SearchAll(ctx context.Context, query string, opts *ListOptions) iter.Seq2[*Customer, error] {
	const op = "Customers.SearchAll"
	if err := opts.validate(op); err != nil {
		return errorSeq[Customer](err)
	}
	if !utf8.ValidString(query) {
		return errorSeq[Customer](invalid(op, "query", "not valid UTF-8"))
	}
	// Oldest first unless opts.Order says otherwise (Search asks for it).
	return allPages(ctx, op, opts, ascendingIDs, customerID, func(ctx context.Context, o *ListOptions) ([]*Customer, *Response, error) {
		return s.Search(ctx, query, o)
	})
}

// GetByEmail returns the contact whose main email or alias is email,
// compared case-insensitively as the site does, with its tags, invoices and
// transactions. No contact with the email is an error matching
// [ErrNotFound]; the error names the operation, never the address.
//
// It asks customer_search?email=, which answers a single object on a hit
// and [] on a miss. That lookup never finds an address holding a character
// WordPress escapes in query strings (an apostrophe, as in
// o'neil@example.org: $_GET is slashed, so the site compares o\'neil): for
// such an address GetByEmail searches the contacts (the customers list, whose
// search travels unescaped in a JSON body) and keeps the exact match. That
// search cannot see aliases: when it returns a contact that may hold the
// address only as an alias, GetByEmail reports an error that does not
// match ErrNotFound rather than a miss, so that a caller never creates a
// contact that exists.
func (s *CustomersService) GetByEmail(ctx context.Context, email string) (*Customer, *Response, error) {
	const op = "Customers.GetByEmail"
	ctx, scope := (*service)(s).owner().telemetryScope(ctx, op) // a miss is the span's error too
	c, resp, err := s.getByEmail(ctx, op, email)
	scope.end(err)
	return c, resp, err
}

// getByEmail is GetByEmail with the operation its errors name.
func (s *CustomersService) getByEmail(ctx context.Context, op, email string) (*Customer, *Response, error) {
	if err := checkEmail("email", email); err != nil {
		return nil, nil, asValidation(op, err)
	}
	if strings.ContainsAny(email, wordPressSlashed) {
		return s.searchByEmail(ctx, op, email)
	}
	var out customerOrNothing
	resp, err := (*service)(s).owner().call(ctx, op, http.MethodGet, "customer_search", &searchQuery{Email: email}, nil, true, &out)
	if err != nil {
		return nil, resp, err
	}
	if out.customer == nil {
		return nil, resp, noContactWithEmail(op)
	}
	return out.customer, resp, nil
}

// ErrAmbiguousEmail is returned by a lookup by email that can neither find
// the contact nor rule it out (see GetByEmail). It does not match
// [ErrNotFound]: creating the contact could overwrite one that exists.
var ErrAmbiguousEmail = errors.New("jetpackcrm: contact lookup by email is ambiguous")

// wordPressSlashed are the characters WordPress backslash-escapes in $_GET
// (wp_magic_quotes) that an email can hold: customer_search?email= then
// compares the escaped address and never finds the contact.
const wordPressSlashed = `'"\`

// noContactWithEmail is the miss of a lookup by email. It does not print the
// address: errors end up in logs, and an address is personal data.
func noContactWithEmail(op string) error {
	return notFound(op, 0, "no contact has this email")
}

// searchByEmail finds the contact with email by searching the contacts and
// keeping the one whose email is email, case-insensitively. The search
// (the DAL's LIKE on names, email, address and phones, and an exact alias
// match) goes in the customers endpoint's JSON body, which WordPress does
// not escape. The walk stops at the first exact match.
func (s *CustomersService) searchByEmail(ctx context.Context, op, email string) (*Customer, *Response, error) {
	opts := CustomerListOptions{Search: email, WithTags: true, WithInvoices: true, WithTransactions: true}
	var last *Response
	pages := iterate(ctx, op, DefaultIteratorPerPage, ascendingIDs, customerID, func(ctx context.Context, page, perPage int) ([]*Customer, *Response, error) {
		o := opts
		o.Page, o.PerPage = page, perPage
		items, resp, err := s.List(ctx, &o)
		if resp != nil {
			last = resp
		}
		return items, resp, err
	})
	var other int64 // a contact the search matched by something else than its email
	for c, err := range pages {
		if err != nil {
			return nil, last, err
		}
		if strings.EqualFold(c.Email, email) {
			return c, last, nil
		}
		if other == 0 && !strings.Contains(strings.ToLower(c.Email), strings.ToLower(email)) {
			other = c.ID
		}
	}
	if other != 0 {
		return nil, last, fmt.Errorf("jetpackcrm: %s: no contact has this main email, and the search also matched contact %d, "+
			"which may hold it as an alias (the API does not list aliases); not a miss: %w", op, other, ErrAmbiguousEmail)
	}
	return nil, last, noContactWithEmail(op)
}

// customerOrNothing decodes customer_search by email: an object, or [].
type customerOrNothing struct{ customer *Customer }

func (c *customerOrNothing) UnmarshalJSON(b []byte) error {
	if isEmptyJSONArray(b) {
		return nil
	}
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	c.customer = new(Customer)
	if err := c.customer.UnmarshalJSON(b); err != nil {
		return err
	}
	if c.customer.ID == 0 && c.customer.Email == "" {
		c.customer = nil // {} names no contact: a miss, not a contact with ID 0
	}
	return nil
}

// mapText maps the contact's text (see mapDecoded).
func (c *customerOrNothing) mapText(pass textPass) {
	if c.customer != nil {
		mapDecoded(c.customer, pass)
	}
}

func customerID(c *Customer) int64 { return c.ID }
