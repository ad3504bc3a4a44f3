package jetpackcrm

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// aliasSite plays a site whose list shows contact 7 (pat@example.org, with
// a phone) and whose create_customer, for the alias address, matches that
// contact (the list shows no aliases), or another it never listed.
type aliasSite struct {
	mu       sync.Mutex
	createID int
	writes   []map[string]any
}

func (a *aliasSite) handler(t *testing.T) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.Contains(r.URL.Path, "/customers/"):
			_, _ = io.WriteString(w, `[{"id":"7","email":"pat@example.org","fname":"Pat","lname":"Alias","mobtel":"07700 900777","status":"Customer"}]`)
		case strings.Contains(r.URL.Path, "/customer_search/"):
			// The read back after a write: the last record written.
			a.mu.Lock()
			var last map[string]any
			if len(a.writes) > 0 {
				last = a.writes[len(a.writes)-1]
			}
			a.mu.Unlock()
			if last == nil || last["email"] != r.URL.Query().Get("email") {
				_, _ = io.WriteString(w, `[]`)
				return
			}
			_ = json.NewEncoder(w).Encode(last)
		case strings.Contains(r.URL.Path, "/create_customer/"):
			var body map[string]any
			_ = json.NewDecoder(r.Body).Decode(&body)
			a.mu.Lock()
			a.writes = append(a.writes, body)
			id := a.createID
			a.mu.Unlock()
			echo := map[string]any{"id": id}
			for k, v := range body {
				if k != "id" {
					echo[k] = v
				}
			}
			_ = json.NewEncoder(w).Encode(echo)
		default:
			t.Errorf("unexpected %s", r.URL.Path)
			_, _ = io.WriteString(w, `[]`)
		}
	})
}

func TestSyncRestoresAContactMatchedThroughAnAlias(t *testing.T) {
	t.Parallel()
	site := &aliasSite{createID: 7}
	env := setup(t, WithoutRetries())
	env.serveHandler(site.handler(t))
	c := env.client
	res, err := c.Customers.Sync(context.Background(), []*CustomerRequest{{Email: "pat.alias@example.org", Address: Address{City: "Cork"}}}, SyncOptions{})
	require.NoError(t, err)
	require.NoError(t, res[0].Err)
	assert.Equal(t, BulkUpdated, res[0].Outcome)
	site.mu.Lock()
	defer site.mu.Unlock()
	require.Len(t, site.writes, 2, "the create, then the contact written back")
	restore := site.writes[1]
	assert.Equal(t, float64(7), restore["id"])
	assert.Equal(t, "pat@example.org", restore["email"], "its main email back")
	assert.Equal(t, "Alias", restore["lname"])
	assert.Equal(t, "07700 900777", restore["mobtel"])
	assert.Equal(t, "Customer", restore["status"])
	assert.Equal(t, "Cork", restore["city"])
}

func TestSyncReportsACreateThatMatchedAnUnlistedContact(t *testing.T) {
	t.Parallel()
	site := &aliasSite{createID: 5}
	env := setup(t, WithoutRetries())
	env.serveHandler(site.handler(t))
	c := env.client
	res, err := c.Customers.Sync(context.Background(), []*CustomerRequest{{Email: "unlisted@example.org", FirstName: "U"}}, SyncOptions{})
	require.NoError(t, err)
	assert.Equal(t, BulkFailed, res[0].Outcome)
	assert.ErrorIs(t, res[0].Err, ErrContactNotListed)
	assert.Contains(t, res[0].Err.Error(), "contact 5")
	require.NotNil(t, res[0].Customer, "what was written")
}

// TestSyncRecreatesAContactDeletedSinceTheList: the list shows the contact,
// the fresh read before the merge finds none (deleted meanwhile): it is
// created, once.
func TestSyncRecreatesAContactDeletedSinceTheList(t *testing.T) {
	t.Parallel()
	var creates, searches atomic.Int32
	env := setup(t, WithoutRetries())
	env.serveHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.Contains(r.URL.Path, "/customers/"):
			_, _ = io.WriteString(w, `[{"id":"3","email":"gone@example.org","fname":"Gone"}]`)
		case strings.Contains(r.URL.Path, "/customer_search/"):
			searches.Add(1)
			_, _ = io.WriteString(w, `[]`)
		case strings.Contains(r.URL.Path, "/create_customer/"):
			creates.Add(1)
			_, _ = io.WriteString(w, `{"email":"gone@example.org","fname":"Back","id":10}`)
		}
	}))
	c := env.client
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := c.Customers.Sync(ctx, []*CustomerRequest{{Email: "gone@example.org", FirstName: "Back"}}, SyncOptions{})
	require.NoError(t, err)
	require.NoError(t, res[0].Err)
	assert.Equal(t, BulkCreated, res[0].Outcome)
	assert.Equal(t, int32(1), creates.Load())
	assert.Equal(t, int32(1), searches.Load())
}
