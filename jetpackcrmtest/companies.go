package jetpackcrmtest

import (
	"net/http"
	"strings"
)

// companyField maps request keys of create_company to a company field.
type companyField struct {
	keys  []string
	field func(*Company) *string
}

// companyFields are the text fields create_company writes (name apart).
var companyFields = []companyField{
	{[]string{"addr1"}, func(c *Company) *string { return &c.Address.Line1 }},
	{[]string{"addr2"}, func(c *Company) *string { return &c.Address.Line2 }},
	{[]string{"city"}, func(c *Company) *string { return &c.Address.City }},
	{[]string{"county"}, func(c *Company) *string { return &c.Address.County }},
	{[]string{"postcode"}, func(c *Company) *string { return &c.Address.Postcode }},
	{[]string{"country"}, func(c *Company) *string { return &c.Address.Country }},
	{[]string{"secaddr1", "secaddr_addr1"}, func(c *Company) *string { return &c.SecondaryAddress.Line1 }},
	{[]string{"secaddr2", "secaddr_addr2"}, func(c *Company) *string { return &c.SecondaryAddress.Line2 }},
	{[]string{"seccity", "secaddr_city"}, func(c *Company) *string { return &c.SecondaryAddress.City }},
	{[]string{"seccounty", "secaddr_county"}, func(c *Company) *string { return &c.SecondaryAddress.County }},
	{[]string{"secpostcode", "secaddr_postcode"}, func(c *Company) *string { return &c.SecondaryAddress.Postcode }},
	{[]string{"seccountry", "secaddr_country"}, func(c *Company) *string { return &c.SecondaryAddress.Country }},
	{[]string{"maintel"}, func(c *Company) *string { return &c.MainPhone }},
	{[]string{"sectel"}, func(c *Company) *string { return &c.SecondaryPhone }},
	{[]string{"tw"}, func(c *Company) *string { return &c.Twitter }},
	{[]string{"li"}, func(c *Company) *string { return &c.LinkedIn }},
	{[]string{"fb"}, func(c *Company) *string { return &c.Facebook }},
	{[]string{"avatar"}, func(c *Company) *string { return &c.Avatar }},
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
	c := target
	if isNew {
		c = &Company{Created: now}
	}
	if name != "" {
		c.Name = name
	}
	c.Email = email
	for _, f := range companyFields {
		if val, ok := sentValue(body, f.keys...); ok {
			*f.field(c) = val
		} else if !keep {
			*f.field(c) = ""
		}
	}
	if n := phpInt(body.vals["wpid"]); n > 0 {
		c.WPID = n
	} else if !keep {
		c.WPID = 0
	}
	c.Status = sanitizeValue(body.vals["status"])
	if c.Status == "" {
		c.Status = s.cfg.defaultStatus
	}
	if a, ok := body.get("assign"); ok && s.isAdmin(phpInt(a)) {
		c.Owner = phpInt(a)
	} else if !keep {
		c.Owner = 0
	}
	if names, ok := cleanTags(body.vals["tags"]); ok {
		for _, n := range names {
			s.db.tag(objTypeCompany, n, now)
		}
		c.Tags = names
	}
	c.LastUpdated = now
	if !isNew {
		// The update is saved, then zeroBS_addUpdateCompanyLog() is undefined.
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
	body := bodyObject(req.body)
	perPage := int64(10)
	if v, ok := body.get("perpage"); ok {
		perPage = intParam(v)
	}
	page := int64(0)
	if v, ok := body.get("page"); ok {
		page = intParam(v)
	}
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
			if withInvoices {
				invs := []any{}
				for i := len(s.db.invoices) - 1; i >= 0; i-- {
					if inv := s.db.invoices[i]; inv.CompanyID == c.ID {
						invs = append(invs, s.invoiceObject(inv))
					}
				}
				o.set("invoices", invs)
			}
			if withQuotes {
				qs := []any{}
				for i := len(s.db.quotes) - 1; i >= 0; i-- {
					if q := s.db.quotes[i]; q.CompanyID == c.ID {
						qs = append(qs, s.quoteObject(q, true))
					}
				}
				o.set("quotes", qs)
			}
			out = append(out, o)
		}
	}
	resp := jsonReply(http.StatusOK, out)
	if prefix != "" {
		resp.body = append([]byte(prefix), resp.body...)
	}
	return resp
}

// companyMatches is the company search: the ID, or a case-insensitive
// substring of name, email, phones, addresses or social handles.
func companyMatches(c *Company, q string) bool {
	if q == "" || itoa(c.ID) == q {
		return true
	}
	q = strings.ToLower(q)
	for _, f := range []string{
		c.Name, c.Email, c.MainPhone, c.SecondaryPhone,
		c.Address.Line1, c.Address.Line2, c.Address.City, c.Address.County, c.Address.Postcode, c.Address.Country,
		c.SecondaryAddress.Line1, c.SecondaryAddress.Line2, c.SecondaryAddress.City,
		c.SecondaryAddress.County, c.SecondaryAddress.Postcode, c.SecondaryAddress.Country,
		c.Twitter, c.LinkedIn, c.Facebook,
	} {
		if strings.Contains(strings.ToLower(f), q) {
			return true
		}
	}
	return false
}

// companyObject is the company shape (tidy_company) with its "contacts".
func (s *Server) companyObject(c *Company) *object {
	o := newObject().
		set("id", itoa(c.ID)).
		set("owner", itoa(c.Owner)).
		set("status", c.Status).
		set("name", c.Name).
		set("email", c.Email).
		set("addr1", c.Address.Line1).
		set("addr2", c.Address.Line2).
		set("city", c.Address.City).
		set("county", c.Address.County).
		set("country", c.Address.Country).
		set("postcode", c.Address.Postcode).
		set("secaddr1", c.SecondaryAddress.Line1).
		set("secaddr2", c.SecondaryAddress.Line2).
		set("seccity", c.SecondaryAddress.City).
		set("seccounty", c.SecondaryAddress.County).
		set("seccountry", c.SecondaryAddress.Country).
		set("secpostcode", c.SecondaryAddress.Postcode).
		set("maintel", c.MainPhone).
		set("sectel", c.SecondaryPhone).
		set("wpid", c.WPID).
		set("avatar", c.Avatar).
		set("tw", c.Twitter).
		set("li", c.LinkedIn).
		set("fb", c.Facebook).
		set("created", unix(c.Created)).
		set("created_date", dateOrFalse(c.Created, layoutMDY)).
		set("lastupdated", unix(c.LastUpdated)).
		set("lastupdated_date", dateOrFalse(c.LastUpdated, layoutMDY)).
		set("lastcontacted", unix(c.LastContacted)).
		set("lastcontacted_date", dateOrFalse(c.LastContacted, layoutMDY))
	contacts := []any{}
	for _, ct := range s.db.contacts {
		if ct.CompanyID == c.ID {
			contacts = append(contacts, s.contactObject(ct))
		}
	}
	o.set("contacts", contacts)
	return o
}
