package jetpackcrm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm/internal/recorded"
)

// The credentials are distinctive, and need escaping in a URL, so that a
// leak in any form is caught.
const (
	testKey    = "jpcrm_pk_K3yMaterial/+=&"
	testSecret = "jpcrm_sk_S3cretMaterial?#%"
	testSite   = "https://crm.example.com/wp"
	testAPI    = testSite + "/zbs_api/"
)

// secretForms are every form in which the test credentials could leak.
var secretForms = []string{
	testKey, testSecret,
	url.QueryEscape(testKey), url.QueryEscape(testSecret),
	url.PathEscape(testKey), url.PathEscape(testSecret),
	"K3yMaterial", "S3cretMaterial",
}

// assertNoSecret fails if any text shows the credentials in any form.
func assertNoSecret(t testing.TB, texts ...string) {
	t.Helper()
	for _, text := range texts {
		for _, form := range secretForms {
			if strings.Contains(text, form) {
				t.Errorf("credential form %q leaked in: %s", form, text)
			}
		}
	}
}

// assertErrorHidesSecret checks err's message and %+v / %#v renderings.
func assertErrorHidesSecret(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	assertNoSecret(t, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%v", err))
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fastRetries keeps backoff waits tiny; tests that measure waits run inside
// testing/synctest, where time is virtual.
var fastRetries = RetryPolicy{MaxRetries: 3, WaitMin: time.Millisecond, WaitMax: 4 * time.Millisecond}

type testEnv struct {
	client *Client
	mock   *httpmock.MockTransport
	logs   *syncBuffer
}

// setup returns a Client that sends through an httpmock transport, with a
// debug logger whose output each test can check for leaks.
func setup(t testing.TB, opts ...Option) *testEnv {
	t.Helper()
	mock := httpmock.NewMockTransport()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// The check of custom-field slugs would add a read of the site's
	// contacts before a write with custom fields; customfields_test.go
	// tests it with a client of its own.
	base := []Option{WithHTTPClient(&http.Client{Transport: mock}), WithRetryPolicy(fastRetries), WithLogger(logger), WithoutCustomFieldCheck()}
	c, err := NewClient(testSite, testKey, testSecret, append(base, opts...)...)
	require.NoError(t, err)
	env := &testEnv{client: c, mock: mock, logs: logs}
	t.Cleanup(func() { assertNoSecret(t, logs.String()) })
	return env
}

// respond registers a responder for an endpoint, whatever the query.
func (e *testEnv) respond(method, endpoint string, r httpmock.Responder) {
	e.mock.RegisterResponder(method, testAPI+endpoint+"/", r)
}

// serveHandler answers every request of e's Client with h, in memory (no
// socket): for wire-level tests whose replies depend on the request, written
// as an http.Handler. h sees the paths under the API root, /zbs_api/...
func (e *testEnv) serveHandler(h http.Handler) {
	root, err := url.Parse(testSite)
	if err != nil {
		panic(err)
	}
	site := http.StripPrefix(root.Path, h)
	e.mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		rec := httptest.NewRecorder()
		site.ServeHTTP(rec, req)
		resp := rec.Result()
		resp.Request = req
		return resp, nil
	})
}

// jsonResponder answers with a body and a JSON content type.
func jsonResponder(status int, body string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json; charset=UTF-8")
		resp.Request = req
		return resp, nil
	}
}

// recordingResponder keeps every request's URL and body, then delegates.
type recordingResponder struct {
	mu     sync.Mutex
	urls   []*url.URL
	bodies [][]byte
	heads  []http.Header
	next   httpmock.Responder
}

func (r *recordingResponder) responder() httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		var body []byte
		if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
		}
		r.mu.Lock()
		r.urls = append(r.urls, req.URL)
		r.bodies = append(r.bodies, body)
		r.heads = append(r.heads, req.Header.Clone())
		r.mu.Unlock()
		return r.next(req)
	}
}

func requireAPIError(t testing.TB, err error) *APIError {
	t.Helper()
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.NotContains(t, ae.Error(), "api_key")
	return ae
}

// decodeRecorded decodes the response body of capture n into a new T.
func decodeRecorded[T any](t *testing.T, n int) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(recorded.MustByNumber(t, n).ResponseBody, &v), "capture %d", n)
	return v
}

// decodeDocumented decodes testdata/documented/name into a new T.
func decodeDocumented[T any](t *testing.T, name string) T {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(recorded.DocumentedDir(), name))
	require.NoError(t, err)
	var v T
	require.NoError(t, json.Unmarshal(b, &v), name)
	return v
}

// serveDocumented answers method+endpoint with testdata/documented/name:
// the nine response examples of the official documentation, served on
// their endpoints and read through the public methods. They are the legacy
// shapes (meta sub-objects, zbsid, customerid, "ID"), and the examples of
// the list endpoints customers, customer_search, quotes, invoices and
// transactions are single objects rather than arrays: the SDK reads a
// single object from a list endpoint as a list of one.
func serveDocumented(t *testing.T, env *testEnv, method, endpoint, name string) *wire {
	t.Helper()
	body, err := os.ReadFile(filepath.Join(recorded.DocumentedDir(), name))
	require.NoError(t, err)
	return serveWire(env, method, endpoint, jsonResponder(200, string(body)))
}

func utc(y int, m time.Month, d, h, min, s int) time.Time {
	return time.Date(y, m, d, h, min, s, 0, time.UTC)
}

const (
	// relDeadline is the caller's deadline in the deadline tests.
	relDeadline = 100 * time.Millisecond
	// relSlack is how late past its deadline a call may return on a loaded
	// CI machine running the race detector.
	relSlack = 750 * time.Millisecond
	// relSocketBuffer is the socket buffer size of the endless-body test, so
	// that how much the server managed to write says how much was read.
	relSocketBuffer = 4 << 10
)

// relLimitsClient is a Client for a loopback site with tiny backoff waits
// and a debug log checked for leaks at the end of the test. The limits
// tests (the response size cap against an endless body in body_test.go, a
// server that never answers or trickles a slow-loris body or header ending
// at the caller's deadline in client_test.go) use real loopback servers:
// these are properties of the whole HTTP path, not of a mock.
func relLimitsClient(t *testing.T, site string, hc *http.Client, opts ...Option) *Client {
	t.Helper()
	logs := &syncBuffer{}
	base := []Option{
		WithRetryPolicy(RetryPolicy{MaxRetries: 3, WaitMin: time.Millisecond, WaitMax: 2 * time.Millisecond}),
		WithLogger(newRelDebugLogger(logs)),
	}
	if hc != nil {
		base = append(base, WithHTTPClient(hc))
	}
	c, err := NewClient(site, testKey, testSecret, append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() {
		c.CloseIdleConnections()
		assertNoSecret(t, logs.String())
	})
	return c
}

// newRelDebugLogger logs everything, at debug level, to w.
func newRelDebugLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// replay answers with the response recorded from the live site in capture n.
func replay(t testing.TB, n int) httpmock.Responder {
	t.Helper()
	ex := recorded.MustByNumber(t, n)
	return func(req *http.Request) (*http.Response, error) { return ex.Response(req), nil }
}

// recordedRequestBody is the body the capture tool sent in capture n.
func recordedRequestBody(t testing.TB, n int) string {
	t.Helper()
	return string(recorded.MustByNumber(t, n).RequestBody)
}

// wireRequest is one request as it went on the wire. The credentials were
// checked and then removed from Query, so that tests compare the rest.
type wireRequest struct {
	Method string
	Path   string
	Query  url.Values
	Body   []byte
	Header http.Header
}

// wire records every request it sees and answers it with next.
type wire struct {
	mu   sync.Mutex
	reqs []wireRequest
	next httpmock.Responder
}

// serveWire registers a recording responder for method and endpoint.
func serveWire(env *testEnv, method, endpoint string, next httpmock.Responder) *wire {
	w := &wire{next: next}
	env.respond(method, endpoint, w.responder())
	return w
}

func (w *wire) responder() httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		q := req.URL.Query()
		if q.Get("api_key") != testKey || q.Get("api_secret") != testSecret {
			return nil, errors.New("test: request sent without the credentials in its query")
		}
		q.Del("api_key")
		q.Del("api_secret")
		var body []byte
		if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
		}
		w.mu.Lock()
		w.reqs = append(w.reqs, wireRequest{Method: req.Method, Path: req.URL.Path, Query: q, Body: body, Header: req.Header.Clone()})
		w.mu.Unlock()
		return w.next(req)
	}
}

func (w *wire) requests() []wireRequest {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]wireRequest(nil), w.reqs...)
}

// single returns the only request sent.
func (w *wire) single(t testing.TB) wireRequest {
	t.Helper()
	reqs := w.requests()
	require.Len(t, reqs, 1, "requests sent")
	return reqs[0]
}

// assertWire checks exactly what a request put on the wire: method, the
// trailing-slash path, the query without credentials (nil means none) and
// the JSON body ("" means no body).
func assertWire(t testing.TB, r wireRequest, method, endpoint string, query url.Values, body string) {
	t.Helper()
	assert.Equal(t, method, r.Method)
	assert.Equal(t, "/wp/zbs_api/"+endpoint+"/", r.Path, "the trailing-slash form, which WordPress does not redirect")
	if query == nil {
		query = url.Values{}
	}
	assert.Equal(t, query, r.Query)
	assert.Equal(t, "application/json", r.Header.Get("Accept"))
	if body == "" {
		assert.Empty(t, r.Body)
		assert.Empty(t, r.Header.Get("Content-Type"))
		return
	}
	assert.JSONEq(t, body, string(r.Body))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
}

// bodyMap decodes a request body to look at the JSON types of its values.
func bodyMap(t testing.TB, r wireRequest) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &m), "%s", r.Body)
	return m
}

// wantAPIError describes the *APIError a call must return.
type wantAPIError struct {
	is        error  // sentinel
	status    int    // HTTP status
	code      string // APIError.Code
	apiStatus string // APIError.Status
	message   string // prefix of APIError.Message ("" means empty)
	attempts  int    // 0 means 1
}

func assertAPIError(t testing.TB, err error, method, endpoint string, w wantAPIError) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, w.is)
	ae := requireAPIError(t, err)
	assert.Equal(t, w.status, ae.StatusCode)
	assert.Equal(t, method, ae.Method)
	assert.Equal(t, endpoint, ae.Endpoint)
	assert.Equal(t, w.code, ae.Code)
	assert.Equal(t, w.apiStatus, ae.Status)
	if w.message == "" {
		assert.Empty(t, ae.Message)
	} else {
		assert.True(t, strings.HasPrefix(ae.Message, w.message), "message %q, want prefix %q", ae.Message, w.message)
	}
	assert.Equal(t, max(w.attempts, 1), ae.Attempts)
	assert.Equal(t, w.is == ErrRejected, ae.Rejected)
	assertErrorHidesSecret(t, err)
}

// ---------------------------------------------------------------------------
// The layout of the tests, checked.

// The tests are laid out as go-github's are: the tests of foo.go are in
// foo_test.go (foo_internal_test.go for those that must be inside the
// package when foo_test.go is outside it, foo_bench_test.go and
// foo_example_test.go for its benchmarks and examples). Besides those,
// only the files below: shared helpers, the examples, the fuzz targets,
// the whole-client benchmarks and the real-site tests (realsite*_test.go).
var testFilesWithoutSource = map[string]bool{
	"helpers_test.go": true, "helpers_external_test.go": true, "example_test.go": true, "fuzz_test.go": true, "bench_test.go": true,
}

// maxTestFuncLines is the longest a function of a test file may be, from
// func to its closing brace: longer ones are split into named subtests,
// helpers or table builders.
const maxTestFuncLines = 120

func TestTestFilesFollowTheLayout(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*_test.go")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, name := range files {
		fs := token.NewFileSet()
		f, err := parser.ParseFile(fs, name, nil, parser.PackageClauseOnly)
		require.NoError(t, err)
		if strings.HasSuffix(name, "_internal_test.go") {
			assert.Equal(t, "jetpackcrm", f.Name.Name, "%s: an _internal_test.go file is inside the package", name)
		}
		if testFilesWithoutSource[name] || strings.HasPrefix(name, "realsite") {
			continue
		}
		base := strings.TrimSuffix(name, "_test.go")
		for _, suffix := range []string{"_internal", "_bench", "_example"} {
			base = strings.TrimSuffix(base, suffix)
		}
		_, err = os.Stat(base + ".go")
		assert.NoError(t, err, "%s tests no source file: move its tests to the _test.go of the file they test", name)
	}
}

func TestTestFunctionsAreShort(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*_test.go")
	require.NoError(t, err)
	for _, name := range files {
		fs := token.NewFileSet()
		f, err := parser.ParseFile(fs, name, nil, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			lines := fs.Position(fd.End()).Line - fs.Position(fd.Pos()).Line + 1
			assert.LessOrEqual(t, lines, maxTestFuncLines, "%s: %s is %d lines: split it into named subtests or helpers", name, fd.Name.Name, lines)
		}
	}
}

// socketTests are the only functions that start an httptest.Server (see
// the three mechanisms in helpers_external_test.go), each with what it needs
// a real connection for.
var socketTests = map[string]string{
	"bench_test.go:benchServer":                                                      "the raw net/http baseline the whole-client benchmarks compare with",
	"body_test.go:relEndlessServer":                                                  "a body that never ends, cut by the response cap on a live connection",
	"body_test.go:TestLimitAnnouncedLengthAboveTheCap":                               "a Content-Length above the cap, refused before the body is read",
	"client_internal_test.go:TestLimitNeverAnsweringServerEndsAtTheDeadline":         "the deadline of a connection that never answers",
	"client_internal_test.go:TestLimitSlowLorisBodyEndsAtTheDeadline":                "the deadline of a body that trickles in",
	"client_test.go:perfCountingServer":                                              "counts the TCP connections a Client opens",
	"helpers_external_test.go:setupFakeBehind":                                       "the fake behind a front: the fake's mechanism, on loopback",
	"otel_test.go:httptestServer":                                                    "otelhttp's client spans on the SDK's default transport",
	"pagination_test.go:TestAllKeepsMemoryBounded":                                   "memory while pages stream off a connection",
	"redact_internal_test.go:leakCases":                                              "TLS failures, refused connections and redirects to another host",
	"redact_internal_test.go:leakCase.run":                                           "serves each leak case's handler",
	"retry_internal_test.go:TestBulkWorkersKeepTheirConnectionsThroughANetworkError": "idle connections kept through another worker's network error",
	"sync_bench_test.go:newProfiledSite":                                             "a site with a real round trip per request, for the Sync benchmarks",
	"transport_test.go:TestPHPFormsOfTheCredentialsAreRedacted":                      "credentials echoed in headers and trailers of a real response",
	"transport_test.go:TestTrailersAreRedacted":                                      "HTTP trailers, which only a real chunked response has",
	"transport_test.go:TestHandedOutRequestsAreCopies":                               "the requests the default transport hands back",
	"transport_test.go:TestNetworkErrorsDoNotPrintTheURL":                            "a network error from a closed server",
}

// ownFakes are the only tests outside the package that start a fake of
// their own rather than through setupFake (besides the benchmarks and the
// examples, which show the public API), each with why.
var ownFakes = map[string]string{
	"adaptive_test.go:runAgainstLimit":                           "served in memory inside a synctest bubble",
	"adaptive_test.go:TestAdaptiveRateLimitHonoursRetryAfter":    "served in memory inside a synctest bubble",
	"adaptive_test.go:TestAdaptiveRateLimitIgnoresStrayRefusals": "served in memory inside a synctest bubble",
	"bulk_test.go:TestUpsertManySharesThe429Pause":               "served in memory inside a synctest bubble",
	"bulk_test.go:TestUpsertManyContextCancelledMidway":          "closes the fake itself before goleak checks for leaked goroutines",
	"client_test.go:TestReliabilityConcurrentClient":             "closes the fake itself before goleak checks for leaked goroutines",
	"client_test.go:TestCloseIdleConnectionsClosesThem":          "closes the fake itself before goleak checks for leaked goroutines",
	"client_test.go:TestConnectionsAreReused":                    "serves the fake's handler on a server that counts TCP connections",
}

// TestTestsUseTheThreeMechanisms: the wire through httpmock inside the
// package, behaviour on the fake outside it, and a socket only where a
// connection is the subject.
func TestTestsUseTheThreeMechanisms(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*_test.go")
	require.NoError(t, err)
	seen, seenFakes := map[string]bool{}, map[string]bool{}
	for _, name := range files {
		fs := token.NewFileSet()
		f, err := parser.ParseFile(fs, name, nil, 0)
		require.NoError(t, err)
		for _, imp := range f.Imports {
			if f.Name.Name == "jetpackcrm_test" && imp.Path.Value == `"github.com/jarcoal/httpmock"` {
				t.Errorf("%s: a wire-level test belongs inside the package, on setup's httpmock", name)
			}
			if imp.Name != nil && (imp.Path.Value == `"net/http/httptest"` || imp.Path.Value == `"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"`) {
				t.Errorf("%s imports %s as %s: this check reads the package's own name", name, imp.Path.Value, imp.Name.Name)
			}
		}
		ownFakeExempt := f.Name.Name != "jetpackcrm_test" || name == "helpers_external_test.go" || name == "example_test.go" ||
			strings.HasSuffix(name, "_bench_test.go") || strings.HasSuffix(name, "_example_test.go")
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			fn := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				recv := fd.Recv.List[0].Type
				if star, ok := recv.(*ast.StarExpr); ok {
					recv = star.X
				}
				if id, ok := recv.(*ast.Ident); ok {
					fn = id.Name + "." + fn
				}
			}
			ast.Inspect(fd, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				pkg, ok := sel.X.(*ast.Ident)
				if !ok || !strings.HasPrefix(sel.Sel.Name, "New") || !strings.HasSuffix(sel.Sel.Name, "Server") {
					return true
				}
				key := name + ":" + fn
				switch {
				case pkg.Name == "httptest":
					seen[key] = true
					assert.Contains(t, socketTests, key, "%s starts an httptest.Server: serve the fake (setupFake) or httpmock (setup), or list it in socketTests with what it needs a socket for", key)
				case pkg.Name == "jetpackcrmtest" && !ownFakeExempt:
					seenFakes[key] = true
					assert.Contains(t, ownFakes, key, "%s starts a fake of its own: use setupFake, or list it in ownFakes with why", key)
				}
				return true
			})
		}
	}
	for key := range socketTests {
		assert.True(t, seen[key], "socketTests lists %s, which starts no server", key)
	}
	for key := range ownFakes {
		assert.True(t, seenFakes[key], "ownFakes lists %s, which starts no fake", key)
	}
}
