package jetpackcrmtest

import (
	"net/http"
	"strings"

	"github.com/jpcrm-go/jetpackcrm"
)

// contactField is a text field of create_customer.
type contactField = textField[Contact]

// contactFields are the text fields create_customer writes (a full-row
// update: each is blanked when not sent, unless WithFieldOverride): the
// CustomerRequest's, with the CRM's max_len of each
// (ZeroBSCRM.DAL3.Obj.Contacts.php). The avatar has none: it goes through
// zeroBSCRM_textProcess twice on the way in ("a&b" is stored as
// "a&amp;amp;b").
var contactFields = requestTextFields[Contact](jetpackcrm.CustomerRequest{}, []string{"email", "status"}, map[string]int{
	"prefix": 30, "fname": 100, "lname": 100,
	"hometel": 40, "worktel": 40, "mobtel": 40,
	"tw": 100, "li": 300, "fb": 200,
})

// contactMaxLen are the max_len of the contact fields outside contactFields.
const (
	contactStatusMaxLen = 100
	contactEmailMaxLen  = 200
)

// storedText is a sent text value as the CRM writes it: max_len applied,
// and the avatar's double htmlentities().
func storedText(f contactField, v string) string {
	if f.keys[0] == "avatar" {
		return textProcess(textProcess(v))
	}
	return maxLen(v, f.maxLen)
}

// contactText returns every text column of c, for the utf8mb3 check.
func contactText(c *Contact) []string {
	out := []string{c.Status, c.Email}
	for _, f := range contactFields {
		out = append(out, *f.field(c))
	}
	return out
}

// sentValue returns the sanitised value of the first present key, and false
// when none is present or the value is one the plugin strips before saving
// (zeroBS_buildObjArr's removeEmpties: "", "0", and whatever PHP's (int)
// reads as -1: "-1", "-01", "-1.5", "-1 Main St"). Contacts and companies
// go through it; transactions do not (see sentText).
func sentValue(body *object, keys ...string) (string, bool) {
	s, ok := sentText(body, keys...)
	if !ok || isRemovedEmpty(s) {
		return "", false
	}
	return s, true
}

// sentText returns the sanitised value of the first present key, and false
// when none is present or it is empty.
func sentText(body *object, keys ...string) (string, bool) {
	for _, k := range keys {
		if v, ok := body.get(k); ok {
			s := sanitizeValue(v)
			return s, s != ""
		}
	}
	return "", false
}

// sentAvatar is sentValue for the avatar, which the plugin does not pass
// through sanitize_text_field (only zeroBSCRM_textProcess, see storedText).
func sentAvatar(body *object) (string, bool) {
	v, ok := body.get("avatar")
	if s := strings.ToValidUTF8(phpString(v), ""); ok && !isRemovedEmpty(s) {
		return s, true
	}
	return "", false
}

// isRemovedEmpty reports whether removeEmpties drops s: empty() or an
// (int) cast of -1.
func isRemovedEmpty(s string) bool { return s == "" || s == "0" || stringToInt(s) == -1 }

// bodyObject decodes a request body for endpoints that treat anything but a
// JSON object or array as {} (customers, companies).
func bodyObject(body []byte) *object {
	v, err := decodePHP(body)
	if err != nil {
		return newObject()
	}
	if o := asObject(v); o != nil {
		return o
	}
	return newObject()
}

// paging reads a JSON body's "page" (default 0) and "perpage" (default 10)
// as the plugin's POST lists do.
func (o *object) paging() (page, perPage int64) {
	page, perPage = 0, 10
	if v, ok := o.get("perpage"); ok {
		perPage = intParam(v)
	}
	if v, ok := o.get("page"); ok {
		page = intParam(v)
	}
	return page, perPage
}

// asObject returns a decoded JSON object or list as a PHP array (a list gets
// the keys "0".."n-1"), or nil for anything else.
func asObject(v any) *object {
	switch t := v.(type) {
	case *object:
		return t
	case []any:
		o := newObject()
		for i, e := range t {
			o.set(itoa(int64(i)), e)
		}
		return o
	}
	return nil
}

// echoWithID is the create_* success reply: the decoded request body with
// "id" set to the record ID (in place if the body had an "id").
func echoWithID(body *object, id int64) *response {
	echo := newObject()
	for _, k := range body.keys {
		echo.set(k, body.vals[k])
	}
	echo.set("id", id)
	return jsonReply(http.StatusOK, echo)
}

// createCustomer is /zbs_api/create_customer: an upsert keyed by a verified
// id, then by email.
func (s *Server) createCustomer(req *apiRequest) *response {
	v, err := decodePHP(req.body)
	body := asObject(v)
	if err != nil || body == nil {
		return createError("error", true, "message", "Invalid JSON data")
	}
	email := sanitizeValue(body.vals["email"])
	emailOK := validEmail(email)
	var byID *Contact
	if idv, ok := body.get("id"); ok && phpIsNumeric(idv) {
		if id := phpInt(idv); id > 0 {
			byID = s.db.contact(id)
		}
	}
	if !emailOK && byID == nil {
		return createError("errors", 1)
	}
	if !emailOK {
		return createError("error", 100) // an id without an email always fails
	}
	target := byID
	if other := s.db.contactByEmail(email); other != nil {
		if target != nil && other.ID != target.ID {
			return createError("error", 100)
		}
		target = other
	}

	now := s.now()
	isNew := target == nil
	// The row is computed on a copy: WordPress refuses the whole UPDATE or
	// INSERT when a value does not fit the utf8mb3 table, and nothing
	// changes.
	var c *Contact
	if isNew {
		c = &Contact{Owner: -1, WPID: -1, Created: now}
	} else {
		cp := cloneContact(*target)
		c = &cp
	}
	keep := s.cfg.fieldOverride && !isNew
	for _, f := range contactFields {
		val, ok := sentValue(body, f.keys...)
		if f.keys[0] == "avatar" {
			val, ok = sentAvatar(body)
		}
		if ok {
			*f.field(c) = storedText(f, val)
		} else if !keep {
			*f.field(c) = ""
		}
	}
	for _, slug := range s.cfg.contactCustomFields {
		if val, ok := sentValue(body, slug); ok {
			if c.CustomFields == nil {
				c.CustomFields = map[string]string{}
			}
			c.CustomFields[slug] = val
		} else if !keep {
			delete(c.CustomFields, slug)
		}
	}
	c.Email = maxLen(email, contactEmailMaxLen)
	if n := phpInt(body.vals["wpid"]); n > 0 {
		c.WPID = n
	} else if !keep {
		c.WPID = -1
	}

	status := sanitizeValue(body.vals["status"])
	if isRemovedEmpty(status) {
		status = s.cfg.defaultStatus
	}
	stickyStatus := "Customer"
	if st := sanitizeValue(body.vals["stickystat"]); st != "" {
		stickyStatus = st
	}
	// Stickiness is on unless "sticky" is non-empty: the plugin's logic is
	// inverted, so "sticky":true turns it off and "sticky":false keeps it.
	if !isNew && phpEmpty(body.vals["sticky"]) && c.Status == stickyStatus {
		status = stickyStatus
	}
	c.Status = maxLen(status, contactStatusMaxLen)

	if a, ok := body.get("assign"); ok && s.isAdmin(phpInt(a)) {
		c.Owner = phpInt(a)
	} else if !keep {
		c.Owner = -1
	}
	if !allStorable(contactText(c)...) {
		return createError("error", 100)
	}
	var before map[string]string
	if target != nil {
		before = target.CustomFields
	}
	keepUnstorable(c.CustomFields, before)
	if names, ok := cleanTags(body.vals["tags"]); ok {
		c.Tags = s.db.attachTags(objTypeContact, names, now)
	}
	c.LastUpdated = now
	if isNew {
		assignID(&c.ID, &s.db.nextContact)
		s.db.contacts = insertSorted(s.db.contacts, c, contactID)
	} else {
		*target = *c
	}
	return echoWithID(body, c.ID)
}

// contactListOptions are the embeds a contact list may carry.
type contactListOptions struct {
	tags, invoices, quotes, transactions bool
	// assignedTransactions embeds contact/company arrays in transactions.
	assignedTransactions bool
	// single is the one contact of customer_search by email, read with
	// getContact: 6.6's name-clash copy of "owner" is only in lists.
	single bool
}

// customers is /zbs_api/customers: any method, parameters from the JSON body.
func (s *Server) customers(req *apiRequest) *response {
	body := bodyObject(req.body)
	page, perPage := body.paging()
	all := page == -1 && perPage == -1
	if !all && perPage <= 0 {
		// perpage 0 selects nothing; a negative one is an SQL error ("LIMIT 0,-5").
		return jsonReply(http.StatusOK, []any{})
	}
	search := sanitizeValue(body.vals["search"])
	company := intParam(body.vals["company"])
	owned := intParam(body.vals["owned"])
	var list []*Contact
	for _, c := range s.db.contacts {
		if company > 0 && c.CompanyID != company {
			continue
		}
		if owned > 0 && c.Owner != owned {
			continue
		}
		if !s.contactMatches(c, search) {
			continue
		}
		list = append(list, c)
	}
	if !all {
		list = paginate(list, page, perPage)
	}
	opts := contactListOptions{
		tags:                 !phpEmpty(body.vals["tags"]),
		invoices:             sanitizeValue(body.vals["invoices"]) == "true",
		quotes:               sanitizeValue(body.vals["quotes"]) == "true",
		transactions:         sanitizeValue(body.vals["transactions"]) == "true",
		assignedTransactions: true,
	}
	out := make([]any, 0, len(list))
	for _, c := range list {
		out = append(out, s.contactWithEmbeds(c, opts))
	}
	return jsonReply(http.StatusOK, out)
}

// customerSearch is GET /zbs_api/customer_search.
func (s *Server) customerSearch(req *apiRequest) *response {
	replaceHyphens := false
	if v, ok := req.queryValue("replace_hyphens_with_underscores_in_json_keys"); ok && stringToInt(v) == 1 {
		replaceHyphens = true
	}
	if email, ok := req.queryValue("email"); ok && sanitizeText(email) != "" {
		c := s.db.contactByEmail(sanitizeText(email))
		if c == nil {
			return jsonReply(http.StatusOK, []any{}) // an array on a miss, an object on a hit
		}
		if replaceHyphens {
			// array_keys() on a scalar: a PHP 8 fatal error.
			return fatalError(req.isJSON())
		}
		return jsonReply(http.StatusOK, s.contactWithEmbeds(c, contactListOptions{tags: true, invoices: true, transactions: true, single: true}))
	}
	page, perPage := queryPaging(req)
	if perPage == 0 {
		return jsonReply(http.StatusOK, []any{})
	}
	query, _ := req.queryValue("zbs_query")
	query = sanitizeText(query)
	var list []*Contact
	for _, c := range s.db.contacts {
		if s.contactMatches(c, query) {
			list = append(list, c)
		}
	}
	list = paginate(inOrder(list, newestFirst(req, false)), page, perPage)
	out := make([]any, 0, len(list))
	for _, c := range list {
		o := s.listedContactObject(c)
		if replaceHyphens {
			o = replaceKeyHyphens(o)
		}
		out = append(out, o)
	}
	return jsonReply(http.StatusOK, out)
}

// replaceKeyHyphens returns o with "-" replaced by "_" in its top-level keys.
func replaceKeyHyphens(o *object) *object {
	out := newObject()
	for _, k := range o.keys {
		out.set(strings.ReplaceAll(k, "-", "_"), o.vals[k])
	}
	return out
}

// phoneNoise is stripped from phone numbers before searching them.
var phoneNoise = strings.NewReplacer(" ", "", ".", "", "-", "", "(", "", ")", "")

// contactMatches is the DAL's searchPhrase: "LIKE '%q%'" (under the
// case- and accent-insensitive collation, % and _ as wildcards, a backslash
// escaping the next character) over the names (prefix, first and last
// joined by spaces, and each alone), email, addresses, social handles,
// phones (spaces, dots, dashes and brackets removed from both sides) and
// the linked company's name (B2B mode). The stored values are searched,
// backslashes included, not the listed ones.
func (s *Server) contactMatches(c *Contact, q string) bool {
	if q == "" {
		return true
	}
	fields := []string{
		c.Prefix + " " + c.FirstName + " " + c.LastName,
		c.FirstName, c.LastName,
		c.Email,
		c.Address.Line1, c.Address.Line2, c.Address.City, c.Address.County, c.Address.Postcode, c.Address.Country,
		c.SecondaryAddress.Line1, c.SecondaryAddress.Line2, c.SecondaryAddress.City,
		c.SecondaryAddress.County, c.SecondaryAddress.Postcode, c.SecondaryAddress.Country,
		c.Twitter, c.LinkedIn, c.Facebook,
	}
	if c.CompanyID > 0 {
		if co := s.db.company(c.CompanyID); co != nil {
			fields = append(fields, co.Name)
		}
	}
	for _, f := range fields {
		if likeContains(f, q) {
			return true
		}
	}
	phone := phoneNoise.Replace(q)
	for _, f := range []string{c.HomePhone, c.WorkPhone, c.MobilePhone} {
		if likeContains(phoneNoise.Replace(f), phone) {
			return true
		}
	}
	return false
}

// fullName is the contact's "fullname"/"name" as the recorded site writes
// it: "<fname> <lname>" when either is set ("Linus " for a first name only),
// preceded by the prefix when there is one. It is made from the listed
// (unslashed) values.
func fullName(c *Contact) string {
	name := ""
	if c.Prefix != "" {
		name = stripSlashes(c.Prefix) + " "
	}
	if c.FirstName != "" || c.LastName != "" {
		name += stripSlashes(c.FirstName) + " " + stripSlashes(c.LastName)
	}
	return name
}

// contactObject is the 37-key contact shape (tidy_contact) plus custom fields.
func (s *Server) contactObject(c *Contact) *object {
	o := newObject().
		set("id", itoa(c.ID)).
		set("owner", itoa(c.Owner)).
		set("status", stripSlashes(c.Status)).
		set("email", c.Email).
		set("prefix", stripSlashes(c.Prefix)).
		set("fname", stripSlashes(c.FirstName)).
		set("lname", stripSlashes(c.LastName)).
		set("addr1", stripSlashes(c.Address.Line1)).
		set("addr2", stripSlashes(c.Address.Line2)).
		set("city", stripSlashes(c.Address.City)).
		set("county", stripSlashes(c.Address.County)).
		set("country", stripSlashes(c.Address.Country)).
		set("postcode", stripSlashes(c.Address.Postcode)).
		set("secaddr_addr1", stripSlashes(c.SecondaryAddress.Line1)).
		set("secaddr_addr2", stripSlashes(c.SecondaryAddress.Line2)).
		set("secaddr_city", stripSlashes(c.SecondaryAddress.City)).
		set("secaddr_county", stripSlashes(c.SecondaryAddress.County)).
		set("secaddr_country", stripSlashes(c.SecondaryAddress.Country)).
		set("secaddr_postcode", stripSlashes(c.SecondaryAddress.Postcode)).
		set("hometel", c.HomePhone).
		set("worktel", c.WorkPhone).
		set("mobtel", c.MobilePhone).
		set("wpid", itoa(c.WPID)).
		set("avatar", c.Avatar).
		set("tw", c.Twitter).
		set("li", c.LinkedIn).
		set("fb", c.Facebook).
		set("created", c.Created.UTC().Format(layoutYmdHis))
	if c.LastContacted.IsZero() {
		o.set("lastcontacted", -1)
	} else {
		o.set("lastcontacted", c.LastContacted.UTC().Format(layoutYmdHis))
	}
	o.set("createduts", itoa(unix(c.Created))).
		set("created_date", dateOrFalse(c.Created, layoutMDY)).
		set("lastupdated", itoa(unix(c.LastUpdated))).
		set("lastupdated_date", dateOrFalse(c.LastUpdated, layoutMDY)).
		set("lastcontacteduts", itoa(unixOr(c.LastContacted, -1))).
		set("lastcontacted_date", dateOrFalse(c.LastContacted, layoutMDY)).
		set("fullname", fullName(c)).
		set("name", fullName(c))
	listNewFields(o, contactFields, c)
	for _, slug := range s.cfg.contactCustomFields {
		o.set(slug, c.CustomFields[slug])
	}
	return o
}

// listedContactObject is contactObject as the contact lists write it: from
// 6.6 with the name-clash workaround's copy of "owner" under a second key.
func (s *Server) listedContactObject(c *Contact) *object {
	o := s.contactObject(c)
	if s.cfg.companiesFixed() {
		o.set("owner_zbs-name-clash-tmp-fix", itoa(c.Owner))
	}
	return o
}

// contactWithEmbeds is contactObject plus the requested tags, invoices,
// quotes and transactions (all of them, newest first), in that key order.
func (s *Server) contactWithEmbeds(c *Contact, opts contactListOptions) *object {
	o := s.listedContactObject(c)
	if opts.single {
		o = s.contactObject(c)
	}
	if opts.tags {
		tags := []any{}
		for _, t := range s.db.tagsOf(objTypeContact, c.Tags) {
			tags = append(tags, tagObject(t))
		}
		o.set("tags", tags)
	}
	if opts.invoices {
		list := []any{}
		for i := len(s.db.invoices) - 1; i >= 0; i-- {
			if inv := s.db.invoices[i]; inv.ContactID == c.ID {
				list = append(list, s.invoiceObject(inv))
			}
		}
		o.set("invoices", list)
	}
	if opts.quotes {
		list := []any{}
		for i := len(s.db.quotes) - 1; i >= 0; i-- {
			if q := s.db.quotes[i]; q.ContactID == c.ID {
				list = append(list, s.quoteObject(q, true))
			}
		}
		o.set("quotes", list)
	}
	if opts.transactions {
		list := []any{}
		for i := len(s.db.transactions) - 1; i >= 0; i-- {
			if t := s.db.transactions[i]; t.ContactID == c.ID {
				list = append(list, s.transactionObject(t, opts.assignedTransactions))
			}
		}
		o.set("transactions", list)
	}
	return o
}

// tagObject is the tag shape inside contacts.
func tagObject(t *Tag) *object {
	return newObject().
		set("id", itoa(t.ID)).
		set("objtype", itoa(int64(t.ObjectType))).
		set("name", stripSlashes(t.Name)).
		set("slug", t.Slug).
		set("created", itoa(unix(t.Created))).
		set("lastupdated", itoa(unix(t.LastUpdated)))
}
