package jetpackcrm

// The wire-name table: each model's struct tags, read once into a codec that
// decodes, encodes, validates and merges the model. A new field is one
// tagged line in the model (and one in its request, if it can be written);
// WireFields hands the same table to the CLI (its CSV and detail columns,
// import columns and flags) and to the fake, which stores a request's text
// field in its own record under the same Go path (jetpackcrmtest.Contact
// and Company need the field too: a test says so).
//
// Tags. `json:"name"` is the field's wire name (`json:"-"`: not on the wire
// under a name of its own); `json:",inline"` flattens a struct (Address)
// into its parent; `json:",unknown"` marks CustomFields, which collects
// every key the model does not know and is written at top level. On encode,
// `omitempty` leaves out "", 0, false, zero amounts and empty lists, and
// `omitzero` leaves out zero times and nil lists. `jpcrm:"..."` holds the
// SDK's own options, comma-separated:
//
//	alias=a|b     other names the server uses for the field
//	weak=a|b      names that fill the field only while it is empty (legacy
//	              copies); a bare weak makes every name of the field weak
//	fallback=a    a date-time read only when no other name of the field came
//	datetime      a time that may also come as a date-time string
//	nonneg        negative numbers ("-1", unset) decode as 0
//	trim          white space is trimmed on decode
//	positive      an int sent only when > 0
//	int, int=N    a bool written as N (default 1) or 0
//	signed        a bool written as 1 or -1
//	flag          a bool written as "1" when true
//	utc           a time written as "2006-01-02 15:04:05" in UTC
//	bare          a bare JSON string decodes into this field (Tag.Name)
//	prefix=a|b    (inline) prefixes of the inner names; the first is written
//	id=Field      (pointer to a model) a scalar under the field's names is the
//	              linked record's ID, kept in Field; Field is filled from the
//	              record's ID when it is 0, and written under this name when
//	              it has no name of its own and the record is nil
//	from=Field    (request) the model field a request field is copied from
//	ignore=a|b    (CustomFields) known keys that are not custom fields
//	nested=a|b    (CustomFields) sub-objects whose members are the model's
//	              own (the legacy "meta")
//
// Text options, for what the server does to a text between the request and
// the column and back (validate.go's textRules; on a request field they
// decide what is refused before sending, on a model field what is decoded
// on read; on CustomFields and []string they apply to each value):
//
//	text=kind     how the text is stored and listed (textRules): "" (the
//	              default) sanitize_text_field, listed through stripslashes;
//	              asis, entities, avatar, tag
//	max=N         the plugin's max_len: longer stored text is cut to N-3
//	              bytes plus "..."
//	chars=N       the column's length in characters: longer text is not stored
//	zero          "0" is not stored (PHP's empty())
//	minusone      text PHP's (int) reads as -1 is not stored

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/shopspring/decimal"
)

// WireField is one field of a model as the API names it, for code that maps
// wire names to Go fields (tables, CSV columns, import columns, fakes).
type WireField struct {
	// Name is the wire name the SDK writes, e.g. "fname".
	Name string
	// Aliases are the other names the server uses for the field, e.g.
	// "secaddr1" for "secaddr_addr1" (legacy copies and fallbacks included).
	Aliases []string
	// Path is the Go field path, e.g. "SecondaryAddress.Line1".
	Path string
	// Index is the path as reflect.Value.FieldByIndex takes it.
	Index []int
	// Type is the field's Go type.
	Type reflect.Type
}

// WireFields returns the wire fields of a model (a [Customer], [Company],
// [Transaction], [Event], [Quote], [Invoice], [LineItem], [Tag], [Reminder],
// Status, [WebhookResult] or one of the requests, as a value or a pointer),
// in the order the SDK writes them. Custom fields are not listed: they are
// the model's CustomFields map. It returns nil for any other type.
func WireFields(model any) []WireField {
	t := reflect.TypeOf(model)
	if t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	m := codecs().byType[t]
	if m == nil {
		return nil
	}
	out := make([]WireField, 0, len(m.fields))
	for _, f := range m.fields {
		if f.name == "" {
			continue
		}
		out = append(out, WireField{Name: f.name, Aliases: slices.Clone(f.aliases), Path: f.path, Index: slices.Clone(f.index), Type: f.typ})
	}
	return out
}

type fieldKind uint8

const (
	kString fieldKind = iota
	kInt64
	kInt
	kBool
	kDecimal
	kTime
	kDuration
	kStrings
	kRaw
	kList   // []*Model
	kValues // []Model
	kOne    // *Model: an array of 0 or 1 objects on the wire
	kMap    // map[string]Model
	kModel  // Model, as UnmarshalJSON reads it (an envelope's "data")
	kCustom // CustomFields
)

// fieldCodec is one field of a model, with the inline structs flattened.
type fieldCodec struct {
	path     string
	index    []int
	offset   uintptr
	typ      reflect.Type
	kind     fieldKind
	name     string
	aliases  []string
	elem     *modelCodec
	link     *fieldCodec // id=
	linkName string
	from     string

	omitEmpty, omitZero, positive, nonneg, trim, datetime, utc, flag, signed, bare bool
	trueInt                                                                        int64

	// What the server does to the text (see textRules): never nil.
	text               *textRule
	maxBytes, maxChars int
	zero, minusOne     bool
}

// memberMode is what a wire name does to its field.
type memberMode uint8

const (
	setField memberMode = iota
	weakField
	fallbackField
	ignoredKey
	nestedKey
)

type member struct {
	f    *fieldCodec
	mode memberMode
	// at is the index of its wire name in the codec's order.
	at int32
}

// orderedMember is a wire name and its member, in the order added.
type orderedMember struct {
	key string
	mem member
}

// objectState is what one object's decode tracks across its legacy
// sub-objects.
type objectState struct {
	nested       bool
	flag         bool // for a model's keyHook
	primarySeen  bool // a name of the fallback field other than the fallback
	fallbackSet  bool
	fallbackTime time.Time
	fallbackErr  error
}

// modelCodec is the codec of one model type.
type modelCodec struct {
	name    string
	typ     reflect.Type
	fields  []*fieldCodec // in write order
	members map[string]member
	// order holds the wire names, and succ[i+1] the index in order of the
	// name that followed order[i] in the last object decoded (succ[0]: the
	// first name). A site writes every object's keys in one order, which
	// differs between releases and from the tags': learnt this way, the
	// next key is found with one compare instead of a map lookup.
	order    []orderedMember
	succ     []atomic.Int32
	custom   *fieldCodec
	bare     *fieldCodec
	fallback *fieldCodec
	links    []*fieldCodec
	id       *fieldCodec // the model's own "id"
	// passText are, for each textPass, the fields whose text it maps;
	// passNested the embedded models that have such fields, at any depth.
	passText, passNested [nPasses][]*fieldCodec
	// keys is the model whose keys custom fields must not use (a request's
	// custom fields must not name a key of the record it writes).
	keys *modelCodec

	// Typed operations, made by register for the model's Go type.
	zero   func(p unsafe.Pointer)
	list   func(d *jsontext.Decoder, fp unsafe.Pointer) error // []*T
	values func(d *jsontext.Decoder, fp unsafe.Pointer) error // []T
	one    func(d *jsontext.Decoder, fp unsafe.Pointer) error // *T
	mapOf  func(d *jsontext.Decoder, fp unsafe.Pointer) error // map[string]T

	// keyHook decodes the keys a tag cannot describe (Event's "notify"),
	// noting what it read in a flag; after completes the decoded value.
	keyHook func(p unsafe.Pointer, d *jsontext.Decoder, key []byte) (handled, flag bool, err error)
	after   func(p unsafe.Pointer, flag bool)
}

type registry struct {
	byType map[reflect.Type]*modelCodec
	// targets decode a body into *T or *[]*T in one pass (see decodeWire).
	targets map[reflect.Type]func(b []byte, v any) error
	// passes map the text of a decoded *T or *[]*T (see mapText).
	passes map[reflect.Type]func(v any, pass textPass)
}

// codecs is built on first use from the models' tags.
var codecs = sync.OnceValue(func() *registry {
	r := &registry{byType: map[reflect.Type]*modelCodec{}, targets: map[reflect.Type]func([]byte, any) error{},
		passes: map[reflect.Type]func(any, textPass){}}
	register[Customer](r, "Customer")
	register[Company](r, "Company")
	register[Transaction](r, "Transaction")
	withHooks(register[Event](r, "Event"), eventKeyHook, eventAfterDecode)
	register[Reminder](r, "Reminder")
	register[Quote](r, "Quote")
	register[Invoice](r, "Invoice")
	register[LineItem](r, "LineItem")
	register[Tag](r, "Tag")
	register[Status](r, "Status")
	register[Extension](r, "Extension")
	register[WebhookResult](r, "WebhookResult")
	register[statusEnvelope](r, "statusEnvelope")
	register[CustomerRequest](r, "CustomerRequest")
	register[CompanyRequest](r, "CompanyRequest")
	register[TransactionRequest](r, "TransactionRequest")
	register[EventRequest](r, "EventRequest")
	for _, m := range r.byType {
		m.build(r)
	}
	r.findPasses()
	r.byType[reflect.TypeFor[CustomerRequest]()].keys = r.byType[reflect.TypeFor[Customer]()]
	r.byType[reflect.TypeFor[CompanyRequest]()].keys = r.byType[reflect.TypeFor[Company]()]
	r.byType[reflect.TypeFor[TransactionRequest]()].keys = r.byType[reflect.TypeFor[Transaction]()]
	return r
})

// codecOf returns the codec of model type T.
func codecOf[T any]() *modelCodec { return codecs().byType[reflect.TypeFor[T]()] }

// register adds the typed operations of model T.
func register[T any](r *registry, name string) *modelCodec {
	m := &modelCodec{name: name, typ: reflect.TypeFor[T]()}
	m.keys = m
	m.zero = func(p unsafe.Pointer) { *(*T)(p) = *new(T) }
	m.list = func(d *jsontext.Decoder, fp unsafe.Pointer) error {
		list := (*[]*T)(fp)
		return readList(d, list, func() error {
			v := new(T)
			*list = append(*list, v)
			return m.decodeObject(d, unsafe.Pointer(v))
		})
	}
	m.values = func(d *jsontext.Decoder, fp unsafe.Pointer) error {
		list := (*[]T)(fp)
		return readList(d, list, func() error {
			*list = append(*list, *new(T))
			return m.decodeObject(d, unsafe.Pointer(&(*list)[len(*list)-1]))
		})
	}
	m.one = func(d *jsontext.Decoder, fp unsafe.Pointer) error {
		v, err := readOne(d, m, func() unsafe.Pointer { return unsafe.Pointer(new(T)) })
		*(**T)(fp) = (*T)(v)
		return err
	}
	m.mapOf = func(d *jsontext.Decoder, fp unsafe.Pointer) error {
		out := map[string]T{}
		*(*map[string]T)(fp) = out
		return readMembers(d, func(key []byte) error {
			var v T
			err := m.decodeObject(d, unsafe.Pointer(&v))
			out[string(key)] = v
			return err
		})
	}
	r.byType[m.typ] = m
	r.targets[reflect.TypeFor[*T]()] = func(b []byte, v any) error { return m.unmarshal(b, unsafe.Pointer(v.(*T))) }
	r.targets[reflect.TypeFor[*[]*T]()] = func(b []byte, v any) error {
		return decodeAll(b, func(d *jsontext.Decoder) error { return decodeTopList(d, m, v.(*[]*T)) })
	}
	r.passes[reflect.TypeFor[*T]()] = func(v any, pass textPass) {
		if p := v.(*T); p != nil {
			m.mapText(unsafe.Pointer(p), pass)
		}
	}
	r.passes[reflect.TypeFor[*[]*T]()] = func(v any, pass textPass) {
		if list := v.(*[]*T); list != nil {
			for _, e := range *list {
				if e != nil {
					m.mapText(unsafe.Pointer(e), pass)
				}
			}
		}
	}
	return m
}

// textPass is a mapping of the text of decoded models, from the wire to
// what the server holds (the rules are validate.go's textRules).
type textPass uint8

const (
	// passRead is for reads: the server lists some fields encoded
	// (htmlentities, tag quotes), decoded to the text that was written.
	passRead textPass = iota
	// passEcho is for create replies, which echo the request: its text as
	// the server stores it (white space folded and trimmed).
	passEcho
	nPasses
)

// inPass reports whether pass maps the field's text.
func (f *fieldCodec) inPass(pass textPass) bool {
	switch pass {
	case passRead:
		return f.kind == kString && (f.text.entities > 0 || f.text.tagName)
	default:
		return (f.kind == kString || f.kind == kCustom) && (f.text.sanitized || f.text.tagName)
	}
}

// mapString is the field's text after pass.
func (f *fieldCodec) mapString(pass textPass, s string) string {
	if pass == passRead {
		return f.text.fromStore(s)
	}
	return f.text.asStored(s)
}

// findPasses fills every codec's passText and passNested.
func (r *registry) findPasses() {
	for pass := range nPasses {
		for _, m := range r.byType {
			for _, f := range m.fields {
				if f.inPass(pass) {
					m.passText[pass] = append(m.passText[pass], f)
				}
			}
		}
		// Embedded models, to a fixed point (a contact embeds transactions
		// that embed contacts).
		for changed := true; changed; {
			changed = false
			for _, m := range r.byType {
				for _, f := range m.fields {
					switch f.kind {
					case kList, kValues, kOne, kMap, kModel:
					default:
						continue
					}
					if (len(f.elem.passText[pass]) > 0 || len(f.elem.passNested[pass]) > 0) && !slices.Contains(m.passNested[pass], f) {
						m.passNested[pass] = append(m.passNested[pass], f)
						changed = true
					}
				}
			}
		}
	}
}

// mapText maps, in the model at p and the models it embeds, the text pass
// maps.
func (m *modelCodec) mapText(p unsafe.Pointer, pass textPass) {
	for _, f := range m.passText[pass] {
		if f.kind == kCustom {
			for k, v := range *(*map[string]string)(f.ptr(p)) {
				if s := f.mapString(pass, v); s != v {
					(*(*map[string]string)(f.ptr(p)))[k] = s
				}
			}
			continue
		}
		s := (*string)(f.ptr(p))
		*s = f.mapString(pass, *s)
	}
	for _, f := range m.passNested[pass] {
		fp := f.ptr(p)
		switch f.kind {
		case kList: // []*T: a slice of pointers
			for _, e := range *(*[]unsafe.Pointer)(fp) {
				if e != nil {
					f.elem.mapText(e, pass)
				}
			}
		case kOne:
			if e := *(*unsafe.Pointer)(fp); e != nil {
				f.elem.mapText(e, pass)
			}
		case kModel:
			f.elem.mapText(fp, pass)
		case kValues:
			v := reflect.NewAt(f.typ, fp).Elem()
			for i := range v.Len() {
				f.elem.mapText(v.Index(i).Addr().UnsafePointer(), pass)
			}
		case kMap:
			v := reflect.NewAt(f.typ, fp).Elem()
			for it := v.MapRange(); it.Next(); {
				e := reflect.New(f.typ.Elem())
				e.Elem().Set(it.Value())
				f.elem.mapText(e.UnsafePointer(), pass)
				v.SetMapIndex(it.Key(), e.Elem())
			}
		}
	}
}

// mapDecoded maps the text of a value decodeBody decoded (a *T or *[]*T of
// a model, or a type with its own mapText method): for a read, what the
// server lists encoded is decoded (passRead); for a create reply, which
// echoes the request, the text becomes what the server stores (passEcho).
// Other values are left alone.
func mapDecoded(v any, pass textPass) {
	if f := codecs().passes[reflect.TypeOf(v)]; f != nil {
		f(v, pass)
	} else if s, ok := v.(interface{ mapText(textPass) }); ok {
		s.mapText(pass)
	}
}

// withHooks gives model T's codec the code for what its tags cannot say.
func withHooks[T any](m *modelCodec, key func(*T, *jsontext.Decoder, []byte) (bool, bool, error), after func(*T, bool)) {
	m.keyHook = func(p unsafe.Pointer, d *jsontext.Decoder, k []byte) (bool, bool, error) {
		return key((*T)(p), d, k)
	}
	m.after = func(p unsafe.Pointer, flag bool) { after((*T)(p), flag) }
}

var (
	typeTime     = reflect.TypeFor[time.Time]()
	typeDuration = reflect.TypeFor[time.Duration]()
	typeDecimal  = reflect.TypeFor[decimal.Decimal]()
	typeRaw      = reflect.TypeFor[json.RawMessage]()
	typeStrings  = reflect.TypeFor[[]string]()
	typeCustom   = reflect.TypeFor[map[string]string]()
)

// build reads the tags of the model's fields.
func (m *modelCodec) build(r *registry) {
	m.members = map[string]member{}
	m.addFields(r, m.typ, nil, 0, "", nil, false)
	if len(m.order) == 0 {
		panic("jetpackcrm: " + m.name + ": a model without wire names")
	}
	// Until an object teaches otherwise, the name after each is the next
	// in the tags' order.
	m.succ = make([]atomic.Int32, len(m.order)+1)
	for i := range m.succ {
		m.succ[i].Store(int32(min(i, len(m.order)-1)))
	}
	for _, f := range m.fields {
		if f.linkName == "" {
			continue
		}
		for _, g := range m.fields {
			if g.path == f.linkName {
				f.link = g
			}
		}
		if f.link == nil || f.kind != kOne || f.link.kind != kInt64 {
			panic("jetpackcrm: " + f.path + ": bad id=" + f.linkName)
		}
		m.links = append(m.links, f)
	}
}

// addFields adds the fields of struct t, found at offset base and index
// path within the model; prefixes and pathPrefix come from inline parents.
func (m *modelCodec) addFields(r *registry, t reflect.Type, index []int, base uintptr, pathPrefix string, prefixes []string, omitEmpty bool) {
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, jsonOpts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		opts := tagOptions(sf.Tag.Get("jpcrm"))
		idx := append(slices.Clone(index), i)
		if strings.Contains(jsonOpts, "inline") {
			pre := strings.Split(opts["prefix"], "|")
			if len(prefixes) > 0 {
				panic("jetpackcrm: nested inline structs are not supported")
			}
			m.addFields(r, sf.Type, idx, base+sf.Offset, pathPrefix+sf.Name+".", pre, strings.Contains(jsonOpts, "omitempty"))
			continue
		}
		f := &fieldCodec{path: pathPrefix + sf.Name, index: idx, offset: base + sf.Offset, typ: sf.Type, from: opts["from"], linkName: opts["id"]}
		f.omitEmpty = omitEmpty || strings.Contains(jsonOpts, "omitempty")
		f.omitZero = strings.Contains(jsonOpts, "omitzero")
		for _, o := range []struct {
			key string
			dst *bool
		}{{"positive", &f.positive}, {"nonneg", &f.nonneg}, {"trim", &f.trim}, {"datetime", &f.datetime},
			{"utc", &f.utc}, {"flag", &f.flag}, {"signed", &f.signed}, {"bare", &f.bare},
			{"zero", &f.zero}, {"minusone", &f.minusOne}} {
			_, *o.dst = opts[o.key]
		}
		f.text = textRules[opts["text"]]
		if f.text == nil {
			panic("jetpackcrm: " + f.path + ": unknown text=" + opts["text"])
		}
		f.maxBytes, _ = strconv.Atoi(opts["max"])
		f.maxChars, _ = strconv.Atoi(opts["chars"])
		if v, ok := opts["int"]; ok {
			f.trueInt = 1
			if v != "" {
				f.trueInt, _ = strconv.ParseInt(v, 10, 64)
			}
		}
		f.kind, f.elem = fieldKindOf(r, sf.Type)
		if strings.Contains(jsonOpts, "unknown") {
			if sf.Type != typeCustom {
				panic("jetpackcrm: " + f.path + ": unknown needs a map[string]string")
			}
			f.kind = kCustom
			m.custom = f
			for _, k := range splitNames(opts["ignore"]) {
				m.addMember(k, member{mode: ignoredKey})
			}
			for _, k := range splitNames(opts["nested"]) {
				m.addMember(k, member{mode: nestedKey})
			}
			m.fields = append(m.fields, f)
			continue
		}
		if name != "-" {
			names := []string{name}
			if len(prefixes) > 0 && prefixes[0] != "" {
				names = names[:0]
				for _, p := range prefixes {
					names = append(names, p+name)
				}
			}
			f.name = names[0]
			names = append(names, splitNames(opts["alias"])...)
			mode := setField
			if v, ok := opts["weak"]; ok && v == "" {
				mode = weakField
			}
			for _, n := range names {
				m.addMember(n, member{f: f, mode: mode})
			}
			for _, n := range splitNames(opts["weak"]) {
				m.addMember(n, member{f: f, mode: weakField})
				names = append(names, n)
			}
			if fb := opts["fallback"]; fb != "" {
				m.addMember(fb, member{f: f, mode: fallbackField})
				m.fallback = f
				names = append(names, fb)
			}
			f.aliases = names[1:]
		}
		if f.bare {
			m.bare = f
		}
		if f.name == "id" && f.kind == kInt64 {
			m.id = f
		}
		m.fields = append(m.fields, f)
	}
}

// addMember adds a wire name; two fields cannot share one.
func (m *modelCodec) addMember(name string, mem member) {
	if _, dup := m.members[name]; dup {
		panic("jetpackcrm: " + m.name + ": wire name " + strconv.Quote(name) + " used twice")
	}
	mem.at = int32(len(m.order))
	m.members[name] = mem
	m.order = append(m.order, orderedMember{name, mem})
}

// fieldKindOf maps a Go type to the rule that decodes it.
func fieldKindOf(r *registry, t reflect.Type) (fieldKind, *modelCodec) {
	switch {
	case t == typeTime:
		return kTime, nil
	case t == typeDuration:
		return kDuration, nil
	case t == typeDecimal:
		return kDecimal, nil
	case t == typeRaw:
		return kRaw, nil
	case t == typeStrings:
		return kStrings, nil
	case t == typeCustom:
		return kCustom, nil
	}
	switch t.Kind() {
	case reflect.String:
		return kString, nil
	case reflect.Int64:
		return kInt64, nil
	case reflect.Int:
		return kInt, nil
	case reflect.Bool:
		return kBool, nil
	case reflect.Slice:
		if e := t.Elem(); e.Kind() == reflect.Pointer && r.byType[e.Elem()] != nil {
			return kList, r.byType[e.Elem()]
		} else if r.byType[e] != nil {
			return kValues, r.byType[e]
		}
	case reflect.Pointer:
		if m := r.byType[t.Elem()]; m != nil {
			return kOne, m
		}
	case reflect.Map:
		if m := r.byType[t.Elem()]; m != nil && t.Key().Kind() == reflect.String {
			return kMap, m
		}
	case reflect.Struct:
		if m := r.byType[t]; m != nil {
			return kModel, m
		}
	}
	panic("jetpackcrm: no wire rule for " + t.String())
}

// tagOptions parses `jpcrm:"a,b=c"` into {"a": "", "b": "c"}.
func tagOptions(tag string) map[string]string {
	out := map[string]string{}
	for opt := range strings.SplitSeq(tag, ",") {
		if opt = strings.TrimSpace(opt); opt != "" {
			k, v, _ := strings.Cut(opt, "=")
			out[k] = v
		}
	}
	return out
}

func splitNames(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "|")
}

func (f *fieldCodec) ptr(p unsafe.Pointer) unsafe.Pointer { return unsafe.Add(p, f.offset) }

// isBuiltin reports whether key is one of the model's wire keys (or a
// companion of a date custom field), which a custom field cannot be.
func (m *modelCodec) isBuiltin(key string) bool {
	_, ok := m.keys.members[key]
	return ok || isCustomFieldCompanion(key)
}

// Decoding.

// unexpected reports the next value as not being want (or the syntax error
// that stops it being read).
func unexpected(d *jsontext.Decoder, want string) error {
	k := d.PeekKind()
	if k == 0 {
		_, err := d.ReadValue()
		return err
	}
	return &jsonDecodeError{Offset: int(d.InputOffset()), Msg: fmt.Sprintf("unexpected %s, want %s", kindNames[k], want)}
}

// readMembers calls member for each member of an object, with the decoder
// on the value; member must consume it. null, false and [] read as an empty
// object: PHP encodes an empty associative array as [].
func readMembers(d *jsontext.Decoder, member func(key []byte) error) error {
	if more, err := openObject(d); !more {
		return err
	}
	for d.PeekKind() != '}' {
		kv, err := d.ReadValue()
		if err != nil {
			return err
		}
		key := unquote(kv)
		if err := member(key); err != nil {
			return inField(string(key), err)
		}
	}
	_, err := d.ReadToken()
	return err
}

// openObject consumes the start of an object and reports whether members
// follow; null, false and [] are consumed whole.
func openObject(d *jsontext.Decoder) (bool, error) {
	switch d.PeekKind() {
	case 'n', 'f':
		_, err := d.ReadToken()
		return false, err
	case '[':
		start := d.InputOffset()
		if _, err := d.ReadToken(); err != nil {
			return false, err
		}
		if d.PeekKind() != ']' {
			return false, &jsonDecodeError{Offset: int(start), Msg: "want an object, got a non-empty array"}
		}
		_, err := d.ReadToken()
		return false, err
	case '{':
		_, err := d.ReadToken()
		return true, err
	}
	return false, unexpected(d, "an object")
}

// readList reads an array into *list, calling add for each element but
// null (add appends it). null and false read as nil, [] as an empty non-nil slice
// (the server sends [] for "asked for, none"), and an object as the list of
// its values (PHP encodes an array with gaps, or an empty one in an object
// context, that way).
func readList[T any](d *jsontext.Decoder, list *[]T, add func() error) error {
	*list = nil
	switch d.PeekKind() {
	case 'n', 'f':
		_, err := d.ReadToken()
		return err
	case '{':
		*list = []T{}
		return readMembers(d, func([]byte) error { return addEntry(d, add) })
	case '[':
	default:
		return unexpected(d, "an array")
	}
	*list = []T{}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	for d.PeekKind() != ']' {
		if err := addEntry(d, add); err != nil {
			return err
		}
	}
	_, err := d.ReadToken()
	return err
}

// addEntry calls add for the next entry of a list, unless it is null: a
// null entry holds no record, so it is skipped (as the top-level lists
// drop theirs, see dropNullEntries) rather than read as an empty record.
func addEntry(d *jsontext.Decoder, add func() error) error {
	if d.PeekKind() == 'n' {
		_, err := d.ReadToken()
		return err
	}
	return add()
}

// readStrings reads an array of lenient strings.
func readStrings(d *jsontext.Decoder) ([]string, error) {
	var out []string
	err := readList(d, &out, func() error {
		s, err := readValue(d, lenientString)
		out = append(out, s)
		return err
	})
	return out, err
}

// readOne reads an embedded object that the server sends as an array of 0
// or 1 objects ("contact":[{...}] or "contact":[]). [], null and false give
// nil; a bare object is accepted too; elements after the first are ignored.
func readOne(d *jsontext.Decoder, m *modelCodec, alloc func() unsafe.Pointer) (unsafe.Pointer, error) {
	switch d.PeekKind() {
	case 'n', 'f':
		_, err := d.ReadToken()
		return nil, err
	case '{':
		v := alloc()
		return v, m.decodeObject(d, v)
	case '[':
	default:
		return nil, unexpected(d, "an array of at most one object")
	}
	var first unsafe.Pointer
	var elems []struct{}
	err := readList(d, &elems, func() error {
		if k := d.PeekKind(); first != nil || k == 'n' || k == 'f' {
			return d.SkipValue()
		}
		first = alloc()
		return m.decodeObject(d, first)
	})
	return first, err
}

// decodeTopList decodes a list body: an array of objects or, as the
// documented examples and older plugins answer one match, a single object.
// Elements are read as UnmarshalJSON reads a model (null gives a nil
// element, as with encoding/json).
func decodeTopList[T any](d *jsontext.Decoder, m *modelCodec, out *[]*T) error {
	switch d.PeekKind() {
	case 'n':
		_, err := d.ReadToken()
		return err
	case '{':
		v := new(T)
		*out = []*T{v}
		return inField(m.name, m.decodeObject(d, unsafe.Pointer(v)))
	case '[':
	default:
		return unexpected(d, "an array")
	}
	if _, err := d.ReadToken(); err != nil {
		return err
	}
	list := make([]*T, 0, 16)
	for {
		switch d.PeekKind() {
		case ']':
			*out = list
			_, err := d.ReadToken()
			return err
		case 'n':
			list = append(list, nil)
			if _, err := d.ReadToken(); err != nil {
				return err
			}
		case '{':
			v := new(T)
			list = append(list, v)
			if err := m.decodeObject(d, unsafe.Pointer(v)); err != nil {
				return inField(m.name, err)
			}
		default:
			return inField(m.name, unexpected(d, "a JSON object"))
		}
	}
}

// unmarshal is the body of every model's UnmarshalJSON: b must be one JSON
// object (or null, which leaves the value untouched). A bare [] is refused:
// customer_search answers [] for "not found", which must not decode as an
// empty record.
func (m *modelCodec) unmarshal(b []byte, p unsafe.Pointer) error {
	return decodeAll(b, func(d *jsontext.Decoder) error {
		switch k := d.PeekKind(); {
		case k == 'n':
			_, err := d.ReadToken()
			return err
		case k == '"' && m.bare != nil:
			return m.decodeObject(d, p)
		case k != '{':
			return inField(m.name, unexpected(d, "a JSON object"))
		}
		return inField(m.name, m.decodeObject(d, p))
	})
}

// decodeObject resets the model at p and decodes an object into it (null,
// false and [] give the zero value).
func (m *modelCodec) decodeObject(d *jsontext.Decoder, p unsafe.Pointer) error {
	m.zero(p)
	if m.bare != nil && d.PeekKind() == '"' {
		s, err := readValue(d, lenientString)
		*(*string)(m.bare.ptr(p)) = s
		return err
	}
	var st objectState
	err := m.decodeMembers(d, p, &st)
	if err == nil && m.fallback != nil && st.fallbackSet && !st.primarySeen {
		if st.fallbackErr != nil {
			return inField(m.fallback.aliases[len(m.fallback.aliases)-1], st.fallbackErr)
		}
		*(*time.Time)(m.fallback.ptr(p)) = st.fallbackTime
	}
	for _, f := range m.links {
		if rec := *(*unsafe.Pointer)(f.ptr(p)); rec != nil && *(*int64)(f.link.ptr(p)) == 0 && f.elem.id != nil {
			*(*int64)(f.link.ptr(p)) = *(*int64)(f.elem.id.ptr(rec))
		}
	}
	if m.after != nil {
		m.after(p, st.flag)
	}
	return err
}

// decodeMembers is readMembers for the model, without a closure per object.
func (m *modelCodec) decodeMembers(d *jsontext.Decoder, p unsafe.Pointer, st *objectState) error {
	if more, err := openObject(d); !more {
		return err
	}
	prev := int32(-1) // the index of the last known key
	for d.PeekKind() != '}' {
		kv, err := d.ReadValue()
		if err != nil {
			return err
		}
		key := unquote(kv)
		var mem member
		guess := m.succ[prev+1].Load()
		ok := m.order[guess].key == string(key)
		if ok {
			mem = m.order[guess].mem
		} else if mem, ok = m.members[string(key)]; ok && !st.nested {
			// A legacy sub-object (nested=) has keys of its own: learnt,
			// they would undo the outer object's order at every object.
			m.succ[prev+1].Store(mem.at)
		}
		if ok {
			prev = mem.at
		}
		if err := m.decodeMember(d, p, key, mem, ok, st); err != nil {
			return inField(string(key), err)
		}
	}
	_, err := d.ReadToken()
	return err
}

// decodeMember decodes the value of key, whose member is mem (known: ok).
func (m *modelCodec) decodeMember(d *jsontext.Decoder, p unsafe.Pointer, key []byte, mem member, ok bool, st *objectState) error {
	if !ok {
		if m.keyHook != nil {
			if done, flag, err := m.keyHook(p, d, key); done {
				st.flag = st.flag || flag
				return err
			}
		}
		if m.custom == nil || isCustomFieldCompanion(string(key)) {
			return d.SkipValue()
		}
		v, err := readValue(d, customValue)
		if err != nil {
			return err
		}
		fields := (*map[string]string)(m.custom.ptr(p))
		if *fields == nil {
			*fields = make(map[string]string, 4)
		}
		(*fields)[string(key)] = v
		return nil
	}
	switch mem.mode {
	case ignoredKey:
		return d.SkipValue()
	case nestedKey:
		if st.nested {
			return d.SkipValue()
		}
		st.nested = true
		err := m.decodeMembers(d, p, st)
		st.nested = false
		return err
	case fallbackField:
		// Kept aside: used only if no other name of the field comes, and
		// only then is a bad value an error.
		v, err := d.ReadValue()
		if err != nil {
			return err
		}
		st.fallbackSet = true
		st.fallbackTime, st.fallbackErr = lenientDateTime(v)
		if st.fallbackErr != nil {
			st.fallbackErr = &jsonDecodeError{Offset: int(d.InputOffset()) - len(v), Msg: st.fallbackErr.Error()}
		}
		return nil
	case weakField:
		return mem.f.decodeWeak(d, p)
	}
	if mem.f == m.fallback {
		st.primarySeen = true
	}
	return mem.f.decode(d, p)
}

// decode reads the field's value into the model at p.
func (f *fieldCodec) decode(d *jsontext.Decoder, p unsafe.Pointer) (err error) {
	fp := f.ptr(p)
	switch f.kind {
	case kString:
		var s string
		s, err = readValue(d, lenientString)
		if f.trim {
			s = strings.TrimSpace(s)
		}
		*(*string)(fp) = s
	case kInt64, kInt, kDuration:
		var n int64
		n, err = readValue(d, lenientInt)
		if f.nonneg {
			n = max(n, 0)
		}
		switch f.kind {
		case kInt:
			*(*int)(fp) = int(n)
		case kDuration:
			*(*time.Duration)(fp) = time.Duration(n) * time.Second
		default:
			*(*int64)(fp) = n
		}
	case kBool:
		*(*bool)(fp), err = readValue(d, lenientBool)
	case kDecimal:
		*(*decimal.Decimal)(fp), err = readValue(d, lenientDecimal)
	case kTime:
		rule := lenientUnix
		if f.datetime {
			rule = lenientDateTime
		}
		*(*time.Time)(fp), err = readValue(d, rule)
	case kStrings:
		*(*[]string)(fp), err = readStrings(d)
	case kRaw:
		var v jsontext.Value
		v, err = d.ReadValue()
		*(*json.RawMessage)(fp) = bytes.Clone(v)
	case kList:
		err = f.elem.list(d, fp)
	case kValues:
		err = f.elem.values(d, fp)
	case kOne:
		if k := d.PeekKind(); f.link != nil && k != '[' && k != '{' && k != 0 {
			// The linked record's ID, e.g. a create reply's "customer":12;
			// -1 (none) and false do not clear one already read.
			var id int64
			if id, err = readValue(d, lenientInt); id > 0 {
				*(*int64)(f.link.ptr(p)) = id
			}
			return err
		}
		err = f.elem.one(d, fp)
	case kMap:
		err = f.elem.mapOf(d, fp)
	case kModel:
		switch d.PeekKind() {
		case 'n':
			_, err = d.ReadToken()
		case '{':
			err = f.elem.decodeObject(d, fp)
		default:
			err = unexpected(d, "a JSON object")
		}
	}
	return err
}

// decodeWeak reads a legacy copy of the field, kept only if the field is
// still empty.
func (f *fieldCodec) decodeWeak(d *jsontext.Decoder, p unsafe.Pointer) error {
	fp := f.ptr(p)
	switch f.kind {
	case kString:
		s, err := readValue(d, lenientString)
		if *(*string)(fp) == "" {
			if f.trim {
				s = strings.TrimSpace(s)
			}
			*(*string)(fp) = s
		}
		return err
	case kInt64:
		n, err := readValue(d, lenientInt)
		if *(*int64)(fp) == 0 {
			*(*int64)(fp) = n
		}
		return err
	}
	panic("jetpackcrm: weak names need a string or int64 field: " + f.path)
}

// isWireTarget reports whether decodeWire decodes into v: a non-nil *T or
// *[]*T of a model T.
func isWireTarget(v any) bool {
	return codecs().targets[reflect.TypeOf(v)] != nil && !reflect.ValueOf(v).IsNil()
}

// decodeWire decodes body into a model or a list of models in one pass.
func decodeWire(body []byte, v any) error { return codecs().targets[reflect.TypeOf(v)](body, v) }

// Encoding.

// encodeOptions escape as encoding/json does (<, >, &, U+2028, U+2029) and
// replace invalid UTF-8 by U+FFFD; names are not checked for duplicates (a
// record's custom field may repeat a built-in key, as it was decoded).
var encodeOptions = []jsontext.Options{jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true),
	jsontext.EscapeForHTML(true), jsontext.EscapeForJS(true)}

type wireWriter struct {
	enc jsontext.Encoder
	buf bytes.Buffer
	err error
}

var writers = sync.Pool{New: func() any { return new(wireWriter) }}

func (w *wireWriter) token(t jsontext.Token) {
	if w.err == nil {
		w.err = w.enc.WriteToken(t)
	}
}

func (w *wireWriter) value(v jsontext.Value) {
	if w.err == nil {
		w.err = w.enc.WriteValue(v)
	}
}

// encodeModel writes the model at p as one compact JSON object.
func encodeModel(m *modelCodec, p unsafe.Pointer) ([]byte, error) {
	w := writers.Get().(*wireWriter)
	w.buf.Reset()
	w.enc.Reset(&w.buf, encodeOptions...)
	w.err = nil
	m.encodeObject(w, p)
	out, err := bytes.Clone(bytes.TrimSuffix(w.buf.Bytes(), []byte("\n"))), w.err
	if w.buf.Cap() <= 64<<10 {
		writers.Put(w)
	}
	return out, err
}

func (m *modelCodec) encodeObject(w *wireWriter, p unsafe.Pointer) {
	w.token(jsontext.BeginObject)
	for _, f := range m.fields {
		if f.kind != kCustom {
			f.encode(w, p)
		}
	}
	if m.custom != nil {
		fields := *(*map[string]string)(m.custom.ptr(p))
		if len(fields) > 0 { // spares sorting no keys, which allocates
			for _, k := range slices.Sorted(maps.Keys(fields)) {
				w.token(jsontext.String(k))
				w.token(jsontext.String(fields[k]))
			}
		}
	}
	w.token(jsontext.EndObject)
}

// encode writes the field of the model at p, unless its tag omits it.
func (f *fieldCodec) encode(w *wireWriter, p unsafe.Pointer) {
	if f.name == "" {
		return
	}
	fp := f.ptr(p)
	var tok jsontext.Token
	switch f.kind {
	case kString:
		s := *(*string)(fp)
		if f.omitEmpty && s == "" {
			return
		}
		tok = jsontext.String(s)
	case kInt64, kInt:
		n := *(*int64)(fp)
		if f.kind == kInt {
			n = int64(*(*int)(fp))
		}
		if (f.positive && n <= 0) || (f.omitEmpty && n == 0) {
			return
		}
		tok = jsontext.Int(n)
	case kDuration:
		tok = jsontext.Int(int64(*(*time.Duration)(fp) / time.Second))
	case kBool:
		b := *(*bool)(fp)
		switch {
		case f.omitEmpty && !b:
			return
		case f.flag:
			tok = jsontext.String("1")
		case f.trueInt != 0 && b:
			tok = jsontext.Int(f.trueInt)
		case f.trueInt != 0:
			tok = jsontext.Int(0)
		case f.signed && b:
			tok = jsontext.Int(1)
		case f.signed:
			tok = jsontext.Int(-1)
		default:
			tok = jsontext.Bool(b)
		}
	case kDecimal:
		d := *(*decimal.Decimal)(fp)
		if (f.omitEmpty || f.omitZero) && d.IsZero() {
			return
		}
		tok = jsontext.String(formatDecimal(d))
	case kTime:
		t := *(*time.Time)(fp)
		switch {
		case f.omitZero && t.IsZero():
			return
		case f.utc:
			tok = jsontext.String(t.UTC().Format(eventTimeLayout))
		case t.IsZero():
			tok = jsontext.Int(0)
		default:
			tok = jsontext.Int(t.Unix())
		}
	case kRaw:
		raw := *(*json.RawMessage)(fp)
		if len(raw) == 0 {
			return
		}
		w.token(jsontext.String(f.name))
		w.value(jsontext.Value(raw))
		return
	default:
		f.encodeComposite(w, fp, p)
		return
	}
	w.token(jsontext.String(f.name))
	w.token(tok)
}

// encodeComposite writes lists, embedded records and maps.
func (f *fieldCodec) encodeComposite(w *wireWriter, fp, p unsafe.Pointer) {
	v := reflect.NewAt(f.typ, fp).Elem()
	switch {
	case f.kind == kOne && v.IsNil():
		if f.link != nil && f.link.name == "" { // the ID has no name of its own
			if id := *(*int64)(f.link.ptr(p)); id != 0 {
				w.token(jsontext.String(f.name))
				w.token(jsontext.Int(id))
			}
		}
		return
	case (f.omitZero || f.kind == kMap) && v.IsNil(), f.omitEmpty && v.Len() == 0:
		return
	}
	w.token(jsontext.String(f.name))
	switch f.kind {
	case kStrings:
		w.token(jsontext.BeginArray)
		for _, s := range v.Interface().([]string) {
			w.token(jsontext.String(s))
		}
		w.token(jsontext.EndArray)
	case kList, kValues:
		w.token(jsontext.BeginArray)
		for i := range v.Len() {
			e := v.Index(i)
			switch {
			case f.kind == kValues:
				f.elem.encodeObject(w, e.Addr().UnsafePointer())
			case e.IsNil():
				w.token(jsontext.Null)
			default:
				f.elem.encodeObject(w, e.UnsafePointer())
			}
		}
		w.token(jsontext.EndArray)
	case kOne:
		w.token(jsontext.BeginArray)
		f.elem.encodeObject(w, v.UnsafePointer())
		w.token(jsontext.EndArray)
	case kModel:
		f.elem.encodeObject(w, fp)
	case kMap:
		if v.Len() == 0 {
			w.token(jsontext.BeginArray) // PHP's empty array, as the server sends it
			w.token(jsontext.EndArray)
			return
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		w.token(jsontext.BeginObject)
		for _, k := range keys {
			e := reflect.New(f.typ.Elem())
			e.Elem().Set(v.MapIndex(k))
			w.token(jsontext.String(k.String()))
			f.elem.encodeObject(w, e.UnsafePointer())
		}
		w.token(jsontext.EndObject)
	}
}

// The typed entry points.

// unmarshalModel is the body of every model's UnmarshalJSON.
func unmarshalModel[T any](b []byte, v *T) error { return codecOf[T]().unmarshal(b, unsafe.Pointer(v)) }

// marshalModel is the body of every model's MarshalJSON.
func marshalModel[T any](v *T) ([]byte, error) { return encodeModel(codecOf[T](), unsafe.Pointer(v)) }

// marshalRequest encodes a request, refusing custom fields that collide with
// a built-in key (sent at top level, they would overwrite it). Its output is
// what json.Marshal gives, without json.Marshal's second pass over it.
func marshalRequest[T any](v *T) ([]byte, error) {
	m := codecOf[T]()
	if err := checkCustomFields(m.customFields(unsafe.Pointer(v)), m.isBuiltin); err != nil {
		return nil, err
	}
	return encodeModel(m, unsafe.Pointer(v))
}

// requestFrom returns the request R that rewrites the record rec as it is.
func requestFrom[R, M any](rec *M) *R {
	r := new(R)
	codecOf[R]().requestFrom(unsafe.Pointer(r), codecOf[M](), unsafe.Pointer(rec))
	return r
}

// overlay copies the non-empty fields of the request src over dst.
func overlay[T any](dst, src *T) { codecOf[T]().overlay(unsafe.Pointer(dst), unsafe.Pointer(src)) }

// checkText checks every text of the request v: valid UTF-8, stored by the
// server as it is (checkStored), and no custom field named like a built-in
// key.
func checkText[T any](v *T) error {
	m := codecOf[T]()
	if err := checkCustomFields(m.customFields(unsafe.Pointer(v)), m.isBuiltin); err != nil {
		return err
	}
	if name, reason := m.textFields(unsafe.Pointer(v), (*fieldCodec).checkStored); reason != "" {
		return invalidField(name, "%s", reason)
	}
	return nil
}

func (m *modelCodec) customFields(p unsafe.Pointer) map[string]string {
	if m.custom == nil {
		return nil
	}
	return *(*map[string]string)(m.custom.ptr(p))
}

// Requests.

// textFields calls check for every text of the request at p (string fields,
// address lines, list items, custom field values, in field order) and
// returns the first reason it gives, with the Go name of the text
// ("Tags[1]"); "" when there is none.
func (m *modelCodec) textFields(p unsafe.Pointer, check func(f *fieldCodec, value string) string) (name, reason string) {
	for _, f := range m.fields {
		switch f.kind {
		case kString:
			if reason := check(f, *(*string)(f.ptr(p))); reason != "" {
				return f.path, reason
			}
		case kStrings:
			for i, s := range *(*[]string)(f.ptr(p)) {
				if reason := check(f, s); reason != "" {
					return fmt.Sprintf("%s[%d]", f.path, i), reason
				}
			}
		case kCustom:
			fields := *(*map[string]string)(f.ptr(p))
			if len(fields) == 0 {
				continue // spares sorting no keys, which allocates
			}
			for _, k := range slices.Sorted(maps.Keys(fields)) {
				if reason := check(f, fields[k]); reason != "" {
					return fmt.Sprintf("CustomFields[%q]", k), reason
				}
			}
		}
	}
	return "", ""
}

// overlay copies the non-empty fields of the request at src over dst; custom
// fields merge key by key, non-empty values only.
func (m *modelCodec) overlay(dst, src unsafe.Pointer) {
	for _, f := range m.fields {
		if f.kind == kCustom {
			from := *(*map[string]string)(f.ptr(src))
			to := (*map[string]string)(f.ptr(dst))
			for k, v := range from {
				if v == "" {
					continue
				}
				if *to == nil {
					*to = make(map[string]string, len(from))
				}
				(*to)[k] = v
			}
			continue
		}
		v := reflect.NewAt(f.typ, f.ptr(src)).Elem()
		empty := v.IsZero()
		if v.Kind() == reflect.Slice {
			empty = v.Len() == 0
		} else if v.Kind() == reflect.Int64 {
			empty = v.Int() <= 0
		}
		if !empty {
			reflect.NewAt(f.typ, f.ptr(dst)).Elem().Set(v)
		}
	}
}

// requestFrom fills the request at dst from the record at src: each request
// field takes the record's field of the same Go name (or its from=), tags as
// their names, custom fields as a copy.
func (m *modelCodec) requestFrom(dst unsafe.Pointer, rec *modelCodec, src unsafe.Pointer) {
	recv := reflect.NewAt(rec.typ, src).Elem()
	for _, f := range m.fields {
		name := f.path
		if f.from != "" {
			name = f.from
		}
		from := recv.FieldByName(strings.Split(name, ".")[0])
		if !from.IsValid() {
			continue
		}
		for _, part := range strings.Split(name, ".")[1:] {
			from = from.FieldByName(part)
		}
		to := reflect.NewAt(f.typ, f.ptr(dst)).Elem()
		switch {
		case f.kind == kCustom:
			to.Set(reflect.ValueOf(maps.Clone(from.Interface().(map[string]string))))
		case from.Type() == f.typ:
			to.Set(from)
		case f.kind == kStrings && from.Type() == reflect.TypeFor[[]Tag]():
			to.Set(reflect.ValueOf(tagNames(from.Interface().([]Tag))))
		}
	}
}
