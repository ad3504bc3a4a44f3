package jetpackcrm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
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

// The tests are laid out as go-github's are: the tests of foo.go are in
// foo_test.go (foo_internal_test.go for those that must be inside the
// package when foo_test.go is outside it, foo_bench_test.go and
// foo_example_test.go for its benchmarks and examples). Besides those,
// only the files below: shared helpers, the examples, the fuzz targets,
// the whole-client benchmarks and the real-site tests (realsite*_test.go).
var testFilesWithoutSource = map[string]bool{
	"helpers_test.go": true, "example_test.go": true, "fuzz_test.go": true, "bench_test.go": true,
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
