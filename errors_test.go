package jetpackcrm

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm/internal/recorded"
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

// A lookup that finds nothing is a *NotFoundError, which errors.Is matches
// with ErrNotFound and errors.As tells from an HTTP 404 (an *APIError that
// also matches ErrNotFound but says nothing of the record).
func TestMissesAreNotFoundErrors(t *testing.T) {
	t.Parallel()
	event := &EventRequest{ID: 7, Title: "Call", From: time.Unix(1796115600, 0), To: time.Unix(1796119200, 0)}
	tests := []struct {
		name    string
		serve   func(env *testEnv)
		call    func(c *Client) error
		op      string
		id      int64
		message string
	}{
		{
			name:  "GetByEmail",
			serve: func(env *testEnv) { env.respond(http.MethodGet, "customer_search", jsonResponder(200, `[]`)) },
			call: func(c *Client) error {
				_, _, err := c.Customers.GetByEmail(context.Background(), "nobody@example.com")
				return err
			},
			op:      "Customers.GetByEmail",
			message: "jetpackcrm: Customers.GetByEmail: no contact has this email: jetpackcrm: not found",
		},
		{
			name:  "GetByEmail of an address WordPress slashes",
			serve: func(env *testEnv) { env.respond(http.MethodPost, "customers", jsonResponder(200, `[]`)) },
			call: func(c *Client) error {
				_, _, err := c.Customers.GetByEmail(context.Background(), "o'neil@example.com")
				return err
			},
			op:      "Customers.GetByEmail",
			message: "jetpackcrm: Customers.GetByEmail: no contact has this email: jetpackcrm: not found",
		},
		{
			name:  "Update",
			serve: func(env *testEnv) { env.respond(http.MethodGet, "customer_search", jsonResponder(200, `[]`)) },
			call: func(c *Client) error {
				_, _, err := c.Customers.Update(context.Background(), "nobody@example.com", &CustomerRequest{FirstName: "Ada"})
				return err
			},
			op:      "Customers.Update",
			message: "jetpackcrm: Customers.Update: no contact has this email: jetpackcrm: not found",
		},
		{
			name:    "Events.Create of a missing ID",
			serve:   func(env *testEnv) { env.respond(http.MethodGet, "events", jsonResponder(200, `[]`)) },
			call:    func(c *Client) error { _, _, err := c.Events.Create(context.Background(), event); return err },
			op:      "Events.Create",
			id:      7,
			message: "jetpackcrm: Events.Create: no event with ID 7; the server would answer success and store nothing: jetpackcrm: not found",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			tt.serve(env)
			err := tt.call(env.client)
			require.ErrorIs(t, err, ErrNotFound)
			var nf *NotFoundError
			require.ErrorAs(t, err, &nf)
			assert.Equal(t, tt.op, nf.Op)
			assert.Equal(t, tt.id, nf.ID)
			assert.EqualError(t, err, tt.message, "the message is the one a wrapped ErrNotFound had")
			var ae *APIError
			assert.False(t, errors.As(err, &ae), "a miss is not an HTTP error")
			assert.False(t, MayHaveBeenApplied(err))
			assert.NotContains(t, err.Error(), "example.com", "a miss never names the address")
			assertErrorHidesSecret(t, err)
		})
	}
	t.Run("an HTTP 404 is an *APIError, not a miss", func(t *testing.T) {
		t.Parallel()
		env := setup(t, WithoutRetries())
		env.respond(http.MethodGet, "customer_search", jsonResponder(404, "<html><body>WordPress 404 page</body></html>"))
		_, _, err := env.client.Customers.GetByEmail(context.Background(), "nobody@example.com")
		require.ErrorIs(t, err, ErrNotFound)
		requireAPIError(t, err)
		var nf *NotFoundError
		assert.False(t, errors.As(err, &nf))
	})
}

// Sync looks a contact up before creating it; an HTTP 404 there (the API
// switched off) says nothing of the contact and must not lead to a create.
func TestSyncDoesNotCreateOnA404Lookup(t *testing.T) {
	t.Parallel()
	env := setup(t, WithoutRetries())
	env.respond(http.MethodGet, "customer_search", jsonResponder(404, "<html><body>WordPress 404 page</body></html>"))
	created := 0
	env.respond(http.MethodPost, "create_customer", func(req *http.Request) (*http.Response, error) {
		created++
		return jsonResponder(200, `{"id":"1","email":"ada@example.com"}`)(req)
	})
	results, err := env.client.Customers.Sync(context.Background(), []*CustomerRequest{{Email: "ada@example.com", FirstName: "Ada"}},
		SyncOptions{Lookup: LookupPerRow})
	require.NoError(t, err)
	require.Len(t, results, 1)
	require.Error(t, results[0].Err)
	requireAPIError(t, results[0].Err)
	assert.Zero(t, created, "nothing is created on a 404")
}

// A walk that cannot go on is a *PagingError naming the method and the
// page; errors.Is matches its sentinel.
func TestPagingErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		serve    func(env *testEnv)
		walk     func(c *Client) iter.Seq2[int64, error]
		sentinel error
		other    error
		op       string
		page     int
		message  string
	}{
		{
			name: "All, the server ignores paging",
			serve: func(env *testEnv) {
				env.respond(http.MethodGet, "quotes", jsonResponder(200, `[{"id":"2"},{"id":"1"}]`))
			},
			walk: func(c *Client) iter.Seq2[int64, error] {
				return idsOf(c.Quotes.All(context.Background(), &ListOptions{PerPage: 2}), func(q *Quote) int64 { return q.ID })
			},
			sentinel: ErrPagingStalled, other: ErrUnexpectedOrder, op: "Quotes.All", page: 2,
			message: "jetpackcrm: Quotes.All: page 2 repeated records already seen; the server does not seem to honour paging: jetpackcrm: paging stalled",
		},
		{
			name: "SearchAll, the server ignores paging",
			serve: func(env *testEnv) {
				env.respond(http.MethodGet, "customer_search", jsonResponder(200, `[{"id":"1","email":"a@x.org"},{"id":"2","email":"b@x.org"}]`))
			},
			walk: func(c *Client) iter.Seq2[int64, error] {
				return idsOf(c.Customers.SearchAll(context.Background(), "x", &ListOptions{PerPage: 2}), customerID)
			},
			sentinel: ErrPagingStalled, other: ErrUnexpectedOrder, op: "Customers.SearchAll", page: 2,
			message: "jetpackcrm: Customers.SearchAll: page 2 repeated records already seen; the server does not seem to honour paging: jetpackcrm: paging stalled",
		},
		{
			name: "All, a page out of order",
			serve: func(env *testEnv) {
				env.respond(http.MethodGet, "quotes", jsonResponder(200, `[{"id":"1"},{"id":"2"}]`))
			},
			walk: func(c *Client) iter.Seq2[int64, error] {
				return idsOf(c.Quotes.All(context.Background(), &ListOptions{PerPage: 2}), func(q *Quote) int64 { return q.ID })
			},
			sentinel: ErrUnexpectedOrder, other: ErrPagingStalled, op: "Quotes.All", page: 1,
			message: "jetpackcrm: Quotes.All: page 1 is not sorted newest first as the list should be (ID 2 out of order): jetpackcrm: list not in the expected order",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			tt.serve(env)
			var errs []error
			for _, err := range tt.walk(env.client) {
				if err != nil {
					errs = append(errs, err)
				}
			}
			require.Len(t, errs, 1)
			err := errs[0]
			require.ErrorIs(t, err, tt.sentinel)
			assert.NotErrorIs(t, err, tt.other)
			var pe *PagingError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.op, pe.Op)
			assert.Equal(t, tt.page, pe.Page)
			assert.Equal(t, tt.sentinel, pe.Err)
			assert.EqualError(t, err, tt.message)
			assert.False(t, MayHaveBeenApplied(err))
			assertErrorHidesSecret(t, err)
		})
	}
}

// idsOf maps an iterator's records to their IDs.
func idsOf[T any](seq iter.Seq2[*T, error], id func(*T) int64) iter.Seq2[int64, error] {
	return func(yield func(int64, error) bool) {
		for v, err := range seq {
			var n int64
			if v != nil {
				n = id(v)
			}
			if !yield(n, err) {
				return
			}
		}
	}
}
