package jetpackcrm

import (
	"context"
	"iter"
	"time"

	"github.com/shopspring/decimal"
)

// Quote statuses as the API reports them in Quote.Status.
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
type Quote struct {
	// ID is the quote's ID.
	ID int64
	// Owner is the WordPress user ID of the owner, 0 when unassigned.
	Owner int64
	// Reference is the human quote number (wire id_override; legacy zbsid).
	Reference string
	// Title is the quote title (legacy meta.name).
	Title string
	// Value is the quoted amount (legacy meta.val).
	Value decimal.Decimal
	// Currency is an ISO code such as "USD".
	Currency string
	// Status is QuoteStatusDraft (-1), QuoteStatusPublished (-2) or
	// QuoteStatusAccepted (1).
	Status int
	// Date is the quote date.
	Date time.Time
	// Content is the quote body (HTML); the quotes endpoint removes it, so
	// it is filled only for quotes embedded in a contact.
	Content string
	// Notes are internal notes.
	Notes string
	// Hash is the client-portal access hash: treat it as a secret.
	Hash string
	// Accepted is when the quote was accepted, zero if not.
	Accepted time.Time
	// LastViewed and ViewCount track portal views.
	LastViewed time.Time
	ViewCount  int64
	// SendAttachments reports whether PDFs are attached to emails.
	SendAttachments bool
	// Created and LastUpdated are the record's own times.
	Created     time.Time
	LastUpdated time.Time
	// LineItems are the quote's lines.
	LineItems []LineItem
	// CustomerID is the contact's ID, known only from the legacy shape.
	CustomerID int64
	// CustomFields holds quote custom fields by slug.
	CustomFields map[string]string
}

type quoteState struct{ inMeta bool }

func (q *Quote) decodeJSON(r *jsonReader) error {
	*q = Quote{}
	var st quoteState
	return r.readObject(func(key []byte) error { return q.decodeField(r, key, &st) })
}

// decodeField decodes one member; its key switch lists the quote's built-in
// keys, every other key is a custom field.
func (q *Quote) decodeField(r *jsonReader, key []byte, st *quoteState) (err error) {
	switch string(key) {
	case "id", "ID":
		q.ID, err = r.readInt64()
	case "owner":
		q.Owner, err = r.readInt64()
		q.Owner = max(q.Owner, 0)
	case "id_override":
		q.Reference, err = r.readString()
	case "zbsid":
		var s string
		if s, err = r.readString(); q.Reference == "" {
			q.Reference = s
		}
	case "title", "name":
		q.Title, err = r.readString()
	case "value", "val":
		q.Value, err = r.readDecimal()
	case "currency":
		q.Currency, err = r.readString()
	case "status":
		var n int64
		n, err = r.readInt64()
		q.Status = int(n)
	case "date":
		q.Date, err = r.readDateTime()
	case "content":
		q.Content, err = r.readString()
	case "notes":
		q.Notes, err = r.readString()
	case "hash":
		q.Hash, err = r.readString()
	case "accepted":
		q.Accepted, err = r.readUnix()
	case "lastviewed":
		q.LastViewed, err = r.readUnix()
	case "viewed_count":
		q.ViewCount, err = r.readInt64()
	case "send_attachments":
		q.SendAttachments, err = r.readBool()
	case "created":
		q.Created, err = r.readDateTime()
	case "lastupdated":
		q.LastUpdated, err = r.readUnix()
	case "lineitems":
		q.LineItems, err = readLineItems(r)
	case "customerid":
		q.CustomerID, err = r.readInt64()
	case "meta": // legacy shape
		if st.inMeta {
			return r.skipValue()
		}
		st.inMeta = true
		err = r.readObject(func(k []byte) error { return q.decodeField(r, k, st) })
		st.inMeta = false
	case "date_date", "accepted_date", "lastviewed_date", "created_date", "lastupdated_date",
		// acceptedsigned and acceptedip are copies of accepted (a server bug)
		"acceptedsigned", "acceptedip", "template":
		err = r.skipValue()
	default:
		err = r.readCustomField(&q.CustomFields, key)
	}
	return err
}

// UnmarshalJSON decodes a quote from a list, a contact's embedded list or
// the legacy documented shape (zbsid, meta{name,val,date,notes},
// customerid).
func (q *Quote) UnmarshalJSON(b []byte) error {
	return unmarshalObject(b, q, "Quote", (*Quote).decodeJSON)
}

// MarshalJSON encodes the quote in the server's wire shape, so that it
// decodes back to the same value.
func (q Quote) MarshalJSON() ([]byte, error) {
	w := newJSONWriter()
	w.int("id", q.ID)
	w.int("owner", q.Owner)
	w.str("id_override", q.Reference)
	w.str("title", q.Title)
	w.str("currency", q.Currency)
	w.money("value", q.Value)
	w.unix("date", q.Date)
	if q.Content != "" {
		w.str("content", q.Content)
	}
	w.str("notes", q.Notes)
	w.boolean("send_attachments", q.SendAttachments)
	w.str("hash", q.Hash)
	w.unix("lastviewed", q.LastViewed)
	w.int("viewed_count", q.ViewCount)
	w.unix("accepted", q.Accepted)
	w.unix("created", q.Created)
	w.unix("lastupdated", q.LastUpdated)
	w.int("status", int64(q.Status))
	if err := marshalList(w, "lineitems", q.LineItems); err != nil {
		return nil, err
	}
	if q.CustomerID != 0 {
		w.int("customerid", q.CustomerID)
	}
	w.customFields(q.CustomFields)
	return w.bytes(), nil
}

// QuotesAPI is the quotes service, as an interface for fakes.
type QuotesAPI interface {
	List(ctx context.Context, opts *ListOptions) ([]*Quote, *Response, error)
	All(ctx context.Context, opts *ListOptions) iter.Seq2[*Quote, error]
}

var _ QuotesAPI = (*QuotesService)(nil)

// QuotesService lists the CRM's quotes (GET quotes). The API cannot create
// quotes, and its quotes carry no link to a contact or company.
type QuotesService service

// List returns one page of quotes, newest first (the only list the API
// sorts that way), without their content.
func (s *QuotesService) List(ctx context.Context, opts *ListOptions) ([]*Quote, *Response, error) {
	return listByQuery[Quote](ctx, (*service)(s).owner(), "Quotes.List", "quotes", opts, opts)
}

// All iterates over every quote, newest first. A quote created during the
// walk shifts the pages; it is not yielded, and nothing is yielded twice.
func (s *QuotesService) All(ctx context.Context, opts *ListOptions) iter.Seq2[*Quote, error] {
	return allPages(ctx, "Quotes.All", opts, descendingIDs, func(q *Quote) int64 { return q.ID }, s.List)
}
