package jetpackcrm

import (
	"context"
	"iter"
	"time"

	"github.com/shopspring/decimal"
)

// Invoice is a Jetpack CRM invoice. The API can list invoices but not create
// them.
//
// The invoices list carries NO customer or company reference (CustomerID is
// set only from the legacy documented shape), and its order is whatever the
// database returns, not newest first. Money is strings on the wire
// ("1440.00"). Hash grants access to the invoice in the client portal:
// treat it as a secret.
//
// It decodes from a list, a contact's embedded list or the legacy
// documented shape (zbsid, meta{name,val,date,notes}, customerid), and
// encodes to the wire shape, which decodes back to the same value.
type Invoice struct {
	// ID is the invoice's ID.
	ID int64 `json:"id" jpcrm:"alias=ID"`
	// Owner is the WordPress user ID of the owner, 0 when unassigned.
	Owner int64 `json:"owner" jpcrm:"nonneg"`
	// Reference is the human invoice number (wire id_override; legacy zbsid).
	Reference string `json:"id_override" jpcrm:"weak=zbsid"`
	// ParentID is the parent invoice's ID, 0 when none.
	ParentID int64 `json:"parent"`
	// Status is e.g. "Draft", "Unpaid", "Paid", "Overdue".
	Status string `json:"status"`
	// StatusLabel is Status translated for the site's language.
	StatusLabel string `json:"status_label"`
	// Hash is the client-portal access hash: treat it as a secret.
	Hash string `json:"hash"`
	// Currency is an ISO code such as "USD".
	Currency string `json:"currency"`
	// AddressedFrom and AddressedTo are the free-text address blocks.
	AddressedFrom string `json:"addressed_from"`
	AddressedTo   string `json:"addressed_to"`
	// AllowPartial and AllowTip are portal payment options.
	AllowPartial bool `json:"allow_partial"`
	AllowTip     bool `json:"allow_tip"`
	// Date, DueDate and PaidDate are zero when unset.
	Date     time.Time `json:"date" jpcrm:"datetime"`
	DueDate  time.Time `json:"due_date" jpcrm:"datetime"`
	PaidDate time.Time `json:"paid_date" jpcrm:"datetime"`
	// Amounts.
	Net         decimal.Decimal `json:"net"`
	Discount    decimal.Decimal `json:"discount"`
	Shipping    decimal.Decimal `json:"shipping"`
	ShippingTax decimal.Decimal `json:"shipping_tax"`
	Tax         decimal.Decimal `json:"tax"`
	Total       decimal.Decimal `json:"total" jpcrm:"alias=val"`
	// DiscountType is "%" or "m" (monetary) or empty.
	DiscountType string `json:"discount_type"`
	// Created and LastUpdated are the record's own times.
	Created     time.Time `json:"created" jpcrm:"datetime"`
	LastUpdated time.Time `json:"lastupdated"`
	// LineItems are the invoice's lines.
	LineItems []LineItem `json:"lineitems,omitzero"`
	// CustomerID is the contact's ID, known only from the legacy shape.
	CustomerID int64 `json:"customerid,omitempty"`
	// CustomFields holds invoice custom fields by slug.
	CustomFields map[string]string `json:",unknown" jpcrm:"nested=meta,ignore=date_date|due_date_date|paid_date_date|created_date|lastupdated_date|hash_viewed|hash_viewed_date|hash_viewed_count|portal_viewed|portal_viewed_date|portal_viewed_count|pdf_template|portal_template|email_template|invoice_frequency|pay_via|logo_url|address_to_objtype|send_attachments|hours_or_quantity|taxes|shipping_taxes|name|notes"`
}

// UnmarshalJSON decodes an invoice leniently.
func (inv *Invoice) UnmarshalJSON(b []byte) error { return unmarshalModel(b, inv) }

// MarshalJSON encodes the invoice in the server's wire shape.
func (inv Invoice) MarshalJSON() ([]byte, error) { return marshalModel(&inv) }

// InvoicesAPI is the invoices service, as an interface for fakes.
type InvoicesAPI interface {
	List(ctx context.Context, opts *ListOptions) ([]*Invoice, *Response, error)
	All(ctx context.Context, opts *ListOptions) iter.Seq2[*Invoice, error]
}

var _ InvoicesAPI = (*InvoicesService)(nil)

// InvoicesService lists the CRM's invoices (GET invoices). The API cannot
// create invoices, and its invoices carry no link to a contact or company.
type InvoicesService service

// List returns one page of invoices with their line items (GET invoices).
//
// The order depends on the release: Jetpack CRM 6.5.0 and later sort by
// ID and take opts.Order (the SDK asks for [Ascending] when it is not set,
// where the server would list newest first); 6.4 sorts by nothing in
// particular (in practice, by ID), and refuses opts.Order with a
// [*ValidationError] (see [ListOptions.Order]).
func (s *InvoicesService) List(ctx context.Context, opts *ListOptions) ([]*Invoice, *Response, error) {
	return listPage[Invoice](ctx, (*service)(s).owner(), "Invoices.List", "invoices", opts, Ascending)
}

// All iterates over every invoice (PerPage defaults to 100), in opts.Order
// if set (6.5.0 and later).
func (s *InvoicesService) All(ctx context.Context, opts *ListOptions) iter.Seq2[*Invoice, error] {
	// Without an Order, a set of IDs: 6.4 lists in no defined order.
	return allPages(ctx, "Invoices.All", opts, unorderedIDs, func(i *Invoice) int64 { return i.ID }, s.List)
}
