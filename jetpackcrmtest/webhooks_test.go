package jetpackcrmtest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

func TestWebhook(t *testing.T) {
	t.Parallel()
	got := make(chan json.RawMessage, 2)
	srv := newServer(t,
		jetpackcrmtest.WithWebhook("noop", func(data json.RawMessage) (any, error) { got <- data; return nil, nil }),
		jetpackcrmtest.WithWebhook("echo", func(data json.RawMessage) (any, error) { return data, nil }),
	)
	srv.HandleWebhook("raw", func(json.RawMessage) (any, error) {
		return jetpackcrmtest.WebhookRawReply(`{"ok":1}`), nil
	})
	srv.HandleWebhook("struct", func(json.RawMessage) (any, error) {
		return struct {
			URL string `json:"url"`
		}{"https://example.com/x"}, nil
	})
	srv.HandleWebhook("fails", func(json.RawMessage) (any, error) { return nil, errors.New("boom") })
	srv.HandleWebhook("panics", func(json.RawMessage) (any, error) { panic("boom") })
	srv.HandleWebhook("gone", func(json.RawMessage) (any, error) { return nil, nil })
	srv.HandleWebhook("gone", nil)

	const invalidHook = `{"success":false,"data":{"status":"Invalid webhook request","message":"Please ensure you are using the proper webhook action name and that the webhook is enabled in the CRM."}}`
	tests := []struct {
		name, body string
		wantStatus int
		wantBody   string
	}{
		{"missing action", `{"data":{"a":1}}`, 400, badRequestBody},
		{"empty action", `{"action":"","data":1}`, 400, badRequestBody},
		{"malformed JSON", `{"action":`, 400, badRequestBody},
		{"unregistered", `{"action":"does_not_exist","data":{"a":1}}`, 400, invalidHook},
		{"stock woosync action without WooCommerce", `{"action":"woosync_do_something"}`, 400, invalidHook},
		{"unregistered again", `{"action":"gone"}`, 400, invalidHook},
		{"echo", `{"action":"echo","data":{"field1":1.23,"field2":"4.56","url":"a/b"}}`, 200, `{"success":true,"data":{"field1":1.23,"field2":"4.56","url":"a\/b"}}`},
		{"raw reply", `{"action":"raw"}`, 200, `{"ok":1}`},
		{"struct reply", `{"action":"struct"}`, 200, `{"success":true,"data":{"url":"https:\/\/example.com\/x"}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := post(t, srv, "webhook", tc.body)
			assert.Equal(t, tc.wantStatus, r.status)
			assert.Equal(t, tc.wantBody, string(r.body))
		})
	}
	t.Run("handler errors and panics are 500s", func(t *testing.T) {
		t.Parallel()
		assert.Equal(t, http.StatusInternalServerError, post(t, srv, "webhook", `{"action":"fails"}`).status)
		assert.Equal(t, http.StatusInternalServerError, post(t, srv, "webhook", `{"action":"panics"}`).status)
	})
	t.Run("GET is 405", func(t *testing.T) {
		t.Parallel()
		assert.Equal(t, http.StatusMethodNotAllowed, get(t, srv, "webhook").status)
	})

	t.Run("noop gets the data", func(t *testing.T) {
		t.Parallel()
		r := post(t, srv, "webhook", `{"action":"noop","data":{"field1":1.23}}`)
		assert.Equal(t, `{"success":true}`, string(r.body))
		assert.JSONEq(t, `{"field1":1.23}`, string(<-got))
		post(t, srv, "webhook", `{"action":"noop"}`)
		assert.Equal(t, "false", string(<-got), "no data is false, as PHP's empty() makes it")
		post(t, srv, "webhook", `{"action":"noop","data":{}}`)
		assert.Equal(t, "false", string(<-got))
	})
}

func TestWebhookHandlerMayUseTheServer(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.HandleWebhook("count", func(json.RawMessage) (any, error) {
		return srv.Counts().Contacts, nil // would deadlock if called under the lock
	})
	srv.SeedContacts(2)
	assert.Equal(t, `{"success":true,"data":2}`, string(post(t, srv, "webhook", `{"action":"count"}`).body))
}
