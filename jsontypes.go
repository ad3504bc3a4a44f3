package jetpackcrm

// Lenient JSON for the Jetpack CRM wire format: the one place that knows how
// loosely the server types its values.
//
// The API sends IDs as "12" in lists and 12 in create replies, money as
// strings, Unix times as ints or numeric strings with 0 and -1 meaning "unset",
// booleans as true, 1, "1" or -1, false where a value is missing, [] where an
// object is empty, and arrays of zero or one object where a single embedded
// object is meant. Custom fields arrive as extra top-level keys.
//
// The models decode in a single pass over the bytes: jsonReader walks the
// object once, each model switches on the key and reads the value with one of
// the lenient read methods below, and any key the model does not know becomes
// a custom field. There is no intermediate map and no second decode.
//
// Writing goes through jsonWriter, which emits wire names in a fixed order
// and puts custom fields at top level.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// maxJSONDepth bounds the nesting the reader follows, as encoding/json does.
const maxJSONDepth = 10000

// jsonDecodeError reports a value the lenient decoder could not accept. Path
// names the wire keys leading to it, e.g. "Customer.invoices.total".
type jsonDecodeError struct {
	Path   string
	Offset int
	Msg    string
}

func (e *jsonDecodeError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("jetpackcrm: invalid JSON at offset %d: %s", e.Offset, e.Msg)
	}
	return fmt.Sprintf("jetpackcrm: cannot decode %s (offset %d): %s", e.Path, e.Offset, e.Msg)
}

// inField prefixes the path of a decode error with name.
func inField(name string, err error) error {
	var de *jsonDecodeError
	if errors.As(err, &de) {
		if de.Path == "" {
			de.Path = name
		} else {
			de.Path = name + "." + de.Path
		}
	}
	return err
}

// quoteSnippet quotes at most 40 bytes of b for an error message.
func quoteSnippet(b []byte) string {
	const max = 40
	if len(b) > max {
		return strconv.Quote(string(b[:max])) + "..."
	}
	return strconv.Quote(string(b))
}

// jsonReader reads one JSON document in a single forward pass. Read methods
// consume exactly one value and leave pos after it.
type jsonReader struct {
	data  []byte
	pos   int
	depth int
}

func (r *jsonReader) skipSpace() {
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte, or 0 at the end (a NUL
// byte also gives 0; no JSON value starts with one).
func (r *jsonReader) peek() byte {
	r.skipSpace()
	if r.pos >= len(r.data) {
		return 0
	}
	return r.data[r.pos]
}

func (r *jsonReader) failAt(offset int, format string, args ...any) error {
	return &jsonDecodeError{Offset: offset, Msg: fmt.Sprintf(format, args...)}
}

func (r *jsonReader) unexpected(want string) error {
	if r.skipSpace(); r.pos >= len(r.data) {
		return r.failAt(r.pos, "unexpected end of JSON, want %s", want)
	}
	return r.failAt(r.pos, "unexpected %s, want %s", quoteSnippet(r.data[r.pos:r.pos+1]), want)
}

// end checks that nothing but white space follows the value.
func (r *jsonReader) end() error {
	if r.skipSpace(); r.pos < len(r.data) {
		return r.failAt(r.pos, "unexpected %s after the JSON value", quoteSnippet(r.data[r.pos:]))
	}
	return nil
}

// literal consumes the keyword word (true, false or null).
func (r *jsonReader) literal(word string) error {
	if len(r.data)-r.pos >= len(word) && string(r.data[r.pos:r.pos+len(word)]) == word {
		r.pos += len(word)
		return nil
	}
	return r.unexpected(word)
}

// openObject consumes '{' and reports whether the object is empty (then '}'
// is consumed too).
func (r *jsonReader) openObject() (empty bool, err error) {
	if r.peek() != '{' {
		return false, r.unexpected("an object")
	}
	r.pos++
	if r.peek() == '}' {
		r.pos++
		return true, nil
	}
	return false, nil
}

// openArray is openObject for arrays.
func (r *jsonReader) openArray() (empty bool, err error) {
	if r.peek() != '[' {
		return false, r.unexpected("an array")
	}
	r.pos++
	if r.peek() == ']' {
		r.pos++
		return true, nil
	}
	return false, nil
}

// objectKey reads a member name and the colon after it. The result may alias
// the input: copy it to keep it.
func (r *jsonReader) objectKey() ([]byte, error) {
	if r.peek() != '"' {
		return nil, r.unexpected("a member name")
	}
	key, err := r.stringBytes()
	if err != nil {
		return nil, err
	}
	if r.peek() != ':' {
		return nil, r.unexpected("':'")
	}
	r.pos++
	return key, nil
}

// nextMember consumes the ',' or the closing byte after an element.
func (r *jsonReader) nextMember(closing byte) (more bool, err error) {
	switch r.peek() {
	case ',':
		r.pos++
		return true, nil
	case closing:
		r.pos++
		return false, nil
	}
	return false, r.unexpected("',' or '" + string(closing) + "'")
}

// readObject calls member for each member of an object, with the reader
// positioned on the value; member must consume it. null, false and [] read
// as an empty object: PHP encodes an empty associative array as [].
func (r *jsonReader) readObject(member func(key []byte) error) error {
	switch r.peek() {
	case 'n':
		return r.literal("null")
	case 'f':
		return r.literal("false")
	case '[':
		start := r.pos
		empty, err := r.openArray()
		if err != nil {
			return err
		}
		if !empty {
			return r.failAt(start, "want an object, got a non-empty array")
		}
		return nil
	}
	empty, err := r.openObject()
	if err != nil || empty {
		return err
	}
	if r.depth++; r.depth > maxJSONDepth {
		return r.failAt(r.pos, "nesting too deep")
	}
	for {
		key, err := r.objectKey()
		if err != nil {
			return err
		}
		if err := member(key); err != nil {
			return inField(string(key), err)
		}
		more, err := r.nextMember('}')
		if err != nil {
			return err
		}
		if !more {
			r.depth--
			return nil
		}
	}
}

// readArray calls elem for each element of an array; elem must consume it.
// null and false read as an empty array, and so does {} (PHP's empty array
// in an object context). A non-empty object is read as a list of its values:
// PHP encodes an array with non-sequential keys that way.
func (r *jsonReader) readArray(elem func() error) error {
	switch r.peek() {
	case 'n':
		return r.literal("null")
	case 'f':
		return r.literal("false")
	case '{':
		return r.readObject(func([]byte) error { return elem() })
	}
	empty, err := r.openArray()
	if err != nil || empty {
		return err
	}
	if r.depth++; r.depth > maxJSONDepth {
		return r.failAt(r.pos, "nesting too deep")
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		more, err := r.nextMember(']')
		if err != nil {
			return err
		}
		if !more {
			r.depth--
			return nil
		}
	}
}

// stringBytes reads a JSON string and returns its decoded content. Without
// escapes and with valid UTF-8 the result aliases the input; otherwise it is
// a new slice, with invalid UTF-8 and lone surrogates replaced by U+FFFD as
// encoding/json does.
func (r *jsonReader) stringBytes() ([]byte, error) {
	start := r.pos + 1
	ascii := true
	for i := start; i < len(r.data); i++ {
		c := r.data[i]
		switch {
		case c == '"':
			s := r.data[start:i]
			if !ascii && !utf8.Valid(s) {
				return r.unescapeString(start)
			}
			r.pos = i + 1
			return s, nil
		case c == '\\':
			return r.unescapeString(start)
		case c < 0x20:
			return nil, r.failAt(i, "control character in string")
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, r.failAt(r.pos, "unterminated string")
}

func (r *jsonReader) unescapeString(start int) ([]byte, error) {
	out := make([]byte, 0, 32)
	for i := start; i < len(r.data); {
		c := r.data[i]
		switch {
		case c == '"':
			r.pos = i + 1
			return out, nil
		case c < 0x20:
			return nil, r.failAt(i, "control character in string")
		case c < utf8.RuneSelf && c != '\\':
			out = append(out, c)
			i++
		case c >= utf8.RuneSelf:
			ru, size := utf8.DecodeRune(r.data[i:])
			if ru == utf8.RuneError && size == 1 {
				out = utf8.AppendRune(out, utf8.RuneError)
			} else {
				out = append(out, r.data[i:i+size]...)
			}
			i += size
		default: // backslash
			if i+1 >= len(r.data) {
				return nil, r.failAt(i, "unterminated string")
			}
			switch e := r.data[i+1]; e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				ru, ok := hex4(r.data[i+2:])
				if !ok {
					return nil, r.failAt(i, "invalid \\u escape")
				}
				i += 6
				if utf16.IsSurrogate(ru) {
					if lo, ok := hex4(r.data[min(i+2, len(r.data)):]); ok && i+1 < len(r.data) && r.data[i] == '\\' && r.data[i+1] == 'u' {
						if dec := utf16.DecodeRune(ru, lo); dec != utf8.RuneError {
							ru = dec
							i += 6
						} else {
							ru = utf8.RuneError
						}
					} else {
						ru = utf8.RuneError
					}
				}
				out = utf8.AppendRune(out, ru)
				continue
			default:
				return nil, r.failAt(i, "invalid escape %s", quoteSnippet(r.data[i:i+2]))
			}
			i += 2
		}
	}
	return nil, r.failAt(r.pos, "unterminated string")
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var v rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		v = v<<4 | rune(c)
	}
	return v, true
}

// numberBytes reads a JSON number and returns its literal text.
func (r *jsonReader) numberBytes() ([]byte, error) {
	d := r.data
	start, i := r.pos, r.pos
	digits := func() bool {
		j := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case !digits():
		return nil, r.failAt(start, "invalid number %s", quoteSnippet(d[start:min(i+1, len(d))]))
	}
	if i < len(d) && d[i] == '.' {
		i++
		if !digits() {
			return nil, r.failAt(start, "invalid number %s", quoteSnippet(d[start:min(i+1, len(d))]))
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if !digits() {
			return nil, r.failAt(start, "invalid number %s", quoteSnippet(d[start:min(i+1, len(d))]))
		}
	}
	r.pos = i
	return d[start:i], nil
}

// Kinds returned by scalar.
const (
	kindString = '"'
	kindNumber = '0'
	kindTrue   = 't'
	kindFalse  = 'f'
	kindNull   = 'n'
	kindObject = '{'
	kindArray  = '['
)

// scalar consumes a string, number, true, false or null and returns its kind
// and, for strings and numbers, its decoded text. Objects and arrays are not
// consumed (kind '{' or '[').
func (r *jsonReader) scalar() (kind byte, text []byte, err error) {
	switch c := r.peek(); {
	case c == '"':
		text, err = r.stringBytes()
		return kindString, text, err
	case c == '-' || (c >= '0' && c <= '9'):
		text, err = r.numberBytes()
		return kindNumber, text, err
	case c == 't':
		return kindTrue, nil, r.literal("true")
	case c == 'f':
		return kindFalse, nil, r.literal("false")
	case c == 'n':
		return kindNull, nil, r.literal("null")
	case c == '{' || c == '[':
		return c, nil, nil
	}
	return 0, nil, r.unexpected("a JSON value")
}

// skipValue consumes one value of any kind, checking its syntax.
func (r *jsonReader) skipValue() error {
	kind, _, err := r.scalar()
	if err != nil {
		return err
	}
	switch kind {
	case kindObject:
		return r.readObject(func([]byte) error { return r.skipValue() })
	case kindArray:
		return r.readArray(r.skipValue)
	}
	return nil
}

// rawValue consumes one value and returns its JSON text (aliasing the input).
func (r *jsonReader) rawValue() ([]byte, error) {
	r.skipSpace()
	start := r.pos
	if err := r.skipValue(); err != nil {
		return nil, err
	}
	return r.data[start:r.pos], nil
}

// wrongKind reports a value of an unusable kind at offset start.
func (r *jsonReader) wrongKind(start int, kind byte, want string) error {
	names := map[byte]string{kindObject: "an object", kindArray: "an array", kindTrue: "true", kindFalse: "false", kindNull: "null", kindString: "a string", kindNumber: "a number"}
	return r.failAt(start, "cannot read %s as %s", names[kind], want)
}

// parseInt64 parses an optionally signed run of decimal digits.
func parseInt64(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		c -= '0'
		if c > 9 {
			return 0, false
		}
		n = n*10 + uint64(c)
	}
	if neg {
		if n > 1<<63 {
			return 0, false
		}
		return -int64(n), true
	}
	if n > math.MaxInt64 {
		return 0, false
	}
	return int64(n), true
}

// isNumeric reports whether b looks like a decimal number (digits, sign,
// point, exponent), so that strconv never sees "Inf", "NaN" or "0x10".
func isNumeric(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	digit := false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E':
		default:
			return false
		}
	}
	return digit
}

// trimSpace trims ASCII white space.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// intText parses the text of an integer: digits, or an integral number such
// as 12.0 or 1e3. Fractions are refused.
func intText(b []byte) (int64, bool) {
	if n, ok := parseInt64(b); ok {
		return n, true
	}
	if !isNumeric(b) || !bytes.ContainsAny(b, ".eE") { // plain digits that overflow stay refused
		return 0, false
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f != math.Trunc(f) || f >= 1<<63 || f <= -(1<<63) {
		return 0, false
	}
	return int64(f), true
}

// readInt64 reads an integer from 12, "12", "" (0), null (0) or false (0).
// IDs are strings in lists and ints in create replies; false stands for
// "none" (the legacy "customer":false).
func (r *jsonReader) readInt64() (int64, error) { return r.readIntAs("an integer") }

func (r *jsonReader) readIntAs(what string) (int64, error) {
	start := r.peekPos()
	kind, text, err := r.scalar()
	if err != nil {
		return 0, err
	}
	switch kind {
	case kindNumber, kindString:
		text = trimSpace(text)
		if kind == kindString && len(text) == 0 {
			return 0, nil
		}
		if n, ok := intText(text); ok {
			return n, nil
		}
		return 0, r.failAt(start, "cannot read %s as %s", quoteSnippet(text), what)
	case kindNull, kindFalse:
		return 0, nil
	}
	return 0, r.wrongKind(start, kind, what)
}

// peekPos returns the offset of the next value.
func (r *jsonReader) peekPos() int {
	r.skipSpace()
	return r.pos
}

// readDecimal reads money from "149.99", 149.99, "" (zero), null or false
// (zero). Numbers are parsed from their text, never through float64.
func (r *jsonReader) readDecimal() (decimal.Decimal, error) {
	start := r.peekPos()
	kind, text, err := r.scalar()
	if err != nil {
		return decimal.Decimal{}, err
	}
	switch kind {
	case kindNumber, kindString:
		text = trimSpace(text)
		if len(text) == 0 {
			return decimal.Decimal{}, nil
		}
		if isNumeric(text) {
			if d, err := decimal.NewFromString(string(text)); err == nil {
				return d, nil
			}
		}
		return decimal.Decimal{}, r.failAt(start, "cannot read %s as a decimal amount", quoteSnippet(text))
	case kindNull, kindFalse:
		return decimal.Decimal{}, nil
	}
	return decimal.Decimal{}, r.wrongKind(start, kind, "a decimal amount")
}

// readUnix reads a Unix timestamp in seconds from an int or a numeric
// string. 0, -1 (any value <= 0), "", false and null are the server's
// "unset" and give the zero time.Time.
//
// Every decoded time is in time.Local, as time.Unix returns it, whatever
// its source (timestamps or UTC strings), so that equal instants compare
// equal with == and reflect.DeepEqual as well as with Equal.
func (r *jsonReader) readUnix() (time.Time, error) {
	n, err := r.readIntAs("a Unix timestamp")
	return unixTime(n), err
}

func unixTime(n int64) time.Time {
	if n <= 0 {
		return time.Time{}
	}
	return time.Unix(n, 0)
}

// wireTimeLayouts are the date-time strings the server echoes back or the
// legacy shapes carry: what the SDK sends, PHP's m/d/Y forms, ISO 8601, and
// the legacy d.m.Y quote date. They carry no zone; the server's strtotime
// runs in UTC, so they are read as UTC.
var wireTimeLayouts = [...]string{
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"01/02/2006 15:04:05",
	"01/02/2006 15:04",
	"01/02/2006",
	time.RFC3339,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"02.01.2006",
}

// parseWireTime parses s with wireTimeLayouts (as UTC unless s has an
// offset) and returns it in time.Local; ok is false when no layout fits.
func parseWireTime(s string) (time.Time, bool) {
	for _, layout := range wireTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.Local(), true
		}
	}
	return time.Time{}, false
}

// readDateTime reads a time that may be a Unix timestamp (int or numeric
// string, <= 0 meaning unset) or a date-time string (wireTimeLayouts, read as
// UTC). A string in any other format (strtotime reads many) gives the zero
// time rather than an error: it only ever comes from an echo of what the
// caller sent or from a legacy shape.
func (r *jsonReader) readDateTime() (time.Time, error) {
	start := r.peekPos()
	kind, text, err := r.scalar()
	if err != nil {
		return time.Time{}, err
	}
	switch kind {
	case kindNumber, kindString:
		text = trimSpace(text)
		if n, ok := intText(text); ok {
			return unixTime(n), nil
		}
		if kind == kindNumber {
			return time.Time{}, r.failAt(start, "cannot read %s as a Unix timestamp", quoteSnippet(text))
		}
		t, _ := parseWireTime(string(text))
		return t, nil
	case kindNull, kindFalse:
		return time.Time{}, nil
	}
	return time.Time{}, r.wrongKind(start, kind, "a date and time")
}

// readBool reads true/false, 1/0/-1, "1"/"0"/"-1", "true"/"false", "" and
// null. -1 is the server's "unset" and reads as false.
func (r *jsonReader) readBool() (bool, error) {
	start := r.peekPos()
	kind, text, err := r.scalar()
	if err != nil {
		return false, err
	}
	switch kind {
	case kindTrue:
		return true, nil
	case kindFalse, kindNull:
		return false, nil
	case kindNumber, kindString:
		switch strings.ToLower(string(trimSpace(text))) {
		case "1", "true":
			return true, nil
		case "0", "-1", "false", "":
			return false, nil
		}
		return false, r.failAt(start, "cannot read %s as a boolean", quoteSnippet(text))
	}
	return false, r.wrongKind(start, kind, "a boolean")
}

// readString reads text from a string, a number (its literal text: the
// server echoes "fname":12345 as sent), null ("") or false (""). true,
// objects and arrays are refused.
func (r *jsonReader) readString() (string, error) {
	start := r.peekPos()
	kind, text, err := r.scalar()
	if err != nil {
		return "", err
	}
	switch kind {
	case kindString, kindNumber:
		return string(text), nil
	case kindNull, kindFalse:
		return "", nil
	}
	return "", r.wrongKind(start, kind, "text")
}

// readCustomValue reads the value of a custom field. It accepts any JSON:
// strings as they are, numbers and true/false as their literal text, null as
// "", and arrays or objects as their JSON text.
func (r *jsonReader) readCustomValue() (string, error) {
	start := r.peekPos()
	kind, text, err := r.scalar()
	if err != nil {
		return "", err
	}
	switch kind {
	case kindString, kindNumber:
		return string(text), nil
	case kindNull:
		return "", nil
	case kindTrue:
		return "true", nil
	case kindFalse:
		return "false", nil
	}
	if err := r.skipValue(); err != nil {
		return "", err
	}
	return string(r.data[start:r.pos]), nil
}

// readStrings reads an array of lenient strings. null gives nil and [] an
// empty, non-nil slice, so "present but empty" stays visible.
func (r *jsonReader) readStrings() ([]string, error) {
	if k := r.peek(); k == 'n' || k == 'f' {
		return nil, r.skipValue()
	}
	out := []string{}
	err := r.readArray(func() error {
		s, err := r.readString()
		out = append(out, s)
		return err
	})
	return out, err
}

// readList reads an array of objects with decode. null reads as nil, [] as
// an empty non-nil slice (the server sends [] for "asked for, none").
func readList[T any](r *jsonReader, decode func(*T, *jsonReader) error) ([]*T, error) {
	if k := r.peek(); k == 'n' || k == 'f' {
		return nil, r.skipValue()
	}
	out := []*T{}
	err := r.readArray(func() error {
		v := new(T)
		out = append(out, v)
		return decode(v, r)
	})
	return out, err
}

// readValues is readList for slices of values.
func readValues[T any](r *jsonReader, decode func(*T, *jsonReader) error) ([]T, error) {
	if k := r.peek(); k == 'n' || k == 'f' {
		return nil, r.skipValue()
	}
	out := []T{}
	err := r.readArray(func() error {
		var v T
		err := decode(&v, r)
		out = append(out, v)
		return err
	})
	return out, err
}

// readOne reads an embedded object that the server sends as an array of 0
// or 1 objects ("contact":[{...}] or "contact":[]). [], null and false give
// nil; a bare object is accepted too; elements after the first are ignored.
func readOne[T any](r *jsonReader, decode func(*T, *jsonReader) error) (*T, error) {
	switch r.peek() {
	case 'n', 'f':
		return nil, r.skipValue()
	case '{':
		v := new(T)
		return v, decode(v, r)
	case '[':
	default:
		return nil, r.unexpected("an array of at most one object")
	}
	var first *T
	err := r.readArray(func() error {
		if first != nil {
			return r.skipValue()
		}
		if k := r.peek(); k == 'n' || k == 'f' {
			return r.skipValue()
		}
		first = new(T)
		return decode(first, r)
	})
	return first, err
}

// isCustomFieldCompanion reports keys the server derives from a date custom
// field (<slug>_cfdate, <slug>_datetime_str, <slug>_date_str): formatted
// copies, not fields of their own.
func isCustomFieldCompanion(key []byte) bool {
	s := string(key)
	return strings.HasSuffix(s, "_cfdate") || strings.HasSuffix(s, "_datetime_str") || strings.HasSuffix(s, "_date_str")
}

// readCustomField stores the value of an unknown key in *fields, allocating
// the map on first use. Companion keys of date custom fields are skipped.
func (r *jsonReader) readCustomField(fields *map[string]string, key []byte) error {
	if isCustomFieldCompanion(key) {
		return r.skipValue()
	}
	v, err := r.readCustomValue()
	if err != nil {
		return err
	}
	if *fields == nil {
		*fields = make(map[string]string, 4)
	}
	(*fields)[string(key)] = v
	return nil
}

// unmarshalObject is the body of every model's UnmarshalJSON: b must be one
// JSON object (or null, which leaves v untouched), decoded by decode. name
// prefixes error paths. A bare [] is refused: customer_search answers [] for
// "not found", which must not decode as an empty record.
func unmarshalObject[T any](b []byte, v *T, name string, decode func(*T, *jsonReader) error) error {
	r := jsonReader{data: b}
	switch r.peek() {
	case 'n':
		if err := r.literal("null"); err != nil {
			return err
		}
		return r.end()
	case '{':
	default:
		return inField(name, r.unexpected("a JSON object"))
	}
	if err := decode(v, &r); err != nil {
		return inField(name, err)
	}
	return r.end()
}

// isEmptyJSONArray reports whether b is [] (with optional white space): the
// customer_search "not found" answer and PHP's encoding of any empty array.
func isEmptyJSONArray(b []byte) bool {
	r := jsonReader{data: b}
	empty, err := r.openArray()
	return err == nil && empty && r.end() == nil
}

// unmarshalScalar is the body of the flex types' UnmarshalJSON.
func unmarshalScalar[T any](b []byte, read func(*jsonReader) (T, error)) (T, error) {
	r := jsonReader{data: b}
	v, err := read(&r)
	if err == nil {
		err = r.end()
	}
	return v, err
}

// flexInt64 is an int64 decoded leniently (see jsonReader.readInt64), for
// use in ad-hoc wire structs.
type flexInt64 int64

// UnmarshalJSON implements json.Unmarshaler.
func (v *flexInt64) UnmarshalJSON(b []byte) error {
	n, err := unmarshalScalar(b, (*jsonReader).readInt64)
	*v = flexInt64(n)
	return err
}

// flexDecimal is money decoded leniently (see jsonReader.readDecimal).
type flexDecimal decimal.Decimal

// UnmarshalJSON implements json.Unmarshaler.
func (v *flexDecimal) UnmarshalJSON(b []byte) error {
	d, err := unmarshalScalar(b, (*jsonReader).readDecimal)
	*v = flexDecimal(d)
	return err
}

// flexUnixTime is a Unix timestamp decoded leniently (see jsonReader.readUnix).
type flexUnixTime time.Time

// UnmarshalJSON implements json.Unmarshaler.
func (v *flexUnixTime) UnmarshalJSON(b []byte) error {
	t, err := unmarshalScalar(b, (*jsonReader).readUnix)
	*v = flexUnixTime(t)
	return err
}

// flexBool is a boolean decoded leniently (see jsonReader.readBool).
type flexBool bool

// UnmarshalJSON implements json.Unmarshaler.
func (v *flexBool) UnmarshalJSON(b []byte) error {
	x, err := unmarshalScalar(b, (*jsonReader).readBool)
	*v = flexBool(x)
	return err
}

// flexString is text decoded leniently (see jsonReader.readString).
type flexString string

// UnmarshalJSON implements json.Unmarshaler.
func (v *flexString) UnmarshalJSON(b []byte) error {
	s, err := unmarshalScalar(b, (*jsonReader).readString)
	*v = flexString(s)
	return err
}

// flexMap is an object that PHP sends as [] when it is empty (e.g. the
// status endpoint's "extensions"). Values are decoded with encoding/json.
// null leaves it nil; [] and {} give an empty map.
type flexMap[V any] map[string]V

// UnmarshalJSON implements json.Unmarshaler.
func (m *flexMap[V]) UnmarshalJSON(b []byte) error {
	r := jsonReader{data: b}
	if r.peek() == 'n' {
		*m = nil
		return unmarshalScalarEnd(&r, r.literal("null"))
	}
	out := flexMap[V]{}
	err := r.readObject(func(key []byte) error {
		raw, err := r.rawValue()
		if err != nil {
			return err
		}
		var v V
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		out[string(key)] = v
		return nil
	})
	*m = out
	return unmarshalScalarEnd(&r, err)
}

func unmarshalScalarEnd(r *jsonReader, err error) error {
	if err != nil {
		return err
	}
	return r.end()
}

// flexOne is an embedded object the server sends as an array of 0 or 1
// objects; Value is nil for [], null and false. The element is decoded with
// encoding/json.
type flexOne[T any] struct{ Value *T }

// UnmarshalJSON implements json.Unmarshaler.
func (o *flexOne[T]) UnmarshalJSON(b []byte) error {
	r := jsonReader{data: b}
	v, err := readOne(&r, func(v *T, r *jsonReader) error {
		raw, err := r.rawValue()
		if err != nil {
			return err
		}
		return json.Unmarshal(raw, v)
	})
	o.Value = v
	return unmarshalScalarEnd(&r, err)
}

// jsonWriter builds one JSON object with wire names in a fixed order.
type jsonWriter struct {
	buf []byte
	n   int
}

func newJSONWriter() *jsonWriter {
	w := &jsonWriter{buf: make([]byte, 0, 512)}
	w.buf = append(w.buf, '{')
	return w
}

func (w *jsonWriter) key(k string) {
	if w.n > 0 {
		w.buf = append(w.buf, ',')
	}
	w.n++
	w.buf = appendJSONString(w.buf, k)
	w.buf = append(w.buf, ':')
}

// str writes a string member, even when empty.
func (w *jsonWriter) str(k, v string) {
	w.key(k)
	w.buf = appendJSONString(w.buf, v)
}

// strOmit writes a string member unless it is empty: the API stores ""
// over the current value.
func (w *jsonWriter) strOmit(k, v string) {
	if v != "" {
		w.str(k, v)
	}
}

func (w *jsonWriter) int(k string, v int64) {
	w.key(k)
	w.buf = strconv.AppendInt(w.buf, v, 10)
}

// positive writes an int member only when it is > 0 (IDs, owners).
func (w *jsonWriter) positive(k string, v int64) {
	if v > 0 {
		w.int(k, v)
	}
}

func (w *jsonWriter) boolean(k string, v bool) {
	w.key(k)
	w.buf = strconv.AppendBool(w.buf, v)
}

// money writes a decimal as a JSON string, keeping its scale ("120.00").
func (w *jsonWriter) money(k string, d decimal.Decimal) {
	w.key(k)
	w.buf = appendJSONString(w.buf, formatDecimal(d))
}

// moneyOmit writes a decimal unless it is zero.
func (w *jsonWriter) moneyOmit(k string, d decimal.Decimal) {
	if !d.IsZero() {
		w.money(k, d)
	}
}

// unix writes a time as Unix seconds, 0 for the zero time.
func (w *jsonWriter) unix(k string, t time.Time) {
	var n int64
	if !t.IsZero() {
		n = t.Unix()
	}
	w.int(k, n)
}

func (w *jsonWriter) raw(k string, v []byte) {
	w.key(k)
	w.buf = append(w.buf, v...)
}

// value writes v encoded by encoding/json.
func (w *jsonWriter) value(k string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.raw(k, b)
	return nil
}

// strList writes a list of strings.
func (w *jsonWriter) strList(k string, vs []string) {
	w.key(k)
	w.buf = append(w.buf, '[')
	for i, v := range vs {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.buf = appendJSONString(w.buf, v)
	}
	w.buf = append(w.buf, ']')
}

// customFields writes custom fields at top level, sorted by key.
func (w *jsonWriter) customFields(fields map[string]string) {
	if len(fields) == 0 {
		return // spares sorting no keys, which allocates
	}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		w.str(k, fields[k])
	}
}

func (w *jsonWriter) bytes() []byte {
	return append(w.buf, '}')
}

// formatDecimal formats d keeping its scale, so "4250.50" stays "4250.50".
func formatDecimal(d decimal.Decimal) string {
	if exp := d.Exponent(); exp < 0 {
		return d.StringFixed(-exp)
	}
	return d.String()
}

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD,
// as with encoding/json.
func appendJSONString(buf []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		ru, size := utf8.DecodeRuneInString(s[i:])
		if ru == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if ru == '\u2028' || ru == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[ru&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

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

// namedString pairs a Go field name with its value for checkUTF8.
type namedString struct{ name, value string }

// checkUTF8 refuses invalid UTF-8 (encoding would silently turn it into
// U+FFFD and the server would store the replacement) and text checkText
// refuses.
func checkUTF8(fields ...namedString) error {
	for _, f := range fields {
		if !utf8.ValidString(f.value) {
			return invalidField(f.name, "not valid UTF-8")
		}
		if err := checkText(f.name, f.value); err != nil {
			return err
		}
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
		case checkText(name, fields[k]) != nil:
			return checkText(name, fields[k])
		case builtin(k):
			return invalidField(name, "collides with the built-in key %q; set the struct field instead", k)
		}
	}
	return nil
}

// decodesAsCustomField reports whether a model's field decoder stores key as
// a custom field. It feeds the decoder a null value and looks at the map, so
// the decoder's own key switch is the single list of built-in keys.
func decodesAsCustomField(key string, decodeField func(r *jsonReader, key []byte) (map[string]string, error)) bool {
	r := jsonReader{data: []byte("null")}
	fields, err := decodeField(&r, []byte(key))
	return err == nil && fields != nil
}
