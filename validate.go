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
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
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
// refused rather than silently stripped. Each reason says what is wrong
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

// checkUTF8 refuses invalid UTF-8 (encoding would silently turn it into
// U+FFFD and the server would store the replacement) and text holding a
// character reference the SDK would read back as a character
// (checkNoReference).
func checkUTF8(name, value string) error {
	if !utf8.ValidString(value) {
		return invalidField(name, "not valid UTF-8")
	}
	return checkNoReference(name, value)
}

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
