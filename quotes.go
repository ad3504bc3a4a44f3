package jetpackcrm

import (
	"context"
	"iter"
	"time"

	"github.com/shopspring/decimal"
)

// [Quote] statuses as the API reports them in [Quote.Status].
const (
	// QuoteStatusDraft is a quote not yet published.
	QuoteStatusDraft = -1
	// QuoteStatusPublished is a published quote not yet accepted.
	QuoteStatusPublished = -2
	// QuoteStatusAccepted is an accepted quote.
	QuoteStatusAccepted = 1
)

// Quote is a Jetpack CRM quote. The API can list quotes but not create them.
//
// The quotes list carries NO customer or company reference (CustomerID is
// set only from the legacy documented shape) and suppresses Content. Quotes
// are listed newest first. Value is a string on the wire ("4250.50").
//
// It decodes from a list, a contact's embedded list or the legacy
// documented shape (zbsid, meta{name,val,date,notes}, customerid), and
// encodes to the wire shape, which decodes back to the same value.
type Quote struct {
	// ID is the quote's ID.
	ID int64 `json:"id" jpcrm:"alias=ID"`
	// Owner is the WordPress user ID of the owner, 0 when unassigned.
	Owner int64 `json:"owner" jpcrm:"nonneg"`
	// Reference is the human quote number (wire id_override; legacy zbsid).
	Reference string `json:"id_override" jpcrm:"weak=zbsid"`
	// Title is the quote title (legacy meta.name).
	Title string `json:"title" jpcrm:"alias=name"`
	// Value is the quoted amount (legacy meta.val).
	Value decimal.Decimal `json:"value" jpcrm:"alias=val"`
	// Currency is an ISO code such as "USD".
	Currency string `json:"currency"`
	// Status is QuoteStatusDraft (-1), QuoteStatusPublished (-2) or
	// QuoteStatusAccepted (1).
	Status int `json:"status"`
	// Date is the quote date.
	Date time.Time `json:"date" jpcrm:"datetime"`
	// Content is the quote body (HTML); the quotes endpoint removes it, so
	// it is filled only for quotes embedded in a contact.
	Content string `json:"content,omitempty"`
	// Notes are internal notes.
	Notes string `json:"notes"`
	// Hash is the client-portal access hash: treat it as a secret.
	Hash string `json:"hash"`
	// Accepted is when the quote was accepted, zero if not.
	Accepted time.Time `json:"accepted"`
	// LastViewed and ViewCount track portal views.
	LastViewed time.Time `json:"lastviewed"`
	ViewCount  int64     `json:"viewed_count"`
	// SendAttachments reports whether PDFs are attached to emails.
	SendAttachments bool `json:"send_attachments"`
	// Created and LastUpdated are the record's own times.
	Created     time.Time `json:"created" jpcrm:"datetime"`
	LastUpdated time.Time `json:"lastupdated"`
	// LineItems are the quote's lines.
	LineItems []LineItem `json:"lineitems,omitzero"`
	// CustomerID is the contact's ID, known only from the legacy shape.
	CustomerID int64 `json:"customerid,omitempty"`
	// CustomFields holds quote custom fields by slug. (acceptedsigned and
	// acceptedip are copies of accepted, a server bug, and are ignored.)
	CustomFields map[string]string `json:",unknown" jpcrm:"nested=meta,ignore=date_date|accepted_date|lastviewed_date|created_date|lastupdated_date|acceptedsigned|acceptedip|template"`
}

// UnmarshalJSON decodes a quote leniently.
func (q *Quote) UnmarshalJSON(b []byte) error { return unmarshalModel(b, q) }

// MarshalJSON encodes the quote in the server's wire shape.
func (q Quote) MarshalJSON() ([]byte, error) { return marshalModel(&q) }

// QuotesAPI is the quotes service, as an interface for fakes.
type QuotesAPI interface {
	List(ctx context.Context, opts *ListOptions) ([]*Quote, *Response, error)
	All(ctx context.Context, opts *ListOptions) iter.Seq2[*Quote, error]
}

var _ QuotesAPI = (*QuotesService)(nil)

// QuotesService lists the CRM's quotes (GET quotes). The API cannot create
// quotes, and its quotes carry no link to a contact or company.
type QuotesService service

// List returns one page of quotes without their content (GET quotes),
// newest first on every release. opts.Order [Ascending] needs Jetpack CRM
// 6.5.0 or later, and is refused with a [*ValidationError] before (see
// [ListOptions.Order]).
func (s *QuotesService) List(ctx context.Context, opts *ListOptions) ([]*Quote, *Response, error) {
	return listPage[Quote](ctx, (*service)(s).owner(), "Quotes.List", "quotes", opts, "")
}

// All iterates over every quote, newest first unless opts.Order says
// otherwise. Newest first, a quote created during the walk shifts the
// pages; it is not yielded, and nothing is yielded twice.
func (s *QuotesService) All(ctx context.Context, opts *ListOptions) iter.Seq2[*Quote, error] {
	return allPages(ctx, "Quotes.All", opts, descendingIDs, func(q *Quote) int64 { return q.ID }, s.List)
}
