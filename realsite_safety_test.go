package jetpackcrm_test

import (
	"context"
	"net/http"
	"testing"
	"time"

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
