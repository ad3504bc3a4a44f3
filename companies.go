package jetpackcrm

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"time"
	"unicode/utf8"
)

// Company is a Jetpack CRM company as the API returns it.
//
// Unlike contacts, companies carry Unix times as ints, their secondary
// address as secaddr1, seccity... and "wpid" as an int; all decode into the
// same Go types. Every company in a list embeds its linked contacts in
// Contacts. Invoices, Quotes and Transactions are filled when asked for
// through [CompaniesService.ListFiltered] (Jetpack CRM 6.6.0 and later); on
// 6.4 Invoices and Quotes appear only through the companies endpoint's
// argument-order bug, never reliably.
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
	// Avatar is the avatar URL, read back as written (the server stores it
	// through htmlentities twice).
	Avatar string `json:"avatar" jpcrm:"text=avatar"`
	// WPID is the linked WordPress user ID, 0 when none.
	WPID int64 `json:"wpid" jpcrm:"nonneg"`
	// Created, LastUpdated and LastContacted are zero when unset.
	Created       time.Time `json:"created" jpcrm:"datetime"`
	LastUpdated   time.Time `json:"lastupdated"`
	LastContacted time.Time `json:"lastcontacted"`
	// Contacts are the contacts linked to the company, as full records.
	Contacts []*Customer `json:"contacts,omitzero"`
	// Tags appear in create replies (as names) and are otherwise not listed.
	Tags []Tag `json:"tags,omitzero"`
	// Invoices, Quotes and Transactions are the company's, when asked for;
	// nil otherwise.
	Invoices     []*Invoice     `json:"invoices,omitzero"`
	Quotes       []*Quote       `json:"quotes,omitzero"`
	Transactions []*Transaction `json:"transactions,omitzero"`
	// CustomFields holds custom fields by slug, including address custom
	// fields (addr_<slug>, secaddr_<slug>). A create reply also echoes
	// unknown request keys here.
	CustomFields map[string]string `json:",unknown" jpcrm:"nested=meta,ignore=created_date|lastupdated_date|lastcontacted_date|assign"`
}

// companyBuiltinKey reports whether key is a company wire key.
func companyBuiltinKey(key string) bool { return codecOf[Company]().isBuiltin(key) }

// UnmarshalJSON decodes a company leniently.
func (co *Company) UnmarshalJSON(b []byte) error { return unmarshalModel(b, co) }

// MarshalJSON encodes the company in the server's wire shape.
func (co Company) MarshalJSON() ([]byte, error) { return marshalModel(&co) }

// CompanyRequest is the body of [CompaniesService.Create] (wire endpoint
// create_company).
//
// Name and Email are both required: without a valid email the server
// answers 200 with an empty body and stores nothing. The upsert matches an
// existing company by email, then by name; a match is updated with every
// unsent field blanked, and on Jetpack CRM 6.4.x the server then fails with
// a PHP fatal error (HTTP 500) although the update was saved. There is no
// ID field: any "id" > 0 makes the server fail with 500.
//
// Text the site would not store as sent is refused before sending, as for
// contacts (see [CustomerRequest]): over the limits below, HTML, runs of
// white space, percent-encoded bytes, backslashes (every company field is
// listed through stripslashes), "0" and -1.
//
// It encodes with wire names (secondary address as secaddr1, seccity...),
// omitting empty values, custom fields at top level; encoding fails if a
// custom-field key collides with a built-in key.
type CompanyRequest struct {
	// Name is required (at most 100 bytes); an existing company with this
	// name is updated.
	Name string `json:"name,omitempty" jpcrm:"max=100,zero,minusone"`
	// Email is required and must be valid (at most 200 bytes); it is the
	// first upsert key.
	Email string `json:"email,omitempty" jpcrm:"max=200"`
	// Status, e.g. "Lead" (at most 50 bytes); omitted, it becomes (or is
	// reset to) the default.
	Status           string  `json:"status,omitempty" jpcrm:"max=50,zero,minusone"`
	Address          Address `json:",inline,omitempty"`
	SecondaryAddress Address `json:",inline,omitempty" jpcrm:"prefix=sec|secaddr_"`
	// The phones (at most 40 bytes) and social handles (Twitter 100,
	// LinkedIn 300, Facebook 200).
	MainPhone      string `json:"maintel,omitempty" jpcrm:"max=40,zero,minusone"`
	SecondaryPhone string `json:"sectel,omitempty" jpcrm:"max=40,zero,minusone"`
	Twitter        string `json:"tw,omitempty" jpcrm:"max=100,zero,minusone"`
	LinkedIn       string `json:"li,omitempty" jpcrm:"max=300,zero,minusone"`
	Facebook       string `json:"fb,omitempty" jpcrm:"max=200,zero,minusone"`
	// Avatar is stored through htmlentities twice, like a contact's (see
	// CustomerRequest.Avatar).
	Avatar string `json:"avatar,omitempty" jpcrm:"text=avatar,chars=300,zero,minusone"`
	// Tags are tag names; a non-empty list replaces all the company's tags.
	Tags []string `json:"tags,omitempty" jpcrm:"text=tag,chars=200,zero"`
	// AssignTo is the WordPress user ID to own the company (sent when > 0).
	AssignTo int64 `json:"assign,omitempty" jpcrm:"positive"`
	// CustomFields are sent as top-level keys by slug; a key that names a
	// built-in field is refused. Values hold at most 2000 characters.
	CustomFields map[string]string `json:",unknown" jpcrm:"chars=2000,zero,minusone"`
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

// CompaniesFilterAPI is the filtered listing of the companies service, as
// an interface for fakes. It is apart from [CompaniesAPI] so that fakes of
// that interface written before it existed still compile.
type CompaniesFilterAPI interface {
	ListFiltered(ctx context.Context, opts *CompanyListOptions) ([]*Company, *Response, error)
	AllFiltered(ctx context.Context, opts *CompanyListOptions) iter.Seq2[*Company, error]
}

var (
	_ CompaniesAPI       = (*CompaniesService)(nil)
	_ CompaniesFilterAPI = (*CompaniesService)(nil)
)

// CompanyListOptions filters [CompaniesService.ListFiltered] and
// [CompaniesService.AllFiltered]. The filters work from Jetpack CRM 6.6.0
// on; older releases pass them to the wrong arguments (search does not
// filter, owned is ignored, the flags add nothing or corrupt the answer), so
// a filter set there is refused with a [*ValidationError] naming the
// release, after the site's status is read once per [Client] (see
// [Client.Features]).
type CompanyListOptions struct {
	ListOptions
	// Search keeps the companies whose ID is the phrase, or whose name,
	// email, phones, addresses or social handles contain it (and custom
	// fields, if the CRM's "customfieldsearch" setting is on).
	Search string
	// Owner keeps the companies owned by this WordPress user ID.
	Owner int64
	// WithInvoices, WithQuotes and WithTransactions embed those lists in
	// each company (unpaginated: they can make big pages).
	WithInvoices     bool
	WithQuotes       bool
	WithTransactions bool
}

func (o *CompanyListOptions) validate(op string) error {
	if o == nil {
		return nil
	}
	if err := o.ListOptions.validate(op); err != nil {
		return err
	}
	if o.Owner < 0 {
		return invalid(op, "Owner", "must not be negative, got %d", o.Owner)
	}
	if !utf8.ValidString(o.Search) {
		return invalid(op, "Search", "not valid UTF-8")
	}
	return nil
}

// filter names the first filter set, "" when none is.
func (o *CompanyListOptions) filter() string {
	switch {
	case o == nil:
		return ""
	case o.Search != "":
		return "Search"
	case o.Owner != 0:
		return "Owner"
	case o.WithInvoices:
		return "WithInvoices"
	case o.WithQuotes:
		return "WithQuotes"
	case o.WithTransactions:
		return "WithTransactions"
	}
	return ""
}

// companiesListBody is the JSON body the companies endpoint reads. The
// flags work only as the string "true".
type companiesListBody struct {
	Page         int    `json:"page,omitempty"`
	PerPage      int    `json:"perpage,omitempty"`
	Search       string `json:"search,omitempty"`
	Owned        int64  `json:"owned,omitempty"`
	Invoices     string `json:"invoices,omitempty"`
	Quotes       string `json:"quotes,omitempty"`
	Transactions string `json:"transactions,omitempty"`
}

// CompaniesService handles the CRM's companies (create_company and
// companies). Companies exist when the CRM runs in B2B mode.
type CompaniesService service

// Create creates a company (POST create_company).
//
// Traps of Jetpack CRM 6.4.x, which this method cannot undo:
//   - A company whose email already exists is updated (every field not sent
//     is blanked) and then the server fails with HTTP 500 (a PHP fatal
//     error in its logging code): the error matches [ErrInternal], but the
//     update was written. [Company] updates are not usable through the API.
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
	resp, err := (*service)(s).owner().call(ctx, op, http.MethodPost, "create_company", nil, req, false, c)
	if err != nil {
		return nil, resp, err
	}
	return c, resp, nil
}

// List returns one page of companies, each with its linked contacts (POST
// companies; paging travels in the JSON body). It is
// [CompaniesService.ListFiltered] with paging and order only.
//
// The order depends on the release, and the endpoint takes none: Jetpack
// CRM 6.6.0 and later list newest first, older releases oldest first.
// opts.Order is accepted when it is the site's order and refused with a
// [*ValidationError] otherwise (which reads the site's status once per
// [Client]). [CompaniesService.All] walks either.
func (s *CompaniesService) List(ctx context.Context, opts *ListOptions) ([]*Company, *Response, error) {
	co := &CompanyListOptions{}
	if opts != nil {
		co.ListOptions = *opts
	}
	return s.list(ctx, "Companies.List", co)
}

// ListFiltered returns one page of the companies that match opts, each
// with its linked contacts (POST companies).
//
// The filters need Jetpack CRM 6.6.0 or later: on 6.4 the endpoint passes
// them to the wrong arguments ("search" does not filter, "invoices"
// becomes a search for "1", "quotes" corrupts the answer with HTML,
// "transactions" adds quotes, "owned" is ignored). When a filter is set,
// the site's status is read (once per [Client]) and a release before 6.6.0
// gets a [*ValidationError] naming it, with nothing sent. The order is as
// for List.
func (s *CompaniesService) ListFiltered(ctx context.Context, opts *CompanyListOptions) ([]*Company, *Response, error) {
	return s.list(ctx, "Companies.ListFiltered", opts)
}

func (s *CompaniesService) list(ctx context.Context, op string, opts *CompanyListOptions) ([]*Company, *Response, error) {
	if err := opts.validate(op); err != nil {
		return nil, nil, err
	}
	c := (*service)(s).owner()
	if _, err := c.resolveOrder(ctx, op, "companies", opts.list().order()); err != nil {
		return nil, nil, err
	}
	if field := opts.filter(); field != "" {
		f, err := c.Features(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("jetpackcrm: %s: reading the site's release for %s: %w", op, field, err)
		}
		if !f.CompanyFilters {
			return nil, nil, c.refusal(op, field, "%s passes the companies filters to the wrong arguments (it would not filter, or would corrupt the answer); they need Jetpack CRM %s or later",
				f.release(), releaseCompanyFilters)
		}
	}
	var body companiesListBody
	if opts != nil {
		body = companiesListBody{Page: opts.Page, PerPage: opts.PerPage, Search: opts.Search, Owned: opts.Owner,
			Invoices: flagTrue(opts.WithInvoices), Quotes: flagTrue(opts.WithQuotes), Transactions: flagTrue(opts.WithTransactions)}
	}
	var out []*Company
	resp, err := c.call(ctx, op, http.MethodPost, "companies", nil, &body, true, &out)
	if err != nil {
		return nil, resp, err
	}
	page, perPage := opts.list().effective()
	resp.setPage(page, perPage, len(out))
	return out, resp, nil
}

func (o *CompanyListOptions) list() *ListOptions {
	if o == nil {
		return nil
	}
	return &o.ListOptions
}

// All iterates over every company (PerPage defaults to 100), in the
// site's order (see List).
func (s *CompaniesService) All(ctx context.Context, opts *ListOptions) iter.Seq2[*Company, error] {
	co := &CompanyListOptions{}
	if opts != nil {
		co.ListOptions = *opts
	}
	return s.all(ctx, "Companies.All", co)
}

// AllFiltered iterates over every company that matches opts (PerPage
// defaults to 100); the filters need Jetpack CRM 6.6.0 or later (see
// ListFiltered).
func (s *CompaniesService) AllFiltered(ctx context.Context, opts *CompanyListOptions) iter.Seq2[*Company, error] {
	return s.all(ctx, "Companies.AllFiltered", opts)
}

func (s *CompaniesService) all(ctx context.Context, op string, opts *CompanyListOptions) iter.Seq2[*Company, error] {
	if err := opts.validate(op); err != nil {
		return errorSeq[Company](err)
	}
	base := CompanyListOptions{}
	if opts != nil {
		base = *opts
	}
	// Without an Order, a set of IDs: Jetpack CRM 6.4 lists companies
	// oldest first, 6.6 newest first (it hard-codes the order).
	return iterate(ctx, op, base.PerPage, iterationOrder(base.Order, unorderedIDs), func(c *Company) int64 { return c.ID }, func(ctx context.Context, page, perPage int) ([]*Company, *Response, error) {
		o := base
		o.Page, o.PerPage = page, perPage
		return s.list(ctx, op, &o)
	})
}
