package jetpackcrmtest

import (
	"net/http"
	"regexp"
)

// Content types as the real site sends them.
const (
	contentTypeJSON = "application/json; charset=UTF-8"
	contentTypeHTML = "text/html; charset=UTF-8"
)

// Status and message texts of the plugin's {"success":false,...} errors.
const (
	statusUnauthorized   = "Unauthorized"
	messageUnauthorized  = "Please ensure your Jetpack CRM API key and secret are correctly configured."
	statusBadRequest     = "Bad request"
	messageBadRequest    = "The API request was invalid."
	statusMethod         = "Method not allowed"
	messageMethod        = "Please ensure you are using the proper method (e.g. POST or GET)."
	statusTeapot         = "I'm a teapot"
	messageTeapot        = "As per RFC 2324 (section 2.3.2), this response is short and stout."
	statusInvalidWebhook = "Invalid webhook request"
	messageInvalidHook   = "Please ensure you are using the proper webhook action name and that the webhook is enabled in the CRM."
	criticalErrorMessage = `<p>There has been a critical error on this website.</p><p><a href="https://wordpress.org/support/article/faq-troubleshooting/">Learn more about troubleshooting WordPress.</a></p>`
	maintenanceMessage   = "Briefly unavailable for scheduled maintenance. Check back in a minute."
)

// companiesArgsOverrideNotice is what the companies endpoint echoes before its
// JSON when "quotes":"true" lands in zeroBS_getCompanies' $argsOverride slot.
const companiesArgsOverrideNotice = `<div class="zbs info msg">Use of $argsOverride in zeroBS_getCompanies is no longer relevant (DAL3.0)</div>`

// response is a complete answer, computed before anything is written so that
// faults can drop, delay or decorate it.
type response struct {
	status int
	header http.Header
	body   []byte
}

// newResponse returns a response with the given status, content type and body.
func newResponse(status int, contentType string, body []byte) *response {
	h := make(http.Header)
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return &response{status: status, header: h, body: body}
}

// jsonReply encodes v like wp_send_json and answers with status.
func jsonReply(status int, v any) *response {
	return newResponse(status, contentTypeJSON, encodePHP(v))
}

// errorEnvelope is wp_send_json_error's {"success":false,"data":{"status","message"}}.
func errorEnvelope(status int, st, msg string) *response {
	data := newObject().set("status", st).set("message", msg)
	return jsonReply(status, newObject().set("success", false).set("data", data))
}

// emptyHTML is a bare exit(): 200 (or status) with no body and WordPress's
// default text/html content type.
func emptyHTML(status int) *response {
	return newResponse(status, contentTypeHTML, []byte{})
}

// createError is one of the 200 replies that reject a create_* call.
func createError(fields ...any) *response {
	o := newObject()
	for i := 0; i+1 < len(fields); i += 2 {
		o.set(fields[i].(string), fields[i+1])
	}
	return jsonReply(http.StatusOK, o)
}

// wpDiePage renders WordPress's wp_die() HTML page.
func wpDiePage(title, messageHTML string) []byte {
	return []byte(wpDiePageHead + title + wpDiePageMiddle + messageHTML + wpDiePageTail)
}

// reJSONMediaType is wp_is_json_media_type's pattern.
var reJSONMediaType = regexp.MustCompile(`(?i)(^|\s|,)application/([\w!#$&-^.+]+\+)?json(\+oembed)?($|\s|;|,)`)

// isJSONRequest emulates wp_is_json_request(): the Accept or Content-Type
// header names JSON. WordPress then answers fatal errors as JSON.
func isJSONRequest(h http.Header) bool {
	return reJSONMediaType.MatchString(h.Get("Accept")) || reJSONMediaType.MatchString(h.Get("Content-Type"))
}

// fatalError is the 500 WordPress sends after a PHP fatal error: JSON for a
// JSON request, otherwise the HTML error page.
func fatalError(jsonRequest bool) *response {
	var r *response
	if jsonRequest {
		data := newObject().set("status", 500)
		r = jsonReply(http.StatusInternalServerError, newObject().
			set("code", "internal_server_error").
			set("message", criticalErrorMessage).
			set("data", data).
			set("additional_errors", []any{}))
	} else {
		r = newResponse(http.StatusInternalServerError, contentTypeHTML, wpDiePage("WordPress &rsaquo; Error", `<p>There has been a critical error on this website.</p><p><a href="https://wordpress.org/support/article/faq-troubleshooting/">Learn more about troubleshooting WordPress.</a></p>`))
	}
	r.header.Set("Expires", "Wed, 11 Jan 1984 05:00:00 GMT")
	r.header.Set("Cache-Control", "no-cache, must-revalidate, max-age=0")
	return r
}
