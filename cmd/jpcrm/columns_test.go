package main

import (
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// specColumns is what a view shows of its model's wire fields: for each
// wire field, its column header, or "" when the view leaves it out.
func specColumns[T any](spec fieldSpec[T], cols []column[T]) (shown map[string]string, headers []string) {
	var model T
	shown = map[string]string{}
	for _, c := range cols {
		headers = append(headers, c.name)
	}
	for _, f := range jetpackcrm.WireFields(model) {
		h := f.Name
		if o, ok := spec.header[f.Name]; ok {
			h = o
		}
		if !slices.Contains(spec.omit, f.Name) && slices.Contains(headers, h) {
			shown[f.Name] = h
		} else {
			shown[f.Name] = ""
		}
	}
	return shown, headers
}

// TestViewsShowEveryWireField: every wire field of every model the CLI
// prints is a CSV/detail column or is left out on purpose (fieldSpec.omit),
// so that a field added to a model cannot be missing from an export
// without a word.
func TestViewsShowEveryWireField(t *testing.T) {
	t.Parallel()
	check := func(t *testing.T, shown map[string]string, headers []string, omit []string) {
		require.NotEmpty(t, shown)
		for name, h := range shown {
			if h == "" {
				assert.Containsf(t, omit, name, "wire field %q is neither a column nor in omit", name)
			}
		}
		seen := map[string]bool{}
		for _, h := range headers {
			assert.Falsef(t, seen[h], "two columns are named %q", h)
			seen[h] = true
		}
	}
	t.Run("contacts", func(t *testing.T) {
		s, h := specColumns(customerFields, customerView.fields)
		check(t, s, h, customerFields.omit)
	})
	t.Run("companies", func(t *testing.T) {
		s, h := specColumns(companyFields, companyView.fields)
		check(t, s, h, companyFields.omit)
	})
	t.Run("transactions", func(t *testing.T) {
		s, h := specColumns(transactionFields, transactionView.fields)
		check(t, s, h, transactionFields.omit)
		assert.Contains(t, transactionFields.omit, "hash", "the portal hash is never printed")
	})
	t.Run("events", func(t *testing.T) {
		s, h := specColumns(eventFields, eventView.fields)
		check(t, s, h, eventFields.omit)
	})
	t.Run("quotes", func(t *testing.T) {
		s, h := specColumns(quoteFields, quoteView.fields)
		check(t, s, h, quoteFields.omit)
		assert.Contains(t, quoteFields.omit, "hash")
	})
	t.Run("invoices", func(t *testing.T) {
		s, h := specColumns(invoiceFields, invoiceView.fields)
		check(t, s, h, invoiceFields.omit)
		assert.Contains(t, invoiceFields.omit, "hash")
	})
}

func TestWireColumnsSpec(t *testing.T) {
	t.Parallel()
	cols := wireColumns(fieldSpec[*jetpackcrm.Tag]{
		omit:   []string{"objtype", "created", "lastupdated"},
		header: map[string]string{"name": "tag"},
		get:    map[string]func(*jetpackcrm.Tag) string{"slug": func(tg *jetpackcrm.Tag) string { return "<" + tg.Slug + ">" }},
		after:  [][2]string{{"id", "slug"}},
	})
	var headers, values []string
	for _, c := range cols {
		headers = append(headers, c.name)
		values = append(values, c.get(&jetpackcrm.Tag{ID: 7, Name: "VIP", Slug: "vip"}))
	}
	assert.Equal(t, []string{"tag", "slug", "id"}, headers)
	assert.Equal(t, []string{"VIP", "<vip>", "7"}, values)
	assert.Equal(t, "", cols[0].get(nil), "a nil record has empty cells")

	for name, spec := range map[string]fieldSpec[*jetpackcrm.Tag]{
		"omit":   {omit: []string{"nosuch"}},
		"header": {header: map[string]string{"nosuch": "x"}},
		"get":    {get: map[string]func(*jetpackcrm.Tag) string{"nosuch": nil}},
		"after":  {after: [][2]string{{"id", "nosuch"}}},
	} {
		assert.PanicsWithValuef(t, `jpcrm: the *jetpackcrm.Tag view's `+name+` names "nosuch", which is no wire field`,
			func() { wireColumns(spec) }, "a %s naming no wire field", name)
	}
	assert.Panics(t, func() { wireColumns(fieldSpec[*struct{ X int }]{}) }, "a type that is no model")
	assert.PanicsWithValue(t, `jpcrm: the *jetpackcrm.Tag table names "nosuch", which is no wire field`,
		func() { tableColumns([]tableColumn[*jetpackcrm.Tag]{{wire: "nosuch"}}) })
	table := tableColumns([]tableColumn[*jetpackcrm.Tag]{{wire: "name", header: "tag"}, {wire: "created"}, {header: "x", get: func(*jetpackcrm.Tag) string { return "y" }}})
	tag := &jetpackcrm.Tag{Name: "VIP", Created: time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC)}
	assert.Equal(t, []string{"TAG", "CREATED", "X"}, tableHeader(view[*jetpackcrm.Tag]{table: table}))
	assert.Equal(t, []string{"VIP", "2026-01-05", "y"}, tableRow(view[*jetpackcrm.Tag]{table: table}, tag), "a table shows a time as its day")
	assert.Nil(t, fieldText(jetpackcrm.WireField{Name: "x", Type: reflect.TypeFor[map[string]int]()}, false),
		"a type with no format is refused, not printed with %v")
}

// TestImportSetsEveryRequestField: every wire field of a CustomerRequest
// is an import column that sets that field (by its API name, its aliases
// and its SDK name), or is left out on purpose (importOmit).
func TestImportSetsEveryRequestField(t *testing.T) {
	t.Parallel()
	sample := map[reflect.Kind]string{reflect.String: "x", reflect.Bool: "yes", reflect.Int64: "12", reflect.Slice: "a, b"}
	for _, wf := range jetpackcrm.WireFields(jetpackcrm.CustomerRequest{}) {
		t.Run(wf.Name, func(t *testing.T) {
			if slices.Contains(importOmit, wf.Name) {
				c, err := mapColumn(wf.Name)
				require.NoError(t, err)
				assert.Equal(t, colIgnored, c.kind, "a left-out field's column is skipped, not read as a custom field")
				return
			}
			for _, name := range append([]string{wf.Name, wf.Path}, wf.Aliases...) {
				c, err := mapColumn(name)
				require.NoErrorf(t, err, "column %q", name)
				require.Equalf(t, colField, c.kind, "column %q", name)
				var req jetpackcrm.CustomerRequest
				require.NoError(t, setColumn(&req, c, sample[wf.Type.Kind()]))
				assert.Falsef(t, reflect.ValueOf(req).FieldByIndex(wf.Index).IsZero(), "column %q does not set %s", name, wf.Path)
				assert.Equalf(t, wf.Name, c.id, "column %q", name)
			}
		})
	}
}

func TestIsEmptyChange(t *testing.T) {
	t.Parallel()
	assert.True(t, isEmptyChange(&jetpackcrm.CustomerRequest{}))
	assert.True(t, isEmptyChange(&jetpackcrm.CustomerRequest{ForceStatus: true}), "--force-status alone changes nothing")
	assert.True(t, isEmptyChange(&jetpackcrm.CustomerRequest{Tags: []string{}, CustomFields: map[string]string{}}))
	assert.False(t, isEmptyChange(&jetpackcrm.CustomerRequest{CustomFields: map[string]string{"a": "b"}}))
	for _, wf := range jetpackcrm.WireFields(jetpackcrm.CustomerRequest{}) {
		if wf.Name == "sticky" {
			continue
		}
		var req jetpackcrm.CustomerRequest
		v := reflect.ValueOf(&req).Elem().FieldByIndex(wf.Index)
		switch v.Kind() {
		case reflect.String:
			v.SetString("x")
		case reflect.Int64:
			v.SetInt(1)
		case reflect.Slice:
			v.Set(reflect.ValueOf([]string{"x"}))
		default:
			t.Fatalf("%s: no sample for %s", wf.Name, wf.Type)
		}
		assert.Falsef(t, isEmptyChange(&req), "%s alone is a change", wf.Path)
	}
}

// flaggedFields returns, for each flag of a command, the wire fields of
// the request that setting it changes, by setting each flag alone on a
// fresh command.
func flaggedFields[R any](t *testing.T, build func() (*cobra.Command, func() *R)) map[string][]string {
	t.Helper()
	sample := map[string]string{"string": "x", "bool": "true", "int64": "5", "stringSlice": "a", "stringArray": "k=v"}
	// The flag names, from the usage text: naming pflag's types here would
	// make it a direct dependency of the module.
	cmd, _ := build()
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^\s+--([a-z0-9-]+)`).FindAllStringSubmatch(cmd.Flags().FlagUsages(), -1) {
		names = append(names, m[1])
	}
	require.NotEmpty(t, names)
	set := map[string][]string{}
	for _, name := range names {
		cmd, req := build()
		fl := cmd.Flags().Lookup(name)
		require.Containsf(t, sample, fl.Value.Type(), "flag --%s", name)
		require.NoError(t, cmd.Flags().Set(name, sample[fl.Value.Type()]))
		r := reflect.ValueOf(req()).Elem()
		var model R
		for _, wf := range jetpackcrm.WireFields(model) {
			if !r.FieldByIndex(wf.Index).IsZero() {
				set[wf.Name] = append(set[wf.Name], name)
			}
		}
	}
	return set
}

// TestFlagsSetEveryRequestField: every wire field of the requests that
// upsert, update and companies create send is set by exactly one flag, or
// is left out on purpose.
func TestFlagsSetEveryRequestField(t *testing.T) {
	t.Parallel()
	check := func(t *testing.T, fields []jetpackcrm.WireField, set map[string][]string, unset ...string) {
		for _, wf := range fields {
			if slices.Contains(unset, wf.Name) {
				assert.Emptyf(t, set[wf.Name], "%s is left out, but flags set it", wf.Name)
				continue
			}
			assert.Lenf(t, set[wf.Name], 1, "%s (%s) is set by the flags %v", wf.Name, wf.Path, set[wf.Name])
		}
	}
	t.Run("customers", func(t *testing.T) {
		set := flaggedFields(t, func() (*cobra.Command, func() *jetpackcrm.CustomerRequest) {
			var cf customerFlags
			cmd := &cobra.Command{}
			cmd.Flags().StringVar(&cf.req.Email, "email", "", "")
			cf.register(cmd)
			return cmd, func() *jetpackcrm.CustomerRequest {
				r, err := cf.request()
				require.NoError(t, err)
				return r
			}
		})
		check(t, jetpackcrm.WireFields(jetpackcrm.CustomerRequest{}), set, "id", "wpid")
	})
	t.Run("companies", func(t *testing.T) {
		set := flaggedFields(t, func() (*cobra.Command, func() *jetpackcrm.CompanyRequest) {
			var req jetpackcrm.CompanyRequest
			cmd := &cobra.Command{}
			companyRequestFlags(cmd, &req)
			return cmd, func() *jetpackcrm.CompanyRequest { return &req }
		})
		check(t, jetpackcrm.WireFields(jetpackcrm.CompanyRequest{}), set, "tags")
	})
}

func TestKebab(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"FirstName": "first-name", "SecondaryAddress.Line1": "secondary-address-line1", "WPID": "wpid", "ID": "id", "Line2": "line2"} {
		assert.Equal(t, want, kebab(in), in)
	}
}
