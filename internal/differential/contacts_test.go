package differential_test

import (
	"strconv"
	"strings"

	"github.com/jpcrm-go/jetpackcrm"
)

func statusScenarios() []scenario {
	var b builder
	b.add("status/basic", func(r *run) {
		st, _, err := r.c.Status(r.ctx)
		r.err("status", err)
		r.value("status", st)
	})
	b.add("status/full", func(r *run) {
		st, _, err := r.c.StatusFull(r.ctx)
		r.err("status", err)
		r.value("status", st)
	})
	b.add("status/wrong-secret", func(r *run) {
		_, _, err := r.bad.Status(r.ctx)
		r.err("status", err)
	})
	b.add("auth/wrong-secret-write-stores-nothing", func(r *run) {
		_, _, err := r.bad.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: r.email("unauth"), FirstName: "Nobody"})
		r.err("create", err)
		r.stored("stored")
	})
	return b
}

// contactField is one text field of CustomerRequest.
type contactField struct {
	name string
	set  func(req *jetpackcrm.CustomerRequest, v string)
}

var contactFields = []contactField{
	{"prefix", func(q *jetpackcrm.CustomerRequest, v string) { q.Prefix = v }},
	{"fname", func(q *jetpackcrm.CustomerRequest, v string) { q.FirstName = v }},
	{"lname", func(q *jetpackcrm.CustomerRequest, v string) { q.LastName = v }},
	{"addr1", func(q *jetpackcrm.CustomerRequest, v string) { q.Address.Line1 = v }},
	{"addr2", func(q *jetpackcrm.CustomerRequest, v string) { q.Address.Line2 = v }},
	{"city", func(q *jetpackcrm.CustomerRequest, v string) { q.Address.City = v }},
	{"county", func(q *jetpackcrm.CustomerRequest, v string) { q.Address.County = v }},
	{"postcode", func(q *jetpackcrm.CustomerRequest, v string) { q.Address.Postcode = v }},
	{"country", func(q *jetpackcrm.CustomerRequest, v string) { q.Address.Country = v }},
	{"secaddr1", func(q *jetpackcrm.CustomerRequest, v string) { q.SecondaryAddress.Line1 = v }},
	{"secaddr2", func(q *jetpackcrm.CustomerRequest, v string) { q.SecondaryAddress.Line2 = v }},
	{"seccity", func(q *jetpackcrm.CustomerRequest, v string) { q.SecondaryAddress.City = v }},
	{"seccounty", func(q *jetpackcrm.CustomerRequest, v string) { q.SecondaryAddress.County = v }},
	{"secpostcode", func(q *jetpackcrm.CustomerRequest, v string) { q.SecondaryAddress.Postcode = v }},
	{"seccountry", func(q *jetpackcrm.CustomerRequest, v string) { q.SecondaryAddress.Country = v }},
	{"hometel", func(q *jetpackcrm.CustomerRequest, v string) { q.HomePhone = v }},
	{"worktel", func(q *jetpackcrm.CustomerRequest, v string) { q.WorkPhone = v }},
	{"mobtel", func(q *jetpackcrm.CustomerRequest, v string) { q.MobilePhone = v }},
	{"tw", func(q *jetpackcrm.CustomerRequest, v string) { q.Twitter = v }},
	{"li", func(q *jetpackcrm.CustomerRequest, v string) { q.LinkedIn = v }},
	{"fb", func(q *jetpackcrm.CustomerRequest, v string) { q.Facebook = v }},
	{"avatar", func(q *jetpackcrm.CustomerRequest, v string) { q.Avatar = v }},
	{"status", func(q *jetpackcrm.CustomerRequest, v string) { q.Status = v }},
	{"tag", func(q *jetpackcrm.CustomerRequest, v string) { q.Tags = []string{v} }},
}

// everyField is a contact with v in every text field (prefixed by the
// field's name so that a value that moved shows). The tag carries the
// email's stamp too: tags are shared by the whole site.
func everyField(email, v string) *jetpackcrm.CustomerRequest {
	req := &jetpackcrm.CustomerRequest{Email: email}
	for _, f := range contactFields {
		f.set(req, f.name+" "+v)
	}
	req.Tags[0] += " " + strings.TrimSuffix(strings.SplitN(email, ".", 2)[1], "@example.com")
	return req
}

// createAndStore creates req and records the reply and what was stored;
// input the SDK refuses is then sent raw, to compare what the site does
// with it.
func createAndStore(r *run, req *jetpackcrm.CustomerRequest) *jetpackcrm.Customer {
	got, _, err := r.c.Customers.Create(r.ctx, req)
	r.err("create", err)
	r.value("returned", got)
	r.stored("stored")
	if refused(err) {
		r.sendRaw("raw", "create_customer", req)
		r.stored("raw.stored")
	}
	return got
}

func contactScenarios() []scenario {
	var b builder
	addContactCreateScenarios(&b)
	addContactUpdateScenarios(&b)
	addContactTagOwnerAndListScenarios(&b)
	return b
}

// addContactCreateScenarios adds the creates: every field, UTF-8, awkward
// text, custom fields, long values, the avatar.
func addContactCreateScenarios(b *builder) {
	b.add("contact/create-minimal", func(r *run) {
		createAndStore(r, &jetpackcrm.CustomerRequest{Email: r.email("min")})
	})
	b.add("contact/create-every-field", func(r *run) {
		createAndStore(r, everyField(r.email("every"), "plain"))
	})
	for _, u := range utf8Samples {
		b.add("contact/utf8-"+u.name+"/every-field", func(r *run) {
			createAndStore(r, everyField(r.email("utf8"), u.text))
		})
	}
	// One field at a time: which ones refuse a 4-byte character, and how.
	for _, f := range contactFields {
		b.add("contact/utf8-4byte/"+f.name, func(r *run) {
			req := &jetpackcrm.CustomerRequest{Email: r.email("emoji")}
			f.set(req, "x 😀 y "+r.stamp)
			createAndStore(r, req)
		})
	}
	for _, a := range awkward {
		b.add("contact/awkward/"+a.name, func(r *run) {
			req := &jetpackcrm.CustomerRequest{Email: r.email("awk"), FirstName: a.text, LastName: a.text,
				Address: jetpackcrm.Address{City: a.text}, MobilePhone: a.text, Tags: []string{a.text + " " + r.stamp}}
			createAndStore(r, req)
		})
	}
	b.add("contact/awkward/custom-field-undefined", func(r *run) {
		createAndStore(r, &jetpackcrm.CustomerRequest{Email: r.email("cf"), FirstName: "Custom",
			CustomFields: map[string]string{"favourite-colour": "blue", "shoe_size": "42"}})
	})
	// The site's own custom fields (whatever its administrators defined;
	// scripts/sites defines none): a plain value, then a 4-byte one.
	b.add("contact/custom-field-defined", func(r *run) {
		r.note("fields", len(r.custom.contact))
		if len(r.custom.contact) == 0 {
			return
		}
		f := r.custom.contact[len(r.custom.contact)-1]
		got, _, err := r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: r.email("cfd"), CustomFields: map[string]string{f: "Google"}})
		r.err("create", err)
		r.value("returned", got)
		list := r.stored("stored")
		if len(list) == 1 {
			r.str("stored.field", list[0].CustomFields[f])
		}
		_, _, err = r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: r.email("cfd"), FirstName: "Emoji", CustomFields: map[string]string{f: "x 😀"}})
		r.err("emoji", err)
		r.stored("after-emoji")
	})
	b.add("contact/zero-and-minus-one-values", func(r *run) {
		createAndStore(r, &jetpackcrm.CustomerRequest{Email: r.email("zero"), FirstName: "0", LastName: "-1",
			Address: jetpackcrm.Address{City: "0", Postcode: "00"}, MobilePhone: "-1"})
	})
	b.add("contact/long-values", func(r *run) {
		createAndStore(r, &jetpackcrm.CustomerRequest{Email: r.email("long"),
			Prefix: strings.Repeat("p", 40), FirstName: strings.Repeat("f", 150), LastName: strings.Repeat("é", 120),
			Address:     jetpackcrm.Address{City: strings.Repeat("c", 250), Postcode: strings.Repeat("9", 60)},
			MobilePhone: strings.Repeat("1", 50)})
	})
	// At the CRM's limits, counted as stored: the whole value is kept.
	b.add("contact/long-values-at-the-limit", func(r *run) {
		createAndStore(r, &jetpackcrm.CustomerRequest{Email: r.email("limit"),
			Prefix: strings.Repeat("p", 30), FirstName: strings.Repeat("é", 50), LastName: strings.Repeat("😀", 11),
			Address:     jetpackcrm.Address{City: strings.Repeat("c", 200), Postcode: strings.Repeat("9", 50)},
			MobilePhone: strings.Repeat("1", 40), Avatar: "https://example.com/a.png?s=1&d=" + strings.Repeat("&", 28)})
	})
	// The avatar is not sanitised but stored through htmlentities twice.
	b.add("contact/avatar-awkward", func(r *run) {
		createAndStore(r, &jetpackcrm.CustomerRequest{Email: r.email("avatar"),
			Avatar: `https://example.com/a b.png?x=<1>&y="2"&z='3' Zoë 100%41 😀`})
	})
}

// addContactUpdateScenarios adds the status default, the upserts, the
// updates and the writes by ID.
func addContactUpdateScenarios(b *builder) {
	b.add("contact/status-default-and-sticky", func(r *run) {
		email := r.email("sticky")
		_, _, err := r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: email, Status: "Customer", FirstName: "Stay"})
		r.err("create", err)
		_, _, err = r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: email, Status: "Lead", FirstName: "Stay"})
		r.err("downgrade", err)
		r.stored("after-downgrade")
		_, _, err = r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: email, Status: "Lead", ForceStatus: true, FirstName: "Stay"})
		r.err("forced", err)
		r.stored("after-force")
	})
	b.add("contact/upsert-blanks-unsent", func(r *run) {
		email := r.email("blank")
		_, _, err := r.c.Customers.Create(r.ctx, everyField(email, "first"))
		r.err("create", err)
		_, _, err = r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: email, FirstName: "Second"})
		r.err("upsert", err)
		r.stored("stored")
	})
	b.add("contact/update-merges", func(r *run) {
		email := r.email("merge")
		_, _, err := r.c.Customers.Create(r.ctx, everyField(email, "kept"))
		r.err("create", err)
		got, _, err := r.c.Customers.Update(r.ctx, email, &jetpackcrm.CustomerRequest{Address: jetpackcrm.Address{City: "Newtown"}})
		r.err("update", err)
		r.value("returned", got)
		r.stored("stored")
	})
	b.add("contact/update-awkward-values-survive", func(r *run) {
		email := r.email("merge-awk")
		_, _, err := r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: email, FirstName: `O'Neil "Q"`, LastName: "Zoë 日本", Tags: []string{"t-" + r.stamp}})
		r.err("create", err)
		_, _, err = r.c.Customers.Update(r.ctx, email, &jetpackcrm.CustomerRequest{Address: jetpackcrm.Address{City: "Paris"}})
		r.err("update", err)
		r.stored("stored")
	})
	// A contact written with a backslash (by the UI, another client, or an
	// older SDK) is listed without it, and leaves two spaces where it stood:
	// Update refuses to write that back rather than alter the contact.
	b.add("contact/update-refuses-to-alter-stored-text", func(r *run) {
		email := r.email("merge-slash")
		r.sendRaw("raw", "create_customer", &jetpackcrm.CustomerRequest{Email: email, FirstName: `O'Neil \ "Q"`, LastName: "Kept"})
		r.stored("before")
		_, _, err := r.c.Customers.Update(r.ctx, email, &jetpackcrm.CustomerRequest{Address: jetpackcrm.Address{City: "Paris"}})
		r.err("update", err)
		r.stored("after")
	})
	b.add("contact/update-unknown-email", func(r *run) {
		got, _, err := r.c.Customers.Update(r.ctx, r.email("nobody"), &jetpackcrm.CustomerRequest{FirstName: "Ghost"})
		r.err("update", err)
		r.value("returned", got)
		r.stored("stored")
	})
	b.add("contact/create-unknown-id", func(r *run) {
		createAndStore(r, &jetpackcrm.CustomerRequest{ID: 1 << 40, Email: r.email("unknown-id"), FirstName: "Ghost"})
	})
	b.add("contact/change-email-by-id", func(r *run) {
		got, _, err := r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: r.email("old"), FirstName: "Mover"})
		r.must("create", err)
		again, _, err := r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{ID: got.ID, Email: r.email("new"), FirstName: "Mover"})
		r.err("move", err)
		r.value("returned", again)
		r.stored("stored")
	})
	b.add("contact/id-of-other-contact-with-taken-email", func(r *run) {
		a, _, err := r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: r.email("a"), FirstName: "A"})
		r.must("create-a", err)
		_, _, err = r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: r.email("b"), FirstName: "B"})
		r.must("create-b", err)
		_, _, err = r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{ID: a.ID, Email: r.email("b"), FirstName: "A2"})
		r.err("clash", err)
		r.stored("stored")
	})
}

// addContactTagOwnerAndListScenarios adds tags, owners, phones, invalid
// emails, GetByEmail embeds and the list flags.
func addContactTagOwnerAndListScenarios(b *builder) {
	b.add("contact/tags-replace-and-keep", func(r *run) {
		email := r.email("tags")
		one, two, three := "one-"+r.stamp, "Two Words "+r.stamp, "three-"+r.stamp
		_, _, err := r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: email, Tags: []string{one, two}})
		r.err("create", err)
		r.stored("first")
		_, _, err = r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: email, Tags: []string{three}})
		r.err("replace", err)
		r.stored("replaced")
		_, _, err = r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: email, FirstName: "NoTags"})
		r.err("untagged", err)
		r.stored("kept")
	})
	b.add("contact/tags-awkward", func(r *run) {
		var tags []string
		for _, a := range awkward {
			tags = append(tags, a.text+" "+r.stamp)
		}
		for _, u := range utf8Samples[:2] {
			tags = append(tags, u.text+" "+r.stamp)
		}
		createAndStore(r, &jetpackcrm.CustomerRequest{Email: r.email("tagawk"), Tags: tags})
	})
	b.add("contact/tags-duplicates-and-blanks", func(r *run) {
		createAndStore(r, &jetpackcrm.CustomerRequest{Email: r.email("tagdup"),
			Tags: []string{"dup " + r.stamp, "DUP " + r.stamp, "  ", "<b></b>", "dup-" + r.stamp}})
	})
	b.add("contact/owner-admin", func(r *run) {
		createAndStore(r, &jetpackcrm.CustomerRequest{Email: r.email("own"), AssignTo: 1})
	})
	b.add("contact/owner-not-a-user", func(r *run) {
		createAndStore(r, &jetpackcrm.CustomerRequest{Email: r.email("own999"), AssignTo: 99999})
	})
	b.add("contact/phone-formats", func(r *run) {
		createAndStore(r, &jetpackcrm.CustomerRequest{Email: r.email("tel"),
			HomePhone: "+44 (0)20 7946-0958", WorkPhone: "020.7946.0958", MobilePhone: "ext. 12#3*"})
	})
	b.add("contact/invalid-email-refused", func(r *run) {
		for i, e := range []string{"not-an-email", "a@b", "two@@example.com", r.stamp + "@example.com\n"} {
			_, _, err := r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: e})
			r.err("create"+itoa(i), err)
		}
		r.stored("stored")
	})
	b.add("contact/get-by-email-returns-embeds", func(r *run) {
		email := r.email("embeds")
		_, _, err := r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: email, FirstName: "Embed", Tags: []string{"e-" + r.stamp}})
		r.must("create", err)
		_, _, err = r.c.Transactions.Create(r.ctx, txRequest(r, "E1", email, "10.00"))
		r.must("tx", err)
		got, _, err := r.c.Customers.GetByEmail(r.ctx, email)
		r.err("get", err)
		r.value("got", got)
	})
	b.add("contact/list-flags", func(r *run) {
		email := r.email("flags")
		_, _, err := r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: email, Tags: []string{"f-" + r.stamp}})
		r.must("create", err)
		_, _, err = r.c.Transactions.Create(r.ctx, txRequest(r, "F1", email, "1.00"))
		r.must("tx", err)
		list, _, err := r.c.Customers.List(r.ctx, &jetpackcrm.CustomerListOptions{Search: r.stamp,
			WithTags: true, WithInvoices: true, WithQuotes: true, WithTransactions: true})
		r.err("list", err)
		r.value("list", list)
		plain, _, err := r.c.Customers.List(r.ctx, &jetpackcrm.CustomerListOptions{Search: r.stamp})
		r.err("plain", err)
		r.value("plain", plain)
	})
}

// emailScenarios are contacts whose email needs care on the way: in a JSON
// body (create), and in a query string (GetByEmail, which WordPress slashes).
func emailScenarios() []scenario {
	var b builder
	for _, e := range []struct{ name, local string }{
		{"apostrophe", "o'neil"},
		{"plus", "ada+crm"},
		{"percent", "100%off"},
		{"percent-octet", "pct%41"},
		{"ampersand", "tom&jerry"},
		{"slash-equals", "a/b=c"},
		{"hash-question", "a#b?c"},
		{"backtick-braces", "x`{y}|~z"},
		{"upper-case", "UPPER.Case"},
	} {
		b.add("email/"+e.name, func(r *run) {
			email := r.email(e.local)
			req := &jetpackcrm.CustomerRequest{Email: email, FirstName: "Mail"}
			got, _, err := r.c.Customers.Create(r.ctx, req)
			r.err("create", err)
			r.value("returned", got)
			if refused(err) {
				r.sendRaw("raw", "create_customer", req)
				r.stored("raw.stored")
			}
			found, _, err := r.c.Customers.GetByEmail(r.ctx, email)
			r.err("get", err)
			if found != nil {
				r.id("get.ID", "contact", found.ID)
				r.str("get.Email", found.Email)
			}
			_, _, err = r.c.Customers.Update(r.ctx, email, &jetpackcrm.CustomerRequest{Address: jetpackcrm.Address{City: "Updated"}})
			r.err("update", err)
			r.stored("stored")
		})
	}
	b.add("email/case-duplicates-upsert-one-contact", func(r *run) {
		upper := "Dup." + r.upperStamp() + "@Example.COM"
		lower := strings.ToLower(upper)
		_, _, err := r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: upper, FirstName: "Upper", LastName: "Kept"})
		r.err("create-upper", err)
		_, _, err = r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: lower, FirstName: "Lower"})
		r.err("create-lower", err)
		r.stored("stored")
		got, _, err := r.c.Customers.GetByEmail(r.ctx, "DUP."+r.upperStamp()+"@EXAMPLE.COM")
		r.err("get-upper", err)
		if got != nil {
			r.str("get-upper.Email", got.Email)
		}
	})
	b.add("email/case-update-by-other-case", func(r *run) {
		email := r.email("casey")
		_, _, err := r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: email, FirstName: "Casey"})
		r.must("create", err)
		_, _, err = r.c.Customers.Update(r.ctx, strings.ToUpper(email), &jetpackcrm.CustomerRequest{LastName: "Jones"})
		r.err("update", err)
		r.stored("stored")
	})
	b.add("email/transaction-email-in-other-case", func(r *run) {
		email := r.email("txcase")
		_, _, err := r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: email, FirstName: "Tx"})
		r.must("create", err)
		_, _, err = r.c.Transactions.Create(r.ctx, txRequest(r, "C1", strings.ToUpper(email), "3.00"))
		r.err("tx", err)
		r.stored("stored")
	})
	return b
}

func itoa(i int) string { return strconv.Itoa(i) }
