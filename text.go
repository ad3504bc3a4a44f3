package jetpackcrm

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The CRM's tables are utf8mb3: a character outside the Basic Multilingual
// Plane (4 bytes in UTF-8: emoji, many CJK extensions, historic scripts)
// makes the write fail with an opaque {"error":100}. WordPress stores such
// characters in utf8 tables as HTML numeric character references, and so
// does the SDK: requests carry them as "&#x1F600;" (which every endpoint
// stores as it is; the events table HTML-escapes it once more), and answers
// get the characters back. Text that already holds such a reference is
// refused (checkNoReference), so that what reads back is always what was written.

// isSupplementary reports whether r needs 4 bytes in UTF-8.
func isSupplementary(r rune) bool { return r > 0xFFFF && r <= utf8.MaxRune }

// appendReference appends r as "&#xHEX;".
func appendReference(dst []byte, r rune) []byte {
	dst = append(dst, "&#x"...)
	dst = strconv.AppendInt(dst, int64(r), 16)
	return append(dst, ';')
}

// encodeSupplementary returns the JSON payload b with every character
// outside the BMP, raw or escaped as a \u surrogate pair, written as a
// numeric character reference. b itself is never modified.
func encodeSupplementary(b []byte) []byte {
	var out []byte // nil until something changes
	start := 0
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c >= 0xF0:
			r, size := utf8.DecodeRune(b[i:])
			if !isSupplementary(r) {
				i++
				continue
			}
			out = appendReference(append(out, b[start:i]...), r)
			i += size
			start = i
		case c == '\\' && i+1 < len(b):
			if b[i+1] == 'u' {
				if r, ok := surrogatePair(b[i:]); ok {
					out = appendReference(append(out, b[start:i]...), r)
					i += 12
					start = i
					continue
				}
			}
			i += 2 // an escape: the next byte is never the start of one
		default:
			i++
		}
	}
	if out == nil {
		return b
	}
	return append(out, b[start:]...)
}

// surrogatePair reads `\uD83D\uDE00` at the start of b.
func surrogatePair(b []byte) (rune, bool) {
	if len(b) < 12 || b[6] != '\\' || b[7] != 'u' {
		return 0, false
	}
	hi, err1 := strconv.ParseUint(string(b[2:6]), 16, 16)
	lo, err2 := strconv.ParseUint(string(b[8:12]), 16, 16)
	if err1 != nil || err2 != nil || hi < 0xD800 || hi > 0xDBFF || lo < 0xDC00 || lo > 0xDFFF {
		return 0, false
	}
	return 0x10000 + rune(hi-0xD800)<<10 + rune(lo-0xDC00), true
}

// encodeSupplementaryString is encodeSupplementary for a query value.
func encodeSupplementaryString(s string) string {
	for _, r := range s {
		if isSupplementary(r) {
			var b []byte
			for _, r := range s {
				if isSupplementary(r) {
					b = appendReference(b, r)
				} else {
					b = utf8.AppendRune(b, r)
				}
			}
			return string(b)
		}
	}
	return s
}

// supplementaryReference finds "&#x1F600;", "&#128512;" (or, when
// htmlEscaped, "&amp;#x1F600;") naming a character outside the BMP at the
// start of s, and returns the character and the reference's length.
func supplementaryReference(s []byte, htmlEscaped bool) (rune, int) {
	n := 2
	switch {
	case bytes.HasPrefix(s, []byte("&#")):
	case htmlEscaped && bytes.HasPrefix(s, []byte("&amp;#")):
		n = 6
	default:
		return 0, 0
	}
	base := 10
	if n < len(s) && (s[n] == 'x' || s[n] == 'X') {
		base, n = 16, n+1
	}
	digits := n
	for n < len(s) && n-digits < 8 && (s[n] >= '0' && s[n] <= '9' || base == 16 && (s[n]|0x20 >= 'a' && s[n]|0x20 <= 'f')) {
		n++
	}
	if n == digits || n >= len(s) || s[n] != ';' {
		return 0, 0
	}
	v, err := strconv.ParseUint(string(s[digits:n]), base, 32)
	if err != nil || !isSupplementary(rune(v)) {
		return 0, 0
	}
	return rune(v), n + 1
}

// decodeSupplementary returns body with the references of characters
// outside the BMP replaced by the characters (in UTF-8, which JSON strings
// may hold as they are). htmlEscaped also reads "&amp;#x1F600;", the form
// the events endpoint answers with.
func decodeSupplementary(body []byte, htmlEscaped bool) []byte {
	i := bytes.Index(body, []byte("&#"))
	if htmlEscaped {
		if j := bytes.Index(body, []byte("&amp;#")); j >= 0 && (i < 0 || j < i) {
			i = j
		}
	}
	if i < 0 {
		return body // the common case: nothing to copy
	}
	out := append([]byte(nil), body[:i]...)
	for i < len(body) {
		if body[i] == '&' {
			if r, n := supplementaryReference(body[i:], htmlEscaped); n > 0 {
				out = utf8.AppendRune(out, r)
				i += n
				continue
			}
		}
		out = append(out, body[i])
		i++
	}
	return out
}

// checkNoReference refuses text that holds a reference to a character outside the
// BMP: the SDK writes such characters that way, so the text would read back
// as the character.
func checkNoReference(field, s string) error {
	for i := strings.IndexByte(s, '&'); i >= 0; {
		if r, n := supplementaryReference([]byte(s[i:]), true); n > 0 {
			return invalidField(field, "holds the text %q, which is how the SDK stores %q (the CRM's tables cannot hold 4-byte UTF-8) and would read back as it: send the character itself", s[i:i+n], string(r))
		}
		j := strings.IndexByte(s[i+1:], '&')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return nil
}
