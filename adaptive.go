package jetpackcrm

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// adaptiveLimiter is the rate limit a Client learns from its server, shared
// by all its requests: nothing until the server first answers 429 or 503,
// then additive increase, multiplicative decrease. The shared Retry-After
// pause still holds every request; this limiter spaces them out afterwards,
// so that a host allowing small bursts is not hit again at once (each 429
// with Retry-After: 1 costs a second of the whole Client).
//
// It starts at the rate the server accepted over the last second, doubles
// every slowStartDoubling while it holds requests back, halves at the next
// refusal and then climbs by a tenth of that rate per second; from the
// refusal after, each refusal multiplies the rate by backoffFactor and the
// climb is stepFraction of the rate per second. At most one decrease per
// minCutInterval, and none for an answer to a request sent before the last
// decrease: the refusals of one burst count once. The rate only grows while
// the limiter actually holds requests back, so an idle Client does not
// drift to a rate it never tried.
type adaptiveLimiter struct {
	active atomic.Bool

	mu      sync.Mutex
	lim     *rate.Limiter
	ceiling float64 // WithRateLimit's rate, 0 for none
	probing bool    // doubling, until the first refusal after the start
	rate    float64
	step    float64   // the climb, requests/s per second
	grown   time.Time // the last update of the rate
	cut     time.Time // the last decrease
	held    time.Time // the last time a request had to wait
	// accepted and refusals count the answers per slot of acceptSlot, over
	// the last second.
	accepted [acceptSlots]int
	refusals [acceptSlots]int
	slotIDs  [acceptSlots]int64
}

const (
	slowStartDoubling = 200 * time.Millisecond
	backoffFactor     = 0.9
	stepFraction      = 0.005
	minAdaptiveRate   = 1.0
	maxAdaptiveRate   = 1e6
	minStep           = 0.05
	minCutInterval    = time.Second
	// startRate is the first rate when the server refused before it had
	// accepted that many in a second: nothing is known of its limit yet.
	startRate = 10.0
	// A refusal without Retry-After pauses nothing and costs one request:
	// it cuts the rate only when refusals are at least bareShare of the
	// answers of the last second, and at least bareMin of them, so that a
	// few stray 429s or a flaky backend's 503s do not.
	bareShare = 0.10
	bareMin   = 10
	// maxWaitChunk bounds one wait, so that a rate that grows meanwhile
	// takes effect.
	maxWaitChunk = 250 * time.Millisecond
	acceptSlot   = 100 * time.Millisecond
	acceptSlots  = int(time.Second / acceptSlot)
)

func newAdaptiveLimiter(ceiling float64) *adaptiveLimiter {
	return &adaptiveLimiter{lim: rate.NewLimiter(rate.Inf, 1), ceiling: ceiling}
}

// isActive reports whether a is learning a limit (false for nil).
func (a *adaptiveLimiter) isActive() bool { return a != nil && a.active.Load() }

// wait holds a request until the learned rate admits it, or fails at once
// when it could not be admitted before ctx's deadline.
func (a *adaptiveLimiter) wait(ctx context.Context) error {
	if !a.active.Load() {
		return nil
	}
	for {
		now := time.Now()
		a.mu.Lock()
		res := a.lim.ReserveN(now, 1)
		d := res.DelayFrom(now)
		if d > 0 {
			a.held = now
			a.grow(now)
		}
		a.mu.Unlock()
		if d <= 0 {
			return nil
		}
		if deadline, ok := ctx.Deadline(); ok && now.Add(d).After(deadline) {
			res.CancelAt(now)
			return fmt.Errorf("jetpackcrm: the learned rate limit (%.3g requests/s) admits no request before the deadline", float64(a.lim.Limit()))
		}
		chunk := d
		if d > maxWaitChunk {
			// Give the token back and ask again after a while: the rate
			// may have grown.
			res.CancelAt(now)
			chunk = maxWaitChunk
		}
		if err := sleepCtx(ctx, chunk); err != nil {
			res.Cancel()
			return err
		}
		if d <= maxWaitChunk {
			return nil
		}
	}
}

// observe learns from the answer to a request sent at sent: a 429 or 503
// is a refusal, with or without Retry-After; any other status counts as
// accepted.
func (a *adaptiveLimiter) observe(sent time.Time, resp *http.Response) {
	now := time.Now()
	refused := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
	a.mu.Lock()
	defer a.mu.Unlock()
	id := now.UnixNano() / int64(acceptSlot)
	i := int(id % int64(acceptSlots))
	if a.slotIDs[i] != id {
		a.slotIDs[i], a.accepted[i], a.refusals[i] = id, 0, 0
	}
	if refused {
		a.refusals[i]++
		if resp.Header.Get("Retry-After") != "" || a.bareRefusalsMatter(now) {
			a.refused(sent, now)
		}
		return
	}
	a.accepted[i]++
	if a.active.Load() {
		a.grow(now)
	}
}

// lastSecond counts the accepted answers and the refusals of the last
// second.
func (a *adaptiveLimiter) lastSecond(now time.Time) (accepted, refusals int) {
	id := now.UnixNano() / int64(acceptSlot)
	for i, sid := range a.slotIDs {
		if sid > id-int64(acceptSlots) {
			accepted += a.accepted[i]
			refusals += a.refusals[i]
		}
	}
	return accepted, refusals
}

// bareRefusalsMatter reports whether the refusals without Retry-After of
// the last second are enough to cut the rate.
func (a *adaptiveLimiter) bareRefusalsMatter(now time.Time) bool {
	accepted, refusals := a.lastSecond(now)
	return refusals >= bareMin && float64(refusals) >= bareShare*float64(accepted+refusals)
}

// refused decreases the rate; a.mu is held.
func (a *adaptiveLimiter) refused(sent, now time.Time) {
	active := a.active.Load()
	if active && (sent.Before(a.cut) || now.Sub(a.cut) < minCutInterval) {
		return // the same burst of refusals
	}
	switch {
	case !active:
		accepted, _ := a.lastSecond(now)
		a.rate, a.probing = float64(accepted), true
		if a.rate < startRate {
			a.rate = startRate
		}
	case a.probing:
		a.rate /= 2
		a.step, a.probing = a.rate/10, false
	default:
		a.step = max(a.rate*stepFraction, minStep)
		a.rate *= backoffFactor
	}
	a.cut, a.grown = now, now
	a.apply(now)
	a.active.Store(true)
}

// grow raises the rate for the time since the last update, if requests
// were held back meanwhile; a.mu is held.
func (a *adaptiveLimiter) grow(now time.Time) {
	dt := now.Sub(a.grown)
	if dt <= 0 {
		return
	}
	a.grown = now
	// Held back recently enough: within the last second, or the time
	// between two requests at the current rate.
	bind := time.Duration(max(float64(time.Second), 2*float64(time.Second)/a.rate))
	if now.Sub(a.held) > bind {
		return
	}
	dt = min(dt, maxWaitChunk)
	if a.probing {
		a.rate *= math.Exp2(dt.Seconds() / slowStartDoubling.Seconds())
	} else {
		a.rate += a.step * dt.Seconds()
	}
	a.apply(now)
}

// apply bounds the rate and hands it to the token bucket; a.mu is held.
func (a *adaptiveLimiter) apply(now time.Time) {
	a.rate = min(max(a.rate, minAdaptiveRate), maxAdaptiveRate)
	if a.ceiling > 0 {
		a.rate = min(a.rate, a.ceiling)
	}
	a.lim.SetLimitAt(now, rate.Limit(a.rate))
}
