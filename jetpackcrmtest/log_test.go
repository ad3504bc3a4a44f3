package jetpackcrmtest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

func TestRequestLog(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := newServer(t, jetpackcrmtest.WithClock(clock.Now))
	post(t, srv, "create_customer", `{"email":"ada@example.com"}`)
	get(t, srv, "customer_search", "zbs_query", "ada")
	call(t, srv, request{endpoint: "status", noAuth: true})

	recs := srv.Requests()
	require.Len(t, recs, 3)
	assert.Equal(t, jetpackcrmtest.RequestRecord{
		Time:        clock.Now(),
		Method:      http.MethodPost,
		Path:        "/zbs_api/create_customer/",
		Endpoint:    "create_customer",
		Query:       url.Values{},
		ContentType: "application/json",
		Body:        []byte(`{"email":"ada@example.com"}`),
		BodySize:    27,
		Status:      http.StatusOK,
	}, recs[0])
	assert.Equal(t, url.Values{"zbs_query": {"ada"}}, recs[1].Query)
	assert.Nil(t, recs[1].Body)
	assert.Equal(t, http.StatusUnauthorized, recs[2].Status)
	assert.Equal(t, 3, srv.RequestCount())

	recs[0].Body[0] = 'X'
	assert.Equal(t, byte('{'), srv.Requests()[0].Body[0], "Requests returns copies")

	srv.ResetLog()
	assert.Empty(t, srv.Requests())
	assert.Zero(t, srv.RequestCount())
}

func TestRequestLogNeverHoldsTheCredentials(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	key, secret := srv.APIKey, srv.APISecret
	leaks := []request{
		{method: http.MethodPost, endpoint: "status", noAuth: true, body: `{"api_key":"` + key + `","api_secret":"` + secret + `"}`},
		{endpoint: "status", noAuth: true, header: http.Header{"Api_key": {key}, "Api_secret": {secret}}},
		{endpoint: "customer_search", query: url.Values{"zbs_query": {secret}, secret: {"x"}}},
		{path: "/zbs_api/status/" + secret + "/"},
		{path: "/", query: url.Values{"zbs_api": {"status"}}},
		{method: http.MethodPost, endpoint: "create_customer", body: `{"email":"a@example.com","fname":"` + url.QueryEscape(secret) + `"}`},
	}
	for _, req := range leaks {
		call(t, srv, req)
	}
	recs := srv.Requests()
	require.Len(t, recs, len(leaks))
	for _, r := range recs {
		dump := fmt.Sprintf("%#v %s", r, r.Body)
		assert.NotContains(t, dump, secret)
		assert.NotContains(t, dump, key)
		assert.NotContains(t, r.Query, "api_key")
		assert.NotContains(t, r.Query, "api_secret")
	}
	assert.Contains(t, string(recs[0].Body), "[REDACTED]")
	assert.Equal(t, []string{"[REDACTED]"}, recs[2].Query["zbs_query"])
	assert.Equal(t, "/zbs_api/status/[REDACTED]/", recs[3].Path)
	assert.Equal(t, url.Values{"zbs_api": {"status"}}, recs[4].Query)
	assert.Equal(t, "status", recs[4].Endpoint)
}

func TestRequestLogIsCapped(t *testing.T) {
	t.Parallel()
	srv := newServer(t, jetpackcrmtest.WithRequestLogLimit(3))
	for i := 0; i < 7; i++ {
		get(t, srv, "customer_search", "zbs_query", fmt.Sprint(i))
	}
	var got []string
	for _, r := range srv.Requests() {
		got = append(got, r.Query.Get("zbs_query"))
	}
	assert.Equal(t, []string{"4", "5", "6"}, got, "the last 3, oldest first")
	assert.Equal(t, 7, srv.RequestCount())

	off := newServer(t, jetpackcrmtest.WithRequestLogLimit(0))
	get(t, off, "status")
	assert.Empty(t, off.Requests())
	assert.Equal(t, 1, off.RequestCount())
}

func TestRequestLogCutsLargeBodies(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	body := `{"email":"a@example.com","notes":"` + strings.Repeat("x", jetpackcrmtest.MaxLoggedBodyBytes) + `"}`
	assert.Equal(t, http.StatusOK, post(t, srv, "create_customer", body).status)
	rec := srv.Requests()[0]
	assert.Len(t, rec.Body, jetpackcrmtest.MaxLoggedBodyBytes)
	assert.Equal(t, len(body), rec.BodySize)
}

func TestRequestLogDefaultLimit(t *testing.T) {
	t.Parallel()
	srv := newServer(t, jetpackcrmtest.WithClock(func() time.Time { return time.Unix(0, 0) }))
	// A handler-only run (no network) keeps this fast.
	h := srv.Handler()
	for i := 0; i < jetpackcrmtest.DefaultRequestLogLimit+5; i++ {
		req, _ := http.NewRequest(http.MethodHead, "/zbs_api/status/", nil)
		h.ServeHTTP(discardWriter{}, req)
	}
	assert.Len(t, srv.Requests(), jetpackcrmtest.DefaultRequestLogLimit)
	assert.Equal(t, jetpackcrmtest.DefaultRequestLogLimit+5, srv.RequestCount())
	assert.True(t, strings.HasPrefix(srv.Requests()[0].Path, "/zbs_api/"))
}

// discardWriter is a minimal http.ResponseWriter.
type discardWriter struct{}

func (discardWriter) Header() http.Header         { return http.Header{} }
func (discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (discardWriter) WriteHeader(int)             {}

// TestRequestLogHoldsWhatTheClientHasSeen: a request is in the log by the
// time its answer (or reset) reaches the client, big answers included,
// which net/http starts sending before the handler returns.
func TestRequestLogHoldsWhatTheClientHasSeen(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.SeedContacts(200) // a page of 100 is about 60 KB
	for i := range 50 {
		if i%10 == 9 {
			srv.InjectSchedule("customers", jetpackcrmtest.FaultResetBeforeWrite)
		}
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/zbs_api/customers/?api_key="+url.QueryEscape(srv.APIKey)+"&api_secret="+url.QueryEscape(srv.APISecret),
			strings.NewReader(`{"perpage":100}`))
		require.NoError(t, err)
		if resp, err := srv.HTTPClient().Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		require.Equal(t, i+1, srv.RequestCount(), "request %d", i)
	}
}
