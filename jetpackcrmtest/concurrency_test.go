package jetpackcrmtest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// TestConcurrentUse hammers one server from 32 goroutines mixing writes,
// reads, webhooks, faults and accessors; run it with -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	const workers, perWorker = 32, 8
	srv := newServer(t, jetpackcrmtest.WithRequestLogLimit(100))
	srv.HandleWebhook("count", func(json.RawMessage) (any, error) { return srv.Counts(), nil })
	srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: "status", Rate: 0.5, Kinds: []jetpackcrmtest.FaultKind{jetpackcrmtest.Fault503}, Seed: 9})
	srv.SeedContacts(10)

	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker*6)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				email := fmt.Sprintf("w%d.i%d@example.com", w, i)
				for _, req := range []request{
					{method: http.MethodPost, endpoint: "create_customer", body: `{"email":"` + email + `","tags":["w` + fmt.Sprint(w) + `"]}`},
					{method: http.MethodPost, endpoint: "create_transaction", body: `{"orderid":"` + email + `","status":"S","total":"1","email":"` + email + `"}`},
					{method: http.MethodPost, endpoint: "create_event", body: `{"title":"t","from":"today","to":"tomorrow","complete":0}`},
					{method: http.MethodPost, endpoint: "customers", body: `{"perpage":5,"tags":1}`},
					{method: http.MethodPost, endpoint: "webhook", body: `{"action":"count"}`},
				} {
					r, err := tryCall(srv, req)
					if err != nil || r.status != http.StatusOK {
						errs <- fmt.Errorf("%s: %d %s %v", req.endpoint, r.status, r.body, err)
					}
				}
				r, err := tryCall(srv, request{endpoint: "status"})
				if err != nil || (r.status != http.StatusOK && r.status != http.StatusServiceUnavailable) {
					errs <- fmt.Errorf("status: %d %v", r.status, err)
				}
				_ = srv.Contacts()
				_ = srv.Requests()
				_, _ = srv.ContactByEmail(email)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	counts := srv.Counts()
	assert.Equal(t, 10+workers*perWorker, counts.Contacts)
	assert.Equal(t, workers*perWorker, counts.Transactions)
	assert.Equal(t, workers*perWorker, counts.Events)
	assert.Equal(t, workers, counts.Tags)
	seen := map[int64]bool{}
	for _, c := range srv.Contacts() {
		require.False(t, seen[c.ID], "duplicate ID %d", c.ID)
		seen[c.ID] = true
	}
	assert.Len(t, srv.Requests(), 100, "the log stays capped")
	assert.Equal(t, workers*perWorker*6, srv.RequestCount())
}
