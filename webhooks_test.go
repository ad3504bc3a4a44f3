package jetpackcrm

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

func TestDecodeRecordedWebhook(t *testing.T) {
	t.Parallel()
	echo := decodeRecorded[WebhookResult](t, 160)
	assert.True(t, echo.Success)
	assert.JSONEq(t, `{"field1":1.23,"field2":"4.56"}`, string(echo.Data))

	noop := decodeRecorded[WebhookResult](t, 159)
	assert.True(t, noop.Success)
	assert.Nil(t, noop.Data)

	out, err := json.Marshal(echo)
	require.NoError(t, err)
	assert.JSONEq(t, `{"success":true,"data":{"field1":1.23,"field2":"4.56"}}`, string(out))
}
