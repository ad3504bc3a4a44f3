package jetpackcrmtest

import (
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// This file emulates what MariaDB does to the CRM's data: the tables are
// utf8mb3 with the utf8mb3_general_ci collation, which compares text
// case- and accent-insensitively ("zoe" = "Zoë", "straße" = "strase") and
// cannot hold characters outside the Basic Multilingual Plane (emoji);
// dates are INT columns and money DECIMAL(18,2).

// weight is the utf8mb3_general_ci weight of r: ASCII letters upper-cased,
// the rest from generalCIWeights (characters it does not list weigh
// themselves).
func weight(r rune) rune {
	if r < 0x80 {
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}
	if r > 0xFFFF {
		return r
	}
	i := sort.Search(len(generalCIWeights), func(i int) bool { return rune(generalCIWeights[i][0]) >= r })
	if i < len(generalCIWeights) && rune(generalCIWeights[i][0]) == r {
		return rune(generalCIWeights[i][1])
	}
	return r
}

// collationKey returns s with every character replaced by its weight: two
// strings the collation finds equal have equal keys (trailing spaces apart,
// see collationEqual).
func collationKey(s string) string {
	return strings.Map(weight, s)
}

// collationEqual is "a = b" under utf8mb3_general_ci, a PAD SPACE
// collation: trailing spaces do not count.
func collationEqual(a, b string) bool {
	return padKey(a) == padKey(b)
}

// padKey is the key collationEqual compares: trailing spaces dropped.
func padKey(s string) string { return collationKey(strings.TrimRight(s, " ")) }

// likeMatch is "s LIKE pattern" under utf8mb3_general_ci: % matches any
// run of characters, _ any one character, and a backslash makes the next
// character literal (a trailing backslash is a literal backslash).
func likeMatch(s, pattern string) bool {
	type token struct {
		r        rune
		any, one bool
	}
	var toks []token
	pr := []rune(pattern)
	for i := 0; i < len(pr); i++ {
		switch c := pr[i]; {
		case c == '\\' && i+1 < len(pr):
			i++
			toks = append(toks, token{r: weight(pr[i])})
		case c == '%':
			if n := len(toks); n == 0 || !toks[n-1].any {
				toks = append(toks, token{any: true})
			}
		case c == '_':
			toks = append(toks, token{one: true})
		default:
			toks = append(toks, token{r: weight(c)})
		}
	}
	text := []rune(collationKey(s))
	// match[j] reports whether toks[:i] matches text[:j], row by row.
	match := make([]bool, len(text)+1)
	match[0] = true
	for _, t := range toks {
		next := make([]bool, len(text)+1)
		switch {
		case t.any:
			seen := false
			for j := 0; j <= len(text); j++ {
				seen = seen || match[j]
				next[j] = seen
			}
		default:
			for j := 1; j <= len(text); j++ {
				next[j] = match[j-1] && (t.one || text[j-1] == t.r)
			}
		}
		match = next
	}
	return match[len(text)]
}

// likeContains is "s LIKE '%phrase%'", the way the CRM searches.
func likeContains(s, phrase string) bool { return likeMatch(s, "%"+phrase+"%") }

// storable reports whether a utf8mb3 column can hold s: valid UTF-8 without
// characters outside the BMP. WordPress refuses the whole INSERT or UPDATE
// otherwise (wpdb::strip_invalid_text), and the CRM reports the write as
// failed.
func storable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r > 0xFFFF {
			return false
		}
	}
	return true
}

// allStorable reports whether every one of values is storable.
func allStorable(values ...string) bool {
	for _, v := range values {
		if !storable(v) {
			return false
		}
	}
	return true
}

// intColumn clamps a value to a signed 32-bit INT column, as MariaDB does
// outside strict mode: dates after 2038-01-19 03:14:07 UTC are stored as
// that second.
func intColumn(v int64) int64 {
	return max(min(v, math.MaxInt32), math.MinInt32)
}

// maxDecimal18_2 is the largest DECIMAL(18,2).
var maxDecimal18_2 = decimal.RequireFromString("9999999999999999.99")

// decimalColumn clamps an amount (already rounded to 2 decimals) to a
// DECIMAL(18,2) column, as MariaDB does outside strict mode.
func decimalColumn(d decimal.Decimal) decimal.Decimal {
	if d.GreaterThan(maxDecimal18_2) {
		return maxDecimal18_2
	}
	if d.LessThan(maxDecimal18_2.Neg()) {
		return maxDecimal18_2.Neg()
	}
	return d
}

// keepUnstorable undoes, in a record's new custom fields, the values the
// utf8mb3 table cannot hold: custom fields are rows of another table, so
// such a value keeps the field's old one (or none) while the record itself
// is saved.
func keepUnstorable(next, before map[string]string) {
	for slug, v := range next {
		if storable(v) {
			continue
		}
		if old, ok := before[slug]; ok {
			next[slug] = old
		} else {
			delete(next, slug)
		}
	}
}
