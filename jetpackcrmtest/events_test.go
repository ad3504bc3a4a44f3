package jetpackcrmtest_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

func TestCreateEventFailures(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for name, body := range map[string]string{
		"title only":           `{"title":"Minimal task"}`,
		"no to":                `{"title":"T","from":"12/01/2026 09:00:00"}`,
		"empty object":         `{}`,
		"malformed JSON":       `{"title":`,
		"empty body":           ``,
		"update without dates": `{"id":1,"title":"moved","complete":1}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := post(t, srv, "create_event", body)
			assert.Equal(t, http.StatusOK, r.status)
			assert.Equal(t, `{"error":100}`, string(r.body))
		})
	}
	t.Run("nothing was created", func(t *testing.T) {
		assert.Zero(t, srv.Counts().Events)
	})
}

// TestCreateEventCasts checks what the plugin's (int) casts and its update
// of a row that does not exist do (observed on 6.4.4 and 6.6.1 sites).
func TestCreateEventCasts(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	const dates = `"from":"12/01/2031 09:00:00","to":"12/01/2031 10:00:00"`
	r := post(t, srv, "create_event", `{"id":999999999,"title":"Ghost",`+dates+`,"notify":24}`)
	assert.Equal(t, `{"title":"Ghost","customer":-1,"notes":"","to":"12\/01\/2031 10:00:00","from":"12\/01\/2031 09:00:00","notify":24,"complete":-1,"owner":-1,"id":999999999}`, string(r.body),
		"an unknown id answers success with that id")
	assert.Zero(t, srv.Counts().Events, "and stores nothing")

	r = post(t, srv, "create_event", `{"id":"abc","title":"T",`+dates+`}`)
	assert.Contains(t, string(r.body), `"id":1}`, "a non-numeric id is 0: a new task")
	r = post(t, srv, "create_event", `{"customer":"abc","title":"T2",`+dates+`}`)
	assert.Contains(t, string(r.body), `"customer":0,`, "a non-numeric customer is 0")
	assert.Equal(t, 2, srv.Counts().Events)
}

func TestCreateEvent(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := newServer(t, jetpackcrmtest.WithClock(clock.Now))
	post(t, srv, "create_customer", `{"email":"ada@example.com"}`)

	// Capture 120's request and reply.
	r := post(t, srv, "create_event", `{"title":"Call Ada about renewal","customer":1,"notes":"Discuss the annual plan","from":"11/29/2026 03:00:00","to":"11/29/2026 04:00:00","notify":24,"complete":0,"owner":1}`)
	assert.Equal(t, `{"title":"Call Ada about renewal","customer":1,"notes":"Discuss the annual plan","to":"11\/29\/2026 04:00:00","from":"11\/29\/2026 03:00:00","notify":24,"complete":0,"owner":1,"id":1}`, string(r.body))
	e, ok := srv.Event(1)
	require.True(t, ok)
	assert.Equal(t, time.Date(2026, 11, 29, 3, 0, 0, 0, time.UTC), e.Start)
	assert.False(t, e.Complete)
	assert.Equal(t, int64(1), e.Owner)
	require.Len(t, e.Reminders, 1)
	assert.Equal(t, -24*time.Hour, e.Reminders[0].RemindAt)

	list := get(t, srv, "events").list(t)
	require.Len(t, list, 1)
	assert.Equal(t, []string{"id", "owner", "title", "desc", "start", "start_date", "end", "end_date", "complete", "show_on_portal", "show_on_cal", "created", "created_date", "lastupdated", "lastupdated_date", "reminders", "contact", "company"}, list[0].keys())
	rem := list[0].get("reminders").([]any)[0].(orderedObject)
	assert.Equal(t, json.Number("-86400"), rem.get("remind_at"))
	assert.Equal(t, json.Number("-1"), rem.get("sent"))
	assert.Equal(t, json.Number("1"), rem.get("event"))
	assert.Len(t, list[0].get("contact").([]any), 1)
	assert.Equal(t, "2026-11-29 03:00:00", list[0].get("start_date"))

	// Update by id without notify: reminders go, description is blanked,
	// owner and contact stay (capture 124).
	clock.Advance(time.Second)
	r = post(t, srv, "create_event", `{"id":1,"title":"Call Ada (moved)","from":"12/01/2026 09:00:00","to":"12/01/2026 10:00:00","complete":1}`)
	assert.Equal(t, `{"title":"Call Ada (moved)","customer":-1,"notes":"","to":"12\/01\/2026 10:00:00","from":"12\/01\/2026 09:00:00","notify":-1,"complete":1,"owner":-1,"id":1}`, string(r.body))
	e, _ = srv.Event(1)
	assert.Empty(t, e.Reminders)
	assert.Empty(t, e.Description)
	assert.Equal(t, int64(1), e.Owner)
	assert.Equal(t, int64(1), e.ContactID)
	assert.True(t, e.Complete)
	assert.Equal(t, clock.Now(), e.LastUpdated)

	// Update by event_id, with notify again.
	post(t, srv, "create_event", `{"event_id":1,"title":"Again","from":"12/01/2026 09:00:00","to":"12/01/2026 10:00:00","notify":24,"complete":0}`)
	e, _ = srv.Event(1)
	assert.Equal(t, "Again", e.Title)
	assert.Len(t, e.Reminders, 1)
	assert.Equal(t, 1, srv.Counts().Events)
}

func TestCreateEventOmittedCompleteIsStoredDone(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r := post(t, srv, "create_event", `{"title":"ISO dates","from":"2025-03-01T10:00:00Z","to":"2025-03-01T11:00:00Z"}`)
	assert.Equal(t, `{"title":"ISO dates","customer":-1,"notes":"","to":"2025-03-01T11:00:00Z","from":"2025-03-01T10:00:00Z","notify":-1,"complete":-1,"owner":-1,"id":1}`, string(r.body))
	o := get(t, srv, "events").list(t)[0]
	assert.Equal(t, json.Number("1"), o.get("complete"))
	assert.Equal(t, json.Number("1740823200"), o.get("start"))
	assert.Equal(t, "0", o.get("owner"), "no admin owner: 0")
	assert.Equal(t, []any{}, o.get("contact"))
}

func TestCreateEventDateFormats(t *testing.T) {
	t.Parallel()
	want := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for _, from := range []string{
		"12/01/2026 09:00:00", "12/1/2026 9:00", "2026-12-01 09:00:00", "2026-12-01 09:00",
		"2026-12-01T09:00:00Z", "2026-12-01T10:00:00+01:00", "2026-12-01T09:00:00.000Z", "@1796115600",
	} {
		t.Run(from, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			post(t, srv, "create_event", `{"title":"T","from":"`+from+`","to":"`+from+`","complete":0}`)
			e, ok := srv.Event(1)
			require.True(t, ok)
			assert.Equal(t, want, e.Start)
		})
	}
	t.Run("unreadable: 0", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		post(t, srv, "create_event", `{"title":"T","from":"whenever","to":"later","complete":0}`)
		o := get(t, srv, "events").list(t)[0]
		assert.Equal(t, json.Number("0"), o.get("start"))
		assert.Equal(t, false, o.get("start_date"))
	})
}

func TestEventsList(t *testing.T) {
	t.Parallel()
	srv := newServer(t, jetpackcrmtest.WithAdminUsers(1, 2))
	co, err := srv.SeedCompany(jetpackcrmtest.Company{Name: "Co", Email: "co@example.com"})
	require.NoError(t, err)
	_, err = srv.SeedEvent(jetpackcrmtest.Event{Title: "seeded", Owner: 2, CompanyID: co.ID})
	require.NoError(t, err)
	post(t, srv, "create_event", `{"title":"mine","from":"today","to":"tomorrow","owner":1,"complete":0}`)
	post(t, srv, "create_event", `{"title":"nobody's","from":"today","to":"tomorrow","owner":5,"complete":0}`)

	tests := []struct {
		name  string
		query []string
		want  []string
	}{
		{"all", nil, []string{"1", "2", "3"}},
		{"owner", []string{"owner", "1"}, []string{"2"}},
		{"owned", []string{"owned", "2"}, []string{"1"}},
		{"owner wins over owned", []string{"owner", "1", "owned", "2"}, []string{"2"}},
		{"owner 0 falls back to owned", []string{"owner", "0", "owned", "2"}, []string{"1"}},
		{"nobody", []string{"owned", "999"}, nil},
		{"pages", []string{"perpage", "2", "page", "2"}, []string{"3"}},
		{"negative page", []string{"page", "-1"}, []string{"1", "2", "3"}},
		{"non-numeric perpage", []string{"perpage", "abc"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, get(t, srv, "events", tc.query...).ids(t))
		})
	}
	company := get(t, srv, "events").list(t)[0].get("company").([]any)
	require.Len(t, company, 1)
	assert.Equal(t, companyKeys, company[0].(orderedObject).keys(), "embedded companies carry their contacts")
}
