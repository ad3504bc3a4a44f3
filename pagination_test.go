package jetpackcrm_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
)

// Iterating a large list keeps memory bounded by a page or two
// (TestAllKeepsMemoryBounded); client_test.go checks that connections are
// reused.

// perfContact appends one contact object, shaped like the customers
// endpoint's (capture 61 without the embedded lists), to b.
func perfContact(b []byte, id int) []byte {
	ids := strconv.Itoa(id)
	ts := strconv.Itoa(1795835057 + id)
	b = append(b, `{"id":"`...)
	b = append(b, ids...)
	b = append(b, `","owner":"-1","status":"Lead","email":"contact.`...)
	b = append(b, ids...)
	b = append(b, `@example.com","prefix":"Dr","fname":"First`...)
	b = append(b, ids...)
	b = append(b, `","lname":"Last`...)
	b = append(b, ids...)
	b = append(b, `","addr1":"`...)
	b = append(b, ids...)
	b = append(b, ` High Street","addr2":"","city":"London","county":"Greater London","country":"United Kingdom","postcode":"SW1Y 4JH",`...)
	b = append(b, `"secaddr_addr1":"","secaddr_addr2":"","secaddr_city":"","secaddr_county":"","secaddr_country":"","secaddr_postcode":"",`...)
	b = append(b, `"hometel":"","worktel":"020 7946 0001","mobtel":"07700 `...)
	b = append(b, ids...)
	b = append(b, `","wpid":"-1","avatar":"","tw":"","li":"","fb":"","created":"2026-11-28 03:04:17","lastcontacted":-1,"createduts":"`...)
	b = append(b, ts...)
	b = append(b, `","created_date":"11\/28\/2026","lastupdated":"`...)
	b = append(b, ts...)
	b = append(b, `","lastupdated_date":"11\/28\/2026","lastcontacteduts":"-1","lastcontacted_date":false,"fullname":"Dr First`...)
	b = append(b, ids...)
	b = append(b, ` Last`...)
	b = append(b, ids...)
	b = append(b, `","name":"Dr First`...)
	b = append(b, ids...)
	b = append(b, ` Last`...)
	b = append(b, ids...)
	b = append(b, `"}`...)
	return b
}

// perfPage appends the JSON array of one page of a list of total contacts.
func perfPage(b []byte, total, page, perPage int) []byte {
	first := (max(page, 1)-1)*perPage + 1
	last := min(first+perPage-1, total)
	b = append(b, '[')
	for id := first; id <= last; id++ {
		if id > first {
			b = append(b, ',')
		}
		b = perfContact(b, id)
	}
	return append(b, ']')
}

// perfContactsHandler answers the customers endpoint for a list of total
// contacts, generating each page as it writes it: no page, let alone the
// list, is ever held in memory. Like PHP, it sends no Content-Length.
func perfContactsHandler(total int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/zbs_api/customers/" {
			http.Error(w, `{"success":false}`, http.StatusNotFound)
			return
		}
		var q struct {
			Page    int `json:"page"`
			PerPage int `json:"perpage"`
		}
		if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
			http.Error(w, `{"error":true,"message":"Invalid JSON data"}`, http.StatusOK)
			return
		}
		if q.PerPage <= 0 {
			q.PerPage = 10
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		first := (max(q.Page, 1)-1)*q.PerPage + 1
		last := min(first+q.PerPage-1, total)
		buf := make([]byte, 0, 2048)
		_, _ = w.Write([]byte{'['})
		for id := first; id <= last; id++ {
			buf = buf[:0]
			if id > first {
				buf = append(buf, ',')
			}
			_, _ = w.Write(perfContact(buf, id))
		}
		_, _ = w.Write([]byte{']'})
	})
}

// perfLiveHeap is the heap the last GC cycle found live, and the number of
// completed GC cycles.
func perfLiveHeap() (live, cycles uint64) {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64(), s[1].Value.Uint64()
}

// perfSettledLiveHeap runs the GC until the live heap stops shrinking.
func perfSettledLiveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	live, _ := perfLiveHeap()
	return live
}

// TestAllKeepsMemoryBounded iterates 50,000 contacts with Customers.All
// (PerPage 500) and checks that the live heap never holds much more than a
// page or two. The live heap is what each GC cycle found reachable
// (runtime/metrics /gc/heap/live:bytes), sampled every 50 contacts; GOGC
// is lowered for the test so that a cycle completes several times per page.
// The server runs in this process, but streams each page as it generates
// it, so it holds next to nothing.
func TestAllKeepsMemoryBounded(t *testing.T) {
	// Not parallel: other tests' allocations would count as live heap.
	const total, perPage = 50000, 500
	start := time.Now()
	ts := httptest.NewServer(perfContactsHandler(total))
	t.Cleanup(ts.Close)
	c, err := jetpackcrm.NewClient(ts.URL, "jpcrm_pk_memory", "jpcrm_sk_memory")
	require.NoError(t, err)
	t.Cleanup(c.CloseIdleConnections)

	// One page: its JSON body, and what it decodes to.
	pageJSON := perfPage(nil, total, 1, perPage)
	before := perfSettledLiveHeap()
	var decoded []*jetpackcrm.Customer
	require.NoError(t, json.Unmarshal(pageJSON, &decoded))
	require.Len(t, decoded, perPage)
	pageDecoded := int64(perfSettledLiveHeap()) - int64(before)
	runtime.KeepAlive(decoded)
	runtime.KeepAlive(pageJSON)
	pageBytes := int64(len(pageJSON))
	require.Greater(t, pageDecoded, int64(0))
	page := pageBytes + pageDecoded
	decoded, pageJSON = nil, nil

	defer debug.SetGCPercent(debug.SetGCPercent(10))
	base := perfSettledLiveHeap()
	_, cyclesBefore := perfLiveHeap()
	var peak uint64
	n, lastID := 0, int64(0)
	for cu, err := range c.Customers.All(context.Background(), &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: perPage}}) {
		require.NoError(t, err)
		n++
		if cu.ID != lastID+1 {
			require.Equal(t, lastID+1, cu.ID, "contacts in order, none skipped or repeated")
		}
		lastID = cu.ID
		if n%50 == 0 {
			if live, _ := perfLiveHeap(); live > peak {
				peak = live
			}
		}
	}
	_, cyclesAfter := perfLiveHeap()
	require.Equal(t, total, n)
	cycles := cyclesAfter - cyclesBefore

	growth := int64(peak) - int64(base)
	t.Logf("%d contacts in %v; one page of %d: %d B JSON + %d B decoded = %d B; live heap before %d B, peak %d B: peak growth %d B = %.2f pages (%d GC cycles sampled)",
		n, time.Since(start).Round(time.Millisecond), perPage, pageBytes, pageDecoded, page, base, peak, growth, float64(growth)/float64(page), cycles)
	// Holding every contact would be 100 pages. Three pages plus 1 MiB of
	// fixed overhead (connection buffers, the runtime) is a bound that a
	// leak of even a few pages breaks, and that noise does not.
	limit := 3*page + 1<<20
	assert.LessOrEqual(t, growth, limit, "peak live heap growth %d B over %d B (3 pages + 1 MiB)", growth, limit)
	// About 1.5 cycles per page here; a quarter of a cycle per page still
	// gives 25 samples of the live heap spread over the walk.
	assert.GreaterOrEqual(t, cycles, uint64(total/perPage/4), "too few GC cycles for the samples to mean much")
}
