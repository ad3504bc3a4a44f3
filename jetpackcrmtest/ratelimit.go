package jetpackcrmtest

import (
	"net/http"
	"time"
)

// tokenBucket is a classic token bucket: burst tokens, refilled at rate per
// second of the server clock. It is only used with Server.mu held.
type tokenBucket struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newTokenBucket(rps float64, burst int, now time.Time) *tokenBucket {
	if burst < 1 {
		burst = 1
	}
	return &tokenBucket{rate: rps, burst: float64(burst), tokens: float64(burst), last: now}
}

// take takes one token at now. When none is left it reports false and how
// long until the next token. A clock that goes backwards refills nothing.
func (b *tokenBucket) take(now time.Time) (bool, time.Duration) {
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = min(b.burst, b.tokens+elapsed.Seconds()*b.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}

// SetRateLimit replaces the server-side rate limit: beyond rps requests per
// second (bursts of up to burst), requests get 429 with Retry-After, counted
// as [FaultRateLimited]. rps <= 0 removes the limit. The bucket starts full
// and is driven by the server clock ([WithClock]), so tests can advance time
// instead of sleeping.
func (s *Server) SetRateLimit(rps float64, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rps <= 0 {
		s.limiter = nil
		return
	}
	s.limiter = newTokenBucket(rps, burst, s.cfg.clock())
}

// rateLimited takes a token for one request; it returns the 429 to send
// when none is left, or nil.
func (s *Server) rateLimited() *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limiter == nil {
		return nil
	}
	ok, wait := s.limiter.take(s.cfg.clock())
	if ok {
		return nil
	}
	s.countFault(FaultRateLimited)
	r := newResponse(http.StatusTooManyRequests, contentTypeHTML, []byte(tooManyRequestsPage))
	if wait < time.Second {
		wait = time.Second
	}
	setRetryAfter(r, wait)
	return r
}
