package jetpackcrmtest

import (
	"net/http"
	"slices"
	"time"
)

// transactionTextFields are the text fields create_transaction passes
// through sanitize_text_field into the transaction, with the CRM's max_len
// of each. Unlike contactFields they are not read from the SDK's
// TransactionRequest: the site takes keys the SDK never sends
// (customer_ip, shipping_taxes, taxes, "item" for the title), which tests
// send raw.
var transactionTextFields = []struct {
	keys   []string
	field  func(*Transaction) *string
	maxLen int
}{
	{[]string{"title", "item"}, func(t *Transaction) *string { return &t.Title }, 200},
	{[]string{"desc"}, func(t *Transaction) *string { return &t.Description }, 200},
	{[]string{"type"}, func(t *Transaction) *string { return &t.Type }, 50},
	{[]string{"currency"}, func(t *Transaction) *string { return &t.Currency }, 4},
	{[]string{"customer_ip"}, func(t *Transaction) *string { return &t.CustomerIP }, 45},
	{[]string{"shipping_taxes"}, func(t *Transaction) *string { return &t.ShippingTaxes }, 0},
	{[]string{"taxes"}, func(t *Transaction) *string { return &t.Taxes }, 0},
}

// Max lengths of the transaction fields outside transactionTextFields.
const (
	transactionStatusMaxLen = 50
	transactionRefMaxLen    = 120
)

// transactionText returns the text columns of t, for the utf8mb3 check.
func transactionText(t *Transaction) []string {
	out := []string{t.OrderID, t.Status, t.Origin, t.Hash}
	for _, f := range transactionTextFields {
		out = append(out, *f.field(t))
	}
	return out
}

// includedStatuses is the CRM's default "transinclude_status" setting: the
// statuses whose transactions count in totals (status_bool 1, else -1).
var includedStatuses = []string{"Succeeded", "Completed", "Failed", "Refunded", "Processing", "Pending", "Hold", "Draft"}

// transactionMoneyFields are the decimal fields besides total.
var transactionMoneyFields = []struct {
	key   string
	field func(*Transaction) *string
}{
	{"net", func(t *Transaction) *string { return &t.Net }},
	{"fee", func(t *Transaction) *string { return &t.Fee }},
	{"discount", func(t *Transaction) *string { return &t.Discount }},
	{"shipping", func(t *Transaction) *string { return &t.Shipping }},
	{"shipping_tax", func(t *Transaction) *string { return &t.ShippingTax }},
	{"tax", func(t *Transaction) *string { return &t.Tax }},
}

// createTransaction is /zbs_api/create_transaction: an upsert keyed by
// orderid; an unknown email creates a contact with status "Customer".
func (s *Server) createTransaction(req *apiRequest) *response {
	v, err := decodePHP(req.body)
	body := asObject(v)
	if err != nil || body == nil {
		// array_key_exists() on null: a PHP 8 TypeError.
		return fatalError(req.isJSON())
	}
	for _, k := range []string{"orderid", "status", "total"} {
		if !body.has(k) {
			return createError("error", 400, "message", "Missing required field: "+k)
		}
	}
	now := s.now()
	email := sanitizeValue(body.vals["email"])
	contact := s.db.contactByEmail(email)
	if contact == nil && validEmail(email) {
		fname, _ := sentValue(body, "fname")
		c := &Contact{Owner: -1, WPID: -1, Status: "Customer", Email: maxLen(email, contactEmailMaxLen),
			FirstName: maxLen(fname, 100), Created: now, LastUpdated: now}
		// A first name the utf8mb3 table cannot hold fails the contact's
		// INSERT; the transaction is then made without a contact.
		if allStorable(contactText(c)...) {
			contact = c
			assignID(&contact.ID, &s.db.nextContact)
			s.db.contacts = insertSorted(s.db.contacts, contact, contactID)
		}
	}
	orderID := sanitizeValue(body.vals["orderid"])
	if orderID == "" || orderID == "0" { // ! empty( $orderid )
		return emptyHTML(http.StatusOK) // exit() after the contact was made
	}
	status := sanitizeValue(body.vals["status"])
	if status == "" || status == "0" || phpEmpty(body.vals["total"]) {
		return createError("error", 100)
	}
	existing := s.db.transactionByRef(orderID)
	if existing != nil && !existing.FromAPI {
		return createError("error", 100) // the ref is taken by a non-API transaction
	}
	isNew := existing == nil
	keep := s.cfg.fieldOverride && !isNew
	// The row is computed on a copy, committed only if it can be stored.
	var t *Transaction
	if isNew {
		t = &Transaction{Created: now, FromAPI: true}
	} else {
		cp := cloneTransaction(*existing)
		t = &cp
	}
	t.OrderID = maxLen(orderID, transactionRefMaxLen)
	t.Status = maxLen(status, transactionStatusMaxLen)
	t.Total = phpMoney(body.vals["total"])
	for _, f := range transactionTextFields {
		if val, ok := sentText(body, f.keys...); ok {
			if f.keys[0] == "currency" {
				val = textProcess(val) // the DAL's "curr" format
			}
			*f.field(t) = maxLen(val, f.maxLen)
		} else if !keep {
			*f.field(t) = ""
		}
	}
	for _, f := range transactionMoneyFields {
		if _, ok := sentText(body, f.key); ok {
			*f.field(t) = phpMoney(body.vals[f.key])
		} else if !keep {
			*f.field(t) = "0.00"
		}
	}
	for _, slug := range s.cfg.txCustomFields {
		if val, ok := sentText(body, slug); ok {
			if t.CustomFields == nil {
				t.CustomFields = map[string]string{}
			}
			t.CustomFields[slug] = val
		} else if !keep {
			delete(t.CustomFields, slug)
		}
	}
	if dv, ok := body.get("date"); ok {
		t.Date = fromUnix(intColumn(phpInt(dv))) // (int) cast: "2024-01-02" is 2024
	} else if isNew {
		t.Date = now
	} else if !keep {
		t.Date = time.Time{}
	}
	if o := phpInt(body.vals["owner"]); o > 0 {
		t.Owner = o
	} else if !keep {
		t.Owner = 0
	}
	if contact != nil {
		t.ContactID = contact.ID
	}
	if co := phpInt(body.vals["company"]); co > 0 {
		t.CompanyID = co
	}
	if !allStorable(transactionText(t)...) {
		return createError("error", 100)
	}
	if existing != nil {
		keepUnstorable(t.CustomFields, existing.CustomFields)
	} else {
		keepUnstorable(t.CustomFields, nil)
	}
	t.LastUpdated = now
	if isNew {
		assignID(&t.ID, &s.db.nextTransaction)
		s.db.transactions = insertSorted(s.db.transactions, t, transactionID)
	} else {
		*existing = *t
	}
	return echoWithID(body, t.ID)
}

// transactionsList is GET /zbs_api/transactions, ID ascending (6.5.0 on:
// newest first unless order=ASC).
func (s *Server) transactionsList(req *apiRequest) *response {
	page, perPage := queryPaging(req)
	out := []any{}
	for _, t := range paginate(inOrder(s.db.transactions, newestFirst(req, false)), page, perPage) {
		out = append(out, s.transactionObject(t, false))
	}
	return jsonReply(http.StatusOK, out)
}

// transactionObject is the 34-key transaction shape (tidy_transaction);
// withAssigned adds the "contact" and "company" arrays (as embedded in
// customers).
func (s *Server) transactionObject(t *Transaction, withAssigned bool) *object {
	o := newObject().
		set("id", itoa(t.ID)).
		set("owner", itoa(t.Owner)).
		set("status", stripSlashes(t.Status)).
		set("type", stripSlashes(t.Type)).
		set("status_bool", statusBool(t.Status)).
		set("type_accounting", accountingType(t.Type)).
		set("ref", stripSlashes(t.OrderID)).
		set("origin", stripSlashes(t.Origin)).
		set("parent", t.Parent).
		set("hash", stripSlashes(t.Hash)).
		set("title", stripSlashes(t.Title)).
		set("desc", stripSlashes(t.Description)).
		set("date", unix(t.Date)).
		set("date_date", dateOrFalse(t.Date, layoutYmdHis)).
		set("customer_ip", stripSlashes(t.CustomerIP)).
		set("currency", stripSlashes(t.Currency)).
		set("net", moneyOrZero(t.Net)).
		set("fee", moneyOrZero(t.Fee)).
		set("discount", moneyOrZero(t.Discount)).
		set("shipping", moneyOrZero(t.Shipping)).
		set("shipping_taxes", stripSlashes(t.ShippingTaxes)).
		set("shipping_tax", moneyOrZero(t.ShippingTax)).
		set("taxes", stripSlashes(t.Taxes)).
		set("tax", moneyOrZero(t.Tax)).
		set("total", moneyOrZero(t.Total)).
		set("date_paid", unix(t.DatePaid)).
		set("date_paid_date", dateOrFalse(t.DatePaid, layoutYmdHis)).
		set("date_completed", unix(t.DateCompleted)).
		set("date_completed_date", dateOrFalse(t.DateCompleted, layoutYmdHis)).
		set("created", unix(t.Created)).
		set("created_date", dateOrFalse(t.Created, layoutMDY)).
		set("lastupdated", unix(t.LastUpdated)).
		set("lastupdated_date", dateOrFalse(t.LastUpdated, layoutYmdHis))
	for _, slug := range s.cfg.txCustomFields {
		o.set(slug, t.CustomFields[slug])
	}
	o.set("lineitems", s.lineItemList(t.LineItems, t.Owner))
	if withAssigned {
		o.set("contact", s.assignedContact(t.ContactID))
		o.set("company", s.assignedCompany(t.CompanyID))
	}
	return o
}

// assignedContact is an embedded "contact": [] or [contact].
func (s *Server) assignedContact(id int64) []any {
	if c := s.db.contact(id); c != nil && id > 0 {
		return []any{s.listedContactObject(c)}
	}
	return []any{}
}

// assignedCompany is an embedded "company": [] or [company].
func (s *Server) assignedCompany(id int64) []any {
	if c := s.db.company(id); c != nil && id > 0 {
		return []any{s.companyObject(c)}
	}
	return []any{}
}

// statusBool is the transaction's status_bool: 1 when its status counts in
// totals (an exact, case-sensitive match, as PHP's in_array), else -1.
func statusBool(status string) int {
	if slices.Contains(includedStatuses, stripSlashes(status)) {
		return 1
	}
	return -1
}

// accountingType is "credit" for the types Refund and Credit Note, else
// "debit".
func accountingType(typ string) string {
	if typ == "Refund" || typ == "Credit Note" {
		return "credit"
	}
	return "debit"
}
