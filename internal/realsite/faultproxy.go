package realsite

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
)

// Fault is what FaultProxy does to a request instead of, or after,
// forwarding it.
type Fault int

const (
	// Fault429 answers 429 with Retry-After: 1, without forwarding.
	Fault429 Fault = iota
	// Fault503RetryAfter answers 503 with Retry-After: 1 (a host's or
	// WordPress's maintenance answer), without forwarding.
	Fault503RetryAfter
	// Fault503 answers 503 without Retry-After, without forwarding.
	Fault503
	// FaultResetBefore drops the connection without forwarding: the request
	// did not reach the site, but the client cannot know.
	FaultResetBefore
	// FaultResetAfter forwards the request, lets the site answer, and drops
	// the connection instead of relaying the answer: the write happened and
	// the client got no answer.
	FaultResetAfter
	// Fault502After forwards the request, lets the site answer, and answers
	// 502 Bad Gateway instead: the write happened and the client got a 5xx.
	Fault502After
	// FaultTruncatedAfter forwards the request and relays the site's status
	// and the first half of its body: the write happened and the answer
	// cannot be read.
	FaultTruncatedAfter
)

// String names the fault in test names and messages, e.g. "429".
func (f Fault) String() string {
	switch f {
	case Fault429:
		return "429"
	case Fault503RetryAfter:
		return "503+Retry-After"
	case Fault503:
		return "503"
	case FaultResetBefore:
		return "reset-before"
	case FaultResetAfter:
		return "reset-after"
	case Fault502After:
		return "502-after"
	case FaultTruncatedAfter:
		return "truncated-after"
	}
	return fmt.Sprintf("Fault(%d)", int(f))
}

// FaultProxy is a reverse proxy in front of a real site that injects faults
// into a fraction of the requests: the way to test 429, 503 and lost
// answers against a real CRM, which never sends them itself. The choice is
// drawn from a generator seeded by the test, so a given order of requests
// always meets the same faults. The proxy never logs requests (their query
// strings carry the site's credentials).
type FaultProxy struct {
	// URL is the proxy's site URL, to give NewClient instead of the site's.
	URL string
	// Site is the site behind the proxy, with URL replaced by the proxy's.
	Site Site

	srv    *httptest.Server
	target *url.URL
	proxy  *httputil.ReverseProxy

	mu       sync.Mutex
	rng      *rand.Rand
	rate     float64
	faults   []Fault
	counts   map[Fault]int
	requests int
}

// NewFaultProxy starts a proxy in front of s that injects one of faults
// (chosen uniformly) into each request with probability rate, drawn from a
// generator seeded with seed. It is closed when t ends.
func NewFaultProxy(t testing.TB, s Site, rate float64, seed uint64, faults ...Fault) *FaultProxy {
	t.Helper()
	target, err := url.Parse(s.URL)
	if err != nil {
		t.Fatalf("fault proxy: site URL: %v", err)
	}
	p := &FaultProxy{target: target, rng: rand.New(rand.NewPCG(seed, 0x7265616c)), rate: rate,
		faults: append([]Fault(nil), faults...), counts: map[Fault]int{}}
	p.proxy = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = target.Host
		},
		// A failed forward is the proxy's 502, not a log line with the URL.
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) { w.WriteHeader(http.StatusBadGateway) },
	}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	p.URL = p.srv.URL
	p.Site = s
	p.Site.URL = p.srv.URL
	return p
}

// draw decides the fate of one request.
func (p *FaultProxy) draw() (Fault, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	if len(p.faults) == 0 || p.rng.Float64() >= p.rate {
		return 0, false
	}
	f := p.faults[p.rng.IntN(len(p.faults))]
	p.counts[f]++
	return f, true
}

func (p *FaultProxy) serve(w http.ResponseWriter, r *http.Request) {
	f, inject := p.draw()
	if !inject {
		p.proxy.ServeHTTP(w, r)
		return
	}
	switch f {
	case Fault429:
		w.Header().Set("Retry-After", "1")
		http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
	case Fault503RetryAfter:
		w.Header().Set("Retry-After", "1")
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
	case Fault503:
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
	case FaultResetBefore:
		_, _ = io.Copy(io.Discard, r.Body)
		reset(w)
	case FaultResetAfter:
		rec := httptest.NewRecorder()
		p.proxy.ServeHTTP(rec, r) // the site does the work; its answer is lost
		reset(w)
	case Fault502After:
		rec := httptest.NewRecorder()
		p.proxy.ServeHTTP(rec, r)
		http.Error(w, "Bad Gateway", http.StatusBadGateway)
	case FaultTruncatedAfter:
		rec := httptest.NewRecorder()
		p.proxy.ServeHTTP(rec, r)
		for k, vs := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[k] = vs
			}
		}
		w.WriteHeader(rec.Code)
		body := rec.Body.Bytes()
		_, _ = w.Write(body[:len(body)/2])
	}
}

// reset closes the client's connection with a TCP reset.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("fault proxy: connection cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// Counts returns how many of each fault were injected, and how many
// requests the proxy saw.
func (p *FaultProxy) Counts() (map[Fault]int, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[Fault]int, len(p.counts))
	for k, v := range p.counts {
		out[k] = v
	}
	return out, p.requests
}
