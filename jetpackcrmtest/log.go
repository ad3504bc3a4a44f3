package jetpackcrmtest

import (
	"bytes"
	"net/url"
	"strings"
	"time"
)

// RequestRecord is one request as the server saw it, for assertions. It
// never holds the API key or secret: the api_key and api_secret query
// parameters are removed, and any other occurrence of the key or secret (in
// the path, another query value or the body) is replaced by "[REDACTED]".
type RequestRecord struct {
	// Time is when the request arrived, by the server clock.
	Time time.Time
	// Method is the HTTP method, e.g. "POST".
	Method string
	// Path is the URL path, e.g. "/zbs_api/create_customer/".
	Path string
	// Endpoint is the API endpoint addressed ("" when none), whether or not
	// it exists.
	Endpoint string
	// Query holds the query parameters without the credentials.
	Query url.Values
	// ContentType is the request's Content-Type header.
	ContentType string
	// Body is the request body as read (nil when empty), cut at
	// MaxLoggedBodyBytes to keep the log's memory bounded.
	Body []byte
	// BodySize is the full length of the request body.
	BodySize int
	// Status is the status code sent, or 0 when the connection was reset or
	// the request was abandoned.
	Status int
	// Fault is the fault injected into this request (FaultNone if none).
	Fault FaultKind
}

// MaxLoggedBodyBytes is how much of each request body the log keeps.
const MaxLoggedBodyBytes = 64 << 10

// requestLog is a ring buffer of the last limit records.
type requestLog struct {
	limit   int
	entries []RequestRecord
	next    int
	full    bool
	total   int
}

func newRequestLog(limit int) requestLog {
	if limit < 0 {
		limit = 0
	}
	return requestLog{limit: limit}
}

func (l *requestLog) add(r RequestRecord) {
	l.total++
	if l.limit == 0 {
		return
	}
	if len(l.entries) < l.limit {
		l.entries = append(l.entries, r)
		return
	}
	l.entries[l.next] = r
	l.next = (l.next + 1) % l.limit
	l.full = true
}

func (l *requestLog) snapshot() []RequestRecord {
	out := make([]RequestRecord, 0, len(l.entries))
	if l.full {
		out = append(out, l.entries[l.next:]...)
		out = append(out, l.entries[:l.next]...)
	} else {
		out = append(out, l.entries...)
	}
	for i := range out {
		out[i].Query = cloneValues(out[i].Query)
		out[i].Body = bytes.Clone(out[i].Body)
	}
	return out
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// Requests returns the logged requests, oldest first (at most the log limit,
// see [WithRequestLogLimit]).
func (s *Server) Requests() []RequestRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.snapshot()
}

// RequestCount returns how many requests arrived since the server started
// or since the last ResetLog, including those dropped from the capped log.
func (s *Server) RequestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.total
}

// ResetLog empties the request log.
func (s *Server) ResetLog() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = newRequestLog(s.cfg.logLimit)
}

// redacted is what replaces the key or secret in the log.
const redacted = "[REDACTED]"

// redactor replaces every form of the key and secret in a string.
func (s *Server) redactor() *strings.Replacer {
	var pairs []string
	seen := map[string]bool{}
	for _, v := range []string{s.APIKey, s.APISecret} {
		for _, form := range []string{v, url.QueryEscape(v), url.PathEscape(v)} {
			if form != "" && !seen[form] {
				seen[form] = true
				pairs = append(pairs, form, redacted)
			}
		}
	}
	return strings.NewReplacer(pairs...)
}

// newRecord builds the log record of a request, credentials removed.
func (s *Server) newRecord(method, path, rawQuery, contentType, endpoint string, body []byte, at time.Time) RequestRecord {
	rep := s.redactor()
	q, _ := url.ParseQuery(rawQuery)
	clean := make(url.Values, len(q))
	for k, vs := range q {
		if k == "api_key" || k == "api_secret" {
			continue
		}
		k = rep.Replace(k)
		for _, v := range vs {
			clean[k] = append(clean[k], rep.Replace(v))
		}
	}
	rec := RequestRecord{
		Time:        at,
		Method:      method,
		Path:        rep.Replace(path),
		Endpoint:    rep.Replace(endpoint),
		Query:       clean,
		ContentType: contentType,
	}
	if len(body) > 0 {
		rec.BodySize = len(body)
		rec.Body = []byte(rep.Replace(string(body)))
		if len(rec.Body) > MaxLoggedBodyBytes {
			rec.Body = rec.Body[:MaxLoggedBodyBytes:MaxLoggedBodyBytes]
		}
	}
	return rec
}
