package jetpackcrmtest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPHPJSONRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{`{"b":1,"a":2}`, `{"b":1,"a":2}`},
		{`{"a":1,"b":2,"a":3}`, `{"a":3,"b":2}`},
		{`{}`, `[]`},
		{`{"x":{}}`, `{"x":[]}`},
		{`{"0":"a","1":"b"}`, `["a","b"]`},
		{`{"1":"a","0":"b"}`, `{"1":"a","0":"b"}`},
		{`[1, 2.50, -0, 1e2, 12345678901234567890]`, `[1,2.5,0,100,1.2345678901234567e+19]`},
		{`[0.0001, 0.00001, 1e17, 1e16]`, `[0.0001,1.0e-5,1.0e+17,10000000000000000]`},
		{`"a/b \"q\" \\ \n\t\u0001 é 😀 <tag> &"`, `"a\/b \"q\" \\ \n\t\u0001 \u00e9 \ud83d\ude00 <tag> &"`},
		{`[true,false,null]`, `[true,false,null]`},
		{` {"a" : [ ] } `, `{"a":[]}`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			v, err := decodePHP([]byte(tc.in))
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(encodePHP(v)))
		})
	}
}

func TestPHPJSONRejects(t *testing.T) {
	t.Parallel()
	for _, in := range []string{``, ` `, `{`, `{"a":1}x`, `{"a":1}{}`, `[1,]`, `{'a':1}`, `email=a&b=c`, strings.Repeat("[", 600) + strings.Repeat("]", 600)} {
		_, err := decodePHP([]byte(in))
		assert.Error(t, err, "%.40q", in)
	}
	v, err := decodePHP([]byte(`null`))
	assert.NoError(t, err)
	assert.Nil(t, v)
}

func TestPHPConversions(t *testing.T) {
	t.Parallel()
	ints := map[string]int64{"12": 12, " 12": 12, "12abc": 12, "abc": 0, "": 0, "-5": -5, "2.9": 2, "1e3": 1000, "+7": 7, "99999999999999999999": 9223372036854775807}
	for in, want := range ints {
		assert.Equal(t, want, stringToInt(in), "(int)%q", in)
	}
	numeric := map[string]bool{"2": true, " 2": true, "2 ": true, "-2.5": true, ".5": true, "1e3": true, "abc": false, "": false, "2a": false, "+-2": false, "0x1A": false}
	for in, want := range numeric {
		assert.Equal(t, want, phpIsNumeric(in), "is_numeric(%q)", in)
	}
	for _, v := range []any{nil, false, "", "0", int64(0), 0.0, []any{}, newObject()} {
		assert.True(t, phpEmpty(v), "empty(%#v)", v)
	}
	for _, v := range []any{true, "false", "0.0", " ", int64(1), []any{1}} {
		assert.False(t, phpEmpty(v), "empty(%#v)", v)
	}
	sanitized := map[string]string{
		"  a \n\t b  ":          "a b",
		"<b>bold</b>":           "bold",
		"x<script>y</script>z":  "xz",
		"100%ab off":            "100 off",
		"caf\xe9":               "caf",
		"Ångström":              "Ångström",
		"a < b":                 "a &lt; b",
		"a<b<c>d":               "a&lt;bd",
		"<b>bold</b> <i>it</i>": "bold it",
	}
	for in, want := range sanitized {
		assert.Equal(t, want, sanitizeText(in), "sanitize_text_field(%q)", in)
	}
	emails := map[string]bool{"a@example.com": true, "a.b+c@mail.example.co.uk": true, "not-an-email": false, "a@b": false, "a@@b.com": false, "a b@c.com": false, "": false, ".a@b.com": false}
	for in, want := range emails {
		assert.Equal(t, want, validEmail(in), "email %q", in)
	}
	assert.Equal(t, "149.99", money("149.99"))
	assert.Equal(t, "25.50", money(25.5))
	assert.Equal(t, "0.00", money("abc"))
	assert.Equal(t, "1.01", money("1.005"))
	assert.Equal(t, "12.00", money("12abc"))
	assert.Equal(t, "2", quantity("2"))
	assert.Equal(t, "1.5", quantity("1.50"))
	assert.Equal(t, "0", quantity(""))
	assert.Equal(t, "1.0e+6", quantity("1000000"))
}

func TestPHPCastsOfJSONValues(t *testing.T) {
	t.Parallel()
	v, err := decodePHP([]byte(`[null,true,false,"12abc",2.9,-3,1e30,[],[1],{},{"a":1},"x"]`))
	require.NoError(t, err)
	list := v.([]any)
	assert.Equal(t, []int64{0, 1, 0, 12, 2, -3, 0, 0, 1, 0, 1, 0}, func() []int64 {
		var out []int64
		for _, e := range list {
			out = append(out, phpInt(e))
		}
		return out
	}())
	assert.Equal(t, []string{"", "1", "", "12abc", "2.9", "-3", "1.0e+30", "", "", "", "", "x"}, func() []string {
		var out []string
		for _, e := range list {
			out = append(out, phpString(e))
		}
		return out
	}())
	assert.Equal(t, int64(7), phpInt(int64(7)))
	assert.Equal(t, int64(7), phpInt(7))
	assert.Equal(t, int64(7), phpInt(7.9))
	assert.Equal(t, "7", phpString(7))
	assert.Equal(t, "7", phpString(int64(7)))
	assert.Equal(t, "0.5", phpString(0.5))
}

func TestWordPressAndMariaDBHelpers(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `o\'neil \"q\" a\\b`, addSlashes(`o'neil "q" a\b`))
	assert.Equal(t, "a\\b\x00cx", stripSlashes(`a\\b\0c\x`))
	assert.Equal(t, "Zo&euml; &euro; 日本 O&#039;Neil &quot;q&quot; &lt;a&gt; &amp; 😀", htmlEntities(`Zoë € 日本 O'Neil "q" <a> & 😀`))
	assert.Equal(t, "say34hi34", sanitizeKey("Say &#34;hi&#34;"))
	assert.Equal(t, "ab...", maxLen("abcdef", 5))
	assert.Equal(t, "abcde", maxLen("abcde", 5))
	assert.True(t, likeMatch("Zoë Smith", "%zoe%"))
	assert.True(t, likeMatch("100%off", `100\%off`))
	assert.False(t, likeMatch("100 off", `100\%off`))
	assert.True(t, likeMatch("abc", "a_c"))
	assert.False(t, likeMatch("abbc", "a_c"))
	assert.True(t, likeMatch(`a\b`, `a\\b`))
	assert.True(t, collationEqual("ADA@Example.com ", "ada@example.com"))
	assert.False(t, collationEqual("straße", "strasse"))
	assert.True(t, collationEqual("straße", "strase"))
	assert.False(t, storable("x 😀"))
	assert.False(t, storable("a\xffb"))
	assert.True(t, storable("日本 €"))
	assert.Equal(t, "12.35", phpMoney("12.345"))
	assert.Equal(t, "123456789012340.00", phpMoney("123456789012345.005"))
	assert.Equal(t, int64(2147483647), intColumn(1<<40))
	assert.Equal(t, int64(-2147483648), intColumn(-1<<40))
	assert.Equal(t, "a  b", tagName("a < b"))
	assert.Equal(t, "Bold & it", tagName("<b>Bold</b> & <i>it</i>"))
	assert.True(t, (&config{crmVersion: "6.10.0"}).companiesFixed())
	assert.False(t, (&config{crmVersion: "6.4.4"}).sortable())
}
