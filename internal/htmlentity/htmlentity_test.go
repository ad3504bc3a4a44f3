package htmlentity

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestEncode(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                "",
		"plain":           "plain",
		"O'Neil":          "O&#039;Neil",
		`a & b "c" <d>`:   "a &amp; b &quot;c&quot; &lt;d&gt;",
		"Zoë €":           "Zo&euml; &euro;",
		"日本語 😀":           "日本語 😀",
		"Tom &amp; Jerry": "Tom &amp;amp; Jerry",
		"\u00a0\u2666":    "&nbsp;&diams;",
		"&#x1f600;":       "&amp;#x1f600;",
		"θ\u03d1":         "&theta;&thetasym;",
	} {
		assert.Equal(t, want, Encode(in), "Encode(%q)", in)
		assert.Equal(t, len(want), EncodedLen(in), "EncodedLen(%q)", in)
		assert.Equal(t, in, Decode(want), "Decode(%q)", want)
	}
}

func TestDecodeIsTheExactInverse(t *testing.T) {
	t.Parallel()
	var all strings.Builder
	for r := range names {
		all.WriteRune(r)
	}
	for _, s := range []string{all.String(), "&", "&&;", "&amp", "&amp;amp;", "&euml", "&nosuch;", "a&b;c", "&#39;", "&#039", "&;"} {
		assert.Equal(t, s, Decode(Encode(s)), "round trip of %q", s)
		assert.Equal(t, s, Decode(Decode(Encode(Encode(s)))), "round trip of %q through two passes", s)
	}
	// What Encode never writes is left alone.
	for _, s := range []string{"&#39;", "&apos;", "&nosuch;", "&amp", "a & b"} {
		assert.Equal(t, s, Decode(s))
	}
	for name := range byName() {
		assert.LessOrEqual(t, utf8.RuneCountInString(name)-1, maxNameLen, name)
	}
}
