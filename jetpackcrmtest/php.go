package jetpackcrmtest

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// This file emulates the PHP and WordPress conversions the plugin applies to
// request values: (string), (int), is_numeric(), empty(), (bool),
// sanitize_text_field(), wp_strip_all_tags(), FILTER_VALIDATE_EMAIL and
// sanitize_title().

// phpString returns the PHP (string) cast of a decoded JSON value. Arrays and
// objects give "" (sanitize_text_field returns "" for them).
func phpString(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case bool:
		if t {
			return "1"
		}
		return ""
	case string:
		return t
	case json.Number:
		return phpNumberLiteral(t)
	case int:
		return strconv.Itoa(t)
	case int64:
		return strconv.FormatInt(t, 10)
	case float64:
		return phpFloat(t)
	default:
		return ""
	}
}

// sanitizeValue is sanitize_text_field((string) v).
func sanitizeValue(v any) string { return sanitizeText(phpString(v)) }

var (
	reTags         = regexp.MustCompile(`(?s)<[^>]*>?`)
	reScriptStyle  = regexp.MustCompile(`(?is)<(script|style)[^>]*?>.*?</(script|style)>`)
	reWhitespace   = regexp.MustCompile(`[\r\n\t ]+`)
	rePercentOctet = regexp.MustCompile(`(?i)%[a-f0-9]{2}`)
	reSpaces       = regexp.MustCompile(` +`)
)

// sanitizeText emulates WordPress's sanitize_text_field: tags stripped,
// whitespace runs collapsed to one space, trimmed, percent-encoded octets
// removed.
func sanitizeText(s string) string {
	s = strings.ToValidUTF8(s, "")
	if strings.Contains(s, "<") {
		s = stripTags(preKsesLessThan(s))
	}
	s = reWhitespace.ReplaceAllString(s, " ")
	s = strings.TrimSpace(s)
	if rePercentOctet.MatchString(s) {
		for rePercentOctet.MatchString(s) {
			s = rePercentOctet.ReplaceAllString(s, "")
		}
		s = strings.TrimSpace(reSpaces.ReplaceAllString(s, " "))
	}
	return s
}

// preKsesLessThan emulates wp_pre_kses_less_than: a "<" that does not open a
// tag (no ">" before the next "<" or the end) becomes "&lt;".
func preKsesLessThan(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		rest := s[i+1:]
		if j := strings.IndexAny(rest, "<>"); j >= 0 && rest[j] == '>' {
			b.WriteString(s[i : i+j+2])
			s = rest[j+1:]
			continue
		}
		b.WriteString("&lt;")
		s = rest
	}
}

// stripTags emulates wp_strip_all_tags: script and style elements are removed
// with their content, other tags are removed, the result is trimmed.
func stripTags(s string) string {
	s = reScriptStyle.ReplaceAllString(s, "")
	s = reTags.ReplaceAllString(s, "")
	return strings.TrimSpace(s)
}

// phpInt returns the PHP (int) cast of a decoded JSON value.
func phpInt(v any) int64 {
	switch t := v.(type) {
	case nil:
		return 0
	case bool:
		if t {
			return 1
		}
		return 0
	case json.Number:
		return stringToInt(t.String())
	case string:
		return stringToInt(t)
	case int:
		return int64(t)
	case int64:
		return t
	case float64:
		return floatToInt(t)
	case []any:
		if len(t) > 0 {
			return 1
		}
		return 0
	case *object:
		if t.len() > 0 {
			return 1
		}
		return 0
	default:
		return 0
	}
}

// stringToInt is PHP 8's (int)"..." : the leading numeric part counts,
// "12abc" is 12, "1e3" is 1000, "abc" is 0.
func stringToInt(s string) int64 {
	prefix, isFloat := numericPrefix(s)
	if prefix == "" {
		return 0
	}
	if !isFloat {
		i, err := strconv.ParseInt(prefix, 10, 64)
		if err != nil {
			if strings.HasPrefix(prefix, "-") {
				return math.MinInt64
			}
			return math.MaxInt64
		}
		return i
	}
	f, _ := strconv.ParseFloat(prefix, 64)
	return floatToInt(f)
}

// floatToInt truncates like PHP's (int) cast; out-of-range values give 0,
// as PHP 8 does on 64-bit platforms.
func floatToInt(f float64) int64 {
	if math.IsNaN(f) || math.IsInf(f, 0) || f >= math.MaxInt64 || f <= math.MinInt64 {
		return 0
	}
	return int64(f)
}

// numericPrefix returns the leading numeric string of s (after leading
// whitespace) and whether it has a fraction or an exponent.
func numericPrefix(s string) (string, bool) {
	s = strings.TrimLeft(s, " \t\n\r\v\f")
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	isFloat := false
	if i < len(s) && s[i] == '.' {
		j := i + 1
		frac := 0
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
			frac++
		}
		if digits+frac > 0 {
			i = j
			digits += frac
			isFloat = true
		}
	}
	if digits == 0 {
		return "", false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k > j {
			i = k
			isFloat = true
		}
	}
	return strings.TrimPrefix(s[:i], "+"), isFloat
}

// phpIsNumeric emulates PHP 8's is_numeric().
func phpIsNumeric(v any) bool {
	switch t := v.(type) {
	case json.Number, int, int64, float64:
		return true
	case string:
		s := strings.Trim(t, " \t\n\r\v\f")
		prefix, _ := numericPrefix(s)
		return prefix != "" && prefix == strings.TrimPrefix(s, "+")
	default:
		return false
	}
}

// phpEmpty emulates PHP's empty(): nil, false, 0, 0.0, "", "0" and empty
// arrays are empty.
func phpEmpty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case bool:
		return !t
	case string:
		return t == "" || t == "0"
	case json.Number:
		f, err := strconv.ParseFloat(t.String(), 64)
		return err == nil && f == 0
	case int:
		return t == 0
	case int64:
		return t == 0
	case float64:
		return t == 0
	case []any:
		return len(t) == 0
	case *object:
		return t.len() == 0
	default:
		return false
	}
}

// reEmail approximates PHP's FILTER_VALIDATE_EMAIL: a dot-atom local part, an
// "@", and a domain of dot-separated labels with at least one dot.
var reEmail = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+/=?^_` + "`" + `{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_` + "`" + `{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// validEmail reports whether s passes (an approximation of) FILTER_VALIDATE_EMAIL.
func validEmail(s string) bool {
	return len(s) <= 320 && reEmail.MatchString(s)
}
