package jetpackcrm

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors, matched with errors.Is. An [*APIError] matches the
// sentinel of its HTTP status code (and [ErrServer] for any 5xx); a 200
// answer that refused a write matches [ErrRejected].
//
// The status codes are the ones the API documents. The plugin itself only
// ever sends 400, 401, 405 and 418; 404 means the API module is off or the
// rewrite rules are stale, 500 is a PHP fatal error, and 429 and 503 come
// from hosts, firewalls and WordPress maintenance mode.
var (
	ErrBadRequest       = errors.New("jetpackcrm: bad request")
	ErrUnauthorized     = errors.New("jetpackcrm: unauthorized (check the API key and secret)")
	ErrForbidden        = errors.New("jetpackcrm: forbidden")
	ErrNotFound         = errors.New("jetpackcrm: not found")
	ErrMethodNotAllowed = errors.New("jetpackcrm: method not allowed")
	ErrNotAcceptable    = errors.New("jetpackcrm: not acceptable")
	ErrGone             = errors.New("jetpackcrm: gone")
	ErrTeapot           = errors.New("jetpackcrm: I'm a teapot")
	ErrRateLimited      = errors.New("jetpackcrm: rate limited")
	ErrInternal         = errors.New("jetpackcrm: internal server error")
	ErrUnavailable      = errors.New("jetpackcrm: service unavailable")
	// ErrServer matches every 5xx answer.
	ErrServer = errors.New("jetpackcrm: server error")
	// ErrRejected matches answers with HTTP 200 whose body says the write was
	// refused: {"error":100}, {"errors":1}, {"error":true,"message":...},
	// {"error":400,"message":...}, or an empty body from a create endpoint.
	ErrRejected = errors.New("jetpackcrm: request rejected by the CRM")
	// ErrInvalidInput matches every *ValidationError: the SDK refused the
	// input before sending anything.
	ErrInvalidInput = errors.New("jetpackcrm: invalid input")
	// ErrNotKept matches every *NotKeptError: a write the site answered as
	// a success but did not keep as sent, found by reading the record back
	// (Customers.Update when the site dropped the contact's owner or its
	// linked WordPress user). The record returned with it is what the site
	// holds.
	ErrNotKept = errors.New("jetpackcrm: the site did not keep what was written")
	// ErrResponseTooLarge is wrapped by the *DecodeError of a body longer than
	// the client's maximum response size (WithMaxResponseBytes).
	ErrResponseTooLarge = errors.New("jetpackcrm: response body too large")
)

var statusSentinels = map[int]error{
	http.StatusBadRequest:          ErrBadRequest,
	http.StatusUnauthorized:        ErrUnauthorized,
	http.StatusForbidden:           ErrForbidden,
	http.StatusNotFound:            ErrNotFound,
	http.StatusMethodNotAllowed:    ErrMethodNotAllowed,
	http.StatusNotAcceptable:       ErrNotAcceptable,
	http.StatusGone:                ErrGone,
	http.StatusTeapot:              ErrTeapot,
	http.StatusTooManyRequests:     ErrRateLimited,
	http.StatusInternalServerError: ErrInternal,
	http.StatusServiceUnavailable:  ErrUnavailable,
}

// APIError is an answer from the server that says the call failed: a non-2xx
// status, or a 200 whose body refuses the write (then Rejected is true and
// errors.Is(err, [ErrRejected]) holds).
type APIError struct {
	// StatusCode is the HTTP status (200 for a rejected write).
	StatusCode int
	// Method and Endpoint name the call, e.g. "POST" and "create_customer".
	Method   string
	Endpoint string
	// Status and Message are the server's own words, when the body has them
	// ({"success":false,"data":{"status":..,"message":..}}). They are
	// translated into the site's language: do not match on them.
	Status  string
	Message string
	// Code is the error code of a 200 rejection ("100", "1", "true", "400",
	// or "empty" for an empty body), or the WordPress error code of a JSON
	// fatal error ("internal_server_error").
	Code string
	// Rejected is true for a 200 answer that refused the write.
	Rejected bool
	// Attempts is how many times the request was sent.
	Attempts int
	// Body is the start of the response body, redacted, at most 512 bytes.
	Body string
	// MayHaveBeenApplied is true for a 5xx answer to a call that writes,
	// except a 503 with Retry-After (maintenance mode, which processes
	// nothing): a proxy's 502/503/504 can come after WordPress wrote, and
	// so can a PHP fatal error (create_company on 6.4 writes, then answers
	// 500). Check before sending it again.
	MayHaveBeenApplied bool
}

// Error names the method and endpoint, never the URL.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("jetpackcrm: ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Endpoint)
	if e.Rejected {
		b.WriteString(": rejected by the CRM (HTTP 200")
		if e.Code != "" {
			b.WriteString(", error ")
			b.WriteString(e.Code)
		}
		b.WriteByte(')')
	} else {
		fmt.Fprintf(&b, ": HTTP %d", e.StatusCode)
		if t := http.StatusText(e.StatusCode); t != "" {
			b.WriteByte(' ')
			b.WriteString(t)
		}
	}
	if e.Status != "" {
		b.WriteString(": ")
		b.WriteString(e.Status)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	if e.MayHaveBeenApplied {
		b.WriteString(mayHaveBeenAppliedNote)
	}
	return b.String()
}

// mayHaveBeenAppliedNote ends the message of an error whose write may have
// happened.
const mayHaveBeenAppliedNote = "; the write may have been applied by the server"

// MayHaveBeenApplied reports whether err says that a write may have been
// applied although the call failed: a [*RequestError] (no answer), an
// [*APIError] (a 5xx) or a [*DecodeError] (a 2xx that is not the expected
// JSON) with MayHaveBeenApplied set. Check the record before sending such a
// write again; a write the SDK refused or the CRM rejected was not applied.
//
// After its check, [EventsService.Create] returns a [*WriteCheckError],
// which reports MayHaveBeenApplied false only when the check found the event
// not stored and the server was done with the request.
func MayHaveBeenApplied(err error) bool {
	var ce *WriteCheckError
	if errors.As(err, &ce) {
		return ce.mayHaveBeenApplied()
	}
	var re *RequestError
	var ae *APIError
	var de *DecodeError
	switch {
	case errors.As(err, &re):
		return re.MayHaveBeenApplied
	case errors.As(err, &ae):
		return ae.MayHaveBeenApplied
	case errors.As(err, &de):
		return de.MayHaveBeenApplied
	}
	return false
}

// Is matches the sentinel of the status code, [ErrServer] for any 5xx, and
// [ErrRejected] for a refused write.
func (e *APIError) Is(target error) bool {
	if e.Rejected {
		return target == ErrRejected
	}
	if target == ErrServer {
		return e.StatusCode >= 500 && e.StatusCode <= 599
	}
	s, ok := statusSentinels[e.StatusCode]
	return ok && s == target
}

// RateLimitError is a 429 (or a 503 with Retry-After) that retries did not
// get past, or whose Retry-After asked for a longer wait than
// [RetryPolicy.MaxRetryAfter]. It unwraps to the [*APIError].
type RateLimitError struct {
	*APIError
	// RetryAfter is the wait the server asked for (0 if it did not say).
	RetryAfter time.Duration
}

// Error says how long the server asked to wait.
func (e *RateLimitError) Error() string {
	msg := ErrRateLimited.Error()
	if e.APIError != nil { // nil in a RateLimitError built by hand, e.g. by a fake
		msg = e.APIError.Error()
	}
	if e.RetryAfter > 0 {
		return msg + "; server asked to retry after " + e.RetryAfter.String()
	}
	return msg
}

// Is matches [ErrRateLimited], whether the answer was a 429 or a 503 with
// Retry-After.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// Unwrap returns the *APIError, so errors.As finds both types.
func (e *RateLimitError) Unwrap() error {
	if e.APIError == nil {
		return nil
	}
	return e.APIError
}

// ValidationError is input the SDK refused before sending anything.
// errors.Is(err, [ErrInvalidInput]) holds for it.
type ValidationError struct {
	// Op is the method that refused it, e.g. "Customers.Create".
	Op string
	// Field is the offending field, e.g. "Email" (empty for the whole input).
	Field string
	// Reason says what is wrong.
	Reason string
}

// Error names the method, the field and the reason.
func (e *ValidationError) Error() string {
	var b strings.Builder
	startMessage(&b, e.Op)
	b.WriteString("invalid input")
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	return b.String()
}

// Is matches [ErrInvalidInput].
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidInput }

func invalid(op, field, format string, args ...any) *ValidationError {
	return &ValidationError{Op: op, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// DecodeError is a response body that is not the JSON the call expected: an
// HTML error page, an empty body, a truncated or oversized body.
type DecodeError struct {
	StatusCode  int
	Method      string
	Endpoint    string
	ContentType string
	// Snippet is the start of the body on one line, redacted, at most 120 bytes.
	Snippet  string
	Attempts int
	// Err is the underlying cause (a *json.SyntaxError, ErrResponseTooLarge, ...).
	Err error
	// MayHaveBeenApplied is true for a call that writes: the server said
	// 2xx, so the write may well have happened although its answer cannot
	// be read. Check before sending it again.
	MayHaveBeenApplied bool
}

// Error names the call, the status, the cause and a short snippet.
func (e *DecodeError) Error() string {
	msg := fmt.Sprintf("jetpackcrm: %s %s: HTTP %d: cannot decode response", e.Method, e.Endpoint, e.StatusCode)
	if e.ContentType != "" {
		msg += " (" + e.ContentType + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	if e.Snippet != "" {
		msg += ": " + strconv.Quote(e.Snippet)
	} else {
		msg += ": empty body"
	}
	if e.MayHaveBeenApplied {
		msg += mayHaveBeenAppliedNote
	}
	return msg
}

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

// RequestError is a call that got no usable HTTP answer: a network failure,
// a refused redirect, a timeout or a cancelled context. When
// MayHaveBeenApplied is true the request may have reached the server and a
// write may have happened: check before sending it again.
type RequestError struct {
	Method   string
	Endpoint string
	Attempts int
	// MayHaveBeenApplied is true for a write whose request may have been
	// sent before the failure (a reset or timeout after the bytes left).
	MayHaveBeenApplied bool
	// LastAttempt describes what the previous attempt saw, when the call was
	// cut short during a backoff (e.g. "HTTP 503").
	LastAttempt string
	// Err is the cause, redacted, without the URL (a *net.OpError,
	// context.Canceled, ...).
	Err error
}

// Error names the call, the attempts and the cause.
func (e *RequestError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "jetpackcrm: %s %s: request failed", e.Method, e.Endpoint)
	if e.Attempts > 0 {
		fmt.Fprintf(&b, " after %d attempt", e.Attempts)
		if e.Attempts > 1 {
			b.WriteByte('s')
		}
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.LastAttempt != "" {
		b.WriteString(" (last attempt: ")
		b.WriteString(e.LastAttempt)
		b.WriteByte(')')
	}
	if e.MayHaveBeenApplied {
		b.WriteString(mayHaveBeenAppliedNote)
	}
	return b.String()
}

// Unwrap returns the cause, so errors.Is(err, context.Canceled) works.
func (e *RequestError) Unwrap() error { return e.Err }

// NotFoundError is a lookup that found nothing: the site answered, and no
// record matched. [CustomersService.GetByEmail] and [CustomersService.Update]
// return it for an email no contact has, [EventsService.Create] for an ID
// no event has; nothing was written. It matches [ErrNotFound].
//
// An HTTP 404 matches [ErrNotFound] too, but is an [*APIError]: the API
// module is switched off or the site's rewrite rules are stale, and the
// record may well exist. errors.As tells the two apart; do not create a
// record on a 404.
type NotFoundError struct {
	// Op is the method, e.g. "Customers.GetByEmail".
	Op string
	// ID is the ID looked for, or 0 for a lookup by email (the address is
	// not kept: errors end up in logs, and it is personal data).
	ID int64
	// Reason says what was not found, e.g. "no contact has this email".
	Reason string
}

// Error names the method and what was not found, never an email address.
func (e *NotFoundError) Error() string {
	var b strings.Builder
	startMessage(&b, e.Op)
	if e.Reason != "" {
		b.WriteString(e.Reason)
		b.WriteString(": ")
	}
	b.WriteString(ErrNotFound.Error())
	return b.String()
}

// Is matches [ErrNotFound].
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// startMessage writes the start of an error message: the package's name
// and, when set, the method's.
func startMessage(b *strings.Builder, op string) {
	b.WriteString("jetpackcrm: ")
	if op != "" {
		b.WriteString(op)
		b.WriteString(": ")
	}
}

// notFound is the *NotFoundError of op looking for id (0 for a lookup by
// email). The format must not print personal data such as an email
// address, since errors end up in logs.
func notFound(op string, id int64, format string, args ...any) *NotFoundError {
	return &NotFoundError{Op: op, ID: id, Reason: fmt.Sprintf(format, args...)}
}

// isMiss reports whether err is a lookup that found nothing, rather than an
// HTTP 404 (the API switched off) that also matches ErrNotFound.
func isMiss(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf)
}

// NotKeptError is the error of a write the site answered as a success but
// did not keep as sent, found by reading the record back. It matches
// [ErrNotKept]; the record returned with it is what the site holds.
type NotKeptError struct {
	// Op is the method, e.g. "Customers.Update".
	Op string
	// ID is the record written.
	ID int64
	// Fields are the fields the site holds other than sent, each named by
	// its wire name ("assign", "wpid"); none when the read back found no
	// record with the email written.
	Fields []NotKeptField
}

// NotKeptField is a field a write sent and the site did not keep.
type NotKeptField struct {
	// Name is the field's wire name.
	Name string
	// Sent is the value written, Stored the value the site holds, in the
	// SDK's terms (an owner or user ID in decimal, 0 for none, where the
	// site writes -1).
	Sent, Stored string
}

// Error says what the site did not keep, never an email address.
func (e *NotKeptError) Error() string {
	var b strings.Builder
	startMessage(&b, e.Op)
	if len(e.Fields) == 0 {
		b.WriteString("the contact was written, but no contact has its email when read back: ")
	}
	for _, f := range e.Fields {
		switch f.Name {
		case "assign":
			fmt.Fprintf(&b, "the site did not keep WordPress user %s as the contact's owner (it assigns contacts only to users with a CRM role); the owner is now %s: ", f.Sent, f.Stored)
		case "wpid":
			fmt.Fprintf(&b, "the site did not keep the contact's link to WordPress user %s (it is now %s): ", f.Sent, f.Stored)
		default:
			fmt.Fprintf(&b, "the site did not keep %s %q (it holds %q): ", f.Name, f.Sent, f.Stored)
		}
	}
	b.WriteString(ErrNotKept.Error())
	return b.String()
}

// Is matches [ErrNotKept].
func (e *NotKeptError) Is(target error) bool { return target == ErrNotKept }

// PagingError is a walk of a list that stopped on a page it cannot go past
// without skipping or repeating records. The All and SearchAll iterators
// yield it, once, as their last value; the records yielded before it were
// each yielded once. errors.Is matches its Err:
//
//   - [ErrPagingStalled]: a full page held only records already yielded:
//     the first page again (a server or cache that ignores the page
//     parameter), or several pages in a row while the list shifted under
//     the walk. Asking on would loop for ever.
//   - [ErrUnexpectedOrder]: a page was not sorted the way the walk relies
//     on to recognise what it has yielded (a site whose release changed
//     under the [Client], or a proxy reordering answers).
type PagingError struct {
	// Op is the method, e.g. "Customers.All".
	Op string
	// Page is the page (1-based) that stopped the walk.
	Page int
	// Reason says what was wrong with the page.
	Reason string
	// Err is ErrPagingStalled or ErrUnexpectedOrder.
	Err error
}

// Error names the method, the page and what was wrong with it.
func (e *PagingError) Error() string {
	var b strings.Builder
	startMessage(&b, e.Op)
	fmt.Fprintf(&b, "page %d", e.Page)
	if e.Reason != "" {
		b.WriteByte(' ')
		b.WriteString(e.Reason)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns Err, so errors.Is(err, [ErrPagingStalled]) works.
func (e *PagingError) Unwrap() error { return e.Err }

// pagingStalled is the *PagingError of a full page with nothing new.
func pagingStalled(op string, page int) *PagingError {
	return &PagingError{Op: op, Page: page, Reason: "repeated records already seen; the server does not seem to honour paging", Err: ErrPagingStalled}
}

// asValidation turns a model's validate() error into a *ValidationError
// naming the method.
func asValidation(op string, err error) error {
	var fe *invalidFieldError
	if errors.As(err, &fe) {
		return &ValidationError{Op: op, Field: fe.Field, Reason: fe.Reason}
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		if ve.Op == "" {
			ve.Op = op
		}
		return ve
	}
	return &ValidationError{Op: op, Reason: err.Error()}
}

// WriteCheckError is a create the SDK could not settle after an ambiguous
// failure (an error for which [MayHaveBeenApplied] held): it looked for the
// record in the site's list and either could not finish looking, found
// several records that match what was sent, or found none but may not send
// again. [EventsService.Create] returns it, and says when each case happens.
// It unwraps to the write's last failure.
type WriteCheckError struct {
	// Op is the method, e.g. "Events.Create".
	Op string
	// Err is the write's last failure (a *RequestError, *APIError or
	// *DecodeError that may have been applied).
	Err error
	// CheckErr is why the check could not run to its end (a failed read of
	// the list, the call's budget or deadline, a server clock it cannot
	// use); nil when it ran.
	CheckErr error
	// Matches are the IDs of the records, created since the call began,
	// that match what was sent, when there are several: the write may be
	// one of them, and the others someone else's or an earlier attempt's
	// that landed late. Look at them before sending again.
	Matches []int64
	// NotFound is true when the check found no matching record and the
	// write was not sent again: the retry policy's attempts or MaxElapsed
	// ran out, or the server may still be running the request.
	NotFound bool
	// MayStillBeRunning is true when the last failure says the server may
	// not be done with the request: the SDK's own timeout, or a 504
	// Gateway Timeout. Its record can then appear after the check.
	MayStillBeRunning bool
}

// Error names the operation, the write's failure and what the check found.
func (e *WriteCheckError) Error() string {
	var b strings.Builder
	b.WriteString("jetpackcrm: ")
	b.WriteString(e.Op)
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(strings.TrimPrefix(strings.TrimSuffix(e.Err.Error(), mayHaveBeenAppliedNote), "jetpackcrm: "))
	}
	b.WriteString("; checked the list")
	switch {
	case e.CheckErr != nil:
		b.WriteString(" without an answer: ")
		b.WriteString(strings.TrimPrefix(e.CheckErr.Error(), "jetpackcrm: "))
	case len(e.Matches) > 0:
		fmt.Fprintf(&b, ": %d records created since the call began match what was sent (IDs", len(e.Matches))
		for i, id := range e.Matches {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, " %d", id)
		}
		b.WriteString("), and which one is this call's cannot be told")
	case e.NotFound && e.MayStillBeRunning:
		b.WriteString(": not stored yet, but the server may still be running the request, so it was not sent again")
	case e.NotFound:
		b.WriteString(": not stored, and not sent again (the retry policy's attempts or MaxElapsed ran out)")
	}
	if e.mayHaveBeenApplied() {
		b.WriteString(mayHaveBeenAppliedNote)
	}
	return b.String()
}

// Unwrap returns the write's last failure.
func (e *WriteCheckError) Unwrap() error { return e.Err }

func (e *WriteCheckError) mayHaveBeenApplied() bool {
	return !(e.NotFound && !e.MayStillBeRunning && e.CheckErr == nil)
}
