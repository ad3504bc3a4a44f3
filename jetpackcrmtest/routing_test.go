package jetpackcrmtest_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

const (
	unauthorizedBody = `{"success":false,"data":{"status":"Unauthorized","message":"Please ensure your Jetpack CRM API key and secret are correctly configured."}}`
	badRequestBody   = `{"success":false,"data":{"status":"Bad request","message":"The API request was invalid."}}`
	methodBody       = `{"success":false,"data":{"status":"Method not allowed","message":"Please ensure you are using the proper method (e.g. POST or GET)."}}`
	teapotBody       = `{"success":false,"data":{"status":"I'm a teapot","message":"As per RFC 2324 (section 2.3.2), this response is short and stout."}}`
	statusBody       = `{"success":true,"data":{"status":"Successful Connection","message":"Your API Connection with Jetpack CRM is functioning correctly.","crm_version":"6.4.3","db_version":"3.0"}}`
)

func TestGeneratedCredentials(t *testing.T) {
	t.Parallel()
	a, b := newServer(t), newServer(t)
	assert.Regexp(t, `^jpcrm_pk_[0-9a-f]{40}$`, a.APIKey)
	assert.Regexp(t, `^jpcrm_sk_[0-9a-f]{40}$`, a.APISecret)
	assert.NotEqual(t, a.APIKey, b.APIKey)
	assert.NotEqual(t, a.APISecret, b.APISecret)

	c := newServer(t, jetpackcrmtest.WithCredentials("my-key", "my-secret"))
	assert.Equal(t, "my-key", c.APIKey)
	assert.Equal(t, "my-secret", c.APISecret)
	assert.Equal(t, http.StatusOK, get(t, c, "status").status)
}

func TestAuthIsCheckedFirstAndOnlyFromTheQuery(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tests := []struct {
		name string
		req  request
	}{
		{"no credentials", request{endpoint: "status", noAuth: true}},
		{"key only", request{endpoint: "status", noAuth: true, query: url.Values{"api_key": {srv.APIKey}}}},
		{"wrong key", request{endpoint: "status", noAuth: true, query: url.Values{"api_key": {"jpcrm_pk_0000"}, "api_secret": {srv.APISecret}}}},
		{"wrong secret", request{endpoint: "status", noAuth: true, query: url.Values{"api_key": {srv.APIKey}, "api_secret": {"jpcrm_sk_0000"}}}},
		{"credentials in headers", request{endpoint: "status", noAuth: true, header: http.Header{"Api_key": {srv.APIKey}, "Api_secret": {srv.APISecret}}}},
		{"credentials in the body", request{method: http.MethodPost, endpoint: "status", noAuth: true, body: `{"api_key":"` + srv.APIKey + `","api_secret":"` + srv.APISecret + `"}`}},
		{"before an unknown endpoint", request{endpoint: "nope", noAuth: true, query: url.Values{"api_key": {"wrong"}, "api_secret": {"wrong"}}}},
		{"before a method check", request{method: http.MethodDelete, endpoint: "status", noAuth: true}},
		{"before an empty endpoint", request{path: "/zbs_api/", noAuth: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := call(t, srv, tc.req)
			assert.Equal(t, http.StatusUnauthorized, r.status)
			assert.Equal(t, unauthorizedBody, string(r.body))
			assert.Equal(t, "application/json; charset=UTF-8", r.header.Get("Content-Type"))
		})
	}
}

func TestRouting(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tests := []struct {
		name       string
		req        request
		wantStatus int
		wantBody   string
	}{
		{"status", request{endpoint: "status"}, http.StatusOK, statusBody},
		{"unknown endpoint", request{endpoint: "nope"}, http.StatusBadRequest, badRequestBody},
		{"incoming_email was removed", request{method: http.MethodPost, endpoint: "incoming_email", body: `{}`}, http.StatusBadRequest, badRequestBody},
		{"endpoint names are case-sensitive", request{endpoint: "STATUS"}, http.StatusBadRequest, badRequestBody},
		{"empty endpoint", request{path: "/zbs_api/"}, http.StatusBadRequest, badRequestBody},
		{"extra segments are ignored", request{path: "/zbs_api/status/extra/"}, http.StatusOK, statusBody},
		{"query routing", request{path: "/", query: url.Values{"zbs_api": {"status"}}}, http.StatusOK, statusBody},
		{"query routing, unknown endpoint", request{path: "/", query: url.Values{"zbs_api": {"nope"}}}, http.StatusBadRequest, badRequestBody},
		{"POST without a trailing slash is not redirected", request{method: http.MethodPost, path: "/zbs_api/customers", body: `{"perpage":1}`}, http.StatusOK, `[]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := call(t, srv, tc.req)
			assert.Equal(t, tc.wantStatus, r.status)
			assert.Equal(t, tc.wantBody, string(r.body))
		})
	}
}

func TestTrailingSlashRedirect(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tests := []struct {
		name, method, path, query, wantPath string
	}{
		{"GET", http.MethodGet, "/zbs_api/status", "full=1", "/zbs_api/status/"},
		{"HEAD", http.MethodHead, "/zbs_api/customers", "", "/zbs_api/customers/"},
		{"with an extension", http.MethodGet, "/zbs_api/status.json", "", "/zbs_api/status.json/"},
		{"index.php", http.MethodGet, "/index.php", "zbs_api=status", "/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q, _ := url.ParseQuery(tc.query)
			r := call(t, srv, request{method: tc.method, path: tc.path, query: q})
			require.Equal(t, http.StatusMovedPermanently, r.status)
			assert.Equal(t, "WordPress", r.header.Get("X-Redirect-By"))
			assert.Equal(t, "text/html; charset=UTF-8", r.header.Get("Content-Type"))
			loc, err := url.Parse(r.header.Get("Location"))
			require.NoError(t, err)
			assert.Equal(t, srv.URL, loc.Scheme+"://"+loc.Host)
			assert.Equal(t, tc.wantPath, loc.Path)
			// WordPress keeps the query, credentials included.
			assert.Equal(t, srv.APISecret, loc.Query().Get("api_secret"))
			for k, v := range q {
				assert.Equal(t, v, loc.Query()[k])
			}
		})
	}

	t.Run("followed by Go's client", func(t *testing.T) {
		t.Parallel()
		resp, err := http.Get(srv.URL + "/zbs_api/status?api_key=" + url.QueryEscape(srv.APIKey) + "&api_secret=" + url.QueryEscape(srv.APISecret))
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "/zbs_api/status/", resp.Request.URL.Path)
	})

	t.Run("switched off", func(t *testing.T) {
		t.Parallel()
		off := newServer(t, jetpackcrmtest.WithTrailingSlashRedirect(false))
		r := call(t, off, request{path: "/zbs_api/status"})
		assert.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, statusBody, string(r.body))
	})
}

func TestHeadIsAnsweredWithoutAuth(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, noAuth := range []bool{false, true} {
		r := call(t, srv, request{method: http.MethodHead, endpoint: "status", noAuth: noAuth})
		assert.Equal(t, http.StatusOK, r.status)
		assert.Empty(t, r.body)
		assert.Equal(t, "text/html; charset=UTF-8", r.header.Get("Content-Type"))
	}
}

func TestMethodChecks(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tests := []struct {
		endpoint, method string
		wantStatus       int
		wantBody         string
	}{
		{"status", http.MethodPost, http.StatusMethodNotAllowed, methodBody},
		{"status", http.MethodDelete, http.StatusMethodNotAllowed, methodBody},
		{"status", http.MethodOptions, http.StatusMethodNotAllowed, methodBody},
		{"status", "BREW", http.StatusTeapot, teapotBody},
		{"customer_search", http.MethodPost, http.StatusMethodNotAllowed, methodBody},
		{"transactions", http.MethodPost, http.StatusMethodNotAllowed, methodBody},
		{"events", http.MethodPost, http.StatusMethodNotAllowed, methodBody},
		{"quotes", http.MethodPost, http.StatusMethodNotAllowed, methodBody},
		{"invoices", http.MethodPut, http.StatusMethodNotAllowed, methodBody},
		{"companies", http.MethodGet, http.StatusMethodNotAllowed, methodBody},
		{"webhook", http.MethodGet, http.StatusMethodNotAllowed, methodBody},
		{"customers", http.MethodGet, http.StatusOK, `[]`},
		{"customers", http.MethodDelete, http.StatusOK, `[]`},
	}
	for _, tc := range tests {
		t.Run(tc.endpoint+" "+tc.method, func(t *testing.T) {
			t.Parallel()
			r := call(t, srv, request{method: tc.method, endpoint: tc.endpoint})
			assert.Equal(t, tc.wantStatus, r.status)
			assert.Equal(t, tc.wantBody, string(r.body))
		})
	}
}

func TestCreatesAcceptAnyMethod(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for i, method := range []string{http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		r := call(t, srv, request{method: method, endpoint: "create_customer", body: `{"email":"via-` + strings.ToLower(method) + `@example.com"}`})
		require.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, `{"email":"via-`+strings.ToLower(method)+`@example.com","id":`+strconv.Itoa(i+1)+`}`, string(r.body))
	}
	assert.Equal(t, 4, srv.Counts().Contacts)
}

func TestPHPBuiltinServerAnswersUnknownMethods501(t *testing.T) {
	t.Parallel()
	srv := newServer(t, jetpackcrmtest.WithPHPBuiltinServer(true))
	r := call(t, srv, request{method: "BREW", endpoint: "status"})
	assert.Equal(t, http.StatusNotImplemented, r.status)
	assert.Contains(t, string(r.body), "<h1>Not Implemented</h1><p>Request method not supported.</p>")
	assert.True(t, r.closed, "Connection: close")
	assert.Equal(t, http.StatusOK, get(t, srv, "status").status)
}

func TestStatus(t *testing.T) {
	t.Parallel()
	t.Run("full", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t)
		r := get(t, srv, "status", "full", "1")
		assert.Equal(t, `{"success":true,"data":{"status":"Successful Connection","message":"Your API Connection with Jetpack CRM is functioning correctly.","crm_version":"6.4.3","db_version":"3.0","modules":["api","cal","quotebuilder","invbuilder","pdfinv","forms","transactions","b2bmode","jetpackforms","portal"],"extensions":[]}}`, string(r.body))
	})
	t.Run("configured", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t,
			jetpackcrmtest.WithCRMVersion("6.5.0"),
			jetpackcrmtest.WithModules("api"),
			jetpackcrmtest.WithExtension("woosync", "WooSync", "3.1"))
		data := get(t, srv, "status", "full", "").object(t).get("data").(orderedObject)
		assert.Equal(t, "6.5.0", data.get("crm_version"))
		assert.Equal(t, []any{"api"}, data.get("modules"))
		assert.Equal(t, orderedObject{{"woosync", orderedObject{{"name", "WooSync"}, {"version", "3.1"}}}}, data.get("extensions"))
	})
}

func TestNonAPIPaths(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	assert.Equal(t, http.StatusNotFound, call(t, srv, request{path: "/wp-admin/"}).status)
	front := call(t, srv, request{path: "/"})
	assert.Equal(t, http.StatusOK, front.status)
	assert.Equal(t, "text/html; charset=UTF-8", front.header.Get("Content-Type"))
}

func TestHandlerCanBeMountedElsewhere(t *testing.T) {
	t.Parallel()
	srv := jetpackcrmtest.NewUnstartedServer(jetpackcrmtest.WithCredentials("k", "s"))
	t.Cleanup(srv.Close)
	assert.Empty(t, srv.URL)
	assert.Nil(t, srv.HTTPClient())
	require.NoError(t, srv.Start("127.0.0.1:0"))
	assert.Error(t, srv.Start(""), "a second Start fails")
	assert.NotNil(t, srv.Handler())
	r := get(t, srv, "status")
	assert.Equal(t, http.StatusOK, r.status)
	srv.Close()
	srv.Close() // idempotent
}

func TestOversizedBodiesAreDropped(t *testing.T) {
	t.Parallel()
	srv := newServer(t, jetpackcrmtest.WithMaxBodyBytes(32))
	ok := post(t, srv, "create_customer", `{"email":"a@example.com"}`)
	assert.Equal(t, `{"email":"a@example.com","id":1}`, string(ok.body))
	big := post(t, srv, "create_customer", `{"email":"b@example.com","fname":"`+strings.Repeat("x", 64)+`"}`)
	assert.Equal(t, `{"error":true,"message":"Invalid JSON data"}`, string(big.body), "PHP drops a body over post_max_size")
}
