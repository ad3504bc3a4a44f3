package jetpackcrm

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ---------------------------------------------------------------------------
// status

func TestStatusDecodesRecordedReplies(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 164} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			w := serveWire(env, http.MethodGet, "status", replay(t, n))
			st, resp, err := env.client.Status(context.Background())
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "Successful Connection", st.Status)
			assert.Equal(t, "Your API Connection with Jetpack CRM is functioning correctly.", st.Message)
			assert.Equal(t, "6.4.3", st.CRMVersion, "Jetpack CRM 6.4.4 reports 6.4.3")
			assert.Equal(t, "3.0", st.DBVersion)
			assert.Nil(t, st.Modules, "only StatusFull lists modules")
			assert.Nil(t, st.Extensions)
			assertWire(t, w.single(t), http.MethodGet, "status", nil, "")
		})
	}
}

func TestStatusFullDecodesRecordedModules(t *testing.T) {
	t.Parallel()
	env := setup(t)
	w := serveWire(env, http.MethodGet, "status", replay(t, 4))
	st, _, err := env.client.StatusFull(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "6.4.3", st.CRMVersion)
	assert.Equal(t, []string{"api", "cal", "quotebuilder", "invbuilder", "pdfinv", "forms", "transactions", "b2bmode", "jetpackforms", "portal"}, st.Modules)
	assert.NotNil(t, st.Extensions, `"extensions":[] is an empty map`)
	assert.Empty(t, st.Extensions)
	assertWire(t, w.single(t), http.MethodGet, "status", url.Values{"full": {"1"}}, "")
}

func TestStatusRecordedErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		capture int
		want    wantAPIError
	}{
		{9, wantAPIError{is: ErrUnauthorized, status: 401, apiStatus: "Unauthorized",
			message: "Please ensure your Jetpack CRM API key and secret are correctly configured."}},
		{17, want405},  // POST
		{18, want405},  // DELETE
		{163, want405}, // OPTIONS
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.capture), func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			serveWire(env, http.MethodGet, "status", replay(t, tt.capture))
			st, resp, err := env.client.Status(context.Background())
			assert.Nil(t, st)
			require.NotNil(t, resp)
			assertAPIError(t, err, http.MethodGet, "status", tt.want)
			_, _, err = env.client.StatusFull(context.Background())
			assertAPIError(t, err, http.MethodGet, "status", tt.want)
		})
	}
}

func TestStatusIsARead(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t)
		w := serveWire(env, http.MethodGet, "status", replay(t, 111).Then(replay(t, 111)).Then(replay(t, 1)))
		st, resp, err := env.client.Status(context.Background())
		require.NoError(t, err)
		assert.Equal(t, 3, resp.Attempts)
		assert.Equal(t, "6.4.3", st.CRMVersion)
		assert.Len(t, w.requests(), 3)
	})
}

// ---------------------------------------------------------------------------
// webhook

func TestWebhooksSendDecodesRecordedReplies(t *testing.T) {
	t.Parallel()
	echoData := map[string]any{"field1": 1.23, "field2": "4.56"}
	t.Run("160: a handler that answers with data", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		w := serveWire(env, http.MethodPost, "webhook", replay(t, 160))
		res, resp, err := env.client.Webhooks.Send(context.Background(), "jcrm_test_echo", echoData)
		require.NoError(t, err)
		assert.Equal(t, 1, resp.Attempts)
		assert.True(t, res.Success)
		assert.JSONEq(t, `{"field1":1.23,"field2":"4.56"}`, string(res.Data), "the echoed data, verbatim")
		assertWire(t, w.single(t), http.MethodPost, "webhook", nil, recordedRequestBody(t, 160))
	})
	t.Run("159: the default answer", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		w := serveWire(env, http.MethodPost, "webhook", replay(t, 159))
		res, _, err := env.client.Webhooks.Send(context.Background(), "jcrm_test_noop", echoData)
		require.NoError(t, err)
		assert.True(t, res.Success)
		assert.Nil(t, res.Data)
		assertWire(t, w.single(t), http.MethodPost, "webhook", nil, recordedRequestBody(t, 159))
	})
}

func TestWebhooksSendRequestEncoding(t *testing.T) {
	t.Parallel()
	type order struct {
		ID    int64  `json:"id"`
		Total string `json:"total"`
	}
	tests := []struct {
		name   string
		action string
		data   any
		body   string
	}{
		{"no data: no data key", "jcrm_test_noop", nil, `{"action":"jcrm_test_noop"}`},
		{"a struct", "shop_order_paid", order{ID: 7, Total: "9.99"}, `{"action":"shop_order_paid","data":{"id":7,"total":"9.99"}}`},
		{"a slice", "x", []int{1, 2}, `{"action":"x","data":[1,2]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			w := serveWire(env, http.MethodPost, "webhook", replay(t, 159))
			_, _, err := env.client.Webhooks.Send(context.Background(), tt.action, tt.data)
			require.NoError(t, err)
			assertWire(t, w.single(t), http.MethodPost, "webhook", nil, tt.body)
		})
	}
}

func TestWebhooksSendRecordedErrors(t *testing.T) {
	t.Parallel()
	badRequest := wantAPIError{is: ErrBadRequest, status: 400, apiStatus: "Bad request", message: "The API request was invalid."}
	invalidAction := wantAPIError{is: ErrBadRequest, status: 400, apiStatus: "Invalid webhook request",
		message: "Please ensure you are using the proper webhook action name"}
	tests := []struct {
		name    string
		capture int
		want    wantAPIError
	}{
		{"156 missing action", 156, badRequest},
		{"157 unregistered action", 157, invalidAction},
		{"158 WooSync action without WooCommerce", 158, invalidAction},
		{"161 malformed JSON", 161, badRequest},
		{"162 wrong method", 162, want405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			w := serveWire(env, http.MethodPost, "webhook", replay(t, tt.capture))
			res, resp, err := env.client.Webhooks.Send(context.Background(), "woosync_do_something", map[string]string{"a": "b"})
			assert.Nil(t, res)
			require.NotNil(t, resp)
			assertAPIError(t, err, http.MethodPost, "webhook", tt.want)
			assert.Len(t, w.requests(), 1)
		})
	}
}

func TestWebhooksSendIsTriedOnceOn500(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		env := setup(t)
		w := serveWire(env, http.MethodPost, "webhook", replay(t, 110).Then(replay(t, 159)))
		res, _, err := env.client.Webhooks.Send(context.Background(), "jcrm_test_noop", nil)
		assert.Nil(t, res)
		assertAPIError(t, err, http.MethodPost, "webhook", want500JSON)
		assert.Len(t, w.requests(), 1, "a handler may not be idempotent")
	})
	synctest.Test(t, func(t *testing.T) {
		env := setup(t, WithRetryPolicy(RetryPolicy{RetryUnsafe: true, WaitMin: fastRetries.WaitMin, WaitMax: fastRetries.WaitMax}))
		w := serveWire(env, http.MethodPost, "webhook", replay(t, 110).Then(replay(t, 159)))
		res, resp, err := env.client.Webhooks.Send(context.Background(), "jcrm_test_noop", nil)
		require.NoError(t, err, "unless the caller opts in")
		assert.True(t, res.Success)
		assert.Equal(t, 2, resp.Attempts)
		assert.Len(t, w.requests(), 2)
	})
}

// ---------------------------------------------------------------------------
// incoming_email: not an endpoint of 6.4.4; the SDK has no method for it.

func TestIncomingEmailIsNotAnEndpoint(t *testing.T) {
	t.Parallel()
	env := setup(t)
	w := serveWire(env, http.MethodPost, "incoming_email", replay(t, 21))
	req, err := env.client.NewRequest(context.Background(), http.MethodPost, "incoming_email", nil, []byte(recordedRequestBody(t, 21)))
	require.NoError(t, err)
	_, err = env.client.Do(req, nil)
	assertAPIError(t, err, http.MethodPost, "incoming_email",
		wantAPIError{is: ErrBadRequest, status: 400, apiStatus: "Bad request", message: "The API request was invalid."})
	assertWire(t, w.single(t), http.MethodPost, "incoming_email", nil, `{"from":"a@example.com","subject":"hi"}`)
}
