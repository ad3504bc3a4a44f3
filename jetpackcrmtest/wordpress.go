package jetpackcrmtest

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// This file emulates what WordPress and the CRM's data layer do to text and
// numbers between the request and the database, and back: the slashes
// WordPress adds to every query variable, the CRM's stripslashes() on
// output, its htmlentities() on some fields, the "..." truncation of
// over-long values, tag names and slugs, and money through PHP floats.

// addSlashes is PHP's addslashes(): WordPress applies it to every $_GET
// value (wp_magic_quotes), and the plugin reads most of them without
// wp_unslash(), so an email "o'neil@x" is looked up as "o\'neil@x".
func addSlashes(s string) string {
	if !strings.ContainsAny(s, "'\"\\\x00") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case 0:
			b.WriteString(`\0`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// stripSlashes is PHP's stripslashes(): a backslash is removed and the
// character after it kept ("\\" gives "\", "\0" a NUL byte). The CRM applies
// it to most text fields when it reads them, so a stored "Back\slash" is
// listed as "Backslash".
func stripSlashes(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(s) {
			break
		}
		i++
		if s[i] == '0' {
			b.WriteByte(0)
		} else {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// htmlEntities is PHP 8's htmlentities($s, ENT_QUOTES, 'UTF-8') with the
// HTML 4.01 table: & " ' < > and every character with a named entity
// ("ë" is "&euml;", "€" "&euro;"); others, CJK and emoji included, stay.
func htmlEntities(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&#039;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			if name, ok := htmlEntityNames[r]; ok {
				b.WriteString(name)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// textProcess is the CRM's zeroBSCRM_textProcess():
// htmlentities(stripslashes($s), ENT_QUOTES, 'UTF-8'), applied on the way in
// to task titles and descriptions and (twice) to contact avatars.
func textProcess(s string) string { return htmlEntities(stripSlashes(s)) }

// maxLen is the CRM's max_len rule (ZeroBSCRM.DAL3.ObjectLayer.php): a value
// longer than n bytes is cut to n-3 bytes plus "...". The cut counts bytes,
// so it can split a character; the result is then not valid UTF-8 and
// WordPress refuses the write (see storable).
func maxLen(s string, n int) string {
	if n <= 0 || len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

// sanitizeKey is WordPress's sanitize_key(): lower case, then everything
// but a-z, 0-9, "_" and "-" removed. The CRM makes tag slugs with it.
func sanitizeKey(s string) string {
	s = strings.ToLower(s)
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		return -1
	}, s)
}

// tagNameReplacer is the strtr() create_customer applies to each tag after
// strip_tags().
var tagNameReplacer = strings.NewReplacer("\x00", "", `"`, "&#34;", "'", "&#39;", "<", "")

// tagName is how create_customer cleans a tag name: strip_tags(), then the
// replacements above, then trim() (inner whitespace is kept, unlike
// sanitize_text_field).
func tagName(v any) string {
	s, ok := v.(string)
	if !ok {
		s = phpString(v)
	}
	return strings.Trim(tagNameReplacer.Replace(phpStripTags(s)), " \t\n\r\x00\x0B")
}

// reTagOpen finds what PHP's strip_tags() treats as a tag: "<" followed by
// something other than whitespace, up to the next ">" (or the end).
var reTagOpen = regexp.MustCompile(`(?s)<[^\s<>][^>]*(>|$)|<!--.*?(-->|$)`)

// phpStripTags approximates PHP's strip_tags(): tags, comments and an
// unterminated tag at the end are removed; a "<" followed by whitespace
// is kept.
func phpStripTags(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	return reTagOpen.ReplaceAllString(s, "")
}

// reNonNumber is the CRM's price filter: every run of characters other
// than digits and "." becomes "-".
var reNonNumber = regexp.MustCompile(`[^0-9.]+`)

// phpMoney is what a money value sent to create_transaction becomes in its
// DECIMAL(18,2) column: sanitize_text_field, every run of characters other
// than digits and "." replaced by "-" (so "+5" and "$5" are -5, "12,50" is
// 12 and "1e3" is 1), read as a PHP float, written back as a string with
// PHP's precision of 14 significant digits (123456789012345.005 becomes
// 1.2345678901234E+14), then rounded half away from zero to 2 decimals and
// clamped by MariaDB.
func phpMoney(v any) string {
	s := reNonNumber.ReplaceAllString(sanitizeValue(v), "-")
	prefix, _ := numericPrefix(s)
	f, err := strconv.ParseFloat(prefix, 64)
	if err != nil || prefix == "" {
		return "0.00"
	}
	d, err := decimal.NewFromString(strconv.FormatFloat(f, 'e', 13, 64))
	if err != nil {
		return "0.00"
	}
	return decimalColumn(d.Round(2)).StringFixed(2)
}
