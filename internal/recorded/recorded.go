// Package recorded loads the raw HTTP exchanges that were captured against a
// live Jetpack CRM 6.4.4 site and stored under testdata/recorded, and exposes
// the JSON response examples of the official API documentation stored under
// testdata/documented.
//
// It is a test-support package: the SDK's tests use it to replay real server
// answers byte for byte.
//
// # Capture file format
//
// Every capture (testdata/recorded/NN-name.txt) has three sections:
//
//	### REQUEST
//	METHOD URL
//	(extra curl args: ...)          optional, see [Exchange.CurlArgs]
//	Header-Name: value              zero or more request headers
//	                                blank line, then the body, then a blank line
//	{"request":"body"}
//
//	### RESPONSE (curl rc=0; code/content-type/bytes/seconds: 200<TAB>application/json; charset=UTF-8<TAB>174<TAB>0.042311)
//	HTTP/1.1 200 OK
//	Header-Name: value
//	                                blank line
//	<exactly "bytes" bytes of body>
//	                                "\n\n" added by the capture tool
//	### SERVER-SIDE PHP LOG LINES WRITTEN DURING THIS REQUEST (...)
//	zero or more PHP log lines
//
// A request without a body is written as the single line "(no request body)"
// right after the request headers, with no blank line before it. A request
// body is followed by "\n\n### RESPONSE". The response body has no
// Content-Length: its length is the byte count on the "### RESPONSE" line,
// and it may itself end in newlines, so it is cut by that count. When curl
// followed a redirect (-L), the response section holds one header block per
// hop (each "HTTP/1.1 ..." status line plus headers plus a blank line) before
// the final body; see [Exchange.Redirects].
package recorded

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Markers that delimit the sections of a capture file.
const (
	requestMarker  = "### REQUEST\n"
	responseMarker = "### RESPONSE ("
	phpLogMarker   = "### SERVER-SIDE PHP LOG LINES"
	noRequestBody  = "(no request body)"
	curlArgsPrefix = "(extra curl args: "
	summaryKeyword = "code/content-type/bytes/seconds: "
)

// Exchange is one recorded HTTP request and the live server's response to it.
type Exchange struct {
	// Name is the file base name without ".txt", e.g. "26-create_customer-new".
	Name string
	// Number is the numeric prefix of Name, e.g. 26. Debug-display captures
	// have their own numbering ("01-dd-status-get" is 1).
	Number int
	// Path is the absolute path of the capture file.
	Path string

	// Method is the HTTP method as sent, e.g. "GET", "HEAD" or "BREW".
	Method string
	// URL is the request URL as recorded: host 127.0.0.1:8089 and a query
	// holding the placeholders <API_KEY> and <API_SECRET> instead of the
	// real credentials.
	URL *url.URL
	// Endpoint is the API endpoint the request addressed: the first path
	// segment after /zbs_api/ (e.g. "create_customer"; extra segments are
	// ignored, as the server does), or the zbs_api query variable for the
	// /?zbs_api=status form. It is "" for /zbs_api/ itself.
	Endpoint string
	// CurlArgs holds the extra curl arguments the capture tool recorded on a
	// "(extra curl args: ...)" line, verbatim, or "" when there were none.
	// Seen values: "-L", "-H api_key: <API_KEY> -H api_secret: <API_SECRET>"
	// and "--data email=form@example.com&fname=Form". Their effect on the
	// request is already applied to RequestHeader and RequestBody.
	CurlArgs string
	// RequestHeader holds the request headers listed in the capture plus any
	// added by CurlArgs (-H, and the Content-Type curl sets for --data).
	// Headers curl adds on its own (Host, User-Agent, Accept,
	// Content-Length) were not recorded and are not included.
	RequestHeader http.Header
	// RequestBody is the request body as sent, or nil when the capture says
	// "(no request body)" and CurlArgs supplies none either.
	RequestBody []byte

	// StatusCode is the status code of the final response, e.g. 200.
	StatusCode int
	// Status is the final status line without the protocol, e.g. "200 OK".
	Status string
	// ResponseHeader holds the headers of the final response.
	ResponseHeader http.Header
	// ResponseBody holds the exact bytes of the final response body, cut by
	// the byte count of the "### RESPONSE" line. It is empty, not nil, when
	// the server sent no body.
	//
	// Exception: the captures were redacted after curl counted the bytes, and
	// the <site> placeholder is 7 bytes shorter than the path it replaced.
	// For the three debug-display captures whose body shows that path
	// (09, 11 and 12), ResponseBody is the redacted body up to the capture
	// tool's "\n\n" before the PHP log section, and it is shorter than
	// RecordedSize.
	ResponseBody []byte
	// RecordedSize is the byte count curl reported for the body on the
	// "### RESPONSE" line. It equals len(ResponseBody) for every main capture.
	RecordedSize int
	// Redirects lists the responses curl followed before the final one
	// (only with CurlArgs "-L"), oldest first. Their bodies were not recorded.
	Redirects []Redirect
	// Duration is the total time curl reported for the exchange.
	Duration time.Duration

	// PHPLog holds the lines the server wrote to its PHP debug log while
	// handling the request, each ending in "\n", or "" when there were none.
	PHPLog string
}

// Redirect is an intermediate response that curl followed (-L) before it
// received the final one.
type Redirect struct {
	// StatusCode is the status code, e.g. 301.
	StatusCode int
	// Status is the status line without the protocol, e.g. "301 Moved Permanently".
	Status string
	// Header holds the response headers, including Location.
	Header http.Header
}

// Response builds a fresh *http.Response from the recorded final response,
// suitable for a mock transport: a new body reader on each call, the recorded
// headers (cloned), ContentLength set to the body length, and Request set to
// req (which may be nil).
func (e *Exchange) Response(req *http.Request) *http.Response {
	return &http.Response{
		Status:        e.Status,
		StatusCode:    e.StatusCode,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        e.ResponseHeader.Clone(),
		Body:          nopCloser{bytes.NewReader(e.ResponseBody)},
		ContentLength: int64(len(e.ResponseBody)),
		Request:       req,
	}
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// Dir returns the absolute path of <module root>/testdata/recorded. It is
// found from this source file's location, so it works from the tests of any
// package in the module, whatever the working directory.
func Dir() string {
	return filepath.Join(moduleRoot(), "testdata", "recorded")
}

// DebugDisplayDir returns the absolute path of
// <module root>/testdata/recorded/debug-display, which holds the captures
// repeated on a site configured to display PHP errors in responses.
func DebugDisplayDir() string {
	return filepath.Join(Dir(), "debug-display")
}

// DocumentedDir returns the absolute path of <module root>/testdata/documented,
// which holds the JSON response examples of the official API documentation.
func DocumentedDir() string {
	return filepath.Join(moduleRoot(), "testdata", "documented")
}

// moduleRoot returns the directory holding go.mod: three levels above this
// file. If the file path is not absolute (a -trimpath build), it falls back to
// searching upwards from the working directory for go.mod.
func moduleRoot() string {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		return filepath.Dir(filepath.Dir(filepath.Dir(file)))
	}
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

// Load reads and parses the capture file at path.
func Load(path string) (*Exchange, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	ex, err := Parse(strings.TrimSuffix(filepath.Base(path), ".txt"), data)
	if err != nil {
		return nil, fmt.Errorf("recorded: %s: %w", path, err)
	}
	ex.Path = abs
	return ex, nil
}

// LoadAll loads the 164 main captures of [Dir] (not the debug-display ones),
// sorted by Number.
func LoadAll() ([]*Exchange, error) {
	return loadDir(Dir())
}

// LoadDebugDisplay loads the captures of [DebugDisplayDir], sorted by Number.
func LoadDebugDisplay() ([]*Exchange, error) {
	return loadDir(DebugDisplayDir())
}

// ByNumber loads the main capture whose file name starts with n, e.g. 26 for
// "26-create_customer-new.txt".
func ByNumber(n int) (*Exchange, error) {
	paths, err := filepath.Glob(filepath.Join(Dir(), "*.txt"))
	if err != nil {
		return nil, err
	}
	var found []string
	for _, p := range paths {
		if num, ok := fileNumber(p); ok && num == n {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("recorded: no capture numbered %d in %s", n, Dir())
	case 1:
		return Load(found[0])
	default:
		return nil, fmt.Errorf("recorded: %d captures numbered %d: %v", len(found), n, found)
	}
}

// MustByNumber is [ByNumber] for tests: it calls tb.Fatal if the capture
// cannot be loaded.
func MustByNumber(tb testing.TB, n int) *Exchange {
	tb.Helper()
	ex, err := ByNumber(n)
	if err != nil {
		tb.Fatal(err)
	}
	return ex
}

func loadDir(dir string) ([]*Exchange, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("recorded: no captures in %s", dir)
	}
	out := make([]*Exchange, 0, len(paths))
	seen := make(map[int]string, len(paths))
	for _, p := range paths {
		ex, err := Load(p)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[ex.Number]; dup {
			return nil, fmt.Errorf("recorded: captures %s and %s share number %d", prev, ex.Name, ex.Number)
		}
		seen[ex.Number] = ex.Name
		out = append(out, ex)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, nil
}

func fileNumber(path string) (int, bool) {
	prefix, _, ok := strings.Cut(filepath.Base(path), "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(prefix)
	return n, err == nil
}

// Parse parses the contents of one capture file. name is the file base name
// without ".txt" and must start with the capture number and a dash.
func Parse(name string, data []byte) (*Exchange, error) {
	num, ok := fileNumber(name)
	if !ok {
		return nil, fmt.Errorf("name %q does not start with a number and a dash", name)
	}
	ex := &Exchange{Name: name, Number: num}
	s := string(data)

	// Split the three sections.
	if !strings.HasPrefix(s, requestMarker) {
		return nil, errors.New("missing ### REQUEST")
	}
	s = s[len(requestMarker):]
	reqEnd := strings.Index(s, "\n"+responseMarker)
	if reqEnd < 0 {
		return nil, errors.New("missing ### RESPONSE")
	}
	reqSection, rest := s[:reqEnd+1], s[reqEnd+1:]

	if err := ex.parseRequest(reqSection); err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	if err := ex.parseResponse(rest); err != nil {
		return nil, fmt.Errorf("response: %w", err)
	}
	return ex, nil
}

// parseRequest parses the text between "### REQUEST\n" and "### RESPONSE",
// which ends in "\n\n" (body or "(no request body)", then a blank line).
func (ex *Exchange) parseRequest(s string) error {
	line, s, ok := strings.Cut(s, "\n")
	if !ok {
		return errors.New("no request line")
	}
	method, rawURL, ok := strings.Cut(line, " ")
	if !ok || method == "" || rawURL == "" {
		return fmt.Errorf("bad request line %q", line)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return err
	}
	ex.Method, ex.URL, ex.Endpoint = method, u, endpointOf(u)
	ex.RequestHeader = make(http.Header)

	hasBody := false
	for {
		line, s, ok = strings.Cut(s, "\n")
		if !ok {
			return errors.New("request headers not terminated")
		}
		if line == noRequestBody {
			break
		}
		if line == "" {
			hasBody = true
			break
		}
		if args, ok := strings.CutPrefix(line, curlArgsPrefix); ok {
			ex.CurlArgs = strings.TrimSuffix(args, ")")
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return fmt.Errorf("bad request header line %q", line)
		}
		ex.RequestHeader.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}

	if hasBody {
		// Body, then the "\n" ending its last line, then the blank line.
		body, ok := strings.CutSuffix(s, "\n\n")
		if !ok {
			return errors.New("request body not followed by a blank line")
		}
		ex.RequestBody = []byte(body)
	} else if s != "\n" {
		return fmt.Errorf("unexpected text after %q: %q", noRequestBody, s)
	}

	return ex.applyCurlArgs()
}

// applyCurlArgs reflects the recorded extra curl arguments in the request.
// The arguments were logged space-joined without quoting, so a flag's value
// runs up to the next word that starts with "-".
func (ex *Exchange) applyCurlArgs() error {
	if ex.CurlArgs == "" {
		return nil
	}
	words := strings.Fields(ex.CurlArgs)
	for i := 0; i < len(words); {
		flag := words[i]
		j := i + 1
		for j < len(words) && !strings.HasPrefix(words[j], "-") {
			j++
		}
		value := strings.Join(words[i+1:j], " ")
		switch flag {
		case "-L", "--location":
			// Redirects followed: visible in the response section.
		case "-H", "--header":
			name, v, ok := strings.Cut(value, ":")
			if !ok {
				return fmt.Errorf("bad curl header %q", value)
			}
			ex.RequestHeader.Add(strings.TrimSpace(name), strings.TrimSpace(v))
		case "-d", "--data", "--data-raw", "--data-binary":
			if ex.RequestBody != nil {
				return errors.New("curl --data given with a recorded request body")
			}
			ex.RequestBody = []byte(value)
			if ex.RequestHeader.Get("Content-Type") == "" {
				// What curl sends by default with --data.
				ex.RequestHeader.Set("Content-Type", "application/x-www-form-urlencoded")
			}
		default:
			return fmt.Errorf("unknown extra curl argument %q in %q", flag, ex.CurlArgs)
		}
		i = j
	}
	return nil
}

// endpointOf returns the API endpoint a request URL addresses.
func endpointOf(u *url.URL) string {
	if rest, ok := strings.CutPrefix(u.Path, "/zbs_api/"); ok {
		seg, _, _ := strings.Cut(rest, "/")
		return seg
	}
	return u.Query().Get("zbs_api")
}

// parseResponse parses everything from "### RESPONSE (" to the end of file.
func (ex *Exchange) parseResponse(s string) error {
	line, s, ok := strings.Cut(s, "\n")
	if !ok {
		return errors.New("unterminated ### RESPONSE line")
	}
	code, size, dur, err := parseSummary(line)
	if err != nil {
		return err
	}
	ex.Duration = dur

	// One header block per response; several when curl followed redirects.
	for {
		var status string
		var code int
		var hdr http.Header
		status, code, hdr, s, err = parseHeaderBlock(s)
		if err != nil {
			return err
		}
		if strings.HasPrefix(s, "HTTP/") {
			ex.Redirects = append(ex.Redirects, Redirect{StatusCode: code, Status: status, Header: hdr})
			continue
		}
		ex.Status, ex.StatusCode, ex.ResponseHeader = status, code, hdr
		break
	}
	if ex.StatusCode != code {
		return fmt.Errorf("final status %d differs from the ### RESPONSE line's %d", ex.StatusCode, code)
	}

	body, rest, err := cutBody(s, size)
	if err != nil {
		return err
	}
	ex.RecordedSize = size
	ex.ResponseBody = []byte(body)

	_, log, ok := strings.Cut(rest, "\n")
	if !ok {
		return errors.New("unterminated PHP log header")
	}
	ex.PHPLog = log
	return nil
}

// cutBody splits the response body from s, the text after the final header
// block. The body is size bytes (the count on the ### RESPONSE line), then the
// capture tool's "\n\n", then the PHP log section; rest is the text after the
// PHP log marker.
//
// The capture was redacted after curl counted the bytes: a body holding the
// <site> placeholder (a 13-byte path on the capture host, 6 bytes as a
// placeholder) is shorter than the count. In that one case the body ends at
// the PHP log marker instead, provided it is shorter than announced and
// contains a redaction placeholder.
func cutBody(s string, size int) (body, rest string, err error) {
	const sep = "\n\n" + phpLogMarker
	if size <= len(s) {
		if r, ok := strings.CutPrefix(s[size:], sep); ok {
			return s[:size], r, nil
		}
	}
	i := strings.Index(s, sep)
	if i < 0 {
		return "", "", fmt.Errorf("no %q after the response body", phpLogMarker)
	}
	if i < size && containsPlaceholder(s[:i]) {
		return s[:i], s[i+len(sep):], nil
	}
	return "", "", fmt.Errorf("response body is %d bytes up to the PHP log section, the ### RESPONSE line says %d", i, size)
}

// Placeholders is the list of strings that replaced site-specific values
// (credentials and file system paths) in the captures after they were made.
var Placeholders = []string{"<API_KEY>", "<API_SECRET>", "<wordpress-root>", "<site>"}

func containsPlaceholder(s string) bool {
	for _, p := range Placeholders {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// parseSummary parses the "### RESPONSE (curl rc=0; code/content-type/bytes/seconds: ...)" line.
func parseSummary(line string) (code, size int, dur time.Duration, err error) {
	_, fields, ok := strings.Cut(line, summaryKeyword)
	if !ok {
		return 0, 0, 0, fmt.Errorf("bad ### RESPONSE line %q", line)
	}
	f := strings.Split(strings.TrimSuffix(fields, ")"), "\t")
	if len(f) != 4 {
		return 0, 0, 0, fmt.Errorf("bad ### RESPONSE fields %q", fields)
	}
	if code, err = strconv.Atoi(f[0]); err != nil {
		return 0, 0, 0, fmt.Errorf("bad status code in %q: %w", line, err)
	}
	if size, err = strconv.Atoi(f[2]); err != nil || size < 0 {
		return 0, 0, 0, fmt.Errorf("bad byte count in %q", line)
	}
	secs, err := strconv.ParseFloat(f[3], 64)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("bad seconds in %q: %w", line, err)
	}
	return code, size, time.Duration(secs * float64(time.Second)), nil
}

// parseHeaderBlock parses a status line, headers and the terminating blank
// line, and returns the text after it.
func parseHeaderBlock(s string) (status string, code int, hdr http.Header, rest string, err error) {
	line, s, ok := strings.Cut(s, "\n")
	if !ok {
		return "", 0, nil, "", errors.New("no status line")
	}
	proto, status, ok := strings.Cut(line, " ")
	if !ok || !strings.HasPrefix(proto, "HTTP/") {
		return "", 0, nil, "", fmt.Errorf("bad status line %q", line)
	}
	codeStr, _, _ := strings.Cut(status, " ")
	if code, err = strconv.Atoi(codeStr); err != nil {
		return "", 0, nil, "", fmt.Errorf("bad status line %q", line)
	}
	hdr = make(http.Header)
	for {
		line, s, ok = strings.Cut(s, "\n")
		if !ok {
			return "", 0, nil, "", errors.New("response headers not terminated")
		}
		if line == "" {
			return status, code, hdr, s, nil
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return "", 0, nil, "", fmt.Errorf("bad response header line %q", line)
		}
		hdr.Add(textproto.TrimString(name), textproto.TrimString(value))
	}
}
