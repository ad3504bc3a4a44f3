package jetpackcrm

import (
	"context"
	"iter"
	"net/http"
	"time"
)

// Company is a Jetpack CRM company as the API returns it.
//
// Unlike contacts, companies carry Unix times as ints, their secondary
// address as secaddr1, seccity... and "wpid" as an int; all decode into the
// same Go types. Every company in a list embeds its linked contacts in
// Contacts. Invoices and Quotes appear only through the companies endpoint's
// argument-order bug (see Companies.List), never reliably.
type Company struct {
	// ID is the company's ID ("12" in lists, 12 in create replies).
	ID int64
	// Owner is the WordPress user ID the company is assigned to, 0 when
	// unassigned.
	Owner int64
	// Status is the CRM status, e.g. "Lead".
	Status string
	// Name is required and unique in the CRM (wire name, legacy coname).
	Name string
	// Email is unique; it is the key create_company upserts on.
	Email            string
	Address          Address
	SecondaryAddress Address
	MainPhone        string // wire maintel
	SecondaryPhone   string // wire sectel
	Twitter          string // wire tw
	LinkedIn         string // wire li
	Facebook         string // wire fb
	Avatar           string
	// WPID is the linked WordPress user ID, 0 when none.
	WPID int64
	// Created, LastUpdated and LastContacted are zero when unset.
	Created       time.Time
	LastUpdated   time.Time
	LastContacted time.Time
	// Contacts are the contacts linked to the company, as full records.
	Contacts []*Customer
	// Tags appear in create replies (as names) and are otherwise not listed.
	Tags     []Tag
	Invoices []*Invoice
	Quotes   []*Quote
	// CustomFields holds custom fields by slug, including address custom
	// fields (addr_<slug>, secaddr_<slug>). A create reply also echoes
	// unknown request keys here.
	CustomFields map[string]string
}

type companyState struct{ inMeta bool }

func (co *Company) decodeJSON(r *jsonReader) error {
	*co = Company{}
	var st companyState
	return r.readObject(func(key []byte) error { return co.decodeField(r, key, &st) })
}

// decodeField decodes one member; its key switch lists the company's
// built-in keys, every other key is a custom field.
func (co *Company) decodeField(r *jsonReader, key []byte, st *companyState) (err error) {
	switch string(key) {
	case "id", "ID":
		co.ID, err = r.readInt64()
	case "owner":
		co.Owner, err = r.readInt64()
		co.Owner = max(co.Owner, 0)
	case "status":
		co.Status, err = r.readString()
	case "name", "coname":
		co.Name, err = r.readString()
	case "email":
		co.Email, err = r.readString()
	case "addr1":
		co.Address.Line1, err = r.readString()
	case "addr2":
		co.Address.Line2, err = r.readString()
	case "city":
		co.Address.City, err = r.readString()
	case "county":
		co.Address.County, err = r.readString()
	case "postcode":
		co.Address.Postcode, err = r.readString()
	case "country":
		co.Address.Country, err = r.readString()
	case "secaddr1", "secaddr_addr1":
		co.SecondaryAddress.Line1, err = r.readString()
	case "secaddr2", "secaddr_addr2":
		co.SecondaryAddress.Line2, err = r.readString()
	case "seccity", "secaddr_city":
		co.SecondaryAddress.City, err = r.readString()
	case "seccounty", "secaddr_county":
		co.SecondaryAddress.County, err = r.readString()
	case "secpostcode", "secaddr_postcode":
		co.SecondaryAddress.Postcode, err = r.readString()
	case "seccountry", "secaddr_country":
		co.SecondaryAddress.Country, err = r.readString()
	case "maintel":
		co.MainPhone, err = r.readString()
	case "sectel":
		co.SecondaryPhone, err = r.readString()
	case "tw":
		co.Twitter, err = r.readString()
	case "li":
		co.LinkedIn, err = r.readString()
	case "fb":
		co.Facebook, err = r.readString()
	case "avatar":
		co.Avatar, err = r.readString()
	case "wpid":
		co.WPID, err = r.readInt64()
		co.WPID = max(co.WPID, 0)
	case "created":
		co.Created, err = r.readDateTime()
	case "lastupdated":
		co.LastUpdated, err = r.readUnix()
	case "lastcontacted":
		co.LastContacted, err = r.readUnix()
	case "contacts":
		co.Contacts, err = readList(r, (*Customer).decodeJSON)
	case "tags":
		co.Tags, err = readTags(r)
	case "invoices":
		co.Invoices, err = readList(r, (*Invoice).decodeJSON)
	case "quotes":
		co.Quotes, err = readList(r, (*Quote).decodeJSON)
	case "meta":
		if st.inMeta {
			return r.skipValue()
		}
		st.inMeta = true
		err = r.readObject(func(k []byte) error { return co.decodeField(r, k, st) })
		st.inMeta = false
	case "created_date", "lastupdated_date", "lastcontacted_date",
		// request keys a create reply echoes
		"assign", "transactions":
		err = r.skipValue()
	default:
		err = r.readCustomField(&co.CustomFields, key)
	}
	return err
}

// companyBuiltinKey reports whether key is a company wire key.
func companyBuiltinKey(key string) bool {
	return !decodesAsCustomField(key, func(r *jsonReader, k []byte) (map[string]string, error) {
		var co Company
		err := co.decodeField(r, k, &companyState{})
		return co.CustomFields, err
	})
}

// UnmarshalJSON decodes a company from a list, an embedded "company" entry
// or a create reply (echo of the request plus "id").
func (co *Company) UnmarshalJSON(b []byte) error {
	return unmarshalObject(b, co, "Company", (*Company).decodeJSON)
}

// MarshalJSON encodes the company in the server's wire shape, so that it
// decodes back to the same value.
func (co Company) MarshalJSON() ([]byte, error) {
	w := newJSONWriter()
	w.int("id", co.ID)
	w.int("owner", co.Owner)
	w.str("status", co.Status)
	w.str("name", co.Name)
	w.str("email", co.Email)
	writeAddress(w, co.Address, contactAddressKeys)
	writeAddress(w, co.SecondaryAddress, companySecondaryAddressKeys)
	w.str("maintel", co.MainPhone)
	w.str("sectel", co.SecondaryPhone)
	w.int("wpid", co.WPID)
	w.str("avatar", co.Avatar)
	w.str("tw", co.Twitter)
	w.str("li", co.LinkedIn)
	w.str("fb", co.Facebook)
	w.unix("created", co.Created)
	w.unix("lastupdated", co.LastUpdated)
	w.unix("lastcontacted", co.LastContacted)
	if err := marshalList(w, "contacts", co.Contacts); err != nil {
		return nil, err
	}
	if err := marshalList(w, "tags", co.Tags); err != nil {
		return nil, err
	}
	if err := marshalList(w, "invoices", co.Invoices); err != nil {
		return nil, err
	}
	if err := marshalList(w, "quotes", co.Quotes); err != nil {
		return nil, err
	}
	w.customFields(co.CustomFields)
	return w.bytes(), nil
}

// CompanyRequest is the body of Companies.Create (wire endpoint
// create_company).
//
// Name and Email are both required: without a valid email the server
// answers 200 with an empty body and stores nothing. The upsert matches an
// existing company by email, then by name; a match is updated with every
// unsent field blanked, and on Jetpack CRM 6.4.x the server then fails with
// a PHP fatal error (HTTP 500) although the update was saved. There is no
// ID field: any "id" > 0 makes the server fail with 500.
type CompanyRequest struct {
	// Name is required; an existing company with this name is updated.
	Name string
	// Email is required and must be valid; it is the first upsert key.
	Email string
	// Status, e.g. "Lead"; omitted, it becomes (or is reset to) the default.
	Status           string
	Address          Address
	SecondaryAddress Address
	MainPhone        string
	SecondaryPhone   string
	Twitter          string
	LinkedIn         string
	Facebook         string
	Avatar           string
	// Tags are tag names; a non-empty list replaces all the company's tags.
	Tags []string
	// AssignTo is the WordPress user ID to own the company (sent when > 0).
	AssignTo int64
	// CustomFields are sent as top-level keys by slug; a key that names a
	// built-in field is refused.
	CustomFields map[string]string
}

// MarshalJSON encodes the request with wire names (secondary address as
// secaddr1, seccity...), omitting empty values, custom fields at top level.
// It fails if a custom-field key collides with a built-in key.
func (cr CompanyRequest) MarshalJSON() ([]byte, error) {
	if err := checkCustomFields(cr.CustomFields, companyBuiltinKey); err != nil {
		return nil, err
	}
	w := newJSONWriter()
	w.strOmit("name", cr.Name)
	w.strOmit("email", cr.Email)
	w.strOmit("status", cr.Status)
	writeAddressOmit(w, cr.Address, contactAddressKeys)
	writeAddressOmit(w, cr.SecondaryAddress, companySecondaryAddressKeys)
	w.strOmit("maintel", cr.MainPhone)
	w.strOmit("sectel", cr.SecondaryPhone)
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

// validate checks the request before anything is sent: a non-empty Name, a
// valid Email, valid UTF-8, no custom field named like a built-in key.
func (cr *CompanyRequest) validate() error {
	if isBlank(cr.Name) {
		return invalidField("Name", "required")
	}
	if err := checkEmail("Email", cr.Email); err != nil {
		return err
	}
	if cr.AssignTo < 0 {
		return invalidField("AssignTo", "negative")
	}
	fields := []namedString{
		{"Name", cr.Name}, {"Status", cr.Status}, {"MainPhone", cr.MainPhone}, {"SecondaryPhone", cr.SecondaryPhone},
		{"Twitter", cr.Twitter}, {"LinkedIn", cr.LinkedIn}, {"Facebook", cr.Facebook}, {"Avatar", cr.Avatar},
	}
	fields = append(fields, addressUTF8("Address", cr.Address)...)
	fields = append(fields, addressUTF8("SecondaryAddress", cr.SecondaryAddress)...)
	for _, t := range cr.Tags {
		fields = append(fields, namedString{"Tags", t})
	}
	if err := checkUTF8(fields...); err != nil {
		return err
	}
	return checkCustomFields(cr.CustomFields, companyBuiltinKey)
}

// CompaniesAPI is the companies service, as an interface for fakes.
type CompaniesAPI interface {
	Create(ctx context.Context, req *CompanyRequest) (*Company, *Response, error)
	List(ctx context.Context, opts *ListOptions) ([]*Company, *Response, error)
	All(ctx context.Context, opts *ListOptions) iter.Seq2[*Company, error]
}

var _ CompaniesAPI = (*CompaniesService)(nil)

// CompaniesService handles the CRM's companies (create_company and
// companies). Companies exist when the CRM runs in B2B mode.
type CompaniesService service

// Create creates a company (POST create_company).
//
// Traps of Jetpack CRM 6.4.x, which this method cannot undo:
//   - A company whose email already exists is updated (every field not sent
//     is blanked) and then the server fails with HTTP 500 (a PHP fatal
//     error in its logging code): the error matches ErrInternal, but the
//     update was written. Company updates are not usable through the API.
//   - A missing or invalid email makes the server store nothing and answer
//     an empty body; the SDK refuses such a request before sending it.
//   - Tags replace all of the company's tags.
//
// It is not retried after a 5xx or a network error that may have reached the
// server (429 and 503 are retried): on 6.4.x the 500 above is certain, and
// each retry would rewrite the company again before failing again.
func (s *CompaniesService) Create(ctx context.Context, req *CompanyRequest) (*Company, *Response, error) {
	const op = "Companies.Create"
	if req == nil {
		return nil, nil, invalid(op, "", "nil *CompanyRequest")
	}
	if err := req.validate(); err != nil {
		return nil, nil, asValidation(op, err)
	}
	c := new(Company)
	resp, err := (*service)(s).owner().callAs(ctx, op, http.MethodPost, "create_company", nil, req, false, c)
	if err != nil {
		return nil, resp, err
	}
	return c, resp, nil
}

// List returns one page of companies in ID order, each with its linked
// contacts (POST companies; paging travels in the JSON body).
//
// Only paging is offered: in Jetpack CRM 6.4.x the endpoint passes its
// other arguments to the CRM in the wrong order, so "search" does not
// filter, "invoices" becomes a search for "1", "quotes" corrupts the body
// with HTML, "transactions" adds quotes, and "owned" is ignored.
func (s *CompaniesService) List(ctx context.Context, opts *ListOptions) ([]*Company, *Response, error) {
	const op = "Companies.List"
	if err := opts.validate(op); err != nil {
		return nil, nil, err
	}
	body := ListOptions{}
	if opts != nil {
		body = *opts
	}
	var out []*Company
	resp, err := (*service)(s).owner().callAs(ctx, op, http.MethodPost, "companies", nil, &body, true, &out)
	if err != nil {
		return nil, resp, err
	}
	page, perPage := opts.effective()
	resp.setPage(page, perPage, len(out))
	return out, resp, nil
}

// All iterates over every company (PerPage defaults to 100).
func (s *CompaniesService) All(ctx context.Context, opts *ListOptions) iter.Seq2[*Company, error] {
	return allPages(ctx, "Companies.All", opts, ascendingIDs, func(c *Company) int64 { return c.ID }, s.List)
}
