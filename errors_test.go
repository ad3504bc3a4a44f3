package jetpackcrm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/jpcrm-go/jetpackcrm/internal/recorded"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every status code the API documents maps to its sentinel and to an
// *APIError carrying the server's status and message.
func TestDocumentedStatusCodesMapToSentinels(t *testing.T) {
	t.Parallel()
	plugin := func(status string) string {
		return `{"success":false,"data":{"status":"` + status + `","message":"Said by the plugin about ` + testKey + `"}}`
	}
	tests := []struct {
		code     int
		body     string
		sentinel error
		status   string
	}{
		{400, plugin("Bad request"), ErrBadRequest, "Bad request"},
		{401, plugin("Unauthorized"), ErrUnauthorized, "Unauthorized"},
		{403, plugin("Forbidden"), ErrForbidden, "Forbidden"},
		{404, "<html><body>WordPress 404 page</body></html>", ErrNotFound, ""},
		{405, plugin("Method not allowed"), ErrMethodNotAllowed, "Method not allowed"},
		{406, plugin("Not acceptable"), ErrNotAcceptable, "Not acceptable"},
		{410, plugin("Gone"), ErrGone, "Gone"},
		{418, plugin("I'm a teapot"), ErrTeapot, "I'm a teapot"},
		{429, "", ErrRateLimited, ""},
		{500, `{"code":"internal_server_error","message":"<p>There has been a critical error on this website.<\/p>","data":{"status":500}}`, ErrInternal, ""},
		{503, "<!DOCTYPE html><html><body>Briefly unavailable for scheduled maintenance.</body></html>", ErrUnavailable, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			t.Parallel()
			env := setup(t, WithoutRetries())
			env.respond("GET", "status", jsonResponder(tt.code, tt.body))
			err := fetchStatus(env.client)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.sentinel)
			for _, other := range []error{ErrBadRequest, ErrUnauthorized, ErrNotFound, ErrTeapot, ErrRejected} {
				if other != tt.sentinel {
					assert.NotErrorIs(t, err, other)
				}
			}
			assert.Equal(t, tt.code >= 500, errors.Is(err, ErrServer), "ErrServer for 5xx only")
			ae := requireAPIError(t, err)
			assert.Equal(t, tt.code, ae.StatusCode)
			assert.Equal(t, "GET", ae.Method)
			assert.Equal(t, "status", ae.Endpoint)
			assert.Equal(t, tt.status, ae.Status)
			assert.Equal(t, 1, ae.Attempts)
			if tt.status != "" {
				assert.Contains(t, ae.Message, "Said by the plugin")
			}
			if tt.code == 500 {
				assert.Equal(t, "internal_server_error", ae.Code)
				assert.Equal(t, "There has been a critical error on this website.", ae.Message)
			}
			assertErrorHidesSecret(t, err)
		})
	}
}

// The 200-with-error bodies recorded from the live site, and its empty
// bodies from create endpoints, are refusals with the server's code.
func TestRecordedRefusalsAreErrRejected(t *testing.T) {
	t.Parallel()
	tests := []struct {
		capture  int
		code     string
		message  string
		endpoint string
	}{
		{30, "100", "", "create_customer"},
		{39, "1", "", "create_customer"},
		{43, "true", "Invalid JSON data", "create_customer"},
		{45, "1", "", "create_customer"},
		{107, "400", "Missing required field: total", "create_transaction"},
		{108, "400", "Missing required field: orderid", "create_transaction"},
		{121, "100", "", "create_event"},
		{88, "empty", "the CRM answered with an empty body and stored nothing", "create_company"},
		{109, "empty", "the CRM answered with an empty body and stored nothing", "create_transaction"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.capture), func(t *testing.T) {
			t.Parallel()
			ex := recorded.MustByNumber(t, tt.capture)
			require.Equal(t, 200, ex.StatusCode)
			env := setup(t)
			env.respond("POST", tt.endpoint, func(req *http.Request) (*http.Response, error) { return ex.Response(req), nil })
			_, err := env.client.call(context.Background(), tt.endpoint, "POST", tt.endpoint, nil, map[string]string{"x": "y"}, true, &map[string]any{})
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrRejected)
			assert.NotErrorIs(t, err, ErrServer)
			ae := requireAPIError(t, err)
			assert.True(t, ae.Rejected)
			assert.Equal(t, 200, ae.StatusCode)
			assert.Equal(t, tt.code, ae.Code)
			assert.Equal(t, tt.message, ae.Message)
			assert.Equal(t, 1, ae.Attempts, "a refusal is never retried")
			assert.Equal(t, 1, env.mock.GetTotalCallCount())
			assertErrorHidesSecret(t, err)
		})
	}
}

// Every recorded non-2xx answer maps to its sentinel and carries the
// plugin's status text.
func TestRecordedErrorStatuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		capture  int
		sentinel error
		status   string
	}{
		{9, ErrUnauthorized, "Unauthorized"},
		{20, ErrBadRequest, "Bad request"},
		{17, ErrMethodNotAllowed, "Method not allowed"},
		{157, ErrBadRequest, "Invalid webhook request"},
		{110, ErrInternal, ""},
		{111, ErrInternal, ""},
		{86, ErrServer, ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.capture), func(t *testing.T) {
			t.Parallel()
			ex := recorded.MustByNumber(t, tt.capture)
			env := setup(t, WithoutRetries())
			env.mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) { return ex.Response(req), nil })
			_, err := env.client.call(context.Background(), ex.Endpoint, "POST", ex.Endpoint, nil, nil, true, nil)
			assert.ErrorIs(t, err, tt.sentinel)
			ae := requireAPIError(t, err)
			assert.Equal(t, ex.StatusCode, ae.StatusCode)
			assert.Equal(t, tt.status, ae.Status)
			assert.LessOrEqual(t, len(ae.Body), maxErrorBody)
			assertErrorHidesSecret(t, err)
		})
	}
}

func TestSuccessBodiesAreNotRefusals(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 26, 102, 120, 159, 160} {
		ex := recorded.MustByNumber(t, n)
		err := checkBody(callInfo{method: "POST", endpoint: ex.Endpoint, write: true}, ex.StatusCode, ex.ResponseBody, 1, nil)
		assert.NoError(t, err, ex.Name)
	}
}

func TestErrorMessages(t *testing.T) {
	t.Parallel()
	ae := &APIError{StatusCode: 405, Method: "POST", Endpoint: "status", Status: "Method not allowed", Attempts: 3}
	assert.Equal(t, "jetpackcrm: POST status: HTTP 405 Method Not Allowed: Method not allowed (after 3 attempts)", ae.Error())
	rej := &APIError{StatusCode: 200, Method: "POST", Endpoint: "create_event", Rejected: true, Code: "100", Attempts: 1}
	assert.Equal(t, "jetpackcrm: POST create_event: rejected by the CRM (HTTP 200, error 100)", rej.Error())
	rl := &RateLimitError{APIError: &APIError{StatusCode: 429, Method: "GET", Endpoint: "events"}, RetryAfter: 90e9}
	assert.Contains(t, rl.Error(), "retry after 1m30s")
	assert.ErrorIs(t, rl, ErrRateLimited)
	var inner *APIError
	assert.ErrorAs(t, rl, &inner)
	ve := invalid("Customers.Create", "Email", "%q is not an email address", "bob")
	assert.Equal(t, `jetpackcrm: Customers.Create: invalid input: Email: "bob" is not an email address`, ve.Error())
	assert.ErrorIs(t, ve, ErrInvalidInput)
	re := &RequestError{Method: "POST", Endpoint: "create_event", Attempts: 1, MayHaveBeenApplied: true, Err: errors.New("connection reset by peer")}
	assert.Equal(t, "jetpackcrm: POST create_event: request failed after 1 attempt: connection reset by peer; the write may have been applied by the server", re.Error())
}

// A network failure reaches the caller as a *RequestError without the
// credentials, even though the transport's URL had them.
func TestNetworkErrorIsRedacted(t *testing.T) {
	t.Parallel()
	env := setup(t, WithoutRetries())
	env.respond("GET", "status", httpmock.ConnectionFailure)
	err := fetchStatus(env.client)
	var re *RequestError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 1, re.Attempts)
	assertErrorHidesSecret(t, err)
}

// fetchStatus calls the status endpoint through the generic path.
func fetchStatus(c *Client) error {
	var out map[string]any
	_, err := c.call(context.Background(), "status", "GET", "status", nil, nil, true, &out)
	return err
}
