package jetpackcrmtest

import (
	"context"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// FaultKind is a failure the server can inject in front of the API, the way
// a host, proxy, WAF or WordPress itself fails in production.
type FaultKind int

// The injectable faults. Their zero value, [FaultNone], lets a request
// through.
const (
	// FaultNone injects nothing. Use it in schedules to let a request through.
	FaultNone FaultKind = iota
	// Fault429 answers 429 Too Many Requests with Retry-After (seconds) and
	// an HTML body, as a host or WAF does. The request is not applied.
	Fault429
	// Fault500 answers WordPress's 500 "critical error" (JSON for a JSON
	// request, else the HTML page) without applying the request.
	Fault500
	// Fault502 answers an nginx-style 502 Bad Gateway HTML page without
	// applying the request.
	Fault502
	// Fault503 answers WordPress's maintenance-mode page, 503 with
	// Retry-After: "Briefly unavailable for scheduled maintenance.".
	// The request is not applied.
	Fault503
	// FaultResetBeforeWrite resets the connection before the request is
	// applied: the client sees a reset or EOF and nothing changed.
	FaultResetBeforeWrite
	// FaultResetAfterWrite applies the request, then resets the connection
	// instead of answering: the client sees a reset or EOF although the
	// write happened.
	FaultResetAfterWrite
	// FaultLatency delays the request by the rule's Latency, then answers
	// normally. The wait ends early if the client goes away or the server
	// is closed.
	FaultLatency
	// FaultHTMLNotice answers normally but prints a PHP notice
	// ("<br />\n<b>Deprecated</b>: ...") before the body, as a site with
	// display_errors on does.
	FaultHTMLNotice
	// FaultRateLimited is not injectable: it counts the 429s of the rate
	// limiter (WithRateLimit, SetRateLimit).
	FaultRateLimited
	// Fault502AfterWrite applies the request, then answers a proxy's 502
	// Bad Gateway page instead of WordPress's answer: the client gets a 5xx
	// although the write happened.
	Fault502AfterWrite
	// FaultUndecodableAfterWrite applies the request, then answers 200 with
	// its body cut off in the middle (PHP out of memory while printing, a
	// proxy that dropped the end): the write happened but the client cannot
	// read the answer.
	FaultUndecodableAfterWrite
)

var faultNames = [...]string{"none", "429", "500", "502", "503", "reset-before-write", "reset-after-write", "latency", "html-notice", "rate-limited", "502-after-write", "undecodable-after-write"}

// String returns a short name such as "429" or "reset-after-write".
func (k FaultKind) String() string {
	if k >= 0 && int(k) < len(faultNames) {
		return faultNames[k]
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// Default parameters of injected faults.
const (
	// DefaultFaultRetryAfter is the Retry-After of Fault429 and Fault503
	// when Faults.RetryAfter is zero.
	DefaultFaultRetryAfter = time.Second
	// DefaultFaultLatency is the delay of FaultLatency when Faults.Latency is zero.
	DefaultFaultLatency = 50 * time.Millisecond
)

// Faults is a fault-injection rule, added with [Server.InjectFaults].
//
// A rule with a Schedule is a script: each request to a matching endpoint
// takes the next entry ([FaultNone] lets it through), until the schedule is
// used up (or forever with Repeat). A rule without a Schedule fires at
// random with probability Rate, choosing one of Kinds; its random source is
// seeded with Seed, so a given sequence of requests always gets the same
// faults.
//
// For each request, schedules are consulted first, in the order they were
// added; the first matching schedule with an entry left decides the request.
// Otherwise the rate rules are drawn in order and the first that fires wins.
type Faults struct {
	// Endpoint limits the rule to one endpoint, e.g. "create_customer";
	// "" matches every request.
	Endpoint string
	// Rate is the probability, from 0 to 1, that a matching request fails.
	Rate float64
	// Kinds are the faults a rate rule picks from, uniformly; empty means
	// Fault500.
	Kinds []FaultKind
	// Seed seeds the rule's random source.
	Seed uint64
	// Schedule, when not empty, makes this a scripted rule (Rate, Kinds and
	// Seed are then ignored).
	Schedule []FaultKind
	// Repeat replays the Schedule forever instead of using it up.
	Repeat bool
	// Max stops a rate rule after it has injected Max faults; 0 means no limit.
	Max int
	// RetryAfter is sent with Fault429 and Fault503 (rounded up to whole
	// seconds); 0 means DefaultFaultRetryAfter, negative omits the header.
	RetryAfter time.Duration
	// Latency is the delay of FaultLatency; 0 means DefaultFaultLatency.
	Latency time.Duration
}

// faultRule is an injected Faults with its state.
type faultRule struct {
	Faults
	rng   *mrand.Rand
	pos   int
	fired int
}

// faultState holds the rules and the counters of injected faults.
type faultState struct {
	rules  []*faultRule
	counts map[FaultKind]int
}

// faultAction is what the fault layer does with one request.
type faultAction struct {
	kind       FaultKind
	retryAfter time.Duration
	latency    time.Duration
}

// InjectFaults adds a fault-injection rule. See [Faults] for how rules
// combine.
func (s *Server) InjectFaults(f Faults) {
	f.Kinds = append([]FaultKind(nil), f.Kinds...)
	f.Schedule = append([]FaultKind(nil), f.Schedule...)
	if len(f.Kinds) == 0 {
		f.Kinds = []FaultKind{Fault500}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.rules = append(s.faults.rules, &faultRule{
		Faults: f,
		rng:    mrand.New(mrand.NewPCG(f.Seed, 0x9e3779b97f4a7c15)),
	})
}

// InjectSchedule scripts the next requests to endpoint ("" for any): the
// n-th matching request gets kinds[n] ([FaultNone] lets it through), then
// the schedule is used up. It is InjectFaults(Faults{Endpoint: endpoint,
// Schedule: kinds}).
func (s *Server) InjectSchedule(endpoint string, kinds ...FaultKind) {
	s.InjectFaults(Faults{Endpoint: endpoint, Schedule: kinds})
}

// ClearFaults removes every fault rule. The counters are kept.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.rules = nil
}

// FaultCounts returns how many faults of each kind were injected (including
// [FaultRateLimited] for the rate limiter's 429s).
func (s *Server) FaultCounts() map[FaultKind]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[FaultKind]int, len(s.faults.counts))
	for k, v := range s.faults.counts {
		out[k] = v
	}
	return out
}

// FaultCount returns how many faults of kind k were injected.
func (s *Server) FaultCount(k FaultKind) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.counts[k]
}

// ResetFaultCounts sets every fault counter back to zero.
func (s *Server) ResetFaultCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.counts = nil
}

// countFault records an injected fault; s.mu must be held.
func (s *Server) countFault(k FaultKind) {
	if k == FaultNone {
		return
	}
	if s.faults.counts == nil {
		s.faults.counts = map[FaultKind]int{}
	}
	s.faults.counts[k]++
}

// decideFault picks the fault for a request to endpoint and counts it.
func (s *Server) decideFault(endpoint string) faultAction {
	s.mu.Lock()
	defer s.mu.Unlock()
	act := s.pickFault(endpoint)
	if act.kind == FaultRateLimited {
		act.kind = Fault429
	}
	s.countFault(act.kind)
	return act
}

func (s *Server) pickFault(endpoint string) faultAction {
	matches := func(r *faultRule) bool { return r.Endpoint == "" || r.Endpoint == endpoint }
	for _, r := range s.faults.rules {
		if len(r.Schedule) == 0 || !matches(r) {
			continue
		}
		if r.pos >= len(r.Schedule) {
			if !r.Repeat {
				continue
			}
			r.pos = 0
		}
		k := r.Schedule[r.pos]
		r.pos++
		return r.action(k)
	}
	for _, r := range s.faults.rules {
		if len(r.Schedule) > 0 || !matches(r) || (r.Max > 0 && r.fired >= r.Max) {
			continue
		}
		if r.rng.Float64() >= r.Rate {
			continue
		}
		k := r.Kinds[r.rng.IntN(len(r.Kinds))]
		if k == FaultNone {
			continue
		}
		r.fired++
		return r.action(k)
	}
	return faultAction{}
}

func (r *faultRule) action(k FaultKind) faultAction {
	a := faultAction{kind: k, retryAfter: r.RetryAfter, latency: r.Latency}
	if a.retryAfter == 0 {
		a.retryAfter = DefaultFaultRetryAfter
	}
	if a.latency <= 0 {
		a.latency = DefaultFaultLatency
	}
	return a
}

// faultResponse renders the answer of an error fault.
func faultResponse(a faultAction, jsonRequest bool) *response {
	var r *response
	switch a.kind {
	case Fault429:
		r = newResponse(http.StatusTooManyRequests, contentTypeHTML, []byte(tooManyRequestsPage))
		setRetryAfter(r, a.retryAfter)
	case Fault502:
		r = newResponse(http.StatusBadGateway, contentTypeHTML, []byte(badGatewayPage))
	case Fault503:
		r = newResponse(http.StatusServiceUnavailable, contentTypeHTML, wpDiePage("Maintenance", "<p>"+maintenanceMessage+"</p>"))
		setRetryAfter(r, a.retryAfter)
	default: // Fault500
		r = fatalError(jsonRequest)
	}
	return r
}

// setRetryAfter sets Retry-After in whole seconds, rounded up; a negative
// duration omits it.
func setRetryAfter(r *response, d time.Duration) {
	if d < 0 {
		return
	}
	r.header.Set("Retry-After", strconv.FormatInt(int64(math.Ceil(d.Seconds())), 10))
}

// Pages of the error faults.
const (
	tooManyRequestsPage = "<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
	badGatewayPage      = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
	// phpNotice is what FaultHTMLNotice prints before the body.
	phpNotice = "<br />\n<b>Deprecated</b>:  Creation of dynamic property zbsDAL_contacts::$fake is deprecated in <b>/var/www/html/wp-content/plugins/zero-bs-crm/includes/ZeroBSCRM.DAL3.Obj.Contacts.php</b> on line <b>42</b><br />\n"
)

// wait blocks for d, or until ctx is done or the server closes; it reports
// whether the full delay passed.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.closing:
		return false
	}
}

// resetConnection drops the client connection without an HTTP answer: the
// connection is hijacked, its linger set to 0 (so closing sends a TCP RST)
// and closed. A ResponseWriter that cannot be hijacked (HTTP/2, a
// ResponseRecorder) is aborted with http.ErrAbortHandler instead.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
