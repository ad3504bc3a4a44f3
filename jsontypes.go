package jetpackcrm

// Lenient JSON for the Jetpack CRM wire format: the one place that knows how
// loosely the server types its values, and the one codec every model goes
// through.
//
// The API sends IDs as "12" in lists and 12 in create replies, money as
// strings, Unix times as ints or numeric strings with 0 and -1 meaning "unset",
// booleans as true, 1, "1" or -1, false where a value is missing, [] where an
// object is empty, and arrays of zero or one object where a single embedded
// object is meant. Custom fields arrive as extra top-level keys.
//
// Each model names its wire keys once, in struct tags (see wire.go for the
// tag syntax); the codec reads the tags once and then decodes and encodes
// every model in a single pass over github.com/go-json-experiment/json's
// jsontext tokens, with the lenient rules below applied by Go type.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/shopspring/decimal"
)

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

// asDecodeError turns an error of jsontext (syntax, unexpected end) into a
// *jsonDecodeError; other errors are returned as they are.
func asDecodeError(err error) error {
	if err == nil {
		return nil
	}
	var de *jsonDecodeError
	var se *jsontext.SyntacticError
	switch {
	case errors.As(err, &de):
		return err
	case errors.As(err, &se):
		msg := "invalid JSON"
		if se.Err != nil {
			msg = se.Err.Error()
		}
		return &jsonDecodeError{Offset: int(se.ByteOffset), Msg: msg}
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return &jsonDecodeError{Msg: "unexpected end of JSON"}
	}
	return err
}

// inField prefixes the path of a decode error with name.
func inField(name string, err error) error {
	err = asDecodeError(err)
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

// maxJSONDepth is the nesting jsontext follows (its fixed limit, the same
// as encoding/json's).
const maxJSONDepth = 10000

// decodeOptions: PHP repeats keys (the last wins, as with encoding/json) and
// can send invalid UTF-8, which is replaced by U+FFFD as encoding/json does.
var decodeOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// pooledDecoder reads a []byte in place (jsontext reads a *bytes.Buffer
// without copying it).
type pooledDecoder struct {
	dec jsontext.Decoder
	src bytes.Buffer
}

var decoders = sync.Pool{New: func() any { return new(pooledDecoder) }}

// decodeAll runs read over b, which must hold exactly one JSON value.
func decodeAll(b []byte, read func(d *jsontext.Decoder) error) error {
	pd := decoders.Get().(*pooledDecoder)
	pd.src = *bytes.NewBuffer(b)
	pd.dec.Reset(&pd.src, decodeOptions...)
	err := read(&pd.dec)
	if err == nil {
		if _, next := pd.dec.ReadToken(); next == nil {
			err = &jsonDecodeError{Offset: int(pd.dec.InputOffset()) - 1, Msg: "unexpected data after the JSON value"}
		} else if next != io.EOF {
			err = next
		}
	}
	pd.src = bytes.Buffer{}
	pd.dec.Reset(&pd.src)
	decoders.Put(pd)
	return asDecodeError(err)
}

// readValue reads one value and applies a lenient rule to it; a refusal is
// reported at the value's offset.
func readValue[T any](d *jsontext.Decoder, rule func(jsontext.Value) (T, error)) (T, error) {
	v, err := d.ReadValue()
	if err != nil {
		var zero T
		return zero, err
	}
	x, err := rule(v)
	if err != nil {
		return x, &jsonDecodeError{Offset: int(d.InputOffset()) - len(v), Msg: err.Error()}
	}
	return x, nil
}

// unquote returns the content of the JSON string v (as validated by the
// decoder). Without escapes and with valid UTF-8 it aliases v; otherwise it
// is a new slice, with invalid UTF-8 and lone surrogates replaced by U+FFFD.
func unquote(v jsontext.Value) []byte {
	s := v[1 : len(v)-1]
	plain := true
	for _, c := range s {
		if c == '\\' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain || (bytes.IndexByte(s, '\\') < 0 && utf8.Valid(s)) {
		return s
	}
	out, _ := jsontext.AppendUnquote(nil, v) // the only error left is invalid UTF-8, already replaced
	return out
}

// text returns the text of a string or number value and its kind.
func text(v jsontext.Value) (jsontext.Kind, []byte) {
	switch k := v.Kind(); k {
	case '"':
		return k, unquote(v)
	case '0':
		return k, v
	default:
		return k, nil
	}
}

// kindNames are the kinds of value the rules refuse, for their messages.
var kindNames = map[jsontext.Kind]string{'{': "an object", '[': "an array", 't': "true", 'f': "false", 'n': "null", '"': "a string", '0': "a number"}

func wrongKind(k jsontext.Kind, want string) error {
	return fmt.Errorf("cannot read %s as %s", kindNames[k], want)
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

// lenientInt reads an integer from 12, "12", "" (0), null (0) or false (0).
// IDs are strings in lists and ints in create replies; false stands for
// "none" (the legacy "customer":false).
func lenientInt(v jsontext.Value) (int64, error) { return intAs(v, "an integer") }

func intAs(v jsontext.Value, what string) (int64, error) {
	switch k, t := text(v); k {
	case '"', '0':
		t = trimSpace(t)
		if k == '"' && len(t) == 0 {
			return 0, nil
		}
		if n, ok := intText(t); ok {
			return n, nil
		}
		return 0, fmt.Errorf("cannot read %s as %s", quoteSnippet(t), what)
	case 'n', 'f':
		return 0, nil
	default:
		return 0, wrongKind(k, what)
	}
}

// lenientDecimal reads money from "149.99", 149.99, "" (zero), null or false
// (zero). Numbers are parsed from their text, never through float64.
func lenientDecimal(v jsontext.Value) (decimal.Decimal, error) {
	switch k, t := text(v); k {
	case '"', '0':
		t = trimSpace(t)
		if len(t) == 0 {
			return decimal.Decimal{}, nil
		}
		if isNumeric(t) {
			if d, err := decimal.NewFromString(string(t)); err == nil {
				return d, nil
			}
		}
		return decimal.Decimal{}, fmt.Errorf("cannot read %s as a decimal amount", quoteSnippet(t))
	case 'n', 'f':
		return decimal.Decimal{}, nil
	default:
		return decimal.Decimal{}, wrongKind(k, "a decimal amount")
	}
}

// lenientUnix reads a Unix timestamp in seconds from an int or a numeric
// string. 0, -1 (any value <= 0), "", false and null are the server's
// "unset" and give the zero time.Time.
//
// Every decoded time is in time.Local, as time.Unix returns it, whatever
// its source (timestamps or UTC strings), so that equal instants compare
// equal with == and reflect.DeepEqual as well as with Equal.
func lenientUnix(v jsontext.Value) (time.Time, error) {
	n, err := intAs(v, "a Unix timestamp")
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

// lenientDateTime reads a time that may be a Unix timestamp (int or numeric
// string, <= 0 meaning unset) or a date-time string (wireTimeLayouts, read as
// UTC). A string in any other format (strtotime reads many) gives the zero
// time rather than an error: it only ever comes from an echo of what the
// caller sent or from a legacy shape.
func lenientDateTime(v jsontext.Value) (time.Time, error) {
	switch k, t := text(v); k {
	case '"', '0':
		t = trimSpace(t)
		if n, ok := intText(t); ok {
			return unixTime(n), nil
		}
		if k == '0' {
			return time.Time{}, fmt.Errorf("cannot read %s as a Unix timestamp", quoteSnippet(t))
		}
		tm, _ := parseWireTime(string(t))
		return tm, nil
	case 'n', 'f':
		return time.Time{}, nil
	default:
		return time.Time{}, wrongKind(k, "a date and time")
	}
}

// lenientBool reads true/false, 1/0/-1, "1"/"0"/"-1", "true"/"false", "" and
// null. -1 is the server's "unset" and reads as false.
func lenientBool(v jsontext.Value) (bool, error) {
	switch k, t := text(v); k {
	case 't':
		return true, nil
	case 'f', 'n':
		return false, nil
	case '"', '0':
		switch strings.ToLower(string(trimSpace(t))) {
		case "1", "true":
			return true, nil
		case "0", "-1", "false", "":
			return false, nil
		}
		return false, fmt.Errorf("cannot read %s as a boolean", quoteSnippet(t))
	default:
		return false, wrongKind(k, "a boolean")
	}
}

// lenientString reads text from a string, a number (its literal text: the
// server echoes "fname":12345 as sent), null ("") or false (""). true,
// objects and arrays are refused.
func lenientString(v jsontext.Value) (string, error) {
	switch k, t := text(v); k {
	case '"', '0':
		return string(t), nil
	case 'n', 'f':
		return "", nil
	default:
		return "", wrongKind(k, "text")
	}
}

// customValue reads the value of a custom field. It accepts any JSON:
// strings as they are, numbers and true/false as their literal text, null as
// "", and arrays or objects as their JSON text.
func customValue(v jsontext.Value) (string, error) {
	switch k, t := text(v); k {
	case '"', '0':
		return string(t), nil
	case 'n':
		return "", nil
	default:
		return string(v), nil
	}
}

// isCustomFieldCompanion reports keys the server derives from a date custom
// field (<slug>_cfdate, <slug>_datetime_str, <slug>_date_str): formatted
// copies, not fields of their own.
func isCustomFieldCompanion(key string) bool {
	return strings.HasSuffix(key, "_cfdate") || strings.HasSuffix(key, "_datetime_str") || strings.HasSuffix(key, "_date_str")
}

// isEmptyJSONArray reports whether b is [] (with optional white space): the
// customer_search "not found" answer and PHP's encoding of any empty array.
func isEmptyJSONArray(b []byte) bool {
	return decodeAll(b, func(d *jsontext.Decoder) error {
		if d.PeekKind() != '[' {
			return errNotEmptyArray
		}
		if _, err := d.ReadToken(); err != nil {
			return err
		}
		if _, err := d.ReadToken(); err != nil || d.StackDepth() != 0 {
			return errNotEmptyArray
		}
		return nil
	}) == nil
}

var errNotEmptyArray = errors.New("not []")

// The named lenient types, for ad-hoc wire structs decoded with
// encoding/json: each applies one rule to the whole value.

// flexInt64 is an int64 decoded leniently (see lenientInt).
type flexInt64 int64

// UnmarshalJSON implements json.Unmarshaler.
func (v *flexInt64) UnmarshalJSON(b []byte) error { return unmarshalRule(b, (*int64)(v), lenientInt) }

// flexDecimal is money decoded leniently (see lenientDecimal).
type flexDecimal decimal.Decimal

// UnmarshalJSON implements json.Unmarshaler.
func (v *flexDecimal) UnmarshalJSON(b []byte) error {
	return unmarshalRule(b, (*decimal.Decimal)(v), lenientDecimal)
}

// flexUnixTime is a Unix timestamp decoded leniently (see lenientUnix).
type flexUnixTime time.Time

// UnmarshalJSON implements json.Unmarshaler.
func (v *flexUnixTime) UnmarshalJSON(b []byte) error {
	return unmarshalRule(b, (*time.Time)(v), lenientUnix)
}

// flexBool is a boolean decoded leniently (see lenientBool).
type flexBool bool

// UnmarshalJSON implements json.Unmarshaler.
func (v *flexBool) UnmarshalJSON(b []byte) error { return unmarshalRule(b, (*bool)(v), lenientBool) }

// flexString is text decoded leniently (see lenientString).
type flexString string

// UnmarshalJSON implements json.Unmarshaler.
func (v *flexString) UnmarshalJSON(b []byte) error {
	return unmarshalRule(b, (*string)(v), lenientString)
}

// flexMap is an object of models that PHP sends as [] when it is empty.
// null leaves it nil; [] and {} give an empty map.
type flexMap[V any] map[string]V

// UnmarshalJSON implements json.Unmarshaler.
func (m *flexMap[V]) UnmarshalJSON(b []byte) error {
	return decodeAll(b, func(d *jsontext.Decoder) error {
		if d.PeekKind() == 'n' {
			*m = nil
			_, err := d.ReadToken()
			return err
		}
		return codecOf[V]().mapOf(d, unsafe.Pointer(m))
	})
}

// flexOne is an embedded model the server sends as an array of 0 or 1
// objects; Value is nil for [], null and false.
type flexOne[T any] struct{ Value *T }

// UnmarshalJSON implements json.Unmarshaler.
func (o *flexOne[T]) UnmarshalJSON(b []byte) error {
	return decodeAll(b, func(d *jsontext.Decoder) error { return codecOf[T]().one(d, unsafe.Pointer(&o.Value)) })
}

func unmarshalRule[T any](b []byte, dst *T, rule func(jsontext.Value) (T, error)) error {
	return decodeAll(b, func(d *jsontext.Decoder) (err error) {
		*dst, err = readValue(d, rule)
		return err
	})
}

// formatDecimal formats d keeping its scale, so "4250.50" stays "4250.50".
func formatDecimal(d decimal.Decimal) string {
	if exp := d.Exponent(); exp < 0 {
		return d.StringFixed(-exp)
	}
	return d.String()
}
