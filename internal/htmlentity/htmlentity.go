// Package htmlentity is PHP 8's htmlentities($s, ENT_QUOTES, 'UTF-8') and
// its exact inverse, for the SDK (which decodes what the CRM stores through
// it) and the fake (which stores through it).
package htmlentity

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// Encode is htmlentities($s, ENT_QUOTES, 'UTF-8') with the HTML 4.01 table:
// & " ' < > and every character with a named entity ("ë" is "&euml;", "€"
// "&euro;"); other characters, CJK and emoji included, stay as they are.
func Encode(s string) string {
	if !needsEncoding(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
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
			if name, ok := names[r]; ok {
				b.WriteString(name)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// EncodedLen is len(Encode(s)), without building it.
func EncodedLen(s string) int {
	n := 0
	for _, r := range s {
		switch r {
		case '&':
			n += len("&amp;")
		case '"':
			n += len("&quot;")
		case '\'':
			n += len("&#039;")
		case '<', '>':
			n += len("&lt;")
		default:
			if name, ok := names[r]; ok {
				n += len(name)
			} else {
				n += utf8.RuneLen(r)
			}
		}
	}
	return n
}

// needsEncoding reports whether Encode would change s.
func needsEncoding(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '&' || c == '"' || c == '\'' || c == '<' || c == '>' || c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// byName maps every entity Encode writes back to its character.
var byName = sync.OnceValue(func() map[string]rune {
	m := make(map[string]rune, len(names)+5)
	for r, name := range names {
		m[name] = r
	}
	for name, r := range map[string]rune{"&amp;": '&', "&quot;": '"', "&#039;": '\'', "&lt;": '<', "&gt;": '>'} {
		m[name] = r
	}
	return m
})

// Decode is the inverse of Encode: Decode(Encode(s)) == s for every s. It
// reads only the entities Encode writes; any other "&" is kept as it is.
func Decode(s string) string {
	i := strings.IndexByte(s, '&')
	if i < 0 {
		return s
	}
	table := byName()
	var b strings.Builder
	b.Grow(len(s))
	for i >= 0 {
		b.WriteString(s[:i])
		s = s[i:]
		if end := strings.IndexByte(s, ';'); end > 0 && end <= maxNameLen {
			if r, ok := table[s[:end+1]]; ok {
				b.WriteRune(r)
				s = s[end+1:]
				i = strings.IndexByte(s, '&')
				continue
			}
		}
		b.WriteByte('&')
		s = s[1:]
		i = strings.IndexByte(s, '&')
	}
	b.WriteString(s)
	return b.String()
}

// maxNameLen is the length of the longest entity without its ";"
// ("&thetasym").
const maxNameLen = 9
