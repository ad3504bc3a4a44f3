package jetpackcrmtest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// kv is one member of an ordered JSON object.
type kv struct {
	key string
	val any
}

// orderedObject is a JSON object with its key order.
type orderedObject []kv

// get returns the value of key.
func (o orderedObject) get(key string) any {
	for _, m := range o {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// keys returns the keys in order.
func (o orderedObject) keys() []string {
	out := make([]string, len(o))
	for i, m := range o {
		out[i] = m.key
	}
	return out
}

// decodeOrdered parses JSON keeping object key order and number literals.
func decodeOrdered(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := decodeOrderedValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after JSON")
	}
	return v, nil
}

func decodeOrderedValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	switch d {
	case '{':
		o := orderedObject{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeOrderedValue(dec)
			if err != nil {
				return nil, err
			}
			o = append(o, kv{k.(string), v})
		}
		_, err := dec.Token()
		return o, err
	default:
		list := []any{}
		for dec.More() {
			v, err := decodeOrderedValue(dec)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err := dec.Token()
		return list, err
	}
}

// jsonType names the JSON type of a decoded value; numbers are "int" or
// "float" by their literal, as PHP keeps the distinction.
func jsonType(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case string:
		return "string"
	case json.Number:
		if strings.ContainsAny(t.String(), ".eE") {
			return "float"
		}
		return "int"
	case []any:
		return "array"
	case orderedObject:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// diffJSON compares two decoded values recursively: same keys in the same
// order, same types, same values. It returns "" or the first difference.
func diffJSON(path string, want, got any) string {
	if jsonType(want) != jsonType(got) {
		return fmt.Sprintf("%s: type %s (%v), recorded %s (%v)", path, jsonType(got), got, jsonType(want), want)
	}
	switch w := want.(type) {
	case orderedObject:
		g := got.(orderedObject)
		if strings.Join(w.keys(), ",") != strings.Join(g.keys(), ",") {
			return fmt.Sprintf("%s: keys %v, recorded %v", path, g.keys(), w.keys())
		}
		for i := range w {
			if d := diffJSON(path+"."+w[i].key, w[i].val, g[i].val); d != "" {
				return d
			}
		}
	case []any:
		g := got.([]any)
		if len(w) != len(g) {
			return fmt.Sprintf("%s: %d elements, recorded %d", path, len(g), len(w))
		}
		for i := range w {
			if d := diffJSON(fmt.Sprintf("%s[%d]", path, i), w[i], g[i]); d != "" {
				return d
			}
		}
	default:
		if fmt.Sprint(want) != fmt.Sprint(got) {
			return fmt.Sprintf("%s: %v, recorded %v", path, got, want)
		}
	}
	return ""
}

// fakeClock is a settable clock for WithClock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 28, 3, 4, 17, 0, time.UTC)}
}

// Now returns the current fake time.
func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newServer starts a fake for one test and closes it at the end.
func newServer(t *testing.T, opts ...jetpackcrmtest.Option) *jetpackcrmtest.Server {
	t.Helper()
	srv := jetpackcrmtest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// result is a fake's answer.
type result struct {
	status int
	header http.Header
	body   []byte
	// closed is true when the server asked to close the connection.
	closed bool
}

// json decodes the body in order (failing the test if it is not JSON).
func (r result) json(t *testing.T) any {
	t.Helper()
	v, err := decodeOrdered(r.body)
	require.NoError(t, err, "body %q", r.body)
	return v
}

// object decodes the body as one JSON object.
func (r result) object(t *testing.T) orderedObject {
	t.Helper()
	o, ok := r.json(t).(orderedObject)
	require.True(t, ok, "body %q is not an object", r.body)
	return o
}

// list decodes the body as a JSON array of objects.
func (r result) list(t *testing.T) []orderedObject {
	t.Helper()
	l, ok := r.json(t).([]any)
	require.True(t, ok, "body %q is not an array", r.body)
	out := make([]orderedObject, len(l))
	for i, e := range l {
		out[i], ok = e.(orderedObject)
		require.True(t, ok, "element %d of %q is not an object", i, r.body)
	}
	return out
}

// ids returns the "id" values of a list reply.
func (r result) ids(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, o := range r.list(t) {
		out = append(out, o.get("id").(string))
	}
	return out
}

// request describes a call to the fake.
type request struct {
	method   string
	path     string // e.g. "/zbs_api/status/"; defaults to /zbs_api/<endpoint>/
	endpoint string
	query    url.Values
	body     string
	header   http.Header
	noAuth   bool
}

// call sends req with the fake's credentials (unless noAuth), without
// following redirects. It must run on the test's goroutine.
func call(t *testing.T, srv *jetpackcrmtest.Server, req request) result {
	t.Helper()
	r, err := tryCall(srv, req)
	require.NoError(t, err)
	return r
}

// tryCall is call for other goroutines: it returns the error.
func tryCall(srv *jetpackcrmtest.Server, req request) (result, error) {
	q := url.Values{}
	for k, v := range req.query {
		q[k] = v
	}
	if !req.noAuth {
		q.Set("api_key", srv.APIKey)
		q.Set("api_secret", srv.APISecret)
	}
	path := req.path
	if path == "" {
		path = "/zbs_api/" + req.endpoint + "/"
	}
	target := srv.URL + path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	method := req.method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
	}
	hr, err := http.NewRequest(method, target, body)
	if err != nil {
		return result{}, err
	}
	for k, vs := range req.header {
		hr.Header[k] = vs
	}
	if req.body != "" && hr.Header.Get("Content-Type") == "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(hr)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{}, err
	}
	return result{status: resp.StatusCode, header: resp.Header, body: b, closed: resp.Close}, nil
}

// post is a POST of a JSON body to an endpoint.
func post(t *testing.T, srv *jetpackcrmtest.Server, endpoint, body string) result {
	t.Helper()
	return call(t, srv, request{method: http.MethodPost, endpoint: endpoint, body: body})
}

// get is a GET of an endpoint with query parameters ("k", "v", ...).
func get(t *testing.T, srv *jetpackcrmtest.Server, endpoint string, kvs ...string) result {
	t.Helper()
	q := url.Values{}
	for i := 0; i+1 < len(kvs); i += 2 {
		q.Add(kvs[i], kvs[i+1])
	}
	return call(t, srv, request{endpoint: endpoint, query: q})
}
