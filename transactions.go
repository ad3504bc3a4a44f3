package jetpackcrm

import (
	"context"
	"iter"
	"net/http"
	"time"

	"github.com/shopspring/decimal"
)

// Transaction is a Jetpack CRM transaction (an order or payment).
//
// The transactions list carries NO customer or company reference: the
// server does not include one, so CustomerID, Contact and Company are empty
// there. They are filled only for transactions embedded in a contact
// (Customers.List with transactions, where Contact is set) and for the
// legacy documented shape (customerid). Money is strings on the wire
// ("149.99") and decodes exactly into decimal.Decimal.
type Transaction struct {
	// ID is the transaction's ID ("12" in lists, 12 in create replies).
	ID int64
	// Owner is the WordPress user ID of the owner, 0 when unassigned.
	Owner int64
	// OrderID is the unique order reference (wire "ref"; "orderid" when
	// writing and in the legacy shape). create_transaction upserts on it.
	OrderID string
	// Status is free text such as "Succeeded", "Refunded" or "Pending".
	Status string
	// Type is free text such as "Sale".
	Type string
	// Accounting is "debit" or "credit" (wire type_accounting).
	Accounting string
	// IncludedInTotals reports whether Status counts toward the CRM's
	// totals (wire status_bool, 1 or -1).
	IncludedInTotals bool
	// Origin is where the transaction came from, often empty.
	Origin string
	// ParentID is the parent transaction's ID, 0 when none.
	ParentID int64
	// Hash is the client-portal access hash: treat it as a secret.
	Hash string
	// Title is the item title (wire "title"; "item_title" in the legacy
	// shape, which the server ignores when writing).
	Title string
	// Description is wire "desc".
	Description string
	// Date is the transaction date (Unix "date"; 0 means unset).
	Date       time.Time
	CustomerIP string
	Currency   string
	// Amounts. Total is what create_transaction requires.
	Net, Fee, Discount, Shipping, ShippingTax, Tax, Total decimal.Decimal
	// DatePaid and DateCompleted are zero when unset (null or 0).
	DatePaid      time.Time
	DateCompleted time.Time
	// Created and LastUpdated are the record's own times.
	Created     time.Time
	LastUpdated time.Time
	// LineItems are the transaction's lines (usually none).
	LineItems []LineItem
	// CustomerID is the contact's ID where one is known: from the legacy
	// "customerid"/"customer" keys or from the embedded Contact.
	CustomerID int64
	// CompanyID is the linked company's ID where one is known (a create
	// reply that sent "company", or the embedded Company).
	CompanyID int64
	// Contact and Company are set only for transactions embedded in a
	// contact (the server sends them as arrays of 0 or 1 objects).
	Contact *Customer
	Company *Company
	// CustomFields holds transaction custom fields by slug. A create reply
	// also echoes unknown request keys here.
	CustomFields map[string]string
}

type transactionState struct{ inMeta bool }

func (t *Transaction) decodeJSON(r *jsonReader) error {
	*t = Transaction{}
	var st transactionState
	err := r.readObject(func(key []byte) error { return t.decodeField(r, key, &st) })
	if t.CustomerID == 0 && t.Contact != nil {
		t.CustomerID = t.Contact.ID
	}
	if t.CompanyID == 0 && t.Company != nil {
		t.CompanyID = t.Company.ID
	}
	return err
}

// decodeField decodes one member; its key switch lists the transaction's
// built-in keys, every other key is a custom field.
func (t *Transaction) decodeField(r *jsonReader, key []byte, st *transactionState) (err error) {
	switch string(key) {
	case "id", "ID":
		t.ID, err = r.readInt64()
	case "owner":
		t.Owner, err = r.readInt64()
		t.Owner = max(t.Owner, 0)
	case "ref", "orderid":
		t.OrderID, err = r.readString()
	case "status":
		t.Status, err = r.readString()
	case "type":
		t.Type, err = r.readString()
	case "type_accounting":
		t.Accounting, err = r.readString()
	case "status_bool":
		t.IncludedInTotals, err = r.readBool()
	case "origin":
		t.Origin, err = r.readString()
	case "parent":
		t.ParentID, err = r.readInt64()
	case "hash":
		t.Hash, err = r.readString()
	case "title", "item_title", "item":
		t.Title, err = r.readString()
	case "desc":
		t.Description, err = r.readString()
	case "date":
		t.Date, err = r.readDateTime()
	case "customer_ip":
		t.CustomerIP, err = r.readString()
	case "currency":
		t.Currency, err = r.readString()
	case "net":
		t.Net, err = r.readDecimal()
	case "fee":
		t.Fee, err = r.readDecimal()
	case "discount":
		t.Discount, err = r.readDecimal()
	case "shipping":
		t.Shipping, err = r.readDecimal()
	case "shipping_tax":
		t.ShippingTax, err = r.readDecimal()
	case "tax":
		t.Tax, err = r.readDecimal()
	case "total":
		t.Total, err = r.readDecimal()
	case "date_paid":
		t.DatePaid, err = r.readDateTime()
	case "date_completed":
		t.DateCompleted, err = r.readDateTime()
	case "created":
		t.Created, err = r.readDateTime()
	case "lastupdated":
		t.LastUpdated, err = r.readUnix()
	case "lineitems":
		t.LineItems, err = readLineItems(r)
	case "customerid":
		t.CustomerID, err = r.readInt64()
	case "customer", "contact":
		if k := r.peek(); k == '[' || k == '{' {
			t.Contact, err = readOne(r, (*Customer).decodeJSON)
		} else {
			var id int64
			if id, err = r.readInt64(); id > 0 {
				t.CustomerID = id
			}
		}
	case "company":
		if k := r.peek(); k == '[' || k == '{' {
			t.Company, err = readOne(r, (*Company).decodeJSON)
		} else {
			var id int64
			if id, err = r.readInt64(); id > 0 {
				t.CompanyID = id
			}
		}
	case "meta": // legacy shape
		if st.inMeta {
			return r.skipValue()
		}
		st.inMeta = true
		err = r.readObject(func(k []byte) error { return t.decodeField(r, k, st) })
		st.inMeta = false
	case "date_date", "date_paid_date", "date_completed_date", "created_date", "lastupdated_date",
		"taxes", "shipping_taxes",
		// legacy keys, and request keys a create reply echoes
		"customer_name", "tax_rate", "email", "fname":
		err = r.skipValue()
	default:
		err = r.readCustomField(&t.CustomFields, key)
	}
	return err
}

// transactionBuiltinKey reports whether key is a transaction wire key.
func transactionBuiltinKey(key string) bool {
	return !decodesAsCustomField(key, func(r *jsonReader, k []byte) (map[string]string, error) {
		var t Transaction
		err := t.decodeField(r, k, &transactionState{})
		return t.CustomFields, err
	})
}

// UnmarshalJSON decodes a transaction from a list, a contact's embedded
// list, a create reply (echo plus "id") or the legacy documented shape
// (meta{orderid,total,item_title,...}, customerid).
func (t *Transaction) UnmarshalJSON(b []byte) error {
	return unmarshalObject(b, t, "Transaction", (*Transaction).decodeJSON)
}

// MarshalJSON encodes the transaction in the server's wire shape, so that it
// decodes back to the same value.
func (t Transaction) MarshalJSON() ([]byte, error) {
	w := newJSONWriter()
	w.int("id", t.ID)
	w.int("owner", t.Owner)
	w.str("status", t.Status)
	w.str("type", t.Type)
	if t.IncludedInTotals {
		w.int("status_bool", 1)
	} else {
		w.int("status_bool", -1)
	}
	w.str("type_accounting", t.Accounting)
	w.str("ref", t.OrderID)
	w.str("origin", t.Origin)
	w.int("parent", t.ParentID)
	w.str("hash", t.Hash)
	w.str("title", t.Title)
	w.str("desc", t.Description)
	w.unix("date", t.Date)
	w.str("customer_ip", t.CustomerIP)
	w.str("currency", t.Currency)
	w.money("net", t.Net)
	w.money("fee", t.Fee)
	w.money("discount", t.Discount)
	w.money("shipping", t.Shipping)
	w.money("shipping_tax", t.ShippingTax)
	w.money("tax", t.Tax)
	w.money("total", t.Total)
	w.unix("date_paid", t.DatePaid)
	w.unix("date_completed", t.DateCompleted)
	w.unix("created", t.Created)
	w.unix("lastupdated", t.LastUpdated)
	if err := marshalList(w, "lineitems", t.LineItems); err != nil {
		return nil, err
	}
	if t.CustomerID != 0 && t.Contact == nil {
		w.int("customerid", t.CustomerID)
	}
	if t.Contact != nil {
		if err := w.value("contact", []*Customer{t.Contact}); err != nil {
			return nil, err
		}
	}
	if t.Company != nil {
		if err := w.value("company", []*Company{t.Company}); err != nil {
			return nil, err
		}
	} else if t.CompanyID != 0 {
		w.int("company", t.CompanyID)
	}
	w.customFields(t.CustomFields)
	return w.bytes(), nil
}

// TransactionRequest is the body of Transactions.Create (wire endpoint
// create_transaction, an upsert keyed by OrderID).
//
// OrderID, Status and a non-zero Total are required (the server refuses a
// total of 0 or "0"). Sending an existing OrderID updates that transaction
// and blanks every field not sent. An Email that matches no contact creates
// one (status "Customer", with FirstName); without Email the transaction is
// linked to nobody. Money is sent as strings ("149.99"), Date as Unix
// seconds. Optional amounts are sent only when non-zero.
type TransactionRequest struct {
	// OrderID is the unique order reference (wire "orderid").
	OrderID string
	// Email identifies (or creates) the contact to link.
	Email string
	// FirstName is used only when Email creates a new contact.
	FirstName string
	// Status is free text, e.g. "Succeeded"; required.
	Status string
	// Total is required and must not be zero.
	Total decimal.Decimal
	// Title is the item title (wire "title"; the documented "item_title" is
	// ignored by the server).
	Title string
	// Description is wire "desc".
	Description string
	// Type is free text such as "Sale".
	Type string
	// Currency is an ISO code such as "GBP"; empty uses the CRM default.
	Currency string
	// Optional amounts, sent only when non-zero.
	Net, Tax, Fee, Discount, Shipping decimal.Decimal
	// Date is sent as Unix seconds when non-zero. (A date string would be
	// cast to an int by the server: "2024-01-02" becomes 2024 seconds.)
	Date time.Time
	// CompanyID links the transaction to a company (sent when > 0).
	CompanyID int64
	// CustomFields are transaction custom fields, sent at top level; a key
	// that names a built-in field is refused.
	CustomFields map[string]string
}

// MarshalJSON encodes the request: orderid, status and total always (money
// as strings), optional fields only when set, date as Unix seconds, custom
// fields at top level. It fails if a custom-field key collides with a
// built-in key.
func (tr TransactionRequest) MarshalJSON() ([]byte, error) {
	if err := checkCustomFields(tr.CustomFields, transactionBuiltinKey); err != nil {
		return nil, err
	}
	w := newJSONWriter()
	w.str("orderid", tr.OrderID)
	w.str("status", tr.Status)
	w.money("total", tr.Total)
	w.strOmit("email", tr.Email)
	w.strOmit("fname", tr.FirstName)
	w.strOmit("title", tr.Title)
	w.strOmit("desc", tr.Description)
	w.strOmit("type", tr.Type)
	w.strOmit("currency", tr.Currency)
	w.moneyOmit("net", tr.Net)
	w.moneyOmit("tax", tr.Tax)
	w.moneyOmit("fee", tr.Fee)
	w.moneyOmit("discount", tr.Discount)
	w.moneyOmit("shipping", tr.Shipping)
	if !tr.Date.IsZero() {
		w.unix("date", tr.Date)
	}
	w.positive("company", tr.CompanyID)
	w.customFields(tr.CustomFields)
	return w.bytes(), nil
}

// validate checks the request before anything is sent: OrderID and Status
// non-blank, Total non-zero, Email valid when given, Date after 1970, valid
// UTF-8, no custom field named like a built-in key.
func (tr *TransactionRequest) validate() error {
	switch {
	case isBlank(tr.OrderID):
		return invalidField("OrderID", "required")
	case isBlank(tr.Status):
		return invalidField("Status", "required")
	case tr.Total.IsZero():
		return invalidField("Total", "required and must not be zero (the server refuses 0)")
	case !tr.Date.IsZero() && tr.Date.Unix() <= 0:
		return invalidField("Date", "before 1970-01-01 (the server reads <= 0 as unset)")
	case tr.CompanyID < 0:
		return invalidField("CompanyID", "negative")
	}
	if tr.Email != "" {
		if err := checkEmail("Email", tr.Email); err != nil {
			return err
		}
	}
	if err := checkUTF8(
		namedString{"OrderID", tr.OrderID}, namedString{"FirstName", tr.FirstName}, namedString{"Status", tr.Status},
		namedString{"Title", tr.Title}, namedString{"Description", tr.Description}, namedString{"Type", tr.Type},
		namedString{"Currency", tr.Currency},
	); err != nil {
		return err
	}
	return checkCustomFields(tr.CustomFields, transactionBuiltinKey)
}

// TransactionsAPI is the transactions service, as an interface for fakes.
type TransactionsAPI interface {
	Create(ctx context.Context, req *TransactionRequest) (*Transaction, *Response, error)
	List(ctx context.Context, opts *ListOptions) ([]*Transaction, *Response, error)
	All(ctx context.Context, opts *ListOptions) iter.Seq2[*Transaction, error]
}

var _ TransactionsAPI = (*TransactionsService)(nil)

// TransactionsService handles payments (create_transaction, transactions).
type TransactionsService service

// Create creates a transaction, or updates the one with the same order ID
// (POST create_transaction). If Email names no contact, the server creates
// one with status "Customer".
//
// Traps of the real API:
//   - On an existing order ID it is an overwrite: every field not sent
//     (title, currency, date...) is blanked. Send the whole transaction.
//   - The server refuses a zero total; the SDK refuses it before sending.
//   - Date travels as Unix seconds (a date string would be cast to a number
//     by the server: "2024-01-02" becomes 1970-01-01 00:33:44).
//
// It is retried after 5xx and network errors: an upsert keyed by order ID
// cannot duplicate the transaction.
func (s *TransactionsService) Create(ctx context.Context, req *TransactionRequest) (*Transaction, *Response, error) {
	const op = "Transactions.Create"
	if req == nil {
		return nil, nil, invalid(op, "", "nil *TransactionRequest")
	}
	if err := req.validate(); err != nil {
		return nil, nil, asValidation(op, err)
	}
	t := new(Transaction)
	resp, err := (*service)(s).owner().callAs(ctx, op, http.MethodPost, "create_transaction", nil, req, true, t)
	if err != nil {
		return nil, resp, err
	}
	return t, resp, nil
}

// List returns one page of transactions with their line items (GET
// transactions). They carry no reference to the contact or company; the
// server sorts them by nothing in particular (in practice, by ID).
func (s *TransactionsService) List(ctx context.Context, opts *ListOptions) ([]*Transaction, *Response, error) {
	return listByQuery[Transaction](ctx, (*service)(s).owner(), "Transactions.List", "transactions", opts, opts)
}

// All iterates over every transaction (PerPage defaults to 100).
func (s *TransactionsService) All(ctx context.Context, opts *ListOptions) iter.Seq2[*Transaction, error] {
	return allPages(ctx, "Transactions.All", opts, unorderedIDs, func(t *Transaction) int64 { return t.ID }, s.List)
}
