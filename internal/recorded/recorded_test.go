package recorded

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	mainCaptures         = 164
	debugDisplayCaptures = 12
)

// redactedShort lists the captures whose body is shorter than the byte count
// on their ### RESPONSE line, because the <site> placeholder (6 bytes)
// replaced a 13-byte path after curl had counted the bytes.
var redactedShort = map[string]int{
	"09-dd-create_company-update-by-id-text-plain":        7,
	"11-dd-create_transaction-malformed-json-text-plain":  7,
	"12-dd-create_transaction-empty-body-no-content-type": 7,
}

// responseLine matches the ### RESPONSE line, read independently of the parser.
var responseLine = regexp.MustCompile(`(?m)^### RESPONSE \(curl rc=0; code/content-type/bytes/seconds: (\d{3})\t([^\t]*)\t(\d+)\t[0-9.]+\)$`)

func loadEverything(t *testing.T) []*Exchange {
	t.Helper()
	all, err := LoadAll()
	require.NoError(t, err)
	dd, err := LoadDebugDisplay()
	require.NoError(t, err)
	return append(all, dd...)
}

func TestDirs(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{Dir(), DebugDisplayDir(), DocumentedDir()} {
		assert.True(t, filepath.IsAbs(dir), dir)
		fi, err := os.Stat(dir)
		require.NoError(t, err)
		assert.True(t, fi.IsDir(), dir)
	}
	_, err := os.Stat(filepath.Join(filepath.Dir(filepath.Dir(Dir())), "go.mod"))
	assert.NoError(t, err, "Dir must be <module root>/testdata/recorded")
}

func TestLoadAll(t *testing.T) {
	t.Parallel()
	all, err := LoadAll()
	require.NoError(t, err)
	require.Len(t, all, mainCaptures)
	for i, ex := range all {
		assert.Equal(t, i+1, ex.Number, "sorted by number without gaps")
		assert.True(t, strings.HasPrefix(ex.Name, strconv.Itoa(ex.Number)+"-") ||
			strings.HasPrefix(ex.Name, "0"+strconv.Itoa(ex.Number)+"-"), ex.Name)
		assert.Equal(t, filepath.Join(Dir(), ex.Name+".txt"), ex.Path)
	}
}

func TestLoadDebugDisplay(t *testing.T) {
	t.Parallel()
	dd, err := LoadDebugDisplay()
	require.NoError(t, err)
	require.Len(t, dd, debugDisplayCaptures)
	for i, ex := range dd {
		assert.Equal(t, i+1, ex.Number)
		assert.Contains(t, ex.Name, "-dd-")
		assert.Equal(t, DebugDisplayDir(), filepath.Dir(ex.Path))
	}
}

// TestEveryCapture checks each of the 176 captures against the raw file,
// independently of the parser.
func TestEveryCapture(t *testing.T) {
	t.Parallel()
	all := loadEverything(t)
	require.Len(t, all, mainCaptures+debugDisplayCaptures)
	seen := make(map[string]bool)
	for _, ex := range all {
		t.Run(ex.Name, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(ex.Path)
			require.NoError(t, err)
			m := responseLine.FindSubmatch(raw)
			require.NotNil(t, m, "### RESPONSE line")
			code, _ := strconv.Atoi(string(m[1]))
			size, _ := strconv.Atoi(string(m[3]))

			assert.Equal(t, code, ex.StatusCode, "status code")
			assert.Equal(t, size, ex.RecordedSize, "RecordedSize")
			assert.Equal(t, string(m[2]), ex.ResponseHeader.Get("Content-Type"), "content type")
			assert.Equal(t, size-redactedShort[ex.Name], len(ex.ResponseBody), "body byte count")
			if short := redactedShort[ex.Name]; short > 0 {
				assert.Equal(t, short, 7*strings.Count(string(ex.ResponseBody), "<site>"))
			}
			// The body sits between the blank line ending the headers and
			// the "\n\n" the capture tool writes before the PHP log section.
			assert.True(t, bytes.Contains(raw, []byte("\n\n"+string(ex.ResponseBody)+"\n\n### SERVER-SIDE PHP LOG LINES")),
				"body must be delimited exactly")
			assert.NotNil(t, ex.ResponseBody)

			assert.NotEmpty(t, ex.Method)
			require.NotNil(t, ex.URL)
			assert.Equal(t, "http", ex.URL.Scheme)
			assert.Equal(t, "127.0.0.1:8089", ex.URL.Host)
			assert.Contains(t, string(raw), "\n"+ex.Method+" "+ex.URL.String()+"\n", "URL round-trips")
			assert.Equal(t, ex.Status, strconv.Itoa(ex.StatusCode)+" "+http.StatusText(ex.StatusCode))
			assert.Positive(t, ex.Duration)
			assert.NotEmpty(t, ex.ResponseHeader.Get("Date"))

			if ex.RequestBody == nil {
				assert.True(t, bytes.Contains(raw, []byte("\n(no request body)\n\n### RESPONSE")))
			} else if ex.CurlArgs == "" {
				assert.True(t, bytes.Contains(raw, []byte("\n\n"+string(ex.RequestBody)+"\n\n### RESPONSE")))
			}
			if ex.PHPLog != "" {
				assert.True(t, strings.HasSuffix(ex.PHPLog, "\n"))
				assert.True(t, strings.HasPrefix(ex.PHPLog, "["), "log lines start with a timestamp")
			}

			for _, secret := range regexp.MustCompile(`jpcrm_[ps]k_[0-9a-f]+`).FindAllString(string(raw), -1) {
				assert.Regexp(t, `^jpcrm_[ps]k_0+$`, secret, "only all-zero dummy keys")
			}
			if v := ex.URL.Query().Get("api_key"); v != "" {
				assert.Contains(t, []string{"<API_KEY>", "wrong", "jpcrm_pk_0000000000000000000000000000000000000000"}, v)
			}
		})
		seen[ex.Name] = true
	}
	for name := range redactedShort {
		assert.True(t, seen[name], "unknown capture %s in redactedShort", name)
	}
}

// captureCheck is a check of what one capture holds.
type captureCheck struct {
	n     int
	check func(t *testing.T, ex *Exchange)
}

// statusCaptureChecks are the checks of the status, redirect, method and
// routing captures.
func statusCaptureChecks() []captureCheck {
	return []captureCheck{
		{1, func(t *testing.T, ex *Exchange) {
			assert.Equal(t, "01-status-get", ex.Name)
			assert.Equal(t, http.MethodGet, ex.Method)
			assert.Equal(t, "status", ex.Endpoint)
			assert.Equal(t, http.StatusOK, ex.StatusCode)
			assert.Equal(t, "application/json; charset=UTF-8", ex.ResponseHeader.Get("Content-Type"))
			assert.Equal(t, "<API_KEY>", ex.URL.Query().Get("api_key"))
			assert.Equal(t, "<API_SECRET>", ex.URL.Query().Get("api_secret"))
			assert.Nil(t, ex.RequestBody)
			assert.Empty(t, ex.PHPLog)
			var v struct {
				Success bool `json:"success"`
				Data    struct {
					CRMVersion string `json:"crm_version"`
				} `json:"data"`
			}
			require.NoError(t, json.Unmarshal(ex.ResponseBody, &v))
			assert.True(t, v.Success)
			assert.Equal(t, "6.4.3", v.Data.CRMVersion)
		}},
		{2, func(t *testing.T, ex *Exchange) {
			assert.Equal(t, http.StatusMovedPermanently, ex.StatusCode)
			assert.Equal(t, "301 Moved Permanently", ex.Status)
			loc := ex.ResponseHeader.Get("Location")
			assert.Contains(t, loc, "<API_KEY>")
			assert.Equal(t, "http://127.0.0.1:8089/zbs_api/status/?api_key=<API_KEY>&api_secret=<API_SECRET>", loc)
			assert.Equal(t, "WordPress", ex.ResponseHeader.Get("X-Redirect-By"))
			assert.Empty(t, ex.ResponseBody)
			assert.Empty(t, ex.Redirects)
		}},
		{3, func(t *testing.T, ex *Exchange) {
			assert.Equal(t, "-L", ex.CurlArgs)
			require.Len(t, ex.Redirects, 1)
			assert.Equal(t, http.StatusMovedPermanently, ex.Redirects[0].StatusCode)
			assert.Contains(t, ex.Redirects[0].Header.Get("Location"), "/zbs_api/status/?")
			assert.Equal(t, http.StatusOK, ex.StatusCode)
			assert.True(t, json.Valid(ex.ResponseBody))
		}},
		{5, func(t *testing.T, ex *Exchange) {
			assert.Equal(t, "/", ex.URL.Path)
			assert.Equal(t, "status", ex.Endpoint)
		}},
		{7, func(t *testing.T, ex *Exchange) {
			assert.Equal(t, http.MethodHead, ex.Method)
			assert.Equal(t, http.StatusOK, ex.StatusCode)
			assert.Empty(t, ex.ResponseBody)
		}},
		{14, func(t *testing.T, ex *Exchange) {
			assert.Equal(t, "<API_KEY>", ex.RequestHeader.Get("api_key"))
			assert.Equal(t, "<API_SECRET>", ex.RequestHeader.Get("api_secret"))
			assert.Empty(t, ex.URL.RawQuery)
			assert.Nil(t, ex.RequestBody)
			assert.Equal(t, http.StatusUnauthorized, ex.StatusCode)
		}},
		{19, func(t *testing.T, ex *Exchange) {
			assert.Equal(t, "BREW", ex.Method)
			assert.Equal(t, http.StatusNotImplemented, ex.StatusCode)
			assert.Equal(t, "495", ex.ResponseHeader.Get("Content-Length"))
			assert.True(t, bytes.HasPrefix(ex.ResponseBody, []byte("<!doctype html>")))
			assert.True(t, bytes.HasSuffix(ex.ResponseBody, []byte("</html>")))
		}},
		{22, func(t *testing.T, ex *Exchange) {
			assert.Equal(t, "", ex.Endpoint)
			assert.Equal(t, http.StatusBadRequest, ex.StatusCode)
		}},
		{23, func(t *testing.T, ex *Exchange) { assert.Equal(t, "status", ex.Endpoint) }},
		{24, func(t *testing.T, ex *Exchange) { assert.Equal(t, "STATUS", ex.Endpoint) }},
	}
}

// writeAndListCaptureChecks are the checks of the write, notice, error and
// list captures.
func writeAndListCaptureChecks() []captureCheck {
	return []captureCheck{
		{26, func(t *testing.T, ex *Exchange) {
			assert.Equal(t, "create_customer", ex.Endpoint)
			assert.Equal(t, http.MethodPost, ex.Method)
			assert.Equal(t, "application/json", ex.RequestHeader.Get("Content-Type"))
			require.True(t, json.Valid(ex.RequestBody))
			var req map[string]any
			require.NoError(t, json.Unmarshal(ex.RequestBody, &req))
			assert.Equal(t, "ada.lovelace@example.com", req["email"])
			var resp map[string]any
			require.NoError(t, json.Unmarshal(ex.ResponseBody, &resp))
			assert.Equal(t, float64(1), resp["id"])
			assert.Len(t, ex.ResponseBody, 363)
		}},
		{38, func(t *testing.T, ex *Exchange) {
			assert.Contains(t, string(ex.RequestBody), "Ångström")
			assert.Contains(t, string(ex.ResponseBody), `\u00c5ngstr\u00f6m`)
		}},
		{49, func(t *testing.T, ex *Exchange) {
			assert.Equal(t, "--data email=form@example.com&fname=Form", ex.CurlArgs)
			assert.Equal(t, "application/x-www-form-urlencoded", ex.RequestHeader.Get("Content-Type"))
			assert.False(t, json.Valid(ex.RequestBody))
			form, err := url.ParseQuery(string(ex.RequestBody))
			require.NoError(t, err)
			assert.Equal(t, url.Values{"email": {"form@example.com"}, "fname": {"Form"}}, form)
			assert.JSONEq(t, `{"error":true,"message":"Invalid JSON data"}`, string(ex.ResponseBody))
		}},
		{88, func(t *testing.T, ex *Exchange) {
			assert.Equal(t, http.StatusOK, ex.StatusCode)
			assert.Equal(t, "text/html; charset=UTF-8", ex.ResponseHeader.Get("Content-Type"))
			assert.NotNil(t, ex.ResponseBody)
			assert.Empty(t, ex.ResponseBody)
			assert.JSONEq(t, `{"name":"No Email Co"}`, string(ex.RequestBody))
		}},
		{95, func(t *testing.T, ex *Exchange) {
			assert.Equal(t, "application/json; charset=UTF-8", ex.ResponseHeader.Get("Content-Type"))
			assert.True(t, bytes.HasPrefix(ex.ResponseBody, []byte(`<div class="zbs info msg">`)))
			assert.False(t, json.Valid(ex.ResponseBody))
			_, rest, ok := bytes.Cut(ex.ResponseBody, []byte("</div>"))
			require.True(t, ok)
			assert.True(t, json.Valid(rest), "JSON array after the notice")
			assert.Contains(t, ex.PHPLog, "Use of $argsOverride in zeroBS_getCompanies is no longer relevant")
		}},
		{109, func(t *testing.T, ex *Exchange) {
			assert.Equal(t, http.StatusOK, ex.StatusCode)
			assert.Empty(t, ex.ResponseBody)
			assert.Equal(t, "text/html; charset=UTF-8", ex.ResponseHeader.Get("Content-Type"))
		}},
		{110, func(t *testing.T, ex *Exchange) {
			assert.Equal(t, http.StatusInternalServerError, ex.StatusCode)
			assert.Equal(t, `{"orderid":"ORD-X",`, string(ex.RequestBody))
			assert.True(t, json.Valid(ex.ResponseBody))
			assert.Contains(t, ex.PHPLog, "PHP Fatal error:  Uncaught TypeError")
			assert.True(t, strings.HasSuffix(ex.PHPLog, "on line 33\n"))
		}},
		{111, func(t *testing.T, ex *Exchange) {
			assert.Nil(t, ex.RequestBody)
			assert.Equal(t, http.StatusInternalServerError, ex.StatusCode)
			assert.True(t, bytes.HasPrefix(ex.ResponseBody, []byte("<!DOCTYPE html>\n")))
			assert.True(t, bytes.HasSuffix(ex.ResponseBody, []byte("</html>\n\t")), "trailing newline and tab are part of the body")
			assert.Len(t, ex.ResponseBody, 2720)
		}},
		{133, func(t *testing.T, ex *Exchange) {
			assert.Equal(t, "events", ex.Endpoint)
			var events []map[string]any
			require.NoError(t, json.Unmarshal(ex.ResponseBody, &events))
			assert.NotEmpty(t, events)
		}},
		{163, func(t *testing.T, ex *Exchange) {
			assert.Equal(t, http.MethodOptions, ex.Method)
			assert.Equal(t, http.StatusMethodNotAllowed, ex.StatusCode)
		}},
	}
}

func TestConcreteCaptures(t *testing.T) {
	t.Parallel()
	tests := append(statusCaptureChecks(), writeAndListCaptureChecks()...)
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.n), func(t *testing.T) {
			t.Parallel()
			ex := MustByNumber(t, tt.n)
			assert.Equal(t, tt.n, ex.Number)
			tt.check(t, ex)
		})
	}
}

func TestDebugDisplayCaptures(t *testing.T) {
	t.Parallel()
	dd, err := LoadDebugDisplay()
	require.NoError(t, err)
	byName := make(map[string]*Exchange, len(dd))
	for _, ex := range dd {
		byName[ex.Name] = ex
	}
	tests := []struct {
		name  string
		check func(t *testing.T, ex *Exchange)
	}{
		{"02-dd-customers-negative-perpage", func(t *testing.T, ex *Exchange) {
			assert.True(t, bytes.HasPrefix(ex.ResponseBody, []byte(`<div id="error"><p class="wpdberror">`)))
		}},
		{"09-dd-create_company-update-by-id-text-plain", func(t *testing.T, ex *Exchange) {
			assert.Equal(t, "text/plain", ex.RequestHeader.Get("Content-Type"))
			assert.Equal(t, 4134, ex.RecordedSize)
			assert.Len(t, ex.ResponseBody, 4127)
			assert.True(t, bytes.HasPrefix(ex.ResponseBody, []byte("<br />\n<b>Warning</b>:")))
			assert.True(t, bytes.HasSuffix(ex.ResponseBody, []byte("</html>\n\t")))
		}},
		{"10-dd-create_company-malformed-json-text-plain", func(t *testing.T, ex *Exchange) {
			assert.Equal(t, http.StatusOK, ex.StatusCode)
			assert.Len(t, ex.ResponseBody, 204)
			assert.True(t, bytes.HasSuffix(ex.ResponseBody, []byte("<br />\n")), "body's own trailing newline kept")
		}},
		{"12-dd-create_transaction-empty-body-no-content-type", func(t *testing.T, ex *Exchange) {
			assert.Nil(t, ex.RequestBody)
			assert.Empty(t, ex.RequestHeader)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ex := byName[tt.name]
			require.NotNil(t, ex)
			tt.check(t, ex)
		})
	}
}

// TestSummaryTSV checks that summary.tsv indexes exactly the main captures and
// agrees with them: method, request URI, status, content type and the first
// 160 bytes of the body (with tabs and newlines shown as spaces).
func TestSummaryTSV(t *testing.T) {
	t.Parallel()
	all, err := LoadAll()
	require.NoError(t, err)
	f, err := os.Open(filepath.Join(Dir(), "summary.tsv"))
	require.NoError(t, err)
	defer f.Close()

	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	require.True(t, sc.Scan())
	assert.Equal(t, "capture\tmethod\turl\tstatus\tcontent-type\tbody(first 160 bytes)", sc.Text())
	i := 0
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		require.Len(t, cols, 6, sc.Text())
		require.Less(t, i, len(all))
		ex := all[i]
		i++
		assert.Equal(t, ex.Name, cols[0])
		assert.Equal(t, ex.Method, cols[1], ex.Name)
		assert.Equal(t, ex.URL.RequestURI(), cols[2], ex.Name)
		assert.Equal(t, strconv.Itoa(ex.StatusCode), cols[3], ex.Name)
		assert.Equal(t, ex.ResponseHeader.Get("Content-Type"), cols[4], ex.Name)
		prefix := ex.ResponseBody
		if len(prefix) > 160 {
			prefix = prefix[:160]
		}
		want := strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(string(prefix))
		assert.Equal(t, want, cols[5], ex.Name)
	}
	require.NoError(t, sc.Err())
	assert.Equal(t, len(all), i)
}

func TestByNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n       int
		name    string
		wantErr bool
	}{
		{1, "01-status-get", false},
		{9, "09-status-get-wrong-key-for-comparison", false},
		{10, "10-auth-no-key-no-secret", false},
		{100, "100-companies-malformed-json", false},
		{164, "164-status-get-final", false},
		{0, "", true},
		{165, "", true},
		{-1, "", true},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.n), func(t *testing.T) {
			t.Parallel()
			ex, err := ByNumber(tt.n)
			if tt.wantErr {
				assert.Error(t, err)
				assert.Nil(t, ex)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.name, ex.Name)
			assert.Equal(t, tt.n, ex.Number)
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	t.Parallel()
	_, err := Load(filepath.Join(Dir(), "does-not-exist.txt"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	const good = "### REQUEST\nGET http://127.0.0.1:8089/zbs_api/status/\n(no request body)\n\n" +
		"### RESPONSE (curl rc=0; code/content-type/bytes/seconds: 200\ttext/plain\t2\t0.1)\n" +
		"HTTP/1.1 200 OK\nContent-Type: text/plain\n\nok\n\n" +
		"### SERVER-SIDE PHP LOG LINES WRITTEN DURING THIS REQUEST (x)\n"
	ex, err := Parse("1-good", []byte(good))
	require.NoError(t, err)
	assert.Equal(t, "ok", string(ex.ResponseBody))

	tests := []struct {
		name string
		in   string
	}{
		{"no number", good},
		{"1-no request marker", strings.Replace(good, "### REQUEST\n", "", 1)},
		{"1-no response marker", strings.Replace(good, "### RESPONSE", "### RESP", 1)},
		{"1-bad request line", strings.Replace(good, "GET http", "GEThttp", 1)},
		{"1-byte count too large", strings.Replace(good, "\t2\t", "\t3\t", 1)},
		{"1-byte count too small", strings.Replace(good, "\t2\t", "\t1\t", 1)},
		{"1-status mismatch", strings.Replace(good, "200\ttext", "404\ttext", 1)},
		{"1-bad status line", strings.Replace(good, "HTTP/1.1 200 OK", "HTTP/1.1 OK", 1)},
		{"1-bad header", strings.Replace(good, "Content-Type: text/plain\n", "Content-Type text/plain\n", 1)},
		{"1-no php log", strings.Replace(good, "### SERVER-SIDE", "### SERVER", 1)},
		{"1-unknown curl arg", strings.Replace(good, "(no request body)", "(extra curl args: --insecure)\n(no request body)", 1)},
		{"1-junk after no body", strings.Replace(good, "(no request body)\n", "(no request body)\njunk\n", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(tt.name, []byte(tt.in))
			assert.Error(t, err)
		})
	}
}

func TestExchangeResponse(t *testing.T) {
	t.Parallel()
	ex := MustByNumber(t, 26)
	req, err := http.NewRequest(ex.Method, ex.URL.String(), nil)
	require.NoError(t, err)
	for range 2 {
		resp := ex.Response(req)
		assert.Equal(t, ex.StatusCode, resp.StatusCode)
		assert.Equal(t, "application/json; charset=UTF-8", resp.Header.Get("Content-Type"))
		assert.Equal(t, int64(363), resp.ContentLength)
		assert.Same(t, req, resp.Request)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, ex.ResponseBody, body)
		resp.Header.Set("Content-Type", "changed")
	}
	assert.Equal(t, "application/json; charset=UTF-8", ex.ResponseHeader.Get("Content-Type"), "headers are cloned")
}
