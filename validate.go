package jetpackcrm

// Validation of requests before anything is sent: the checks the server
// would fail silently or confusingly, as *invalidFieldError naming the Go
// field (asValidation turns it into a *ValidationError).

import (
	"fmt"
	"maps"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"
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
// refused rather than silently stripped.
func checkEmail(field, email string) error {
	if email == "" {
		return invalidField(field, "required")
	}
	if len(email) > 254 {
		return invalidField(field, "longer than 254 bytes")
	}
	for i := 0; i < len(email); i++ {
		if email[i] >= utf8.RuneSelf {
			return invalidField(field, "not a valid email address (only ASCII addresses are accepted by the server)")
		}
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Name != "" || addr.Address != email {
		return invalidField(field, "not a valid email address (want a bare address: no display name, brackets or spaces)")
	}
	at := strings.LastIndexByte(email, '@')
	local, domain := email[:at], email[at+1:]
	if len(local) > 64 {
		return invalidField(field, "local part longer than 64 bytes")
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return invalidField(field, "not a valid email address (the domain needs a dot)")
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return invalidField(field, "not a valid email address (bad domain)")
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return invalidField(field, "not a valid email address (bad domain)")
			}
		}
	}
	return nil
}

// isBlank reports whether s is empty or only white space.
func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

// checkUTF8 refuses invalid UTF-8: encoding would silently turn it into
// U+FFFD and the server would store the replacement.
func checkUTF8(name, value string) error {
	if !utf8.ValidString(value) {
		return invalidField(name, "not valid UTF-8")
	}
	return nil
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
		case builtin(k):
			return invalidField(name, "collides with the built-in key %q; set the struct field instead", k)
		}
	}
	return nil
}
