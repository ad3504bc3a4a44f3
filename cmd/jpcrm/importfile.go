package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jpcrm-go/jetpackcrm"
)

// This file reads an import file into validated rows. Nothing here talks to
// the site.

// importRow is one data row of the file.
type importRow struct {
	// line is the row's line number in the file (1-based).
	line int
	// raw is the CSV record as read; json the JSONL line as read.
	raw  []string
	json string
	// req is the contact the row describes, nil if the row is invalid.
	req *jetpackcrm.CustomerRequest
	// err says why the row is refused, before or after sending.
	err error
	// outcome is what the import did with it.
	outcome rowOutcome
}

type rowOutcome int

const (
	rowPending rowOutcome = iota
	rowInvalid            // refused before sending anything
	rowCreated
	rowUpdated
	rowUnchanged   // the contact already held what the row says: nothing sent
	rowRefused     // sent, and the CRM (or the network) refused it
	rowInterrupted // not sent, or cut short, because the import was interrupted
)

// importFile is a parsed import file.
type importFile struct {
	name   string
	format string
	// header is the CSV header as read (nil for JSONL).
	header []string
	rows   []*importRow
	// ignored lists read-only columns (or JSONL keys) that were skipped.
	ignored []string
}

// field is a contact field that an import column can set.
type field struct {
	// api is the API's wire name (the canonical column name) and its
	// aliases, lower case.
	api []string
	// sdk is the SDK's Go field path and aliases, normalised (lower case,
	// without spaces, dots and underscores).
	sdk []string
	set func(r *jetpackcrm.CustomerRequest, v string) error
	// list sets the field from a JSON array (tags only).
	list func(r *jetpackcrm.CustomerRequest, v []string)
}

// The import's columns are the wire fields of a CustomerRequest
// (jetpackcrm.WireFields), each set from its text by its Go type
// (importSetter), with these overrides keyed by wire name.
var (
	// importOmit are request fields an import does not set: the CRM sets
	// them (an export's columns of the same names are skipped, see
	// readOnlyColumns).
	importOmit = []string{"id", "wpid"}
	// importAliases are other column names (API-style, SDK-style) of a
	// field.
	importAliases = map[string][2][]string{"assign": {{"owner"}, {"owner"}}}
	// importIntNoun says what a number column holds, for its error.
	importIntNoun = map[string]string{"assign": "a WordPress user ID"}
)

// importFields are the contact fields an import column can set.
var importFields = func() []field {
	var out []field
	for _, wf := range jetpackcrm.WireFields(jetpackcrm.CustomerRequest{}) {
		if slices.Contains(importOmit, wf.Name) {
			continue
		}
		f := field{
			api: append([]string{wf.Name}, wf.Aliases...),
			sdk: []string{normalizeSDKName(wf.Path)},
		}
		if a, ok := importAliases[wf.Name]; ok {
			f.api, f.sdk = append(f.api, a[0]...), append(f.sdk, a[1]...)
		}
		f.set, f.list = importSetter(wf)
		if f.set == nil {
			panic(fmt.Sprintf("jpcrm: CustomerRequest field %s (%q) has type %s, which an import cannot set: give it a setter or add it to importOmit", wf.Path, wf.Name, wf.Type))
		}
		out = append(out, f)
	}
	return out
}()

// importSetter sets a request field from a cell by the field's Go type:
// text as it is, yes or no, a comma-separated list (or a JSON array, the
// second function), or a whole number 0 or more. It returns nil for a type
// it cannot set.
func importSetter(wf jetpackcrm.WireField) (func(*jetpackcrm.CustomerRequest, string) error, func(*jetpackcrm.CustomerRequest, []string)) {
	dst := func(r *jetpackcrm.CustomerRequest) reflect.Value {
		return reflect.ValueOf(r).Elem().FieldByIndex(wf.Index)
	}
	switch wf.Type.Kind() {
	case reflect.String:
		return func(r *jetpackcrm.CustomerRequest, v string) error {
			dst(r).SetString(v)
			return nil
		}, nil
	case reflect.Bool:
		return func(r *jetpackcrm.CustomerRequest, v string) error {
			b, err := parseBool(v)
			dst(r).SetBool(b)
			return err
		}, nil
	case reflect.Int64:
		noun := importIntNoun[wf.Name]
		if noun == "" {
			noun = "a whole number, 0 or more"
		}
		return func(r *jetpackcrm.CustomerRequest, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return fmt.Errorf("%q is not %s", v, noun)
			}
			dst(r).SetInt(n)
			return nil
		}, nil
	case reflect.Slice:
		if wf.Type.Elem().Kind() != reflect.String {
			return nil, nil
		}
		list := func(r *jetpackcrm.CustomerRequest, v []string) { dst(r).Set(reflect.ValueOf(v)) }
		return func(r *jetpackcrm.CustomerRequest, v string) error {
			list(r, splitTags(v))
			return nil
		}, list
	}
	return nil, nil
}

// readOnlyColumns are columns of an export (or of the failed-rows file)
// that an import skips: the CRM sets them itself.
var readOnlyColumns = map[string]bool{
	"id": true, "fullname": true, "wpid": true, "aliases": true,
	"created": true, "createduts": true, "created_date": true,
	"lastupdated": true, "lastupdated_date": true,
	"lastcontacted": true, "lastcontacteduts": true, "lastcontacted_date": true,
	"_line": true, "_error": true,
}

// customPrefix marks a custom field explicitly: "CustomFields.slug" in
// nested JSONL, "customfields.slug" or "cf:slug" in a CSV header.
var customPrefixes = []string{"customfields.", "cf:"}

var (
	byAPIName = map[string]*field{}
	bySDKName = map[string]*field{}
)

func init() {
	for i := range importFields {
		f := &importFields[i]
		for _, n := range f.api {
			byAPIName[n] = f
		}
		for _, n := range f.sdk {
			bySDKName[n] = f
		}
	}
}

// slugPattern is what a custom-field slug can look like: Jetpack CRM makes
// slugs from field names with lower-case letters, digits and hyphens, and
// prefixes address custom fields with addr_ or secaddr_.
var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,127}$`)

// normalizeSDKName folds an SDK-style name: case, spaces, dots and
// underscores do not matter ("FirstName", "first_name", "Address.City").
func normalizeSDKName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '_' {
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// columnKind is what a column (or JSONL key) maps to.
type columnKind int

const (
	colField columnKind = iota
	colCustom
	colIgnored
)

// mappedColumn is a resolved column.
type mappedColumn struct {
	kind  columnKind
	field *field
	// slug is the custom-field slug (colCustom).
	slug string
	// id names the target, to find two columns writing the same thing.
	id string
}

// mapColumn resolves a column name: an API field name, an SDK field name, a
// read-only column to skip, or a custom-field slug.
func mapColumn(name string) (mappedColumn, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	if key == "" {
		return mappedColumn{}, errors.New("the column has no name")
	}
	if !utf8.ValidString(key) {
		return mappedColumn{}, errors.New("the column name is not valid UTF-8")
	}
	if f, ok := byAPIName[key]; ok {
		return mappedColumn{kind: colField, field: f, id: f.api[0]}, nil
	}
	if f, ok := bySDKName[normalizeSDKName(key)]; ok {
		return mappedColumn{kind: colField, field: f, id: f.api[0]}, nil
	}
	if readOnlyColumns[key] || readOnlyColumns[normalizeSDKName(key)] {
		return mappedColumn{kind: colIgnored, id: key}, nil
	}
	if key == "name" {
		return mappedColumn{}, errors.New("the API has no writable full name: split it into fname and lname")
	}
	slug := key
	for _, p := range customPrefixes {
		if s, ok := strings.CutPrefix(key, p); ok {
			slug = s
			break
		}
	}
	if !slugPattern.MatchString(slug) {
		return mappedColumn{}, errors.New("not a contact field (email, fname, lname, city, ... or Email, FirstName, LastName, Address.City, ...) nor a custom-field slug (lower-case letters, digits, - and _)")
	}
	// A slug that names one of the API's own keys would overwrite or shadow
	// that field: the SDK refuses it, and so does the import, up front.
	probe := jetpackcrm.CustomerRequest{Email: "probe@example.com", CustomFields: map[string]string{slug: "x"}}
	if probe.Validate() != nil {
		return mappedColumn{}, fmt.Errorf("%q is one of the API's own contact keys, which cannot be imported", slug)
	}
	return mappedColumn{kind: colCustom, slug: slug, id: "custom:" + slug}, nil
}

// splitTags splits a comma-separated tag list.
func splitTags(v string) []string {
	var tags []string
	for _, t := range strings.Split(v, ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	return tags
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "n", "off":
		return false, nil
	case "1", "true", "yes", "y", "on":
		return true, nil
	}
	return false, fmt.Errorf("%q is not yes or no", v)
}

// rowError is a reason a row is refused, naming the column.
func rowError(column, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if column != "" {
		msg = column + ": " + msg
	}
	return errors.New(msg)
}

// fileError is a problem with the whole file (exit code 1, nothing sent).
type fileError struct {
	name string
	err  error
}

func (e *fileError) Error() string { return e.name + ": " + e.err.Error() }
func (e *fileError) Unwrap() error { return e.err }

// readImportFile reads and validates every row of r.
func readImportFile(name, format string, r io.Reader) (*importFile, error) {
	f := &importFile{name: name, format: format}
	var err error
	switch format {
	case formatCSV:
		err = f.readCSV(r)
	case formatJSONL:
		err = f.readJSONL(r)
	default:
		err = fmt.Errorf("unknown import format %q", format)
	}
	if err != nil {
		return nil, &fileError{name: name, err: err}
	}
	for _, row := range f.rows {
		if row.err == nil {
			row.err = checkRow(row.req)
		}
		if row.err != nil {
			row.req = nil
			row.outcome = rowInvalid
		}
	}
	return f, nil
}

func (f *importFile) readCSV(r io.Reader) error {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return errors.New("empty file: want a header line naming the columns")
	}
	if err != nil {
		return fmt.Errorf("header: %w", err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // Excel's byte-order mark
	}
	f.header = header
	cols := make([]mappedColumn, len(header))
	seen := map[string]string{}
	hasEmail := false
	for i, h := range header {
		c, err := mapColumn(h)
		if err != nil {
			return fmt.Errorf("column %d %q: %w", i+1, h, err)
		}
		if prev, dup := seen[c.id]; dup && c.kind != colIgnored {
			return fmt.Errorf("columns %q and %q both set %s", prev, h, c.id)
		}
		seen[c.id] = h
		if c.kind == colIgnored {
			f.ignored = append(f.ignored, h)
		}
		hasEmail = hasEmail || c.id == "email"
		cols[i] = c
	}
	if !hasEmail {
		return errors.New("no email column: contacts are keyed by email")
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			f.rows = append(f.rows, &importRow{line: perr.StartLine, raw: rec,
				err: rowError("", "not valid CSV: %v", perr.Err)})
			continue
		}
		if err != nil {
			return err
		}
		line, _ := cr.FieldPos(0)
		row := &importRow{line: line, raw: rec}
		f.rows = append(f.rows, row)
		if len(rec) != len(header) {
			row.err = rowError("", "has %d fields, the header has %d", len(rec), len(header))
			continue
		}
		row.req, row.err = buildFromCSV(header, cols, rec)
	}
}

func buildFromCSV(header []string, cols []mappedColumn, rec []string) (*jetpackcrm.CustomerRequest, error) {
	req := &jetpackcrm.CustomerRequest{}
	for i, c := range cols {
		// An export neutralises cells a spreadsheet would run as formulas
		// (csvSafe): undo it, so that export and import are lossless.
		v := csvUnsafe(strings.TrimSpace(rec[i]))
		if !utf8.ValidString(v) {
			return nil, rowError(header[i], "not valid UTF-8")
		}
		if v == "" || c.kind == colIgnored {
			continue
		}
		if err := setColumn(req, c, v); err != nil {
			return nil, rowError(header[i], "%v", err)
		}
	}
	return req, nil
}

func setColumn(req *jetpackcrm.CustomerRequest, c mappedColumn, v string) error {
	if c.kind == colCustom {
		if req.CustomFields == nil {
			req.CustomFields = map[string]string{}
		}
		req.CustomFields[c.slug] = v
		return nil
	}
	return c.field.set(req, v)
}

func (f *importFile) readJSONL(r io.Reader) error {
	br := bufio.NewReader(r)
	ignored := map[string]bool{}
	defer func() {
		f.ignored = slices.Sorted(maps.Keys(ignored))
	}()
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if len(b) > 0 {
			text := strings.TrimRight(string(b), "\r\n")
			if strings.TrimSpace(text) != "" {
				row := &importRow{line: line, json: text}
				f.rows = append(f.rows, row)
				row.req, row.err = buildFromJSON([]byte(text), ignored)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// buildFromJSON maps one JSONL object. Nested objects are flattened with
// dots ({"Address":{"City":..}} is Address.City, {"CustomFields":{..}}
// holds custom fields); tags may be an array of names or tag objects.
func buildFromJSON(b []byte, ignored map[string]bool) (*jetpackcrm.CustomerRequest, error) {
	if !utf8.Valid(b) {
		return nil, rowError("", "not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, rowError("", "not a JSON object")
	}
	if dec.More() {
		return nil, rowError("", "more than one JSON value on the line")
	}
	leaves := map[string]any{}
	flattenJSON("", obj, leaves)
	req := &jetpackcrm.CustomerRequest{}
	seen := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(leaves)) {
		c, err := mapColumn(k)
		if err != nil {
			return nil, rowError(k, "%v", err)
		}
		if c.kind == colIgnored {
			ignored[k] = true
			continue
		}
		if prev, dup := seen[c.id]; dup {
			return nil, rowError(k, "%q sets the same field", prev)
		}
		seen[c.id] = k
		switch v := leaves[k].(type) {
		case []any:
			if c.kind != colField || c.field.list == nil {
				return nil, rowError(k, "an array is only allowed for tags")
			}
			names, err := tagNames(v)
			if err != nil {
				return nil, rowError(k, "%v", err)
			}
			c.field.list(req, names)
		default:
			s, err := jsonScalar(v)
			if err != nil {
				return nil, rowError(k, "%v", err)
			}
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			if err := setColumn(req, c, s); err != nil {
				return nil, rowError(k, "%v", err)
			}
		}
	}
	return req, nil
}

func flattenJSON(prefix string, obj map[string]any, out map[string]any) {
	for k, v := range obj {
		if sub, ok := v.(map[string]any); ok {
			flattenJSON(prefix+k+".", sub, out)
			continue
		}
		out[prefix+k] = v
	}
}

func jsonScalar(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case bool:
		if v {
			return "true", nil
		}
		return "", nil
	}
	return "", fmt.Errorf("unexpected value %T", v)
}

// tagNames reads tags as names or tag objects ({"name":...}).
func tagNames(vals []any) ([]string, error) {
	var names []string
	for _, v := range vals {
		switch t := v.(type) {
		case string:
			if t = strings.TrimSpace(t); t != "" {
				names = append(names, t)
			}
		case map[string]any:
			n, _ := t["name"].(string)
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		default:
			return nil, errors.New("tags must be names or objects with a name")
		}
	}
	return names, nil
}

// checkRow returns the SDK's reason to refuse req before sending, naming
// the column, or nil.
func checkRow(req *jetpackcrm.CustomerRequest) error {
	var ve *jetpackcrm.ValidationError
	if errors.As(req.Validate(), &ve) {
		return rowError(columnForSDKField(ve.Field), "%s", ve.Reason)
	}
	return nil
}

// columnForSDKField names the column behind an SDK field in a reason.
func columnForSDKField(f string) string {
	if f == "" {
		return ""
	}
	if cf, ok := strings.CutPrefix(f, "CustomFields["); ok {
		return strings.Trim(strings.TrimSuffix(cf, "]"), `"`)
	}
	if fl, ok := bySDKName[normalizeSDKName(f)]; ok {
		return fl.api[0]
	}
	return f
}
