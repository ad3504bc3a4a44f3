package realsite_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/internal/realsite"
)

// createsN is how many events the creates test makes per site
// (JCRM_CREATES_N, default 150).
func createsN(t *testing.T) int { return envInt(t, "JCRM_CREATES_N", 150) }

// allFaults are every fault of the proxy: the 429 and 503 answered without
// forwarding, and the lost, 5xx and truncated answers after the site wrote.
var allFaults = []realsite.Fault{realsite.Fault429, realsite.Fault503RetryAfter, realsite.Fault503, realsite.FaultResetBefore,
	realsite.FaultResetAfter, realsite.Fault502After, realsite.FaultTruncatedAfter}

// TestRealSiteEventsAreNeitherLostNorDuplicated creates events through a
// proxy that fails 15% of all requests (the check's reads of the events
// list included) with every fault it has: each call's event is stored
// exactly once, each success returns the stored event, and at most 1 call
// in 1,000 is left ambiguous. On 6.4.4 the check finds the last page of an
// oldest-first list; on 6.6.1 it reads the newest first.
func TestRealSiteEventsAreNeitherLostNorDuplicated(t *testing.T) {
	realsite.Each(t, func(t *testing.T, s realsite.Site) {
		t.Parallel()
		n, workers := createsN(t), 4
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		proxy := realsite.NewFaultProxy(t, s, 0.15, 20261202, allFaults...)
		c := proxy.Site.Client(t, jetpackcrm.WithRetryPolicy(fastRetries))
		direct := s.Client(t)
		stamp := realsite.Stamp()
		title := func(i int) string { return fmt.Sprintf("Create %03d %s", i, stamp) }
		from := time.Date(2033, 4, 5, 9, 0, 0, 0, time.UTC)

		returned := make([]*jetpackcrm.Event, n)
		errs := make([]error, n)
		var checked int
		var mu sync.Mutex
		next := make(chan int)
		var wg sync.WaitGroup
		start := time.Now()
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					e, resp, err := c.Events.Create(ctx, &jetpackcrm.EventRequest{Title: title(i), Notes: "creates " + stamp,
						From: from.Add(time.Duration(i) * time.Hour), To: from.Add(time.Duration(i)*time.Hour + 30*time.Minute), Remind24h: i%2 == 0})
					returned[i], errs[i] = e, err
					if err == nil && strings.Contains(resp.Request.URL.Path, "/events/") {
						mu.Lock()
						checked++
						mu.Unlock()
					}
				}
			}()
		}
		for i := range n {
			next <- i
		}
		close(next)
		wg.Wait()
		took := time.Since(start)

		stored := map[string][]*jetpackcrm.Event{}
		for e, err := range direct.Events.All(ctx, nil) {
			require.NoError(t, err)
			if strings.HasSuffix(e.Title, stamp) {
				stored[e.Title] = append(stored[e.Title], e)
			}
		}
		var ok, ambiguous, notStored, duplicated, lost int
		for i, err := range errs {
			got := stored[title(i)]
			if len(got) > 1 {
				duplicated++
				t.Errorf("event %d stored %d times", i, len(got))
			}
			if err != nil {
				assert.False(t, s.Leaks(err.Error()) || s.Leaks(fmt.Sprintf("%+v", err)), "an error shows the credentials: %v", err)
			}
			var ce *jetpackcrm.WriteCheckError
			switch {
			case err == nil:
				ok++
				if len(got) == 0 {
					lost++
					t.Errorf("event %d: success, but not stored", i)
				} else {
					assert.Equal(t, got[0].ID, returned[i].ID, "event %d: the stored event is returned", i)
				}
			case jetpackcrm.MayHaveBeenApplied(err):
				ambiguous++
				t.Logf("event %d left ambiguous (%d stored): %v", i, len(got), err)
			case errors.As(err, &ce) && ce.NotFound:
				notStored++
				if len(got) > 0 {
					lost++
					t.Errorf("event %d: said not stored, but it is", i)
				}
			default:
				t.Errorf("event %d: %v", i, err)
			}
		}
		counts, requests := proxy.Counts()
		assert.Zero(t, duplicated, "duplicated")
		assert.Zero(t, lost, "lost")
		assert.LessOrEqual(t, ambiguous*1000, n, "at most 1 call in 1,000 left ambiguous")
		var faults []string
		total := 0
		for _, f := range allFaults {
			faults = append(faults, fmt.Sprintf("%v=%d", f, counts[f]))
			total += counts[f]
		}
		t.Logf("site %s: Events.Create x%d through the proxy (15%% faults, %d workers): %d requests, %d faults (%s); %d succeeded (%d returned by the check), %d not stored and not resent, %d ambiguous; %d duplicated, %d lost; %v",
			s.Name, n, workers, requests, total, strings.Join(faults, " "), ok, checked, notStored, ambiguous, duplicated, lost, took.Round(time.Millisecond))
	})
}
