package jetpackcrm_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/internal/realsite"
)

// Real-site tests of what the CRM does to text (issue 11, the fidelity
// items): each shows the site's own behaviour through the raw API
// (NewRequest and Do, which skip the SDK's validation), then what the SDK
// does about it. Records are named by the test's realsite.Stamp().

// rawWrite sends body to a create endpoint as the SDK encodes it, without
// its validation, and returns the ID the reply names.
func rawWrite(t *testing.T, ctx context.Context, c *jetpackcrm.Client, endpoint string, body any) (int64, error) {
	t.Helper()
	req, err := c.NewRequest(ctx, http.MethodPost, endpoint, nil, body)
	require.NoError(t, err)
	var reply struct {
		ID json.Number `json:"id"`
	}
	_, err = c.Do(req, &reply)
	id, _ := reply.ID.Int64()
	return id, err
}

// rawContact is the contact with this email as the site answers it,
// undecoded.
func rawContact(t *testing.T, ctx context.Context, c *jetpackcrm.Client, email string) map[string]any {
	t.Helper()
	req, err := c.NewRequest(ctx, http.MethodGet, "customer_search", url.Values{"email": {email}}, nil)
	require.NoError(t, err)
	var out map[string]any
	_, err = c.Do(req, &out)
	require.NoError(t, err)
	return out
}

// requireRefused checks that err is the SDK's refusal of field, before
// sending.
func requireRefused(t *testing.T, err error, field, reason string) {
	t.Helper()
	var ve *jetpackcrm.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, field, ve.Field)
	assert.Contains(t, ve.Reason, reason)
}

// eventPage is the page of 100 events (in ID order) that holds event id,
// found without walking a big shared site: the event with ID id is at an
// offset below id, so a bisection over pages 1..(id-1)/100+1 finds it in a
// few reads. It returns the page number and its events.
func eventPage(t *testing.T, ctx context.Context, c *jetpackcrm.Client, id int64) (int, []*jetpackcrm.Event) {
	t.Helper()
	const per = 100
	lo, hi := 1, int((id-1)/per)+1
	for lo <= hi {
		p := lo + (hi-lo)/2
		page, _, err := c.Events.List(ctx, &jetpackcrm.EventListOptions{ListOptions: jetpackcrm.ListOptions{Page: p, PerPage: per}})
		require.NoError(t, err)
		switch {
		case len(page) == 0 || page[0].ID > id:
			hi = p - 1
		case page[len(page)-1].ID < id:
			lo = p + 1
		default:
			return p, page
		}
	}
	t.Fatalf("event %d is not listed", id)
	return 0, nil
}

// eventByID finds an event by ID in the events list.
func eventByID(t *testing.T, ctx context.Context, c *jetpackcrm.Client, id int64) *jetpackcrm.Event {
	t.Helper()
	_, page := eventPage(t, ctx, c, id)
	for _, e := range page {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("event %d is not listed", id)
	return nil
}

// transactionOf returns the transaction with this order ID of the contact
// with email (read through the contact, not a walk of every transaction).
func transactionOf(t *testing.T, ctx context.Context, c *jetpackcrm.Client, email, orderID string) *jetpackcrm.Transaction {
	t.Helper()
	got, _, err := c.Customers.GetByEmail(ctx, email)
	require.NoError(t, err)
	for _, x := range got.Transactions {
		if x.OrderID == orderID {
			return x
		}
	}
	t.Fatalf("contact has no transaction %s", orderID)
	return nil
}

// TestRealSiteTextOverTheLimitIsRefused: the CRM cuts a value longer than
// its field's max_len to max_len-3 bytes plus "..." (and fails the write
// when the cut splits a character), and silently stores nothing for a tag
// or a custom field longer than its column. The SDK refuses such values,
// counting what is stored (emoji as its references, HTML entities where
// the CRM stores through htmlentities); at the limit, the whole value is
// stored and read back.
func TestRealSiteTextOverTheLimitIsRefused(t *testing.T) {
	realsite.Each(t, func(t *testing.T, s realsite.Site) {
		t.Parallel()
		ctx := realSiteContext(t)
		c := s.Client(t)
		stamp := realsite.Stamp()
		a := func(n int) string { return strings.Repeat("a", n) }

		// Every limited contact field at its limit, and one byte over.
		at := &jetpackcrm.CustomerRequest{Email: "limit-" + stamp + "@example.org", Prefix: a(30), FirstName: strings.Repeat("😀", 11),
			LastName: strings.Repeat("é", 50), Address: jetpackcrm.Address{City: a(200), Postcode: a(50)},
			MobilePhone: a(40), LinkedIn: a(300), Tags: []string{"t" + stamp + a(200-1-len(stamp))},
			Avatar: "https://example.com/" + strings.Repeat("&", 31) + a(1)} // 20 + 31·9 + 1 = 300 as stored
		created, _, err := c.Customers.Create(ctx, at)
		require.NoError(t, err)
		got, _, err := c.Customers.GetByEmail(ctx, at.Email)
		require.NoError(t, err)
		for _, x := range []*jetpackcrm.Customer{created, got} {
			assert.Equal(t, at.Prefix, x.Prefix)
			assert.Equal(t, at.FirstName, x.FirstName, "11 emoji: 99 bytes as the SDK's references")
			assert.Equal(t, at.LastName, x.LastName)
			assert.Equal(t, at.Address.City, x.Address.City)
			assert.Equal(t, at.Address.Postcode, x.Address.Postcode)
			assert.Equal(t, at.MobilePhone, x.MobilePhone)
			assert.Equal(t, at.LinkedIn, x.LinkedIn)
			assert.Equal(t, at.Avatar, x.Avatar)
		}
		require.Len(t, got.Tags, 1)
		assert.Equal(t, at.Tags[0], got.Tags[0].Name)

		over := *at
		over.Email = "over-" + stamp + "@example.org"
		over.Prefix, over.FirstName, over.LastName = a(31), a(101), strings.Repeat("é", 51)
		over.Address, over.MobilePhone, over.LinkedIn = jetpackcrm.Address{City: a(201), Postcode: a(51)}, a(41), a(301)
		over.Tags, over.Avatar = []string{"u" + stamp + a(200-len(stamp))}, ""
		for field, req := range map[string]*jetpackcrm.CustomerRequest{
			"Prefix": {Email: over.Email, Prefix: over.Prefix}, "FirstName": {Email: over.Email, FirstName: over.FirstName},
			"LastName": {Email: over.Email, LastName: over.LastName}, "Address.City": {Email: over.Email, Address: over.Address},
			"MobilePhone": {Email: over.Email, MobilePhone: over.MobilePhone}, "LinkedIn": {Email: over.Email, LinkedIn: over.LinkedIn},
			"Tags[0]": {Email: over.Email, Tags: over.Tags}, "Avatar": {Email: over.Email, Avatar: at.Avatar + "a"},
		} {
			_, _, err := c.Customers.Create(ctx, req)
			requireRefused(t, err, field, "too long")
		}
		// What the site does with them: cuts (the last name's cut splits an
		// "é": the whole write fails), drops the tag.
		_, err = rawWrite(t, ctx, c, "create_customer", &over)
		require.ErrorIs(t, err, jetpackcrm.ErrRejected, "a cut inside a character fails the write")
		over.LastName = "b"
		_, err = rawWrite(t, ctx, c, "create_customer", &over)
		require.NoError(t, err)
		cut, _, err := c.Customers.GetByEmail(ctx, over.Email)
		require.NoError(t, err)
		assert.Equal(t, a(27)+"...", cut.Prefix)
		assert.Equal(t, a(97)+"...", cut.FirstName)
		assert.Equal(t, a(197)+"...", cut.Address.City)
		assert.Equal(t, a(47)+"...", cut.Address.Postcode)
		assert.Equal(t, a(37)+"...", cut.MobilePhone)
		assert.Equal(t, a(297)+"...", cut.LinkedIn)
		assert.Empty(t, cut.Tags, "a tag over 200 characters is not attached")
		_, err = rawWrite(t, ctx, c, "create_customer", &jetpackcrm.CustomerRequest{Email: over.Email, Avatar: at.Avatar + "a"})
		require.ErrorIs(t, err, jetpackcrm.ErrRejected, "an avatar over its 300-character column fails the write")

		// A custom text field holds 2000 characters; longer is not stored.
		slugs, err := c.CustomFieldSlugs(ctx, jetpackcrm.ObjectContact)
		require.NoError(t, err)
		if slices.Contains(slugs, "sdk-text") {
			email := "cf-" + stamp + "@example.org"
			_, _, err = c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: email, CustomFields: map[string]string{"sdk-text": strings.Repeat("é", 2000)}})
			require.NoError(t, err)
			got, _, err := c.Customers.GetByEmail(ctx, email)
			require.NoError(t, err)
			assert.Equal(t, strings.Repeat("é", 2000), got.CustomFields["sdk-text"])
			_, _, err = c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: email, CustomFields: map[string]string{"sdk-text": a(2001)}})
			requireRefused(t, err, `CustomFields["sdk-text"]`, "2000 characters")
			email = "cf2-" + stamp + "@example.org"
			_, err = rawWrite(t, ctx, c, "create_customer", map[string]string{"email": email, "sdk-text": a(2001)})
			require.NoError(t, err, "the site answers success...")
			got, _, err = c.Customers.GetByEmail(ctx, email)
			require.NoError(t, err)
			assert.Empty(t, got.CustomFields["sdk-text"], "...and stores nothing")
		} else {
			t.Logf("site %s defines no contact custom field sdk-text (scripts/site-custom-fields): custom-field length not checked", s.Name)
		}

		// A task title is cut at 255 bytes of its htmlentities: "é" is
		// "&eacute;", 8 bytes.
		from := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
		title := strings.Repeat("é", 31) + stamp[len(stamp)-7:]
		ev, _, err := c.Events.Create(ctx, &jetpackcrm.EventRequest{Title: title, From: from, To: from})
		require.NoError(t, err)
		assert.Equal(t, title, ev.Title)
		assert.Equal(t, title, eventByID(t, ctx, c, ev.ID).Title)
		long := &jetpackcrm.EventRequest{Title: strings.Repeat("é", 32) + stamp, From: from, To: from}
		_, _, err = c.Events.Create(ctx, long)
		requireRefused(t, err, "Title", "at most 255 bytes")
		id, err := rawWrite(t, ctx, c, "create_event", long)
		require.NoError(t, err)
		stored := eventByID(t, ctx, c, id).Title
		assert.True(t, strings.HasSuffix(stored, "..."), "the site cut the title: %q", stored)
		assert.NotEqual(t, long.Title, stored)

		// A currency is stored through htmlentities in 4 bytes.
		tx := &jetpackcrm.TransactionRequest{OrderID: stamp + "-cur", Status: "Succeeded", Total: decimal.NewFromInt(1), Currency: "€",
			Email: "cur-" + stamp + "@example.org"}
		_, _, err = c.Transactions.Create(ctx, tx)
		requireRefused(t, err, "Currency", "at most 4 bytes")
		_, err = rawWrite(t, ctx, c, "create_transaction", tx)
		require.NoError(t, err)
		assert.Equal(t, "&...", transactionOf(t, ctx, c, tx.Email, tx.OrderID).Currency, "the site stored the cut entity")
	})
}

// TestRealSiteEventTextRoundTrips: the CRM stores task titles and notes
// through htmlentities() and lists them so ("O'Neil" is "O&#039;Neil"),
// while create_event answers the text as sent. Reads decode exactly that:
// what Events.Create returns and Events.List reads back are what was sent
// (white space folded, as the site stores it), for every awkward text the
// site keeps; the ones it would change are refused.
func TestRealSiteEventTextRoundTrips(t *testing.T) {
	realsite.Each(t, func(t *testing.T, s realsite.Site) {
		t.Parallel()
		ctx := realSiteContext(t)
		c := s.Client(t)
		stamp := realsite.Stamp()
		from := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
		kept := map[string]string{ // sent: read back
			"apostrophe": "O'Neil", "double-quotes": `Say "hi"`, "ampersand": "a & b", "entity": "Tom &amp; Jerry",
			"numeric-entity": "&#233; &#039;", "greater-than": "a > b", "percent": "100% sure", "2-byte": "Zoë Müller-Ñúñez",
			"3-byte": "日本語 €", "4-byte": "Party 😀 𝄞", "nbsp": "a\u00a0b", "whitespace": "  lots \t of\n  space  ",
		}
		// As the site folds white space (sanitize_text_field: not NBSP).
		fold := func(s string) string {
			return strings.Trim(regexp.MustCompile(`[\r\n\t ]+`).ReplaceAllString(s, " "), " ")
		}
		ids := map[string]int64{}
		for name, text := range kept {
			req := &jetpackcrm.EventRequest{Title: text + " " + stamp, Notes: text, From: from, To: from}
			e, _, err := c.Events.Create(ctx, req)
			require.NoError(t, err, name)
			want := fold(text)
			assert.Equal(t, want+" "+stamp, e.Title, name)
			assert.Equal(t, want, e.Description, name)
			ids[name] = e.ID
		}
		listed := map[int64]*jetpackcrm.Event{}
		for _, id := range ids {
			if listed[id] == nil {
				_, page := eventPage(t, ctx, c, id)
				for _, e := range page {
					listed[e.ID] = e
				}
			}
		}
		for name, text := range kept {
			e := listed[ids[name]]
			require.NotNil(t, e, name)
			want := fold(text)
			assert.Equal(t, want+" "+stamp, e.Title, name)
			assert.Equal(t, want, e.Description, name)
		}
		// The site's own listing: encoded.
		p, _ := eventPage(t, ctx, c, ids["apostrophe"])
		req, err := c.NewRequest(ctx, http.MethodGet, "events", url.Values{"perpage": {"100"}, "page": {strconv.Itoa(p)}, "order": {"ASC"}}, nil)
		require.NoError(t, err)
		var raw []map[string]any
		_, err = c.Do(req, &raw)
		require.NoError(t, err)
		encoded := 0
		for _, e := range raw {
			if e["title"] == "O&#039;Neil "+stamp {
				assert.Equal(t, "O&#039;Neil", e["desc"], "listed through htmlentities")
				encoded++
			}
		}
		assert.Equal(t, 1, encoded, "the site lists the title encoded")
		for name, text := range map[string]string{"html": "<b>Bold</b>", "less-than": "a < b", "percent-octet": "Caf%C3%A9 %41",
			"backslash": `Back\slash`, "zero": "0"} {
			_, _, err := c.Events.Create(ctx, &jetpackcrm.EventRequest{Title: text, From: from, To: from})
			assert.ErrorIs(t, err, jetpackcrm.ErrInvalidInput, name)
		}
	})
}

// TestRealSiteTextTheSiteWouldChangeIsRefused: sanitize_text_field removes
// percent-encoded octets ("Caf%C3%A9 %41" is stored "Caf", an email
// "pct%41.x@..." becomes "pct.x@..."), the plugin drops "0" and values PHP
// reads as -1 from contacts and companies (an email "-1.x@..." leaves the
// contact without one), and most fields are listed through stripslashes.
// The SDK refuses each before sending; what the site keeps (a backslash in
// a phone number, "0" in a transaction) it writes.
func TestRealSiteTextTheSiteWouldChangeIsRefused(t *testing.T) {
	realsite.Each(t, func(t *testing.T, s realsite.Site) {
		t.Parallel()
		ctx := realSiteContext(t)
		c := s.Client(t)
		stamp := realsite.Stamp()
		email := func(local string) string { return local + "." + stamp + "@example.org" }

		// Percent-encoded octets.
		req := &jetpackcrm.CustomerRequest{Email: email("pct"), FirstName: "Caf%C3%A9 %41", LastName: stamp}
		_, _, err := c.Customers.Create(ctx, req)
		requireRefused(t, err, "FirstName", "percent-encoded")
		_, err = rawWrite(t, ctx, c, "create_customer", req)
		require.NoError(t, err)
		got, _, err := c.Customers.GetByEmail(ctx, req.Email)
		require.NoError(t, err)
		assert.Equal(t, "Caf", got.FirstName, "the site removed the octets")
		octet := &jetpackcrm.CustomerRequest{Email: "pct%41" + email("x"), LastName: stamp}
		_, _, err = c.Customers.Create(ctx, octet)
		requireRefused(t, err, "Email", "percent-encoded")
		_, err = rawWrite(t, ctx, c, "create_customer", octet)
		require.NoError(t, err)
		_, _, err = c.Customers.GetByEmail(ctx, "pct"+email("x"))
		require.NoError(t, err, "the site stored another address")

		// "0" and -1.
		zero := &jetpackcrm.CustomerRequest{Email: email("zero"), FirstName: "0", LastName: "-1 " + stamp,
			Address: jetpackcrm.Address{City: "-1.5", Postcode: "00"}, MobilePhone: "-01"}
		for field, r := range map[string]*jetpackcrm.CustomerRequest{
			"FirstName": {Email: zero.Email, FirstName: "0"}, "LastName": {Email: zero.Email, LastName: zero.LastName},
			"Address.City": {Email: zero.Email, Address: zero.Address}, "MobilePhone": {Email: zero.Email, MobilePhone: "-01"},
		} {
			_, _, err := c.Customers.Create(ctx, r)
			requireRefused(t, err, field, "")
		}
		_, err = rawWrite(t, ctx, c, "create_customer", zero)
		require.NoError(t, err)
		got, _, err = c.Customers.GetByEmail(ctx, zero.Email)
		require.NoError(t, err)
		assert.Equal(t, []string{"", "", "", "00", ""}, []string{got.FirstName, got.LastName, got.Address.City, got.Address.Postcode, got.MobilePhone},
			"the site dropped 0 and the values PHP reads as -1, kept 00")
		_, _, err = c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: "-1." + email("minus")})
		requireRefused(t, err, "Email", "-1")
		_, _, err = c.Companies.Create(ctx, &jetpackcrm.CompanyRequest{Name: "Co " + stamp, Email: email("co"), Status: "-1"})
		requireRefused(t, err, "Status", "-1")
		// Transactions keep them.
		tx := &jetpackcrm.TransactionRequest{OrderID: stamp + "-zero", Status: "Succeeded", Total: decimal.NewFromInt(1), Title: "0", Description: "-1", Type: "-1 x",
			Email: email("txzero")}
		_, _, err = c.Transactions.Create(ctx, tx)
		require.NoError(t, err)
		stored := transactionOf(t, ctx, c, tx.Email, tx.OrderID)
		assert.Equal(t, []string{"0", "-1", "-1 x"}, []string{stored.Title, stored.Description, stored.Type})

		// Backslashes: lost where the site lists through stripslashes,
		// kept in a contact's phones and social handles.
		slash := &jetpackcrm.CustomerRequest{Email: email("slash"), FirstName: `Back\slash`, MobilePhone: `07\700`, Twitter: `a\b`}
		_, _, err = c.Customers.Create(ctx, slash)
		requireRefused(t, err, "FirstName", "backslash")
		_, err = rawWrite(t, ctx, c, "create_customer", slash)
		require.NoError(t, err)
		got, _, err = c.Customers.GetByEmail(ctx, slash.Email)
		require.NoError(t, err)
		assert.Equal(t, "Backslash", got.FirstName, "listed through stripslashes")
		slash.FirstName = "Slash"
		created, _, err := c.Customers.Create(ctx, slash)
		require.NoError(t, err)
		got, _, err = c.Customers.GetByEmail(ctx, slash.Email)
		require.NoError(t, err)
		for _, x := range []*jetpackcrm.Customer{created, got} {
			assert.Equal(t, `07\700`, x.MobilePhone)
			assert.Equal(t, `a\b`, x.Twitter)
		}
	})
}

// TestRealSiteUpdateNeverAltersWhatItDoesNotChange: Customers.Update reads
// the contact and writes all of it back. An avatar (stored through
// htmlentities twice) and tag names with quotes (stored as &#39;) were
// written back as read, encoded once more with every Update; they now go
// back as written. A contact holding text the write-back would alter (made
// by another client with a backslash, which the site lists without it,
// leaving two spaces) is refused, naming the field, and left as it is.
func TestRealSiteUpdateNeverAltersWhatItDoesNotChange(t *testing.T) {
	realsite.Each(t, func(t *testing.T, s realsite.Site) {
		t.Parallel()
		ctx := realSiteContext(t)
		c := s.Client(t)
		stamp := realsite.Stamp()
		email := "keep." + stamp + "@example.org"
		avatar := `https://example.com/a.png?s=1&d="2" Zoë`
		_, _, err := c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: email, FirstName: "Keep", Avatar: avatar,
			Tags: []string{"O'Neil " + stamp}})
		require.NoError(t, err)
		before := rawContact(t, ctx, c, email)
		for _, city := range []string{"Paris", "Rome"} {
			got, _, err := c.Customers.Update(ctx, email, &jetpackcrm.CustomerRequest{Address: jetpackcrm.Address{City: city}})
			require.NoError(t, err)
			assert.Equal(t, avatar, got.Avatar)
			require.Len(t, got.Tags, 1)
			assert.Equal(t, "O'Neil "+stamp, got.Tags[0].Name)
		}
		after := rawContact(t, ctx, c, email)
		assert.Equal(t, before["avatar"], after["avatar"], "stored the same, not encoded once more")
		assert.Equal(t, before["tags"].([]any)[0].(map[string]any)["id"], after["tags"].([]any)[0].(map[string]any)["id"], "the same tag")

		other := "slashed." + stamp + "@example.org"
		_, err = rawWrite(t, ctx, c, "create_customer", &jetpackcrm.CustomerRequest{Email: other, FirstName: `O'Neil \ "Q"`, LastName: "Kept"})
		require.NoError(t, err)
		_, _, err = c.Customers.Update(ctx, other, &jetpackcrm.CustomerRequest{Address: jetpackcrm.Address{City: "Paris"}})
		requireRefused(t, err, "FirstName", "nothing was written")
		got, _, err := c.Customers.GetByEmail(ctx, other)
		require.NoError(t, err)
		assert.Equal(t, `O'Neil  "Q"`, got.FirstName)
		assert.Empty(t, got.Address.City, "nothing written")
	})
}
