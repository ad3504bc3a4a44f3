package jetpackcrmtest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// contactKeys are the 37 keys of a contact, in the recorded order.
var contactKeys = []string{
	"id", "owner", "status", "email", "prefix", "fname", "lname", "addr1", "addr2", "city", "county", "country", "postcode",
	"secaddr_addr1", "secaddr_addr2", "secaddr_city", "secaddr_county", "secaddr_country", "secaddr_postcode",
	"hometel", "worktel", "mobtel", "wpid", "avatar", "tw", "li", "fb", "created", "lastcontacted", "createduts",
	"created_date", "lastupdated", "lastupdated_date", "lastcontacteduts", "lastcontacted_date", "fullname", "name",
}

func TestCreateCustomerEchoesTheRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, want string
	}{
		{"JSON types are kept", `{"email":"n@example.com","fname":12345,"postcode":90210,"mobtel":5551234,"sticky":"false"}`,
			`{"email":"n@example.com","fname":12345,"postcode":90210,"mobtel":5551234,"sticky":"false","id":1}`},
		{"non-ASCII is escaped, slashes too", `{"email":"z@example.com","fname":"Zoë","lname":"Ångström 李","tags":["<b>x</b>"]}`,
			`{"email":"z@example.com","fname":"Zo\u00eb","lname":"\u00c5ngstr\u00f6m \u674e","tags":["<b>x<\/b>"],"id":1}`},
		{"unknown keys are echoed", `{"email":"u@example.com","notes":"dropped","nested":{}}`,
			`{"email":"u@example.com","notes":"dropped","nested":[],"id":1}`},
		{"floats keep PHP's formatting", `{"email":"f@example.com","a":1.50,"b":1e25,"c":1E-7}`,
			`{"email":"f@example.com","a":1.5,"b":1.0e+25,"c":1.0e-7,"id":1}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := post(t, newServer(t), "create_customer", tc.body)
			assert.Equal(t, http.StatusOK, r.status)
			assert.Equal(t, tc.want, string(r.body))
		})
	}
}

func TestCreateCustomerErrors(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	post(t, srv, "create_customer", `{"email":"grace@example.com"}`)
	tests := []struct {
		name, body, contentType, want string
	}{
		{"malformed JSON", `{"email":"broken@example.com",`, "", `{"error":true,"message":"Invalid JSON data"}`},
		{"empty body", ``, "", `{"error":true,"message":"Invalid JSON data"}`},
		{"JSON string", `"hello"`, "", `{"error":true,"message":"Invalid JSON data"}`},
		{"JSON null", `null`, "", `{"error":true,"message":"Invalid JSON data"}`},
		{"form-encoded", `email=form@example.com&fname=Form`, "application/x-www-form-urlencoded", `{"error":true,"message":"Invalid JSON data"}`},
		{"JSON array", `[{"email":"list@example.com"}]`, "", `{"errors":1}`},
		{"missing email", `{"fname":"No","lname":"Email"}`, "", `{"errors":1}`},
		{"invalid email", `{"email":"not-an-email"}`, "", `{"errors":1}`},
		{"nonexistent id", `{"id":999999,"fname":"Ghost"}`, "", `{"errors":1}`},
		{"non-numeric id", `{"id":"abc","fname":"Ghost"}`, "", `{"errors":1}`},
		{"existing id without email", `{"id":1,"lname":"Hopper-Murray","email":""}`, "", `{"error":100}`},
		{"existing id as a string without email", `{"id":"1","worktel":"555-0100"}`, "", `{"error":100}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			if tc.contentType != "" {
				h.Set("Content-Type", tc.contentType)
			}
			r := call(t, srv, request{method: http.MethodPost, endpoint: "create_customer", body: tc.body, header: h})
			assert.Equal(t, http.StatusOK, r.status)
			assert.Equal(t, tc.want, string(r.body))
		})
	}
	assert.Equal(t, 1, srv.Counts().Contacts, "no failed call created anything")
}

func TestCreateCustomerUpsert(t *testing.T) {
	t.Parallel()

	t.Run("by email blanks unsent fields and resets the status", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		post(t, srv, "create_customer", `{"email":"ada@example.com","status":"Refused","prefix":"Ms","fname":"Ada","lname":"Lovelace","city":"London","mobtel":"07700 900123"}`)
		r := post(t, srv, "create_customer", `{"email":"ADA@example.com","fname":"Augusta Ada","city":"Marylebone"}`)
		assert.Equal(t, `{"email":"ADA@example.com","fname":"Augusta Ada","city":"Marylebone","id":1}`, string(r.body))
		c, ok := srv.Contact(1)
		require.True(t, ok)
		assert.Equal(t, "Augusta Ada", c.FirstName)
		assert.Equal(t, "Marylebone", c.Address.City)
		assert.Empty(t, c.LastName)
		assert.Empty(t, c.Prefix)
		assert.Empty(t, c.MobilePhone)
		assert.Equal(t, "Lead", c.Status)
		assert.Equal(t, 1, srv.Counts().Contacts)
	})

	t.Run("WithFieldOverride keeps unsent fields", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t, jetpackcrmtest.WithFieldOverride(true))
		post(t, srv, "create_customer", `{"email":"ada@example.com","fname":"Ada","lname":"Lovelace","assign":1}`)
		post(t, srv, "create_customer", `{"email":"ada@example.com","fname":"Augusta Ada","lname":""}`)
		c, _ := srv.ContactByEmail("ada@example.com")
		assert.Equal(t, "Augusta Ada", c.FirstName)
		assert.Equal(t, "Lovelace", c.LastName, "a blank value counts as unsent")
		assert.Equal(t, int64(1), c.Owner)
	})

	t.Run("by id with email, which may change the email", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		post(t, srv, "create_customer", `{"email":"linus@example.com"}`)
		post(t, srv, "create_customer", `{"email":"other@example.com"}`)
		r := post(t, srv, "create_customer", `{"id":1,"email":"linus.torvalds@example.com","fname":"Linus"}`)
		assert.Equal(t, `{"id":1,"email":"linus.torvalds@example.com","fname":"Linus"}`, string(r.body))
		_, ok := srv.ContactByEmail("linus.torvalds@example.com")
		assert.True(t, ok)
		r = post(t, srv, "create_customer", `{"id":1,"email":"other@example.com"}`)
		assert.Equal(t, `{"error":100}`, string(r.body), "the email belongs to another contact")
	})

	t.Run("sticky status", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		post(t, srv, "create_customer", `{"email":"g@example.com","status":"Customer"}`)
		post(t, srv, "create_customer", `{"email":"g@example.com","status":"Lead"}`)
		c, _ := srv.Contact(1)
		assert.Equal(t, "Customer", c.Status, "a Customer stays a Customer")
		post(t, srv, "create_customer", `{"email":"g@example.com","status":"Lead","sticky":false}`)
		c, _ = srv.Contact(1)
		assert.Equal(t, "Customer", c.Status, "sticky:false leaves stickiness on")
		post(t, srv, "create_customer", `{"email":"g@example.com","status":"Lead","sticky":"false"}`)
		c, _ = srv.Contact(1)
		assert.Equal(t, "Lead", c.Status, `any non-empty sticky, even "false", turns it off`)
		post(t, srv, "create_customer", `{"email":"g@example.com","status":"VIP","stickystat":"Lead"}`)
		c, _ = srv.Contact(1)
		assert.Equal(t, "Lead", c.Status, "stickystat names the sticky status")
	})

	t.Run("assign sets the owner only to an admin, updates unassign", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t, jetpackcrmtest.WithAdminUsers(1, 7))
		post(t, srv, "create_customer", `{"email":"a@example.com","assign":7}`)
		post(t, srv, "create_customer", `{"email":"b@example.com","assign":3}`)
		a, _ := srv.Contact(1)
		b, _ := srv.Contact(2)
		assert.Equal(t, int64(7), a.Owner)
		assert.Equal(t, int64(-1), b.Owner)
		post(t, srv, "create_customer", `{"email":"a@example.com"}`)
		a, _ = srv.Contact(1)
		assert.Equal(t, int64(-1), a.Owner)
	})

	t.Run("default status is configurable", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t, jetpackcrmtest.WithDefaultStatus("Prospect"))
		post(t, srv, "create_customer", `{"email":"p@example.com"}`)
		c, _ := srv.Contact(1)
		assert.Equal(t, "Prospect", c.Status)
	})
}

func TestCreateCustomerTags(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	post(t, srv, "create_customer", `{"email":"ada@example.com","tags":["vip","api","  ","<b>bold</b>"]}`)
	c, _ := srv.Contact(1)
	assert.Equal(t, []string{"vip", "api", "bold"}, c.Tags)

	post(t, srv, "create_customer", `{"email":"ada@example.com","tags":[]}`)
	c, _ = srv.Contact(1)
	assert.Equal(t, []string{"vip", "api", "bold"}, c.Tags, "an empty list leaves tags alone")

	r := post(t, srv, "customers", `{"tags":1}`)
	tags := r.list(t)[0].get("tags").([]any)
	require.Len(t, tags, 3)
	first := tags[0].(orderedObject)
	assert.Equal(t, []string{"id", "objtype", "name", "slug", "created", "lastupdated"}, first.keys())
	assert.Equal(t, "3", first.get("id"), "newest tag first")
	assert.Equal(t, "bold", first.get("name"))
	assert.Equal(t, "1", first.get("objtype"))

	post(t, srv, "create_customer", `{"email":"ada@example.com","tags":["new one"]}`)
	c, _ = srv.Contact(1)
	assert.Equal(t, []string{"new one"}, c.Tags, "tags are replaced")
	assert.Equal(t, "newone", srv.Tags()[3].Slug, "sanitize_key: spaces removed")
}

func TestContactShape(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := newServer(t, jetpackcrmtest.WithClock(clock.Now))
	post(t, srv, "create_customer", `{"email":"linus@example.com","fname":"Linus","wpid":0}`)
	o := post(t, srv, "customers", `{}`).list(t)[0]
	assert.Equal(t, contactKeys, o.keys())
	assert.Equal(t, "1", o.get("id"))
	assert.Equal(t, "-1", o.get("owner"))
	assert.Equal(t, "-1", o.get("wpid"))
	assert.Equal(t, "2026-11-28 03:04:17", o.get("created"))
	assert.Equal(t, "1795835057", o.get("createduts"))
	assert.Equal(t, "11/28/2026", o.get("created_date"))
	assert.Equal(t, "1795835057", o.get("lastupdated"))
	assert.Equal(t, "-1", o.get("lastcontacted").(interface{ String() string }).String())
	assert.Equal(t, "-1", o.get("lastcontacteduts"))
	assert.Equal(t, false, o.get("lastcontacted_date"))
	assert.Equal(t, "Linus ", o.get("fullname"))
	assert.Equal(t, "Linus ", o.get("name"))
}

func TestContactCustomFields(t *testing.T) {
	t.Parallel()
	srv := newServer(t, jetpackcrmtest.WithContactCustomFields("shoe-size", "team"))
	post(t, srv, "create_customer", `{"email":"c@example.com","shoe-size":"44"}`)
	o := post(t, srv, "customers", `{}`).list(t)[0]
	keys := o.keys()
	assert.Equal(t, []string{"shoe-size", "team"}, keys[len(keys)-2:])
	assert.Equal(t, "44", o.get("shoe-size"))
	assert.Equal(t, "", o.get("team"))

	s := get(t, srv, "customer_search", "replace_hyphens_with_underscores_in_json_keys", "1").list(t)[0]
	assert.Equal(t, "44", s.get("shoe_size"))
	assert.Nil(t, s.get("shoe-size"))
}

func TestCustomersPagination(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.SeedContacts(5)
	tests := []struct {
		body string
		want []string
	}{
		{`{}`, []string{"1", "2", "3", "4", "5"}},
		{``, []string{"1", "2", "3", "4", "5"}},
		{`{"perpage":`, []string{"1", "2", "3", "4", "5"}},
		{`{"perpage":2,"page":0}`, []string{"1", "2"}},
		{`{"perpage":2,"page":1}`, []string{"1", "2"}},
		{`{"perpage":2,"page":2}`, []string{"3", "4"}},
		{`{"perpage":2,"page":3}`, []string{"5"}},
		{`{"perpage":"2","page":"2"}`, []string{"3", "4"}},
		{`{"perpage":2,"page":-1}`, []string{"1", "2"}},
		{`{"perpage":10,"page":50}`, nil},
		{`{"perpage":0}`, nil},
		{`{"perpage":"abc","page":"xyz"}`, nil},
		{`{"perpage":-5}`, nil},
		{`{"perpage":-1,"page":-1}`, []string{"1", "2", "3", "4", "5"}},
		{`{"perpage":"-1","page":"-1"}`, []string{"1", "2", "3", "4", "5"}},
		{`{"perpage":-1,"page":1}`, nil},
		{`{"perpage":100000000}`, []string{"1", "2", "3", "4", "5"}},
		{`{"company":"abc"}`, []string{"1", "2", "3", "4", "5"}},
	}
	for _, tc := range tests {
		t.Run(tc.body, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, post(t, srv, "customers", tc.body).ids(t))
		})
	}
	t.Run("the query string is ignored", func(t *testing.T) {
		t.Parallel()
		r := get(t, srv, "customers", "perpage", "2", "page", "2")
		assert.Equal(t, []string{"1", "2", "3", "4", "5"}, r.ids(t))
	})
}

func TestCustomersFilters(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	co, err := srv.SeedCompany(jetpackcrmtest.Company{Name: "Analytical Engines", Email: "info@ae.example.com"})
	require.NoError(t, err)
	_, err = srv.SeedContact(jetpackcrmtest.Contact{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace", CompanyID: co.ID})
	require.NoError(t, err)
	_, err = srv.SeedContact(jetpackcrmtest.Contact{Email: "grace@example.com", FirstName: "Grace", Owner: 1, WorkPhone: "+1 (555) 010-0200"})
	require.NoError(t, err)

	assert.Equal(t, []string{"2"}, post(t, srv, "customers", `{"owned":1}`).ids(t))
	assert.Equal(t, []string{"1"}, post(t, srv, "customers", `{"company":1}`).ids(t))
	assert.Equal(t, []string{"1"}, post(t, srv, "customers", `{"search":"LOVELACE"}`).ids(t))
	assert.Equal(t, []string{"1"}, post(t, srv, "customers", `{"search":"analytical"}`).ids(t), "linked company name (B2B mode)")
	assert.Equal(t, []string{"2"}, post(t, srv, "customers", `{"search":"5550100200"}`).ids(t), "phones without punctuation")
}

func TestCustomersEmbeds(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	post(t, srv, "create_customer", `{"email":"ada@example.com","tags":["vip"]}`)
	post(t, srv, "create_transaction", `{"orderid":"ORD-1","status":"Succeeded","total":"5","email":"ada@example.com"}`)
	_, err := srv.SeedQuote(jetpackcrmtest.Quote{Title: "Q", ContactID: 1, Content: "<p>x</p>"})
	require.NoError(t, err)
	_, err = srv.SeedInvoice(jetpackcrmtest.Invoice{IDOverride: "INV-1", ContactID: 1})
	require.NoError(t, err)

	tests := []struct {
		name, body string
		wantExtra  []string
	}{
		{"all, strings only", `{"invoices":"true","quotes":"true","transactions":"true","tags":true}`, []string{"tags", "invoices", "quotes", "transactions"}},
		{"JSON true does not count", `{"invoices":true,"quotes":true,"transactions":true}`, []string{}},
		{`tags:"false" is truthy`, `{"tags":"false"}`, []string{"tags"}},
		{`tags:"0" is not`, `{"tags":"0"}`, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := post(t, srv, "customers", tc.body).list(t)[0]
			assert.Equal(t, tc.wantExtra, o.keys()[len(contactKeys):])
		})
	}

	o := post(t, srv, "customers", `{"quotes":"true","transactions":"true"}`).list(t)[0]
	q := o.get("quotes").([]any)[0].(orderedObject)
	assert.Equal(t, "<p>x</p>", q.get("content"), "embedded quotes keep their content")
	tx := o.get("transactions").([]any)[0].(orderedObject)
	keys := tx.keys()
	assert.Equal(t, []string{"lineitems", "contact", "company"}, keys[len(keys)-3:])
	assert.Len(t, tx.get("contact").([]any), 1)
}

func TestCustomerSearch(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, body := range []string{
		`{"email":"ada.lovelace@example.com","fname":"Ada","tags":["vip"]}`,
		`{"email":"grace.hopper@example.com","city":"Arlington"}`,
		`{"email":"linus@example.com","mobtel":"07700 900123"}`,
	} {
		post(t, srv, "create_customer", body)
	}
	post(t, srv, "create_transaction", `{"orderid":"ORD-1","status":"Succeeded","total":"5","email":"ada.lovelace@example.com"}`)

	tests := []struct {
		name  string
		query []string
		want  []string
	}{
		{"no parameters", nil, []string{"1", "2", "3"}},
		{"name, case-insensitive", []string{"zbs_query", "ADA"}, []string{"1"}},
		{"email", []string{"zbs_query", "hopper"}, []string{"2"}},
		{"city", []string{"zbs_query", "arlington"}, []string{"2"}},
		{"phone", []string{"zbs_query", "900123"}, []string{"3"}},
		{"no match", []string{"zbs_query", "zzzzzz"}, nil},
		{"pages", []string{"zbs_query", "example", "perpage", "2", "page", "2"}, []string{"3"}},
		{"page 0 is page 1", []string{"perpage", "2", "page", "0"}, []string{"1", "2"}},
		{"negative page", []string{"perpage", "2", "page", "-3"}, []string{"1", "2"}},
		{"negative perpage means 10", []string{"perpage", "-2"}, []string{"1", "2", "3"}},
		{"non-numeric perpage", []string{"perpage", "abc", "page", "xyz"}, nil},
		{"perpage 0", []string{"perpage", "0"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, get(t, srv, "customer_search", tc.query...).ids(t))
		})
	}

	t.Run("by email: one object with tags, invoices and transactions", func(t *testing.T) {
		t.Parallel()
		o := get(t, srv, "customer_search", "email", "ADA.lovelace@example.com").object(t)
		assert.Equal(t, "1", o.get("id"))
		assert.Equal(t, []string{"tags", "invoices", "transactions"}, o.keys()[len(contactKeys):])
		tx := o.get("transactions").([]any)[0].(orderedObject)
		assert.Equal(t, "lineitems", tx.keys()[len(tx.keys())-1], "no contact/company embeds here")
	})
	t.Run("by email, not found: an empty array", func(t *testing.T) {
		t.Parallel()
		assert.Equal(t, `[]`, string(get(t, srv, "customer_search", "email", "nobody@example.com").body))
	})
	t.Run("by email with replace_hyphens: PHP fatal", func(t *testing.T) {
		t.Parallel()
		r := call(t, srv, request{endpoint: "customer_search", query: map[string][]string{
			"email": {"ada.lovelace@example.com"}, "replace_hyphens_with_underscores_in_json_keys": {"1"},
		}, header: http.Header{"Accept": {"application/json"}}})
		assert.Equal(t, http.StatusInternalServerError, r.status)
		assert.Equal(t, "internal_server_error", r.object(t).get("code"))
	})
}

func TestSeedContactsIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b := newServer(t), newServer(t)
	ca, cb := a.SeedContacts(40), b.SeedContacts(40)
	require.Len(t, ca, 40)
	emails := map[string]bool{}
	for i := range ca {
		assert.Equal(t, ca[i].Email, cb[i].Email)
		assert.Equal(t, ca[i].FirstName, cb[i].FirstName)
		assert.False(t, emails[ca[i].Email], "duplicate email %s", ca[i].Email)
		emails[ca[i].Email] = true
		assert.Equal(t, int64(i+1), ca[i].ID)
	}
	more := a.SeedContacts(3)
	assert.Equal(t, int64(41), more[0].ID)
	assert.Equal(t, 43, a.Counts().Contacts)
	assert.True(t, strings.HasSuffix(ca[0].Email, "@example.com"))
	assert.Empty(t, a.SeedContacts(0))
	assert.Empty(t, a.SeedContacts(-1))
}
