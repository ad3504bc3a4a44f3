package jetpackcrm

import (
	"time"

	"github.com/shopspring/decimal"
)

// LineItem is one line of an invoice, quote or transaction. The API has no
// endpoint for line items: they arrive embedded in their parent's
// "lineitems" array and cannot be written. Money and Quantity are strings on
// the wire ("600.00"; quantity is "%g"-formatted, "0" when unset) and are
// decoded exactly, never through float64. Line items have no custom fields:
// other keys (shipping_taxes, taxes, the *_date companions) are ignored.
type LineItem struct {
	// ID is the line item's own ID.
	ID int64 `json:"id" jpcrm:"alias=ID"`
	// Owner is the WordPress user ID of the owner, 0 when unassigned.
	Owner int64 `json:"owner" jpcrm:"nonneg"`
	// Order is the position of the line within its parent.
	Order int64 `json:"order"`
	// Title is the line's short title.
	Title string `json:"title"`
	// Description is the longer text (wire "desc").
	Description string `json:"desc"`
	// Quantity is the number of units or hours.
	Quantity decimal.Decimal `json:"quantity"`
	// Price is the unit price.
	Price decimal.Decimal `json:"price"`
	// Currency is usually empty: the parent's currency applies.
	Currency string `json:"currency"`
	// Net, Discount, Fee, Shipping, ShippingTax, Tax and Total are the
	// line's amounts.
	Net         decimal.Decimal `json:"net"`
	Discount    decimal.Decimal `json:"discount"`
	Fee         decimal.Decimal `json:"fee"`
	Shipping    decimal.Decimal `json:"shipping"`
	ShippingTax decimal.Decimal `json:"shipping_tax"`
	Tax         decimal.Decimal `json:"tax"`
	Total       decimal.Decimal `json:"total"`
	// Created and LastUpdated come from the Unix timestamps; the *_date
	// strings next to them are site-formatted and ignored.
	Created     time.Time `json:"created" jpcrm:"datetime"`
	LastUpdated time.Time `json:"lastupdated"`
}

// UnmarshalJSON decodes a line item leniently (IDs as "1" or 1, money as
// strings or numbers).
func (li *LineItem) UnmarshalJSON(b []byte) error { return unmarshalModel(b, li) }

// MarshalJSON encodes the line item in the server's wire shape.
func (li LineItem) MarshalJSON() ([]byte, error) { return marshalModel(&li) }
