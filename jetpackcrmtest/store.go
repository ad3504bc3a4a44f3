package jetpackcrmtest

import (
	"slices"
	"sort"
	"time"
)

// Object types as the CRM numbers them (ZBS_TYPE_*).
const (
	objTypeContact = 1
	objTypeCompany = 2
)

// store is the fake's database. It is only touched with Server.mu held.
// Every slice is kept in ascending ID order.
type store struct {
	contacts     []*Contact
	companies    []*Company
	transactions []*Transaction
	events       []*Event
	quotes       []*Quote
	invoices     []*Invoice
	tags         []*Tag

	nextContact, nextCompany, nextTransaction, nextEvent int64
	nextQuote, nextInvoice, nextLineItem, nextReminder   int64
	nextTag                                              int64

	// contactKeys and companyKeys memoise the collation key of each
	// record's email, checked against the email on every use (records are
	// changed in many places): a lookup by email compares keys instead of
	// weighing every email again.
	contactKeys map[*Contact]emailKey
	companyKeys map[*Company]emailKey
}

// emailKey is the collation key of an email, with the email it is of.
type emailKey struct{ email, key string }

// memoKey returns padKey(email) for the record rec, from memo when it
// holds the key of that email. live is how many records there are: a
// record replaced by a copy leaves its entry behind, so the memo starts
// afresh before those outnumber the live ones.
func memoKey[R comparable](memo *map[R]emailKey, rec R, email string, live int) string {
	if k, ok := (*memo)[rec]; ok && k.email == email {
		return k.key
	}
	if *memo == nil || len(*memo) > 2*live+64 {
		*memo = map[R]emailKey{}
	}
	key := padKey(email)
	(*memo)[rec] = emailKey{email, key}
	return key
}

func newStore() *store {
	return &store{
		nextContact: 1, nextCompany: 1, nextTransaction: 1, nextEvent: 1,
		nextQuote: 1, nextInvoice: 1, nextLineItem: 1, nextReminder: 1, nextTag: 1,
	}
}

// assignID gives *id the next free ID when it is zero, and keeps *next above
// any ID seeded explicitly. It reports false if an explicit ID is not positive.
func assignID(id *int64, next *int64) bool {
	if *id == 0 {
		*id = *next
	}
	if *id < 0 {
		return false
	}
	if *id >= *next {
		*next = *id + 1
	}
	return true
}

// insertSorted inserts v into the ID-ordered slice s.
func insertSorted[T any](s []*T, v *T, id func(*T) int64) []*T {
	i := sort.Search(len(s), func(i int) bool { return id(s[i]) >= id(v) })
	s = append(s, nil)
	copy(s[i+1:], s[i:])
	s[i] = v
	return s
}

// findByID returns the element of the ID-ordered slice s with the given ID.
func findByID[T any](s []*T, want int64, id func(*T) int64) *T {
	i := sort.Search(len(s), func(i int) bool { return id(s[i]) >= want })
	if i < len(s) && id(s[i]) == want {
		return s[i]
	}
	return nil
}

func contactID(c *Contact) int64         { return c.ID }
func companyID(c *Company) int64         { return c.ID }
func transactionID(t *Transaction) int64 { return t.ID }
func eventID(e *Event) int64             { return e.ID }
func quoteID(q *Quote) int64             { return q.ID }
func invoiceID(i *Invoice) int64         { return i.ID }

func (db *store) contact(id int64) *Contact { return findByID(db.contacts, id, contactID) }
func (db *store) company(id int64) *Company { return findByID(db.companies, id, companyID) }
func (db *store) event(id int64) *Event     { return findByID(db.events, id, eventID) }

// contactByEmail finds a contact by main email as MariaDB compares it:
// case- and accent-insensitively, trailing spaces ignored.
func (db *store) contactByEmail(email string) *Contact {
	if email == "" {
		return nil
	}
	want := padKey(email) // collationEqual, with the stored side memoised
	for _, c := range db.contacts {
		if memoKey(&db.contactKeys, c, c.Email, len(db.contacts)) == want {
			return c
		}
	}
	return nil
}

// companyByEmail finds a company by email, as the collation compares.
func (db *store) companyByEmail(email string) *Company {
	if email == "" {
		return nil
	}
	want := padKey(email)
	for _, c := range db.companies {
		if memoKey(&db.companyKeys, c, c.Email, len(db.companies)) == want {
			return c
		}
	}
	return nil
}

// companyByName finds a company by name, as the collation compares.
func (db *store) companyByName(name string) *Company {
	if name == "" {
		return nil
	}
	for _, c := range db.companies {
		if collationEqual(c.Name, name) {
			return c
		}
	}
	return nil
}

// transactionByRef finds a transaction by order ID, as the collation
// compares ("ORD-1" is "ord-1").
func (db *store) transactionByRef(ref string) *Transaction {
	for _, t := range db.transactions {
		if collationEqual(t.OrderID, ref) {
			return t
		}
	}
	return nil
}

// tag returns the tag of objType named name (compared as the collation
// compares), creating it at now. A new tag's slug is sanitize_key(name),
// made unique with "-1", "-2"... It returns nil when the CRM cannot make
// the tag: a name sanitize_key empties (CJK only, say) or one the utf8mb3
// table cannot hold (an emoji). The tag is then silently not attached.
func (db *store) tag(objType int, name string, now time.Time) *Tag {
	for _, t := range db.tags {
		if t.ObjectType == objType && collationEqual(t.Name, name) {
			return t
		}
	}
	slug := sanitizeKey(name)
	if slug == "" || !storable(name) {
		return nil
	}
	if db.tagSlugTaken(objType, slug) {
		n := 1
		for db.tagSlugTaken(objType, slug+"-"+itoa(int64(n))) {
			n++
		}
		slug += "-" + itoa(int64(n))
	}
	t := &Tag{ID: db.nextTag, ObjectType: objType, Name: name, Slug: slug, Created: now, LastUpdated: now}
	db.nextTag++
	db.tags = append(db.tags, t)
	return t
}

func (db *store) tagSlugTaken(objType int, slug string) bool {
	for _, t := range db.tags {
		if t.ObjectType == objType && t.Slug == slug {
			return true
		}
	}
	return false
}

// attachTags makes or finds the tags of names and returns the names of
// those attached (as stored), each once.
func (db *store) attachTags(objType int, names []string, now time.Time) []string {
	var out []string
	for _, n := range names {
		t := db.tag(objType, n, now)
		if t == nil || slices.Contains(out, t.Name) {
			continue
		}
		out = append(out, t.Name)
	}
	return out
}

// tagsOf returns the tag records of the given names, ID descending (the
// order the API lists them in).
func (db *store) tagsOf(objType int, names []string) []*Tag {
	var out []*Tag
	for _, t := range db.tags {
		if t.ObjectType == objType && slices.Contains(names, t.Name) {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out
}

// cleanTags turns a request's "tags" value into tag names the way
// create_customer does: strip_tags(), quotes made entities (&#34; &#39;),
// "<" removed, trimmed, blanks and "0" dropped. ok is false when the value
// is not a list or yields no names; the tags are then left untouched.
func cleanTags(v any) (names []string, ok bool) {
	var items []any
	switch t := v.(type) {
	case []any:
		items = t
	case *object:
		for _, k := range t.keys {
			items = append(items, t.vals[k])
		}
	default:
		return nil, false
	}
	for _, it := range items {
		if name := tagName(it); name != "" && name != "0" {
			names = append(names, name)
		}
	}
	return names, len(names) > 0
}
