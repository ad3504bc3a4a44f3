package jetpackcrmtest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Server is an in-memory fake Jetpack CRM site serving the JSON API under
// /zbs_api/ (and /?zbs_api=). It is safe for concurrent use.
//
// Create one with [NewServer] (started on a random loopback port) or
// [NewUnstartedServer] followed by Start (for a fixed address). Close it
// when done.
type Server struct {
	// URL is the site URL, e.g. "http://127.0.0.1:53817", without a trailing
	// slash. It is empty until the server is started.
	URL string
	// APIKey is the API key the server accepts ("jpcrm_pk_<hex>" unless set
	// with WithCredentials).
	APIKey string
	// APISecret is the API secret the server accepts ("jpcrm_sk_<hex>" unless
	// set with WithCredentials).
	APISecret string

	cfg       config
	handler   http.Handler
	closing   chan struct{}
	closeOnce sync.Once

	startMu sync.Mutex
	ts      *httptest.Server

	// mu guards everything below.
	mu       sync.Mutex
	db       *store
	webhooks map[string]WebhookHandler
	faults   faultState
	limiter  *tokenBucket
	log      requestLog
	rng      *mrand.Rand
}

// NewServer returns a started fake server listening on a random loopback
// port. It panics if it cannot listen, as httptest.NewServer does.
func NewServer(opts ...Option) *Server {
	s := NewUnstartedServer(opts...)
	if err := s.Start(""); err != nil {
		panic(fmt.Sprintf("jetpackcrmtest: %v", err))
	}
	return s
}

// NewUnstartedServer returns a fake server that does not listen yet: call
// Start, or mount Handler on your own server.
func NewUnstartedServer(opts ...Option) *Server {
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.key == "" {
		cfg.key = "jpcrm_pk_" + randomHex(20)
	}
	if cfg.secret == "" {
		cfg.secret = "jpcrm_sk_" + randomHex(20)
	}
	s := &Server{
		APIKey:    cfg.key,
		APISecret: cfg.secret,
		cfg:       cfg,
		closing:   make(chan struct{}),
		db:        newStore(),
		webhooks:  make(map[string]WebhookHandler, len(cfg.webhooks)),
		log:       newRequestLog(cfg.logLimit),
		rng:       mrand.New(mrand.NewPCG(cfg.seed, 0x6a6574706163)),
	}
	for k, v := range cfg.webhooks {
		s.webhooks[k] = v
	}
	if cfg.rateRPS > 0 {
		s.limiter = newTokenBucket(cfg.rateRPS, cfg.rateBurst, cfg.clock())
	}
	s.handler = http.HandlerFunc(s.serveHTTP)
	return s
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("jetpackcrmtest: crypto/rand: %v", err)) // never happens on supported platforms
	}
	return hex.EncodeToString(b)
}

// errStarted is returned by Start on a server that was already started.
var errStarted = errors.New("jetpackcrmtest: server already started")

// Start starts serving on addr, e.g. "127.0.0.1:8089", or on a random
// loopback port when addr is "". It sets URL.
func (s *Server) Start(addr string) error {
	s.startMu.Lock()
	defer s.startMu.Unlock()
	if s.ts != nil {
		return errStarted
	}
	select {
	case <-s.closing:
		return errors.New("jetpackcrmtest: server closed")
	default:
	}
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("jetpackcrmtest: listen: %w", err)
	}
	ts := &httptest.Server{
		Listener: l,
		Config: &http.Server{
			Handler:           s.handler,
			ReadHeaderTimeout: 10 * time.Second,
		},
	}
	ts.Start()
	s.ts = ts
	s.URL = ts.URL
	return nil
}

// Handler returns the server's HTTP handler, with faults, rate limit and
// request log applied, for mounting on a server of your own.
func (s *Server) Handler() http.Handler { return s.handler }

// HTTPClient returns an *http.Client for raw requests to the started
// server (it does not follow redirects differently from http.DefaultClient).
// It returns nil before Start.
func (s *Server) HTTPClient() *http.Client {
	s.startMu.Lock()
	defer s.startMu.Unlock()
	if s.ts == nil {
		return nil
	}
	return s.ts.Client()
}

// Close stops the server. Requests waiting on an injected latency fault are
// released at once. Close may be called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		s.startMu.Lock()
		ts := s.ts
		s.startMu.Unlock()
		if ts != nil {
			ts.Close()
		}
	})
}

// now returns the site clock in UTC, to the second (the resolution the CRM
// stores).
func (s *Server) now() time.Time { return s.cfg.clock().UTC().Truncate(time.Second) }

// isAdmin reports whether the WordPress user holds the CRM admin role.
func (s *Server) isAdmin(id int64) bool { return s.cfg.admins[id] }
