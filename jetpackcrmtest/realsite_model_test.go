package jetpackcrmtest_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// These tests pin what real Jetpack CRM 6.4.4 and 6.6.1 sites do and the
// recordings did not show; internal/differential measures them against the
// sites themselves.

func TestQueryVariablesAreSlashed(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	post(t, srv, "create_customer", `{"email":"o'neil@example.com","lname":"O'Neil"}`)

	assert.Equal(t, "[]", string(get(t, srv, "customer_search", "email", "o'neil@example.com").body),
		`customer_search?email= looks up "o\'neil@example.com"`)
	assert.Len(t, post(t, srv, "customers", `{"search":"o'neil@example.com"}`).list(t), 1, "a JSON body is not slashed")
	// The slashed phrase is a LIKE pattern in which \' is an apostrophe.
	assert.Len(t, get(t, srv, "customer_search", "zbs_query", "O'Neil").list(t), 1)
	assert.Empty(t, get(t, srv, "customer_search", "zbs_query", `O\'Neil`).list(t), `\\\' matches a backslash and then '`)
	assert.Len(t, post(t, srv, "customers", `{"search":"O\\'Neil"}`).list(t), 1, `in a body, \' is '`)
}

func TestSearchIsLikeUnderGeneralCI(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, c := range []string{
		`{"email":"zoe@example.com","lname":"Zoë"}`,
		`{"email":"sz@example.com","lname":"Straße"}`,
		`{"email":"pct@example.com","lname":"100%off"}`,
		`{"email":"bs@example.com","lname":"Back\\slash"}`,
		`{"email":"snake@example.com","lname":"snake_case"}`,
	} {
		require.Contains(t, string(post(t, srv, "create_customer", c).body), `"id"`)
	}
	for _, tt := range []struct {
		phrase string
		body   bool // search through the customers body instead of the query
		want   []string
	}{
		{phrase: "zoe", want: []string{"1"}},
		{phrase: "ZOË", want: []string{"1"}},
		{phrase: "strase", want: []string{"2"}}, // ß weighs as S
		{phrase: "strasse", want: nil},
		{phrase: "100%", want: []string{"3"}},
		{phrase: "1%f", want: []string{"3"}}, // % is a wildcard
		{phrase: "sn_ke", want: []string{"5"}},
		{phrase: `Back\slash`, want: []string{"4"}},   // slashed: \\ is a backslash
		{phrase: `Back\slash`, body: true, want: nil}, // \s is s
		{phrase: `Back\\slash`, body: true, want: []string{"4"}},
		{phrase: "😀", want: nil},
	} {
		var got []string
		if tt.body {
			got = post(t, srv, "customers", `{"search":`+jsonString(tt.phrase)+`}`).ids(t)
		} else {
			got = get(t, srv, "customer_search", "zbs_query", tt.phrase).ids(t)
		}
		assert.Equal(t, tt.want, got, "phrase %q (body %v)", tt.phrase, tt.body)
	}
	assert.Equal(t, `"Backslash"`, jsonString(post(t, srv, "customers", `{"search":"bs@"}`).list(t)[0].get("lname").(string)),
		"listed through stripslashes()")
	assert.Len(t, get(t, srv, "customer_search", "email", "ZOE@EXAMPLE.COM").object(t), 37+3, "email lookups use the collation too")
}

func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

func TestFourByteCharactersFailTheWrite(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, tt := range []struct{ endpoint, body string }{
		{"create_customer", `{"email":"e@example.com","fname":"x 😀"}`},
		{"create_company", `{"email":"co@example.com","name":"Co 😀"}`},
		{"create_transaction", `{"orderid":"o1","status":"Succeeded","total":"1.00","title":"😀"}`},
		{"create_event", `{"title":"Task 😀","from":"2031-01-01 10:00:00","to":"2031-01-01 11:00:00"}`},
	} {
		assert.Equal(t, `{"error":100}`, string(post(t, srv, tt.endpoint, tt.body).body), tt.endpoint)
	}
	assert.Equal(t, jetpackcrmtest.Counts{}, srv.Counts(), "nothing was stored")

	post(t, srv, "create_customer", `{"email":"e@example.com","fname":"Kept"}`)
	assert.Equal(t, `{"error":100}`, string(post(t, srv, "create_customer", `{"email":"e@example.com","fname":"x 😀"}`).body))
	c, _ := srv.ContactByEmail("e@example.com")
	assert.Equal(t, "Kept", c.FirstName, "a failed update changes nothing")

	r := post(t, srv, "create_customer", `{"email":"e@example.com","fname":"Tagged","tags":["ok","bad 😀"]}`)
	assert.Contains(t, string(r.body), `"id":1`)
	c, _ = srv.ContactByEmail("e@example.com")
	assert.Equal(t, []string{"ok"}, c.Tags, "a tag the table cannot hold is dropped silently")

	cf := newServer(t, jetpackcrmtest.WithContactCustomFields("source"))
	post(t, cf, "create_customer", `{"email":"c@example.com","source":"Google"}`)
	assert.Contains(t, string(post(t, cf, "create_customer", `{"email":"c@example.com","fname":"New","source":"x 😀"}`).body), `"id":1`)
	c, _ = cf.ContactByEmail("c@example.com")
	assert.Equal(t, "New", c.FirstName, "the contact is saved...")
	assert.Equal(t, "Google", c.CustomFields["source"], "...and a custom field the table cannot hold keeps its old value")

	r = post(t, srv, "create_transaction", `{"orderid":"o2","status":"Succeeded","total":"1.00","email":"new@example.com","fname":"😀"}`)
	assert.Contains(t, string(r.body), `"id":1`, "the transaction is made...")
	_, ok := srv.ContactByEmail("new@example.com")
	assert.False(t, ok, "...without the contact whose name failed")
}

func TestMaxLenTruncates(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	long := strings.Repeat("f", 150)
	post(t, srv, "create_customer", `{"email":"l@example.com","fname":"`+long+`","prefix":"`+strings.Repeat("p", 40)+`"}`)
	c, _ := srv.ContactByEmail("l@example.com")
	assert.Equal(t, long[:97]+"...", c.FirstName)
	assert.Equal(t, strings.Repeat("p", 27)+"...", c.Prefix)
	// 120 "é" are 240 bytes: cut at 97 bytes, inside a character.
	assert.Equal(t, `{"error":100}`, string(post(t, srv, "create_customer", `{"email":"m@example.com","lname":"`+strings.Repeat("é", 120)+`"}`).body))

	r := post(t, srv, "create_event", `{"title":"`+strings.Repeat("t", 300)+`","from":"2031-01-01 10:00:00","to":"2031-01-01 11:00:00"}`)
	require.Contains(t, string(r.body), `"id":1`)
	e, _ := srv.Event(1)
	assert.Equal(t, strings.Repeat("t", 252)+"...", e.Title)
}

func TestStoredTextTransforms(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	post(t, srv, "create_customer", `{"email":"a@example.com","fname":"Back\\slash","lname":"Two\\\\slashes","avatar":"a&b","tags":["O'Neil","Say \"hi\"","a < b","  tab\tkept  "]}`)
	o := post(t, srv, "customers", `{"tags":1}`).list(t)[0]
	assert.Equal(t, "Backslash", o.get("fname"), "stripslashes() on output")
	assert.Equal(t, `Two\slashes`, o.get("lname"))
	assert.Equal(t, "a&amp;amp;b", o.get("avatar"), "the avatar is htmlentities()'d twice")
	var names, slugs []string
	for _, tg := range o.get("tags").([]any) {
		names = append(names, tg.(orderedObject).get("name").(string))
		slugs = append(slugs, tg.(orderedObject).get("slug").(string))
	}
	assert.Equal(t, []string{"tab\tkept", "a  b", "Say &#34;hi&#34;", "O&#39;Neil"}, names, "newest first")
	assert.Equal(t, []string{"tabkept", "ab", "say34hi34", "o39neil"}, slugs, "sanitize_key")

	post(t, srv, "create_event", `{"title":"O'Neil \"q\" Zoë €","notes":"a<b & Two\\\\slashes","from":"2031-01-01 10:00:00","to":"2031-01-01 11:00:00"}`)
	ev := get(t, srv, "events").list(t)[0]
	assert.Equal(t, "O&#039;Neil &quot;q&quot; Zo&euml; &euro;", ev.get("title"), "task text is htmlentities()'d")
	assert.Equal(t, "a&amp;lt;b &amp; Twoslashes", ev.get("desc"))

	post(t, srv, "create_customer", `{"email":"b@example.com","tags":["Dup X","DUP X","dup-x","日本"]}`)
	c, _ := srv.ContactByEmail("b@example.com")
	assert.Equal(t, []string{"Dup X", "dup-x"}, c.Tags, "tags are matched by name under the collation; a CJK-only name has no slug")
}

func TestMoneyThroughPHPFloats(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for i, tt := range []struct{ sent, stored string }{
		{`"12.345"`, "12.35"},
		{`"2.675"`, "2.68"},
		{`"0.001"`, "0.00"},
		{`"-0.005"`, "-0.01"},
		{`"1234567890.123456789"`, "1234567890.12"},
		{`"123456789012345.005"`, "123456789012340.00"}, // 14 significant digits
		{`"1e17"`, "1.00"},                              // "1-17": the filter turns e into -
		{`"100000000000000000"`, "9999999999999999.99"}, // DECIMAL(18,2) clamps
		{`"+5"`, "-5.00"},
		{`"12,50"`, "12.00"},
		{`1.015`, "1.02"},
	} {
		ref := "m" + strconv.Itoa(i)
		post(t, srv, "create_transaction", `{"orderid":"`+ref+`","status":"Succeeded","total":`+tt.sent+`}`)
		tx, ok := srv.TransactionByOrderID(ref)
		require.True(t, ok, tt.sent)
		assert.Equal(t, tt.stored, tx.Total, "total %s", tt.sent)
	}
}

func TestDatesAreInt32Columns(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	post(t, srv, "create_transaction", `{"orderid":"d","status":"Succeeded","total":"1","date":2222222222}`)
	tx, _ := srv.TransactionByOrderID("d")
	assert.Equal(t, int64(2147483647), tx.Date.Unix())
	post(t, srv, "create_event", `{"title":"late","from":"2045-01-01 10:00:00","to":"2045-01-01 11:00:00"}`)
	e, _ := srv.Event(1)
	assert.Equal(t, int64(2147483647), e.Start.Unix())
}

func TestTransactionStatusBool(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	post(t, srv, "create_transaction", `{"orderid":"a","status":"Succeeded","total":"1","type":"Refund"}`)
	post(t, srv, "create_transaction", `{"orderid":"b","status":"succeeded","total":"1"}`)
	list := get(t, srv, "transactions").list(t)
	assert.Equal(t, "1", fmt.Sprint(list[0].get("status_bool")))
	assert.Equal(t, "credit", list[0].get("type_accounting"))
	assert.Equal(t, "-1", fmt.Sprint(list[1].get("status_bool")), "in_array is case-sensitive")
}

func TestCustomFieldsOfCompaniesAndTransactions(t *testing.T) {
	t.Parallel()
	srv := newServer(t, jetpackcrmtest.WithCompanyCustomFields("co-text"), jetpackcrmtest.WithTransactionCustomFields("tx-text"))
	post(t, srv, "create_company", `{"name":"Co","email":"co@example.com","co-text":"hello"}`)
	post(t, srv, "create_transaction", `{"orderid":"o","status":"Succeeded","total":"1","tx-text":"there"}`)
	co := post(t, srv, "companies", `{}`).list(t)[0]
	assert.Equal(t, "hello", co.get("co-text"))
	keys := co.keys()
	assert.Equal(t, []string{"lastcontacted_date", "co-text", "contacts"}, keys[len(keys)-3:])
	tx := get(t, srv, "transactions").list(t)[0]
	assert.Equal(t, "there", tx.get("tx-text"))
	keys = tx.keys()
	assert.Equal(t, []string{"lastupdated_date", "tx-text", "lineitems"}, keys[len(keys)-3:])
}

func TestCRMVersion661(t *testing.T) {
	t.Parallel()
	old, cur := newServer(t), newServer(t, jetpackcrmtest.WithCRMVersion("6.6.1"))
	for _, srv := range []*jetpackcrmtest.Server{old, cur} {
		for _, b := range []string{`{"email":"a@example.com","assign":1}`, `{"email":"b@example.com"}`} {
			post(t, srv, "create_customer", b)
		}
		for _, b := range []string{`{"orderid":"1","status":"Succeeded","total":"1"}`, `{"orderid":"2","status":"Succeeded","total":"1"}`} {
			post(t, srv, "create_transaction", b)
		}
		for _, b := range []string{`{"name":"One","email":"one@example.com","assign":1}`, `{"name":"Two","email":"two@example.com"}`} {
			post(t, srv, "create_company", b)
		}
	}
	status := func(srv *jetpackcrmtest.Server) any {
		return get(t, srv, "status").object(t).get("data").(orderedObject).get("crm_version")
	}
	assert.Equal(t, "6.4.3", status(old), "6.4.4 reports 6.4.3")
	assert.Equal(t, "6.6.1", status(cur))

	assert.Equal(t, []string{"1", "2"}, get(t, old, "transactions", "order", "DESC").ids(t), "6.4.4 ignores order")
	assert.Equal(t, []string{"2", "1"}, get(t, cur, "transactions").ids(t), "6.6.1 lists newest first")
	assert.Equal(t, []string{"1", "2"}, get(t, cur, "transactions", "order", "asc").ids(t))
	assert.Equal(t, []string{"2", "1"}, get(t, cur, "customer_search").ids(t))
	assert.Equal(t, []string{"1", "2"}, post(t, cur, "customers", `{}`).ids(t), "customers stays ascending")

	assert.Empty(t, get(t, old, "transactions", "perpage", "0").list(t))
	assert.Len(t, get(t, cur, "transactions", "perpage", "0").list(t), 1, "max(perpage, 1)")
	assert.Len(t, get(t, cur, "transactions", "perpage", "-3").list(t), 1)
	assert.Len(t, get(t, old, "transactions", "perpage", "-3").list(t), 2, "6.4.4: a negative perpage is 10")

	assert.Len(t, post(t, old, "companies", `{"search":"Two"}`).list(t), 2, "6.4.4 ignores search")
	assert.Equal(t, []string{"2"}, post(t, cur, "companies", `{"search":"Two"}`).ids(t))
	assert.Equal(t, []string{"1"}, post(t, cur, "companies", `{"owned":1}`).ids(t))
	assert.Equal(t, []string{"2", "1"}, post(t, cur, "companies", `{}`).ids(t))
	co := post(t, cur, "companies", `{"invoices":"true","quotes":"true","transactions":"true","perpage":1}`)
	assert.Equal(t, http.StatusOK, co.status)
	assert.Equal(t, []string{"invoices", "quotes", "transactions"}, co.list(t)[0].keys()[len(co.list(t)[0].keys())-3:])

	c := post(t, cur, "customers", `{}`).list(t)[0]
	assert.Equal(t, "1", c.get("owner_zbs-name-clash-tmp-fix"), "6.6.1 copies owner in lists")
	assert.Nil(t, get(t, cur, "customer_search", "email", "a@example.com").object(t).get("owner_zbs-name-clash-tmp-fix"),
		"but not in the single contact of an email lookup")
	assert.Nil(t, post(t, old, "customers", `{}`).list(t)[0].get("owner_zbs-name-clash-tmp-fix"))
}
