package differential_test

import (
	"iter"
	"strings"

	"github.com/jpcrm-go/jetpackcrm"
)

// find records which contacts both searches find for term: the
// query-string one (Customers.Search, customer_search?zbs_query=, slashed by
// WordPress) and the JSON-body one (Customers.List with Search).
func (r *run) find(key, term string) {
	got, _, err := r.c.Customers.Search(r.ctx, term, &jetpackcrm.ListOptions{PerPage: 100})
	r.err(key+".search.err", err)
	r.note(key+".search", r.labels(got))
	list, _, err := r.c.Customers.List(r.ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 100}, Search: term})
	r.err(key+".list.err", err)
	r.note(key+".list", r.labels(list))
}

// labels are the contacts' ID labels, in the order listed.
func (r *run) labels(list []*jetpackcrm.Customer) string {
	out := []string{}
	for _, c := range list {
		out = append(out, r.idLabel("contact", c.ID))
	}
	return "[" + strings.Join(out, " ") + "]"
}

// mk creates a contact (recording its ID label first, so that labels
// follow creation order) and aborts the scenario if that fails. A contact
// the SDK refuses to write (a backslash, which reads would lose) is sent
// raw, to compare how the sites search what they stored.
func (r *run) mk(key string, req *jetpackcrm.CustomerRequest) *jetpackcrm.Customer {
	got, _, err := r.c.Customers.Create(r.ctx, req)
	if refused(err) {
		r.err(key+".sdk", err)
		id := r.sendRaw(key+".raw", "create_customer", req)
		r.id(key, "contact", id)
		return &jetpackcrm.Customer{ID: id, Email: req.Email}
	}
	r.must(key+".err", err)
	r.id(key, "contact", got.ID)
	return got
}

func searchScenarios() []scenario {
	var b builder
	// Each contact carries the stamp in its last name; the search terms
	// carry it too, so nobody else's contacts match.
	for _, s := range []struct {
		name   string
		stored string   // the last name, before the stamp
		terms  []string // searched, before the stamp
	}{
		{"apostrophe", "O'Neil", []string{"O'Neil", "o'neil", "ONeil", `O\'Neil`}},
		{"double-quotes", `Say "hi"`, []string{`"hi"`, "hi"}},
		{"backslash", `Back\slash`, []string{`Back\slash`, "Backslash", `Back\\slash`}},
		{"percent-literal", "100%off", []string{"100%off", "100%"}},
		{"underscore-literal", "snake_case", []string{"snake_case", "snake_"}},
		{"like-wildcards", "abcdef", []string{"a_cdef", "a%f", "%", "abc_ef"}},
		{"accent-insensitive", "Zoë", []string{"Zoë", "zoe", "ZOË", "Zoe"}},
		{"accent-insensitive-2", "Müller", []string{"muller", "MÜLLER", "mueller"}},
		{"case-insensitive", "Smith", []string{"SMITH", "smith", "sMiTh"}},
		{"ligature-and-sharp-s", "Straße", []string{"strasse", "STRASSE", "straße"}},
		{"3byte", "日本語", []string{"日本語", "日本"}},
		{"4byte-term", "plain", []string{"plain 😀"}},
		{"html-term", "Bold", []string{"<b>Bold</b>"}},
		{"ampersand", "Tom & Jerry", []string{"Tom & Jerry", "& Jerry"}},
		{"percent-octet-term", "Cafe", []string{"Caf%65", "Cafe%20"}},
	} {
		b.add("search/"+s.name, func(r *run) {
			r.mk("contact", &jetpackcrm.CustomerRequest{Email: r.email("find"), FirstName: "Finder", LastName: s.stored + r.stamp})
			for i, term := range s.terms {
				r.find("term"+itoa(i), term+r.stamp)
			}
		})
	}
	b.add("search/email-part", func(r *run) {
		r.mk("contact", &jetpackcrm.CustomerRequest{Email: r.email("mailpart")})
		r.find("local", "mailpart."+r.stamp)
		r.find("upper", strings.ToUpper(r.stamp)+"@EXAMPLE")
	})
	b.add("search/phone-digits", func(r *run) {
		d := r.digits(10)
		r.mk("contact", &jetpackcrm.CustomerRequest{Email: r.email("phone"), MobilePhone: "+44 (0)" + d[:3] + " " + d[3:6] + "-" + d[6:]})
		r.find("digits", d)
		r.find("spaced", d[:3]+" "+d[3:6])
		r.find("as-stored", "(0)"+d[:3]+" "+d[3:6]+"-"+d[6:]) // the whole number: 3 digits alone match older runs' contacts
	})
	b.add("search/no-match", func(r *run) {
		r.mk("contact", &jetpackcrm.CustomerRequest{Email: r.email("present")})
		r.find("absent", "absent"+r.stamp)
	})
	b.add("search/several-in-order", func(r *run) {
		for i := range 3 {
			r.mk("c"+itoa(i), &jetpackcrm.CustomerRequest{Email: r.email("many" + itoa(i)), LastName: "Many" + r.stamp})
		}
		r.find("all", "Many"+r.stamp)
	})
	b.add("search/by-email-apostrophe-and-body-search", func(r *run) {
		email := r.email("o'hara")
		r.mk("contact", &jetpackcrm.CustomerRequest{Email: email})
		r.find("email", email)
		got, _, err := r.c.Customers.GetByEmail(r.ctx, email)
		r.err("get", err)
		if got != nil {
			r.id("get.ID", "contact", got.ID)
		}
	})
	return b
}

func pagingScenarios() []scenario {
	var b builder
	addContactPagingScenarios(&b)
	addWholeSitePagingScenarios(&b)
	return b
}

// addContactPagingScenarios adds the pages of the run's own contacts,
// through search, list and the iterator.
func addContactPagingScenarios(b *builder) {
	five := func(r *run) {
		for i := range 5 {
			r.mk("c"+itoa(i), &jetpackcrm.CustomerRequest{Email: r.email("page" + itoa(i)), LastName: "Pager" + r.stamp})
		}
	}
	b.add("paging/search-pages", func(r *run) {
		five(r)
		for _, p := range []int{0, 1, 2, 3, 4} {
			got, resp, err := r.c.Customers.Search(r.ctx, "Pager"+r.stamp, &jetpackcrm.ListOptions{Page: p, PerPage: 2})
			r.err("page"+itoa(p)+".err", err)
			r.note("page"+itoa(p), r.labels(got))
			if resp != nil {
				r.note("page"+itoa(p)+".next", resp.NextPage)
			}
		}
	})
	b.add("paging/list-pages", func(r *run) {
		five(r)
		for _, p := range []int{0, 1, 2, 3, 4} {
			got, resp, err := r.c.Customers.List(r.ctx, &jetpackcrm.CustomerListOptions{Search: "Pager" + r.stamp, ListOptions: jetpackcrm.ListOptions{Page: p, PerPage: 2}})
			r.err("page"+itoa(p)+".err", err)
			r.note("page"+itoa(p), r.labels(got))
			if resp != nil {
				r.note("page"+itoa(p)+".next", resp.NextPage)
			}
		}
	})
	b.add("paging/perpage-one", func(r *run) {
		five(r)
		got, _, err := r.c.Customers.Search(r.ctx, "Pager"+r.stamp, &jetpackcrm.ListOptions{PerPage: 1})
		r.err("search.err", err)
		r.note("search", r.labels(got))
		list, _, err := r.c.Customers.List(r.ctx, &jetpackcrm.CustomerListOptions{Search: "Pager" + r.stamp, ListOptions: jetpackcrm.ListOptions{PerPage: 1}})
		r.err("list.err", err)
		r.note("list", r.labels(list))
	})
	b.add("paging/default-page-size", func(r *run) {
		for i := range 12 {
			r.mk("c"+strings.Repeat("x", i), &jetpackcrm.CustomerRequest{Email: r.email("dflt" + strings.Repeat("x", i)), LastName: "Dflt" + r.stamp})
		}
		got, _, err := r.c.Customers.Search(r.ctx, "Dflt"+r.stamp, nil)
		r.err("search.err", err)
		r.note("search.len", len(got))
		list, _, err := r.c.Customers.List(r.ctx, &jetpackcrm.CustomerListOptions{Search: "Dflt" + r.stamp})
		r.err("list.err", err)
		r.note("list.len", len(list))
	})
	b.add("paging/iterator-all", func(r *run) {
		five(r)
		var seen []*jetpackcrm.Customer
		for c, err := range r.c.Customers.All(r.ctx, &jetpackcrm.CustomerListOptions{Search: "Pager" + r.stamp, ListOptions: jetpackcrm.ListOptions{PerPage: 2}}) {
			if err != nil {
				r.err("all.err", err)
				break
			}
			seen = append(seen, c)
		}
		r.note("all", r.labels(seen))
	})
	b.add("paging/negative-refused", func(r *run) {
		_, _, err := r.c.Customers.Search(r.ctx, r.stamp, &jetpackcrm.ListOptions{Page: -1})
		r.err("search", err)
		_, _, err = r.c.Customers.List(r.ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: -1}})
		r.err("list", err)
		_, _, err = r.c.Events.List(r.ctx, &jetpackcrm.EventListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: -5}})
		r.err("events", err)
	})
}

// addWholeSitePagingScenarios adds the order and the first pages of the
// whole-site lists.
func addWholeSitePagingScenarios(b *builder) {
	// The whole-site lists, with relative assertions only: their order,
	// and that a page holds at most PerPage records.
	b.add("paging/transactions-order", func(r *run) {
		var ids []int64
		for i := range 3 {
			tx, _, err := r.c.Transactions.Create(r.ctx, txRequest(r, "ORD"+itoa(i), "", "1.00"))
			r.must("create"+itoa(i), err)
			ids = append(ids, tx.ID)
		}
		page, _, err := r.c.Transactions.List(r.ctx, &jetpackcrm.ListOptions{PerPage: 2})
		r.err("page.err", err)
		r.note("page.len<=2", len(page) <= 2)
		r.note("order", listOrder(page, func(t *jetpackcrm.Transaction) int64 { return t.ID }))
		for i, id := range ids {
			tx, err := r.transaction(id)
			r.err("find"+itoa(i)+".err", err)
			r.note("find"+itoa(i), tx != nil)
		}
	})
	b.add("paging/events-order", func(r *run) {
		var ids []int64
		for i := range 3 {
			ev, _, err := r.c.Events.Create(r.ctx, eventRequest(r, "order"+itoa(i)))
			r.must("create"+itoa(i), err)
			ids = append(ids, ev.ID)
		}
		page, _, err := r.c.Events.List(r.ctx, &jetpackcrm.EventListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 2}})
		r.err("page.err", err)
		r.note("page.len<=2", len(page) <= 2)
		r.note("order", listOrder(page, func(e *jetpackcrm.Event) int64 { return e.ID }))
		for i, id := range ids {
			e, err := r.event(id)
			r.err("find"+itoa(i)+".err", err)
			r.note("find"+itoa(i), e != nil)
		}
	})
	b.add("paging/companies-order", func(r *run) {
		var ids []int64
		for i := range 3 {
			co, _, err := r.c.Companies.Create(r.ctx, &jetpackcrm.CompanyRequest{Name: "Order " + itoa(i) + " " + r.stamp, Email: r.email("co" + itoa(i))})
			r.must("create"+itoa(i), err)
			ids = append(ids, co.ID)
		}
		page, _, err := r.c.Companies.List(r.ctx, &jetpackcrm.ListOptions{PerPage: 2})
		r.err("page.err", err)
		r.note("page.len<=2", len(page) <= 2)
		r.note("order", listOrder(page, func(c *jetpackcrm.Company) int64 { return c.ID }))
		for i, id := range ids {
			c, err := r.company(id)
			r.err("find"+itoa(i)+".err", err)
			r.note("find"+itoa(i), c != nil)
		}
	})
	// The iterators over whole-site lists, for their first pages only (a
	// shared site has thousands of records): three pages of two.
	b.add("paging/events-iterator-first-pages", func(r *run) {
		_, _, err := r.c.Events.Create(r.ctx, eventRequest(r, "walk"))
		r.must("create", err)
		walk(r, r.c.Events.All(r.ctx, &jetpackcrm.EventListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 2}}),
			func(e *jetpackcrm.Event) int64 { return e.ID })
	})
	b.add("paging/companies-iterator-first-pages", func(r *run) {
		_, _, err := r.c.Companies.Create(r.ctx, &jetpackcrm.CompanyRequest{Name: "Walk " + r.stamp, Email: r.email("walk")})
		r.must("create", err)
		walk(r, r.c.Companies.All(r.ctx, &jetpackcrm.ListOptions{PerPage: 2}), func(c *jetpackcrm.Company) int64 { return c.ID })
	})
	b.add("paging/transactions-iterator-first-pages", func(r *run) {
		_, _, err := r.c.Transactions.Create(r.ctx, txRequest(r, "WALK", "", "1.00"))
		r.must("create", err)
		walk(r, r.c.Transactions.All(r.ctx, &jetpackcrm.ListOptions{PerPage: 2}), func(t *jetpackcrm.Transaction) int64 { return t.ID })
	})
}

// listOrder says how a list page is ordered by ID.
func listOrder[T any](items []*T, id func(*T) int64) string {
	if len(items) < 2 {
		return "too-short"
	}
	if id(items[0]) < id(items[1]) {
		return "ascending"
	}
	return "descending"
}

// walk records what an iterator yields in its first six records: how many,
// whether any twice, and the error class if it stops with one.
func walk[T any](r *run, seq iter.Seq2[*T, error], id func(*T) int64) {
	seen := map[int64]bool{}
	n, dup := 0, false
	for it, err := range seq {
		if err != nil {
			r.err("walk.err", err)
			break
		}
		dup = dup || seen[id(it)]
		seen[id(it)] = true
		if n++; n == 6 {
			break
		}
	}
	r.note("walk.yielded", n)
	r.note("walk.duplicates", dup)
}
