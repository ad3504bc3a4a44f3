package jetpackcrmtest

import (
	"net/http"
	"strings"
)

// serveHTTP is the server's handler: rate limit, fault injection, then
// WordPress and the plugin; every request is logged.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	at := s.cfg.clock()
	body := s.readBody(w, r)
	endpoint := endpointOf(r)
	rec := s.newRecord(r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Content-Type"), endpoint, body, at)
	// The request is logged before its answer or reset leaves, so that a
	// client that has seen the answer finds the request in the log; the
	// defer logs a request whose handler panicked.
	logged := false
	logRequest := func() {
		if !logged {
			logged = true
			s.mu.Lock()
			s.log.add(rec)
			s.mu.Unlock()
		}
	}
	defer logRequest()
	respond := func(resp *response) {
		rec.Status = resp.status
		logRequest()
		writeResponse(w, resp)
	}
	reset := func() {
		logRequest()
		resetConnection(w)
	}
	if s.cfg.phpBuiltinServer {
		w.Header().Set("Connection", "close")
	}
	// The site's clock, as Apache sends it: the one the stored records'
	// created times come from (net/http would send the real clock).
	w.Header().Set("Date", at.UTC().Format(http.TimeFormat))

	if resp := s.rateLimited(); resp != nil {
		rec.Fault = FaultRateLimited
		respond(resp)
		return
	}

	act := s.decideFault(endpoint)
	rec.Fault = act.kind
	switch act.kind {
	case FaultLatency:
		if !s.wait(r.Context(), act.latency) {
			reset()
			return
		}
	case Fault429, Fault500, Fault502, Fault503:
		respond(faultResponse(act, isJSONRequest(r.Header)))
		return
	case FaultResetBeforeWrite:
		reset()
		return
	}

	resp := s.wordpress(r, body)
	switch act.kind {
	case FaultResetAfterWrite:
		reset()
		return
	case FaultHTMLNotice:
		resp.body = append([]byte(phpNotice), resp.body...)
	case Fault502AfterWrite:
		resp = newResponse(http.StatusBadGateway, contentTypeHTML, []byte(badGatewayPage))
	case FaultUndecodableAfterWrite:
		resp.body = append([]byte(nil), resp.body[:len(resp.body)/2]...)
		if len(resp.body) == 0 {
			resp.body = []byte("<")
		}
	}
	respond(resp)
}

// writeResponse sends resp.
func writeResponse(w http.ResponseWriter, resp *response) {
	h := w.Header()
	for k, vs := range resp.header {
		h[k] = vs
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

// endpointOf names the endpoint a request addresses, for fault rules and the
// log: the first path segment after /zbs_api/, or the zbs_api query var.
func endpointOf(r *http.Request) string {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/zbs_api/"); ok {
		return firstSegment(rest)
	}
	if r.URL.Path == "/" || r.URL.Path == "" || r.URL.Path == "/index.php" {
		if v, ok := lastQueryValue(r.URL.Query(), "zbs_api"); ok {
			return firstSegment(v)
		}
	}
	return ""
}
