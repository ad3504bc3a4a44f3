package jetpackcrmtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file emulates PHP's json_decode($body, true) and WordPress's
// wp_json_encode(): the real API echoes request bodies back through them, so
// key order, number formatting and string escaping must survive the round trip.
//
// A decoded value is one of: nil, bool, json.Number, string, []any or *object.
// Response builders may also use int, int64, float64 and []byte (raw JSON).

// maxJSONDepth is PHP's default json_decode depth limit.
const maxJSONDepth = 512

// object is a JSON object (a PHP associative array) that keeps its key order.
type object struct {
	keys []string
	vals map[string]any
}

// newObject returns an empty ordered object.
func newObject() *object { return &object{vals: map[string]any{}} }

// set stores v under k, keeping the position of an existing key (as PHP does
// for duplicate keys and for reassignment).
func (o *object) set(k string, v any) *object {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
	return o
}

// get returns the value under k and whether it is present.
func (o *object) get(k string) (any, bool) {
	if o == nil {
		return nil, false
	}
	v, ok := o.vals[k]
	return v, ok
}

// has reports whether k is present (PHP array_key_exists).
func (o *object) has(k string) bool {
	_, ok := o.get(k)
	return ok
}

// len returns the number of keys.
func (o *object) len() int {
	if o == nil {
		return 0
	}
	return len(o.keys)
}

// errInvalidJSON is returned for anything json_decode would turn into null.
var errInvalidJSON = errors.New("invalid JSON")

// decodePHP decodes data like PHP's json_decode($data, true): objects keep
// their key order, duplicate keys keep the first position and the last value,
// trailing garbage, empty input and nesting deeper than 512 are errors.
// A JSON null decodes to (nil, nil); callers that need to tell it apart from
// invalid JSON check the error.
func decodePHP(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec, 1)
	if err != nil {
		return nil, errInvalidJSON
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errInvalidJSON
	}
	return v, nil
}

func decodeValue(dec *json.Decoder, depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, errInvalidJSON
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := newObject()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, errInvalidJSON
				}
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				o.set(k, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return o, nil
		case '[':
			list := []any{}
			for dec.More() {
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return list, nil
		}
		return nil, errInvalidJSON
	default:
		return t, nil // nil, bool, json.Number, string
	}
}

// encodePHP encodes v the way wp_json_encode() does with no flags: "/" is
// escaped, non-ASCII becomes \uXXXX, an empty object becomes [] and an object
// whose keys are "0".."n-1" in order becomes a list.
func encodePHP(v any) []byte {
	var b bytes.Buffer
	writePHP(&b, v)
	return b.Bytes()
}

func writePHP(b *bytes.Buffer, v any) {
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if t {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case string:
		writePHPString(b, t)
	case json.Number:
		b.WriteString(phpNumberLiteral(t))
	case int:
		b.WriteString(strconv.Itoa(t))
	case int64:
		b.WriteString(strconv.FormatInt(t, 10))
	case float64:
		b.WriteString(phpFloat(t))
	case json.RawMessage:
		// Raw JSON (a webhook reply) is re-encoded the way PHP would.
		dv, err := decodePHP(t)
		if err != nil {
			b.WriteString("null")
			return
		}
		writePHP(b, dv)
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			writePHP(b, e)
		}
		b.WriteByte(']')
	case []*object:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			writePHP(b, e)
		}
		b.WriteByte(']')
	case *object:
		if t == nil || len(t.keys) == 0 {
			b.WriteString("[]")
			return
		}
		if t.isList() {
			b.WriteByte('[')
			for i, k := range t.keys {
				if i > 0 {
					b.WriteByte(',')
				}
				writePHP(b, t.vals[k])
			}
			b.WriteByte(']')
			return
		}
		b.WriteByte('{')
		for i, k := range t.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writePHPString(b, k)
			b.WriteByte(':')
			writePHP(b, t.vals[k])
		}
		b.WriteByte('}')
	default:
		// Anything else (only reachable from a webhook handler's reply) goes
		// through encoding/json first, then through the PHP encoder.
		raw, err := json.Marshal(t)
		if err != nil {
			b.WriteString("null")
			return
		}
		dv, err := decodePHP(raw)
		if err != nil {
			b.WriteString("null")
			return
		}
		writePHP(b, dv)
	}
}

// isList reports whether PHP would see the object's keys as the integer keys
// 0..n-1 in order, which json_encode writes as a JSON list.
func (o *object) isList() bool {
	for i, k := range o.keys {
		if k != strconv.Itoa(i) {
			return false
		}
	}
	return true
}

const hexDigits = "0123456789abcdef"

// writePHPString writes s as json_encode does without flags.
func writePHPString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '/':
			b.WriteString(`\/`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			writeU(b, uint16(r))
		case r < utf8.RuneSelf:
			b.WriteByte(byte(r))
		case r > 0xFFFF:
			r1, r2 := utf16.EncodeRune(r)
			writeU(b, uint16(r1))
			writeU(b, uint16(r2))
		default:
			writeU(b, uint16(r))
		}
	}
	b.WriteByte('"')
}

func writeU(b *bytes.Buffer, u uint16) {
	b.WriteString(`\u`)
	b.WriteByte(hexDigits[u>>12&0xF])
	b.WriteByte(hexDigits[u>>8&0xF])
	b.WriteByte(hexDigits[u>>4&0xF])
	b.WriteByte(hexDigits[u&0xF])
}

// phpNumberLiteral re-encodes a decoded JSON number as PHP would: integers
// that fit in int64 stay integers, everything else becomes a PHP float.
func phpNumberLiteral(n json.Number) string {
	s := n.String()
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return strconv.FormatInt(i, 10)
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return "0"
	}
	return phpFloat(f)
}

// phpFloat formats f like json_encode with serialize_precision -1: the
// shortest round-trip digits (php_gcvt mode 0), fixed notation unless the
// decimal point position is below -3 or above 17, exponential as "1.0e+25".
func phpFloat(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "0" // json_encode fails on these; WordPress then sends false. Never reached from JSON input.
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // e.g. "-1.2345e+06"
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	decpt := exp + 1
	if decpt < -3 || decpt > 17 {
		neg := strings.HasPrefix(mant, "-")
		mant = strings.TrimPrefix(mant, "-")
		if !strings.Contains(mant, ".") {
			mant += ".0"
		}
		sign := "+"
		if exp < 0 {
			sign = "-"
			exp = -exp
		}
		out := fmt.Sprintf("%se%s%d", mant, sign, exp)
		if neg {
			out = "-" + out
		}
		return out
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
