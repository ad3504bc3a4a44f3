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
//
// It decodes from a list, an embedded "company" entry or a create reply
// (echo of the request plus "id"), and encodes to the wire shape, which
// decodes back to the same value.
type Company struct {
	// ID is the company's ID ("12" in lists, 12 in create replies).
	ID int64 `json:"id" jpcrm:"alias=ID"`
	// Owner is the WordPress user ID the company is assigned to, 0 when
	// unassigned.
	Owner int64 `json:"owner" jpcrm:"nonneg"`
	// Status is the CRM status, e.g. "Lead".
	Status string `json:"status"`
	// Name is required and unique in the CRM (wire name, legacy coname).
	Name string `json:"name" jpcrm:"alias=coname"`
	// Email is unique; it is the key create_company upserts on.
	Email            string  `json:"email"`
	Address          Address `json:",inline"`
	SecondaryAddress Address `json:",inline" jpcrm:"prefix=sec|secaddr_"`
	MainPhone        string  `json:"maintel"`
	SecondaryPhone   string  `json:"sectel"`
	Twitter          string  `json:"tw"`
	LinkedIn         string  `json:"li"`
	Facebook         string  `json:"fb"`
	Avatar           string  `json:"avatar"`
	// WPID is the linked WordPress user ID, 0 when none.
	WPID int64 `json:"wpid" jpcrm:"nonneg"`
	// Created, LastUpdated and LastContacted are zero when unset.
	Created       time.Time `json:"created" jpcrm:"datetime"`
	LastUpdated   time.Time `json:"lastupdated"`
	LastContacted time.Time `json:"lastcontacted"`
	// Contacts are the contacts linked to the company, as full records.
	Contacts []*Customer `json:"contacts,omitzero"`
	// Tags appear in create replies (as names) and are otherwise not listed.
	Tags     []Tag      `json:"tags,omitzero"`
	Invoices []*Invoice `json:"invoices,omitzero"`
	Quotes   []*Quote   `json:"quotes,omitzero"`
	// CustomFields holds custom fields by slug, including address custom
	// fields (addr_<slug>, secaddr_<slug>). A create reply also echoes
	// unknown request keys here.
	CustomFields map[string]string `json:",unknown" jpcrm:"nested=meta,ignore=created_date|lastupdated_date|lastcontacted_date|assign|transactions"`
}

// companyBuiltinKey reports whether key is a company wire key.
func companyBuiltinKey(key string) bool { return codecOf[Company]().isBuiltin(key) }

// UnmarshalJSON decodes a company leniently.
func (co *Company) UnmarshalJSON(b []byte) error { return unmarshalModel(b, co) }

// MarshalJSON encodes the company in the server's wire shape.
func (co Company) MarshalJSON() ([]byte, error) { return marshalModel(&co) }

// CompanyRequest is the body of Companies.Create (wire endpoint
// create_company).
//
// Name and Email are both required: without a valid email the server
// answers 200 with an empty body and stores nothing. The upsert matches an
// existing company by email, then by name; a match is updated with every
// unsent field blanked, and on Jetpack CRM 6.4.x the server then fails with
// a PHP fatal error (HTTP 500) although the update was saved. There is no
// ID field: any "id" > 0 makes the server fail with 500.
//
// It encodes with wire names (secondary address as secaddr1, seccity...),
// omitting empty values, custom fields at top level; encoding fails if a
// custom-field key collides with a built-in key.
type CompanyRequest struct {
	// Name is required; an existing company with this name is updated.
	Name string `json:"name,omitempty"`
	// Email is required and must be valid; it is the first upsert key.
	Email string `json:"email,omitempty"`
	// Status, e.g. "Lead"; omitted, it becomes (or is reset to) the default.
	Status           string  `json:"status,omitempty"`
	Address          Address `json:",inline,omitempty"`
	SecondaryAddress Address `json:",inline,omitempty" jpcrm:"prefix=sec|secaddr_"`
	MainPhone        string  `json:"maintel,omitempty"`
	SecondaryPhone   string  `json:"sectel,omitempty"`
	Twitter          string  `json:"tw,omitempty"`
	LinkedIn         string  `json:"li,omitempty"`
	Facebook         string  `json:"fb,omitempty"`
	Avatar           string  `json:"avatar,omitempty"`
	// Tags are tag names; a non-empty list replaces all the company's tags.
	Tags []string `json:"tags,omitempty"`
	// AssignTo is the WordPress user ID to own the company (sent when > 0).
	AssignTo int64 `json:"assign,omitempty" jpcrm:"positive"`
	// CustomFields are sent as top-level keys by slug; a key that names a
	// built-in field is refused.
	CustomFields map[string]string `json:",unknown"`
}

// MarshalJSON encodes the request in the wire shape.
func (cr CompanyRequest) MarshalJSON() ([]byte, error) { return marshalRequest(&cr) }

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
	return checkText(cr)
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
	if err := (*service)(s).owner().checkCustomFieldSlugs(ctx, op, ObjectCompany, req.CustomFields); err != nil {
		return nil, nil, err
	}
	c := new(Company)
	resp, err := (*service)(s).owner().call(ctx, http.MethodPost, "create_company", nil, req, false, c)
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
	resp, err := (*service)(s).owner().call(ctx, http.MethodPost, "companies", nil, &body, true, &out)
	if err != nil {
		return nil, resp, err
	}
	page, perPage := opts.effective()
	resp.setPage(page, perPage, len(out))
	return out, resp, nil
}

// All iterates over every company (PerPage defaults to 100). Jetpack CRM
// 6.4 lists companies oldest first and 6.6 newest first: the walk takes
// either.
func (s *CompaniesService) All(ctx context.Context, opts *ListOptions) iter.Seq2[*Company, error] {
	return allPages(ctx, "Companies.All", opts, unorderedIDs, func(c *Company) int64 { return c.ID }, s.List)
}
