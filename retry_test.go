package jetpackcrm_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// One 429 with Retry-After pauses the whole Client: 32 goroutines calling
// while the pause is in force all wait for it to end, and the fake
// receives not one request during the pause.
func TestReliabilityRateLimitPause(t *testing.T) {
	t.Parallel()
	const callers = 32
	env := setupFake(t, nil)
	env.srv.SeedContacts(5)
	// The first status request gets a 429 with Retry-After: 1 (the
	// smallest whole number of seconds the header can say).
	env.srv.InjectSchedule("status", jetpackcrmtest.Fault429)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	first := make(chan error, 1)
	go func() {
		_, resp, err := env.client.Status(ctx)
		if err == nil && resp.Attempts != 2 {
			err = fmt.Errorf("status took %d attempts, want 2", resp.Attempts)
		}
		first <- err
	}()
	select {
	case <-env.retrying: // the 429 arrived and the pause is in force
	case <-ctx.Done():
		t.Fatal("no retry was logged")
	}

	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for g := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			switch g % 4 {
			case 0:
				_, _, err = env.client.Customers.List(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 2}})
			case 1:
				_, _, err = env.client.Events.List(ctx, nil)
			case 2:
				_, _, err = env.client.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: fmt.Sprintf("storm.%d@example.com", g)})
			default:
				_, _, err = env.client.Status(ctx)
			}
			errs <- err
		}()
	}
	wg.Wait()
	held := time.Since(start)
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.NoError(t, <-first)

	reqs := env.srv.Requests()
	require.Len(t, reqs, callers+2, "the 429, its retry, and one request per caller: no caller hammered the server")
	require.Equal(t, jetpackcrmtest.Fault429, reqs[0].Fault)
	pauseEnd := reqs[0].Time.Add(time.Second)
	during := 0
	for _, r := range reqs[1:] {
		if r.Time.Before(pauseEnd) {
			during++
		}
	}
	assert.Zero(t, during, "requests received during the pause")
	assert.Equal(t, 1, env.srv.FaultCount(jetpackcrmtest.Fault429), "one 429 for %d callers", callers+1)
	t.Logf("429 with Retry-After 1 s, then %d concurrent callers: %d requests received during the pause, %d in all; the callers were held %v",
		callers, during, len(reqs), held.Round(time.Millisecond))
}
