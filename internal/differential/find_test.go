package differential_test

import (
	"slices"

	"github.com/jpcrm-go/jetpackcrm"
)

// The read-backs: how a scenario finds what it wrote on a site full of
// other people's records, through the SDK only.

// contacts returns the contacts the customers endpoint finds for token (a
// JSON-body search, which WordPress does not slash), with their tags and
// transactions, in ID order.
func (r *run) contacts(token string) ([]*jetpackcrm.Customer, error) {
	list, _, err := r.c.Customers.List(r.ctx, &jetpackcrm.CustomerListOptions{
		ListOptions: jetpackcrm.ListOptions{PerPage: 100}, Search: token, WithTags: true, WithTransactions: true})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(list, func(a, b *jetpackcrm.Customer) int { return cmpID(a.ID, b.ID) })
	return list, nil
}

// stored records, under key, every contact found for token (the scenario's
// stamp unless given), with its tags and transactions.
func (r *run) stored(key string, token ...string) []*jetpackcrm.Customer {
	tok := r.stamp
	if len(token) > 0 {
		tok = token[0]
	}
	list, err := r.contacts(tok)
	r.must(key+".err", err)
	r.value(key, list)
	return list
}

func cmpID(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// findPaged finds the record with ID id in a list that the server pages in
// ID order, ascending or descending (6.4.4 lists oldest first, 6.6.1 newest
// first), without walking a big site: IDs are unique and ordered, so the
// record's position is at most its distance from the first ID, which bounds
// a binary search over pages. Records inserted meanwhile by others only
// move pages at the newest end; the neighbours of the last probe are tried
// too.
func findPaged[T any](r *run, id int64, idOf func(*T) int64,
	list func(opts jetpackcrm.ListOptions) ([]*T, error)) (*T, error) {
	const per = 100
	cache := map[int][]*T{}
	page := func(p int) ([]*T, error) {
		if items, ok := cache[p]; ok {
			return items, nil
		}
		items, err := list(jetpackcrm.ListOptions{Page: p, PerPage: per})
		if err == nil {
			cache[p] = items
		}
		return items, err
	}
	lookIn := func(items []*T) *T {
		for _, it := range items {
			if idOf(it) == id {
				return it
			}
		}
		return nil
	}
	first, err := page(1)
	if err != nil || len(first) == 0 {
		return nil, err
	}
	if it := lookIn(first); it != nil || len(first) < per {
		return it, nil
	}
	asc := idOf(first[0]) < idOf(first[len(first)-1])
	// before reports whether every record of items comes before id in the
	// list's order; after, whether every one comes after it.
	before := func(items []*T) bool {
		last := idOf(items[len(items)-1])
		return asc && last < id || !asc && last > id
	}
	after := func(items []*T) bool {
		head := idOf(items[0])
		return asc && head > id || !asc && head < id
	}
	if after(first) {
		return nil, nil
	}
	dist := id - idOf(first[0])
	if !asc {
		dist = -dist
	}
	lo, hi := 2, int(dist/per)+2
	probe := 1
	for lo <= hi {
		mid := (lo + hi) / 2
		probe = mid
		items, err := page(mid)
		if err != nil {
			return nil, err
		}
		switch {
		case len(items) == 0 || after(items):
			hi = mid - 1
		case before(items):
			lo = mid + 1
		default:
			return lookIn(items), nil
		}
	}
	for _, p := range []int{probe - 1, probe + 1} {
		if p < 1 {
			continue
		}
		items, err := page(p)
		if err != nil {
			return nil, err
		}
		if it := lookIn(items); it != nil {
			return it, nil
		}
	}
	return nil, nil
}

// event reads the event with this ID back (nil when there is none).
func (r *run) event(id int64) (*jetpackcrm.Event, error) {
	return findPaged(r, id, func(e *jetpackcrm.Event) int64 { return e.ID }, func(o jetpackcrm.ListOptions) ([]*jetpackcrm.Event, error) {
		l, _, err := r.c.Events.List(r.ctx, &jetpackcrm.EventListOptions{ListOptions: o})
		return l, err
	})
}

// transaction reads the transaction with this ID back.
func (r *run) transaction(id int64) (*jetpackcrm.Transaction, error) {
	return findPaged(r, id, func(t *jetpackcrm.Transaction) int64 { return t.ID }, func(o jetpackcrm.ListOptions) ([]*jetpackcrm.Transaction, error) {
		l, _, err := r.c.Transactions.List(r.ctx, &o)
		return l, err
	})
}

// company reads the company with this ID back.
func (r *run) company(id int64) (*jetpackcrm.Company, error) {
	return findPaged(r, id, func(c *jetpackcrm.Company) int64 { return c.ID }, func(o jetpackcrm.ListOptions) ([]*jetpackcrm.Company, error) {
		l, _, err := r.c.Companies.List(r.ctx, &o)
		return l, err
	})
}

// storedEvent records the event with this ID as the site lists it.
func (r *run) storedEvent(key string, id int64) *jetpackcrm.Event {
	e, err := r.event(id)
	r.must(key+".err", err)
	if e == nil {
		r.put(key, "none")
		return nil
	}
	r.value(key, e)
	return e
}

// storedTransaction records the transaction with this ID as listed.
func (r *run) storedTransaction(key string, id int64) *jetpackcrm.Transaction {
	tx, err := r.transaction(id)
	r.must(key+".err", err)
	if tx == nil {
		r.put(key, "none")
		return nil
	}
	r.value(key, tx)
	return tx
}

// storedCompany records the company with this ID as listed.
func (r *run) storedCompany(key string, id int64) *jetpackcrm.Company {
	co, err := r.company(id)
	r.must(key+".err", err)
	if co == nil {
		r.put(key, "none")
		return nil
	}
	r.value(key, co)
	return co
}
