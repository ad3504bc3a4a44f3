package jetpackcrm

// Validation of requests before anything is sent: the checks the server
// would fail silently or confusingly, as *invalidFieldError naming the Go
// field (asValidation turns it into a *ValidationError).

import (
	"fmt"
	"maps"
	"math"
	"math/big"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/shopspring/decimal"

	"github.com/jpcrm-go/jetpackcrm/internal/htmlentity"
)

// invalidFieldError is a request field that validate() refused. Field is the
// Go field name (e.g. "Email" or `CustomFields["fname"]`).
type invalidFieldError struct {
	Field  string
	Reason string
}

func (e *invalidFieldError) Error() string { return e.Field + ": " + e.Reason }

func invalidField(field, format string, args ...any) *invalidFieldError {
	return &invalidFieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// checkEmail applies the rule the server applies (PHP FILTER_VALIDATE_EMAIL):
// a bare ASCII address local@domain, with a dotted domain of letters, digits
// and hyphens. Display names, angle brackets and surrounding spaces are
// refused rather than silently stripped, and so is what the server would
// change before storing or looking it up: percent-encoded bytes ("%41",
// removed by sanitize_text_field) and a leading -1 (dropped as "unset"). Each reason says what is wrong
// without repeating the address (errors end up in logs).
func checkEmail(field, email string) error {
	bad := func(why string, args ...any) error {
		return invalidField(field, "not a valid email address (%s)", fmt.Sprintf(why, args...))
	}
	switch {
	case email == "":
		return invalidField(field, "required")
	case len(email) > 254:
		return invalidField(field, "longer than 254 bytes")
	}
	for i := 0; i < len(email); i++ {
		if email[i] >= utf8.RuneSelf {
			return bad("only ASCII addresses are accepted by the server")
		}
	}
	switch at := strings.LastIndexByte(email, '@'); {
	case strings.TrimSpace(email) != email:
		return bad("white space around it: trim it")
	case strings.ContainsAny(email, "<>") && strings.IndexByte(email, '<') > 0 && strings.HasSuffix(email, ">"):
		return bad("it has a display name: send the bare address only")
	case strings.ContainsAny(email, "<>"):
		return bad("angle brackets: send the bare address only")
	case strings.ContainsAny(email, " \t\r\n"):
		return bad("white space inside it")
	case at < 0:
		return bad("no @")
	case strings.Count(email, "@") > 1 && !strings.Contains(email, `"`):
		return bad("more than one @")
	case at == 0:
		return bad("nothing before the @")
	case at == len(email)-1:
		return bad("no domain after the @")
	case strings.ContainsAny(email, `"()`):
		return bad("quotes or comments: the server accepts only a plain local part")
	}
	switch {
	case hasPercentOctet(email):
		// WordPress's sanitize_text_field removes them: the site would store
		// and look up another address.
		return bad(`"%%" followed by two hexadecimal digits, which the server removes as a percent-encoded byte`)
	case readsAsMinusOne(email):
		return bad("it starts with what PHP reads as the number -1, the server's \"unset\" marker: it would store the contact without an email")
	}
	at := strings.LastIndexByte(email, '@')
	local, domain := email[:at], email[at+1:]
	if len(local) > 64 {
		return invalidField(field, "local part longer than 64 bytes")
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return bad("a dot at the start or end of the part before the @, or two in a row")
	}
	for i := 0; i < len(local); i++ {
		if c := local[i]; !isAtext(c) && c != '.' {
			return bad("the character %q is not allowed before the @", c)
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return bad("the domain needs a dot")
	}
	for _, l := range labels {
		switch {
		case l == "":
			return bad("the domain has an empty part: a dot at its start or end, or two in a row")
		case len(l) > 63:
			return bad("a part of the domain is longer than 63 bytes")
		case l[0] == '-' || l[len(l)-1] == '-':
			return bad("a part of the domain starts or ends with a hyphen")
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return bad("the character %q is not allowed in the domain", c)
			}
		}
	}
	// Last, whatever the checks above do not name. (No character reference
	// can pass them: ';' is not allowed.)
	if addr, err := mail.ParseAddress(email); err != nil || addr.Name != "" || addr.Address != email {
		return bad("not an address that can be parsed as one")
	}
	return nil
}

// isAtext reports whether c may appear unquoted in the local part of an
// address (RFC 5322 atext).
func isAtext(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// isBlank reports whether s is empty or only white space.
func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

// checkCustomFields refuses custom-field keys that are empty, not UTF-8, or
// the name of a built-in wire key (builtin reports those): sent at top level,
// such a key would silently overwrite or shadow the built-in field.
func checkCustomFields(fields map[string]string, builtin func(string) bool) error {
	if len(fields) == 0 {
		return nil // spares sorting no keys, which allocates
	}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		name := fmt.Sprintf("CustomFields[%q]", k)
		switch {
		case isBlank(k):
			return invalidField(name, "empty key")
		case !utf8.ValidString(k):
			return invalidField("CustomFields", "key is not valid UTF-8")
		case !utf8.ValidString(fields[k]):
			return invalidField(name, "not valid UTF-8")
		case checkNoReference(name, fields[k]) != nil:
			return checkNoReference(name, fields[k])
		case builtin(k):
			return invalidField(name, "collides with the built-in key %q; set the struct field instead", k)
		}
	}
	return nil
}

// The server keeps times as Unix seconds in signed 32-bit columns (int(14)
// is still INT), clamping what does not fit, and reads 0 and below as
// unset: these are the times it stores and gives back.
var (
	firstStoredTime = time.Unix(1, 0).UTC()
	lastStoredTime  = time.Unix(math.MaxInt32, 0).UTC()
)

// checkStoredTime refuses a time the server would store as something else:
// before 1970-01-01 00:00:01 UTC (read back as unset) or after 2038-01-19
// 03:14:07 UTC (clamped to it). The zero time is the caller's business.
func checkStoredTime(field string, t time.Time) error {
	if t.Before(firstStoredTime) || t.After(lastStoredTime) {
		return invalidField(field, "%s is outside what the server stores: Unix seconds from %s to %s UTC (it reads earlier times as unset and clamps later ones)",
			t.UTC().Format(time.RFC3339), firstStoredTime.Format(time.DateTime), lastStoredTime.Format(time.DateTime))
	}
	return nil
}

// Money columns are DECIMAL(18,2), and the plugin passes amounts through a
// PHP float printed with PHP's default precision of 14 significant digits:
// 12.345 is stored as 12.35, 0.001 as 0.00, 1234567890123.45 as
// 1234567890123.40, and anything from 10^16 up as 9999999999999999.99.
const (
	moneyDecimals  = 2
	moneySigDigits = 14
	moneyIntDigits = 16
)

var ten = big.NewInt(10)

// checkMoney refuses an amount the server cannot store exactly, rather than
// letting it be stored altered while the SDK returns what was sent.
func checkMoney(field string, d decimal.Decimal) error {
	coef, exp := new(big.Int).Abs(d.Coefficient()), int(d.Exponent())
	if coef.Sign() == 0 {
		return nil
	}
	var rem big.Int
	for {
		q, r := new(big.Int).QuoRem(coef, ten, &rem)
		if r.Sign() != 0 {
			break
		}
		coef, exp = q, exp+1
	}
	digits := len(coef.String())
	switch {
	case -exp > moneyDecimals:
		return invalidField(field, "%s has more than %d decimal places, which the server rounds (to %s): round it first, e.g. with Round(%d)",
			d.String(), moneyDecimals, d.Round(moneyDecimals).StringFixed(moneyDecimals), moneyDecimals)
	case digits+exp > moneyIntDigits:
		return invalidField(field, "%s is too large: the server stores at most %d digits before the decimal point", d.String(), moneyIntDigits)
	case digits > moneySigDigits:
		return invalidField(field, "%s has more than %d significant digits, which the server does not store exactly", d.String(), moneySigDigits)
	}
	return nil
}

// Stored text. Between a request and its column, and from the column back
// to an answer, the plugin and WordPress change text in ways that differ by
// field; textRules names those ways (a field's text= option), and a field's
// max=, chars=, zero and minusone options add what its column and the
// plugin's data layer do. A request is refused (checkStored) when the site
// would store something else than what was sent, or nothing, apart from
// white space, which the site folds and trims (asStored) and the SDK
// returns folded (the create replies are mapped so). On a model field, the
// rule says what the SDK decodes on read (fromStore).

// textRule is one way the server stores a text and lists it back.
type textRule struct {
	// sanitized: sanitize_text_field on the way in (tags stripped, white
	// space folded and trimmed, percent-encoded octets removed).
	sanitized bool
	// keepsSlashes: no stripslashes on the way in or out; elsewhere a
	// backslash is lost (the API lists most fields through stripslashes).
	keepsSlashes bool
	// entities is how many times the text is stored through htmlentities()
	// (zeroBSCRM_textProcess) and listed so.
	entities int
	// tagName: create_customer's cleaning of a tag name (strip_tags, quotes
	// stored as &#34; and &#39;, trim), listed through stripslashes.
	tagName bool
}

// textRules are the values of the text= option.
var textRules = map[string]*textRule{
	// Most fields: sanitize_text_field in, stripslashes out.
	"": {sanitized: true},
	// A contact's phone numbers and social handles: listed as stored.
	"asis": {sanitized: true, keepsSlashes: true},
	// Task titles and notes, a transaction's currency: sanitize_text_field,
	// then zeroBSCRM_textProcess (stripslashes and htmlentities) in, and
	// stripslashes out.
	"entities": {sanitized: true, entities: 1},
	// Avatars: zeroBSCRM_textProcess twice, nothing else.
	"avatar": {entities: 2},
	// Tag names (trimmed, inner white space kept).
	"tag": {tagName: true},
}

// asStored is s with its white space as the server stores it: for
// sanitize_text_field, runs of spaces, tabs and line breaks folded into one
// space and the ends trimmed; for a tag name, the ends trimmed. (The rest of
// what the server changes is refused by checkStored.)
func (r *textRule) asStored(s string) string {
	switch {
	case r.sanitized:
		return foldSpace(s)
	case r.tagName:
		return strings.Trim(s, phpTrimmed)
	}
	return s
}

// phpTrimmed is what PHP's trim() removes.
const phpTrimmed = " \t\n\r\x00\x0b"

// foldSpace is sanitize_text_field's white space rule:
// preg_replace('/[\r\n\t ]+/', ' ') then trim().
func foldSpace(s string) string {
	if !needsFolding(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\r':
			space = true
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteByte(c)
		}
	}
	if space {
		b.WriteByte(' ')
	}
	return strings.Trim(b.String(), phpTrimmed)
}

// needsFolding reports whether foldSpace would change s.
func needsFolding(s string) bool {
	if s != strings.Trim(s, phpTrimmed) {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\t', '\n', '\r':
			return true
		case ' ':
			if i+1 < len(s) && s[i+1] == ' ' {
				return true
			}
		}
	}
	return false
}

// checkStored returns why the server would not store s as it is in field f
// (so that reading it back would give something else, or nothing), or "".
// The checks follow what happens to s on the way: encoding, the plugin's
// sanitising, its empty-value rules, then the lengths of what is stored.
func (f *fieldCodec) checkStored(s string) string {
	r := f.text
	switch {
	case s == "" && !r.tagName:
		return "" // not sent
	case !utf8.ValidString(s):
		return "not valid UTF-8"
	}
	if err := checkNoReference("", s); err != nil {
		return err.(*invalidFieldError).Reason
	}
	switch {
	case r.tagName:
		if why := tagNameChange(s); why != "" {
			return why
		}
	case r.sanitized:
		if why := sanitizeChange(s); why != "" {
			return why
		}
	}
	// What follows applies to the text as the server keeps it.
	s = r.asStored(s)
	switch {
	case !r.keepsSlashes && strings.IndexByte(s, '\\') >= 0:
		return "holds a backslash, which the server drops (it strips backslashes from this field, PHP's stripslashes)"
	case f.zero && s == "0":
		return `is "0", which the server takes for an empty value and does not store`
	case f.minusOne && readsAsMinusOne(s):
		return `starts with what PHP reads as the number -1, the server's "unset" marker: it does not store the value`
	}
	if f.maxBytes == 0 && f.maxChars == 0 {
		return ""
	}
	stored := r.stored(s)
	switch n := len(stored); {
	case f.maxBytes > 0 && n > f.maxBytes:
		return fmt.Sprintf("too long: the server stores at most %d bytes here and cuts longer text to %d bytes plus \"...\"; this would take %d (%s)",
			f.maxBytes, f.maxBytes-3, n, r.countsAs())
	case f.maxChars > 0 && utf8.RuneCountInString(stored) > f.maxChars:
		return fmt.Sprintf("too long: the server stores at most %d characters here and does not store longer text; this would take %d (%s)",
			f.maxChars, utf8.RuneCountInString(stored), r.countsAs())
	}
	return ""
}

// stored is s (whose white space is as stored) as its column holds it, for
// the length limits: characters outside the BMP as the references the SDK
// writes (see text.go), tag quotes as the plugin writes them, then the
// htmlentities passes.
func (r *textRule) stored(s string) string {
	s = encodeSupplementaryString(s)
	if r.tagName {
		s = tagQuotes.Replace(s)
	}
	for range r.entities {
		s = htmlentity.Encode(s)
	}
	return s
}

// countsAs says how stored text is counted, for the length messages.
func (r *textRule) countsAs() string {
	switch {
	case r.entities > 0:
		return "as stored: & < > quotes and accented letters as HTML entities (é is &eacute;), emoji as the reference the SDK sends (&#x1f600;)"
	case r.tagName:
		return "as stored: quotes as &#34; and &#39;, emoji as the reference the SDK sends (&#x1f600;)"
	}
	return "as stored: UTF-8, emoji as the reference the SDK sends (&#x1f600;, 9 or 10 bytes)"
}

// fromStore turns the text of a field as the server lists it into the text
// that was written: the htmlentities passes undone (with the SDK's
// references they held), tag quotes read back.
func (r *textRule) fromStore(s string) string {
	if strings.IndexByte(s, '&') < 0 {
		return s
	}
	if r.tagName {
		s = tagQuotesBack.Replace(s)
	}
	for range r.entities {
		s = htmlentity.Decode(s)
	}
	if r.entities > 0 && strings.Contains(s, "&#") {
		s = string(decodeSupplementary([]byte(s), false))
	}
	return s
}

// tagQuotes is how create_customer and create_company store quotes in tag
// names; tagQuotesBack reads them back.
var (
	tagQuotes     = strings.NewReplacer(`"`, "&#34;", "'", "&#39;")
	tagQuotesBack = strings.NewReplacer("&#34;", `"`, "&#39;", "'")
)

// sanitizeChange returns how WordPress's sanitize_text_field would change s
// (see wp-includes/formatting.php) beyond its white space (asStored), or ""
// when it keeps s as it is.
func sanitizeChange(s string) string {
	switch {
	case strings.IndexByte(s, '<') >= 0:
		return `holds "<", which the server changes (it strips HTML tags and stores a lone "<" as "&lt;", sanitize_text_field)`
	case hasPercentOctet(s):
		return `holds "%" followed by two hexadecimal digits (like "%41"), which the server removes as a percent-encoded byte (sanitize_text_field)`
	}
	return ""
}

// tagNameChange returns how create_customer's cleaning of a tag name would
// change s, or "".
func tagNameChange(s string) string {
	switch {
	case isBlank(s):
		return "blank: the server drops blank tags"
	case strings.IndexByte(s, '<') >= 0:
		return `holds "<", which the server removes from tag names (with any HTML tag)`
	case strings.IndexByte(strings.Trim(s, phpTrimmed), 0) >= 0:
		return "holds a NUL character, which the server removes from tag names"
	case strings.Contains(s, "&#34;") || strings.Contains(s, "&#39;"):
		return `holds "&#34;" or "&#39;", which is how the server stores a quote in a tag name: it would read back as the quote`
	}
	return ""
}

// hasPercentOctet reports whether s holds "%" and two hexadecimal digits.
func hasPercentOctet(s string) bool {
	for i := strings.IndexByte(s, '%'); i >= 0 && i+2 < len(s); {
		if isHex(s[i+1]) && isHex(s[i+2]) {
			return true
		}
		j := strings.IndexByte(s[i+1:], '%')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f' }

// readsAsMinusOne reports whether PHP 8's (int) cast of s is -1: s starts
// (after white space) with a number whose integer part is -1, such as "-1",
// "-01", "-1.5", "-1e0" or "-1 Main Street". The plugin's removeEmpties
// drops such values.
func readsAsMinusOne(s string) bool {
	s = strings.TrimLeft(s, " \t\n\r\v\f")
	if !strings.HasPrefix(s, "-") {
		return false
	}
	i, digits, float := 1, 0, false
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j, digits = j+1, digits+1
		}
		if j > i+1 || digits > 0 {
			i, float = j, true
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if k := j; k < len(s) && s[k] >= '0' && s[k] <= '9' {
			for k < len(s) && s[k] >= '0' && s[k] <= '9' {
				k++
			}
			i, float = k, true
		}
	}
	if !float {
		n, err := strconv.ParseInt(s[:i], 10, 64)
		return err == nil && n == -1
	}
	v, err := strconv.ParseFloat(s[:i], 64)
	return err == nil && v > -2 && v <= -1
}

// alteredOnWriteBack returns the first text of merged, a request made of a
// stored record with changes over it, that came from the record and that
// the server would store differently if it were written back (white space
// it folds: a value written by another client, or listed without the
// backslash it holds), and how; "" when there is none. The text of changes
// has passed checkStored.
func (m *modelCodec) alteredOnWriteBack(merged, changes unsafe.Pointer) (field, why string) {
	const reason = "holds white space the site would fold or trim if the contact were written back"
	for _, f := range m.fields {
		switch f.kind {
		case kString:
			if v := *(*string)(f.ptr(merged)); *(*string)(f.ptr(changes)) == "" && f.text.asStored(v) != v {
				return f.path, reason
			}
		case kStrings:
			if len(*(*[]string)(f.ptr(changes))) > 0 {
				continue
			}
			for i, v := range *(*[]string)(f.ptr(merged)) {
				if f.text.asStored(v) != v {
					return fmt.Sprintf("%s[%d]", f.path, i), reason
				}
			}
		case kCustom:
			fields, changed := *(*map[string]string)(f.ptr(merged)), *(*map[string]string)(f.ptr(changes))
			for _, k := range slices.Sorted(maps.Keys(fields)) {
				if v := fields[k]; changed[k] == "" && f.text.asStored(v) != v {
					return fmt.Sprintf("CustomFields[%q]", k), reason
				}
			}
		}
	}
	return "", ""
}
