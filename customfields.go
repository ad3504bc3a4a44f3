package jetpackcrm

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// ObjectType is a kind of CRM record that can carry custom fields.
type ObjectType int

// The object types whose custom fields the API writes.
const (
	ObjectContact ObjectType = iota + 1
	ObjectCompany
	ObjectTransaction
)

// String names the object type ("contact", "company", "transaction").
func (o ObjectType) String() string {
	switch o {
	case ObjectContact:
		return "contact"
	case ObjectCompany:
		return "company"
	case ObjectTransaction:
		return "transaction"
	}
	return fmt.Sprintf("ObjectType(%d)", int(o))
}

// ErrCustomFieldsUnknown is returned by [Client.CustomFieldSlugs] when the
// site has no record of the type yet: the API has no other way to say which
// custom fields it defines.
var ErrCustomFieldsUnknown = errors.New("jetpackcrm: the site's custom fields cannot be learnt: it has no record of this type yet")

// customFieldsRefresh is how old the cached slugs of a type must be before
// a write naming a slug missing from them reads them again (a field added
// on the site since).
const customFieldsRefresh = time.Minute

// WithoutCustomFieldCheck turns off the check that every custom-field slug
// a write sends is defined on the site (see [Client.CustomFieldSlugs]). The
// site then drops an unknown slug's value without a word, and the write
// reports success.
func WithoutCustomFieldCheck() Option {
	return func(c *config) error {
		c.noCustomFieldCheck = true
		return nil
	}
}

// customFieldCache holds a Client's knowledge of the site's custom fields,
// per object type. Each type has its own lock, held while its slugs are
// read, so that concurrent writers read them once.
type customFieldCache struct {
	off   bool
	now   func() time.Time // time.Now; tests move it
	types [ObjectTransaction + 1]customFieldEntry
}

type customFieldEntry struct {
	mu    sync.Mutex
	slugs map[string]bool // nil until learnt
	at    time.Time
}

func (cc *customFieldCache) clock() time.Time {
	if cc.now != nil {
		return cc.now()
	}
	return time.Now()
}

// CustomFieldSlugs returns, sorted, the slugs of the custom fields the site
// defines for records of type obj (address custom fields of contacts
// appear as addr_<slug> and secaddr_<slug>, the keys they are written
// with). The answer is cached by the [Client].
//
// The API has no call that lists the definitions, and create_customer,
// create_company and create_transaction drop a field the site does not
// define without a word (they even echo it back). But every record a list
// returns carries every custom field defined for its type, "" when unset,
// so CustomFieldSlugs reads one record. A site that has no record of the
// type yet cannot tell: the error then matches [ErrCustomFieldsUnknown].
//
// [CustomersService.Create], Update and UpsertMany,
// [CompaniesService.Create] and [TransactionsService.Create] use it to
// refuse, with a [*ValidationError] and before writing, a slug the site does
// not define ([WithoutCustomFieldCheck] turns that off).
func (c *Client) CustomFieldSlugs(ctx context.Context, obj ObjectType) ([]string, error) {
	const op = "CustomFieldSlugs"
	if err := c.ready(op); err != nil {
		return nil, err
	}
	slugs, err := c.customFieldSlugs(ctx, obj, nil)
	if err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(slugs)), nil
}

// customFieldSlugs returns the slugs of obj, from the cache when it is
// fresh or holds every key of want; otherwise it reads them.
func (c *Client) customFieldSlugs(ctx context.Context, obj ObjectType, want map[string]string) (map[string]bool, error) {
	if obj < ObjectContact || obj > ObjectTransaction {
		return nil, invalid("CustomFieldSlugs", "obj", "unknown object type %d", int(obj))
	}
	e := &c.customFields.types[obj]
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.slugs != nil {
		known := true
		for k := range want {
			known = known && e.slugs[k]
		}
		if known || c.customFields.clock().Sub(e.at) < customFieldsRefresh {
			return e.slugs, nil
		}
	}
	slugs, err := c.readCustomFieldSlugs(ctx, obj)
	if err != nil {
		return nil, err
	}
	e.slugs, e.at = slugs, c.customFields.clock()
	return slugs, nil
}

// readCustomFieldSlugs reads one record of obj and returns its custom-field
// keys.
func (c *Client) readCustomFieldSlugs(ctx context.Context, obj ObjectType) (map[string]bool, error) {
	one := ListOptions{Page: 1, PerPage: 1}
	var fields []map[string]string
	switch obj {
	case ObjectContact:
		list, _, err := c.Customers.List(ctx, &CustomerListOptions{ListOptions: one})
		if err != nil {
			return nil, err
		}
		for _, r := range list {
			fields = append(fields, r.CustomFields)
		}
	case ObjectCompany:
		list, _, err := c.Companies.List(ctx, &one)
		if err != nil {
			return nil, err
		}
		for _, r := range list {
			fields = append(fields, r.CustomFields)
		}
	case ObjectTransaction:
		list, _, err := c.Transactions.List(ctx, &one)
		if err != nil {
			return nil, err
		}
		for _, r := range list {
			fields = append(fields, r.CustomFields)
		}
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("jetpackcrm: the site has no %s yet to learn its custom fields from: %w", obj, ErrCustomFieldsUnknown)
	}
	// Keys a list carries that are not custom fields (6.6's copy of owner,
	// "owner_zbs-name-clash-tmp-fix") are known keys of the models: they
	// never reach CustomFields.
	slugs := make(map[string]bool, len(fields[0]))
	for k := range fields[0] {
		slugs[k] = true
	}
	return slugs, nil
}

// checkCustomFieldSlugs refuses, for op, custom-field keys of a write of
// obj that the site does not define: the site would drop their values
// silently. It reads the site's slugs (once per Client, see
// CustomFieldSlugs) only when fields is not empty.
func (c *Client) checkCustomFieldSlugs(ctx context.Context, op string, obj ObjectType, fields map[string]string) error {
	if len(fields) == 0 {
		return nil
	}
	if err := c.ready(op); err != nil {
		return err
	}
	if c.customFields.off {
		return nil
	}
	if ctx == nil {
		return invalid(op, "ctx", "nil context")
	}
	slugs, err := c.customFieldSlugs(ctx, obj, fields)
	if errors.Is(err, ErrCustomFieldsUnknown) {
		k := slices.Min(slices.Collect(maps.Keys(fields)))
		return invalid(op, fmt.Sprintf("CustomFields[%q]", k),
			"cannot be checked: the site has no %s yet to learn its custom fields from, and it drops unknown ones silently; "+
				"write one %s without custom fields first, or use WithoutCustomFieldCheck", obj, obj)
	}
	if err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if slugs[k] {
			continue
		}
		defined := "it defines none"
		if len(slugs) > 0 {
			defined = "its " + obj.String() + " custom fields are " + strings.Join(slices.Sorted(maps.Keys(slugs)), ", ")
		}
		return invalid(op, fmt.Sprintf("CustomFields[%q]", k),
			"the site defines no such %s custom field and would drop the value silently (%s)", obj, defined)
	}
	return nil
}
