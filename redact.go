package jetpackcrm

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// redactedMark replaces the API key and secret wherever they would be shown.
const redactedMark = "[REDACTED]"

// credentials holds the API key and secret. Everything that holds them does so
// through a *credentials, so that fmt's %v and %+v of any SDK value print a
// pointer, never the values, and the type itself formats as redacted.
type credentials struct {
	key    string
	secret string
	// query is the credentials as a query string, encoded once.
	query string
	// replacer knows every form in which the key or secret can appear (see
	// credentialForms).
	replacer *strings.Replacer
	// forms are those forms, for the fragments the replacer cannot see, and
	// heads their distinct first minFragment bytes, for appearsIn.
	forms []string
	heads []string
}

// minFragment is the shortest start of a credential that redact removes on
// its own. Text cut at a length limit (a body snippet, a quoted value in a
// decode error) can end inside the key or secret and keep all of it but
// its last bytes.
const minFragment = 12

func newCredentials(key, secret string) *credentials {
	var forms, heads []string
	seen, seenHead := map[string]bool{}, map[string]bool{}
	for _, v := range []string{key, secret} {
		for _, form := range credentialForms(v) {
			if form == "" || seen[form] {
				continue
			}
			seen[form] = true
			forms = append(forms, form)
			head := form[:min(len(form), minFragment)]
			if !seenHead[head] {
				seenHead[head] = true
				heads = append(heads, head)
			}
		}
	}
	// Longest first: strings.Replacer tries the patterns in order at each
	// position, and a form can be another's start.
	slices.SortStableFunc(forms, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, redactedMark)
	}
	return &credentials{key: key, secret: secret, replacer: strings.NewReplacer(pairs...), forms: forms, heads: heads,
		query: "api_key=" + url.QueryEscape(key) + "&api_secret=" + url.QueryEscape(secret)}
}

// credentialForms are the ways v can be written back by a server or a
// proxy: as it is, percent-encoded as Go, PHP's urlencode (~ as %7E, space
// as +) and rawurlencode do (upper- or lower-case hex), each of those
// escaped for a JSON string (PHP's json_encode writes / as \/, Go's
// encoding/json writes <, > and & as \u escapes) or for HTML
// (htmlspecialchars: &amp; &quot; &#039; &lt; &gt;).
func credentialForms(v string) []string {
	var encoded []string
	for _, e := range []string{v, url.QueryEscape(v), url.PathEscape(v), phpURLEncode(v, false), phpURLEncode(v, true)} {
		encoded = append(encoded, e, lowerHexEscapes(e))
	}
	var forms []string
	for _, e := range encoded {
		forms = append(forms, e, phpJSONEscaper.Replace(e), goJSONEscaper.Replace(e), htmlEscaper.Replace(e), htmlEscaper.Replace(phpJSONEscaper.Replace(e)))
	}
	return forms
}

var (
	phpJSONEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "/", `\/`)
	goJSONEscaper  = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "<", `\u003c`, ">", `\u003e`, "&", `\u0026`)
	htmlEscaper    = strings.NewReplacer("&", "&amp;", `"`, "&quot;", "'", "&#039;", "<", "&lt;", ">", "&gt;")
)

// phpURLEncode is PHP's urlencode (raw false: letters, digits and -_.
// kept, space as +) or rawurlencode (raw true: RFC 3986 unreserved kept).
func phpURLEncode(s string, raw bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.':
			b.WriteByte(c)
		case raw && c == '~':
			b.WriteByte(c)
		case !raw && c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// lowerHexEscapes writes the hex digits of s's %XX escapes in lower case.
func lowerHexEscapes(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = toLowerHex(b[i+1]), toLowerHex(b[i+2])
		}
	}
	return string(b)
}

func toLowerHex(c byte) byte {
	if c >= 'A' && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

// appearsIn reports, without allocating, whether s holds a credential in
// any form redact knows (or the start of one).
func (c *credentials) appearsIn(s string) bool {
	if c == nil || s == "" {
		return false
	}
	for _, head := range c.heads {
		if strings.Contains(s, head) {
			return true
		}
	}
	return false
}

// redact is the one redaction function of the SDK: every error message, body
// snippet and log value passes through it. It replaces the key and the
// secret in every form, and any start of one of them at least minFragment
// bytes long (what is left of a credential cut by a length limit).
func (c *credentials) redact(s string) string {
	if !c.appearsIn(s) {
		return s // the common case, without the replacer's allocations
	}
	s = c.replacer.Replace(s)
	for _, form := range c.forms {
		if len(form) > minFragment && strings.Contains(s, form[:minFragment]) {
			s = redactFragments(s, form)
		}
	}
	return s
}

// redactFragments replaces every start of form, of at least minFragment
// bytes, in s.
func redactFragments(s, form string) string {
	var b strings.Builder
	head := form[:minFragment]
	for {
		i := strings.Index(s, head)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		n := minFragment
		for n < len(form) && i+n < len(s) && s[i+n] == form[n] {
			n++
		}
		b.WriteString(s[:i])
		b.WriteString(redactedMark)
		s = s[i+n:]
	}
}

// String, GoString and Format make sure no verb of fmt prints the values.
func (c *credentials) String() string   { return "credentials{" + redactedMark + "}" }
func (c *credentials) GoString() string { return c.String() }

// Format implements fmt.Formatter for every verb.
func (c *credentials) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// redactHeader removes the credentials from a response's header or
// trailer, in place: a misconfigured host can echo the request URL in any
// of them, a redirect's Location carries them.
func (c *credentials) redactHeader(h http.Header) {
	if loc := h.Get("Location"); loc != "" {
		h.Set("Location", stripCredentials(loc, c))
	}
	for _, vs := range h {
		for i, v := range vs {
			vs[i] = c.redact(v)
		}
	}
}

// redactedError keeps errors.Is working on an error's causes while its
// message is shown redacted.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

// Is lets errors.Is see the causes (context.Canceled, syscall.ECONNRESET,
// ...). There is deliberately no Unwrap: error reporters that walk Unwrap
// and print each cause would print the unredacted message.
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }

// redactError returns err with a message that cannot show the credentials.
// A *url.Error is replaced by its cause: errors never print the URL (the
// *RequestError around it names the method and endpoint), and the cause
// (a *net.OpError, a context error) still matches errors.Is and errors.As.
func (c *credentials) redactError(err error) error {
	if err == nil {
		return nil
	}
	if ue, ok := err.(*url.Error); ok {
		return c.redactError(ue.Err)
	}
	msg := err.Error()
	if red := c.redact(msg); red != msg {
		return &redactedError{msg: red, err: err}
	}
	return err
}
