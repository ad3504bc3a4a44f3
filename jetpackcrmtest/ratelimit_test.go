package jetpackcrmtest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

func TestRateLimit(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	srv := newServer(t, jetpackcrmtest.WithClock(clock.Now), jetpackcrmtest.WithRateLimit(2, 3))

	assert.Equal(t, []int{200, 200, 200, 429, 429}, statusSequence(t, srv, 5), "a burst of 3")
	r := get(t, srv, "status")
	assert.Equal(t, http.StatusTooManyRequests, r.status)
	assert.Equal(t, "1", r.header.Get("Retry-After"))
	assert.Equal(t, 3, srv.FaultCount(jetpackcrmtest.FaultRateLimited))
	recs := srv.Requests()
	assert.Equal(t, jetpackcrmtest.FaultRateLimited, recs[len(recs)-1].Fault)

	clock.Advance(500 * time.Millisecond) // one token at 2/s
	assert.Equal(t, []int{200, 429}, statusSequence(t, srv, 2))
	clock.Advance(10 * time.Second) // refills to the burst, no more
	assert.Equal(t, []int{200, 200, 200, 429}, statusSequence(t, srv, 4))

	srv.SetRateLimit(0, 0)
	assert.Equal(t, []int{200, 200, 200, 200, 200}, statusSequence(t, srv, 5), "removed")
	srv.SetRateLimit(0.5, 1)
	assert.Equal(t, []int{200, 429}, statusSequence(t, srv, 2))
	assert.Equal(t, "2", get(t, srv, "status").header.Get("Retry-After"), "one token every 2s")
}
