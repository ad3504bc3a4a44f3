package jetpackcrm_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// The check Events.Create makes after an ambiguous failure, against the
// fake of both list orders: 6.4.4 lists events oldest first whatever is
// asked, 6.6.1 newest first when asked.

// checkPolicy retries fast; the check waits WaitMin before looking.
var checkPolicy = jetpackcrm.RetryPolicy{MaxRetries: 4, WaitMin: time.Millisecond, WaitMax: 2 * time.Millisecond, MaxElapsed: time.Minute}

var checkVersions = []string{"6.4.4", "6.6.1"}

// newCheckEnv is a fake of version with prior events (more than two pages
// of the check's 50), and a Client on it.
func newCheckEnv(t *testing.T, version string, prior int, opts ...jetpackcrm.Option) (*jetpackcrmtest.Server, *jetpackcrm.Client) {
	t.Helper()
	env := setupFake(t, []jetpackcrmtest.Option{jetpackcrmtest.WithCRMVersion(version)}, append([]jetpackcrm.Option{jetpackcrm.WithRetryPolicy(checkPolicy)}, opts...)...)
	old := time.Now().Add(-time.Hour)
	for i := range prior {
		_, err := env.srv.SeedEvent(jetpackcrmtest.Event{Title: fmt.Sprintf("Prior %d", i), Start: old, End: old, Created: old})
		require.NoError(t, err)
	}
	return env.srv, env.client
}

func checkRequest(title string) *jetpackcrm.EventRequest {
	from := time.Date(2031, 3, 4, 10, 0, 0, 0, time.UTC)
	return &jetpackcrm.EventRequest{Title: title, From: from, To: from.Add(time.Hour), Notes: "check", Remind24h: true}
}

func eventsTitled(srv *jetpackcrmtest.Server, title string) []jetpackcrmtest.Event {
	var out []jetpackcrmtest.Event
	for _, e := range srv.Events() {
		if e.Title == title {
			out = append(out, e)
		}
	}
	return out
}

// Each ambiguous answer is settled: an applied write is found by the check
// and returned as stored, without a second send; one that was not applied
// is sent again. Either way the event is stored once.
func TestEventsCreateSettlesAnAmbiguousFailure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fault jetpackcrmtest.FaultKind
		found bool // applied, so found by the check
	}{
		{jetpackcrmtest.FaultResetAfterWrite, true},
		{jetpackcrmtest.Fault502AfterWrite, true},
		{jetpackcrmtest.FaultUndecodableAfterWrite, true},
		{jetpackcrmtest.FaultResetBeforeWrite, false},
		{jetpackcrmtest.Fault500, false},
		{jetpackcrmtest.Fault502, false},
	}
	for _, version := range checkVersions {
		for _, tc := range tests {
			t.Run(version+"/"+tc.fault.String(), func(t *testing.T) {
				t.Parallel()
				srv, c := newCheckEnv(t, version, 120)
				srv.InjectSchedule("create_event", tc.fault)
				e, resp, err := c.Events.Create(context.Background(), checkRequest("Settled"))
				require.NoError(t, err)
				stored := eventsTitled(srv, "Settled")
				require.Len(t, stored, 1, "stored once")
				assert.Equal(t, stored[0].ID, e.ID, "the stored event is returned")
				assert.Equal(t, "Settled", e.Title)
				assert.Len(t, e.Reminders, 1)
				sends := 0
				for _, ep := range endpoints(srv) {
					if ep == "create_event" {
						sends++
					}
				}
				if tc.found {
					assert.Equal(t, 1, sends, "found: not sent again")
					assert.Contains(t, resp.Request.URL.Path, "/events/", "the list's answer")
					assert.Equal(t, stored[0].Created.Unix(), e.Created.Unix(), "the stored record, with its created time")
				} else {
					assert.Equal(t, 2, sends, "not stored: sent again")
					assert.Contains(t, resp.Request.URL.Path, "/create_event/")
				}
			})
		}
	}
}

// The check reads little: one page on a site that lists newest first, and
// on 6.4 a few to find the last page the first time, then one or two from
// the page found last time.
func TestEventsCreateCheckReadsFew(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		version                  string
		firstAtMost, laterAtMost int
	}{
		{"6.6.1", 1, 1},
		{"6.4.4", 12, 2},
	} {
		t.Run(tc.version, func(t *testing.T) {
			t.Parallel()
			srv, c := newCheckEnv(t, tc.version, 1000)
			for i, atMost := range []int{tc.firstAtMost, tc.laterAtMost, tc.laterAtMost} {
				srv.ResetLog()
				srv.InjectSchedule("create_event", jetpackcrmtest.FaultResetAfterWrite)
				_, _, err := c.Events.Create(context.Background(), checkRequest(fmt.Sprint("Few ", i)))
				require.NoError(t, err)
				reads := 0
				for _, ep := range endpoints(srv) {
					if ep == "events" {
						reads++
					}
				}
				assert.LessOrEqual(t, reads, atMost, "check %d read %d pages", i, reads)
				t.Logf("%s: check %d read %d pages of 50 among %d events", tc.version, i, reads, 1000+i+1)
			}
		})
	}
}

// What the check cannot decide, and what the caller gets.
func TestEventsCreateCheckThatCannotDecide(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("an identical event by someone else, this call's not stored: taken as this call's", func(t *testing.T) {
		t.Parallel()
		srv, c := newCheckEnv(t, "6.6.1", 10)
		req := checkRequest("Twin")
		other, err := srv.SeedEvent(jetpackcrmtest.Event{Title: req.Title, Description: req.Notes, Start: req.From, End: req.To,
			Reminders: []jetpackcrmtest.Reminder{{RemindAt: -24 * time.Hour}}})
		require.NoError(t, err)
		srv.InjectSchedule("create_event", jetpackcrmtest.FaultResetBeforeWrite)
		e, _, err := c.Events.Create(ctx, req)
		require.NoError(t, err)
		assert.Equal(t, other.ID, e.ID, "the documented wrong decision: the other's event is returned")
		assert.Len(t, eventsTitled(srv, req.Title), 1, "and this call's was never stored")
	})
	t.Run("an identical event by someone else, this call's stored too: both IDs", func(t *testing.T) {
		t.Parallel()
		srv, c := newCheckEnv(t, "6.4.4", 10)
		req := checkRequest("Twin")
		other, err := srv.SeedEvent(jetpackcrmtest.Event{Title: req.Title, Description: req.Notes, Start: req.From, End: req.To,
			Reminders: []jetpackcrmtest.Reminder{{RemindAt: -24 * time.Hour}}})
		require.NoError(t, err)
		srv.InjectSchedule("create_event", jetpackcrmtest.FaultResetAfterWrite)
		_, _, err = c.Events.Create(ctx, req)
		var ce *jetpackcrm.WriteCheckError
		require.ErrorAs(t, err, &ce)
		stored := eventsTitled(srv, req.Title)
		require.Len(t, stored, 2)
		assert.ElementsMatch(t, []int64{other.ID, stored[1].ID}, ce.Matches)
		assert.True(t, jetpackcrm.MayHaveBeenApplied(err))
		assert.Contains(t, err.Error(), "2 records created since the call began match what was sent")
		var re *jetpackcrm.RequestError
		assert.ErrorAs(t, err, &re, "the write's own failure is still there")
		relAssertNoSecret(t, err.Error(), fmt.Sprintf("%+v", err))
	})
	t.Run("the list cannot be read", func(t *testing.T) {
		t.Parallel()
		srv, c := newCheckEnv(t, "6.6.1", 10)
		srv.InjectSchedule("create_event", jetpackcrmtest.FaultResetAfterWrite)
		srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: "events", Schedule: []jetpackcrmtest.FaultKind{jetpackcrmtest.Fault500}, Repeat: true})
		_, _, err := c.Events.Create(ctx, checkRequest("Unread"))
		var ce *jetpackcrm.WriteCheckError
		require.ErrorAs(t, err, &ce)
		require.Error(t, ce.CheckErr)
		assert.ErrorIs(t, ce.CheckErr, jetpackcrm.ErrInternal)
		assert.True(t, jetpackcrm.MayHaveBeenApplied(err))
		assert.Len(t, eventsTitled(srv, "Unread"), 1, "stored, and not sent again")
		relAssertNoSecret(t, err.Error(), fmt.Sprintf("%+v", err))
	})
	t.Run("attempts run out: not stored", func(t *testing.T) {
		t.Parallel()
		srv, c := newCheckEnv(t, "6.4.4", 10, jetpackcrm.WithoutRetries())
		srv.InjectSchedule("create_event", jetpackcrmtest.FaultResetBeforeWrite)
		_, _, err := c.Events.Create(ctx, checkRequest("Out"))
		var ce *jetpackcrm.WriteCheckError
		require.ErrorAs(t, err, &ce)
		assert.True(t, ce.NotFound)
		assert.False(t, ce.MayStillBeRunning)
		assert.False(t, jetpackcrm.MayHaveBeenApplied(err), "checked: not stored")
		assert.Contains(t, err.Error(), "not stored, and not sent again")
		assert.NotContains(t, err.Error(), "may have been applied")
		assert.Empty(t, eventsTitled(srv, "Out"))
	})
	t.Run("event times from another clock than the Date header", func(t *testing.T) {
		t.Parallel()
		srv, c := newCheckEnv(t, "6.6.1", 10)
		_, err := srv.SeedEvent(jetpackcrmtest.Event{Title: "From the future", Created: time.Now().Add(time.Hour)})
		require.NoError(t, err)
		srv.InjectSchedule("create_event", jetpackcrmtest.FaultResetBeforeWrite)
		_, _, err = c.Events.Create(ctx, checkRequest("Clocks"))
		var ce *jetpackcrm.WriteCheckError
		require.ErrorAs(t, err, &ce)
		assert.ErrorContains(t, ce.CheckErr, "the two clocks disagree")
		assert.True(t, jetpackcrm.MayHaveBeenApplied(err))
		assert.Empty(t, eventsTitled(srv, "Clocks"), "not sent again")
	})
}

// A server in front of the fake that answers a 504 Gateway Timeout to the
// first create (the server may still be running it), or strips the Date
// header of every answer.
func TestEventsCreateWhenTheServerMayStillBeRunningOrHasNoClock(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		wrap  func(fake http.Handler, w http.ResponseWriter, r *http.Request, first bool) bool
		check func(t *testing.T, ce *jetpackcrm.WriteCheckError)
	}{
		{"504", func(_ http.Handler, w http.ResponseWriter, r *http.Request, first bool) bool {
			if first && strings.Contains(r.URL.Path, "create_event") {
				w.WriteHeader(http.StatusGatewayTimeout)
				return true
			}
			return false
		}, func(t *testing.T, ce *jetpackcrm.WriteCheckError) {
			assert.True(t, ce.NotFound)
			assert.True(t, ce.MayStillBeRunning)
			assert.Contains(t, ce.Error(), "the server may still be running the request")
		}},
		{"no Date header", func(fake http.Handler, w http.ResponseWriter, r *http.Request, first bool) bool {
			if first && strings.Contains(r.URL.Path, "create_event") {
				w.WriteHeader(http.StatusBadGateway)
				return true
			}
			fake.ServeHTTP(noDate{w}, r)
			return true
		}, func(t *testing.T, ce *jetpackcrm.WriteCheckError) {
			assert.ErrorContains(t, ce.CheckErr, "Date header")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var first atomic.Bool
			first.Store(true)
			var sends atomic.Int32
			env := setupFakeBehind(t, func(fake http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if strings.Contains(r.URL.Path, "create_event") {
						sends.Add(1)
					}
					if !tc.wrap(fake, w, r, first.Swap(false) && strings.Contains(r.URL.Path, "create_event")) {
						fake.ServeHTTP(w, r)
					}
				})
			}, nil, jetpackcrm.WithRetryPolicy(checkPolicy))
			_, _, err := env.client.Events.Create(context.Background(), checkRequest("Gateway"))
			var ce *jetpackcrm.WriteCheckError
			require.ErrorAs(t, err, &ce)
			tc.check(t, ce)
			assert.True(t, jetpackcrm.MayHaveBeenApplied(err))
			assert.Equal(t, int32(1), sends.Load(), "not sent again")
		})
	}
}

// noDate suppresses the Date header net/http would add.
type noDate struct{ http.ResponseWriter }

func (w noDate) WriteHeader(code int) {
	w.Header()["Date"] = nil
	w.ResponseWriter.WriteHeader(code)
}

func (w noDate) Write(b []byte) (int, error) {
	if _, ok := w.Header()["Date"]; !ok {
		w.Header()["Date"] = nil
	}
	return w.ResponseWriter.Write(b)
}

// Identical creates on one Client never take each other's event: one after
// the other (the second's answer lost before the write) and many at once.
func TestEventsCreateIdenticalCallsOnOneClient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, version := range checkVersions {
		t.Run(version+"/in a row", func(t *testing.T) {
			t.Parallel()
			srv, c := newCheckEnv(t, version, 10)
			first, _, err := c.Events.Create(ctx, checkRequest("Same"))
			require.NoError(t, err)
			srv.InjectSchedule("create_event", jetpackcrmtest.FaultResetBeforeWrite)
			second, _, err := c.Events.Create(ctx, checkRequest("Same"))
			require.NoError(t, err)
			assert.NotEqual(t, first.ID, second.ID, "the first call's event is not the second's")
			assert.Len(t, eventsTitled(srv, "Same"), 2)
		})
		t.Run(version+"/at once", func(t *testing.T) {
			t.Parallel()
			const n = 12
			srv, c := newCheckEnv(t, version, 10)
			srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: "create_event", Rate: 0.5, Seed: 7,
				Kinds: []jetpackcrmtest.FaultKind{jetpackcrmtest.FaultResetBeforeWrite, jetpackcrmtest.FaultResetAfterWrite}})
			ids := make(chan int64, n)
			var wg sync.WaitGroup
			for range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					e, _, err := c.Events.Create(ctx, checkRequest("Same"))
					if assert.NoError(t, err) {
						ids <- e.ID
					}
				}()
			}
			wg.Wait()
			close(ids)
			seen := map[int64]bool{}
			for id := range ids {
				assert.False(t, seen[id], "event %d returned twice", id)
				seen[id] = true
			}
			assert.Len(t, eventsTitled(srv, "Same"), n, "one event per call")
			assert.Positive(t, srv.FaultCount(jetpackcrmtest.FaultResetAfterWrite)+srv.FaultCount(jetpackcrmtest.FaultResetBeforeWrite))
		})
	}
}

// RetryUnsafe does not make Events.Create resend blindly: after a 500 it
// checks the list first. All sends count toward MaxRetries.
func TestEventsCreateIgnoresRetryUnsafeAndCountsEverySend(t *testing.T) {
	t.Parallel()
	t.Run("RetryUnsafe", func(t *testing.T) {
		t.Parallel()
		p := checkPolicy
		p.RetryUnsafe = true
		srv, c := newCheckEnv(t, "6.6.1", 0, jetpackcrm.WithRetryPolicy(p))
		srv.InjectSchedule("create_event", jetpackcrmtest.Fault500)
		_, resp, err := c.Events.Create(context.Background(), checkRequest("Unsafe"))
		require.NoError(t, err)
		assert.Equal(t, []string{"create_event", "events", "create_event"}, endpoints(srv), "checked before the second send")
		assert.Equal(t, 2, resp.Attempts)
	})
	t.Run("MaxRetries", func(t *testing.T) {
		t.Parallel()
		p := checkPolicy
		p.MaxRetries = 2
		srv, c := newCheckEnv(t, "6.4.4", 0, jetpackcrm.WithRetryPolicy(p))
		srv.InjectSchedule("create_event", jetpackcrmtest.Fault429, jetpackcrmtest.FaultResetBeforeWrite, jetpackcrmtest.FaultResetBeforeWrite, jetpackcrmtest.FaultNone)
		_, _, err := c.Events.Create(context.Background(), checkRequest("Budget"))
		var ce *jetpackcrm.WriteCheckError
		require.ErrorAs(t, err, &ce)
		assert.True(t, ce.NotFound)
		var re *jetpackcrm.RequestError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, 3, re.Attempts, "the 429's retry and the resend count: 1 + MaxRetries sends")
		assert.Empty(t, eventsTitled(srv, "Budget"))
	})
}

// Text is matched as the server stores it (white space folded and trimmed,
// HTML-escaped, emoji as references): an applied create with such text is
// found, not resent. (Text the server would change otherwise, tags, %XX,
// backslashes or a title cut short, is refused before sending.)
func TestEventsCreateCheckMatchesTextAsStored(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 31) // 248 of the title's 255 bytes as entities
	for _, title := range []string{
		"  Call  Ada\tabout renewal  ",
		`Tom & Jerry's "show"`,
		"Call 😀 back",
		long,
		"Café Ünïcode",
	} {
		t.Run(fmt.Sprintf("%.20q", title), func(t *testing.T) {
			t.Parallel()
			srv, c := newCheckEnv(t, "6.6.1", 5)
			srv.InjectSchedule("create_event", jetpackcrmtest.FaultResetAfterWrite)
			req := checkRequest(title)
			req.Notes = "  some notes\t & more "
			e, _, err := c.Events.Create(context.Background(), req)
			require.NoError(t, err)
			require.Len(t, srv.Events(), 6, "found, not sent again")
			assert.Equal(t, srv.Events()[5].ID, e.ID)
		})
	}
}

// A context that ends stops at once, unchecked.
func TestEventsCreateCancelledIsNotChecked(t *testing.T) {
	t.Parallel()
	srv, c := newCheckEnv(t, "6.6.1", 0)
	srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: "create_event", Schedule: []jetpackcrmtest.FaultKind{jetpackcrmtest.FaultLatency}, Latency: 5 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, _, err := c.Events.Create(ctx, checkRequest("Cancelled"))
	require.Error(t, err)
	var ce *jetpackcrm.WriteCheckError
	assert.False(t, errors.As(err, &ce))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.True(t, jetpackcrm.MayHaveBeenApplied(err))
	// The fake logs a request when its handler returns.
	require.Eventually(t, func() bool { return len(srv.Requests()) > 0 }, 10*time.Second, 5*time.Millisecond)
	assert.Equal(t, []string{"create_event"}, endpoints(srv), "no read of the list")
}

// Transactions.Create is an upsert by order ID: a 2xx it cannot read
// (the write happened) is sent again, and the answer returned is the
// stored transaction's; a 502 after the write is retried the same way.
func TestTransactionsCreateSendsAgainAfterAnUnreadableAnswer(t *testing.T) {
	t.Parallel()
	for _, fault := range []jetpackcrmtest.FaultKind{jetpackcrmtest.FaultUndecodableAfterWrite, jetpackcrmtest.Fault502AfterWrite, jetpackcrmtest.FaultResetAfterWrite} {
		t.Run(fault.String(), func(t *testing.T) {
			t.Parallel()
			env := setupFake(t, nil, jetpackcrm.WithRetryPolicy(checkPolicy))
			srv, c := env.srv, env.client
			srv.InjectSchedule("create_transaction", fault, fault)
			req := &jetpackcrm.TransactionRequest{OrderID: "ORD-9", Status: "Succeeded", Total: decimal.RequireFromString("12.50"), Title: "Widget", Currency: "EUR"}
			tx, resp, err := c.Transactions.Create(context.Background(), req)
			require.NoError(t, err)
			assert.Equal(t, 3, resp.Attempts)
			stored := srv.Transactions()
			require.Len(t, stored, 1, "once, whatever the sends")
			assert.Equal(t, stored[0].ID, tx.ID)
			assert.Equal(t, stored[0].Title, tx.Title)
			assert.Equal(t, stored[0].Status, tx.Status)
			assert.True(t, tx.Total.Equal(decimal.RequireFromString(stored[0].Total)))
		})
	}
	t.Run("attempts run out", func(t *testing.T) {
		t.Parallel()
		p := checkPolicy
		p.MaxRetries = 1
		env := setupFake(t, nil, jetpackcrm.WithRetryPolicy(p))
		srv, c := env.srv, env.client
		srv.InjectSchedule("create_transaction", jetpackcrmtest.FaultUndecodableAfterWrite, jetpackcrmtest.FaultUndecodableAfterWrite)
		_, _, err := c.Transactions.Create(context.Background(), &jetpackcrm.TransactionRequest{OrderID: "ORD-10", Status: "Paid", Total: decimal.NewFromInt(3)})
		var de *jetpackcrm.DecodeError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, 2, de.Attempts)
		assert.True(t, jetpackcrm.MayHaveBeenApplied(err))
		assert.Len(t, srv.Transactions(), 1)
	})
}

// relEventFaultKinds are the faults of the events test: every answer that
// leaves a create ambiguous (a reset before or after the write, a 5xx
// without Retry-After, a proxy's 502 or a half body after the write), and
// the 429 that is never applied.
var relEventFaultKinds = []jetpackcrmtest.FaultKind{
	jetpackcrmtest.Fault429, jetpackcrmtest.Fault500, jetpackcrmtest.Fault502, jetpackcrmtest.Fault503,
	jetpackcrmtest.FaultResetBeforeWrite, jetpackcrmtest.FaultResetAfterWrite,
	jetpackcrmtest.Fault502AfterWrite, jetpackcrmtest.FaultUndecodableAfterWrite,
}

// relEventsN is how many events the events test creates (JCRM_REL_EVENTS_N,
// default 2,000; RELIABILITY.md quotes a run of 20,000).
func relEventsN(t *testing.T) int {
	if v := os.Getenv("JCRM_REL_EVENTS_N"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "JCRM_REL_EVENTS_N")
		return n
	}
	return 2000
}

// Events.Create has no key to upsert on: after a failure that may have
// been applied it checks the events list and returns the stored event, or
// sends again. With 15% of the creates and 15% of the list reads failing
// with every ambiguous answer, each call's event is stored exactly once
// (none duplicated, none lost), every success returns the stored event,
// and at most 1 call in 1,000 is left ambiguous.
// It runs against the fake of 6.4.4, which lists events oldest first, and
// of 6.6.1, which lists them newest first when asked.
func TestReliabilityEventsAreNeitherLostNorDuplicated(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"6.4.4", "6.6.1"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			relEventsUnderFaults(t, version)
		})
	}
}

func relEventsUnderFaults(t *testing.T, version string) {
	n, workers := relEventsN(t), 16
	env := setupFake(t, []jetpackcrmtest.Option{jetpackcrmtest.WithRequestLogLimit(1 << 22), jetpackcrmtest.WithCRMVersion(version)})
	env.srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: "create_event", Rate: 0.15, Kinds: relEventFaultKinds, Seed: relSeedEvents, RetryAfter: -1})
	env.srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: "events", Rate: 0.15, Kinds: relEventFaultKinds, Seed: relSeedEvents + 1, RetryAfter: -1})
	from := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	title := func(i int) string { return fmt.Sprintf("Call %05d", i) }
	ctx := context.Background()
	start := time.Now()
	returned := make([]*jetpackcrm.Event, n)
	var checked atomic.Int64
	_, errs := relRun(n, workers, func(i int) (int, error) {
		e, resp, err := env.client.Events.Create(ctx, &jetpackcrm.EventRequest{
			Title: title(i), From: from.Add(time.Duration(i) * time.Hour), To: from.Add(time.Duration(i)*time.Hour + 30*time.Minute),
			Notes: "reliability", Complete: i%3 == 0, Remind24h: i%2 == 0,
		})
		if err == nil && (e == nil || e.ID == 0 || e.Title != title(i)) {
			err = fmt.Errorf("bad event %+v", e)
		}
		if err == nil && strings.Contains(resp.Request.URL.Path, "/events/") {
			checked.Add(1) // found by the check: the list's answer
		}
		returned[i] = e
		return 0, err
	})
	elapsed := time.Since(start)

	stored := map[string][]jetpackcrmtest.Event{}
	for _, e := range env.srv.Events() {
		stored[e.Title] = append(stored[e.Title], e)
	}
	var ok, ambiguous, notStored, duplicated, lost int
	for i, err := range errs {
		got := stored[title(i)]
		if len(got) > 1 {
			duplicated++
			t.Errorf("event %q stored %d times", title(i), len(got))
		}
		switch {
		case err == nil:
			ok++
			if len(got) == 0 {
				lost++
				t.Errorf("call %d succeeded but its event is missing", i)
			} else {
				assert.Equal(t, got[0].ID, returned[i].ID, "call %d returned the stored event", i)
				assert.Equal(t, i%3 == 0, returned[i].Complete)
			}
		case jetpackcrm.MayHaveBeenApplied(err):
			ambiguous++
			t.Logf("call %d left ambiguous (%d stored): %v", i, len(got), err)
		default:
			var ce *jetpackcrm.WriteCheckError
			if !errors.As(err, &ce) || !ce.NotFound {
				t.Errorf("call %d: %v", i, err)
			}
			notStored++
			if len(got) != 0 {
				lost++ // reported as not stored, but it was
				t.Errorf("call %d said not stored, but its event exists", i)
			}
		}
		relAssertNoSecret(t, fmt.Sprint(err), fmt.Sprintf("%+v", err))
	}
	counts := env.srv.FaultCounts()
	var created, reads int
	for _, r := range env.srv.Requests() {
		switch r.Endpoint {
		case "create_event":
			created++
		case "events":
			reads++
		}
	}
	assert.Zero(t, duplicated, "duplicated")
	assert.Zero(t, lost, "lost")
	assert.LessOrEqual(t, ambiguous*1000, n, "at most 1 call in 1,000 left ambiguous")
	assert.Positive(t, counts[jetpackcrmtest.FaultResetAfterWrite]+counts[jetpackcrmtest.Fault502AfterWrite]+counts[jetpackcrmtest.FaultUndecodableAfterWrite])
	assert.Positive(t, checked.Load(), "some events were found by the check")
	var faults []string
	total := 0
	for _, k := range relEventFaultKinds {
		faults = append(faults, fmt.Sprintf("%s=%d", k, counts[k]))
		total += counts[k]
	}
	t.Logf("%s: Events.Create x%d, %d workers, seed %d, 15%% faults on create_event and events: %d create requests, %d list reads, %d faults (%s); "+
		"%d succeeded (%d returned by the check), %d not stored and not resent, %d ambiguous; %d events stored, %d duplicated, %d lost, %v",
		version, n, workers, relSeedEvents, created, reads, total, strings.Join(faults, " "),
		ok, checked.Load(), notStored, ambiguous, len(env.srv.Events()), duplicated, lost, elapsed.Round(time.Millisecond))
}
