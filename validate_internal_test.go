package jetpackcrm

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMoneyTheServerCannotStoreIsRefused: what a real site stores for each
// amount is in TestRealSiteMoneyIsStoredExactlyOrRefused; here the rule
// itself, for every amount field, before anything is sent.
func TestMoneyTheServerCannotStoreIsRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		amount string
		reason string // empty: accepted
	}{
		{"12.34", ""},
		{"12.340000", ""},
		{"-5.25", ""},
		{"0.01", ""},
		{"999999999999.99", ""},  // 14 significant digits
		{"12345678901234", ""},   // 14 digits
		{"9999999999999900", ""}, // 14 significant digits, 16 before the point
		{"1e3", ""},
		{"12.345", "more than 2 decimal places, which the server rounds (to 12.35)"},
		{"0.001", "more than 2 decimal places, which the server rounds (to 0.00)"},
		{"-0.001", "more than 2 decimal places"},
		{"12.344999", "more than 2 decimal places"},
		{"1234567890123.45", "more than 14 significant digits"},
		{"123456789012345", "more than 14 significant digits"},
		{"99999999999999.9", "more than 14 significant digits"},
		{"10000000000000000", "too large"},
		{"123456789012345678", "too large"},
		{"1e17", "too large"},
	}
	fields := map[string]func(*TransactionRequest, decimal.Decimal){
		"Total":    func(r *TransactionRequest, d decimal.Decimal) { r.Total = d },
		"Net":      func(r *TransactionRequest, d decimal.Decimal) { r.Net = d },
		"Tax":      func(r *TransactionRequest, d decimal.Decimal) { r.Tax = d },
		"Fee":      func(r *TransactionRequest, d decimal.Decimal) { r.Fee = d },
		"Discount": func(r *TransactionRequest, d decimal.Decimal) { r.Discount = d },
		"Shipping": func(r *TransactionRequest, d decimal.Decimal) { r.Shipping = d },
	}
	for _, tt := range tests {
		for field, set := range fields {
			t.Run(field+"="+tt.amount, func(t *testing.T) {
				t.Parallel()
				env, sent := setupNothingSent(t)
				serveWire(env, "POST", "create_transaction", jsonResponder(200, `{"id":1}`))
				req := &TransactionRequest{OrderID: "ORD-1", Status: "Succeeded", Total: decimal.RequireFromString("1.00")}
				set(req, decimal.RequireFromString(tt.amount))
				_, _, err := env.client.Transactions.Create(context.Background(), req)
				if tt.reason == "" {
					require.NoError(t, err)
					return
				}
				assertValidationError(t, err, "Transactions.Create", field)
				assert.Contains(t, err.Error(), tt.reason)
				assert.Zero(t, sent.Load())
			})
		}
	}
}

// TestTimesTheServerCannotStoreAreRefused: the server keeps 32-bit Unix
// seconds and reads 0 and below as unset (TestRealSiteTimesAtTheEdges shows
// what it reads back); event times and transaction dates outside that are
// refused before sending.
func TestTimesTheServerCannotStoreAreRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		t    time.Time
		ok   bool
	}{
		{"the first storable second", time.Date(1970, 1, 1, 0, 0, 1, 0, time.UTC), true},
		{"the last storable second", time.Date(2038, 1, 19, 3, 14, 7, 0, time.UTC), true},
		{"the last one in another zone", time.Date(2038, 1, 18, 22, 14, 7, 0, newYork), true},
		{"1970-01-01 00:00:00, read as unset", time.Unix(0, 0), false},
		{"half a second after the epoch, sent as 00:00:00", time.Unix(0, 5e8), false},
		{"before 1970", time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC), false},
		{"year 1", time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), false},
		{"one second past 2038-01-19 03:14:07, clamped", time.Date(2038, 1, 19, 3, 14, 8, 0, time.UTC), false},
		{"2100", time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"year 9999", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), false},
		{"year 10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env, sent := setupNothingSent(t)
			serveWire(env, "POST", "create_event", jsonResponder(200, `{"title":"x","id":1}`))
			serveWire(env, "POST", "create_transaction", jsonResponder(200, `{"id":1}`))
			calls := []struct {
				op, field string
				err       func() error
			}{
				{"Events.Create", "From", func() error {
					_, _, err := env.client.Events.Create(context.Background(), &EventRequest{Title: "x", From: tt.t, To: tt.t})
					return err
				}},
				{"Events.Create", "To", func() error {
					_, _, err := env.client.Events.Create(context.Background(), &EventRequest{Title: "x", From: firstStoredTime, To: tt.t})
					return err
				}},
				{"Transactions.Create", "Date", func() error {
					_, _, err := env.client.Transactions.Create(context.Background(), &TransactionRequest{OrderID: "A", Status: "S",
						Total: decimal.RequireFromString("1"), Date: tt.t})
					return err
				}},
			}
			for _, c := range calls {
				err := c.err()
				if tt.ok {
					assert.NoError(t, err, c.op+" "+c.field)
					continue
				}
				assertValidationError(t, err, c.op, c.field)
				assert.Contains(t, err.Error(), "outside what the server stores")
			}
			if !tt.ok {
				assert.Zero(t, sent.Load())
			}
		})
	}
}

// TestEmailReasonsFitTheCase: every malformed email used to get "want a
// bare address: no display name, brackets or spaces"; each now gets the
// reason that fits, and none repeats the address.
func TestEmailReasonsFitTheCase(t *testing.T) {
	t.Parallel()
	tests := []struct{ email, reason string }{
		{"Ada Lovelace <ada@example.com>", "it has a display name"},
		{"<ada@example.com>", "angle brackets"},
		{" ada@example.com", "white space around it"},
		{"ada@example.com\n", "white space around it"},
		{"ada lovelace@example.com", "white space inside it"},
		{"ada.example.com", "no @"},
		{"ada@home@example.com", "more than one @"},
		{"@example.com", "nothing before the @"},
		{"ada@", "no domain after the @"},
		{`"ada"@example.com`, "quotes or comments"},
		{"ada(x)@example.com", "quotes or comments"},
		{".ada@example.com", "a dot at the start or end"},
		{"ada..l@example.com", "two in a row"},
		{"ada,l@example.com", `the character ',' is not allowed before the @`},
		{"ada@example", "the domain needs a dot"},
		{"ada@example..com", "the domain has an empty part"},
		{"ada@-example.com", "starts or ends with a hyphen"},
		{"ada@exa_mple.com", `the character '_' is not allowed in the domain`},
		{"adä@example.com", "only ASCII"},
		{"ada&#x1F600;@example.com", `the character ';' is not allowed before the @`},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		err := checkEmail("Email", tt.email)
		require.Error(t, err, tt.email)
		assert.Contains(t, err.Error(), tt.reason, tt.email)
		assert.NotContains(t, err.Error(), "want a bare address")
		if local, _, ok := strings.Cut(strings.TrimSpace(tt.email), "@"); ok && len(local) > 3 {
			assert.NotContains(t, err.Error(), local, "the reason does not repeat the address")
		}
		seen[err.Error()] = true
	}
	assert.Greater(t, len(seen), 15, "distinct reasons")
	for _, ok := range []string{"ada@example.com", "o'neil@example.org", "a.b+c@sub.example.co.uk", "x_y-z@e-x.org",
		"100%off@example.org", "pct%4@example.org", "-12@example.org", "0@example.org", "-x@example.org"} {
		assert.NoError(t, checkEmail("Email", ok), ok)
	}
}

// TestEmailTheServerWouldChangeIsRefused: sanitize_text_field removes
// percent-encoded octets ("pct%41.x@example.org" is stored, and looked up,
// as "pct.x@example.org"), and the plugin drops a value PHP reads as -1 (a
// contact "-1.x@example.org" is stored without an email). Lookups refuse
// them too: they would find another contact.
func TestEmailTheServerWouldChangeIsRefused(t *testing.T) {
	t.Parallel()
	for email, reason := range map[string]string{
		"pct%41.x@example.org":  "percent-encoded byte",
		"caf%C3%A9@example.org": "percent-encoded byte",
		"a%2fb@example.org":     "percent-encoded byte",
		"-1.x@example.org":      "the number -1",
		"-1@example.org":        "the number -1",
		"-01x@example.org":      "the number -1",
	} {
		err := checkEmail("Email", email)
		require.Error(t, err, email)
		assert.Contains(t, err.Error(), reason, email)
		if local := strings.Split(email, "@")[0]; len(local) > 3 {
			assert.NotContains(t, err.Error(), local, "the reason does not repeat the address")
		}
	}
	env, sent := setupNothingSent(t)
	ctx := context.Background()
	_, _, err := env.client.Customers.Create(ctx, &CustomerRequest{Email: "pct%41.x@example.org"})
	assertValidationError(t, err, "Customers.Create", "Email")
	_, _, err = env.client.Customers.GetByEmail(ctx, "pct%41.x@example.org")
	assertValidationError(t, err, "Customers.GetByEmail", "email")
	_, _, err = env.client.Customers.Update(ctx, "-1.x@example.org", &CustomerRequest{FirstName: "X"})
	assertValidationError(t, err, "Customers.Update", "email")
	_, _, err = env.client.Companies.Create(ctx, &CompanyRequest{Name: "Co", Email: "pct%41@example.org"})
	assertValidationError(t, err, "Companies.Create", "Email")
	_, _, err = env.client.Transactions.Create(ctx, &TransactionRequest{OrderID: "o", Status: "s", Total: decimal.NewFromInt(1), Email: "-1@example.org"})
	assertValidationError(t, err, "Transactions.Create", "Email")
	assert.Zero(t, sent.Load())
}

// requestTypes are the request types whose text validate checks, with a
// valid request of each to vary.
var requestTypes = []struct {
	name     string
	codec    func() *modelCodec
	valid    func() any
	validate func(any) error
}{
	{"CustomerRequest", codecOf[CustomerRequest], func() any { return &CustomerRequest{Email: "a@example.com"} },
		func(v any) error { return v.(*CustomerRequest).validate() }},
	{"CompanyRequest", codecOf[CompanyRequest], func() any { return &CompanyRequest{Name: "Co", Email: "a@example.com"} },
		func(v any) error { return v.(*CompanyRequest).validate() }},
	{"TransactionRequest", codecOf[TransactionRequest], func() any {
		return &TransactionRequest{OrderID: "o", Status: "s", Total: decimal.NewFromInt(1)}
	}, func(v any) error { return v.(*TransactionRequest).validate() }},
	{"EventRequest", codecOf[EventRequest], func() any {
		return &EventRequest{Title: "t", From: time.Unix(1e9, 0), To: time.Unix(1e9+60, 0)}
	}, func(v any) error { return v.(*EventRequest).validate() }},
}

// setText sets the text field f of the request at p to s (one element of a
// list, one custom field "x").
func setText(f *fieldCodec, p any, s string) {
	fp := reflect.ValueOf(p).Elem().FieldByIndex(f.index)
	switch f.kind {
	case kStrings:
		fp.Set(reflect.ValueOf([]string{s}))
	case kCustom:
		fp.Set(reflect.ValueOf(map[string]string{"x": s}))
	default:
		fp.SetString(s)
	}
}

// emailOfLength is a valid address of n bytes (n > 70).
func emailOfLength(n int) string {
	local := strings.Repeat("x", 60)
	var labels []string
	for r := n - len(local) - len("@") - len(".com"); r > 0; {
		l := min(r, 50)
		if r == 51 {
			l = 49 // leave a label of 1, not an empty one
		}
		labels = append(labels, strings.Repeat("d", l))
		r -= l + 1
	}
	return local + "@" + strings.Join(labels, ".") + ".com"
}

// TestTextLimitsComeFromTheCRM: every length the CRM's data layer (max_len,
// ZeroBSCRM.DAL3.Obj.*.php) or its columns (wp_zbs_*) impose, as the
// request tags give them: a value at the limit is accepted and one byte (or
// character) more is refused, naming the field. The table is the plugin's,
// checked against 6.4.4 and 6.6.1 (the same).
func TestTextLimitsComeFromTheCRM(t *testing.T) {
	t.Parallel()
	address := map[string]int{"Line1": 200, "Line2": 200, "City": 200, "County": 200, "Postcode": 50, "Country": 200}
	want := map[string]map[string]int{
		"CustomerRequest": {"Email": 200, "Status": 100, "Prefix": 30, "FirstName": 100, "LastName": 100,
			"HomePhone": 40, "WorkPhone": 40, "MobilePhone": 40, "Twitter": 100, "LinkedIn": 300, "Facebook": 200,
			"Avatar": -300, "Tags": -200, "CustomFields": -2000},
		"CompanyRequest": {"Name": 100, "Email": 200, "Status": 50, "MainPhone": 40, "SecondaryPhone": 40,
			"Twitter": 100, "LinkedIn": 300, "Facebook": 200, "Avatar": -300, "Tags": -200, "CustomFields": -2000},
		"TransactionRequest": {"OrderID": 120, "Status": 50, "Email": 200, "FirstName": 100, "Title": 200, "Description": 200,
			"Type": 50, "Currency": 4, "CustomFields": -2000},
		"EventRequest": {"Title": 255}, // the notes are LONGTEXT
	}
	for k, n := range address {
		want["CustomerRequest"]["Address."+k], want["CustomerRequest"]["SecondaryAddress."+k] = n, n
		want["CompanyRequest"]["Address."+k], want["CompanyRequest"]["SecondaryAddress."+k] = n, n
	}
	for _, rt := range requestTypes {
		got := map[string]int{}
		for _, f := range rt.codec().fields {
			if f.maxBytes > 0 {
				got[f.path] = f.maxBytes
			} else if f.maxChars > 0 {
				got[f.path] = -f.maxChars // characters, not bytes
			}
		}
		assert.Equal(t, want[rt.name], got, "%s: bytes (characters when negative)", rt.name)
		for _, f := range rt.codec().fields {
			limit := max(f.maxBytes, f.maxChars)
			if limit == 0 {
				continue
			}
			t.Run(rt.name+"."+f.path, func(t *testing.T) {
				t.Parallel()
				text := func(n int) string { return strings.Repeat("a", n) }
				if f.path == "Email" {
					text = emailOfLength
				}
				at := rt.valid()
				setText(f, at, text(limit))
				assert.NoError(t, rt.validate(at), "%d at the limit", limit)
				over := rt.valid()
				setText(f, over, text(limit+1))
				err := rt.validate(over)
				var fe *invalidFieldError
				require.ErrorAs(t, err, &fe)
				assert.Contains(t, fe.Field, f.path)
				assert.Contains(t, fe.Reason, "too long")
				assert.Contains(t, fe.Reason, strconv.Itoa(limit))
			})
		}
	}
}

// TestTextLengthCountsWhatIsStored: the limits count the text as its column
// holds it: an emoji as the reference the SDK writes (9 or 10 bytes), and
// where the CRM stores through htmlentities, "é" as "&eacute;" and "'" as
// "&#039;" (twice over for avatars), and a tag's quotes as "&#34;".
func TestTextLengthCountsWhatIsStored(t *testing.T) {
	t.Parallel()
	from, to := time.Unix(1e9, 0), time.Unix(1e9+60, 0)
	tests := []struct {
		name   string
		req    interface{ validate() error }
		refuse bool
	}{
		{"100 bytes of 2-byte characters", &CustomerRequest{Email: "a@example.com", FirstName: strings.Repeat("é", 50)}, false},
		{"101 bytes", &CustomerRequest{Email: "a@example.com", FirstName: strings.Repeat("é", 50) + "a"}, true},
		{"11 emoji: 99 bytes as references", &CustomerRequest{Email: "a@example.com", FirstName: strings.Repeat("😀", 11)}, false},
		{"12 emoji: 48 bytes of UTF-8, 108 as references", &CustomerRequest{Email: "a@example.com", FirstName: strings.Repeat("😀", 12)}, true},
		{"a 10-byte reference", &CustomerRequest{Email: "a@example.com", Prefix: strings.Repeat("a", 20) + "􀀀"}, false},
		{"a 10-byte reference over", &CustomerRequest{Email: "a@example.com", Prefix: strings.Repeat("a", 21) + "􀀀"}, true},
		{"task title: 31 é as entities (248 bytes)", &EventRequest{Title: strings.Repeat("é", 31) + "1234567", From: from, To: to}, false},
		{"task title: 32 é as entities (256 bytes)", &EventRequest{Title: strings.Repeat("é", 32), From: from, To: to}, true},
		{"task title: 42 apostrophes (252 bytes)", &EventRequest{Title: strings.Repeat("'", 42) + "abc", From: from, To: to}, false},
		{"task title: 43 apostrophes (258 bytes)", &EventRequest{Title: strings.Repeat("'", 43), From: from, To: to}, true},
		{"currency GBP", &TransactionRequest{OrderID: "o", Status: "s", Total: decimal.NewFromInt(1), Currency: "GBP"}, false},
		{"currency € (&euro;)", &TransactionRequest{OrderID: "o", Status: "s", Total: decimal.NewFromInt(1), Currency: "€"}, true},
		{"avatar: 33 & (&amp;amp;, 297 characters)", &CustomerRequest{Email: "a@example.com", Avatar: strings.Repeat("&", 33) + "abc"}, false},
		{"avatar: 34 &", &CustomerRequest{Email: "a@example.com", Avatar: strings.Repeat("&", 34)}, true},
		{"tag: 40 quotes (&#34;, 200 characters)", &CustomerRequest{Email: "a@example.com", Tags: []string{strings.Repeat(`"`, 40)}}, false},
		{"tag: 41 quotes", &CustomerRequest{Email: "a@example.com", Tags: []string{strings.Repeat(`"`, 41)}}, true},
		{"custom field: 2000 characters of 2 bytes", &CustomerRequest{Email: "a@example.com", CustomFields: map[string]string{"x": strings.Repeat("é", 2000)}}, false},
		{"custom field: 2001", &CustomerRequest{Email: "a@example.com", CustomFields: map[string]string{"x": strings.Repeat("é", 2001)}}, true},
	}
	for _, tt := range tests {
		err := tt.req.validate()
		if tt.refuse {
			require.Error(t, err, tt.name)
			assert.Contains(t, err.Error(), "too long", tt.name)
		} else {
			assert.NoError(t, err, tt.name)
		}
	}
}

// TestTextTheServerWouldChangeIsRefused: what sanitize_text_field, the
// plugin's empty-value rules, stripslashes and the tag-name cleaning would
// change or drop, field by field, is refused before anything is sent, with
// the reason; what they keep is accepted.
func TestTextTheServerWouldChangeIsRefused(t *testing.T) {
	t.Parallel()
	refused := map[string]string{
		"Caf%C3%A9 %41":  "percent-encoded byte",
		"100%ff":         "percent-encoded byte",
		"<b>Bold</b>":    "HTML tags",
		"a < b":          `lone "<"`,
		" <i>x</i> ":     "HTML tags",
		"  -1 ":          "-1",
		" 0":             `"0"`,
		`Back\slash`:     "backslash",
		"0":              `"0"`,
		"-1":             "-1",
		"-1 Main Street": "-1",
		"-01":            "-1",
		"-1.5":           "-1",
		"-1e0":           "-1",
		"-10e-1":         "-1",
		"\xff":           "UTF-8",
		"&#x1f600;":      "would read back as it",
	}
	accepted := []string{"O'Neil", `Say "hi"`, "100% sure", "100%off", "a > b", "Tom &amp; Jerry", "a & b", "-2", "0.0", "00",
		"+0", "-", "-x", "-1e5", "Zoë 日本語 😀", "plain",
		// White space is folded and trimmed by the site, and returned so.
		"tab\there", "two\nlines", "two  spaces", " leading", "trailing ", "  lots \t of\n  space  "}
	calls := []struct {
		field string
		set   func(v string) interface{ validate() error }
		rules string // which of the refusals apply: s(anitize), b(ackslash), 0, m(inus one)
	}{
		{"FirstName", func(v string) interface{ validate() error } {
			return &CustomerRequest{Email: "a@example.com", FirstName: v}
		}, "sb0m"},
		{"Address.City", func(v string) interface{ validate() error } {
			return &CustomerRequest{Email: "a@example.com", Address: Address{City: v}}
		}, "sb0m"},
		{"MobilePhone", func(v string) interface{ validate() error } {
			return &CustomerRequest{Email: "a@example.com", MobilePhone: v}
		}, "s0m"},
		{`CustomFields["x"]`, func(v string) interface{ validate() error } {
			return &CustomerRequest{Email: "a@example.com", CustomFields: map[string]string{"x": v}}
		}, "sb0m"},
		{"Name", func(v string) interface{ validate() error } { return &CompanyRequest{Name: v, Email: "a@example.com"} }, "sb0m"},
		{"MainPhone", func(v string) interface{ validate() error } {
			return &CompanyRequest{Name: "Co", Email: "a@example.com", MainPhone: v}
		}, "sb0m"},
		{"Title", func(v string) interface{ validate() error } {
			return &TransactionRequest{OrderID: "o", Status: "s", Total: decimal.NewFromInt(1), Title: v}
		}, "sb"},
		{"OrderID", func(v string) interface{ validate() error } {
			return &TransactionRequest{OrderID: v, Status: "s", Total: decimal.NewFromInt(1)}
		}, "sb0"},
		{"Notes", func(v string) interface{ validate() error } {
			return &EventRequest{Title: "t", From: time.Unix(1e9, 0), To: time.Unix(1e9+60, 0), Notes: v}
		}, "sb"},
	}
	for _, c := range calls {
		for v, reason := range refused {
			rule := map[string]byte{"backslash": 'b', `"0"`: '0', "-1": 'm', "UTF-8": 'u', "would read back as it": 'u'}[reason]
			if rule == 0 {
				rule = 's'
			}
			err := c.set(v).validate()
			if rule == 'u' || strings.IndexByte(c.rules, rule) >= 0 {
				var fe *invalidFieldError
				if assert.ErrorAs(t, err, &fe, "%s %q", c.field, v) {
					assert.Equal(t, c.field, fe.Field, "%q", v)
					assert.Contains(t, fe.Reason, reason, "%s %q", c.field, v)
				}
			} else {
				assert.NoError(t, err, "%s %q: the server keeps it", c.field, v)
			}
		}
		for _, v := range accepted {
			assert.NoError(t, c.set(v).validate(), "%s %q", c.field, v)
		}
	}
}

// TestTagNamesTheServerWouldChangeAreRefused: create_customer strips HTML
// (and any "<") from tag names, trims them, drops blank ones and "0", and
// stores quotes as &#34; and &#39; (which reads turn back into quotes, so
// those texts themselves would read back as quotes).
func TestTagNamesTheServerWouldChangeAreRefused(t *testing.T) {
	t.Parallel()
	for tag, reason := range map[string]string{
		"":           "blank",
		"   ":        "blank",
		"<b>vip</b>": `"<"`,
		"a < b":      `"<"`,
		"\t\n":       "blank",
		" 0 ":        `"0"`,
		"0":          `"0"`,
		"a&#39;b":    "&#39;",
		`Back\slash`: "backslash",
		"x\x00y":     "NUL",
		"Caf\xe9":    "UTF-8",
	} {
		err := (&CustomerRequest{Email: "a@example.com", Tags: []string{"ok", tag}}).validate()
		var fe *invalidFieldError
		if assert.ErrorAs(t, err, &fe, "%q", tag) {
			assert.Equal(t, "Tags[1]", fe.Field, "%q", tag)
			assert.Contains(t, fe.Reason, reason, "%q", tag)
		}
		err = (&CompanyRequest{Name: "Co", Email: "a@example.com", Tags: []string{tag}}).validate()
		assert.Error(t, err, "company tag %q", tag)
	}
	for _, tag := range []string{"vip", "O'Neil", `Say "hi"`, "lots \t of\n  space", " trimmed\n", "100% sure", "Caf%C3%A9", "a & b", "-1", "Zoë 😀"} {
		assert.NoError(t, (&CustomerRequest{Email: "a@example.com", Tags: []string{tag}}).validate(), "%q", tag)
	}
}

// TestWhiteSpaceIsFoldedAsTheSiteDoes: sanitize_text_field folds runs of
// spaces, tabs and line breaks into one space and trims the ends; tag names
// are only trimmed; an avatar keeps its white space. Lengths count the
// folded text.
func TestWhiteSpaceIsFoldedAsTheSiteDoes(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                        "",
		"plain":                   "plain",
		"  lots \t of\n  space  ": "lots of space",
		"a\r\nb":                  "a b",
		"\x00a  b\x0b":            "a b",
		"a\x00 b":                 "a\x00 b",
		"\u00a0a":                 "\u00a0a", // not PHP white space
	} {
		assert.Equal(t, want, textRules[""].asStored(in), "%q", in)
	}
	assert.Equal(t, "lots \t of", textRules["tag"].asStored(" lots \t of\n"))
	assert.Equal(t, " a  b ", textRules["avatar"].asStored(" a  b "))
	assert.NoError(t, (&CustomerRequest{Email: "a@example.com", FirstName: " " + strings.Repeat("a", 100) + "\n"}).validate(), "100 bytes once trimmed")
}

func TestReadsAsMinusOne(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"-1": true, "-01": true, "-1.5": true, "-1.99": true, "-1.": true, "-1e0": true, "-10e-1": true, "-1abc": true, "-1 Main St": true,
		" \t-1": true, "-1,5": true, "-1e": true, "-1e+": true,
		"1": false, "-2": false, "-12": false, "-0.5": false, "-.5": false, "-": false, "-x": false, "+1": false, "-2e-1": false,
		"-1e5": false, "-1e1": false, "": false, "--1": false, "- 1": false, "-99999999999999999999": false,
	} {
		assert.Equal(t, want, readsAsMinusOne(s), "%q", s)
	}
}

// TestTextRefusalsSendNothing: the refusals above are *ValidationError
// before any I/O, through every write.
func TestTextRefusalsSendNothing(t *testing.T) {
	t.Parallel()
	env, sent := setupNothingSent(t)
	ctx := context.Background()
	long := strings.Repeat("x", 101)
	_, _, err := env.client.Customers.Create(ctx, &CustomerRequest{Email: "a@example.com", FirstName: long})
	assertValidationError(t, err, "Customers.Create", "FirstName")
	_, _, err = env.client.Customers.Update(ctx, "a@example.com", &CustomerRequest{LastName: "Caf%C3%A9"})
	assertValidationError(t, err, "Customers.Update", "LastName")
	res, err := env.client.Customers.UpsertMany(ctx, []*CustomerRequest{{Email: "a@example.com", Prefix: "0"}}, BulkOptions{})
	require.NoError(t, err)
	assertValidationError(t, res[0].Err, "Customers.UpsertMany", "Prefix")
	_, _, err = env.client.Companies.Create(ctx, &CompanyRequest{Name: `Back\slash`, Email: "a@example.com"})
	assertValidationError(t, err, "Companies.Create", "Name")
	_, _, err = env.client.Transactions.Create(ctx, &TransactionRequest{OrderID: "o", Status: "0", Total: decimal.NewFromInt(1)})
	assertValidationError(t, err, "Transactions.Create", "Status")
	_, _, err = env.client.Events.Create(ctx, &EventRequest{Title: "a <b>", From: time.Unix(1e9, 0), To: time.Unix(1e9+60, 0)})
	assertValidationError(t, err, "Events.Create", "Title")
	assert.Zero(t, sent.Load())
}

// fieldCase is a change to a valid request that validate must refuse,
// naming field.
type fieldCase[R any] struct {
	name   string
	mutate func(R)
	field  string
}

// assertRefusesField checks that validate refuses each case's change to a
// fresh ok() with an *invalidFieldError naming the case's field.
func assertRefusesField[R interface{ validate() error }](t *testing.T, ok func() R, cases []fieldCase[R]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := ok()
			tc.mutate(r)
			var fe *invalidFieldError
			require.ErrorAs(t, r.validate(), &fe)
			assert.Equal(t, tc.field, fe.Field)
		})
	}
}

func TestCustomerRequestValidate(t *testing.T) {
	t.Parallel()
	ok := func() *CustomerRequest {
		return &CustomerRequest{Email: "ada@example.com", FirstName: "Ada", Tags: []string{"vip"}, CustomFields: map[string]string{"custom-field": "x"}}
	}
	require.NoError(t, ok().validate())
	assertRefusesField(t, ok, []fieldCase[*CustomerRequest]{
		{"missing email", func(r *CustomerRequest) { r.Email = "" }, "Email"},
		{"invalid email", func(r *CustomerRequest) { r.Email = "ada" }, "Email"},
		{"email with display name", func(r *CustomerRequest) { r.Email = "Ada <ada@example.com>" }, "Email"},
		{"negative id", func(r *CustomerRequest) { r.ID = -1 }, "ID"},
		{"negative assign", func(r *CustomerRequest) { r.AssignTo = -1 }, "AssignTo"},
		{"invalid UTF-8 name", func(r *CustomerRequest) { r.LastName = "Lov\xffelace" }, "LastName"},
		{"invalid UTF-8 address", func(r *CustomerRequest) { r.SecondaryAddress.City = "\xc3" }, "SecondaryAddress.City"},
		{"invalid UTF-8 tag", func(r *CustomerRequest) { r.Tags = []string{"\xff"} }, "Tags[0]"},
		{"invalid UTF-8 custom value", func(r *CustomerRequest) { r.CustomFields["custom-field"] = "\xff" }, `CustomFields["custom-field"]`},
		{"invalid UTF-8 custom key", func(r *CustomerRequest) { r.CustomFields["\xff"] = "x" }, "CustomFields"},
		{"custom field named like a built-in", func(r *CustomerRequest) { r.CustomFields["lname"] = "x" }, `CustomFields["lname"]`},
		{"blank custom key", func(r *CustomerRequest) { r.CustomFields[" "] = "x" }, `CustomFields[" "]`},
	})
}

func TestCompanyRequestValidate(t *testing.T) {
	t.Parallel()
	ok := func() *CompanyRequest { return &CompanyRequest{Name: "Get Co", Email: "get@co.example.com"} }
	require.NoError(t, ok().validate())
	assertRefusesField(t, ok, []fieldCase[*CompanyRequest]{
		{"missing name", func(r *CompanyRequest) { r.Name = " " }, "Name"},
		{"missing email", func(r *CompanyRequest) { r.Email = "" }, "Email"},
		{"invalid email", func(r *CompanyRequest) { r.Email = "get@co" }, "Email"},
		{"negative assign", func(r *CompanyRequest) { r.AssignTo = -2 }, "AssignTo"},
		{"invalid UTF-8", func(r *CompanyRequest) { r.MainPhone = "\xff" }, "MainPhone"},
		{"custom field named like a built-in", func(r *CompanyRequest) { r.CustomFields = map[string]string{"seccity": "x"} }, `CustomFields["seccity"]`},
	})
}

func TestTransactionRequestValidate(t *testing.T) {
	t.Parallel()
	ok := func() *TransactionRequest {
		return &TransactionRequest{OrderID: "ORD-1", Status: "Succeeded", Total: decimal.RequireFromString("0.01")}
	}
	require.NoError(t, ok().validate())
	refund := ok()
	refund.Total = decimal.NewFromInt(-10)
	require.NoError(t, refund.validate(), "negative totals are allowed")
	assertRefusesField(t, ok, []fieldCase[*TransactionRequest]{
		{"missing orderid", func(r *TransactionRequest) { r.OrderID = "" }, "OrderID"},
		{"blank orderid", func(r *TransactionRequest) { r.OrderID = "  " }, "OrderID"},
		{"missing status", func(r *TransactionRequest) { r.Status = "" }, "Status"},
		{"zero total", func(r *TransactionRequest) { r.Total = decimal.Decimal{} }, "Total"},
		{"zero total with scale", func(r *TransactionRequest) { r.Total = decimal.RequireFromString("0.00") }, "Total"},
		{"invalid email", func(r *TransactionRequest) { r.Email = "nope" }, "Email"},
		{"date before 1970", func(r *TransactionRequest) { r.Date = time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC) }, "Date"},
		{"negative company", func(r *TransactionRequest) { r.CompanyID = -1 }, "CompanyID"},
		{"invalid UTF-8", func(r *TransactionRequest) { r.Title = "\xff" }, "Title"},
		{"custom field named like a built-in", func(r *TransactionRequest) { r.CustomFields = map[string]string{"total": "1"} }, `CustomFields["total"]`},
	})
}

func TestEventRequestValidate(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ok := func() *EventRequest { return &EventRequest{Title: "Call", From: from, To: from.Add(time.Hour)} }
	require.NoError(t, ok().validate())
	instant := ok()
	instant.To = instant.From
	require.NoError(t, instant.validate(), "From == To is allowed")
	nobody := ok()
	nobody.Owner = -1
	require.NoError(t, nobody.validate())
	assertRefusesField(t, ok, []fieldCase[*EventRequest]{
		{"missing title", func(r *EventRequest) { r.Title = "" }, "Title"},
		{"blank title", func(r *EventRequest) { r.Title = "\t" }, "Title"},
		{"missing from", func(r *EventRequest) { r.From = time.Time{} }, "From"},
		{"missing to", func(r *EventRequest) { r.To = time.Time{} }, "To"},
		{"from after to", func(r *EventRequest) { r.From = r.To.Add(time.Second) }, "From"},
		{"negative id", func(r *EventRequest) { r.ID = -1 }, "ID"},
		{"negative customer", func(r *EventRequest) { r.CustomerID = -1 }, "CustomerID"},
		{"bad owner", func(r *EventRequest) { r.Owner = -2 }, "Owner"},
		{"invalid UTF-8", func(r *EventRequest) { r.Notes = "\xff" }, "Notes"},
	})
}

func TestCheckEmail(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{
		"ada@example.com", "a.b+tag@sub.example.co.uk", "x_y@ex-ample.org", "o'neil@example.ie", "1@2.io",
	} {
		assert.NoError(t, checkEmail("Email", ok), ok)
	}
	for _, bad := range []string{
		"", "ada", "ada@", "@example.com", "ada@localhost", "Ada <ada@example.com>", "<ada@example.com>",
		" ada@example.com", "ada@example.com ", "ada@example..com", "ada@-example.com", "ada@example-.com",
		"zoë@example.com", "ada@exa_mple.com", "a@b@c.com", "ada lovelace@example.com",
		strings.Repeat("a", 65) + "@example.com", "a@" + strings.Repeat("b", 250) + ".com",
	} {
		err := checkEmail("Email", bad)
		require.Error(t, err, "%q", bad)
		var fe *invalidFieldError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, "Email", fe.Field)
		if bad != "" {
			assert.NotContains(t, err.Error(), bad, "the address is not echoed")
		}
	}
}

func TestInvalidFieldErrorUnwrapsFromMarshal(t *testing.T) {
	t.Parallel()
	_, err := json.Marshal(CustomerRequest{Email: "a@example.com", CustomFields: map[string]string{"fname": "x"}})
	require.Error(t, err)
	var fe *invalidFieldError
	require.True(t, errors.As(err, &fe), "%v", err)
	assert.Equal(t, `CustomFields["fname"]`, fe.Field)
}

// setupNothingSent is setup with a catch-all responder that counts what
// would have been sent.
func setupNothingSent(t *testing.T) (*testEnv, *atomic.Int64) {
	t.Helper()
	env := setup(t)
	var sent atomic.Int64
	env.mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		sent.Add(1)
		return jsonResponder(200, `[]`)(req)
	})
	return env, &sent
}

func assertValidationError(t *testing.T, err error, op, field string) {
	t.Helper()
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrInvalidInput), "errors.Is(err, ErrInvalidInput): %v", err)
	var ve *ValidationError
	require.True(t, errors.As(err, &ve), "errors.As(err, *ValidationError): %T %v", err, err)
	assert.Equal(t, op, ve.Op)
	assert.Equal(t, field, ve.Field)
	assert.NotEmpty(t, ve.Reason)
	assert.NotErrorIs(t, err, ErrRejected)
	assertErrorHidesSecret(t, err)
}

var badEmails = []string{"bob", "a@b", "Ada <a@example.com>", ""}

// okFrom and okTo bound a valid event.
var (
	okFrom = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	okTo   = okFrom.Add(time.Hour)
)

// invalidCall is one call of the SDK with input it must refuse.
type invalidCall func(c *Client) error

// invalidCase is one row of TestInvalidInputIsRefusedBeforeSending: the
// call, and the operation and field its *ValidationError must name.
type invalidCase struct {
	name, op, field string
	call            invalidCall
}

func createCustomerCall(ctx context.Context, r *CustomerRequest) invalidCall {
	return func(c *Client) error { _, _, err := c.Customers.Create(ctx, r); return err }
}

func updateCustomerCall(ctx context.Context, email string, r *CustomerRequest) invalidCall {
	return func(c *Client) error { _, _, err := c.Customers.Update(ctx, email, r); return err }
}

func createCompanyCall(ctx context.Context, r *CompanyRequest) invalidCall {
	return func(c *Client) error { _, _, err := c.Companies.Create(ctx, r); return err }
}

func createTransactionCall(ctx context.Context, r *TransactionRequest) invalidCall {
	return func(c *Client) error { _, _, err := c.Transactions.Create(ctx, r); return err }
}

func createEventCall(ctx context.Context, r *EventRequest) invalidCall {
	return func(c *Client) error { _, _, err := c.Events.Create(ctx, r); return err }
}

func sendWebhookCall(ctx context.Context, action string, data any) invalidCall {
	return func(c *Client) error { _, _, err := c.Webhooks.Send(ctx, action, data); return err }
}

// okTx, okEvent and okCompany are valid requests changed by f.
func okTx(f func(*TransactionRequest)) *TransactionRequest {
	r := &TransactionRequest{OrderID: "ORD-1", Status: "Succeeded", Total: decimal.RequireFromString("1.50")}
	f(r)
	return r
}

func okEvent(f func(*EventRequest)) *EventRequest {
	r := &EventRequest{Title: "Call", From: okFrom, To: okTo}
	f(r)
	return r
}

func okCompany(f func(*CompanyRequest)) *CompanyRequest {
	r := &CompanyRequest{Name: "Acme", Email: "hello@acme.example.com"}
	f(r)
	return r
}

// invalidCustomerCases are the refusals of Customers.Create, Update, List
// and Search.
func invalidCustomerCases(ctx context.Context) []invalidCase {
	customer := func(r *CustomerRequest) invalidCall { return createCustomerCall(ctx, r) }
	update := func(email string, r *CustomerRequest) invalidCall { return updateCustomerCall(ctx, email, r) }
	return []invalidCase{
		// Customers.Create
		{"nil request", "Customers.Create", "", customer(nil)},
		{"invalid UTF-8", "Customers.Create", "FirstName", customer(&CustomerRequest{Email: "a@example.com", FirstName: "Zo\xeb"})},
		{"invalid UTF-8 in an address", "Customers.Create", "Address.City", customer(&CustomerRequest{Email: "a@example.com", Address: Address{City: "Z\xfcrich"}})},
		{"negative owner", "Customers.Create", "AssignTo", customer(&CustomerRequest{Email: "a@example.com", AssignTo: -1})},
		{"negative id", "Customers.Create", "ID", customer(&CustomerRequest{Email: "a@example.com", ID: -3})},
		{"custom field named like a built-in key", "Customers.Create", `CustomFields["fname"]`,
			customer(&CustomerRequest{Email: "a@example.com", CustomFields: map[string]string{"fname": "x"}})},
		// Customers.Update
		{"nil changes", "Customers.Update", "", update("a@example.com", nil)},
		{"invalid UTF-8 in changes", "Customers.Update", "LastName", update("a@example.com", &CustomerRequest{LastName: "\xff"})},
		{"invalid new email", "Customers.Update", "Email", update("a@example.com", &CustomerRequest{Email: "bob"})},
		{"negative id in changes", "Customers.Update", "ID", update("a@example.com", &CustomerRequest{ID: -1})},
		{"custom field named like a built-in key in changes", "Customers.Update", `CustomFields["city"]`,
			update("a@example.com", &CustomerRequest{CustomFields: map[string]string{"city": "x"}})},
		// Customers.List / Search
		{"negative page", "Customers.List", "Page", func(c *Client) error {
			_, _, err := c.Customers.List(ctx, &CustomerListOptions{ListOptions: ListOptions{Page: -1}})
			return err
		}},
		{"negative per page", "Customers.List", "PerPage", func(c *Client) error {
			_, _, err := c.Customers.List(ctx, &CustomerListOptions{ListOptions: ListOptions{PerPage: -5}})
			return err
		}},
		{"negative owner", "Customers.List", "Owner", func(c *Client) error {
			_, _, err := c.Customers.List(ctx, &CustomerListOptions{Owner: -1})
			return err
		}},
		{"negative company", "Customers.List", "CompanyID", func(c *Client) error {
			_, _, err := c.Customers.List(ctx, &CustomerListOptions{CompanyID: -1})
			return err
		}},
		{"invalid UTF-8 search", "Customers.List", "Search", func(c *Client) error {
			_, _, err := c.Customers.List(ctx, &CustomerListOptions{Search: "\xc3"})
			return err
		}},
		{"negative page", "Customers.Search", "Page", func(c *Client) error {
			_, _, err := c.Customers.Search(ctx, "ada", &ListOptions{Page: -3})
			return err
		}},
		{"negative per page", "Customers.Search", "PerPage", func(c *Client) error {
			_, _, err := c.Customers.Search(ctx, "ada", &ListOptions{PerPage: -1})
			return err
		}},
		{"invalid UTF-8 query", "Customers.Search", "query", func(c *Client) error {
			_, _, err := c.Customers.Search(ctx, "\xff", nil)
			return err
		}},
	}
}

// invalidCompanyAndTransactionCases are the refusals of the Companies and
// Transactions methods.
func invalidCompanyAndTransactionCases(ctx context.Context) []invalidCase {
	company := func(r *CompanyRequest) invalidCall { return createCompanyCall(ctx, r) }
	transaction := func(r *TransactionRequest) invalidCall { return createTransactionCall(ctx, r) }
	return []invalidCase{
		// Companies
		{"nil request", "Companies.Create", "", company(nil)},
		{"no name", "Companies.Create", "Name", company(okCompany(func(r *CompanyRequest) { r.Name = "" }))},
		{"blank name", "Companies.Create", "Name", company(okCompany(func(r *CompanyRequest) { r.Name = "  " }))},
		{"no email", "Companies.Create", "Email", company(okCompany(func(r *CompanyRequest) { r.Email = "" }))},
		{"invalid email", "Companies.Create", "Email", company(okCompany(func(r *CompanyRequest) { r.Email = "a@b" }))},
		{"invalid UTF-8", "Companies.Create", "Name", company(okCompany(func(r *CompanyRequest) { r.Name = "Acme \xff" }))},
		{"negative page", "Companies.List", "Page", func(c *Client) error {
			_, _, err := c.Companies.List(ctx, &ListOptions{Page: -1})
			return err
		}},
		{"negative per page", "Companies.List", "PerPage", func(c *Client) error {
			_, _, err := c.Companies.List(ctx, &ListOptions{PerPage: -1})
			return err
		}},
		// Transactions
		{"nil request", "Transactions.Create", "", transaction(nil)},
		{"missing order id", "Transactions.Create", "OrderID", transaction(okTx(func(r *TransactionRequest) { r.OrderID = "" }))},
		{"blank order id", "Transactions.Create", "OrderID", transaction(okTx(func(r *TransactionRequest) { r.OrderID = " " }))},
		{"missing status", "Transactions.Create", "Status", transaction(okTx(func(r *TransactionRequest) { r.Status = "" }))},
		{"zero total", "Transactions.Create", "Total", transaction(okTx(func(r *TransactionRequest) { r.Total = decimal.Zero }))},
		{"zero total written 0.00", "Transactions.Create", "Total", transaction(okTx(func(r *TransactionRequest) { r.Total = decimal.RequireFromString("0.00") }))},
		{"invalid email", "Transactions.Create", "Email", transaction(okTx(func(r *TransactionRequest) { r.Email = "bob" }))},
		{"date before 1970", "Transactions.Create", "Date", transaction(okTx(func(r *TransactionRequest) { r.Date = time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC) }))},
		{"invalid UTF-8", "Transactions.Create", "Title", transaction(okTx(func(r *TransactionRequest) { r.Title = "T-shirt \xff" }))},
		{"negative company", "Transactions.Create", "CompanyID", transaction(okTx(func(r *TransactionRequest) { r.CompanyID = -2 }))},
		{"negative page", "Transactions.List", "Page", func(c *Client) error {
			_, _, err := c.Transactions.List(ctx, &ListOptions{Page: -1})
			return err
		}},
		{"negative per page", "Transactions.List", "PerPage", func(c *Client) error {
			_, _, err := c.Transactions.List(ctx, &ListOptions{PerPage: -1})
			return err
		}},
	}
}

// invalidEventCases are the refusals of Events.Create and Events.List.
func invalidEventCases(ctx context.Context) []invalidCase {
	event := func(r *EventRequest) invalidCall { return createEventCall(ctx, r) }
	return []invalidCase{
		// Events
		{"nil request", "Events.Create", "", event(nil)},
		{"missing title", "Events.Create", "Title", event(okEvent(func(r *EventRequest) { r.Title = "" }))},
		{"zero from", "Events.Create", "From", event(okEvent(func(r *EventRequest) { r.From = time.Time{} }))},
		{"zero to", "Events.Create", "To", event(okEvent(func(r *EventRequest) { r.To = time.Time{} }))},
		{"from after to", "Events.Create", "From", event(okEvent(func(r *EventRequest) { r.From, r.To = okTo, okFrom }))},
		{"negative id", "Events.Create", "ID", event(okEvent(func(r *EventRequest) { r.ID = -1 }))},
		{"negative customer", "Events.Create", "CustomerID", event(okEvent(func(r *EventRequest) { r.CustomerID = -1 }))},
		{"owner below -1", "Events.Create", "Owner", event(okEvent(func(r *EventRequest) { r.Owner = -2 }))},
		{"invalid UTF-8", "Events.Create", "Notes", event(okEvent(func(r *EventRequest) { r.Notes = "\xff" }))},
		{"negative page", "Events.List", "Page", func(c *Client) error {
			_, _, err := c.Events.List(ctx, &EventListOptions{ListOptions: ListOptions{Page: -1}})
			return err
		}},
		{"negative per page", "Events.List", "PerPage", func(c *Client) error {
			_, _, err := c.Events.List(ctx, &EventListOptions{ListOptions: ListOptions{PerPage: -1}})
			return err
		}},
		{"negative owner", "Events.List", "Owner", func(c *Client) error {
			_, _, err := c.Events.List(ctx, &EventListOptions{Owner: -1})
			return err
		}},
	}
}

// invalidQuoteInvoiceWebhookCases are the refusals of the Quotes, Invoices
// and Webhooks methods.
func invalidQuoteInvoiceWebhookCases(ctx context.Context) []invalidCase {
	webhook := func(action string, data any) invalidCall { return sendWebhookCall(ctx, action, data) }
	return []invalidCase{
		// Quotes, invoices
		{"negative page", "Quotes.List", "Page", func(c *Client) error {
			_, _, err := c.Quotes.List(ctx, &ListOptions{Page: -1})
			return err
		}},
		{"negative per page", "Quotes.List", "PerPage", func(c *Client) error {
			_, _, err := c.Quotes.List(ctx, &ListOptions{PerPage: -1})
			return err
		}},
		{"negative page", "Invoices.List", "Page", func(c *Client) error {
			_, _, err := c.Invoices.List(ctx, &ListOptions{Page: -1})
			return err
		}},
		{"negative per page", "Invoices.List", "PerPage", func(c *Client) error {
			_, _, err := c.Invoices.List(ctx, &ListOptions{PerPage: -1})
			return err
		}},
		// Webhooks
		{"empty action", "Webhooks.Send", "action", webhook("", nil)},
		{"blank action", "Webhooks.Send", "action", webhook(" \t", nil)},
		{"invalid UTF-8 action", "Webhooks.Send", "action", webhook("\xff", nil)},
		{"data that is not JSON", "Webhooks.Send", "data", webhook("jcrm_test_echo", map[string]any{"f": func() {}})},
	}
}

// invalidEmailCases are every invalid email, for every method that takes
// one.
func invalidEmailCases(ctx context.Context) []invalidCase {
	customer := func(r *CustomerRequest) invalidCall { return createCustomerCall(ctx, r) }
	update := func(email string, r *CustomerRequest) invalidCall { return updateCustomerCall(ctx, email, r) }
	company := func(r *CompanyRequest) invalidCall { return createCompanyCall(ctx, r) }
	transaction := func(r *TransactionRequest) invalidCall { return createTransactionCall(ctx, r) }
	var tests []invalidCase
	for _, e := range badEmails {
		tests = append(tests,
			invalidCase{"email " + e, "Customers.Create", "Email", customer(&CustomerRequest{Email: e, FirstName: "Ada"})},
			invalidCase{"email " + e, "Customers.Update", "email", update(e, &CustomerRequest{FirstName: "Ada"})},
			invalidCase{"email " + e, "Customers.GetByEmail", "email", func(c *Client) error { _, _, err := c.Customers.GetByEmail(ctx, e); return err }},
			invalidCase{"email " + e, "Companies.Create", "Email", company(okCompany(func(r *CompanyRequest) { r.Email = e }))},
		)
		if e != "" { // an empty email is allowed on a transaction: it links nobody
			tests = append(tests, invalidCase{"email " + e, "Transactions.Create", "Email", transaction(okTx(func(r *TransactionRequest) { r.Email = e }))})
		}
	}
	return tests
}

func TestInvalidInputIsRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var tests []invalidCase
	tests = append(tests, invalidCustomerCases(ctx)...)
	tests = append(tests, invalidCompanyAndTransactionCases(ctx)...)
	tests = append(tests, invalidEventCases(ctx)...)
	tests = append(tests, invalidQuoteInvoiceWebhookCases(ctx)...)
	tests = append(tests, invalidEmailCases(ctx)...)
	for _, tt := range tests {
		t.Run(tt.op+"/"+tt.name, func(t *testing.T) {
			t.Parallel()
			env, sent := setupNothingSent(t)
			err := tt.call(env.client)
			assertValidationError(t, err, tt.op, tt.field)
			assert.Zero(t, env.mock.GetTotalCallCount(), "nothing sent")
			assert.Zero(t, sent.Load(), "nothing sent")
		})
	}
}

// A valid request of each kind does reach the server: the table above fails
// for the right reason, not because the fixture cannot send anything.
func TestValidInputIsSent(t *testing.T) {
	t.Parallel()
	env, sent := setupNothingSent(t)
	ctx := context.Background()
	_, _, err := env.client.Transactions.Create(ctx, &TransactionRequest{OrderID: "ORD-1", Status: "Succeeded", Total: decimal.RequireFromString("1.50")})
	require.Error(t, err, "[] is not a transaction")
	assert.NotErrorIs(t, err, ErrInvalidInput)
	_, _, err = env.client.Events.Create(ctx, &EventRequest{Title: "Call", From: okFrom, To: okFrom})
	assert.NotErrorIs(t, err, ErrInvalidInput, "From equal to To is allowed")
	_, _, err = env.client.Quotes.List(ctx, &ListOptions{})
	assert.NoError(t, err)
	// The answers to the creates ([], neither a transaction nor an event)
	// cannot be read: the transaction is sent again until the policy's
	// attempts run out, and Events.Create reads the events list to check.
	assert.Equal(t, int64(1+fastRetries.MaxRetries+2+1), sent.Load())
}

func TestAllIteratorsYieldTheValidationErrorOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		op, field string
		all       func(c *Client) (n int, errs []error)
	}{
		{"Customers.All", "PerPage", func(c *Client) (int, []error) {
			return drain(c.Customers.All(ctx, &CustomerListOptions{ListOptions: ListOptions{PerPage: -1}}))
		}},
		{"Customers.All", "Owner", func(c *Client) (int, []error) { return drain(c.Customers.All(ctx, &CustomerListOptions{Owner: -1})) }},
		{"Companies.All", "Page", func(c *Client) (int, []error) { return drain(c.Companies.All(ctx, &ListOptions{Page: -1})) }},
		{"Quotes.All", "PerPage", func(c *Client) (int, []error) { return drain(c.Quotes.All(ctx, &ListOptions{PerPage: -1})) }},
		{"Invoices.All", "PerPage", func(c *Client) (int, []error) { return drain(c.Invoices.All(ctx, &ListOptions{PerPage: -1})) }},
		{"Transactions.All", "Page", func(c *Client) (int, []error) { return drain(c.Transactions.All(ctx, &ListOptions{Page: -2})) }},
		{"Events.All", "Owner", func(c *Client) (int, []error) { return drain(c.Events.All(ctx, &EventListOptions{Owner: -1})) }},
	}
	for _, tt := range tests {
		t.Run(tt.op+"/"+tt.field, func(t *testing.T) {
			t.Parallel()
			env, sent := setupNothingSent(t)
			n, errs := tt.all(env.client)
			assert.Zero(t, n, "no items")
			require.Len(t, errs, 1, "the error is yielded once")
			assertValidationError(t, errs[0], tt.op, tt.field)
			assert.Zero(t, sent.Load())
			assert.Zero(t, env.mock.GetTotalCallCount())
		})
	}
}

// drain consumes a whole sequence without breaking, counting the items and
// collecting the errors: an iterator must end by itself after an error.
func drain[T any](seq iter.Seq2[*T, error]) (n int, errs []error) {
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if v != nil {
			n++
		}
	}
	return n, errs
}

// The reasons name what is wrong in words a caller can act on.
func TestValidationReasons(t *testing.T) {
	t.Parallel()
	env, _ := setupNothingSent(t)
	_, _, err := env.client.Customers.Create(context.Background(), &CustomerRequest{Email: "Ada <a@example.com>"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Customers.Create")
	assert.Contains(t, err.Error(), "Email")
	assert.True(t, strings.Contains(err.Error(), "display name"), err.Error())
	_, _, err = env.client.Transactions.Create(context.Background(), &TransactionRequest{OrderID: "A", Status: "S"})
	assert.Contains(t, err.Error(), "must not be zero")
}
