package jetpackcrm

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readOnly runs one lenient rule over the whole input.
func readOnly[T any](input string, rule func(jsontext.Value) (T, error)) (T, error) {
	var v T
	err := unmarshalRule([]byte(input), &v, rule)
	return v, err
}

// readWith runs one reader over the whole input.
func readWith[T any](input string, read func(*jsontext.Decoder) (T, error)) (T, error) {
	var v T
	err := decodeAll([]byte(input), func(d *jsontext.Decoder) (err error) {
		v, err = read(d)
		return err
	})
	return v, err
}

func TestReadInt64(t *testing.T) {
	t.Parallel()
	accepted := []struct {
		in   string
		want int64
	}{
		{`12`, 12},
		{`"12"`, 12},
		{`" 12 "`, 12},
		{` 7 `, 7},
		{`"007"`, 7},
		{`-1`, -1},
		{`"-1"`, -1},
		{`0`, 0},
		{`""`, 0},
		{`"  "`, 0},
		{`null`, 0},
		{`false`, 0},
		{`12.0`, 12},
		{`1e3`, 1000},
		{`"1e3"`, 1000},
		{`9223372036854775807`, 9223372036854775807},
		{`-9223372036854775808`, -9223372036854775808},
	}
	for _, tc := range accepted {
		t.Run("accepts "+tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := readOnly(tc.in, lenientInt)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)

			var v flexInt64
			require.NoError(t, json.Unmarshal([]byte(tc.in), &v))
			assert.Equal(t, tc.want, int64(v))
		})
	}
	rejected := []string{
		`true`, `"abc"`, `1.5`, `"1.5"`, `{}`, `[]`, `[1]`, `"12abc"`, `"0x10"`, `"Inf"`, `"NaN"`,
		`9223372036854775808`, `"-9223372036854775809"`, `1e30`, ``, `12 13`, `-`, `01`, `"12`,
	}
	for _, in := range rejected {
		t.Run("rejects "+in, func(t *testing.T) {
			t.Parallel()
			_, err := readOnly(in, lenientInt)
			require.Error(t, err)
			var de *jsonDecodeError
			assert.ErrorAs(t, err, &de)
		})
	}
}

func TestReadDecimal(t *testing.T) {
	t.Parallel()
	accepted := []struct{ in, want string }{
		{`"149.99"`, "149.99"},
		{`149.99`, "149.99"},
		{`"4250.50"`, "4250.50"},
		{`" 3.10 "`, "3.10"},
		{`"0.00"`, "0"},
		{`-5.5`, "-5.5"},
		{`"-5.5"`, "-5.5"},
		{`25.5`, "25.5"},
		{`1e2`, "100"},
		{`"10"`, "10"},
		{`""`, "0"},
		{`null`, "0"},
		{`false`, "0"},
		{`0.1`, "0.1"}, // exact, not 0.1000000000000000055...
	}
	for _, tc := range accepted {
		t.Run("accepts "+tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := readOnly(tc.in, lenientDecimal)
			require.NoError(t, err)
			assertDecimal(t, tc.want, got)

			var v flexDecimal
			require.NoError(t, json.Unmarshal([]byte(tc.in), &v))
			assertDecimal(t, tc.want, decimal.Decimal(v))
		})
	}
	for _, in := range []string{`"abc"`, `true`, `[]`, `{}`, `"1,200.00"`, `"Inf"`, `"NaN"`, `"0x10"`, `"1.2.3"`, `"-"`, `"$5"`} {
		t.Run("rejects "+in, func(t *testing.T) {
			t.Parallel()
			_, err := readOnly(in, lenientDecimal)
			assert.Error(t, err)
		})
	}
}

func TestReadUnix(t *testing.T) {
	t.Parallel()
	accepted := []struct {
		in   string
		want time.Time
	}{
		{`1795835057`, time.Unix(1795835057, 0)},
		{`"1795835057"`, time.Unix(1795835057, 0)},
		{`2024`, time.Unix(2024, 0)},
		{`0`, time.Time{}},
		{`"0"`, time.Time{}},
		{`-1`, time.Time{}},
		{`"-1"`, time.Time{}},
		{`""`, time.Time{}},
		{`false`, time.Time{}},
		{`null`, time.Time{}},
	}
	for _, tc := range accepted {
		t.Run("accepts "+tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := readOnly(tc.in, lenientUnix)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)

			var v flexUnixTime
			require.NoError(t, json.Unmarshal([]byte(tc.in), &v))
			assert.Equal(t, tc.want, time.Time(v))
		})
	}
	for _, in := range []string{`true`, `"2026-11-28 03:04:17"`, `"abc"`, `1.5`, `{}`, `[]`} {
		t.Run("rejects "+in, func(t *testing.T) {
			t.Parallel()
			_, err := readOnly(in, lenientUnix)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "Unix timestamp")
		})
	}
}

func TestReadDateTime(t *testing.T) {
	t.Parallel()
	utc := func(y int, mo time.Month, d, h, mi, s int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	}
	accepted := []struct {
		in   string
		want time.Time
	}{
		{`1796115600`, time.Unix(1796115600, 0)},
		{`"1796115600"`, time.Unix(1796115600, 0)},
		{`"2018-02-11 21:00"`, utc(2018, 2, 11, 21, 0, 0)},
		{`"2018-01-06 02:00:00"`, utc(2018, 1, 6, 2, 0, 0)},
		{`"11/29/2026 03:00:00"`, utc(2026, 11, 29, 3, 0, 0)},
		{`"11\/29\/2026 03:00:00"`, utc(2026, 11, 29, 3, 0, 0)},
		{`"12/01/2026"`, utc(2026, 12, 1, 0, 0, 0)},
		{`"2025-03-01T10:00:00Z"`, utc(2025, 3, 1, 10, 0, 0)},
		{`"2025-03-01T12:00:00+02:00"`, utc(2025, 3, 1, 10, 0, 0)},
		{`"2017-04-27"`, utc(2017, 4, 27, 0, 0, 0)},
		{`"14.04.2017"`, utc(2017, 4, 14, 0, 0, 0)},
		{`"next monday"`, time.Time{}}, // strtotime reads it; we cannot, and do not fail
		{`""`, time.Time{}},
		{`-1`, time.Time{}},
		{`false`, time.Time{}},
		{`null`, time.Time{}},
	}
	for _, tc := range accepted {
		t.Run("accepts "+tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := readOnly(tc.in, lenientDateTime)
			require.NoError(t, err)
			assert.True(t, tc.want.Equal(got), "want %v, got %v", tc.want, got)
		})
	}
	for _, in := range []string{`true`, `{}`, `[]`, `1.5`} {
		t.Run("rejects "+in, func(t *testing.T) {
			t.Parallel()
			_, err := readOnly(in, lenientDateTime)
			assert.Error(t, err)
		})
	}
}

func TestReadBool(t *testing.T) {
	t.Parallel()
	accepted := []struct {
		in   string
		want bool
	}{
		{`true`, true}, {`false`, false},
		{`1`, true}, {`0`, false}, {`-1`, false},
		{`"1"`, true}, {`"0"`, false}, {`"-1"`, false},
		{`"true"`, true}, {`"false"`, false}, {`"TRUE"`, true},
		{`""`, false}, {`null`, false},
	}
	for _, tc := range accepted {
		t.Run("accepts "+tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := readOnly(tc.in, lenientBool)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)

			var v flexBool
			require.NoError(t, json.Unmarshal([]byte(tc.in), &v))
			assert.Equal(t, tc.want, bool(v))
		})
	}
	for _, in := range []string{`2`, `"2"`, `"yes"`, `1.5`, `{}`, `[]`} {
		t.Run("rejects "+in, func(t *testing.T) {
			t.Parallel()
			_, err := readOnly(in, lenientBool)
			assert.Error(t, err)
		})
	}
}

func TestReadString(t *testing.T) {
	t.Parallel()
	accepted := []struct{ in, want string }{
		{`"abc"`, "abc"},
		{`12345`, "12345"}, // capture 37 echoes "fname":12345
		{`90210`, "90210"},
		{`1.23`, "1.23"},
		{`-0.5`, "-0.5"},
		{`null`, ""},
		{`false`, ""},
		{`""`, ""},
		{`"Zo\u00eb \u674e"`, "Zoë 李"},
		{`"a\"b\\c\/d\n\t\r\b\f"`, "a\"b\\c/d\n\t\r\b\f"},
		{`"\ud83d\ude00"`, "😀"},
		{`"\ud800x"`, "\ufffdx"},                 // lone high surrogate
		{`"\ud800\u0041"`, "\ufffdA"},            // high surrogate followed by a non-surrogate
		{"\"caf\xc3\xa9\"", "café"},              // raw UTF-8
		{"\"bad \xff byte\"", "bad \ufffd byte"}, // invalid UTF-8 is replaced, as encoding/json does
		{"\"esc\\n and \xff\"", "esc\n and \ufffd"},
	}
	for _, tc := range accepted {
		t.Run("accepts "+tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := readOnly(tc.in, lenientString)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)

			var v flexString
			require.NoError(t, json.Unmarshal([]byte(tc.in), &v))
			assert.Equal(t, tc.want, string(v))
		})
	}
	for _, in := range []string{`true`, `{}`, `[]`, `["a"]`, `"unterminated`, `"bad \x escape"`, "\"raw\nnewline\"", `"\u12"`, `"\uZZZZ"`, `"trailing\`} {
		t.Run("rejects "+in, func(t *testing.T) {
			t.Parallel()
			_, err := readOnly(in, lenientString)
			assert.Error(t, err)
		})
	}
}

func TestReadCustomValue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{`"bacon"`, "bacon"},
		{`12`, "12"},
		{`1.50`, "1.50"},
		{`true`, "true"},
		{`false`, "false"},
		{`null`, ""},
		{`[1, "a"]`, `[1, "a"]`},
		{`{"a":1}`, `{"a":1}`},
	} {
		got, err := readOnly(tc.in, customValue)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	for _, in := range []string{`[1,`, `{"a"}`, `tru`} {
		_, err := readOnly(in, customValue)
		assert.Error(t, err, in)
	}
}

func TestFlexMapAcceptsEmptyArray(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in      string
		want    flexMap[Extension]
		wantNil bool
	}{
		{in: `[]`, want: flexMap[Extension]{}},
		{in: ` [ ] `, want: flexMap[Extension]{}},
		{in: `{}`, want: flexMap[Extension]{}},
		{in: `null`, wantNil: true},
		{in: `{"woo":{"name":"WooSync","version":"2.1"},"mc":{"name":"MailChimp","version":3}}`, want: flexMap[Extension]{
			"woo": {Name: "WooSync", Version: "2.1"},
			"mc":  {Name: "MailChimp", Version: "3"},
		}},
	} {
		var m flexMap[Extension]
		require.NoError(t, json.Unmarshal([]byte(tc.in), &m), tc.in)
		if tc.wantNil {
			assert.Nil(t, m, tc.in)
			continue
		}
		assert.NotNil(t, m, tc.in)
		assert.Equal(t, tc.want, m, tc.in)
	}
	for _, in := range []string{`[1]`, `"x"`, `5`, `{"a":5}`} {
		var m flexMap[Extension]
		assert.Error(t, json.Unmarshal([]byte(in), &m), in)
	}
}

func TestFlexOneEmbeddedArray(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in     string
		wantID int64 // 0: want nil
	}{
		{`[]`, 0},
		{`null`, 0},
		{`false`, 0},
		{`[null]`, 0},
		{`[{"id":"1"}]`, 1},
		{`{"id":2}`, 2},
		{`[{"id":"3"},{"id":"4"}]`, 3},
	} {
		var one flexOne[Customer]
		require.NoError(t, json.Unmarshal([]byte(tc.in), &one), tc.in)
		if tc.wantID == 0 {
			assert.Nil(t, one.Value, tc.in)
			continue
		}
		require.NotNil(t, one.Value, tc.in)
		assert.Equal(t, tc.wantID, one.Value.ID, tc.in)

		// The reader-level helper used by the models agrees.
		var c *Customer
		err := decodeAll([]byte(tc.in), func(d *jsontext.Decoder) error { return codecOf[Customer]().one(d, unsafe.Pointer(&c)) })
		require.NoError(t, err)
		assert.Equal(t, tc.wantID, c.ID)
	}
	for _, in := range []string{`"x"`, `5`, `[5]`, `["a"]`} {
		var one flexOne[Customer]
		assert.Error(t, json.Unmarshal([]byte(in), &one), in)
	}
}

func TestReadListShapes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in      string
		wantIDs []int64
		wantNil bool
	}{
		{in: `[]`, wantIDs: []int64{}},
		{in: `{}`, wantIDs: []int64{}}, // PHP's empty array in an object context
		{in: `null`, wantNil: true},
		{in: `false`, wantNil: true},
		{in: `[{"id":"1"},{"id":2}]`, wantIDs: []int64{1, 2}},
		{in: `{"0":{"id":"1"},"5":{"id":"2"}}`, wantIDs: []int64{1, 2}}, // PHP array with gaps
	} {
		var list []*Quote
		err := decodeAll([]byte(tc.in), func(d *jsontext.Decoder) error { return codecOf[Quote]().list(d, unsafe.Pointer(&list)) })
		require.NoError(t, err, tc.in) // the whole input read, nothing after it
		if tc.wantNil {
			assert.Nil(t, list, tc.in)
			continue
		}
		require.NotNil(t, list, tc.in)
		ids := []int64{}
		for _, q := range list {
			ids = append(ids, q.ID)
		}
		assert.Equal(t, tc.wantIDs, ids, tc.in)
	}
	for _, in := range []string{`"x"`, `[1]`, `[{"id":"x"}]`} {
		var list []*Quote
		err := decodeAll([]byte(in), func(d *jsontext.Decoder) error { return codecOf[Quote]().list(d, unsafe.Pointer(&list)) })
		assert.Error(t, err, in)
	}
}

func TestReadStrings(t *testing.T) {
	t.Parallel()
	got, err := readWith(`["api", 12, null]`, readStrings)
	require.NoError(t, err)
	assert.Equal(t, []string{"api", "12"}, got, "a null entry holds nothing: skipped")

	got, err = readWith(`[]`, readStrings)
	require.NoError(t, err)
	assert.Equal(t, []string{}, got)

	got, err = readWith(`null`, readStrings)
	require.NoError(t, err)
	assert.Nil(t, got)

	_, err = readWith(`[{}]`, readStrings)
	assert.Error(t, err)
}

func TestFlexTypesInWireStruct(t *testing.T) {
	t.Parallel()
	var w struct {
		ID      flexInt64          `json:"id"`
		Total   flexDecimal        `json:"total"`
		When    flexUnixTime       `json:"when"`
		OK      flexBool           `json:"ok"`
		Name    flexString         `json:"name"`
		Ext     flexMap[Extension] `json:"ext"`
		Contact flexOne[Customer]  `json:"contact"`
	}
	body := `{"id":"12","total":"1.50","when":"1795835057","ok":"1","name":123,"ext":[],"contact":[{"id":"3","email":"a@example.com"}]}`
	require.NoError(t, json.Unmarshal([]byte(body), &w))
	assert.Equal(t, flexInt64(12), w.ID)
	assertDecimal(t, "1.50", decimal.Decimal(w.Total))
	assert.Equal(t, time.Unix(1795835057, 0), time.Time(w.When))
	assert.True(t, bool(w.OK))
	assert.Equal(t, flexString("123"), w.Name)
	assert.Empty(t, w.Ext)
	require.NotNil(t, w.Contact.Value)
	assert.Equal(t, "a@example.com", w.Contact.Value.Email)

	err := json.Unmarshal([]byte(`{"id":"x"}`), &w)
	assert.Error(t, err)
}

func TestCustomFieldsCollection(t *testing.T) {
	t.Parallel()
	body := `{"id":"7","email":"x@example.com","custom-field":"bacon","addr_floor":"3","secaddr_floor":"",
		"renewal":"2026-01-01","renewal_cfdate":"01/01/2026","renewal_datetime_str":"x","renewal_date_str":"y",
		"score":42,"ratio":1.50,"flag":true,"off":false,"nothing":null,"list":["a",1],
		"created_date":"11/28/2026","lastcontacted":-1,"fullname":"X ","name":"X "}`
	var c Customer
	require.NoError(t, json.Unmarshal([]byte(body), &c))
	assert.Equal(t, map[string]string{
		"custom-field":  "bacon",
		"addr_floor":    "3",
		"secaddr_floor": "",
		"renewal":       "2026-01-01",
		"score":         "42",
		"ratio":         "1.50",
		"flag":          "true",
		"off":           "false",
		"nothing":       "",
		"list":          `["a",1]`,
	}, c.CustomFields)
	assert.Equal(t, "X", c.FullName)

	var plain Customer
	require.NoError(t, json.Unmarshal([]byte(`{"id":"1","created_date":false}`), &plain))
	assert.Nil(t, plain.CustomFields, "no map is allocated without custom fields")
}

func TestUnmarshalRejectsMalformedInput(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat(`{"x":[`, maxJSONDepth) + strings.Repeat(`]}`, maxJSONDepth)
	for _, in := range []string{
		``, `{`, `{"id":}`, `{"id":1,}`, `{"id" 1}`, `{"id":1}x`, `{"id":1}{}`, `{id:1}`,
		`[]`, `"x"`, `5`, `{"tags":[{"id":"1"},]}`, `{"a":tru}`, `{"a":"\q"}`, `{"a":[1 2]}`,
		`{"meta":{"fname":1,}}`, `{"x":` + deep + `}`,
	} {
		for name, v := range map[string]json.Unmarshaler{
			"Customer": &Customer{}, "Company": &Company{}, "Transaction": &Transaction{},
			"Event": &Event{}, "Quote": &Quote{}, "Invoice": &Invoice{}, "Status": &Status{},
		} {
			assert.Error(t, v.UnmarshalJSON([]byte(in)), "%s %.40q", name, in)
		}
	}
	var c Customer
	assert.NoError(t, c.UnmarshalJSON([]byte(` null `)), "null leaves the value alone")
}

func TestUnmarshalResetsTheValue(t *testing.T) {
	t.Parallel()
	c := Customer{FirstName: "stale", CustomFields: map[string]string{"old": "1"}}
	require.NoError(t, json.Unmarshal([]byte(`{"id":"2"}`), &c))
	assert.Equal(t, Customer{ID: 2}, c)
}

func TestDecodeErrorNamesThePath(t *testing.T) {
	t.Parallel()
	var c Customer
	err := json.Unmarshal([]byte(`{"id":"1","invoices":[{"id":"9","total":"abc"}]}`), &c)
	require.Error(t, err)
	var de *jsonDecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "Customer.invoices.total", de.Path)
	assert.Equal(t, strings.Index(`{"id":"1","invoices":[{"id":"9","total":"abc"}]}`, `"abc"`), de.Offset)
	assert.Contains(t, err.Error(), `cannot read "abc" as a decimal amount`)

	var l []*Event
	err = json.Unmarshal([]byte(`[{"id":"1","contact":[{"id":"x"}]}]`), &l)
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "Event.contact.id", de.Path)
}

func TestIsEmptyJSONArray(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		`[]`: true, " [ ]\n": true, `[1]`: false, `{}`: false, ``: false, `[]x`: false, `[`: false, `null`: false,
	} {
		assert.Equal(t, want, isEmptyJSONArray([]byte(in)), "%q", in)
	}
}

func TestEncodeString(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"", "plain", `quote " and \ backslash`, "controls \x00\x01\x1f\n\r\t", "Zoë 李 😀",
		"line\u2028sep\u2029", "<b>&amp;</b>", "bad \xff utf8",
	} {
		b, err := marshalModel(&Extension{Name: s})
		require.NoError(t, err)
		require.True(t, json.Valid(b), "%q -> %s", s, b)
		var back struct{ Name string }
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, strings.ToValidUTF8(s, "\ufffd"), back.Name)
	}
}

func TestFormatDecimalKeepsScale(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"4250.50": "4250.50", "120.00": "120.00", "120": "120", "-0.10": "-0.10", "0.00": "0.00", "1e3": "1000",
	} {
		assert.Equal(t, want, formatDecimal(decimal.RequireFromString(in)), in)
	}
	assert.Equal(t, "0", formatDecimal(decimal.Decimal{}))
}

// FuzzCustomerUnmarshal checks that no input panics, that invalid JSON is
// refused as encoding/json would, and that whatever decodes survives a
// marshal round trip.
func FuzzCustomerUnmarshal(f *testing.F) {
	for _, s := range []string{
		`{"id":"1","fname":12345,"tags":["a"],"meta":{"email":"x@y.z"}}`,
		`{"invoices":[{"lineitems":[{"quantity":"2"}]}],"custom-field":[1,{"a":null}]}`,
		`{"a":"\ud800\udc00\ud800"}`, `[]`, `null`, `{"contact":[{}]}`, "{} \x000",
		`{"email":"a\u00e9\ud83d\ude00\/\"b\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var c Customer
		err := c.UnmarshalJSON(b)
		if !json.Valid(b) {
			require.Error(t, err, "invalid JSON must be refused")
		}
		if err != nil {
			return
		}
		// Strings decode exactly as encoding/json decodes them.
		var ref map[string]any
		if json.Unmarshal(b, &ref) == nil && ref["meta"] == nil {
			if s, ok := ref["email"].(string); ok {
				assert.Equal(t, s, c.Email)
			}
		}
		out, err := json.Marshal(c)
		require.NoError(t, err)
		var again Customer
		require.NoError(t, json.Unmarshal(out, &again), "%s", out)
	})
}

func assertDecimal(t *testing.T, want string, got decimal.Decimal) {
	t.Helper()
	assert.True(t, decimal.RequireFromString(want).Equal(got), "want %s, got %s", want, got)
}

func assertTime(t *testing.T, want, got time.Time) {
	t.Helper()
	assert.True(t, want.Equal(got), "want %v, got %v", want, got)
}

func TestDecodeErrorsAreNotValidationErrors(t *testing.T) {
	t.Parallel()
	var c Customer
	err := json.Unmarshal([]byte(`{"id":true}`), &c)
	require.Error(t, err)
	var fe *invalidFieldError
	assert.False(t, errors.As(err, &fe))
	var de *jsonDecodeError
	assert.True(t, errors.As(err, &de))
	assert.Equal(t, "Customer.id", de.Path)
}
