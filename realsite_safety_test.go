package jetpackcrm_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/internal/realsite"
)

// Real-site tests of issue 11 (data safety). Each writes only records named
// by its own realsite.Stamp() and never assumes an empty site.

// findEvent walks every event (also proving the walk works on the site).
func findEvent(t *testing.T, ctx context.Context, c *jetpackcrm.Client, keep func(*jetpackcrm.Event) bool) []*jetpackcrm.Event {
	t.Helper()
	var found []*jetpackcrm.Event
	for e, err := range c.Events.All(ctx, &jetpackcrm.EventListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 50}}) {
		require.NoError(t, err)
		if keep(e) {
			found = append(found, e)
		}
	}
	return found
}

// TestRealSiteEventUpdateOfAMissingIDIsRefused: the site answers an update
// of an event ID that does not exist with success and stores nothing; the
// SDK refuses it with ErrNotFound before writing, and still updates an
// existing event.
func TestRealSiteEventUpdateOfAMissingIDIsRefused(t *testing.T) {
	realsite.Each(t, func(t *testing.T, s realsite.Site) {
		t.Parallel()
		ctx := realSiteContext(t)
		c := s.Client(t)
		stamp := realsite.Stamp()
		from := time.Date(2030, 3, 1, 10, 0, 0, 0, time.UTC)
		ev, _, err := c.Events.Create(ctx, &jetpackcrm.EventRequest{Title: "sdk-safety " + stamp, From: from, To: from.Add(time.Hour)})
		require.NoError(t, err)
		require.Positive(t, ev.ID)

		moved, _, err := c.Events.Create(ctx, &jetpackcrm.EventRequest{ID: ev.ID, Title: "sdk-safety moved " + stamp,
			From: from.Add(24 * time.Hour), To: from.Add(25 * time.Hour)})
		require.NoError(t, err, "an existing ID is found and updated")
		assert.Equal(t, ev.ID, moved.ID)

		missing := ev.ID + 1<<30 // past every event the site will have
		// The site's own answer, through the raw API: a success.
		req, err := c.NewRequest(ctx, http.MethodPost, "create_event", nil, map[string]any{"id": missing,
			"title": "sdk-safety raw " + stamp, "from": "2030-03-01 10:00:00", "to": "2030-03-01 11:00:00", "complete": 0})
		require.NoError(t, err)
		var reply map[string]any
		_, err = c.Do(req, &reply)
		require.NoError(t, err, "the site answers success for a missing ID")
		assert.EqualValues(t, missing, reply["id"])

		for _, id := range []int64{missing, 1 << 40} {
			e, _, err := c.Events.Create(ctx, &jetpackcrm.EventRequest{ID: id, Title: "sdk-safety missing " + stamp,
				From: from, To: from.Add(time.Hour)})
			require.ErrorIs(t, err, jetpackcrm.ErrNotFound, "ID %d", id)
			assert.Nil(t, e)
			assert.False(t, s.Leaks(err.Error()))
		}

		mine := findEvent(t, ctx, c, func(e *jetpackcrm.Event) bool { return e.ID == ev.ID || e.ID == missing })
		require.Len(t, mine, 1, "the event, and nothing under the missing ID")
		assert.Equal(t, "sdk-safety moved "+stamp, mine[0].Title)
		assert.True(t, from.Add(24*time.Hour).Equal(mine[0].Start), "start %v", mine[0].Start)
	})
}

// TestRealSiteEventsAllWalksEveryEvent: Jetpack CRM 6.6 lists events newest
// first unless asked for ID order, which made the ascending iterator drop
// all but the first event of each page; both versions must yield every
// event a single big page holds.
func TestRealSiteEventsAllWalksEveryEvent(t *testing.T) {
	realsite.Each(t, func(t *testing.T, s realsite.Site) {
		t.Parallel()
		ctx := realSiteContext(t)
		c := s.Client(t)
		stamp := realsite.Stamp()
		from := time.Date(2030, 3, 2, 10, 0, 0, 0, time.UTC)
		var made []int64
		for i := range 3 {
			ev, _, err := c.Events.Create(ctx, &jetpackcrm.EventRequest{Title: "sdk-walk " + stamp, From: from.Add(time.Duration(i) * time.Hour), To: from.Add(time.Duration(i+1) * time.Hour)})
			require.NoError(t, err)
			made = append(made, ev.ID)
		}
		walked := map[int64]bool{}
		// Pages of 100: the shared sites hold thousands of events (pages of 2
		// took over 3 minutes under CI's load); the defect dropped all but
		// one event of every page, so 100 shows it as well.
		for e, err := range c.Events.All(ctx, &jetpackcrm.EventListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 100}}) {
			require.NoError(t, err)
			walked[e.ID] = true
		}
		for _, id := range made {
			assert.True(t, walked[id], "event %d walked", id)
		}
		page, _, err := c.Events.List(ctx, &jetpackcrm.EventListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 100000}})
		require.NoError(t, err)
		last := made[len(made)-1] // IDs grow: every event up to it existed before the walk
		for i, e := range page {
			// Later ones were made by other suites sharing the site, during
			// or after the walk, which may or may not have reached them.
			assert.True(t, e.ID > last || walked[e.ID], "event %d walked", e.ID)
			if i > 0 {
				assert.Greater(t, e.ID, page[i-1].ID, "ID order")
			}
		}
	})
}

// findTransactions walks every transaction and keeps those whose order ID
// starts with prefix, by order ID.
func findTransactions(t *testing.T, ctx context.Context, c *jetpackcrm.Client, prefix string) map[string]*jetpackcrm.Transaction {
	t.Helper()
	found := map[string]*jetpackcrm.Transaction{}
	for x, err := range c.Transactions.All(ctx, nil) {
		require.NoError(t, err)
		if strings.HasPrefix(x.OrderID, prefix) {
			found[x.OrderID] = x
		}
	}
	return found
}

// TestRealSiteMoneyIsStoredExactlyOrRefused: the site stores amounts in
// DECIMAL(18,2) after a PHP float printed with 14 digits. What it can store
// exactly goes through and reads back equal; the rest is refused before
// sending, and the raw API shows what the site would have stored instead.
func TestRealSiteMoneyIsStoredExactlyOrRefused(t *testing.T) {
	realsite.Each(t, func(t *testing.T, s realsite.Site) {
		t.Parallel()
		ctx := realSiteContext(t)
		c := s.Client(t)
		stamp := realsite.Stamp()
		exact := []string{"12.34", "-5.25", "0.01", "999999999999.99", "12345678901234", "9999999999999900"}
		altered := [][2]string{ // sent, what the site stores
			{"12.345", "12.35"},
			{"0.001", "0"},
			{"-0.001", "0"},
			{"1234567890123.45", "1234567890123.4"},
			{"99999999999999.9", "100000000000000"},
			{"123456789012345678", "9999999999999999.99"},
		}
		for i, a := range exact {
			_, _, err := c.Transactions.Create(ctx, &jetpackcrm.TransactionRequest{OrderID: fmt.Sprintf("%s-ok-%d", stamp, i),
				Status: "Succeeded", Total: decimal.RequireFromString(a), Net: decimal.RequireFromString(a)})
			require.NoError(t, err, a)
		}
		for i, pair := range altered {
			a := pair[0]
			_, _, err := c.Transactions.Create(ctx, &jetpackcrm.TransactionRequest{OrderID: fmt.Sprintf("%s-sdk-%d", stamp, i),
				Status: "Succeeded", Total: decimal.RequireFromString(a)})
			require.ErrorIs(t, err, jetpackcrm.ErrInvalidInput, a)
			// The same amount through the raw API, to see what the site does.
			req, err := c.NewRequest(ctx, http.MethodPost, "create_transaction", nil,
				map[string]any{"orderid": fmt.Sprintf("%s-raw-%d", stamp, i), "status": "Succeeded", "total": a, "net": a})
			require.NoError(t, err)
			_, err = c.Do(req, nil)
			require.NoError(t, err)
		}
		stored := findTransactions(t, ctx, c, stamp)
		for i, a := range exact {
			x := stored[fmt.Sprintf("%s-ok-%d", stamp, i)]
			require.NotNil(t, x, a)
			assert.True(t, decimal.RequireFromString(a).Equal(x.Total), "total %s read back as %s", a, x.Total)
			assert.True(t, decimal.RequireFromString(a).Equal(x.Net), "net %s read back as %s", a, x.Net)
		}
		for i, pair := range altered {
			a, want := pair[0], pair[1]
			assert.Nil(t, stored[fmt.Sprintf("%s-sdk-%d", stamp, i)], "the SDK sent nothing for %s", a)
			x := stored[fmt.Sprintf("%s-raw-%d", stamp, i)]
			require.NotNil(t, x, a)
			assert.True(t, decimal.RequireFromString(want).Equal(x.Total), "the site stores %s as %s (read back %s)", a, want, x.Total)
		}
	})
}

// TestRealSiteTimesAtTheEdges: event times and transaction dates live in
// 32-bit Unix-second columns read as unset at 0 and below. The first and
// last storable seconds read back equal; the SDK refuses the times around
// them, and the raw API shows what the site reads back for those.
func TestRealSiteTimesAtTheEdges(t *testing.T) {
	realsite.Each(t, func(t *testing.T, s realsite.Site) {
		t.Parallel()
		ctx := realSiteContext(t)
		c := s.Client(t)
		stamp := realsite.Stamp()
		first, last := time.Unix(1, 0).UTC(), time.Date(2038, 1, 19, 3, 14, 7, 0, time.UTC)
		for _, edge := range []time.Time{first, last} {
			_, _, err := c.Events.Create(ctx, &jetpackcrm.EventRequest{Title: "sdk-edge ok " + stamp, From: edge, To: edge})
			require.NoError(t, err, edge)
			_, _, err = c.Transactions.Create(ctx, &jetpackcrm.TransactionRequest{OrderID: stamp + "-ok-" + edge.Format("2006"),
				Status: "Succeeded", Total: decimal.RequireFromString("1.00"), Date: edge})
			require.NoError(t, err, edge)
		}
		// What the site reads back as Start for each time sent raw.
		beyond := map[string]time.Time{
			"1969-12-31 23:59:59":  {}, // -1: unset
			"1970-01-01 00:00:00":  {}, // 0: unset
			"2038-01-19 03:14:08":  last,
			"9999-12-31 23:59:59":  last,
			"10000-01-01 00:00:00": {}, // strtotime fails: 0
		}
		for raw := range beyond {
			at, _ := time.Parse("2006-01-02 15:04:05", raw)
			if !at.IsZero() {
				_, _, err := c.Events.Create(ctx, &jetpackcrm.EventRequest{Title: "sdk-edge sdk " + stamp, From: at, To: at})
				require.ErrorIs(t, err, jetpackcrm.ErrInvalidInput, raw)
				_, _, err = c.Transactions.Create(ctx, &jetpackcrm.TransactionRequest{OrderID: stamp + "-sdk", Status: "Succeeded",
					Total: decimal.RequireFromString("1.00"), Date: at})
				require.ErrorIs(t, err, jetpackcrm.ErrInvalidInput, raw)
			}
			req, err := c.NewRequest(ctx, http.MethodPost, "create_event", nil,
				map[string]any{"title": "sdk-edge raw " + stamp + " " + raw, "from": raw, "to": raw, "complete": 0})
			require.NoError(t, err)
			_, err = c.Do(req, nil)
			require.NoError(t, err)
		}
		mine := findEvent(t, ctx, c, func(e *jetpackcrm.Event) bool { return strings.Contains(e.Title, stamp) })
		ok := 0
		for _, e := range mine {
			switch {
			case strings.HasPrefix(e.Title, "sdk-edge ok "):
				ok++
				assert.True(t, e.Start.Equal(first) || e.Start.Equal(last), "start %v", e.Start)
			case strings.HasPrefix(e.Title, "sdk-edge raw "):
				raw := strings.TrimPrefix(e.Title, "sdk-edge raw "+stamp+" ")
				want, known := beyond[raw]
				require.True(t, known, e.Title)
				assert.True(t, want.Equal(e.Start), "the site reads %s back as %v", raw, e.Start)
			default:
				t.Errorf("the SDK sent %q", e.Title)
			}
		}
		assert.Equal(t, 2, ok)
		txs := findTransactions(t, ctx, c, stamp)
		assert.Len(t, txs, 2, "only the two storable dates were sent")
		for _, x := range txs {
			assert.True(t, x.Date.Equal(first) || x.Date.Equal(last), "date %v", x.Date)
		}
	})
}

// TestRealSiteCharactersOutsideTheBMPRoundTrip: the CRM's tables are
// utf8mb3, so a 4-byte character made every write fail with {"error":100}.
// The SDK writes them as numeric character references, which every text
// field of every write stores as they are (events HTML-escape them once
// more), and reads them back as the characters, in lists, searches and
// the read of Customers.Update.
func TestRealSiteCharactersOutsideTheBMPRoundTrip(t *testing.T) {
	realsite.Each(t, func(t *testing.T, s realsite.Site) {
		t.Parallel()
		ctx := realSiteContext(t)
		c := s.Client(t)
		stamp := realsite.Stamp()
		const e = "😀𝄞"
		email := "sdk-emoji-" + stamp + "@example.org"
		addr := jetpackcrm.Address{Line1: "1 " + e, Line2: "2" + e, City: "C" + e, County: "K" + e, Postcode: "P" + e, Country: "X" + e}
		addr2 := addr

		// The site's own answer to the raw character (a request built by
		// hand: NewRequest would write the reference).
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/zbs_api/create_customer/",
			strings.NewReader(`{"email":"raw-`+email+`","fname":"Ada`+e+`"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		_, err = c.Do(req, nil)
		require.ErrorIs(t, err, jetpackcrm.ErrRejected, "the site refuses 4-byte UTF-8")
		assert.Contains(t, err.Error(), "error 100")

		want := &jetpackcrm.CustomerRequest{Email: email, Status: "Lead", Prefix: "Dr" + e, FirstName: "Ada" + e + stamp, LastName: "L" + e,
			Address: addr, SecondaryAddress: addr, HomePhone: "1" + e, WorkPhone: "2" + e, MobilePhone: "3" + e,
			Twitter: "t" + e, LinkedIn: "l" + e, Facebook: "f" + e, Tags: []string{"sdk-emoji" + e}}
		created, _, err := c.Customers.Create(ctx, want)
		require.NoError(t, err)
		assert.Equal(t, "Ada"+e+stamp, created.FirstName)
		check := func(t *testing.T, got *jetpackcrm.Customer) {
			t.Helper()
			assert.Equal(t, want.Prefix, got.Prefix)
			assert.Equal(t, want.FirstName, got.FirstName)
			assert.Equal(t, want.LastName, got.LastName)
			assert.Equal(t, addr, got.Address)
			assert.Equal(t, addr2, got.SecondaryAddress)
			assert.Equal(t, []string{want.HomePhone, want.WorkPhone, want.MobilePhone}, []string{got.HomePhone, got.WorkPhone, got.MobilePhone})
			assert.Equal(t, []string{want.Twitter, want.LinkedIn, want.Facebook}, []string{got.Twitter, got.LinkedIn, got.Facebook})
		}
		got, _, err := c.Customers.GetByEmail(ctx, email)
		require.NoError(t, err)
		check(t, got)
		require.NotEmpty(t, got.Tags)
		assert.Equal(t, "sdk-emoji"+e, got.Tags[0].Name)

		found, _, err := c.Customers.Search(ctx, "Ada"+e+stamp, &jetpackcrm.ListOptions{PerPage: 100})
		require.NoError(t, err)
		require.Len(t, found, 1, "the search finds the contact by its characters")
		check(t, found[0])
		listed, _, err := c.Customers.List(ctx, &jetpackcrm.CustomerListOptions{Search: e + stamp, ListOptions: jetpackcrm.ListOptions{PerPage: 100}})
		require.NoError(t, err)
		var mine *jetpackcrm.Customer
		for _, x := range listed {
			if x.Email == email {
				mine = x
			}
		}
		require.NotNil(t, mine)
		check(t, mine)

		// Update reads, merges and writes them back unchanged.
		_, _, err = c.Customers.Update(ctx, email, &jetpackcrm.CustomerRequest{Address: jetpackcrm.Address{City: "New" + e}})
		require.NoError(t, err)
		got, _, err = c.Customers.GetByEmail(ctx, email)
		require.NoError(t, err)
		addr.City = "New" + e
		check(t, got)
		if _, defined := got.CustomFields["sdk-text"]; defined { // a text custom field, where the site has one
			_, _, err = c.Customers.Update(ctx, email, &jetpackcrm.CustomerRequest{CustomFields: map[string]string{"sdk-text": "cf" + e}})
			require.NoError(t, err)
			got, _, err = c.Customers.GetByEmail(ctx, email)
			require.NoError(t, err)
			assert.Equal(t, "cf"+e, got.CustomFields["sdk-text"])
		} else {
			t.Log("the site defines no sdk-text custom field: custom fields not checked")
		}

		co, _, err := c.Companies.Create(ctx, &jetpackcrm.CompanyRequest{Name: "sdk-emoji " + stamp + e, Email: "co-" + email,
			Status: "Lead", Address: addr, MainPhone: "1" + e, Twitter: "t" + e})
		require.NoError(t, err)
		var company *jetpackcrm.Company
		for x, err := range c.Companies.All(ctx, nil) {
			require.NoError(t, err)
			if x.ID == co.ID {
				company = x
			}
		}
		require.NotNil(t, company)
		assert.Equal(t, "sdk-emoji "+stamp+e, company.Name)
		assert.Equal(t, addr, company.Address)
		assert.Equal(t, "1"+e, company.MainPhone)
		assert.Equal(t, "t"+e, company.Twitter)

		_, _, err = c.Transactions.Create(ctx, &jetpackcrm.TransactionRequest{OrderID: stamp + e, Status: "Succeeded" + e,
			Total: decimal.RequireFromString("1.00"), Title: "T" + e, Description: "D" + e, Type: "Sale" + e})
		require.NoError(t, err)
		txs := findTransactions(t, ctx, c, stamp)
		require.Contains(t, txs, stamp+e)
		x := txs[stamp+e]
		assert.Equal(t, []string{"Succeeded" + e, "T" + e, "D" + e, "Sale" + e}, []string{x.Status, x.Title, x.Description, x.Type})

		from := time.Date(2030, 3, 3, 10, 0, 0, 0, time.UTC)
		ev, _, err := c.Events.Create(ctx, &jetpackcrm.EventRequest{Title: "sdk-emoji " + stamp + e, Notes: "N" + e, From: from, To: from})
		require.NoError(t, err)
		assert.Equal(t, "sdk-emoji "+stamp+e, ev.Title)
		events := findEvent(t, ctx, c, func(x *jetpackcrm.Event) bool { return x.ID == ev.ID })
		require.Len(t, events, 1)
		assert.Equal(t, "sdk-emoji "+stamp+e, events[0].Title)
		assert.Equal(t, "N"+e, events[0].Description)
	})
}

// TestRealSiteUpdateKeepsTheLinkedUserAndOwner: every create_customer
// update resets the linked WordPress user unless "wpid" is sent, and the
// owner unless "assign" names a user with a CRM role (the site's admin is
// user 1). Update keeps both, returns what the site holds, and reports an
// owner the site refused to keep.
func TestRealSiteUpdateKeepsTheLinkedUserAndOwner(t *testing.T) {
	realsite.Each(t, func(t *testing.T, s realsite.Site) {
		t.Parallel()
		ctx := realSiteContext(t)
		c := s.Client(t)
		email := "sdk-owner-" + realsite.Stamp() + "@example.org"
		const wpid = 424242 // no such WordPress user: linking it touches nobody
		// The API can link a WordPress user only through the raw key.
		req, err := c.NewRequest(ctx, http.MethodPost, "create_customer", nil,
			map[string]any{"email": email, "fname": "Own", "lname": "Er", "wpid": wpid, "assign": 1})
		require.NoError(t, err)
		_, err = c.Do(req, nil)
		require.NoError(t, err)
		before, _, err := c.Customers.GetByEmail(ctx, email)
		require.NoError(t, err)
		require.Equal(t, int64(wpid), before.WPID)
		require.Equal(t, int64(1), before.Owner)

		updated, _, err := c.Customers.Update(ctx, email, &jetpackcrm.CustomerRequest{Address: jetpackcrm.Address{City: "Ownton"}})
		require.NoError(t, err)
		after, _, err := c.Customers.GetByEmail(ctx, email)
		require.NoError(t, err)
		assert.Equal(t, int64(wpid), after.WPID, "the linked WordPress user is kept")
		assert.Equal(t, int64(1), after.Owner, "the owner is kept")
		assert.Equal(t, "Ownton", after.Address.City)
		assert.Equal(t, after.WPID, updated.WPID, "Update returns what the site holds")
		assert.Equal(t, after.Owner, updated.Owner)
		assert.Equal(t, after.LastUpdated, updated.LastUpdated)

		// A user without a CRM role cannot own contacts: the site unassigns
		// the contact, and Update says so with what the site now holds.
		got, _, err := c.Customers.Update(ctx, email, &jetpackcrm.CustomerRequest{AssignTo: wpid})
		require.ErrorIs(t, err, jetpackcrm.ErrNotKept)
		assert.False(t, s.Leaks(err.Error()))
		require.NotNil(t, got)
		after, _, err = c.Customers.GetByEmail(ctx, email)
		require.NoError(t, err)
		assert.Zero(t, after.Owner, "the site unassigned the contact")
		assert.Equal(t, after.Owner, got.Owner, "Update returns what the site holds, not the owner it sent")
		assert.Equal(t, int64(wpid), got.WPID)
	})
}

// TestRealSiteCompaniesAllWalksEveryCompany: Jetpack CRM 6.6 lists
// companies newest first (hard-coded), 6.4 oldest first; the ascending
// iterator stopped at page 2 with ErrPagingStalled on 6.6 once a site had
// more than a page of companies. Both must yield every company a single big
// page holds, once.
func TestRealSiteCompaniesAllWalksEveryCompany(t *testing.T) {
	realsite.Each(t, func(t *testing.T, s realsite.Site) {
		t.Parallel()
		ctx := realSiteContext(t)
		c := s.Client(t)
		stamp := realsite.Stamp()
		var last int64
		for i := range 3 {
			co, _, err := c.Companies.Create(ctx, &jetpackcrm.CompanyRequest{Name: fmt.Sprintf("sdk-walk %s %d", stamp, i),
				Email: fmt.Sprintf("sdk-walk-%s-%d@example.org", stamp, i)})
			require.NoError(t, err)
			last = co.ID
		}
		walked := map[int64]int{}
		for co, err := range c.Companies.All(ctx, &jetpackcrm.ListOptions{PerPage: 2}) {
			require.NoError(t, err)
			walked[co.ID]++
		}
		page, _, err := c.Companies.List(ctx, &jetpackcrm.ListOptions{PerPage: 100000})
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(page), 3)
		for _, co := range page {
			if co.ID > last && walked[co.ID] == 0 {
				// Created by another test during the walk: newest first
				// (6.6), it landed on a page already walked.
				continue
			}
			assert.Equal(t, 1, walked[co.ID], "company %d walked once", co.ID)
		}
	})
}
