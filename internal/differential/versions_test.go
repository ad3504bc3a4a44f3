package differential_test

import (
	"net/http"
	"strings"

	"github.com/jpcrm-go/jetpackcrm"
)

// versionScenarios are what differs between releases, through the typed
// API: the release the SDK detects, ListOptions.Order on every list, the
// iterators in the order asked for, the companies filters and the contact
// key 6.6 adds. On a release that does not offer a feature, the result is
// the SDK's refusal (invalid(Order), invalid(Search)), on both sides.
func versionScenarios() []scenario {
	var b builder
	addVersionOrderScenarios(&b)
	addVersionIteratorAndCompanyScenarios(&b)
	addVersionNameClashScenarios(&b)
	return b
}

// addVersionOrderScenarios adds the features and the list orders of the
// whole-site lists and the contact lists.
func addVersionOrderScenarios(b *builder) {
	b.add("version/features", func(r *run) {
		f, err := r.c.Features(r.ctx)
		r.err("err", err)
		r.str("version", f.Version)
		r.note("list-order", f.ListOrder)
		r.note("company-filters", f.CompanyFilters)
		r.note("enabled", len(f.Enabled()))
	})
	orders := []struct {
		name  string
		order jetpackcrm.SortOrder
	}{{"default", ""}, {"asc", jetpackcrm.Ascending}, {"desc", jetpackcrm.Descending}}
	// The whole-site lists: two records of the run's own first, so that
	// every side has at least two; the order of the first page only.
	for _, ep := range []string{"transactions", "events", "companies", "quotes", "invoices"} {
		for _, o := range orders {
			b.add("version/order/"+ep+"/"+o.name, func(r *run) {
				lo := &jetpackcrm.ListOptions{PerPage: 2, Order: o.order}
				var order string
				var err error
				switch ep {
				case "transactions":
					for i := range 2 {
						_, _, err := r.c.Transactions.Create(r.ctx, txRequest(r, "VER"+itoa(i), "", "1.00"))
						r.must("create", err)
					}
					var page []*jetpackcrm.Transaction
					page, _, err = r.c.Transactions.List(r.ctx, lo)
					order = listOrder(page, func(t *jetpackcrm.Transaction) int64 { return t.ID })
				case "events":
					for i := range 2 {
						_, _, err := r.c.Events.Create(r.ctx, eventRequest(r, "ver"+itoa(i)))
						r.must("create", err)
					}
					var page []*jetpackcrm.Event
					page, _, err = r.c.Events.List(r.ctx, &jetpackcrm.EventListOptions{ListOptions: *lo})
					order = listOrder(page, func(e *jetpackcrm.Event) int64 { return e.ID })
				case "companies":
					for i := range 2 {
						_, _, err := r.c.Companies.Create(r.ctx, &jetpackcrm.CompanyRequest{Name: "Ver " + itoa(i) + " " + r.stamp, Email: r.email("ver" + itoa(i))})
						r.must("create", err)
					}
					var page []*jetpackcrm.Company
					page, _, err = r.c.Companies.List(r.ctx, lo)
					order = listOrder(page, func(c *jetpackcrm.Company) int64 { return c.ID })
				case "quotes": // one seeded quote on every side: too short to tell
					var page []*jetpackcrm.Quote
					page, _, err = r.c.Quotes.List(r.ctx, lo)
					order = listOrder(page, func(q *jetpackcrm.Quote) int64 { return q.ID })
				case "invoices":
					var page []*jetpackcrm.Invoice
					page, _, err = r.c.Invoices.List(r.ctx, lo)
					order = listOrder(page, func(i *jetpackcrm.Invoice) int64 { return i.ID })
				}
				r.err("list.err", err)
				if err == nil {
					r.note("order", order)
				}
			})
		}
	}
	// The run's own contacts, through both contact lists: exact pages.
	for _, o := range orders {
		b.add("version/order/contacts/"+o.name, func(r *run) {
			for i := range 3 {
				r.mk("c"+itoa(i), &jetpackcrm.CustomerRequest{Email: r.email("ord" + itoa(i)), LastName: "Ord" + r.stamp})
			}
			for _, p := range []int{1, 2} {
				lo := jetpackcrm.ListOptions{Page: p, PerPage: 2, Order: o.order}
				found, resp, err := r.c.Customers.Search(r.ctx, "Ord"+r.stamp, &lo)
				r.err("search"+itoa(p)+".err", err)
				r.note("search"+itoa(p), r.labels(found))
				if resp != nil {
					r.note("search"+itoa(p)+".next", resp.NextPage)
				}
				list, _, err := r.c.Customers.List(r.ctx, &jetpackcrm.CustomerListOptions{ListOptions: lo, Search: "Ord" + r.stamp})
				r.err("list"+itoa(p)+".err", err)
				r.note("list"+itoa(p), r.labels(list))
			}
			var all []*jetpackcrm.Customer
			for c, err := range r.c.Customers.All(r.ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 2, Order: o.order}, Search: "Ord" + r.stamp}) {
				if err != nil {
					r.err("all.err", err)
					break
				}
				all = append(all, c)
			}
			r.note("all", r.labels(all))
		})
	}
}

// addVersionIteratorAndCompanyScenarios adds the iterators in the order
// asked for and the companies filters.
func addVersionIteratorAndCompanyScenarios(b *builder) {
	// The iterators in the order asked for, over the first pages of the
	// whole-site lists.
	b.add("version/iterator/transactions-desc", func(r *run) {
		_, _, err := r.c.Transactions.Create(r.ctx, txRequest(r, "VERWALK", "", "1.00"))
		r.must("create", err)
		walk(r, r.c.Transactions.All(r.ctx, &jetpackcrm.ListOptions{PerPage: 2, Order: jetpackcrm.Descending}),
			func(t *jetpackcrm.Transaction) int64 { return t.ID })
	})
	b.add("version/iterator/events-desc", func(r *run) {
		_, _, err := r.c.Events.Create(r.ctx, eventRequest(r, "verwalk"))
		r.must("create", err)
		walk(r, r.c.Events.All(r.ctx, &jetpackcrm.EventListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 2, Order: jetpackcrm.Descending}}),
			func(e *jetpackcrm.Event) int64 { return e.ID })
	})
	b.add("version/iterator/quotes-asc", func(r *run) {
		walk(r, r.c.Quotes.All(r.ctx, &jetpackcrm.ListOptions{PerPage: 2, Order: jetpackcrm.Ascending}),
			func(q *jetpackcrm.Quote) int64 { return q.ID })
	})
	b.add("version/iterator/invoices-asc", func(r *run) {
		walk(r, r.c.Invoices.All(r.ctx, &jetpackcrm.ListOptions{PerPage: 2, Order: jetpackcrm.Ascending}),
			func(i *jetpackcrm.Invoice) int64 { return i.ID })
	})
	// The companies filters, over the run's own companies: Owned is owned
	// by user 1 and has a transaction, Other has neither.
	companies := func(r *run) (owned, other *jetpackcrm.Company) {
		owned, _, err := r.c.Companies.Create(r.ctx, &jetpackcrm.CompanyRequest{Name: "Owned " + r.stamp, Email: r.email("owned"), AssignTo: 1})
		r.must("create-owned", err)
		r.id("owned", "company", owned.ID)
		other, _, err = r.c.Companies.Create(r.ctx, &jetpackcrm.CompanyRequest{Name: "Other " + r.stamp, Email: r.email("other")})
		r.must("create-other", err)
		r.id("other", "company", other.ID)
		tx := txRequest(r, "VERCO", "", "12.00")
		tx.CompanyID = owned.ID
		_, _, err = r.c.Transactions.Create(r.ctx, tx)
		r.must("create-tx", err)
		return owned, other
	}
	coLabels := func(r *run, list []*jetpackcrm.Company) string {
		out := []string{}
		for _, c := range list {
			out = append(out, r.idLabel("company", c.ID))
		}
		return "[" + strings.Join(out, " ") + "]"
	}
	for _, f := range []struct {
		name string
		opts func(r *run) *jetpackcrm.CompanyListOptions
	}{
		{"search", func(r *run) *jetpackcrm.CompanyListOptions { return &jetpackcrm.CompanyListOptions{Search: r.stamp} }},
		{"search-none", func(r *run) *jetpackcrm.CompanyListOptions {
			return &jetpackcrm.CompanyListOptions{Search: "none" + r.stamp}
		}},
		{"owner", func(r *run) *jetpackcrm.CompanyListOptions {
			return &jetpackcrm.CompanyListOptions{Search: r.stamp, Owner: 1}
		}},
		{"with-everything", func(r *run) *jetpackcrm.CompanyListOptions {
			return &jetpackcrm.CompanyListOptions{Search: r.stamp, WithInvoices: true, WithQuotes: true, WithTransactions: true}
		}},
		{"paged", func(r *run) *jetpackcrm.CompanyListOptions {
			return &jetpackcrm.CompanyListOptions{Search: r.stamp, ListOptions: jetpackcrm.ListOptions{PerPage: 1, Page: 2}}
		}},
	} {
		b.add("version/companies-filtered/"+f.name, func(r *run) {
			companies(r)
			list, resp, err := r.c.Companies.ListFiltered(r.ctx, f.opts(r))
			r.err("list.err", err)
			r.note("list", coLabels(r, list))
			if resp != nil {
				r.note("next", resp.NextPage)
			}
			for _, c := range list {
				k := r.idLabel("company", c.ID)
				r.note(k+".invoices", lenOrNil(c.Invoices))
				r.note(k+".quotes", lenOrNil(c.Quotes))
				r.note(k+".transactions", lenOrNil(c.Transactions))
				for i, tx := range c.Transactions {
					r.str(k+".transactions"+itoa(i)+".orderid", tx.OrderID)
					r.note(k+".transactions"+itoa(i)+".total", tx.Total.StringFixed(2))
				}
				r.note(k+".custom", len(c.CustomFields))
			}
		})
	}
	b.add("version/companies-filtered/all", func(r *run) {
		companies(r)
		var all []*jetpackcrm.Company
		for c, err := range r.c.Companies.AllFiltered(r.ctx, &jetpackcrm.CompanyListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 1}, Search: r.stamp}) {
			if err != nil {
				r.err("all.err", err)
				break
			}
			all = append(all, c)
		}
		r.note("all", coLabels(r, all))
	})
	b.add("version/companies-filtered/refused-input", func(r *run) {
		_, _, err := r.c.Companies.ListFiltered(r.ctx, &jetpackcrm.CompanyListOptions{Owner: -1})
		r.err("negative-owner", err)
		_, _, err = r.c.Companies.ListFiltered(r.ctx, &jetpackcrm.CompanyListOptions{Search: "\xff"})
		r.err("bad-utf8", err)
	})
}

// addVersionNameClashScenarios adds the 6.6 owner copy of the contact
// lists.
func addVersionNameClashScenarios(b *builder) {
	// 6.6 lists contacts with a copy of "owner" under a second key; the
	// raw answer shows it, the SDK's contact does not.
	b.add("version/contacts-name-clash-key", func(r *run) {
		r.mk("c", &jetpackcrm.CustomerRequest{Email: r.email("clash"), LastName: "Clash" + r.stamp})
		req, err := r.c.NewRequest(r.ctx, http.MethodPost, "customers", nil, map[string]any{"search": "Clash" + r.stamp})
		r.must("raw.req", err)
		var raw []map[string]any
		_, err = r.c.Do(req, &raw)
		r.must("raw.err", err)
		for i, c := range raw {
			_, ok := c["owner_zbs-name-clash-tmp-fix"]
			r.note("raw"+itoa(i)+".has-key", ok)
		}
		list, _, err := r.c.Customers.List(r.ctx, &jetpackcrm.CustomerListOptions{Search: "Clash" + r.stamp})
		r.err("list.err", err)
		for i, c := range list {
			for k := range c.CustomFields {
				if strings.Contains(k, "name-clash") {
					r.str("list"+itoa(i)+".custom-field", k)
				}
			}
		}
		found, _, err := r.c.Customers.Search(r.ctx, "Clash"+r.stamp, nil)
		r.err("search.err", err)
		for i, c := range found {
			for k := range c.CustomFields {
				if strings.Contains(k, "name-clash") {
					r.str("search"+itoa(i)+".custom-field", k)
				}
			}
		}
	})
}

// lenOrNil is a list's length, or "nil" when the answer had none.
func lenOrNil[T any](list []T) string {
	if list == nil {
		return "nil"
	}
	return itoa(len(list))
}
