package jetpackcrm

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"unicode/utf8"
)

const (
	// DefaultMaxResponseBytes caps how much of a response body is read.
	DefaultMaxResponseBytes = 32 << 20
	maxErrorBody            = 512
	maxSnippet              = 120
)

// readBody reads at most limit bytes of body. A longer body is not read
// further and gives ErrResponseTooLarge.
func readBody(body io.Reader, limit int64, sizeHint int64) ([]byte, error) {
	if sizeHint >= 0 && sizeHint <= limit {
		// The length is known: read exactly that, in one allocation.
		buf := make([]byte, sizeHint)
		n, err := io.ReadFull(body, buf)
		if err != nil {
			return buf[:n], err // a body shorter than announced
		}
		return buf, nil
	}
	var buf bytes.Buffer
	buf.Grow(8192)
	n, err := buf.ReadFrom(io.LimitReader(body, limit+1))
	if err != nil {
		return buf.Bytes(), err
	}
	if n > limit {
		return buf.Bytes()[:limit], ErrResponseTooLarge
	}
	return buf.Bytes(), nil
}

// utf8BOM is the byte order mark a PHP file saved "with BOM" prints before
// anything else, once per such file included.
var utf8BOM = []byte("\xEF\xBB\xBF")

// skipNoise returns body from its JSON value on. PHP can print before the
// JSON it meant to send: byte order marks, a deprecation <div> from the
// companies endpoint, a database error <div>, any number of PHP notices as
// HTML (an xdebug table is a page of them) or as plain text lines. The
// value is the one that ends the body; what comes before it is skipped if
// it ends in markup ('>') or a line break, and only if the value is
// complete JSON. Otherwise body is returned unchanged. It reads the body
// once backwards and validates once: any length of noise costs O(len).
func skipNoise(body []byte) []byte {
	trimmed := body
	for {
		t := bytes.TrimLeft(trimmed, " \t\r\n")
		t = bytes.TrimPrefix(t, utf8BOM)
		if len(t) == len(trimmed) {
			break
		}
		trimmed = t
	}
	if len(trimmed) == 0 || trimmed[0] == '{' || trimmed[0] == '[' || trimmed[0] == '"' {
		return trimmed
	}
	start := trailingValueStart(trimmed)
	if start <= 0 {
		return body
	}
	noise := bytes.TrimRight(trimmed[:start], " \t\r")
	if last := noise[len(noise)-1]; last != '>' && last != '\n' {
		return body
	}
	if value := trimmed[start:]; json.Valid(value) {
		return value
	}
	return body
}

// trailingValueStart returns where the JSON object or array that ends b
// (trailing white space aside) starts, or -1. It matches brackets from the
// end, stepping over strings: in JSON a quote is escaped exactly when an
// odd number of backslashes precede it.
func trailingValueStart(b []byte) int {
	end := len(bytes.TrimRight(b, " \t\r\n"))
	if end == 0 || (b[end-1] != '}' && b[end-1] != ']') {
		return -1
	}
	depth := 0
	for i := end - 1; i >= 0; i-- {
		switch b[i] {
		case '"':
			for i--; i >= 0 && (b[i] != '"' || escapedQuote(b, i)); i-- {
			}
			if i < 0 {
				return -1
			}
		case '}', ']':
			depth++
		case '{', '[':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}

// escapedQuote reports whether the quote at b[i] follows an odd number of
// backslashes.
func escapedQuote(b []byte, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

// snippet is the start of body on one line, for error messages.
func snippet(body []byte, max int, creds *credentials) string {
	if len(body) > max {
		body = body[:max]
	}
	s := strings.ToValidUTF8(string(body), "")
	s = strings.Join(strings.Fields(s), " ")
	s = creds.redact(s)
	if len(s) > max {
		s = s[:max]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}

// errorBody is every error shape the API sends, in one struct.
type errorBody struct {
	Success *bool           `json:"success"`
	Data    json.RawMessage `json:"data"`
	Error   json.RawMessage `json:"error"`
	Errors  json.RawMessage `json:"errors"`
	Message json.RawMessage `json:"message"`
	Code    json.RawMessage `json:"code"`
	ID      json.RawMessage `json:"id"`
}

type statusMessage struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// callInfo names a call for errors and decides how its answers are read.
type callInfo struct {
	method   string
	endpoint string
	// write is true for the create_* endpoints, whose empty 200 body is a
	// refusal rather than a decoding problem.
	write bool
}

// newCallInfo names a call; the create_* endpoints are the writes.
func newCallInfo(method, endpoint string) callInfo {
	return callInfo{method: method, endpoint: endpoint, write: strings.HasPrefix(endpoint, "create_")}
}

// checkBody is the one place that decides whether an answer is an error: a
// non-2xx status, or a 200 body in one of the API's refusal shapes.
func checkBody(ci callInfo, status int, body []byte, attempts int, creds *credentials) error {
	clean := skipNoise(body)
	if status >= 200 && status <= 299 {
		if len(clean) == 0 {
			if ci.write {
				return &APIError{StatusCode: status, Method: ci.method, Endpoint: ci.endpoint, Rejected: true,
					Code: "empty", Message: "the CRM answered with an empty body and stored nothing", Attempts: attempts}
			}
			return nil
		}
		if clean[0] != '{' || !mayBeRefusal(clean) {
			return nil // lists are arrays; HTML is a decoding problem
		}
		var eb errorBody
		if json.Unmarshal(clean, &eb) != nil {
			return nil
		}
		refused := (len(eb.Error) > 0 || len(eb.Errors) > 0) && len(eb.ID) == 0
		if eb.Success != nil && !*eb.Success {
			refused = true
		}
		if !refused {
			return nil
		}
		e := &APIError{StatusCode: status, Method: ci.method, Endpoint: ci.endpoint, Rejected: true, Attempts: attempts,
			Body: snippet(clean, maxErrorBody, creds)}
		fillFromErrorBody(e, &eb, creds)
		return e
	}
	e := &APIError{StatusCode: status, Method: ci.method, Endpoint: ci.endpoint, Attempts: attempts,
		Body: snippet(clean, maxErrorBody, creds)}
	var eb errorBody
	if len(clean) > 0 && clean[0] == '{' && json.Unmarshal(clean, &eb) == nil {
		fillFromErrorBody(e, &eb, creds)
	}
	return e
}

// mayBeRefusal is a cheap test that spares successful objects a second
// parse: every refusal shape has an "error" or "errors" key, or "success"
// false.
func mayBeRefusal(body []byte) bool {
	return bytes.Contains(body, []byte(`"error`)) ||
		(bytes.Contains(body, []byte(`"success"`)) && bytes.Contains(body, []byte("false")))
}

func fillFromErrorBody(e *APIError, eb *errorBody, creds *credentials) {
	var sm statusMessage
	if len(eb.Data) > 0 && json.Unmarshal(eb.Data, &sm) == nil {
		e.Status = creds.redact(sm.Status)
		e.Message = creds.redact(sm.Message)
	}
	// The code is shown in Error(): bounded and redacted like any text
	// taken from the body.
	switch {
	case len(eb.Error) > 0:
		e.Code = snippet([]byte(rawScalar(eb.Error)), maxSnippet, creds)
	case len(eb.Errors) > 0:
		e.Code = snippet([]byte(rawScalar(eb.Errors)), maxSnippet, creds)
	case len(eb.Code) > 0:
		e.Code = snippet([]byte(rawScalar(eb.Code)), maxSnippet, creds)
	}
	if e.Message == "" && len(eb.Message) > 0 {
		e.Message = snippet([]byte(stripTags(rawScalar(eb.Message))), maxSnippet, creds)
	}
}

// rawScalar renders a JSON scalar as text: strings unquoted, others as written.
func rawScalar(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(bytes.TrimSpace(raw))
}

// stripTags drops HTML markup from a message (WordPress fatal errors come as
// "<p>There has been a critical error on this website.</p>...").
func stripTags(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
			b.WriteByte(' ')
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// decodeBody unmarshals a checked 2xx body into v. HTML noise before the
// JSON is skipped; anything else that is not JSON is a *DecodeError.
func decodeBody(ci callInfo, resp *http.Response, body []byte, attempts int, creds *credentials, v any) error {
	if v == nil {
		return nil
	}
	if w, ok := v.(io.Writer); ok {
		_, err := w.Write(body)
		return err
	}
	if ci.endpoint != "webhook" {
		// What encodeSupplementary wrote; the events endpoint HTML-escapes
		// its text once more.
		body = decodeSupplementary(body, ci.endpoint == "events")
	}
	clean := skipNoise(body)
	var err error
	switch {
	case len(clean) == 0:
		err = errors.New("expected JSON")
	case isWireTarget(v):
		err = decodeWire(clean, v) // one pass, lists and single objects alike
	case clean[0] == '{' && isListTarget(v):
		// The documented examples of the list endpoints (customers,
		// customer_search, quotes, invoices, transactions) are single
		// objects, as older plugins answered one match: read one object as
		// a list of one.
		list := make([]byte, 0, len(clean)+2)
		list = append(append(append(list, '['), clean...), ']')
		err = json.Unmarshal(list, v)
	case isUnmarshalerPointer(v) && json.Valid(clean):
		// What json.Unmarshal does with such a v, without scanning the body
		// a second time to find the value's end.
		err = v.(json.Unmarshaler).UnmarshalJSON(bytes.TrimRight(clean, " \t\r\n"))
	default:
		err = json.Unmarshal(clean, v)
	}
	if err == nil {
		// A read lists what was stored, some of it encoded; a write's echo
		// is what was sent, which the server stored sanitised.
		if ci.write {
			mapDecoded(v, passEcho)
		} else {
			mapDecoded(v, passRead)
		}
		return nil
	}
	return newDecodeError(ci, resp, body, attempts, creds, err)
}

// dropNullEntries removes the nil elements that null entries of a JSON
// list leave in a *[]*T, in place, and returns how many there were. A null
// holds no record, so nothing is lost; the caller still counts them for
// paging, or a page with one would look like the last.
func dropNullEntries(v any) int {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Slice ||
		rv.Elem().Type().Elem().Kind() != reflect.Pointer {
		return 0
	}
	list := rv.Elem()
	kept := 0
	for i := range list.Len() {
		if e := list.Index(i); !e.IsNil() {
			list.Index(kept).Set(e)
			kept++
		}
	}
	dropped := list.Len() - kept
	if dropped > 0 {
		for i := kept; i < list.Len(); i++ {
			list.Index(i).SetZero()
		}
		list.SetLen(kept)
	}
	return dropped
}

// isUnmarshalerPointer reports whether v is a non-nil pointer with its own
// UnmarshalJSON, which json.Unmarshal would call with the whole value.
func isUnmarshalerPointer(v any) bool {
	if _, ok := v.(json.Unmarshaler); !ok {
		return false
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && !rv.IsNil()
}

// isListTarget reports whether v is a pointer to a slice that decodes from
// a JSON array: what the list methods decode into. Byte slices and types
// with their own UnmarshalJSON (json.RawMessage) are not.
func isListTarget(v any) bool {
	if _, ok := v.(json.Unmarshaler); ok {
		return false
	}
	t := reflect.TypeOf(v)
	return t != nil && t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Slice &&
		t.Elem().Elem().Kind() != reflect.Uint8
}

func newDecodeError(ci callInfo, resp *http.Response, body []byte, attempts int, creds *credentials, cause error) *DecodeError {
	de := &DecodeError{Method: ci.method, Endpoint: ci.endpoint, Attempts: attempts,
		Snippet: snippet(body, maxSnippet, creds), Err: creds.redactError(cause)}
	if resp != nil {
		de.StatusCode = resp.StatusCode
		de.ContentType = resp.Header.Get("Content-Type")
	}
	return de
}

// CheckResponse reports whether r is an error answer from the API, in the
// same way the [Client] does: a non-2xx status gives an [*APIError] matching
// its sentinel, and a 200 body in one of the API's refusal shapes gives an
// *APIError matching [ErrRejected]. It reads the body (up to
// [DefaultMaxResponseBytes]) and puts it back, so r can still be decoded.
// Credentials found in r.Request's query are redacted from the error.
func CheckResponse(r *http.Response) error {
	if r == nil {
		return invalid("CheckResponse", "r", "nil response")
	}
	var creds *credentials
	ci := newCallInfo(http.MethodGet, "")
	if r.Request != nil {
		ci.method = r.Request.Method
		if r.Request.URL != nil {
			q := r.Request.URL.Query()
			creds = newCredentials(q.Get("api_key"), q.Get("api_secret"))
			ci = newCallInfo(r.Request.Method, endpointOf(r.Request.URL))
		}
	}
	var body []byte
	if r.Body != nil {
		b, err := readBody(r.Body, DefaultMaxResponseBytes, r.ContentLength)
		_ = r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(b))
		if err != nil {
			return newDecodeError(ci, r, b, 1, creds, err)
		}
		body = b
	}
	return checkBody(ci, r.StatusCode, body, 1, creds)
}

// endpointOf extracts the endpoint name from a /zbs_api/<endpoint>/ or
// /?zbs_api=<endpoint> URL.
func endpointOf(u *url.URL) string {
	if ep := u.Query().Get("zbs_api"); ep != "" {
		return ep
	}
	p := u.Path
	if i := strings.Index(p, "/zbs_api/"); i >= 0 {
		p = p[i+len("/zbs_api/"):]
		if j := strings.IndexByte(p, '/'); j >= 0 {
			p = p[:j]
		}
		return p
	}
	return strings.Trim(p, "/")
}
