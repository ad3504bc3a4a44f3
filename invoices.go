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
type Invoice struct {
	// ID is the invoice's ID.
	ID int64
	// Owner is the WordPress user ID of the owner, 0 when unassigned.
	Owner int64
	// Reference is the human invoice number (wire id_override; legacy zbsid).
	Reference string
	// ParentID is the parent invoice's ID, 0 when none.
	ParentID int64
	// Status is e.g. "Draft", "Unpaid", "Paid", "Overdue".
	Status string
	// StatusLabel is Status translated for the site's language.
	StatusLabel string
	// Hash is the client-portal access hash: treat it as a secret.
	Hash string
	// Currency is an ISO code such as "USD".
	Currency string
	// AddressedFrom and AddressedTo are the free-text address blocks.
	AddressedFrom string
	AddressedTo   string
	// AllowPartial and AllowTip are portal payment options.
	AllowPartial bool
	AllowTip     bool
	// Date, DueDate and PaidDate are zero when unset.
	Date     time.Time
	DueDate  time.Time
	PaidDate time.Time
	// Amounts.
	Net, Discount, Shipping, ShippingTax, Tax, Total decimal.Decimal
	// DiscountType is "%" or "m" (monetary) or empty.
	DiscountType string
	// Created and LastUpdated are the record's own times.
	Created     time.Time
	LastUpdated time.Time
	// LineItems are the invoice's lines.
	LineItems []LineItem
	// CustomerID is the contact's ID, known only from the legacy shape.
	CustomerID int64
	// CustomFields holds invoice custom fields by slug.
	CustomFields map[string]string
}

type invoiceState struct{ inMeta bool }

func (inv *Invoice) decodeJSON(r *jsonReader) error {
	*inv = Invoice{}
	var st invoiceState
	return r.readObject(func(key []byte) error { return inv.decodeField(r, key, &st) })
}

// decodeField decodes one member; its key switch lists the invoice's
// built-in keys, every other key is a custom field.
func (inv *Invoice) decodeField(r *jsonReader, key []byte, st *invoiceState) (err error) {
	switch string(key) {
	case "id", "ID":
		inv.ID, err = r.readInt64()
	case "owner":
		inv.Owner, err = r.readInt64()
		inv.Owner = max(inv.Owner, 0)
	case "id_override":
		inv.Reference, err = r.readString()
	case "zbsid":
		var s string
		if s, err = r.readString(); inv.Reference == "" {
			inv.Reference = s
		}
	case "parent":
		inv.ParentID, err = r.readInt64()
	case "status":
		inv.Status, err = r.readString()
	case "status_label":
		inv.StatusLabel, err = r.readString()
	case "hash":
		inv.Hash, err = r.readString()
	case "currency":
		inv.Currency, err = r.readString()
	case "addressed_from":
		inv.AddressedFrom, err = r.readString()
	case "addressed_to":
		inv.AddressedTo, err = r.readString()
	case "allow_partial":
		inv.AllowPartial, err = r.readBool()
	case "allow_tip":
		inv.AllowTip, err = r.readBool()
	case "date":
		inv.Date, err = r.readDateTime()
	case "due_date":
		inv.DueDate, err = r.readDateTime()
	case "paid_date":
		inv.PaidDate, err = r.readDateTime()
	case "net":
		inv.Net, err = r.readDecimal()
	case "discount":
		inv.Discount, err = r.readDecimal()
	case "discount_type":
		inv.DiscountType, err = r.readString()
	case "shipping":
		inv.Shipping, err = r.readDecimal()
	case "shipping_tax":
		inv.ShippingTax, err = r.readDecimal()
	case "tax":
		inv.Tax, err = r.readDecimal()
	case "total", "val":
		inv.Total, err = r.readDecimal()
	case "created":
		inv.Created, err = r.readDateTime()
	case "lastupdated":
		inv.LastUpdated, err = r.readUnix()
	case "lineitems":
		inv.LineItems, err = readLineItems(r)
	case "customerid":
		inv.CustomerID, err = r.readInt64()
	case "meta": // legacy shape
		if st.inMeta {
			return r.skipValue()
		}
		st.inMeta = true
		err = r.readObject(func(k []byte) error { return inv.decodeField(r, k, st) })
		st.inMeta = false
	case "date_date", "due_date_date", "paid_date_date", "created_date", "lastupdated_date",
		"hash_viewed", "hash_viewed_date", "hash_viewed_count",
		"portal_viewed", "portal_viewed_date", "portal_viewed_count",
		"pdf_template", "portal_template", "email_template", "invoice_frequency", "pay_via",
		"logo_url", "address_to_objtype", "send_attachments", "hours_or_quantity",
		"taxes", "shipping_taxes",
		// legacy meta keys
		"name", "notes":
		err = r.skipValue()
	default:
		err = r.readCustomField(&inv.CustomFields, key)
	}
	return err
}

// UnmarshalJSON decodes an invoice from a list, a contact's embedded list or
// the legacy documented shape (zbsid, meta{name,val,date,notes},
// customerid).
func (inv *Invoice) UnmarshalJSON(b []byte) error {
	return unmarshalObject(b, inv, "Invoice", (*Invoice).decodeJSON)
}

// MarshalJSON encodes the invoice in the server's wire shape, so that it
// decodes back to the same value.
func (inv Invoice) MarshalJSON() ([]byte, error) {
	w := newJSONWriter()
	w.int("id", inv.ID)
	w.int("owner", inv.Owner)
	w.str("id_override", inv.Reference)
	w.int("parent", inv.ParentID)
	w.str("status", inv.Status)
	w.str("status_label", inv.StatusLabel)
	w.str("hash", inv.Hash)
	w.str("currency", inv.Currency)
	w.str("addressed_from", inv.AddressedFrom)
	w.str("addressed_to", inv.AddressedTo)
	w.boolean("allow_partial", inv.AllowPartial)
	w.boolean("allow_tip", inv.AllowTip)
	w.unix("date", inv.Date)
	w.unix("due_date", inv.DueDate)
	w.unix("paid_date", inv.PaidDate)
	w.money("net", inv.Net)
	w.money("discount", inv.Discount)
	w.str("discount_type", inv.DiscountType)
	w.money("shipping", inv.Shipping)
	w.money("shipping_tax", inv.ShippingTax)
	w.money("tax", inv.Tax)
	w.money("total", inv.Total)
	w.unix("created", inv.Created)
	w.unix("lastupdated", inv.LastUpdated)
	if err := marshalList(w, "lineitems", inv.LineItems); err != nil {
		return nil, err
	}
	if inv.CustomerID != 0 {
		w.int("customerid", inv.CustomerID)
	}
	w.customFields(inv.CustomFields)
	return w.bytes(), nil
}

// InvoicesAPI is the invoices service, as an interface for fakes.
type InvoicesAPI interface {
	List(ctx context.Context, opts *ListOptions) ([]*Invoice, *Response, error)
	All(ctx context.Context, opts *ListOptions) iter.Seq2[*Invoice, error]
}

var _ InvoicesAPI = (*InvoicesService)(nil)

// InvoicesService lists the CRM's invoices (GET invoices). The API cannot
// create invoices, and its invoices carry no link to a contact or company.
type InvoicesService service

// List returns one page of invoices with their line items. The server
// sorts them by nothing in particular (in practice, by ID).
func (s *InvoicesService) List(ctx context.Context, opts *ListOptions) ([]*Invoice, *Response, error) {
	return listByQuery[Invoice](ctx, (*service)(s).owner(), "Invoices.List", "invoices", opts, opts)
}

// All iterates over every invoice (PerPage defaults to 100).
func (s *InvoicesService) All(ctx context.Context, opts *ListOptions) iter.Seq2[*Invoice, error] {
	return allPages(ctx, "Invoices.All", opts, unorderedIDs, func(i *Invoice) int64 { return i.ID }, s.List)
}
