package jetpackcrm

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"time"

	"github.com/shopspring/decimal"
)

// Transaction is a Jetpack CRM transaction (an order or payment).
//
// The transactions list carries NO customer or company reference: the server
// does not include one, so CustomerID, Contact and Company are empty there.
// They are filled only for transactions embedded in a contact
// ([CustomersService.List] with transactions, where Contact is set) and for
// the legacy documented shape (customerid). Money is strings on the wire
// ("149.99") and decodes exactly into decimal.Decimal.
//
// It decodes from a list, a contact's embedded list, a create reply (echo
// plus "id") or the legacy documented shape (meta{orderid,total,item_title,
// ...}, customerid), and encodes to the wire shape, which decodes back to
// the same value.
type Transaction struct {
	// ID is the transaction's ID ("12" in lists, 12 in create replies).
	ID int64 `json:"id" jpcrm:"alias=ID"`
	// Owner is the WordPress user ID of the owner, 0 when unassigned.
	Owner int64 `json:"owner" jpcrm:"nonneg"`
	// OrderID is the unique order reference (wire "ref"; "orderid" when
	// writing and in the legacy shape). create_transaction upserts on it.
	OrderID string `json:"ref" jpcrm:"alias=orderid"`
	// Status is free text such as "Succeeded", "Refunded" or "Pending".
	Status string `json:"status"`
	// Type is free text such as "Sale".
	Type string `json:"type"`
	// Accounting is "debit" or "credit" (wire type_accounting).
	Accounting string `json:"type_accounting"`
	// IncludedInTotals reports whether Status counts toward the CRM's
	// totals (wire status_bool, 1 or -1).
	IncludedInTotals bool `json:"status_bool" jpcrm:"signed"`
	// Origin is where the transaction came from, often empty.
	Origin string `json:"origin"`
	// ParentID is the parent transaction's ID, 0 when none.
	ParentID int64 `json:"parent"`
	// Hash is the client-portal access hash: treat it as a secret.
	Hash string `json:"hash"`
	// Title is the item title (wire "title"; "item_title" in the legacy
	// shape, which the server ignores when writing).
	Title string `json:"title" jpcrm:"alias=item_title|item"`
	// Description is wire "desc".
	Description string `json:"desc"`
	// Date is the transaction date (Unix "date"; 0 means unset).
	Date       time.Time `json:"date" jpcrm:"datetime"`
	CustomerIP string    `json:"customer_ip"`
	// Currency is read back as written (the server stores it through
	// htmlentities).
	Currency string `json:"currency" jpcrm:"text=entities"`
	// Amounts. Total is what create_transaction requires.
	Net         decimal.Decimal `json:"net"`
	Fee         decimal.Decimal `json:"fee"`
	Discount    decimal.Decimal `json:"discount"`
	Shipping    decimal.Decimal `json:"shipping"`
	ShippingTax decimal.Decimal `json:"shipping_tax"`
	Tax         decimal.Decimal `json:"tax"`
	Total       decimal.Decimal `json:"total"`
	// DatePaid and DateCompleted are zero when unset (null or 0).
	DatePaid      time.Time `json:"date_paid" jpcrm:"datetime"`
	DateCompleted time.Time `json:"date_completed" jpcrm:"datetime"`
	// Created and LastUpdated are the record's own times.
	Created     time.Time `json:"created" jpcrm:"datetime"`
	LastUpdated time.Time `json:"lastupdated"`
	// LineItems are the transaction's lines (usually none).
	LineItems []LineItem `json:"lineitems,omitzero"`
	// CustomerID is the contact's ID where one is known: from the legacy
	// "customerid"/"customer" keys or from the embedded Contact.
	CustomerID int64 `json:"customerid,omitempty"`
	// CompanyID is the linked company's ID where one is known (a create
	// reply that sent "company", or the embedded Company).
	CompanyID int64 `json:"-"`
	// Contact and Company are set only for transactions embedded in a
	// contact (the server sends them as arrays of 0 or 1 objects).
	Contact *Customer `json:"contact,omitzero" jpcrm:"alias=customer,id=CustomerID"`
	Company *Company  `json:"company,omitzero" jpcrm:"id=CompanyID"`
	// CustomFields holds transaction custom fields by slug. A create reply
	// also echoes unknown request keys here.
	CustomFields map[string]string `json:",unknown" jpcrm:"nested=meta,ignore=date_date|date_paid_date|date_completed_date|created_date|lastupdated_date|taxes|shipping_taxes|customer_name|tax_rate|email|fname"`
}

// transactionBuiltinKey reports whether key is a transaction wire key.
func transactionBuiltinKey(key string) bool { return codecOf[Transaction]().isBuiltin(key) }

// UnmarshalJSON decodes a transaction leniently.
func (t *Transaction) UnmarshalJSON(b []byte) error { return unmarshalModel(b, t) }

// MarshalJSON encodes the transaction in the server's wire shape.
func (t Transaction) MarshalJSON() ([]byte, error) { return marshalModel(&t) }

// TransactionRequest is the body of [TransactionsService.Create] (wire
// endpoint create_transaction, an upsert keyed by OrderID).
//
// OrderID, Status and a non-zero Total are required (the server refuses a
// total of 0 or "0"). Sending an existing OrderID updates that transaction
// and blanks every field not sent. An Email that matches no contact creates
// one (status "Customer", with FirstName); without Email the transaction is
// linked to nobody. Money is sent as strings ("149.99"), Date as Unix
// seconds. Optional amounts are sent only when non-zero.
//
// Amounts are refused, not rounded, when the server cannot store them
// exactly: more than 2 decimal places (it rounds 12.345 to 12.35 and stores
// 0.001 as 0.00), more than 14 significant digits (it passes them through a
// PHP float: 1234567890123.45 becomes 1234567890123.40), or 10^16 and more
// (clamped to 9999999999999999.99). So the transaction Create returns is
// what the site holds; round with Round(2) first if rounding is what you
// want. Negative amounts are stored as sent. Date must be between
// 1970-01-01 00:00:01 and 2038-01-19 03:14:07 UTC: the server keeps 32-bit
// Unix seconds, reads earlier times as unset and clamps later ones.
//
// It encodes orderid, status and total always, optional fields only when
// set, custom fields at top level; encoding fails if a custom-field key
// collides with a built-in key.
type TransactionRequest struct {
	// OrderID is the unique order reference (wire "orderid"), at most 120
	// bytes; "0" is taken for a missing one.
	OrderID string `json:"orderid" jpcrm:"max=120,zero"`
	// Status is free text, e.g. "Succeeded"; required, at most 50 bytes,
	// and "0" is taken for a missing one.
	Status string `json:"status" jpcrm:"max=50,zero"`
	// Total is required and must not be zero.
	Total decimal.Decimal `json:"total"`
	// Email identifies (or creates) the contact to link.
	Email string `json:"email,omitempty" jpcrm:"max=200"`
	// FirstName is used only when Email creates a new contact (the
	// contact's limits apply: see CustomerRequest.FirstName).
	FirstName string `json:"fname,omitempty" jpcrm:"max=100,zero,minusone"`
	// Title is the item title (wire "title"; the documented "item_title" is
	// ignored by the server), at most 200 bytes.
	Title string `json:"title,omitempty" jpcrm:"max=200"`
	// Description is wire "desc", at most 200 bytes.
	Description string `json:"desc,omitempty" jpcrm:"max=200"`
	// Type is free text such as "Sale", at most 50 bytes.
	Type string `json:"type,omitempty" jpcrm:"max=50"`
	// Currency is an ISO code such as "GBP"; empty uses the CRM default. At
	// most 4 bytes as stored: the server stores it through htmlentities, so
	// "€" (&euro;) would be cut to "&...".
	Currency string `json:"currency,omitempty" jpcrm:"text=entities,max=4"`
	// Optional amounts, sent only when non-zero.
	Net      decimal.Decimal `json:"net,omitempty"`
	Tax      decimal.Decimal `json:"tax,omitempty"`
	Fee      decimal.Decimal `json:"fee,omitempty"`
	Discount decimal.Decimal `json:"discount,omitempty"`
	Shipping decimal.Decimal `json:"shipping,omitempty"`
	// Date is sent as Unix seconds when non-zero. (A date string would be
	// cast to an int by the server: "2024-01-02" becomes 2024 seconds.)
	Date time.Time `json:"date,omitzero"`
	// CompanyID links the transaction to a company (sent when > 0).
	CompanyID int64 `json:"company,omitempty" jpcrm:"positive"`
	// CustomFields are transaction custom fields, sent at top level; a key
	// that names a built-in field is refused. Values hold at most 2000
	// characters.
	CustomFields map[string]string `json:",unknown" jpcrm:"chars=2000"`
}

// MarshalJSON encodes the request in the wire shape.
func (tr TransactionRequest) MarshalJSON() ([]byte, error) { return marshalRequest(&tr) }

// validate checks the request before anything is sent: OrderID and Status
// non-blank, Total non-zero, every amount exactly storable (checkMoney),
// Email valid when given, Date within what the server stores
// (checkStoredTime), valid UTF-8, no custom field named like a built-in key.
func (tr *TransactionRequest) validate() error {
	switch {
	case isBlank(tr.OrderID):
		return invalidField("OrderID", "required")
	case isBlank(tr.Status):
		return invalidField("Status", "required")
	case tr.Total.IsZero():
		return invalidField("Total", "required and must not be zero (the server refuses 0)")
	case tr.CompanyID < 0:
		return invalidField("CompanyID", "negative")
	}
	if !tr.Date.IsZero() {
		if err := checkStoredTime("Date", tr.Date); err != nil {
			return err
		}
	}
	for _, m := range [...]struct {
		name string
		d    decimal.Decimal
	}{{"Total", tr.Total}, {"Net", tr.Net}, {"Tax", tr.Tax}, {"Fee", tr.Fee}, {"Discount", tr.Discount}, {"Shipping", tr.Shipping}} {
		if err := checkMoney(m.name, m.d); err != nil {
			return err
		}
	}
	if tr.Email != "" {
		if err := checkEmail("Email", tr.Email); err != nil {
			return err
		}
	}
	return checkText(tr)
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
// It is retried after 5xx and network errors, and sent again after a 2xx
// answer it cannot read (which may follow the write): an upsert keyed by
// order ID cannot duplicate the transaction, and the answer returned is
// the one to the last send, whose fields are what the site holds (every
// send carries the same fields). When it still fails with an error for
// which [MayHaveBeenApplied] holds, the transaction may or may not be
// stored, and sending the same request again is safe. Two traps remain:
// a send the server is still running when the retry arrives (after a
// timeout or a 504) can race it and store the order ID twice, as any two
// concurrent creates of one new order ID can; and each send that reaches
// the server adds an "updated" entry to the contact's activity log.
func (s *TransactionsService) Create(ctx context.Context, req *TransactionRequest) (*Transaction, *Response, error) {
	const op = "Transactions.Create"
	ctx, scope := (*service)(s).owner().telemetryScope(ctx, op) // one span for every send
	t, resp, err := s.create(ctx, op, req)
	scope.end(err)
	return t, resp, err
}

func (s *TransactionsService) create(ctx context.Context, op string, req *TransactionRequest) (*Transaction, *Response, error) {
	if req == nil {
		return nil, nil, invalid(op, "", "nil *TransactionRequest")
	}
	if err := req.validate(); err != nil {
		return nil, nil, asValidation(op, err)
	}
	c := (*service)(s).owner()
	if err := c.checkCustomFieldSlugs(ctx, op, ObjectTransaction, req.CustomFields); err != nil {
		return nil, nil, err
	}
	if !c.isReady() || ctx == nil {
		_, err := c.call(ctx, op, http.MethodPost, "create_transaction", nil, req, true, nil) // its refusal
		return nil, nil, err
	}
	start := time.Now()
	attempts := 0
	for {
		t := new(Transaction)
		resp, err := c.call(withBudget(ctx, callBudget{start: start, attempts: attempts}), op, http.MethodPost, "create_transaction", nil, req, true, t)
		if err == nil {
			return t, resp, nil
		}
		// The retries covered statuses and network errors; a 2xx whose
		// body cannot be read is sent again here, within the same budget.
		var de *DecodeError
		if !errors.As(err, &de) || !de.MayHaveBeenApplied || ctx.Err() != nil || de.Attempts > c.policy.MaxRetries {
			return nil, resp, err
		}
		attempts = de.Attempts
		wait := jitteredBackoff(c.policy.WaitMin, c.policy.WaitMax, attempts-1)
		if time.Since(start)+wait >= c.policy.MaxElapsed || sleepCtx(ctx, wait) != nil {
			return nil, resp, err
		}
	}
}

// List returns one page of transactions with their line items (GET
// transactions). They carry no reference to the contact or company.
//
// The order depends on the release: Jetpack CRM 6.5.0 and later sort by
// ID and take opts.Order (the SDK asks for [Ascending] when it is not set,
// where the server would list newest first); 6.4 sorts by nothing in
// particular (in practice, by ID), and refuses opts.Order with a
// [*ValidationError] (see [ListOptions.Order]).
func (s *TransactionsService) List(ctx context.Context, opts *ListOptions) ([]*Transaction, *Response, error) {
	return listPage[Transaction](ctx, (*service)(s).owner(), "Transactions.List", "transactions", opts, Ascending)
}

// All iterates over every transaction (PerPage defaults to 100), in
// opts.Order if set (6.5.0 and later).
func (s *TransactionsService) All(ctx context.Context, opts *ListOptions) iter.Seq2[*Transaction, error] {
	// Without an Order, a set of IDs: 6.4 lists in no defined order.
	return allPages(ctx, "Transactions.All", opts, unorderedIDs, func(t *Transaction) int64 { return t.ID }, s.List)
}
