package jetpackcrmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// WebhookHandler handles one webhook action, like a PHP callback on
// "jpcrm_webhook_<action>". It receives the request's "data" value as raw
// JSON, or false when it is absent or empty in PHP's sense (null, false, 0,
// "", "0", [] or {}), as the plugin passes it; and returns the reply:
//
//   - nil: the server answers {"success":true}, as the plugin does when the
//     action's handler sends nothing itself;
//   - a [WebhookRawReply]: sent verbatim as the JSON body;
//   - anything else: sent as {"success":true,"data":<reply>}, like
//     wp_send_json_success(reply) (a json.RawMessage is embedded as is).
//
// A non-nil error (or a panic) becomes WordPress's 500 critical-error reply.
// The handler runs without the server's lock, so it may call the server's
// methods; it may be called concurrently.
type WebhookHandler func(data json.RawMessage) (reply any, err error)

// WebhookRawReply is a webhook reply sent as the whole response body.
type WebhookRawReply []byte

// HandleWebhook registers h for action, replacing any previous handler; a
// nil h unregisters the action. Unregistered actions get 400 "Invalid
// webhook request", as on a stock site (which registers none).
func (s *Server) HandleWebhook(action string, h WebhookHandler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h == nil {
		delete(s.webhooks, action)
		return
	}
	s.webhooks[action] = h
}

// webhook is POST /zbs_api/webhook with {"action":"<name>","data":<any>}.
func (s *Server) webhook(req *apiRequest) *response {
	v, err := decodePHP(req.body)
	body := asObject(v)
	if err != nil || body == nil {
		return errorEnvelope(http.StatusBadRequest, statusBadRequest, messageBadRequest)
	}
	action := sanitizeValue(body.vals["action"])
	if action == "" {
		return errorEnvelope(http.StatusBadRequest, statusBadRequest, messageBadRequest)
	}
	s.mu.Lock()
	h := s.webhooks[action]
	s.mu.Unlock()
	if h == nil {
		return errorEnvelope(http.StatusBadRequest, statusInvalidWebhook, messageInvalidHook)
	}
	// empty($parsed_data['data']) ? false : $parsed_data['data']
	data := json.RawMessage("false")
	var raw map[string]json.RawMessage
	if json.Unmarshal(req.body, &raw) == nil && raw["data"] != nil {
		if v, err := decodePHP(raw["data"]); err == nil && !phpEmpty(v) {
			data = raw["data"]
		}
	}
	reply, err := callWebhook(h, data)
	if err != nil {
		return fatalError(req.isJSON())
	}
	switch r := reply.(type) {
	case nil:
		return jsonReply(http.StatusOK, newObject().set("success", true))
	case WebhookRawReply:
		return newResponse(http.StatusOK, contentTypeJSON, []byte(r))
	default:
		return jsonReply(http.StatusOK, newObject().set("success", true).set("data", r))
	}
}

// callWebhook runs h, turning a panic into an error.
func callWebhook(h WebhookHandler, data json.RawMessage) (reply any, err error) {
	defer func() {
		if p := recover(); p != nil {
			reply, err = nil, fmt.Errorf("webhook handler panicked: %v", p)
		}
	}()
	return h(data)
}
