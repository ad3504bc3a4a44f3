package main

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/shopspring/decimal"
)

// fieldSpec says how a view's CSV and detail columns differ from the
// model's wire fields (jetpackcrm.WireFields): every wire field is a
// column, named by its wire name, in the SDK's write order and formatted by
// its Go type (fieldText), unless one of these overrides, keyed by wire
// name, says otherwise. A field added to a model is so shown without a
// change here; TestViewsShowEveryWireField fails if its type has no
// format.
type fieldSpec[T any] struct {
	// omit are the wire fields the CLI leaves out on purpose.
	omit []string
	// header names a column otherwise than its wire name.
	header map[string]string
	// get gives a column's value otherwise than by its type.
	get map[string]func(T) string
	// extra are columns that are no wire field (a Go field the SDK keeps
	// under no name of its own), keyed by their header.
	extra []column[T]
	// after moves a column (or an extra one) right after another, in this
	// order: {"owner", "avatar"} puts owner after avatar.
	after [][2]string
}

// wireColumns are the columns of model's wire fields, with spec applied.
// It panics on a spec that names no wire field or a field it cannot
// format: the views are built at start-up, so a test catches either.
func wireColumns[T any](spec fieldSpec[T]) []column[T] {
	var model T
	fields := jetpackcrm.WireFields(model)
	if fields == nil {
		panic(fmt.Sprintf("jpcrm: %T has no wire fields", model))
	}
	known := map[string]bool{}
	for _, f := range fields {
		known[f.Name] = true
	}
	for _, c := range spec.extra {
		known[c.name] = true
	}
	check := func(what, name string) {
		if !known[name] {
			panic(fmt.Sprintf("jpcrm: the %T view's %s names %q, which is no wire field", model, what, name))
		}
	}
	for _, n := range spec.omit {
		check("omit", n)
	}
	for n := range spec.header {
		check("header", n)
	}
	for n := range spec.get {
		check("get", n)
	}
	for _, m := range spec.after {
		check("after", m[0])
		check("after", m[1])
	}

	type keyed struct {
		key string
		col column[T]
	}
	var cols []keyed
	for _, f := range fields {
		if slices.Contains(spec.omit, f.Name) {
			continue
		}
		get := spec.get[f.Name]
		if get == nil {
			get = fieldGetter[T](f, false)
		}
		name := f.Name
		if h, ok := spec.header[f.Name]; ok {
			name = h
		}
		cols = append(cols, keyed{f.Name, column[T]{name, get}})
	}
	for _, c := range spec.extra {
		cols = append(cols, keyed{c.name, c})
	}
	index := func(key string) int {
		return slices.IndexFunc(cols, func(c keyed) bool { return c.key == key })
	}
	for _, m := range spec.after {
		i := index(m[0])
		c := cols[i]
		cols = slices.Delete(cols, i, i+1)
		j := index(m[1])
		cols = slices.Insert(cols, j+1, c)
	}
	out := make([]column[T], len(cols))
	for i, c := range cols {
		out[i] = c.col
	}
	return out
}

// fieldGetter reads field f of a *Model and formats it with fieldText.
func fieldGetter[T any](f jetpackcrm.WireField, short bool) func(T) string {
	format := fieldText(f, short)
	if format == nil {
		var model T
		panic(fmt.Sprintf("jpcrm: %T field %s (%q) has type %s, which the CLI cannot show: give the view a get or omit for it", model, f.Path, f.Name, f.Type))
	}
	return func(item T) string {
		v := reflect.ValueOf(item)
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return ""
			}
			v = v.Elem()
		}
		if !v.CanAddr() { // a record by value: format reads through pointers
			p := reflect.New(v.Type()).Elem()
			p.Set(v)
			v = p
		}
		return format(v.FieldByIndex(f.Index))
	}
}

// tableColumn is a column of a table form: the wire field named wire,
// headed by its wire name unless header is set, formatted by its type
// (times as days) unless get is set; a column that is no wire field has
// only header and get.
type tableColumn[T any] struct {
	wire, header string
	get          func(T) string
}

// tableColumns are the columns of a table form, which shows a few fields
// of a model, chosen by hand. It panics on a wire name the model does not
// have.
func tableColumns[T any](cols []tableColumn[T]) []column[T] {
	var model T
	fields := map[string]jetpackcrm.WireField{}
	for _, f := range jetpackcrm.WireFields(model) {
		fields[f.Name] = f
	}
	out := make([]column[T], 0, len(cols))
	for _, c := range cols {
		if c.wire != "" {
			f, ok := fields[c.wire]
			if !ok {
				panic(fmt.Sprintf("jpcrm: the %T table names %q, which is no wire field", model, c.wire))
			}
			if c.header == "" {
				c.header = c.wire
			}
			if c.get == nil {
				c.get = fieldGetter[T](f, true)
			}
		}
		out = append(out, column[T]{c.header, c.get})
	}
	return out
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	decimalType  = reflect.TypeFor[decimal.Decimal]()
	tagsType     = reflect.TypeFor[[]jetpackcrm.Tag]()
	customerType = reflect.TypeFor[*jetpackcrm.Customer]()
	companyType  = reflect.TypeFor[*jetpackcrm.Company]()
	contactsType = reflect.TypeFor[[]*jetpackcrm.Customer]()
)

// fieldText is how a CSV cell or a detail line shows a wire field, by its
// Go type: text as it is, the record's own "id" as a number, other IDs and
// counts with 0 (unset) as "", times in RFC 3339 (UTC), money with at least
// two decimals, yes or no, tags and contacts as comma-separated names and
// emails, a linked contact by its email and a company by its name, and any
// other list by its length; short (tables) shows a time as its day. It
// returns nil for a type it cannot show.
//
// The value is addressable, and read through a pointer: boxing a time or a
// slice into an interface would allocate for every cell.
func fieldText(f jetpackcrm.WireField, short bool) func(reflect.Value) string {
	switch t := f.Type; {
	case t == timeType && short:
		return func(v reflect.Value) string { return fmtDate(*v.Addr().Interface().(*time.Time)) }
	case t == timeType:
		return func(v reflect.Value) string { return fmtTime(*v.Addr().Interface().(*time.Time)) }
	case t == decimalType:
		return func(v reflect.Value) string { return fmtMoney(*v.Addr().Interface().(*decimal.Decimal)) }
	case t == tagsType:
		return func(v reflect.Value) string { return tagList(*v.Addr().Interface().(*[]jetpackcrm.Tag)) }
	case t == contactsType:
		return func(v reflect.Value) string { return contactEmails(*v.Addr().Interface().(*[]*jetpackcrm.Customer)) }
	case t == customerType:
		return func(v reflect.Value) string {
			if c := *v.Addr().Interface().(**jetpackcrm.Customer); c != nil {
				return c.Email
			}
			return ""
		}
	case t == companyType:
		return func(v reflect.Value) string {
			if c := *v.Addr().Interface().(**jetpackcrm.Company); c != nil {
				return c.Name
			}
			return ""
		}
	case t.Kind() == reflect.String:
		return reflect.Value.String
	case t.Kind() == reflect.Bool:
		return func(v reflect.Value) string { return fmtBool(v.Bool()) }
	case t.Kind() == reflect.Int64 && f.Name == "id":
		return func(v reflect.Value) string { return fmtInt(v.Int()) }
	case t.Kind() == reflect.Int64 || t.Kind() == reflect.Int:
		return func(v reflect.Value) string { return fmtID(v.Int()) }
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.String:
		return func(v reflect.Value) string { return fmtInt(int64(v.Len())) }
	case t.Kind() == reflect.Slice:
		return func(v reflect.Value) string { return strings.Join(*v.Addr().Interface().(*[]string), ", ") }
	}
	return nil
}

// contactEmails joins the contacts' emails with ", ".
func contactEmails(cs []*jetpackcrm.Customer) string {
	emails := make([]string, 0, len(cs))
	for _, c := range cs {
		emails = append(emails, c.Email)
	}
	return strings.Join(emails, ", ")
}
