package jetpackcrm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// phpForms are the credentials as PHP and a web server would write them
// back into a body, a header or a trailer.
func phpForms(v string) map[string]string {
	return map[string]string{
		"raw":                           v,
		"urlencode":                     phpURLEncode(v, false),
		"rawurlencode":                  phpURLEncode(v, true),
		"urlencode, lower-case hex":     percentHex.ReplaceAllStringFunc(phpURLEncode(v, false), strings.ToLower),
		"json_encode":                   strings.ReplaceAll(v, "/", `\/`),
		"htmlspecialchars":              strings.NewReplacer("&", "&amp;", `"`, "&quot;", "'", "&#039;", "<", "&lt;", ">", "&gt;").Replace(v),
		"htmlspecialchars(json_encode)": strings.ReplaceAll(strings.ReplaceAll(v, "/", `\/`), "&", "&amp;"),
		"Go's json.Marshal":             strings.NewReplacer("<", `\u003c`, ">", `\u003e`, "&", `\u0026`, `"`, `\"`).Replace(v),
	}
}

var percentHex = regexp.MustCompile(`%[0-9A-F]{2}`)

// tildeKey has the characters whose PHP forms differ from Go's: ~ (%7E
// from urlencode, kept by Go), / (\/ in json_encode), & and ' (entities).
const (
	tildeKey    = "jpcrm_pk_T1lde~Key/&'<x>"
	tildeSecret = "jpcrm_sk_T1lde~Secret/&'\""
)

// TestPHPFormsOfTheCredentialsAreRedacted: a server that echoes the
// credentials back in the forms PHP produces (json_encode's \/,
// htmlspecialchars, urlencode's %7E, ...) must not show them in an error, a
// header or a trailer.
func TestPHPFormsOfTheCredentialsAreRedacted(t *testing.T) {
	t.Parallel()
	for _, cred := range []string{tildeKey, tildeSecret} {
		for name, form := range phpForms(cred) {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				creds := newCredentials(tildeKey, tildeSecret)
				for _, text := range []string{form, "x" + form + "y", `{"url":"` + form + `"}`} {
					out := creds.redact(text)
					assert.NotContains(t, out, form, "%q", text)
					assert.Contains(t, out, redactedMark)
				}
				// A snippet cut inside the form keeps no 12-byte start of it.
				cut := creds.redact(form[:len(form)-1])
				assert.NotContains(t, cut, form[:minFragment])

				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Trailer", "X-Echo")
					w.Header().Set("X-Form", form)
					w.WriteHeader(http.StatusInternalServerError)
					_, _ = io.WriteString(w, `{"error":"`+strings.ReplaceAll(form, `"`, `\"`)+`","message":"`+strings.ReplaceAll(form, `"`, `\"`)+`"}`)
					w.Header().Set("X-Echo", form)
				}))
				t.Cleanup(srv.Close)
				c, err := NewClient(srv.URL, tildeKey, tildeSecret, WithoutRetries())
				require.NoError(t, err)
				var out []map[string]any
				resp, err := c.call(context.Background(), "events", http.MethodGet, "events", nil, nil, true, &out)
				require.Error(t, err)
				require.NotNil(t, resp)
				for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err),
					fmt.Sprint(resp.Header), fmt.Sprint(resp.Trailer)} {
					assert.NotContains(t, s, form)
					assert.NotContains(t, s, cred)
				}
			})
		}
	}
}

// TestTrailersAreRedacted: a trailer echoing the request URL carried the
// credentials to the caller; trailers are redacted like headers.
func TestTrailersAreRedacted(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Request-Url, X-Debug")
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[]`)
		w.Header().Set("X-Request-Url", r.URL.String())
		w.Header().Set("X-Debug", "key="+r.URL.Query().Get("api_key")+" secret="+r.URL.Query().Get("api_secret"))
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL, testKey, testSecret)
	require.NoError(t, err)
	_, resp, err := c.Events.List(context.Background(), nil)
	require.NoError(t, err)
	require.NotEmpty(t, resp.Trailer.Get("X-Request-Url"), "the trailer arrived")
	assert.Contains(t, resp.Trailer.Get("X-Request-Url"), "/zbs_api/events/")
	assertNoSecret(t, fmt.Sprint(resp.Trailer), fmt.Sprintf("%+v", resp.Response))
}

// TestHandedOutRequestsAreCopies: resp.Request.URL was the Client's own
// endpoint URL, and header values were shared by every request: a caller
// editing them redirected every later call, credentials included.
func TestHandedOutRequestsAreCopies(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var hosts, accepts []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hosts = append(hosts, r.Host+r.URL.Path)
		accepts = append(accepts, r.Header.Get("Accept")+"|"+r.Header.Get("User-Agent"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[]`)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL, testKey, testSecret)
	require.NoError(t, err)
	ctx := context.Background()
	base, _ := url.Parse(srv.URL)

	_, resp, err := c.Events.List(ctx, nil)
	require.NoError(t, err)
	resp.Request.URL.Host = "evil.example:1"
	resp.Request.URL.Path = "/steal/"
	resp.Request.Header["Accept"][0] = "text/html"
	resp.Request.Header["User-Agent"][0] = "evil"
	_, resp, err = c.Events.List(ctx, &EventListOptions{})
	require.NoError(t, err, "the next call still goes to the site")

	req, err := c.NewRequest(ctx, http.MethodGet, "events", nil, nil)
	require.NoError(t, err)
	req.Header["Accept"][0] = "text/plain"
	req.Header["User-Agent"][0] = "mine"
	var raw json.RawMessage
	_, err = c.Do(req, &raw)
	require.NoError(t, err)
	_, _, err = c.Events.List(ctx, nil)
	require.NoError(t, err)

	mu.Lock()
	defer mu.Unlock()
	want := base.Host + "/zbs_api/events/"
	assert.Equal(t, []string{want, want, want, want}, hosts)
	assert.Equal(t, []string{"application/json|" + defaultUserAgent, "application/json|" + defaultUserAgent,
		"text/plain|mine", "application/json|" + defaultUserAgent}, accepts, "a caller's edit changes its own request only")
	assertNoSecret(t, resp.Request.URL.String())
}

// TestNetworkErrorsDoNotPrintTheURL: the README says errors name the method
// and endpoint, never the URL; network errors printed the URL's host and
// path (the *url.Error). They print the cause only, which still matches.
func TestNetworkErrorsDoNotPrintTheURL(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	addr := srv.URL
	srv.Close() // a port that refuses connections
	c, err := NewClient(addr+"/wp", testKey, testSecret, WithoutRetries())
	require.NoError(t, err)
	_, _, err = c.Events.List(context.Background(), nil)
	var re *RequestError
	require.ErrorAs(t, err, &re)
	msg := err.Error()
	assert.Contains(t, msg, "GET events")
	assert.NotContains(t, msg, "http://")
	assert.NotContains(t, msg, "/wp/zbs_api/")
	assert.NotContains(t, msg, `"`)
	var opErr *net.OpError
	assert.ErrorAs(t, err, &opErr, "the cause is still there")
	assert.ErrorIs(t, err, syscall.ECONNREFUSED)
	var ue *url.Error
	assert.False(t, errors.As(err, &ue))
	assertErrorHidesSecret(t, err)
}
