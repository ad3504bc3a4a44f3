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

func realSiteContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

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
		for e, err := range c.Events.All(ctx, &jetpackcrm.EventListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 2}}) {
			require.NoError(t, err)
			walked[e.ID] = true
		}
		for _, id := range made {
			assert.True(t, walked[id], "event %d walked", id)
		}
		page, _, err := c.Events.List(ctx, &jetpackcrm.EventListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 100000}})
		require.NoError(t, err)
		for i, e := range page {
			assert.True(t, walked[e.ID], "event %d walked", e.ID)
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
