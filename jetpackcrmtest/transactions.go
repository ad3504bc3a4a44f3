package jetpackcrmtest

import (
	"net/http"
	"time"
)

// transactionTextFields are the text fields create_transaction passes
// through sanitize_text_field into the transaction.
var transactionTextFields = []struct {
	keys  []string
	field func(*Transaction) *string
}{
	{[]string{"title", "item"}, func(t *Transaction) *string { return &t.Title }},
	{[]string{"desc"}, func(t *Transaction) *string { return &t.Description }},
	{[]string{"type"}, func(t *Transaction) *string { return &t.Type }},
	{[]string{"currency"}, func(t *Transaction) *string { return &t.Currency }},
	{[]string{"customer_ip"}, func(t *Transaction) *string { return &t.CustomerIP }},
	{[]string{"shipping_taxes"}, func(t *Transaction) *string { return &t.ShippingTaxes }},
	{[]string{"taxes"}, func(t *Transaction) *string { return &t.Taxes }},
}

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
		contact = &Contact{Owner: -1, WPID: -1, Status: "Customer", Email: email, FirstName: fname, Created: now, LastUpdated: now}
		assignID(&contact.ID, &s.db.nextContact)
		s.db.contacts = insertSorted(s.db.contacts, contact, contactID)
	}
	orderID := sanitizeValue(body.vals["orderid"])
	if orderID == "" {
		return emptyHTML(http.StatusOK) // exit() after the contact was made
	}
	status := sanitizeValue(body.vals["status"])
	if status == "" || phpEmpty(body.vals["total"]) {
		return createError("error", 100)
	}
	existing := s.db.transactionByRef(orderID)
	if existing != nil && !existing.FromAPI {
		return createError("error", 100) // the ref is taken by a non-API transaction
	}
	isNew := existing == nil
	keep := s.cfg.fieldOverride && !isNew
	t := existing
	if isNew {
		t = &Transaction{Created: now, FromAPI: true}
	}
	t.OrderID, t.Status, t.Total = orderID, status, money(body.vals["total"])
	for _, f := range transactionTextFields {
		if val, ok := sentValue(body, f.keys...); ok {
			*f.field(t) = val
		} else if !keep {
			*f.field(t) = ""
		}
	}
	for _, f := range transactionMoneyFields {
		if val, ok := sentValue(body, f.key); ok {
			*f.field(t) = money(val)
		} else if !keep {
			*f.field(t) = "0.00"
		}
	}
	if dv, ok := body.get("date"); ok {
		t.Date = fromUnix(phpInt(dv)) // (int) cast: "2024-01-02" is 2024
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
	t.LastUpdated = now
	if isNew {
		assignID(&t.ID, &s.db.nextTransaction)
		s.db.transactions = insertSorted(s.db.transactions, t, transactionID)
	}
	return echoWithID(body, t.ID)
}

// transactionsList is GET /zbs_api/transactions, ID ascending.
func (s *Server) transactionsList(req *apiRequest) *response {
	page, perPage := queryPaging(req)
	out := []any{}
	for _, t := range paginate(s.db.transactions, page, perPage) {
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
		set("status", t.Status).
		set("type", t.Type).
		set("status_bool", 1).
		set("type_accounting", "debit").
		set("ref", t.OrderID).
		set("origin", t.Origin).
		set("parent", t.Parent).
		set("hash", t.Hash).
		set("title", t.Title).
		set("desc", t.Description).
		set("date", unix(t.Date)).
		set("date_date", dateOrFalse(t.Date, layoutYmdHis)).
		set("customer_ip", t.CustomerIP).
		set("currency", t.Currency).
		set("net", moneyOrZero(t.Net)).
		set("fee", moneyOrZero(t.Fee)).
		set("discount", moneyOrZero(t.Discount)).
		set("shipping", moneyOrZero(t.Shipping)).
		set("shipping_taxes", t.ShippingTaxes).
		set("shipping_tax", moneyOrZero(t.ShippingTax)).
		set("taxes", t.Taxes).
		set("tax", moneyOrZero(t.Tax)).
		set("total", moneyOrZero(t.Total)).
		set("date_paid", unix(t.DatePaid)).
		set("date_paid_date", dateOrFalse(t.DatePaid, layoutYmdHis)).
		set("date_completed", unix(t.DateCompleted)).
		set("date_completed_date", dateOrFalse(t.DateCompleted, layoutYmdHis)).
		set("created", unix(t.Created)).
		set("created_date", dateOrFalse(t.Created, layoutMDY)).
		set("lastupdated", unix(t.LastUpdated)).
		set("lastupdated_date", dateOrFalse(t.LastUpdated, layoutYmdHis)).
		set("lineitems", s.lineItemList(t.LineItems, t.Owner))
	if withAssigned {
		o.set("contact", s.assignedContact(t.ContactID))
		o.set("company", s.assignedCompany(t.CompanyID))
	}
	return o
}

// assignedContact is an embedded "contact": [] or [contact].
func (s *Server) assignedContact(id int64) []any {
	if c := s.db.contact(id); c != nil && id > 0 {
		return []any{s.contactObject(c)}
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
