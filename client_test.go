package jetpackcrm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewClientRefusesBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, site, key, secret string
		opts                    []Option
		want                    string
	}{
		{"empty key", testSite, "", testSecret, nil, "empty API key"},
		{"blank secret", testSite, testKey, "  ", nil, "empty API secret"},
		{"key with newline", testSite, testKey + "\n", testSecret, nil, "white space"},
		{"empty URL", "", testKey, testSecret, nil, "empty site URL"},
		{"unparsable URL", "https://exa mple.com/%zz", testKey, testSecret, nil, "does not parse"},
		{"no scheme", "crm.example.com", testKey, testSecret, nil, "no scheme"},
		{"ftp scheme", "ftp://crm.example.com", testKey, testSecret, nil, `scheme "ftp"`},
		{"plain http to remote host", "http://crm.example.com", testKey, testSecret, nil, "clear text"},
		{"user info", "https://bob:pw@crm.example.com", testKey, testSecret, nil, "user info"},
		{"query in URL", "https://crm.example.com/?x=1", testKey, testSecret, nil, "query"},
		{"no host", "https:///path", testKey, testSecret, nil, "no host"},
		{"nil option", testSite, testKey, testSecret, []Option{nil}, "option 0 is nil"},
		{"nil http client", testSite, testKey, testSecret, []Option{WithHTTPClient(nil)}, "nil *http.Client"},
		{"nil logger", testSite, testKey, testSecret, []Option{WithLogger(nil)}, "nil *slog.Logger"},
		{"empty user agent", testSite, testKey, testSecret, []Option{WithUserAgent(" ")}, "empty user agent"},
		{"user agent with a control character", testSite, testKey, testSecret, []Option{WithUserAgent("shop\x00sync")}, "control character"},
		{"zero rate", testSite, testKey, testSecret, []Option{WithRateLimit(0, 1)}, "positive"},
		{"zero burst", testSite, testKey, testSecret, []Option{WithRateLimit(5, 0)}, "burst"},
		{"zero max bytes", testSite, testKey, testSecret, []Option{WithMaxResponseBytes(0)}, "at least 1"},
		{"negative retries", testSite, testKey, testSecret, []Option{WithRetryPolicy(RetryPolicy{MaxRetries: -1})}, "negative"},
		{"wait max below min", testSite, testKey, testSecret, []Option{WithRetryPolicy(RetryPolicy{WaitMin: 10, WaitMax: 5})}, "shorter than WaitMin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(tt.site, tt.key, tt.secret, tt.opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.want)
			assertErrorHidesSecret(t, err)
		})
	}
}

func TestNewClientAcceptsLoopbackAndInsecureOptIn(t *testing.T) {
	t.Parallel()
	for _, site := range []string{"http://127.0.0.1:8089", "http://localhost/", "http://[::1]:80/wp/", "https://crm.example.com"} {
		_, err := NewClient(site, testKey, testSecret)
		assert.NoError(t, err, site)
	}
	_, err := NewClient("http://10.0.0.5", testKey, testSecret, WithInsecureHTTP())
	assert.NoError(t, err)
}

func TestClientFormatHidesCredentials(t *testing.T) {
	t.Parallel()
	env := setup(t)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, env.client)
		assertNoSecret(t, out)
		assert.Contains(t, out, "crm.example.com")
	}
	assertNoSecret(t, fmt.Sprintf("%+v", *env.client.Customers), fmt.Sprintf("%#v", env.client.creds))
}

func TestRequestsCarryCredentialsOnlyOnTheWire(t *testing.T) {
	t.Parallel()
	env := setup(t, WithUserAgent("shop-sync/2"))
	rec := &recordingResponder{next: jsonResponder(200, `[]`)}
	env.respond(http.MethodPost, "customers", rec.responder())

	req, err := env.client.NewRequest(context.Background(), http.MethodPost, "customers", nil, map[string]any{"perpage": 2})
	require.NoError(t, err)
	assert.Equal(t, "https://crm.example.com/wp/zbs_api/customers/", req.URL.String(), "no credentials before sending")

	var out []map[string]any
	resp, err := env.client.Do(req, &out)
	require.NoError(t, err)
	assert.Equal(t, 1, resp.Attempts)
	assertNoSecret(t, resp.Request.URL.String(), fmt.Sprintf("%+v", resp))

	require.Len(t, rec.urls, 1)
	q := rec.urls[0].Query()
	assert.Equal(t, testKey, q.Get("api_key"))
	assert.Equal(t, testSecret, q.Get("api_secret"))
	assert.JSONEq(t, `{"perpage":2}`, string(rec.bodies[0]))
	h := rec.heads[0]
	assert.Equal(t, "application/json", h.Get("Accept"))
	assert.Equal(t, "application/json", h.Get("Content-Type"))
	assert.True(t, strings.HasPrefix(h.Get("User-Agent"), "shop-sync/2 jetpackcrm-go/"), h.Get("User-Agent"))
}

func TestEndpointURLForms(t *testing.T) {
	t.Parallel()
	c, err := NewClient("https://crm.example.com/blog/", testKey, testSecret)
	require.NoError(t, err)
	assert.Equal(t, "https://crm.example.com/blog/zbs_api/status/", c.endpointURL("status").String())

	q, err := NewClient("https://crm.example.com", testKey, testSecret, WithQueryRouting())
	require.NoError(t, err)
	req, err := q.NewRequest(context.Background(), http.MethodGet, "events", struct {
		Page int `url:"page"`
	}{2}, nil)
	require.NoError(t, err)
	assert.Equal(t, "https://crm.example.com/?zbs_api=events&page=2", req.URL.String())
	assert.Empty(t, req.Header.Get("Content-Type"), "no body, no content type")
}

func TestNewRequestRefusesBadInput(t *testing.T) {
	t.Parallel()
	env := setup(t)
	ctx := context.Background()
	tests := []struct {
		name     string
		ctx      context.Context
		method   string
		endpoint string
		body     any
	}{
		{"nil context", nil, "GET", "status", nil},
		{"empty method", ctx, "", "status", nil},
		{"empty endpoint", ctx, "GET", "", nil},
		{"endpoint with slash", ctx, "GET", "status/../x", nil},
		{"endpoint with query", ctx, "GET", "status?full=1", nil},
		{"unencodable body", ctx, "POST", "customers", map[string]any{"f": func() {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := env.client.NewRequest(tt.ctx, tt.method, tt.endpoint, nil, tt.body)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.ErrorIs(t, err, ErrInvalidInput)
		})
	}
	assert.Zero(t, env.mock.GetTotalCallCount())
}

func TestRedirects(t *testing.T) {
	t.Parallel()

	t.Run("same host is followed", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		// WordPress's canonical redirect echoes the credentials in Location.
		env.mock.RegisterResponder("GET", testSite+"/zbs_api/status", func(req *http.Request) (*http.Response, error) {
			resp := httpmock.NewStringResponse(301, "")
			resp.Header.Set("Location", testSite+"/zbs_api/status/?"+req.URL.RawQuery)
			return resp, nil
		})
		rec := &recordingResponder{next: jsonResponder(200, `{"success":true,"data":{"status":"Successful Connection"}}`)}
		env.respond("GET", "status", rec.responder())
		req, err := env.client.NewRequest(context.Background(), "GET", "status", nil, nil)
		require.NoError(t, err)
		req.URL.Path = "/wp/zbs_api/status" // what a hand-written URL looks like
		_, err = env.client.Do(req, nil)
		require.NoError(t, err)
		require.Len(t, rec.urls, 1)
		assert.Equal(t, testKey, rec.urls[0].Query().Get("api_key"))
		// The Location echoed the credentials; the transport sends them once.
		assert.Len(t, rec.urls[0].Query()["api_key"], 1, "credentials not duplicated")
		assert.Len(t, rec.urls[0].Query()["api_secret"], 1)
	})

	t.Run("another host is refused", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		env.respond("GET", "status", func(req *http.Request) (*http.Response, error) {
			resp := httpmock.NewStringResponse(302, "")
			resp.Header.Set("Location", "https://evil.example.net/collect?"+req.URL.RawQuery)
			return resp, nil
		})
		env.mock.RegisterResponder("GET", "https://evil.example.net/collect", jsonResponder(200, `{}`))
		_, err := env.client.Do(mustRequest(t, env.client, "GET", "status"), nil)
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrRedirectRefused)
		assert.Contains(t, err.Error(), "evil.example.net")
		assertErrorHidesSecret(t, err)
		assert.Equal(t, 1, env.mock.GetTotalCallCount(), "the other host got nothing")
	})

	t.Run("https to http is refused", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		env.respond("GET", "status", func(req *http.Request) (*http.Response, error) {
			resp := httpmock.NewStringResponse(301, "")
			resp.Header.Set("Location", "http://crm.example.com/wp/zbs_api/status/?"+req.URL.RawQuery)
			return resp, nil
		})
		_, err := env.client.Do(mustRequest(t, env.client, "GET", "status"), nil)
		assert.ErrorIs(t, err, ErrRedirectRefused)
		assertErrorHidesSecret(t, err)
	})
}

func mustRequest(t testing.TB, c *Client, method, endpoint string) *http.Request {
	t.Helper()
	req, err := c.NewRequest(context.Background(), method, endpoint, nil, nil)
	require.NoError(t, err)
	return req
}

func TestNoiseBeforeJSONIsSkipped(t *testing.T) {
	t.Parallel()
	bodies := map[string]string{
		"companies deprecation div": `<div class="zbs info msg">Use of $argsOverride in zeroBS_getCompanies is no longer relevant (DAL3.0)</div>[{"id":"1"}]`,
		"database error div":        "<div id=\"error\"><p class=\"wpdberror\"><strong>WordPress database error:</strong> [You have an error in your SQL syntax]<br /><code>SELECT * LIMIT 0,-5</code></p></div>[{\"id\":\"1\"}]",
		"PHP warning":               "<br />\n<b>Warning</b>:  Undefined array key \"x\" in <b>/var/www/x.php</b> on line <b>12</b><br />\n[{\"id\":\"1\"}]",
		"clean":                     `[{"id":"1"}]`,
		"leading whitespace":        " \n\t[{\"id\":\"1\"}]",
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			env.respond("POST", "companies", jsonResponder(200, body))
			var out []map[string]string
			_, err := env.client.call(context.Background(), "companies", "POST", "companies", nil, map[string]int{"page": 1}, true, &out)
			require.NoError(t, err)
			require.Len(t, out, 1)
			assert.Equal(t, "1", out[0]["id"])
		})
	}
}

func TestBodiesThatAreNotJSON(t *testing.T) {
	t.Parallel()
	html := "<!DOCTYPE html><html><head><title>Maintenance</title></head><body>key " + testKey + "</body></html>"
	tests := []struct {
		name, endpoint, body string
		status               int
		wantIs               error
	}{
		{"HTML page on a list", "transactions", html, 200, nil},
		{"empty body on a list", "transactions", "", 200, nil},
		{"truncated JSON", "transactions", `[{"id":"1"`, 200, nil},
		{"empty body on a create is a refusal", "create_company", "", 200, ErrRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			env.respond("GET", tt.endpoint, httpmock.NewStringResponder(tt.status, tt.body).HeaderSet(http.Header{"Content-Type": {"text/html; charset=UTF-8"}}))
			var out []map[string]any
			_, err := env.client.call(context.Background(), tt.endpoint, "GET", tt.endpoint, nil, nil, true, &out)
			require.Error(t, err)
			assertErrorHidesSecret(t, err)
			if tt.wantIs != nil {
				assert.ErrorIs(t, err, tt.wantIs)
				return
			}
			var de *DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tt.status, de.StatusCode)
			assert.Equal(t, "text/html; charset=UTF-8", de.ContentType)
			assert.LessOrEqual(t, len(de.Snippet), maxSnippet)
			assert.NotContains(t, de.Snippet, "\n")
		})
	}
}

func TestResponseSizeCap(t *testing.T) {
	t.Parallel()
	env := setup(t, WithMaxResponseBytes(64))
	env.respond("GET", "events", jsonResponder(200, "["+strings.Repeat(`{"id":"1"},`, 50)+`{"id":"2"}]`))
	var out []map[string]any
	_, err := env.client.call(context.Background(), "events", "GET", "events", nil, nil, true, &out)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.ErrorIs(t, err, ErrResponseTooLarge)
}

func TestCheckResponse(t *testing.T) {
	t.Parallel()
	req, err := http.NewRequest("POST", testAPI+"create_event/?api_key="+testKey+"&api_secret=x", nil)
	require.NoError(t, err)
	resp := httpmock.NewStringResponse(200, `{"error":100}`)
	resp.Request = req
	err = CheckResponse(resp)
	assert.ErrorIs(t, err, ErrRejected)
	ae := requireAPIError(t, err)
	assert.Equal(t, "create_event", ae.Endpoint)
	assert.Equal(t, "100", ae.Code)

	ok := httpmock.NewStringResponse(200, `{"title":"x","id":3}`)
	ok.Request = req
	assert.NoError(t, CheckResponse(ok))
	assert.Error(t, CheckResponse(nil))
}

func TestDoWritesRawBodyToWriter(t *testing.T) {
	t.Parallel()
	env := setup(t)
	env.respond("GET", "quotes", jsonResponder(200, `[{"id":"1"}]`))
	var sb strings.Builder
	_, err := env.client.Do(mustRequest(t, env.client, "GET", "quotes"), &sb)
	require.NoError(t, err)
	assert.Equal(t, `[{"id":"1"}]`, sb.String())
}

func TestCancelledContextSendsNothing(t *testing.T) {
	t.Parallel()
	env := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, err := env.client.NewRequest(ctx, "GET", "status", nil, nil)
	require.NoError(t, err)
	_, err = env.client.Do(req, nil)
	assert.True(t, errors.Is(err, context.Canceled))
	assert.Zero(t, env.mock.GetTotalCallCount())
}
