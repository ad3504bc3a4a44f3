package jetpackcrm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Address is a postal address. Contacts and companies each have a main and
// a secondary address; the wire names differ (contacts read and write
// secaddr_addr1..., companies secaddr1, seccity...), the SDK maps both.
type Address struct {
	Line1    string // wire addr1 / secaddr_addr1 / secaddr1
	Line2    string // wire addr2 / secaddr_addr2 / secaddr2
	City     string
	County   string // county or state
	Postcode string
	Country  string
}

// IsZero reports whether every line of the address is empty.
func (a Address) IsZero() bool { return a == Address{} }

// Tag is a tag attached to a contact or company. Lists carry tags only when
// asked for; create replies echo the tag names that were sent.
type Tag struct {
	// ID is the tag's ID (0 in create replies, which echo names only).
	ID int64
	// Name is the tag as shown; Slug its URL-safe form.
	Name string
	Slug string
	// ObjectType is the CRM object type the tag belongs to (1 for contacts,
	// 2 for companies).
	ObjectType int64
	// Created and LastUpdated come from Unix timestamps.
	Created     time.Time
	LastUpdated time.Time
}

func (t *Tag) decodeJSON(r *jsonReader) error {
	*t = Tag{}
	if r.peek() == '"' { // create replies echo tags as plain names
		name, err := r.readString()
		t.Name = name
		return err
	}
	return r.readObject(func(key []byte) (err error) {
		switch string(key) {
		case "id", "ID":
			t.ID, err = r.readInt64()
		case "name":
			t.Name, err = r.readString()
		case "slug":
			t.Slug, err = r.readString()
		case "objtype":
			t.ObjectType, err = r.readInt64()
		case "created":
			t.Created, err = r.readDateTime()
		case "lastupdated":
			t.LastUpdated, err = r.readUnix()
		default:
			err = r.skipValue()
		}
		return err
	})
}

// UnmarshalJSON decodes a tag object or a bare tag name.
func (t *Tag) UnmarshalJSON(b []byte) error {
	if r := (jsonReader{data: b}); r.peek() == '"' {
		tag, err := unmarshalScalar(b, func(r *jsonReader) (Tag, error) {
			var t Tag
			return t, t.decodeJSON(r)
		})
		*t = tag
		return err
	}
	return unmarshalObject(b, t, "Tag", (*Tag).decodeJSON)
}

// MarshalJSON encodes the tag in the server's wire shape.
func (t Tag) MarshalJSON() ([]byte, error) {
	w := newJSONWriter()
	w.int("id", t.ID)
	w.int("objtype", t.ObjectType)
	w.str("name", t.Name)
	w.str("slug", t.Slug)
	w.unix("created", t.Created)
	w.unix("lastupdated", t.LastUpdated)
	return w.bytes(), nil
}

func readTags(r *jsonReader) ([]Tag, error) { return readValues(r, (*Tag).decodeJSON) }

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
type Customer struct {
	// ID is the contact's ID ("12" in lists, 12 in create replies).
	ID int64
	// Owner is the WordPress user ID the contact is assigned to, 0 when
	// unassigned.
	Owner int64
	// Status is the CRM status, e.g. "Lead" or "Customer". An update that
	// omits it resets it to the CRM's default status.
	Status string
	// Email is the main address; contacts are matched by it (or an alias).
	Email     string
	Prefix    string
	FirstName string // wire fname
	LastName  string // wire lname
	// FullName is the server's "fullname" (prefix is not included), trimmed.
	FullName         string
	Address          Address
	SecondaryAddress Address
	HomePhone        string // wire hometel
	WorkPhone        string // wire worktel
	MobilePhone      string // wire mobtel
	Twitter          string // wire tw
	LinkedIn         string // wire li
	Facebook         string // wire fb
	Avatar           string
	// WPID is the linked WordPress user ID, 0 when none.
	WPID int64
	// Created (from "createduts"), LastUpdated and LastContacted are zero
	// when unset.
	Created       time.Time
	LastUpdated   time.Time
	LastContacted time.Time
	// Tags are present only when requested (or echoed by a create reply,
	// as names only).
	Tags []Tag
	// Aliases are extra email addresses of the contact (rarely sent).
	Aliases []string
	// CustomFields holds the contact's custom fields by slug (slugs may
	// contain hyphens), including address custom fields (addr_<slug>,
	// secaddr_<slug>), as strings. A create reply also echoes unknown
	// request keys here.
	CustomFields map[string]string
	// Invoices, Quotes and Transactions are present only when requested.
	Invoices     []*Invoice
	Quotes       []*Quote
	Transactions []*Transaction
}

// customerState tracks what decodeField has seen across the object and its
// legacy "meta" sub-object.
type customerState struct {
	haveCreatedUTS bool
	inMeta         bool
	// created is the raw "created" value, parsed only if there is no
	// createduts (it precedes createduts on the wire).
	created []byte
}

func (c *Customer) decodeJSON(r *jsonReader) error {
	*c = Customer{}
	var st customerState
	if err := r.readObject(func(key []byte) error { return c.decodeField(r, key, &st) }); err != nil {
		return err
	}
	if !st.haveCreatedUTS && st.created != nil {
		sub := jsonReader{data: st.created}
		t, err := sub.readDateTime()
		if err != nil {
			return inField("created", err)
		}
		c.Created = t
	}
	return nil
}

// decodeField decodes the value of one member. Its key switch is the list
// of the contact's built-in keys: every key not listed is a custom field.
func (c *Customer) decodeField(r *jsonReader, key []byte, st *customerState) (err error) {
	switch string(key) {
	case "id", "ID":
		c.ID, err = r.readInt64()
	case "owner":
		c.Owner, err = r.readInt64()
		c.Owner = max(c.Owner, 0)
	case "status":
		c.Status, err = r.readString()
	case "zbsc_status": // legacy meta copy of status
		var s string
		if s, err = r.readString(); c.Status == "" {
			c.Status = s
		}
	case "email":
		c.Email, err = r.readString()
	case "prefix":
		c.Prefix, err = r.readString()
	case "fname":
		c.FirstName, err = r.readString()
	case "lname":
		c.LastName, err = r.readString()
	case "fullname", "name":
		var s string
		if s, err = r.readString(); c.FullName == "" {
			c.FullName = strings.TrimSpace(s)
		}
	case "addr1":
		c.Address.Line1, err = r.readString()
	case "addr2":
		c.Address.Line2, err = r.readString()
	case "city":
		c.Address.City, err = r.readString()
	case "county":
		c.Address.County, err = r.readString()
	case "postcode":
		c.Address.Postcode, err = r.readString()
	case "country":
		c.Address.Country, err = r.readString()
	case "secaddr_addr1", "secaddr1":
		c.SecondaryAddress.Line1, err = r.readString()
	case "secaddr_addr2", "secaddr2":
		c.SecondaryAddress.Line2, err = r.readString()
	case "secaddr_city", "seccity":
		c.SecondaryAddress.City, err = r.readString()
	case "secaddr_county", "seccounty":
		c.SecondaryAddress.County, err = r.readString()
	case "secaddr_postcode", "secpostcode":
		c.SecondaryAddress.Postcode, err = r.readString()
	case "secaddr_country", "seccountry":
		c.SecondaryAddress.Country, err = r.readString()
	case "hometel":
		c.HomePhone, err = r.readString()
	case "worktel":
		c.WorkPhone, err = r.readString()
	case "mobtel":
		c.MobilePhone, err = r.readString()
	case "tw":
		c.Twitter, err = r.readString()
	case "li":
		c.LinkedIn, err = r.readString()
	case "fb":
		c.Facebook, err = r.readString()
	case "avatar":
		c.Avatar, err = r.readString()
	case "wpid":
		c.WPID, err = r.readInt64()
		c.WPID = max(c.WPID, 0)
	case "createduts":
		c.Created, err = r.readUnix()
		st.haveCreatedUTS = true
	case "created":
		// "Y-m-d H:i:s" in site time without a zone: used (as UTC) only when
		// createduts is absent, as in the legacy documented shape.
		st.created, err = r.rawValue()
	case "lastupdated":
		c.LastUpdated, err = r.readUnix()
	case "lastcontacteduts":
		c.LastContacted, err = r.readUnix()
	case "tags":
		c.Tags, err = readTags(r)
	case "aliases":
		c.Aliases, err = r.readStrings()
	case "invoices":
		c.Invoices, err = readList(r, (*Invoice).decodeJSON)
	case "quotes":
		c.Quotes, err = readList(r, (*Quote).decodeJSON)
	case "transactions":
		c.Transactions, err = readList(r, (*Transaction).decodeJSON)
	case "meta": // legacy shape: the fields sit in a sub-object
		if st.inMeta {
			return r.skipValue()
		}
		st.inMeta = true
		err = r.readObject(func(k []byte) error { return c.decodeField(r, k, st) })
		st.inMeta = false
	case "created_date", "lastupdated_date", "lastcontacted", "lastcontacted_date",
		// legacy list counters, and request keys a create reply echoes
		"filterTot", "filterPages", "notes", "suffix", "assign", "sticky", "stickystat",
		// Groove-only extras
		"total_value", "purchase_total", "purchase_count":
		err = r.skipValue()
	default:
		err = r.readCustomField(&c.CustomFields, key)
	}
	return err
}

// customerBuiltinKey reports whether key is a contact wire key (and so cannot
// be a custom-field slug).
func customerBuiltinKey(key string) bool {
	return !decodesAsCustomField(key, func(r *jsonReader, k []byte) (map[string]string, error) {
		var c Customer
		err := c.decodeField(r, k, &customerState{})
		return c.CustomFields, err
	})
}

// UnmarshalJSON decodes a contact in any shape the API has used: the
// current flat object, a create reply (echo plus "id"), and the legacy
// documented shape with a "meta" sub-object, "ID" and "filterTot".
func (c *Customer) UnmarshalJSON(b []byte) error {
	return unmarshalObject(b, c, "Customer", (*Customer).decodeJSON)
}

// MarshalJSON encodes the contact in the server's wire shape (times as Unix
// seconds, custom fields at top level), so that it decodes back to the same
// value.
func (c Customer) MarshalJSON() ([]byte, error) {
	w := newJSONWriter()
	w.int("id", c.ID)
	w.int("owner", c.Owner)
	w.str("status", c.Status)
	w.str("email", c.Email)
	w.str("prefix", c.Prefix)
	w.str("fname", c.FirstName)
	w.str("lname", c.LastName)
	writeAddress(w, c.Address, contactAddressKeys)
	writeAddress(w, c.SecondaryAddress, contactSecondaryAddressKeys)
	w.str("hometel", c.HomePhone)
	w.str("worktel", c.WorkPhone)
	w.str("mobtel", c.MobilePhone)
	w.int("wpid", c.WPID)
	w.str("avatar", c.Avatar)
	w.str("tw", c.Twitter)
	w.str("li", c.LinkedIn)
	w.str("fb", c.Facebook)
	w.unix("createduts", c.Created)
	w.unix("lastupdated", c.LastUpdated)
	w.unix("lastcontacteduts", c.LastContacted)
	w.str("fullname", c.FullName)
	if err := marshalList(w, "tags", c.Tags); err != nil {
		return nil, err
	}
	if c.Aliases != nil {
		w.strList("aliases", c.Aliases)
	}
	if err := marshalList(w, "invoices", c.Invoices); err != nil {
		return nil, err
	}
	if err := marshalList(w, "quotes", c.Quotes); err != nil {
		return nil, err
	}
	if err := marshalList(w, "transactions", c.Transactions); err != nil {
		return nil, err
	}
	w.customFields(c.CustomFields)
	return w.bytes(), nil
}

// addressKeys are the wire names of one address, in Address field order.
type addressKeys [6]string

var (
	contactAddressKeys          = addressKeys{"addr1", "addr2", "city", "county", "postcode", "country"}
	contactSecondaryAddressKeys = addressKeys{"secaddr_addr1", "secaddr_addr2", "secaddr_city", "secaddr_county", "secaddr_postcode", "secaddr_country"}
	companySecondaryAddressKeys = addressKeys{"secaddr1", "secaddr2", "seccity", "seccounty", "secpostcode", "seccountry"}
)

func (a Address) lines() [6]string {
	return [6]string{a.Line1, a.Line2, a.City, a.County, a.Postcode, a.Country}
}

// writeAddress writes every line of a, even empty ones.
func writeAddress(w *jsonWriter, a Address, keys addressKeys) {
	for i, v := range a.lines() {
		w.str(keys[i], v)
	}
}

// writeAddressOmit writes the non-empty lines of a.
func writeAddressOmit(w *jsonWriter, a Address, keys addressKeys) {
	for i, v := range a.lines() {
		w.strOmit(keys[i], v)
	}
}

func addressUTF8(prefix string, a Address) []namedString {
	return []namedString{
		{prefix + ".Line1", a.Line1}, {prefix + ".Line2", a.Line2}, {prefix + ".City", a.City},
		{prefix + ".County", a.County}, {prefix + ".Postcode", a.Postcode}, {prefix + ".Country", a.Country},
	}
}

// CustomerRequest is the body of Customers.Create and Customers.Update
// (wire endpoint create_customer, an upsert keyed by email).
//
// Only non-empty fields are sent: the server cannot store "" or clear a
// field anyway. But an upsert that matches an existing contact blanks every
// field it was not sent and resets an omitted Status to the default, which
// is why Customers.Update sends the full merged record.
type CustomerRequest struct {
	// ID updates that contact (sent only when > 0). It must come with the
	// Email: an ID alone is refused ({"error":100}); ID plus a new Email
	// changes the contact's email.
	ID int64
	// Email is required; it is the upsert key (the main email or an alias).
	Email string
	// Status, e.g. "Lead" or "Customer". Omitted, a new contact gets the
	// CRM default and an existing one is reset to it. A contact whose status
	// is "Customer" keeps it whatever is sent, unless ForceStatus is set.
	Status string
	// ForceStatus sends "sticky" so that Status is applied even to a
	// contact whose current status is "Customer" (the server's sticky-status
	// rule otherwise keeps it).
	ForceStatus      bool
	Prefix           string
	FirstName        string
	LastName         string
	Address          Address
	SecondaryAddress Address
	HomePhone        string
	WorkPhone        string
	MobilePhone      string
	Twitter          string
	LinkedIn         string
	Facebook         string
	Avatar           string
	// Tags are tag names. A non-empty list REPLACES all of the contact's
	// tags (missing tags are created); nil or empty leaves them untouched.
	// HTML is stripped and blank names dropped by the server.
	Tags []string
	// AssignTo is the WordPress user ID to own the contact (sent when > 0).
	// The server silently ignores it unless that user may manage the CRM.
	AssignTo int64
	// CustomFields are sent as top-level keys by slug. A key that names a
	// built-in field (e.g. "fname") is refused rather than allowed to
	// overwrite it. Checkbox fields take a CSV string, date fields Y-m-d.
	CustomFields map[string]string
}

// MarshalJSON encodes the request with wire names, omitting empty values,
// with custom fields at top level (sorted). It fails if a custom-field key
// collides with a built-in key.
func (cr CustomerRequest) MarshalJSON() ([]byte, error) {
	if err := checkCustomFields(cr.CustomFields, customerBuiltinKey); err != nil {
		return nil, err
	}
	w := newJSONWriter()
	w.positive("id", cr.ID)
	w.strOmit("email", cr.Email)
	w.strOmit("status", cr.Status)
	if cr.ForceStatus {
		w.str("sticky", "1")
	}
	w.strOmit("prefix", cr.Prefix)
	w.strOmit("fname", cr.FirstName)
	w.strOmit("lname", cr.LastName)
	writeAddressOmit(w, cr.Address, contactAddressKeys)
	writeAddressOmit(w, cr.SecondaryAddress, contactSecondaryAddressKeys)
	w.strOmit("hometel", cr.HomePhone)
	w.strOmit("worktel", cr.WorkPhone)
	w.strOmit("mobtel", cr.MobilePhone)
	w.strOmit("tw", cr.Twitter)
	w.strOmit("li", cr.LinkedIn)
	w.strOmit("fb", cr.Facebook)
	w.strOmit("avatar", cr.Avatar)
	if len(cr.Tags) > 0 {
		w.strList("tags", cr.Tags)
	}
	w.positive("assign", cr.AssignTo)
	w.customFields(cr.CustomFields)
	return w.bytes(), nil
}

// wireJSON is json.Marshal(cr) without its second pass over the output:
// MarshalJSON writes compact, valid JSON, so all that is left of that pass
// is escaping <, > and & (and only when one is there).
func (cr *CustomerRequest) wireJSON() ([]byte, error) {
	b, err := cr.MarshalJSON()
	if err != nil || !bytes.ContainsAny(b, "<>&") {
		return b, err
	}
	var buf bytes.Buffer
	json.HTMLEscape(&buf, b)
	return buf.Bytes(), nil
}

// validate checks the request before anything is sent: a valid email (the
// server answers {"errors":1} without one), no negative IDs, valid UTF-8
// everywhere, no custom field named like a built-in key. It returns an
// *invalidFieldError naming the Go field.
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
	// Checked in place, without building a list of every field (and its
	// name) for each request: bulk writes validate thousands.
	if err := checkUTF8(
		namedString{"Status", cr.Status}, namedString{"Prefix", cr.Prefix}, namedString{"FirstName", cr.FirstName},
		namedString{"LastName", cr.LastName}, namedString{"HomePhone", cr.HomePhone}, namedString{"WorkPhone", cr.WorkPhone},
		namedString{"MobilePhone", cr.MobilePhone}, namedString{"Twitter", cr.Twitter}, namedString{"LinkedIn", cr.LinkedIn},
		namedString{"Facebook", cr.Facebook}, namedString{"Avatar", cr.Avatar},
	); err != nil {
		return err
	}
	if err := checkAddressUTF8("Address", cr.Address); err != nil {
		return err
	}
	if err := checkAddressUTF8("SecondaryAddress", cr.SecondaryAddress); err != nil {
		return err
	}
	for _, t := range cr.Tags {
		if err := checkUTF8(namedString{"Tags", t}); err != nil {
			return err
		}
	}
	return checkCustomFields(cr.CustomFields, customerBuiltinKey)
}

// checkAddressUTF8 is checkUTF8(addressUTF8(prefix, a)...), building the
// field names only when a line is not valid UTF-8.
func checkAddressUTF8(prefix string, a Address) error {
	for _, line := range a.lines() {
		if !utf8.ValidString(line) {
			return checkUTF8(addressUTF8(prefix, a)...)
		}
	}
	return nil
}

// customerRequestFrom returns a request that rewrites c as it is: every
// writable field, its status, its tag names (nil when c's tags were not
// loaded, which leaves tags untouched) and its custom fields.
func customerRequestFrom(c *Customer) *CustomerRequest {
	return &CustomerRequest{
		ID:               c.ID,
		Email:            c.Email,
		Status:           c.Status,
		Prefix:           c.Prefix,
		FirstName:        c.FirstName,
		LastName:         c.LastName,
		Address:          c.Address,
		SecondaryAddress: c.SecondaryAddress,
		HomePhone:        c.HomePhone,
		WorkPhone:        c.WorkPhone,
		MobilePhone:      c.MobilePhone,
		Twitter:          c.Twitter,
		LinkedIn:         c.LinkedIn,
		Facebook:         c.Facebook,
		Avatar:           c.Avatar,
		Tags:             tagNames(c.Tags),
		AssignTo:         c.Owner,
		CustomFields:     maps.Clone(c.CustomFields),
	}
}

// mergeCustomerRequest overlays the non-empty fields of change on the
// current record and returns the full request to send, so that an upsert
// blanks nothing. Address lines and custom fields merge one by one; a
// non-empty change.Tags replaces the tags. The result keeps current's ID so
// that change.Email, if set, renames the contact.
func mergeCustomerRequest(current *Customer, change *CustomerRequest) *CustomerRequest {
	m := customerRequestFrom(current)
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&m.Email, change.Email)
	set(&m.Status, change.Status)
	m.ForceStatus = change.ForceStatus
	set(&m.Prefix, change.Prefix)
	set(&m.FirstName, change.FirstName)
	set(&m.LastName, change.LastName)
	for _, p := range [...]struct{ dst, src *Address }{{&m.Address, &change.Address}, {&m.SecondaryAddress, &change.SecondaryAddress}} {
		set(&p.dst.Line1, p.src.Line1)
		set(&p.dst.Line2, p.src.Line2)
		set(&p.dst.City, p.src.City)
		set(&p.dst.County, p.src.County)
		set(&p.dst.Postcode, p.src.Postcode)
		set(&p.dst.Country, p.src.Country)
	}
	set(&m.HomePhone, change.HomePhone)
	set(&m.WorkPhone, change.WorkPhone)
	set(&m.MobilePhone, change.MobilePhone)
	set(&m.Twitter, change.Twitter)
	set(&m.LinkedIn, change.LinkedIn)
	set(&m.Facebook, change.Facebook)
	set(&m.Avatar, change.Avatar)
	if len(change.Tags) > 0 {
		m.Tags = change.Tags
	}
	if change.AssignTo > 0 {
		m.AssignTo = change.AssignTo
	}
	if change.ID > 0 {
		m.ID = change.ID
	}
	if len(change.CustomFields) > 0 {
		if m.CustomFields == nil {
			m.CustomFields = make(map[string]string, len(change.CustomFields))
		}
		for k, v := range change.CustomFields {
			if v != "" {
				m.CustomFields[k] = v
			}
		}
	}
	return m
}

// CustomersAPI is the customers service, as an interface so that callers
// can fake it in their tests.
type CustomersAPI interface {
	Create(ctx context.Context, req *CustomerRequest) (*Customer, *Response, error)
	Update(ctx context.Context, email string, changes *CustomerRequest) (*Customer, *Response, error)
	List(ctx context.Context, opts *CustomerListOptions) ([]*Customer, *Response, error)
	Search(ctx context.Context, query string, opts *ListOptions) ([]*Customer, *Response, error)
	GetByEmail(ctx context.Context, email string) (*Customer, *Response, error)
	All(ctx context.Context, opts *CustomerListOptions) iter.Seq2[*Customer, error]
	UpsertMany(ctx context.Context, requests []*CustomerRequest, opts BulkOptions) ([]BulkResult, error)
}

var _ CustomersAPI = (*CustomersService)(nil)

// CustomersService handles the CRM's contacts (the API calls them
// customers): create_customer, customers and customer_search.
type CustomersService service

// CustomerListOptions filters Customers.List and Customers.All. The
// customers endpoint reads them from a JSON body, not the query string.
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
//   - The answer echoes what was sent plus the ID, not what was stored.
//
// It is retried after 5xx and network errors: an upsert keyed by email
// cannot duplicate the contact.
func (s *CustomersService) Create(ctx context.Context, req *CustomerRequest) (*Customer, *Response, error) {
	const op = "Customers.Create"
	if req == nil {
		return nil, nil, invalid(op, "", "nil *CustomerRequest")
	}
	if err := req.validate(); err != nil {
		return nil, nil, asValidation(op, err)
	}
	c := new(Customer)
	payload, err := req.wireJSON()
	if err != nil {
		return nil, nil, asValidation(op, err)
	}
	resp, err := (*service)(s).owner().callAs(ctx, op, http.MethodPost, "create_customer", nil, payload, true, c)
	if err != nil {
		return nil, resp, err
	}
	return c, resp, nil
}

// Update changes some fields of the contact with this email, without
// blanking the others: it reads the contact (customer_search by email),
// merges the non-empty fields of changes over it, and writes the full record
// back by ID, status and owner included. To change the email address, set
// changes.Email. Tags in changes replace the contact's tags; nil leaves them.
//
// Empty fields of changes mean "keep": the API cannot clear a field (the
// server drops blank, 0 and -1 values). A contact whose status is
// "Customer" keeps it unless changes.ForceStatus is set (sticky status).
//
// The returned contact is what was written, with the fields the write does
// not touch (Created, Owner, linked invoices...) from the read. LastUpdated
// is zero: the write's answer does not say it. The *Response is the write's.
//
// The read and the write are two requests: a change made by someone else in
// between is overwritten. It returns ErrNotFound if no contact has the email,
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
	current, resp, err := s.GetByEmail(ctx, email)
	if err != nil {
		return nil, resp, err
	}
	merged := mergeCustomerRequest(current, changes)
	if err := merged.validate(); err != nil {
		return nil, nil, asValidation(op, err)
	}
	written := new(Customer)
	payload, err := merged.wireJSON()
	if err != nil {
		return nil, nil, asValidation(op, err)
	}
	resp, err = (*service)(s).owner().callAs(ctx, op, http.MethodPost, "create_customer", nil, payload, true, written)
	if err != nil {
		return nil, resp, err
	}
	keepReadOnlyFields(written, current)
	return written, resp, nil
}

// keepReadOnlyFields completes the echo of an update (which holds exactly
// what was written) with what the write did not touch.
func keepReadOnlyFields(written, current *Customer) {
	written.Owner = current.Owner
	written.WPID = current.WPID
	written.Created = current.Created
	written.LastContacted = current.LastContacted
	written.Aliases = current.Aliases
	written.Invoices = current.Invoices
	written.Quotes = current.Quotes
	written.Transactions = current.Transactions
	if written.Tags == nil {
		written.Tags = current.Tags
	}
	if written.FullName == "" {
		written.FullName = strings.TrimSpace(written.FirstName + " " + written.LastName)
	}
}

// List returns one page of contacts, in ID order (POST customers; the
// paging and filters travel in the JSON body).
func (s *CustomersService) List(ctx context.Context, opts *CustomerListOptions) ([]*Customer, *Response, error) {
	const op = "Customers.List"
	if err := opts.validate(op); err != nil {
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
	resp, err := (*service)(s).owner().callAs(ctx, op, http.MethodPost, "customers", nil, &body, true, &out)
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
	return iterate(ctx, base.PerPage, ascendingIDs, customerID, func(ctx context.Context, page, perPage int) ([]*Customer, *Response, error) {
		o := base
		o.Page, o.PerPage = page, perPage
		return s.List(ctx, &o)
	})
}

// searchQuery is the query of customer_search.
type searchQuery struct {
	Query   string `url:"zbs_query,omitempty"`
	Email   string `url:"email,omitempty"`
	Page    int    `url:"page,omitempty"`
	PerPage int    `url:"perpage,omitempty"`
}

// Search returns one page of contacts whose names, email, address or phone
// numbers contain query, case-insensitively (GET customer_search). An empty
// query lists every contact.
func (s *CustomersService) Search(ctx context.Context, query string, opts *ListOptions) ([]*Customer, *Response, error) {
	const op = "Customers.Search"
	if err := opts.validate(op); err != nil {
		return nil, nil, err
	}
	if !utf8.ValidString(query) {
		return nil, nil, invalid(op, "query", "not valid UTF-8")
	}
	q := searchQuery{Query: query}
	if opts != nil {
		q.Page, q.PerPage = opts.Page, opts.PerPage
	}
	var out []*Customer
	resp, err := (*service)(s).owner().callAs(ctx, op, http.MethodGet, "customer_search", &q, nil, true, &out)
	if err != nil {
		return nil, resp, err
	}
	page, perPage := opts.effective()
	resp.setPage(page, perPage, len(out))
	return out, resp, nil
}

// GetByEmail returns the contact whose main email or alias is exactly email
// (GET customer_search?email=), with its tags, invoices and transactions.
// The server answers a single object on a hit and [] on a miss; the miss
// is returned as an error matching ErrNotFound.
func (s *CustomersService) GetByEmail(ctx context.Context, email string) (*Customer, *Response, error) {
	const op = "Customers.GetByEmail"
	if err := checkEmail("email", email); err != nil {
		return nil, nil, asValidation(op, err)
	}
	var out customerOrNothing
	resp, err := (*service)(s).owner().callAs(ctx, op, http.MethodGet, "customer_search", &searchQuery{Email: email}, nil, true, &out)
	if err != nil {
		return nil, resp, err
	}
	if out.customer == nil {
		return nil, resp, fmt.Errorf("jetpackcrm: %s: no contact with email %q: %w", op, email, ErrNotFound)
	}
	return out.customer, resp, nil
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

func customerID(c *Customer) int64 { return c.ID }
