package jetpackcrmtest

import (
	"net/http"

	"github.com/jpcrm-go/jetpackcrm"
)

// companyFields are the text fields create_company writes (name, email
// and status apart): the CompanyRequest's, with the CRM's max_len of each
// (ZeroBSCRM.DAL3.Obj.Companies.php).
var companyFields = requestTextFields[Company](jetpackcrm.CompanyRequest{}, []string{"name", "email", "status"}, map[string]int{
	"maintel": 40, "sectel": 40,
	"tw": 100, "li": 300, "fb": 200,
})

// Max lengths of the company fields outside companyFields.
const (
	companyNameMaxLen   = 100
	companyEmailMaxLen  = 200
	companyStatusMaxLen = 50
)

// companyText returns the text columns of c, for the utf8mb3 check.
func companyText(c *Company) []string {
	out := []string{c.Name, c.Email, c.Status}
	for _, f := range companyFields {
		out = append(out, *f.field(c))
	}
	return out
}

// createCompany is /zbs_api/create_company as Jetpack CRM 6.4.x runs it:
// only the creation of a company with a new email works. An existing email
// (or name) updates the record and then dies with a PHP fatal error; any id
// dies at once.
func (s *Server) createCompany(req *apiRequest) *response {
	v, err := decodePHP(req.body)
	body := asObject(v)
	if err != nil || body == nil {
		return emptyHTML(http.StatusOK)
	}
	if idv, ok := body.get("id"); ok && phpInt(idv) > 0 {
		// "$zbs" is undefined in create_company.php: fatal before anything.
		return fatalError(req.isJSON())
	}
	email := sanitizeValue(body.vals["email"])
	if !validEmail(email) {
		return emptyHTML(http.StatusOK)
	}
	name, _ := sentValue(body, "name", "coname")
	target := s.db.companyByEmail(email)
	if target == nil {
		target = s.db.companyByName(name)
	}
	isNew := target == nil
	keep := s.cfg.fieldOverride && !isNew
	if name == "" && (isNew || !keep) {
		return createError("error", 100) // the name column is not_empty
	}

	now := s.now()
	var c *Company
	if isNew {
		c = &Company{Created: now}
	} else {
		cp := cloneCompany(*target)
		c = &cp
	}
	if name != "" {
		c.Name = maxLen(name, companyNameMaxLen)
	}
	c.Email = maxLen(email, companyEmailMaxLen)
	for _, f := range companyFields {
		val, ok := sentValue(body, f.keys...)
		if f.keys[0] == "avatar" {
			// zeroBSCRM_textProcess twice, as for contacts.
			if val, ok = sentAvatar(body); ok {
				val = textProcess(textProcess(val))
			}
		}
		if ok {
			*f.field(c) = maxLen(val, f.maxLen)
		} else if !keep {
			*f.field(c) = ""
		}
	}
	for _, slug := range s.cfg.companyCustomFields {
		if val, ok := sentValue(body, slug); ok {
			if c.CustomFields == nil {
				c.CustomFields = map[string]string{}
			}
			c.CustomFields[slug] = val
		} else if !keep {
			delete(c.CustomFields, slug)
		}
	}
	if n := phpInt(body.vals["wpid"]); n > 0 {
		c.WPID = n
	} else if !keep {
		c.WPID = 0
	}
	// An empty() status gets the default; one PHP reads as -1 is then
	// dropped by removeEmpties, and the company has none.
	c.Status = sanitizeValue(body.vals["status"])
	switch {
	case c.Status == "" || c.Status == "0":
		c.Status = s.cfg.defaultStatus
	case isRemovedEmpty(c.Status):
		c.Status = ""
	}
	c.Status = maxLen(c.Status, companyStatusMaxLen)
	if a, ok := body.get("assign"); ok && s.isAdmin(phpInt(a)) {
		c.Owner = phpInt(a)
	} else if !keep {
		c.Owner = 0
	}
	if !allStorable(companyText(c)...) {
		return createError("error", 100)
	}
	if target != nil {
		keepUnstorable(c.CustomFields, target.CustomFields)
	} else {
		keepUnstorable(c.CustomFields, nil)
	}
	if names, ok := cleanTags(body.vals["tags"]); ok {
		c.Tags = s.db.attachTags(objTypeCompany, names, now)
	}
	c.LastUpdated = now
	if !isNew {
		// The update is saved, then zeroBS_addUpdateCompanyLog() is undefined.
		*target = *c
		return fatalError(req.isJSON())
	}
	assignID(&c.ID, &s.db.nextCompany)
	s.db.companies = insertSorted(s.db.companies, c, companyID)
	return echoWithID(body, c.ID)
}

// companiesList is POST /zbs_api/companies with the plugin's argument-order
// bug in zeroBS_getCompanies(): "search" only adds invoices, "invoices":"true"
// searches for "1", "quotes":"true" prints an HTML notice before the JSON,
// "transactions":"true" adds quotes, "owned" is ignored, page -1 is page 0.
func (s *Server) companiesList(req *apiRequest) *response {
	if s.cfg.companiesFixed() {
		return s.companiesListFixed(req)
	}
	body := bodyObject(req.body)
	page, perPage := body.paging()
	if page < 0 {
		page = 0
	}
	prefix := ""
	if sanitizeValue(body.vals["quotes"]) == "true" {
		prefix = companiesArgsOverrideNotice
	}
	out := []any{}
	if perPage > 0 {
		withInvoices := sanitizeValue(body.vals["search"]) != ""
		withQuotes := sanitizeValue(body.vals["transactions"]) == "true"
		phrase := ""
		if sanitizeValue(body.vals["invoices"]) == "true" {
			phrase = "1"
		}
		var list []*Company
		for _, c := range s.db.companies {
			if companyMatches(c, phrase) {
				list = append(list, c)
			}
		}
		for _, c := range paginate(list, page, perPage) {
			o := s.companyObject(c)
			s.embedCompanyLists(o, c, withInvoices, withQuotes, false)
			out = append(out, o)
		}
	}
	resp := jsonReply(http.StatusOK, out)
	if prefix != "" {
		resp.body = append([]byte(prefix), resp.body...)
	}
	return resp
}

// companyMatches is the company search: the ID ((int) of the phrase), or
// "LIKE '%q%'" over name, email, phones, addresses and social handles.
func companyMatches(c *Company, q string) bool {
	if q == "" || c.ID == stringToInt(q) {
		return true
	}
	for _, f := range []string{
		c.Name, c.Email, c.MainPhone, c.SecondaryPhone,
		c.Address.Line1, c.Address.Line2, c.Address.City, c.Address.County, c.Address.Postcode, c.Address.Country,
		c.SecondaryAddress.Line1, c.SecondaryAddress.Line2, c.SecondaryAddress.City,
		c.SecondaryAddress.County, c.SecondaryAddress.Postcode, c.SecondaryAddress.Country,
		c.Twitter, c.LinkedIn, c.Facebook,
	} {
		if likeContains(f, q) {
			return true
		}
	}
	return false
}

// companiesListFixed is POST /zbs_api/companies from 6.6.0, which passes
// its arguments right: "search" filters, "owned" filters by owner,
// "invoices", "quotes" and "transactions" ("true") add those lists, and
// the companies come newest first.
func (s *Server) companiesListFixed(req *apiRequest) *response {
	body := bodyObject(req.body)
	page, perPage := body.paging()
	out := []any{}
	if perPage <= 0 {
		return jsonReply(http.StatusOK, out)
	}
	phrase := sanitizeValue(body.vals["search"])
	owned := int64(-1)
	if v, ok := body.get("owned"); ok {
		owned = phpInt(v)
	}
	var list []*Company
	for i := len(s.db.companies) - 1; i >= 0; i-- {
		c := s.db.companies[i]
		if owned > 0 && c.Owner != owned {
			continue
		}
		if companyMatches(c, phrase) {
			list = append(list, c)
		}
	}
	withInvoices := sanitizeValue(body.vals["invoices"]) == "true"
	withQuotes := sanitizeValue(body.vals["quotes"]) == "true"
	withTransactions := sanitizeValue(body.vals["transactions"]) == "true"
	for _, c := range paginate(list, page, perPage) {
		o := s.companyObject(c)
		s.embedCompanyLists(o, c, withInvoices, withQuotes, withTransactions)
		out = append(out, o)
	}
	return jsonReply(http.StatusOK, out)
}

// embedCompanyLists adds the company's invoices, quotes and transactions
// asked for, newest first, as both releases embed them.
func (s *Server) embedCompanyLists(o *object, c *Company, invoices, quotes, transactions bool) {
	if invoices {
		invs := []any{}
		for i := len(s.db.invoices) - 1; i >= 0; i-- {
			if inv := s.db.invoices[i]; inv.CompanyID == c.ID {
				invs = append(invs, s.invoiceObject(inv))
			}
		}
		o.set("invoices", invs)
	}
	if quotes {
		qs := []any{}
		for i := len(s.db.quotes) - 1; i >= 0; i-- {
			if q := s.db.quotes[i]; q.CompanyID == c.ID {
				qs = append(qs, s.quoteObject(q, true))
			}
		}
		o.set("quotes", qs)
	}
	if transactions {
		txs := []any{}
		for i := len(s.db.transactions) - 1; i >= 0; i-- {
			if t := s.db.transactions[i]; t.CompanyID == c.ID {
				txs = append(txs, s.transactionObject(t, false))
			}
		}
		o.set("transactions", txs)
	}
}

// companyObject is the company shape (tidy_company) with its "contacts".
func (s *Server) companyObject(c *Company) *object {
	o := newObject().
		set("id", itoa(c.ID)).
		set("owner", itoa(c.Owner)).
		set("status", stripSlashes(c.Status)).
		set("name", stripSlashes(c.Name)).
		set("email", stripSlashes(c.Email)).
		set("addr1", stripSlashes(c.Address.Line1)).
		set("addr2", stripSlashes(c.Address.Line2)).
		set("city", stripSlashes(c.Address.City)).
		set("county", stripSlashes(c.Address.County)).
		set("country", stripSlashes(c.Address.Country)).
		set("postcode", stripSlashes(c.Address.Postcode)).
		set("secaddr1", stripSlashes(c.SecondaryAddress.Line1)).
		set("secaddr2", stripSlashes(c.SecondaryAddress.Line2)).
		set("seccity", stripSlashes(c.SecondaryAddress.City)).
		set("seccounty", stripSlashes(c.SecondaryAddress.County)).
		set("seccountry", stripSlashes(c.SecondaryAddress.Country)).
		set("secpostcode", stripSlashes(c.SecondaryAddress.Postcode)).
		set("maintel", stripSlashes(c.MainPhone)).
		set("sectel", stripSlashes(c.SecondaryPhone)).
		set("wpid", c.WPID).
		set("avatar", stripSlashes(c.Avatar)).
		set("tw", stripSlashes(c.Twitter)).
		set("li", stripSlashes(c.LinkedIn)).
		set("fb", stripSlashes(c.Facebook)).
		set("created", unix(c.Created)).
		set("created_date", dateOrFalse(c.Created, layoutMDY)).
		set("lastupdated", unix(c.LastUpdated)).
		set("lastupdated_date", dateOrFalse(c.LastUpdated, layoutMDY)).
		set("lastcontacted", unix(c.LastContacted)).
		set("lastcontacted_date", dateOrFalse(c.LastContacted, layoutMDY))
	listNewFields(o, companyFields, c)
	for _, slug := range s.cfg.companyCustomFields {
		o.set(slug, c.CustomFields[slug])
	}
	contacts := []any{}
	for _, ct := range s.db.contacts {
		if ct.CompanyID == c.ID {
			contacts = append(contacts, s.listedContactObject(ct))
		}
	}
	o.set("contacts", contacts)
	return o
}
