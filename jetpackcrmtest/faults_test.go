package jetpackcrmtest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// freshClient sends each request on a new connection, so that Go's
// transport never retries a reset request on its own.
func freshClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

func TestFaultSchedule(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.InjectSchedule("create_customer",
		jetpackcrmtest.Fault429, jetpackcrmtest.FaultNone, jetpackcrmtest.Fault500,
		jetpackcrmtest.Fault502, jetpackcrmtest.Fault503, jetpackcrmtest.FaultHTMLNotice)

	create := func(n int) result {
		return post(t, srv, "create_customer", `{"email":"c`+strings.Repeat("x", n)+`@example.com"}`)
	}
	r := create(1)
	assert.Equal(t, http.StatusTooManyRequests, r.status)
	assert.Equal(t, "1", r.header.Get("Retry-After"))
	assert.Equal(t, 0, srv.Counts().Contacts, "a 429 applies nothing")

	assert.Equal(t, http.StatusOK, get(t, srv, "status").status, "other endpoints do not consume the schedule")

	r = create(2)
	assert.Equal(t, http.StatusOK, r.status)

	r = create(3)
	assert.Equal(t, http.StatusInternalServerError, r.status)
	assert.Equal(t, "internal_server_error", r.object(t).get("code"), "JSON for a JSON request")

	r = create(4)
	assert.Equal(t, http.StatusBadGateway, r.status)
	assert.Contains(t, string(r.body), "502 Bad Gateway")

	r = create(5)
	assert.Equal(t, http.StatusServiceUnavailable, r.status)
	assert.Equal(t, "1", r.header.Get("Retry-After"))
	assert.Contains(t, string(r.body), "<p>Briefly unavailable for scheduled maintenance. Check back in a minute.</p>")
	assert.Contains(t, string(r.body), "<title>Maintenance</title>")

	r = create(6)
	assert.Equal(t, http.StatusOK, r.status)
	assert.True(t, strings.HasPrefix(string(r.body), "<br />\n<b>Deprecated</b>:"), "body %q", r.body)
	assert.True(t, strings.HasSuffix(string(r.body), `@example.com","id":2}`))

	assert.Equal(t, http.StatusOK, create(7).status, "the schedule is used up")
	assert.Equal(t, 3, srv.Counts().Contacts)
	assert.Equal(t, map[jetpackcrmtest.FaultKind]int{
		jetpackcrmtest.Fault429: 1, jetpackcrmtest.Fault500: 1, jetpackcrmtest.Fault502: 1,
		jetpackcrmtest.Fault503: 1, jetpackcrmtest.FaultHTMLNotice: 1,
	}, srv.FaultCounts())

	var faults []jetpackcrmtest.FaultKind
	for _, rec := range srv.Requests() {
		faults = append(faults, rec.Fault)
	}
	assert.Equal(t, []jetpackcrmtest.FaultKind{
		jetpackcrmtest.Fault429, jetpackcrmtest.FaultNone, jetpackcrmtest.FaultNone, jetpackcrmtest.Fault500,
		jetpackcrmtest.Fault502, jetpackcrmtest.Fault503, jetpackcrmtest.FaultHTMLNotice, jetpackcrmtest.FaultNone,
	}, faults)
}

func TestFaultRetryAfterAndHTML500(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.InjectFaults(jetpackcrmtest.Faults{Schedule: []jetpackcrmtest.FaultKind{jetpackcrmtest.Fault429, jetpackcrmtest.Fault503, jetpackcrmtest.Fault429, jetpackcrmtest.Fault500}, RetryAfter: 1500 * time.Millisecond})
	assert.Equal(t, "2", get(t, srv, "status").header.Get("Retry-After"), "rounded up")
	assert.Equal(t, "2", get(t, srv, "status").header.Get("Retry-After"))
	srv.ClearFaults()
	srv.InjectFaults(jetpackcrmtest.Faults{Schedule: []jetpackcrmtest.FaultKind{jetpackcrmtest.Fault429, jetpackcrmtest.Fault500}, RetryAfter: -1})
	r := get(t, srv, "status")
	assert.Equal(t, http.StatusTooManyRequests, r.status)
	assert.Empty(t, r.header.Get("Retry-After"), "negative RetryAfter omits it")
	r = get(t, srv, "status")
	assert.Equal(t, http.StatusInternalServerError, r.status)
	assert.Equal(t, "text/html; charset=UTF-8", r.header.Get("Content-Type"), "HTML for a non-JSON request")
}

func TestFaultConnectionResets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind        jetpackcrmtest.FaultKind
		wantApplied bool
	}{
		{jetpackcrmtest.FaultResetBeforeWrite, false},
		{jetpackcrmtest.FaultResetAfterWrite, true},
	}
	for _, tc := range tests {
		t.Run(tc.kind.String(), func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			srv.InjectSchedule("create_customer", tc.kind)
			req, err := http.NewRequest(http.MethodPost,
				srv.URL+"/zbs_api/create_customer/?api_key="+srv.APIKey+"&api_secret="+srv.APISecret,
				strings.NewReader(`{"email":"reset@example.com"}`))
			require.NoError(t, err)
			resp, err := freshClient().Do(req)
			if err == nil {
				resp.Body.Close()
			}
			require.Error(t, err, "the client sees a reset or EOF")
			_, applied := srv.ContactByEmail("reset@example.com")
			assert.Equal(t, tc.wantApplied, applied)
			assert.Equal(t, 1, srv.FaultCount(tc.kind))
			recs := srv.Requests()
			require.Len(t, recs, 1)
			assert.Equal(t, 0, recs[0].Status)
			assert.Equal(t, tc.kind, recs[0].Fault)
		})
	}
}

// The faults after the write apply the request, then answer what a proxy
// or a dying PHP would: a 502 page, or a 200 whose body stops half way.
func TestFaultAnswersAfterTheWrite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind       jetpackcrmtest.FaultKind
		wantStatus int
	}{
		{jetpackcrmtest.Fault502AfterWrite, http.StatusBadGateway},
		{jetpackcrmtest.FaultUndecodableAfterWrite, http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.kind.String(), func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			srv.InjectSchedule("create_customer", tc.kind)
			r := post(t, srv, "create_customer", `{"email":"after@example.com"}`)
			assert.Equal(t, tc.wantStatus, r.status)
			var v any
			assert.Error(t, json.Unmarshal(r.body, &v), "the answer is not JSON: %q", r.body)
			_, applied := srv.ContactByEmail("after@example.com")
			assert.True(t, applied, "the write happened")
			assert.Equal(t, 1, srv.FaultCount(tc.kind))
		})
	}
}

// Every answer carries the site clock in its Date header, as Apache sends
// the clock the records' times come from.
func TestDateHeaderIsTheSiteClock(t *testing.T) {
	t.Parallel()
	at := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	srv := jetpackcrmtest.NewServer(jetpackcrmtest.WithClock(func() time.Time { return at }))
	t.Cleanup(srv.Close)
	r := get(t, srv, "status")
	assert.Equal(t, "Tue, 06 May 2031 07:08:09 GMT", r.header.Get("Date"))
}

func TestFaultLatency(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: "status", Schedule: []jetpackcrmtest.FaultKind{jetpackcrmtest.FaultLatency}, Latency: time.Millisecond})
	r := get(t, srv, "status")
	assert.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, statusBody, string(r.body))
	assert.Equal(t, 1, srv.FaultCount(jetpackcrmtest.FaultLatency))
}

func TestFaultLatencyEndsWithTheClient(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.InjectFaults(jetpackcrmtest.Faults{Schedule: []jetpackcrmtest.FaultKind{jetpackcrmtest.FaultLatency}, Latency: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/zbs_api/status/?api_key="+srv.APIKey+"&api_secret="+srv.APISecret, nil)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		resp, err := freshClient().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	require.Eventually(t, func() bool { return srv.FaultCount(jetpackcrmtest.FaultLatency) == 1 }, 10*time.Second, time.Millisecond)
	cancel()
	select {
	case err := <-done:
		assert.Error(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the request did not end with its context")
	}
	// The server side notices too and logs the abandoned request.
	require.Eventually(t, func() bool { return len(srv.Requests()) == 1 }, 10*time.Second, time.Millisecond)
	assert.Equal(t, 0, srv.Requests()[0].Status)
}

func TestFaultLatencyNeverBlocksClose(t *testing.T) {
	t.Parallel()
	srv := jetpackcrmtest.NewServer()
	srv.InjectFaults(jetpackcrmtest.Faults{Rate: 1, Kinds: []jetpackcrmtest.FaultKind{jetpackcrmtest.FaultLatency}, Latency: time.Hour})
	done := make(chan error, 1)
	go func() {
		resp, err := freshClient().Get(srv.URL + "/zbs_api/status/?api_key=" + srv.APIKey + "&api_secret=" + srv.APISecret)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	require.Eventually(t, func() bool { return srv.FaultCount(jetpackcrmtest.FaultLatency) == 1 }, 10*time.Second, time.Millisecond)
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close blocked on a latency fault")
	}
	assert.Error(t, <-done)
}

// statusSequence sends n status requests and returns the status codes.
func statusSequence(t *testing.T, srv *jetpackcrmtest.Server, n int) []int {
	t.Helper()
	out := make([]int, n)
	for i := range out {
		out[i] = get(t, srv, "status").status
	}
	return out
}

func TestRandomFaultsAreDeterministic(t *testing.T) {
	t.Parallel()
	rule := func(seed uint64) jetpackcrmtest.Faults {
		return jetpackcrmtest.Faults{
			Rate:  0.3,
			Kinds: []jetpackcrmtest.FaultKind{jetpackcrmtest.Fault429, jetpackcrmtest.Fault500, jetpackcrmtest.Fault502, jetpackcrmtest.Fault503},
			Seed:  seed,
		}
	}
	run := func(seed uint64) ([]int, map[jetpackcrmtest.FaultKind]int) {
		srv := newServer(t)
		srv.InjectFaults(rule(seed))
		return statusSequence(t, srv, 60), srv.FaultCounts()
	}
	a, countsA := run(42)
	b, countsB := run(42)
	c, _ := run(43)
	assert.Equal(t, a, b, "same seed, same faults")
	assert.Equal(t, countsA, countsB)
	assert.NotEqual(t, a, c, "another seed, other faults")
	failed := 0
	for _, code := range a {
		if code != http.StatusOK {
			failed++
		}
	}
	assert.InDelta(t, 18, failed, 12, "about 30%% of 60")
	total := 0
	for _, n := range countsA {
		total += n
	}
	assert.Equal(t, failed, total)
}

func TestFaultRules(t *testing.T) {
	t.Parallel()
	t.Run("rate 0 never fires, rate 1 always", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		srv.InjectFaults(jetpackcrmtest.Faults{Rate: 0, Kinds: []jetpackcrmtest.FaultKind{jetpackcrmtest.Fault500}})
		assert.Equal(t, []int{200, 200, 200}, statusSequence(t, srv, 3))
		srv.InjectFaults(jetpackcrmtest.Faults{Rate: 1})
		assert.Equal(t, []int{500, 500, 500}, statusSequence(t, srv, 3), "no Kinds means Fault500")
	})
	t.Run("per endpoint", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: "customers", Rate: 1, Kinds: []jetpackcrmtest.FaultKind{jetpackcrmtest.Fault503}})
		assert.Equal(t, http.StatusOK, get(t, srv, "status").status)
		assert.Equal(t, http.StatusServiceUnavailable, post(t, srv, "customers", `{}`).status)
		assert.Equal(t, http.StatusServiceUnavailable, call(t, srv, request{path: "/", query: map[string][]string{"zbs_api": {"customers"}}}).status, "query routing counts too")
	})
	t.Run("max", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		srv.InjectFaults(jetpackcrmtest.Faults{Rate: 1, Kinds: []jetpackcrmtest.FaultKind{jetpackcrmtest.Fault502}, Max: 2})
		assert.Equal(t, []int{502, 502, 200, 200}, statusSequence(t, srv, 4))
	})
	t.Run("repeat", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		srv.InjectFaults(jetpackcrmtest.Faults{Schedule: []jetpackcrmtest.FaultKind{jetpackcrmtest.Fault429, jetpackcrmtest.FaultNone}, Repeat: true})
		assert.Equal(t, []int{429, 200, 429, 200, 429}, statusSequence(t, srv, 5))
	})
	t.Run("schedules come before rates", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		srv.InjectFaults(jetpackcrmtest.Faults{Rate: 1, Kinds: []jetpackcrmtest.FaultKind{jetpackcrmtest.Fault500}})
		srv.InjectSchedule("", jetpackcrmtest.FaultNone, jetpackcrmtest.Fault502)
		assert.Equal(t, []int{200, 502, 500}, statusSequence(t, srv, 3))
	})
	t.Run("clear and reset", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		srv.InjectFaults(jetpackcrmtest.Faults{Rate: 1})
		assert.Equal(t, []int{500}, statusSequence(t, srv, 1))
		srv.ClearFaults()
		assert.Equal(t, []int{200}, statusSequence(t, srv, 1))
		assert.Equal(t, 1, srv.FaultCount(jetpackcrmtest.Fault500), "counters survive ClearFaults")
		srv.ResetFaultCounts()
		assert.Empty(t, srv.FaultCounts())
	})
	t.Run("faults come before auth and HEAD", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		srv.InjectFaults(jetpackcrmtest.Faults{Rate: 1, Kinds: []jetpackcrmtest.FaultKind{jetpackcrmtest.Fault503}})
		assert.Equal(t, http.StatusServiceUnavailable, call(t, srv, request{endpoint: "status", noAuth: true}).status)
		assert.Equal(t, http.StatusServiceUnavailable, call(t, srv, request{method: http.MethodHead, endpoint: "status"}).status)
	})
}

func TestFaultKindString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "429", jetpackcrmtest.Fault429.String())
	assert.Equal(t, "reset-after-write", jetpackcrmtest.FaultResetAfterWrite.String())
	assert.Equal(t, "rate-limited", jetpackcrmtest.FaultRateLimited.String())
	assert.Equal(t, "502-after-write", jetpackcrmtest.Fault502AfterWrite.String())
	assert.Equal(t, "undecodable-after-write", jetpackcrmtest.FaultUndecodableAfterWrite.String())
	assert.Equal(t, "FaultKind(99)", jetpackcrmtest.FaultKind(99).String())
}
