package jetpackcrmtest

import (
	"reflect"
	"slices"
	"strings"

	"github.com/jpcrm-go/jetpackcrm"
)

// textField is a text field that create_customer or create_company writes
// into the fake's record R.
type textField[R any] struct {
	// keys are the request keys, the wire name first: the first present
	// key wins.
	keys  []string
	field func(*R) *string
	// maxLen is the CRM's max_len for the field (0: none).
	maxLen int
}

// requestTextFields are the text fields of the SDK's request req, by its
// wire names (jetpackcrm.WireFields), stored in the fake's record R under
// the same Go path (Address.Line1 is Contact.Address.Line1), in the SDK's
// order, but the fields named in skip (handled on their own). A request
// field R has no field for is not stored, as a key the site does not know:
// TestFakeStoresEveryRequestTextField says which.
//
// maxLen gives the CRM's max_len by wire name, and addressMaxLen those of
// the address lines: they are the site's schema, read from the plugin's
// DAL and kept here rather than taken from the SDK's max= tags, so that the
// tests run on the fake check those tags.
func requestTextFields[R any](req any, skip []string, maxLen map[string]int) []textField[R] {
	rt := reflect.TypeFor[R]()
	var out []textField[R]
	for _, wf := range jetpackcrm.WireFields(req) {
		if wf.Type.Kind() != reflect.String || slices.Contains(skip, wf.Name) {
			continue
		}
		index, ok := fieldIndex(rt, wf.Path)
		if !ok {
			continue
		}
		n := maxLen[wf.Name]
		if line, ok := strings.CutPrefix(wf.Path, "Address."); ok {
			n = addressMaxLen[line]
		} else if line, ok := strings.CutPrefix(wf.Path, "SecondaryAddress."); ok {
			n = addressMaxLen[line]
		}
		out = append(out, textField[R]{
			keys: append([]string{wf.Name}, wf.Aliases...),
			field: func(r *R) *string {
				return reflect.ValueOf(r).Elem().FieldByIndex(index).Addr().Interface().(*string)
			},
			maxLen: n,
		})
	}
	return out
}

// addressMaxLen are the max_len of the address lines of contacts and
// companies, both addresses alike.
var addressMaxLen = map[string]int{"Line1": 200, "Line2": 200, "City": 200, "County": 200, "Postcode": 50, "Country": 200}

// fieldIndex is the index of the string field at the Go path (dotted) in
// t, and whether there is one.
func fieldIndex(t reflect.Type, path string) ([]int, bool) {
	var index []int
	for name := range strings.SplitSeq(path, ".") {
		if t.Kind() != reflect.Struct {
			return nil, false
		}
		f, ok := t.FieldByName(name)
		if !ok || !f.IsExported() {
			return nil, false
		}
		index = append(index, f.Index...)
		t = f.Type
	}
	return index, t.Kind() == reflect.String
}

// listNewFields adds to a record's shape o the text fields the shape does
// not list under their wire name (one added to the SDK's request after the
// shape was written down from the site), as they were stored, listed
// through stripslashes.
func listNewFields[R any](o *object, fields []textField[R], r *R) {
	for _, f := range fields {
		if !o.has(f.keys[0]) {
			o.set(f.keys[0], stripSlashes(*f.field(r)))
		}
	}
}
