package jetpackcrm

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"unicode/utf8"
)

// WebhookResult is the reply of the webhook endpoint. By default the server
// answers {"success":true} with no data once it has run the action's
// handlers; a handler may answer itself, e.g. {"success":true,"data":{...}},
// and then Data holds that JSON as sent (nil when absent). Success only
// says the action is registered and its handlers ran without a fatal error;
// what they did is not reported unless they reply themselves.
type WebhookResult struct {
	// Success is the reply's "success" flag.
	Success bool `json:"success"`
	// Data is the raw "data" member, nil when the reply has none.
	Data json.RawMessage `json:"data,omitempty"`
}

// UnmarshalJSON decodes the reply leniently ("success" as true, 1 or "1")
// and keeps a copy of "data" verbatim; other members are ignored.
func (wr *WebhookResult) UnmarshalJSON(b []byte) error { return unmarshalModel(b, wr) }

// WebhooksAPI is the webhooks service, as an interface for fakes.
type WebhooksAPI interface {
	Send(ctx context.Context, action string, data any) (*WebhookResult, *Response, error)
}

var _ WebhooksAPI = (*WebhooksService)(nil)

// WebhooksService sends actions to the webhook endpoint.
type WebhooksService service

// webhookBody is what the webhook endpoint reads.
type webhookBody struct {
	Action string `json:"action"`
	Data   any    `json:"data,omitempty"`
}

// Send posts {"action": action, "data": data} to the webhook endpoint
// (POST webhook), which runs the WordPress action jpcrm_webhook_<action>.
// Actions exist only where a plugin registers them (stock Jetpack CRM
// registers none without WooCommerce); an unknown action is a 400 matching
// [ErrBadRequest] with Status "Invalid webhook request".
//
// It is not retried after a 5xx or a network error that may have reached the
// server (the handler may not be idempotent) unless
// [RetryPolicy.RetryUnsafe] is set.
func (s *WebhooksService) Send(ctx context.Context, action string, data any) (*WebhookResult, *Response, error) {
	const op = "Webhooks.Send"
	if strings.TrimSpace(action) == "" {
		return nil, nil, invalid(op, "action", "empty action")
	}
	if !utf8.ValidString(action) {
		return nil, nil, invalid(op, "action", "not valid UTF-8")
	}
	payload, err := json.Marshal(webhookBody{Action: action, Data: data})
	if err != nil {
		return nil, nil, invalid(op, "data", "cannot encode as JSON: %v", err)
	}
	out := new(WebhookResult)
	resp, err := (*service)(s).owner().call(ctx, op, http.MethodPost, "webhook", nil, payload, false, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}
