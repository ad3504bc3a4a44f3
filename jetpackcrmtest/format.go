package jetpackcrmtest

import (
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Date formats of the *_date companion fields, as the recorded site (site
// timezone UTC, CRM date format m/d/Y, WordPress date format "F j, Y")
// writes them.
const (
	layoutYmdHis = "2006-01-02 15:04:05" // "Y-m-d H:i:s"
	layoutMDY    = "01/02/2006"          // "m/d/Y" (the CRM date format)
	layoutLong   = "January 2, 2006"     // "F j, Y" (the WordPress date format)
)

// itoa formats an int64 as a JSON string value ("12").
func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// unix returns t as Unix seconds, 0 for the zero time.
func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// unixOr returns t as Unix seconds, or unset for the zero time.
func unixOr(t time.Time, unset int64) int64 {
	if t.IsZero() {
		return unset
	}
	return t.Unix()
}

// dateOrFalse formats t in layout (UTC), or false for the zero time and for
// the Unix epoch (the plugin writes false for a 0 timestamp).
func dateOrFalse(t time.Time, layout string) any {
	if t.IsZero() || t.Unix() == 0 {
		return false
	}
	return t.UTC().Format(layout)
}

// fromUnix turns stored Unix seconds into a time; 0 stays the zero time.
func fromUnix(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

// money normalises a money value the way a DECIMAL(18,2) column stores it:
// PHP's (float) reading of the value, rounded half away from zero to two
// decimals. Non-numeric values are "0.00".
func money(v any) string {
	s := ""
	switch t := v.(type) {
	case string:
		s, _ = numericPrefix(t)
	default:
		s = phpString(v)
		s, _ = numericPrefix(s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return "0.00"
	}
	return d.StringFixed(2)
}

// moneyOrZero normalises a stored money string for output ("" is "0.00").
func moneyOrZero(s string) string { return money(s) }

// quantity formats a line-item quantity like PHP's sprintf("%g").
func quantity(s string) string {
	prefix, _ := numericPrefix(s)
	f, err := strconv.ParseFloat(prefix, 64)
	if err != nil {
		return "0"
	}
	out := strconv.FormatFloat(f, 'g', 6, 64)
	if strings.Contains(out, "e") {
		// PHP writes "1.0e+6" where Go writes "1e+06".
		mant, exp, _ := strings.Cut(out, "e")
		if !strings.Contains(mant, ".") {
			mant += ".0"
		}
		sign := exp[:1]
		exp = strings.TrimLeft(exp[1:], "0")
		out = mant + "e" + sign + exp
	}
	return out
}
