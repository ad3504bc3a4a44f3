package realsite

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFaultProxy checks each fault against a local backend, and that the
// seed fixes which requests get which fault.
func TestFaultProxy(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = io.WriteString(w, `{"ok":true,"q":"`+r.URL.Query().Get("x")+`"}`)
	}))
	t.Cleanup(backend.Close)
	site := Site{Name: "local", URL: backend.URL, APIKey: "k", APISecret: "s"}

	for _, tt := range []struct {
		fault   Fault
		status  int
		retry   string
		reached bool
	}{
		{Fault429, http.StatusTooManyRequests, "1", false},
		{Fault503RetryAfter, http.StatusServiceUnavailable, "1", false},
		{Fault503, http.StatusServiceUnavailable, "", false},
		{FaultResetBefore, 0, "", false},
		{FaultResetAfter, 0, "", true},
		{Fault502After, http.StatusBadGateway, "", true},
		{FaultTruncatedAfter, http.StatusOK, "", true},
	} {
		t.Run(tt.fault.String(), func(t *testing.T) {
			p := NewFaultProxy(t, site, 1, 1, tt.fault)
			before := hits.Load()
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			resp, err := client.Get(p.URL + "/zbs_api/status/?x=1")
			if tt.status == 0 {
				require.Error(t, err, "the connection is dropped")
			} else {
				require.NoError(t, err)
				b, _ := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				assert.Equal(t, tt.status, resp.StatusCode)
				if tt.fault == FaultTruncatedAfter {
					assert.Equal(t, `{"ok":tru`, string(b), "the first half of the site's answer")
				}
				assert.Equal(t, tt.retry, resp.Header.Get("Retry-After"))
			}
			assert.Equal(t, tt.reached, hits.Load() > before, "whether the site saw the request")
			counts, n := p.Counts()
			assert.Equal(t, map[Fault]int{tt.fault: 1}, counts)
			assert.Equal(t, 1, n)
		})
	}

	t.Run("passes through and is deterministic", func(t *testing.T) {
		run := func() []int {
			p := NewFaultProxy(t, site, 0.3, 42, Fault503)
			var statuses []int
			for range 50 {
				resp, err := http.Get(p.URL + "/zbs_api/status/?x=y")
				require.NoError(t, err)
				b, _ := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					assert.JSONEq(t, `{"ok":true,"q":"y"}`, string(b), "forwarded with its query")
				}
				statuses = append(statuses, resp.StatusCode)
			}
			return statuses
		}
		a, b := run(), run()
		assert.Equal(t, a, b, "the same seed, the same faults")
		assert.Contains(t, a, http.StatusServiceUnavailable)
		assert.Contains(t, a, http.StatusOK)
	})
}
