package jetpackcrmtest

import (
	"sort"
	"strings"
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

// contactByEmail finds a contact by main email, case-insensitively (MySQL's
// default collation).
func (db *store) contactByEmail(email string) *Contact {
	if email == "" {
		return nil
	}
	for _, c := range db.contacts {
		if strings.EqualFold(c.Email, email) {
			return c
		}
	}
	return nil
}

// companyByEmail finds a company by email, case-insensitively.
func (db *store) companyByEmail(email string) *Company {
	if email == "" {
		return nil
	}
	for _, c := range db.companies {
		if strings.EqualFold(c.Email, email) {
			return c
		}
	}
	return nil
}

// companyByName finds a company by name, case-insensitively.
func (db *store) companyByName(name string) *Company {
	if name == "" {
		return nil
	}
	for _, c := range db.companies {
		if strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

// transactionByRef finds a transaction by order ID (exact match).
func (db *store) transactionByRef(ref string) *Transaction {
	for _, t := range db.transactions {
		if t.OrderID == ref {
			return t
		}
	}
	return nil
}

// tag returns the tag of objType with the slug of name, creating it at now.
func (db *store) tag(objType int, name string, now time.Time) *Tag {
	slug := slugify(name)
	for _, t := range db.tags {
		if t.ObjectType == objType && t.Slug == slug {
			return t
		}
	}
	t := &Tag{ID: db.nextTag, ObjectType: objType, Name: name, Slug: slug, Created: now, LastUpdated: now}
	db.nextTag++
	db.tags = append(db.tags, t)
	return t
}

// tagsOf returns the tag records of the given names, ID descending (the
// order the API lists them in).
func (db *store) tagsOf(objType int, names []string) []*Tag {
	var out []*Tag
	for _, t := range db.tags {
		if t.ObjectType != objType {
			continue
		}
		for _, n := range names {
			if slugify(n) == t.Slug {
				out = append(out, t)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out
}

// cleanTags turns a request's "tags" value into tag names: HTML stripped,
// blanks dropped, duplicates (by slug) dropped. ok is false when the value
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
	seen := map[string]bool{}
	for _, it := range items {
		name := sanitizeValue(it)
		slug := slugify(name)
		if name == "" || slug == "" || seen[slug] {
			continue
		}
		seen[slug] = true
		names = append(names, name)
	}
	return names, len(names) > 0
}
