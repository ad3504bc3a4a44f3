package jetpackcrm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newYork is a fixed UTC-5 zone, so the test needs no tzdata.
var newYork = time.FixedZone("EST", -5*3600)

// renewalCall is the event of capture 120 (3:00-4:00 UTC on 29 Nov 2026),
// given in New York time.
func renewalCall() *EventRequest {
	from := time.Date(2026, 11, 28, 22, 0, 0, 0, newYork)
	return &EventRequest{Title: "Call Ada about renewal", From: from, To: from.Add(time.Hour), CustomerID: 1,
		Notes: "Discuss the annual plan", Remind24h: true, Owner: 1}
}

// ---------------------------------------------------------------------------
// create_event

func TestEventsCreateDecodesRecordedReplies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		capture int
		req     *EventRequest
		check   func(t *testing.T, e *Event)
	}{
		{120, renewalCall(), func(t *testing.T, e *Event) {
			assert.Equal(t, int64(1), e.ID)
			assert.Equal(t, "Call Ada about renewal", e.Title)
			assert.Equal(t, "Discuss the annual plan", e.Description)
			assert.True(t, time.Date(2026, 11, 29, 3, 0, 0, 0, time.UTC).Equal(e.Start), "start %v", e.Start)
			assert.True(t, time.Date(2026, 11, 29, 4, 0, 0, 0, time.UTC).Equal(e.End), "end %v", e.End)
			assert.Equal(t, int64(1), e.CustomerID)
			assert.Equal(t, int64(1), e.Owner)
			assert.False(t, e.Complete)
			assert.Equal(t, []Reminder{{EventID: 1, Offset: -24 * time.Hour}}, e.Reminders)
		}},
		{124, &EventRequest{ID: 1, Title: "Call Ada about renewal (moved)", From: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
			To: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), Complete: true}, func(t *testing.T, e *Event) {
			assert.Equal(t, int64(1), e.ID)
			assert.True(t, e.Complete)
			assert.True(t, time.Unix(1796115600, 0).Equal(e.Start), "the start the events list (133) then reports")
			assert.Nil(t, e.Reminders)
		}},
		{125, &EventRequest{Title: "Explicitly not complete", From: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC),
			To: time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC), CustomerID: 2}, func(t *testing.T, e *Event) {
			assert.Equal(t, int64(2), e.ID)
			assert.False(t, e.Complete)
			assert.Equal(t, int64(2), e.CustomerID)
		}},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.capture), func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			serveWire(env, http.MethodGet, "events", replay(t, 134)) // the lookup of an update by ID
			w := serveWire(env, http.MethodPost, "create_event", replay(t, tt.capture))
			e, resp, err := env.client.Events.Create(context.Background(), tt.req)
			require.NoError(t, err)
			assert.Equal(t, 1, resp.Attempts)
			tt.check(t, e)
			w.single(t)
		})
	}
}

func TestEventsCreateRequestEncoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  *EventRequest
		body string
	}{
		{"New York times are sent in UTC, complete 0, notify 24", renewalCall(),
			`{"title":"Call Ada about renewal","from":"2026-11-29 03:00:00","to":"2026-11-29 04:00:00","customer":1,
			  "notes":"Discuss the annual plan","notify":24,"complete":0,"owner":1}`},
		{"an update by id: complete 1, no reminder", &EventRequest{ID: 1, Title: "Call Ada about renewal (moved)",
			From: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), Complete: true},
			`{"id":1,"title":"Call Ada about renewal (moved)","from":"2026-12-01 09:00:00","to":"2026-12-01 10:00:00","notify":0,"complete":1}`},
		{"the minimum: complete is still sent", &EventRequest{Title: "x", From: time.Unix(1740823200, 0), To: time.Unix(1740826800, 0)},
			`{"title":"x","from":"2025-03-01 10:00:00","to":"2025-03-01 11:00:00","notify":0,"complete":0}`},
		{"owner -1 means nobody", &EventRequest{Title: "x", From: time.Unix(1740823200, 0), To: time.Unix(1740823200, 0), Owner: -1},
			`{"title":"x","from":"2025-03-01 10:00:00","to":"2025-03-01 10:00:00","notify":0,"complete":0,"owner":-1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			serveWire(env, http.MethodGet, "events", replay(t, 134)) // the lookup of an update by ID
			w := serveWire(env, http.MethodPost, "create_event", jsonResponder(200, `{"title":"x","id":1}`))
			_, _, err := env.client.Events.Create(context.Background(), tt.req)
			require.NoError(t, err)
			r := w.single(t)
			assertWire(t, r, http.MethodPost, "create_event", nil, tt.body)
			m := bodyMap(t, r)
			require.Contains(t, m, "complete", "an omitted complete is stored as done (capture 126)")
			assert.Equal(t, float64(boolInt(tt.req.Complete)), m["complete"])
		})
	}
}

func TestEventsCreateRecordedRefusals(t *testing.T) {
	t.Parallel()
	// Every create_event failure is {"error":100}.
	for _, n := range []int{121, 122, 123, 127, 128, 129, 130, 131, 132} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			w := serveWire(env, http.MethodPost, "create_event", replay(t, n))
			e, resp, err := env.client.Events.Create(context.Background(), renewalCall())
			assert.Nil(t, e)
			require.NotNil(t, resp)
			assertAPIError(t, err, http.MethodPost, "create_event", wantAPIError{is: ErrRejected, status: 200, code: "100"})
			assert.Len(t, w.requests(), 1)
		})
	}
}

func TestEventsCreateRetrySafety(t *testing.T) {
	t.Parallel()
	t.Run("with an ID it is retried on 500", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			env := setup(t)
			serveWire(env, http.MethodGet, "events", replay(t, 134))
			w := serveWire(env, http.MethodPost, "create_event", replay(t, 110).Then(replay(t, 110)).Then(replay(t, 124)))
			req := &EventRequest{ID: 1, Title: "Call Ada about renewal (moved)", From: time.Unix(1796115600, 0), To: time.Unix(1796119200, 0), Complete: true}
			e, resp, err := env.client.Events.Create(context.Background(), req)
			require.NoError(t, err, "an update by ID is safe to repeat")
			assert.Equal(t, 3, resp.Attempts)
			assert.Equal(t, int64(1), e.ID)
			assert.Len(t, w.requests(), 3)
		})
	})
	t.Run("without an ID a 500 is checked before it is sent again", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			env := setup(t)
			w := serveWire(env, http.MethodPost, "create_event", replay(t, 110).Then(replay(t, 120)))
			list := serveWire(env, http.MethodGet, "events", func(req *http.Request) (*http.Response, error) {
				resp, err := jsonResponder(200, `[]`)(req)
				resp.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
				return resp, err
			})
			e, resp, err := env.client.Events.Create(context.Background(), renewalCall())
			require.NoError(t, err)
			assert.Equal(t, int64(1), e.ID)
			assert.Equal(t, 2, resp.Attempts)
			assert.Len(t, w.requests(), 2, "sent again once the list showed it was not stored")
			require.Len(t, list.requests(), 1)
			assert.Equal(t, "DESC", list.requests()[0].Query.Get("order"), "newest first")
		})
	})
	t.Run("without an ID it is retried on 503, which was not processed", func(t *testing.T) {
		t.Parallel()
		synctest.Test(t, func(t *testing.T) {
			env := setup(t)
			serveWire(env, http.MethodPost, "create_event", statusResponder(503, "1").Then(replay(t, 120)))
			e, resp, err := env.client.Events.Create(context.Background(), renewalCall())
			require.NoError(t, err)
			assert.Equal(t, 2, resp.Attempts)
			assert.Equal(t, int64(1), e.ID)
		})
	})
}

// ---------------------------------------------------------------------------
// events

func TestEventsListDecodesRecordedPage(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveWire(env, http.MethodGet, "events", replay(t, 133))
	list, resp, err := env.client.Events.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, list, 3)
	e := list[0]
	assert.Equal(t, int64(1), e.ID)
	assert.Equal(t, "Call Ada about renewal (moved)", e.Title)
	assert.True(t, time.Unix(1796115600, 0).Equal(e.Start), "start %v", e.Start)
	assert.True(t, time.Unix(1796119200, 0).Equal(e.End))
	assert.True(t, e.Complete)
	assert.True(t, e.ShowOnCalendar)
	assert.Equal(t, int64(1), e.Owner)
	require.NotNil(t, e.Contact, "the embedded contact")
	assert.Equal(t, "ada.lovelace@example.com", e.Contact.Email)
	assert.Equal(t, "Augusta Ada", e.Contact.FirstName)
	assert.Equal(t, int64(1), e.CustomerID)
	assert.Nil(t, e.Company)

	require.NotNil(t, list[1].Contact)
	assert.Equal(t, "grace.hopper@example.com", list[1].Contact.Email)
	assert.False(t, list[1].Complete)
	assert.Nil(t, list[2].Contact)
	assert.True(t, time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC).Equal(list[2].Start))
	assert.Equal(t, 1, resp.Page)
	assert.Zero(t, resp.NextPage)
}

func TestEventsListRecordedFilters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		capture int
		opts    *EventListOptions
		query   url.Values
		wantIDs []int64
		next    int
	}{
		{"134: a page of one", 134, &EventListOptions{ListOptions: ListOptions{Page: 1, PerPage: 1}}, url.Values{"page": {"1"}, "perpage": {"1"}, "order": {"ASC"}}, []int64{1}, 2},
		{"135: by owner", 135, &EventListOptions{Owner: 1}, url.Values{"owner": {"1"}, "order": {"ASC"}}, []int64{1}, 0},
		{"owner with paging", 133, &EventListOptions{ListOptions: ListOptions{Page: 2, PerPage: 3}, Owner: 7},
			url.Values{"page": {"2"}, "perpage": {"3"}, "owner": {"7"}, "order": {"ASC"}}, []int64{1, 2, 3}, 3},
		{"nil options: only the order (6.6 lists newest first without it)", 133, nil, url.Values{"order": {"ASC"}}, []int64{1, 2, 3}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			w := serveWire(env, http.MethodGet, "events", replay(t, tt.capture))
			list, resp, err := env.client.Events.List(context.Background(), tt.opts)
			require.NoError(t, err)
			ids := []int64{}
			for _, e := range list {
				ids = append(ids, e.ID)
			}
			assert.Equal(t, tt.wantIDs, ids)
			assert.Equal(t, tt.next, resp.NextPage)
			assertWire(t, w.single(t), http.MethodGet, "events", tt.query, "")
		})
	}
}

func TestEventsListRecordedErrors(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveWire(env, http.MethodGet, "events", replay(t, 140))
	list, _, err := env.client.Events.List(context.Background(), nil)
	assert.Nil(t, list)
	assertAPIError(t, err, http.MethodGet, "events", want405)
}

// eventsByID answers the events list like a real site: the events with these
// IDs, sorted by ID, paged by page and perpage.
func eventsByID(ids []int64) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		q := req.URL.Query()
		page, _ := strconv.Atoi(q.Get("page"))
		perPage, _ := strconv.Atoi(q.Get("perpage"))
		page, perPage = max(page, 1), max(perPage, 1)
		if q.Get("order") != "ASC" {
			return nil, errors.New("test: the events list was not asked for ID order")
		}
		var b strings.Builder
		b.WriteByte('[')
		for i := (page - 1) * perPage; i < min(page*perPage, len(ids)); i++ {
			if b.Len() > 1 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":"%d","title":"e%d","start":1796115600,"end":1796119200,"complete":0,"reminders":[],"contact":[],"company":[]}`, ids[i], ids[i])
		}
		b.WriteByte(']')
		return jsonResponder(200, b.String())(req)
	}
}

// TestEventsCreateRefusesAnIDThatDoesNotExist: a real site answers an
// update of a missing ID with success and stores nothing (see
// TestRealSiteEventUpdateOfAMissingIDIsRefused); the SDK looks the event up
// first and writes only when it exists, in few reads of the list.
func TestEventsCreateRefusesAnIDThatDoesNotExist(t *testing.T) {
	t.Parallel()
	seq := func(from, to, step int64) []int64 {
		var ids []int64
		for id := from; id <= to; id += step {
			ids = append(ids, id)
		}
		return ids
	}
	dense := seq(1, 1000, 1)
	sparse := seq(1, 3000, 3)                                             // two of three deleted
	gappy := append(append(seq(1, 100, 1), seq(5000, 5100, 1)...), 1<<35) // a big hole, an outlier
	tests := []struct {
		name    string
		ids     []int64
		id      int64
		found   bool
		oneRead bool // found by the first read (no gaps below it)
	}{
		{"dense: the first read finds it", dense, 700, true, true},
		{"dense: the first", dense, 1, true, true},
		{"dense: the last", dense, 1000, true, true},
		{"dense: just past the last", dense, 1001, false, false},
		{"dense: far past the last", dense, 1 << 40, false, false},
		{"sparse: present", sparse, 2998, true, false},
		{"sparse: deleted", sparse, 2999, false, false},
		{"sparse: first", sparse, 1, true, true},
		{"gappy: after the hole", gappy, 5050, true, false},
		{"gappy: in the hole", gappy, 4000, false, false},
		{"gappy: the outlier", gappy, 1 << 35, true, false},
		{"gappy: past the outlier", gappy, 1<<35 + 1, false, false},
		{"no events at all", nil, 5, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			list := serveWire(env, http.MethodGet, "events", eventsByID(tt.ids))
			// A real site's answer to any update, whether the ID exists or not.
			write := serveWire(env, http.MethodPost, "create_event", jsonResponder(200,
				`{"title":"moved","customer":-1,"notes":"","to":"2026-12-01 10:00:00","from":"2026-12-01 09:00:00","notify":-1,"complete":0,"owner":-1,"id":`+strconv.FormatInt(tt.id, 10)+`}`))
			e, _, err := env.client.Events.Create(context.Background(), &EventRequest{ID: tt.id, Title: "moved",
				From: time.Unix(1796115600, 0), To: time.Unix(1796119200, 0)})
			reads, limit := len(list.requests()), 1
			if !tt.oneRead {
				limit = 2*bits.Len(uint(len(tt.ids))) + 2 // a gallop up, then halving
			}
			assert.LessOrEqual(t, reads, limit, "reads of the events list")
			if tt.found {
				require.NoError(t, err)
				assert.Equal(t, tt.id, e.ID)
				write.single(t)
				return
			}
			require.ErrorIs(t, err, ErrNotFound)
			assert.Nil(t, e)
			assert.Contains(t, err.Error(), "Events.Create: no event with ID "+strconv.FormatInt(tt.id, 10))
			assert.Empty(t, write.requests(), "nothing is written for a missing ID")
			assertErrorHidesSecret(t, err)
		})
	}
}

func TestDecodeRecordedEvents(t *testing.T) {
	t.Parallel()
	list := decodeRecorded[[]*Event](t, 133)
	require.Len(t, list, 3)

	e := list[0]
	assert.Equal(t, int64(1), e.ID)
	assert.Equal(t, int64(1), e.Owner)
	assert.Equal(t, "Call Ada about renewal (moved)", e.Title)
	assert.True(t, e.Start == time.Unix(1796115600, 0))
	assert.Equal(t, time.Unix(1796119200, 0), e.End)
	assert.True(t, e.Complete)
	assert.False(t, e.ShowOnPortal)
	assert.True(t, e.ShowOnCalendar)
	assert.Equal(t, []Reminder{}, e.Reminders)
	require.NotNil(t, e.Contact)
	assert.Equal(t, "ada.lovelace@example.com", e.Contact.Email)
	assert.Equal(t, int64(1), e.CustomerID)
	assert.Nil(t, e.Company, `"company":[] is no company`)
	assert.Nil(t, e.CustomFields)

	assert.False(t, list[1].Complete, `"complete":0`)
	assert.Equal(t, "grace.hopper@example.com", list[1].Contact.Email)
	assert.Nil(t, list[2].Contact, `"contact":[]`)
	assert.Equal(t, int64(0), list[2].CustomerID)
	assertTime(t, time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC), list[2].Start)
}

func TestEventRequestMarshal(t *testing.T) {
	t.Parallel()
	cet := time.FixedZone("CET", 3600)
	b, err := json.Marshal(EventRequest{
		Title: "Call Ada",
		From:  time.Date(2026, 12, 1, 10, 0, 0, 0, cet),
		To:    time.Date(2026, 12, 1, 11, 30, 0, 0, cet),
	})
	require.NoError(t, err)
	assert.Equal(t, `{"title":"Call Ada","from":"2026-12-01 09:00:00","to":"2026-12-01 10:30:00","notify":0,"complete":0}`, string(b),
		"complete and notify are always sent; times in UTC")

	b, err = json.Marshal(&EventRequest{
		ID: 7, Title: "Done", From: time.Unix(1796115600, 0), To: time.Unix(1796119200, 0),
		CustomerID: 1, Notes: "n", Complete: true, Remind24h: true, Owner: -1,
	})
	require.NoError(t, err)
	assert.Equal(t, `{"id":7,"title":"Done","from":"2026-12-01 09:00:00","to":"2026-12-01 10:00:00","customer":1,"notes":"n","notify":24,"complete":1,"owner":-1}`, string(b))

	// The server's reply to what we send decodes to the same instants.
	var e Event
	require.NoError(t, json.Unmarshal(b, &e))
	assert.True(t, e.Start.Equal(time.Unix(1796115600, 0)))
	assert.True(t, e.End.Equal(time.Unix(1796119200, 0)))
}

func TestDocumentedCreateEvent(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveDocumented(t, env, http.MethodPost, "create_event", "create_event.json")
	from := utc(2018, 2, 1, 3, 30, 0)
	e, _, err := env.client.Events.Create(context.Background(), &EventRequest{Title: "My Event From the API", From: from, To: from.Add(time.Hour),
		CustomerID: 44149, Notes: "Here are some notes for the event", Remind24h: true, Owner: 1})
	require.NoError(t, err)
	assert.Equal(t, "My Event From the API", e.Title)
	assert.Equal(t, "Here are some notes for the event", e.Description)
	assert.Equal(t, int64(44149), e.CustomerID)
	assert.True(t, from.Equal(e.Start), "start %v", e.Start)
	assert.True(t, from.Add(time.Hour).Equal(e.End), "end %v", e.End)
	assert.Equal(t, int64(1), e.Owner)
	require.Len(t, e.Reminders, 1, `"notify" : 24`)
	assert.Equal(t, -24*time.Hour, e.Reminders[0].Offset)
}

func TestDocumentedEvents(t *testing.T) {
	t.Parallel()
	env := setup(t)
	serveDocumented(t, env, http.MethodGet, "events", "events.json")
	list, resp, err := env.client.Events.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, list, 3)
	assert.Zero(t, resp.NextPage)
	tests := []struct {
		id         int64
		title      string
		start, end time.Time
		customer   int64
	}{
		{44155, "My Event From the API", utc(2018, 2, 11, 20, 0, 0), utc(2018, 2, 11, 21, 0, 0), 44149},
		{38143, "Demo with Wendy", utc(2018, 1, 6, 2, 0, 0), utc(2018, 1, 6, 2, 15, 0), 37792},
		{38137, "Demo with Mark", utc(2018, 1, 20, 13, 0, 0), utc(2018, 1, 20, 13, 15, 0), 3085},
	}
	for i, tt := range tests {
		e := list[i]
		assert.Equal(t, tt.id, e.ID)
		assert.Equal(t, tt.title, e.Title)
		assert.True(t, tt.start.Equal(e.Start), "%d start %v", tt.id, e.Start)
		assert.True(t, tt.end.Equal(e.End), "%d end %v", tt.id, e.End)
		assert.Equal(t, tt.customer, e.CustomerID, "meta.customer, not the top-level false")
		assert.False(t, e.Complete, `"complete":"-1"`)
		assert.Nil(t, e.Contact)
	}
	assert.Equal(t, int64(1), list[0].Owner)
}
