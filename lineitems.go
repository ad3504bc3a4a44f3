package jetpackcrm

import (
	"time"

	"github.com/shopspring/decimal"
)

// LineItem is one line of an invoice, quote or transaction. The API has no
// endpoint for line items: they arrive embedded in their parent's
// "lineitems" array and cannot be written. Money and Quantity are strings on
// the wire ("600.00"; quantity is "%g"-formatted, "0" when unset) and are
// decoded exactly, never through float64.
type LineItem struct {
	// ID is the line item's own ID.
	ID int64
	// Owner is the WordPress user ID of the owner, 0 when unassigned.
	Owner int64
	// Order is the position of the line within its parent.
	Order int64
	// Title is the line's short title.
	Title string
	// Description is the longer text (wire "desc").
	Description string
	// Quantity is the number of units or hours.
	Quantity decimal.Decimal
	// Price is the unit price.
	Price decimal.Decimal
	// Currency is usually empty: the parent's currency applies.
	Currency string
	// Net, Discount, Fee, Shipping, ShippingTax, Tax and Total are the
	// line's amounts.
	Net, Discount, Fee, Shipping, ShippingTax, Tax, Total decimal.Decimal
	// Created and LastUpdated come from the Unix timestamps; the *_date
	// strings next to them are site-formatted and ignored.
	Created, LastUpdated time.Time
}

func (li *LineItem) decodeJSON(r *jsonReader) error {
	*li = LineItem{}
	return r.readObject(func(key []byte) (err error) {
		switch string(key) {
		case "id", "ID":
			li.ID, err = r.readInt64()
		case "owner":
			li.Owner, err = r.readInt64()
			li.Owner = max(li.Owner, 0)
		case "order":
			li.Order, err = r.readInt64()
		case "title":
			li.Title, err = r.readString()
		case "desc":
			li.Description, err = r.readString()
		case "quantity":
			li.Quantity, err = r.readDecimal()
		case "price":
			li.Price, err = r.readDecimal()
		case "currency":
			li.Currency, err = r.readString()
		case "net":
			li.Net, err = r.readDecimal()
		case "discount":
			li.Discount, err = r.readDecimal()
		case "fee":
			li.Fee, err = r.readDecimal()
		case "shipping":
			li.Shipping, err = r.readDecimal()
		case "shipping_tax":
			li.ShippingTax, err = r.readDecimal()
		case "tax":
			li.Tax, err = r.readDecimal()
		case "total":
			li.Total, err = r.readDecimal()
		case "created":
			li.Created, err = r.readDateTime()
		case "lastupdated":
			li.LastUpdated, err = r.readUnix()
		default:
			// shipping_taxes, taxes (tax-rate ID lists), *_date companions;
			// line items have no custom fields.
			err = r.skipValue()
		}
		return err
	})
}

// UnmarshalJSON decodes a line item leniently (IDs as "1" or 1, money as
// strings or numbers).
func (li *LineItem) UnmarshalJSON(b []byte) error {
	return unmarshalObject(b, li, "LineItem", (*LineItem).decodeJSON)
}

// MarshalJSON encodes the line item in the server's wire shape, so that it
// decodes back to the same value.
func (li LineItem) MarshalJSON() ([]byte, error) {
	w := newJSONWriter()
	w.int("id", li.ID)
	w.int("owner", li.Owner)
	w.int("order", li.Order)
	w.str("title", li.Title)
	w.str("desc", li.Description)
	w.money("quantity", li.Quantity)
	w.money("price", li.Price)
	w.str("currency", li.Currency)
	w.money("net", li.Net)
	w.money("discount", li.Discount)
	w.money("fee", li.Fee)
	w.money("shipping", li.Shipping)
	w.money("shipping_tax", li.ShippingTax)
	w.money("tax", li.Tax)
	w.money("total", li.Total)
	w.unix("created", li.Created)
	w.unix("lastupdated", li.LastUpdated)
	return w.bytes(), nil
}

// readLineItems reads a "lineitems" array.
func readLineItems(r *jsonReader) ([]LineItem, error) {
	return readValues(r, (*LineItem).decodeJSON)
}

// marshalList writes a list member with encoding/json, skipping nil lists
// (the server omits arrays it was not asked for).
func marshalList[T any](w *jsonWriter, key string, list []T) error {
	if list == nil {
		return nil
	}
	return w.value(key, list)
}
