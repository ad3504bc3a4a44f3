package jetpackcrm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm/internal/recorded"
)

// Fuzz targets for the code that reads what the server sends: the HTML-noise
// skipper, the "is this answer an error" classifier, and the lenient model
// decoders. Each is seeded with every recorded response body (testdata/
// recorded, debug-display included), every documented example (testdata/
// documented), and bodies that echo the credentials, so that `go test`
// runs the seeds in CI and `go test -fuzz` starts from real answers:
//
//	go test -run '^$' -fuzz '^FuzzSkipNoise$' -fuzztime 60s ./
//	go test -run '^$' -fuzz '^FuzzCheckBody$' -fuzztime 60s ./
//	go test -run '^$' -fuzz '^FuzzDecodeModels$' -fuzztime 60s ./

// relSeed is one seed body and the answer it came with.
type relSeed struct {
	status int
	write  bool
	body   []byte
}

// relSeeds loads every recorded and documented response body, plus each
// element of the JSON arrays among them (so that object decoders start
// from objects), plus bodies that echo the credentials in every field and
// across every length limit.
func relSeeds(f *testing.F) []relSeed {
	f.Helper()
	var seeds []relSeed
	main, err := recorded.LoadAll()
	require.NoError(f, err)
	dd, err := recorded.LoadDebugDisplay()
	require.NoError(f, err)
	for _, ex := range append(main, dd...) {
		seeds = append(seeds, relSeed{ex.StatusCode, strings.HasPrefix(ex.Endpoint, "create_"), ex.ResponseBody})
	}
	docs, err := filepath.Glob(filepath.Join(recorded.DocumentedDir(), "*.json"))
	require.NoError(f, err)
	require.NotEmpty(f, docs)
	for _, p := range docs {
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		seeds = append(seeds, relSeed{http.StatusOK, strings.HasPrefix(filepath.Base(p), "create_"), b})
	}
	for _, s := range seeds[:len(seeds):len(seeds)] {
		var elems []json.RawMessage
		if json.Unmarshal(skipNoise(s.body), &elems) == nil {
			for _, e := range elems {
				seeds = append(seeds, relSeed{s.status, s.write, e})
			}
		}
	}
	for _, form := range secretForms[:6] {
		for _, tmpl := range []string{
			`{"error":"%s"}`, `{"errors":"%s"}`, `{"error":true,"message":"<p>%s</p>"}`, `{"code":"%s","success":false}`,
			`{"success":false,"data":{"status":"%s","message":"%s"}}`, `<div>%s</div>{"error":100}`,
			`{"id":"%s"}`, `[{"id":"1","fname":"%s"}]`, `<html><body>%s</body></html>`,
		} {
			seeds = append(seeds, relSeed{http.StatusOK, true, []byte(strings.ReplaceAll(tmpl, "%s", form))})
		}
		for _, max := range []int{40, maxSnippet, maxErrorBody} {
			for _, cut := range []int{1, minFragment, len(form) - 1} {
				pad := strings.Repeat("x", max-cut)
				seeds = append(seeds,
					relSeed{http.StatusInternalServerError, false, []byte(`{"error":"` + pad + form + `"}`)},
					relSeed{http.StatusOK, false, []byte(`{"id":"` + pad + form + `"}`)},
					relSeed{http.StatusBadGateway, false, []byte(pad + form)})
			}
		}
	}
	return seeds
}

// relAssertNoCredential fails if text shows a credential, whole or as a
// start of at least minFragment bytes.
func relAssertNoCredential(t *testing.T, texts ...string) {
	t.Helper()
	for _, text := range texts {
		for _, form := range secretForms[:6] {
			if strings.Contains(text, form) || (len(form) > minFragment && strings.Contains(text, form[:minFragment])) {
				t.Fatalf("credential %q leaked in %q", form, text)
			}
		}
	}
}

// skipNoise only ever drops a prefix: markup before a complete JSON object
// or array, or leading white space before JSON. It is idempotent, and a
// body that is valid JSON keeps its value.
func FuzzSkipNoise(f *testing.F) {
	for _, s := range relSeeds(f) {
		f.Add(s.body)
	}
	f.Add([]byte("<br />\n<b>Notice</b>: x\n[1]"))
	f.Add([]byte("<" + strings.Repeat(">", 40) + "{}"))
	f.Add([]byte(" \t\r\n"))
	f.Add([]byte("\xEF\xBB\xBF\xEF\xBB\xBF {\"id\":1}"))
	f.Add([]byte("\nNotice: Undefined index: x in /a.php on line 3\n{\"a\":\"}{\\\"[\"}"))
	f.Add([]byte("Deprecated: x{\"a\":1}"))
	f.Add([]byte(strings.Repeat(xdebugNotice, 50) + `[{"id":"1"}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		out := skipNoise(body)
		require.True(t, bytes.HasSuffix(body, out), "not a suffix of the input")
		assert.Equal(t, out, skipNoise(out), "not idempotent")
		trimmed := trimLeadingSpaceAndBOMs(body)
		if len(out) < len(trimmed) {
			// Something other than white space and BOMs was skipped: text
			// ending in markup or a line break, before a complete JSON
			// object or array that ends the body.
			require.NotEmpty(t, out)
			assert.Contains(t, "{[", string(out[0:1]))
			assert.True(t, json.Valid(out), "skipped to invalid JSON %q", out)
			noise := bytes.TrimRight(trimmed[:len(trimmed)-len(out)], " \t\r")
			last := noise[len(noise)-1]
			assert.True(t, last == '>' || last == '\n', "skipped text that does not end in markup or a line break: %q", noise)
		}
		if json.Valid(body) {
			assert.Equal(t, trimmed, bytes.TrimLeft(out, " \t\r\n"), "a valid JSON body lost its value")
		}
	})
}

// trimLeadingSpaceAndBOMs drops leading white space and byte order marks.
func trimLeadingSpaceAndBOMs(b []byte) []byte {
	for {
		t := bytes.TrimPrefix(bytes.TrimLeft(b, " \t\r\n"), []byte("\xEF\xBB\xBF"))
		if len(t) == len(b) {
			return b
		}
		b = t
	}
}

// xdebugNotice is one PHP notice as xdebug prints it (HTML errors on).
const xdebugNotice = "<br />\n<font size='1'><table class='xdebug-error xe-notice' dir='ltr' border='1' cellspacing='0' cellpadding='1'>\n" +
	"<tr><th align='left' bgcolor='#f57900' colspan=\"5\"><span style='background-color: #cc0000; color: #fce94f; font-size: x-large;'>( ! )</span> Notice: Undefined index: x in /var/www/wp-content/plugins/zero-bs-crm/api/customers.php on line <i>42</i></th></tr>\n" +
	"<tr><th align='left' bgcolor='#e9b96e' colspan='5'>Call Stack</th></tr>\n" +
	"<tr><th align='center' bgcolor='#eeeeec'>#</th><th align='left' bgcolor='#eeeeec'>Time</th><th align='left' bgcolor='#eeeeec'>Memory</th><th align='left' bgcolor='#eeeeec'>Function</th><th align='left' bgcolor='#eeeeec'>Location</th></tr>\n" +
	"<tr><td bgcolor='#eeeeec' align='center'>1</td><td bgcolor='#eeeeec' align='center'>0.0001</td><td bgcolor='#eeeeec' align='right'>362048</td><td bgcolor='#eeeeec'>{main}( )</td><td title='/var/www/index.php' bgcolor='#eeeeec'>.../index.php<b>:</b>0</td></tr>\n" +
	"<tr><td bgcolor='#eeeeec' align='center'>2</td><td bgcolor='#eeeeec' align='center'>0.0002</td><td bgcolor='#eeeeec' align='right'>362432</td><td bgcolor='#eeeeec'>require( <font color='#00bb00'>'/var/www/wp-blog-header.php'</font> )</td><td title='/var/www/index.php' bgcolor='#eeeeec'>.../index.php<b>:</b>17</td></tr>\n" +
	"</table></font>\n"

// checkBody classifies any answer without panicking: non-2xx is always an
// *APIError of that status; a 2xx is either fine or a rejection, never for
// a list; text it takes from the body is bounded and redacted.
func FuzzCheckBody(f *testing.F) {
	for _, s := range relSeeds(f) {
		f.Add(s.status, s.write, s.body)
	}
	creds := newCredentials(testKey, testSecret)
	f.Fuzz(func(t *testing.T, status int, write bool, body []byte) {
		code := status // the seeds' own statuses; any other int maps into 100-599
		if code < 100 || code > 599 {
			code = 100 + int(uint(status)%500)
		}
		endpoint := "customers"
		if write {
			endpoint = "create_customer"
		}
		ci := callInfo{method: http.MethodPost, endpoint: endpoint, write: write}
		err := checkBody(ci, code, body, 2, creds)
		success := code >= 200 && code <= 299
		clean := skipNoise(body)
		switch {
		case !success:
			require.Error(t, err, "HTTP %d is an error", code)
		case len(clean) == 0:
			assert.Equal(t, write, err != nil, "an empty 2xx body is an error only from a create endpoint")
		case clean[0] == '[':
			require.NoError(t, err, "a 2xx list body is never an error")
		}
		if err == nil {
			return
		}
		ae, ok := err.(*APIError)
		require.True(t, ok, "%T is not an *APIError", err)
		assert.Equal(t, code, ae.StatusCode)
		assert.Equal(t, endpoint, ae.Endpoint)
		assert.Equal(t, 2, ae.Attempts)
		assert.Equal(t, success, ae.Rejected)
		assert.Equal(t, success, errors.Is(err, ErrRejected))
		if code >= 500 {
			assert.ErrorIs(t, err, ErrServer)
		}
		if s, ok := statusSentinels[code]; ok && !success {
			assert.ErrorIs(t, err, s)
		}
		assert.LessOrEqual(t, len(ae.Body), maxErrorBody)
		assert.LessOrEqual(t, len(ae.Code), maxSnippet)
		assert.True(t, utf8.ValidString(ae.Body))
		assert.NotContains(t, ae.Error(), "api_secret")
		relAssertNoCredential(t, ae.Error(), fmt.Sprintf("%+v", ae), fmt.Sprintf("%#v", ae), ae.Body, ae.Code, ae.Message, ae.Status)
	})
}

// relModels are the decoders under test, each with a way to make a fresh
// value. statusEnvelope is the whole status reply.
var relModels = []struct {
	name string
	new  func() any
}{
	{"Customer", func() any { return new(Customer) }},
	{"Company", func() any { return new(Company) }},
	{"Transaction", func() any { return new(Transaction) }},
	{"Event", func() any { return new(Event) }},
	{"Quote", func() any { return new(Quote) }},
	{"Invoice", func() any { return new(Invoice) }},
	{"statusEnvelope", func() any { return new(statusEnvelope) }},
	{"WebhookResult", func() any { return new(WebhookResult) }},
}

// relListOf returns a pointer to an empty []*T for a pointer to a T, the
// targets of the list methods.
func relListOf(v any) any {
	switch v.(type) {
	case *Customer:
		return new([]*Customer)
	case *Company:
		return new([]*Company)
	case *Transaction:
		return new([]*Transaction)
	case *Event:
		return new([]*Event)
	case *Quote:
		return new([]*Quote)
	case *Invoice:
		return new([]*Invoice)
	}
	return nil
}

// Every model decodes any bytes without panicking; what decodes re-marshals
// without error and decodes again; invalid JSON is refused; and a body
// that does not decode through the Client's path gives a *DecodeError
// whose text is redacted.
func FuzzDecodeModels(f *testing.F) {
	for _, s := range relSeeds(f) {
		f.Add(s.body)
	}
	creds := newCredentials(testKey, testSecret)
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}}
	f.Fuzz(func(t *testing.T, body []byte) {
		valid := json.Valid(body)
		for _, m := range relModels {
			v := m.new()
			var err error
			if u, ok := v.(json.Unmarshaler); ok {
				// Called directly: json.Unmarshal would refuse invalid
				// JSON before the lenient decoder ever saw it.
				err = u.UnmarshalJSON(body)
			} else {
				err = json.Unmarshal(body, v)
			}
			if !valid {
				require.Error(t, err, "%s accepted invalid JSON", m.name)
			}
			if err == nil {
				out, merr := json.Marshal(v)
				require.NoError(t, merr, "%s re-marshals", m.name)
				again := m.new()
				require.NoError(t, json.Unmarshal(out, again), "%s decodes its own output %s", m.name, out)
				out2, merr := json.Marshal(again)
				require.NoError(t, merr)
				again2 := m.new()
				require.NoError(t, json.Unmarshal(out2, again2), "%s decodes its own output %s", m.name, out2)
			}

			// The Client's path: HTML noise skipped, one object read as a
			// list of one.
			targets := []any{m.new()}
			if list := relListOf(v); list != nil {
				targets = append(targets, list)
			}
			for _, target := range targets {
				derr := decodeBody(callInfo{method: http.MethodGet, endpoint: "customers"}, resp, body, 1, creds, target)
				if derr == nil {
					continue
				}
				var de *DecodeError
				require.ErrorAs(t, derr, &de, "%s", m.name)
				assert.LessOrEqual(t, len(de.Snippet), maxSnippet)
				relAssertNoCredential(t, derr.Error(), fmt.Sprintf("%+v", de), de.Snippet)
			}
		}
	})
}
