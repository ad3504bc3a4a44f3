package differential_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/jpcrm-go/jetpackcrm"
)

// txRequest is a transaction with an order ID unique to the run.
func txRequest(r *run, ref, email, total string) *jetpackcrm.TransactionRequest {
	return &jetpackcrm.TransactionRequest{OrderID: ref + "-" + r.stamp, Email: email, Status: "Succeeded",
		Total: decimal.RequireFromString(total), Title: "Item " + ref, Currency: "USD",
		Date: time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)}
}

// createTx creates a transaction, records the reply and the stored record
// (from the transactions list) and, when it has an email, the contact.
func createTx(r *run, req *jetpackcrm.TransactionRequest) {
	got, _, err := r.c.Transactions.Create(r.ctx, req)
	r.err("create", err)
	r.value("returned", got)
	if got != nil && got.ID > 0 {
		r.storedTransaction("stored", got.ID)
	}
	if req.Email != "" {
		r.stored("contact")
	}
	if refused(err) && isTextRefusal(err) {
		if id := r.sendRaw("raw", "create_transaction", req); id > 0 {
			r.storedTransaction("raw.stored", id)
		}
		if req.Email != "" {
			r.stored("raw.contact")
		}
	}
}

// isTextRefusal reports whether the SDK refused a text (rather than an
// amount or a time, whose scenarios record the refusal only).
func isTextRefusal(err error) bool {
	var ve *jetpackcrm.ValidationError
	return errors.As(err, &ve) && !slices.Contains([]string{"Total", "Net", "Tax", "Fee", "Discount", "Shipping", "Date", "From", "To"}, ve.Field)
}

func transactionScenarios() []scenario {
	var b builder
	b.add("tx/existing-contact", func(r *run) {
		email := r.email("buyer")
		_, _, err := r.c.Customers.Create(r.ctx, &jetpackcrm.CustomerRequest{Email: email, FirstName: "Buyer", Status: "Lead"})
		r.must("contact", err)
		createTx(r, txRequest(r, "T1", email, "149.99"))
	})
	b.add("tx/new-contact", func(r *run) {
		req := txRequest(r, "T2", r.email("newbuyer"), "20.00")
		req.FirstName = "Fresh"
		createTx(r, req)
	})
	b.add("tx/no-email", func(r *run) { createTx(r, txRequest(r, "T3", "", "5.50")) })
	b.add("tx/every-field", func(r *run) {
		req := txRequest(r, "T4", r.email("every"), "110.00")
		req.Description, req.Type = "Every field", "Sale"
		req.Net, req.Tax, req.Fee = decimal.RequireFromString("100"), decimal.RequireFromString("20"), decimal.RequireFromString("1.5")
		req.Discount, req.Shipping = decimal.RequireFromString("10"), decimal.RequireFromString("0.5")
		createTx(r, req)
	})
	b.add("tx/same-orderid-blanks-unsent", func(r *run) {
		req := txRequest(r, "T5", r.email("again"), "10.00")
		req.Description = "first"
		_, _, err := r.c.Transactions.Create(r.ctx, req)
		r.must("first", err)
		createTx(r, &jetpackcrm.TransactionRequest{OrderID: req.OrderID, Status: "Refunded", Total: decimal.RequireFromString("10.00")})
	})
	b.add("tx/custom-field-undefined", func(r *run) {
		req := txRequest(r, "T6", "", "7.00")
		req.CustomFields = map[string]string{"gift-wrap": "yes"}
		createTx(r, req)
	})
	b.add("tx/company-link", func(r *run) {
		co, _, err := r.c.Companies.Create(r.ctx, &jetpackcrm.CompanyRequest{Name: "Buyer Co " + r.stamp, Email: r.email("co")})
		r.must("company", err)
		r.id("company", "company", co.ID)
		req := txRequest(r, "T7", "", "8.00")
		req.CompanyID = co.ID
		createTx(r, req)
	})
	b.add("tx/zero-total-refused", func(r *run) {
		createTx(r, txRequest(r, "T8", "", "0"))
	})
	b.add("tx/currency-other", func(r *run) {
		req := txRequest(r, "T9", "", "9.99")
		req.Currency = "EUR"
		createTx(r, req)
	})
	// Transactions keep "0" and -1 (only contacts and companies drop them).
	b.add("tx/zero-and-minus-one-values", func(r *run) {
		req := txRequest(r, "Z", "", "1.00")
		req.Title, req.Description, req.Type, req.Currency = "0", "-1", "-1 x", "0"
		createTx(r, req)
	})
	for _, a := range awkward {
		b.add("tx/awkward/"+a.name, func(r *run) {
			req := txRequest(r, "AWK"+a.name, "", "1.00")
			req.OrderID = a.text + " " + r.stamp
			req.Title, req.Description, req.Type, req.Status = a.text, a.text, a.text, a.text
			createTx(r, req)
		})
	}
	for _, u := range utf8Samples {
		b.add("tx/utf8-"+u.name+"/every-field", func(r *run) {
			req := txRequest(r, "U-"+u.name, r.email("utf8"), "2.00")
			req.OrderID = u.text + " " + r.stamp
			req.FirstName, req.Title, req.Description, req.Type, req.Status = u.text, u.text, u.text, u.text, u.text
			createTx(r, req)
		})
	}
	for _, f := range []struct {
		name string
		set  func(*jetpackcrm.TransactionRequest, string)
	}{
		{"orderid", func(q *jetpackcrm.TransactionRequest, v string) { q.OrderID = v + " " + q.OrderID }},
		{"title", func(q *jetpackcrm.TransactionRequest, v string) { q.Title = v }},
		{"desc", func(q *jetpackcrm.TransactionRequest, v string) { q.Description = v }},
		{"status", func(q *jetpackcrm.TransactionRequest, v string) { q.Status = v }},
		{"fname-of-new-contact", func(q *jetpackcrm.TransactionRequest, v string) { q.FirstName = v }},
	} {
		b.add("tx/utf8-4byte/"+f.name, func(r *run) {
			req := txRequest(r, "E4", r.email("e4"), "3.00")
			f.set(req, "x 😀 y")
			createTx(r, req)
		})
	}
	return b
}

func moneyScenarios() []scenario {
	var b builder
	for _, m := range []struct{ name, total string }{
		{"0-decimals", "5"},
		{"2-decimals", "149.99"},
		{"3-decimals", "12.345"},
		{"3-decimals-float-trap", "2.675"},
		{"half-cent-up", "0.005"},
		{"tiny", "0.001"},
		{"15-significant", "1234567890.12345"},
		{"19-significant", "1234567890.123456789"},
		{"negative", "-5"},
		{"negative-3-decimals", "-12.345"},
		{"huge-1e15", "1000000000000000"},
		{"huge-16-digits", "9999999999999999.99"},
		{"huge-1e17", "100000000000000000"},
		{"many-nines", "0.995"},
		{"php-precision-14", "123456789012345.005"},
		{"php-precision-cents", "1234567890123.455"},
	} {
		b.add("money/"+m.name, func(r *run) { createTx(r, txRequest(r, "M", "", m.total)) })
	}
	b.add("money/every-amount-3-decimals", func(r *run) {
		req := txRequest(r, "MA", "", "10.005")
		for _, d := range []*decimal.Decimal{&req.Net, &req.Tax, &req.Fee, &req.Discount, &req.Shipping} {
			*d = decimal.RequireFromString("1.235")
		}
		createTx(r, req)
	})
	b.add("money/embedded-in-contact", func(r *run) {
		email := r.email("moneyembed")
		_, _, err := r.c.Transactions.Create(r.ctx, txRequest(r, "ME", email, "12.345"))
		r.err("create", err)
		r.stored("contact")
		got, _, err := r.c.Customers.GetByEmail(r.ctx, email)
		r.err("get", err)
		if got != nil {
			r.value("get.Transactions", got.Transactions)
		}
	})
	return b
}

func dateScenarios() []scenario {
	var b builder
	kolkata := time.FixedZone("IST", 5*3600+1800)
	for _, d := range []struct {
		name string
		at   time.Time
	}{
		{"tx/date-before-1970", time.Date(1965, 3, 4, 5, 6, 7, 0, time.UTC)},
		{"tx/date-before-1901", time.Date(1890, 1, 2, 3, 4, 5, 0, time.UTC)},
		{"tx/date-first-second", time.Date(1970, 1, 1, 0, 0, 1, 0, time.UTC)},
		{"tx/date-2038-limit", time.Date(2038, 1, 19, 3, 14, 7, 0, time.UTC)},
		{"tx/date-after-2038", time.Date(2040, 6, 7, 8, 9, 10, 0, time.UTC)},
		{"tx/date-other-zone", time.Date(2031, 12, 31, 23, 30, 0, 0, kolkata)},
	} {
		b.add("date/"+d.name, func(r *run) {
			req := txRequest(r, "D", "", "1.00")
			req.Date = d.at
			createTx(r, req)
		})
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*3600)
	}
	for _, d := range []struct {
		name string
		at   time.Time
	}{
		{"event/date-before-1970", time.Date(1960, 2, 3, 4, 5, 6, 0, time.UTC)},
		{"event/date-before-1901", time.Date(1899, 12, 31, 23, 0, 0, 0, time.UTC)},
		{"event/date-after-2038", time.Date(2045, 7, 8, 9, 10, 11, 0, time.UTC)},
		{"event/date-other-zone", time.Date(2031, 3, 10, 1, 30, 0, 0, ny)},
		{"event/date-dst-gap-zone", time.Date(2031, 3, 9, 2, 30, 0, 0, ny)},
	} {
		b.add("date/"+d.name, func(r *run) {
			req := eventRequest(r, "dated")
			req.From, req.To = d.at, d.at.Add(90*time.Minute)
			createEvent(r, req)
		})
	}
	return b
}

// eventRequest is a task with a title unique to the run.
func eventRequest(r *run, what string) *jetpackcrm.EventRequest {
	from := time.Date(2031, 4, 5, 10, 0, 0, 0, time.UTC)
	return &jetpackcrm.EventRequest{Title: "Task " + what + " " + r.stamp, From: from, To: from.Add(time.Hour)}
}

// createEvent creates req and records the reply and the stored event.
func createEvent(r *run, req *jetpackcrm.EventRequest) *jetpackcrm.Event {
	got, _, err := r.c.Events.Create(r.ctx, req)
	r.err("create", err)
	r.value("returned", got)
	if got != nil && got.ID > 0 {
		r.storedEvent("stored", got.ID)
	}
	if refused(err) && isTextRefusal(err) {
		if id := r.sendRaw("raw", "create_event", req); id > 0 {
			r.storedEvent("raw.stored", id)
		}
	}
	return got
}

func eventScenarios() []scenario {
	var b builder
	b.add("event/with-contact-and-reminder", func(r *run) {
		c := r.mk("contact", &jetpackcrm.CustomerRequest{Email: r.email("ev"), FirstName: "Eve"})
		req := eventRequest(r, "basic")
		req.CustomerID, req.Remind24h, req.Notes = c.ID, true, "Bring the papers"
		createEvent(r, req)
	})
	b.add("event/complete", func(r *run) {
		req := eventRequest(r, "done")
		req.Complete = true
		createEvent(r, req)
	})
	b.add("event/update-drops-reminder", func(r *run) {
		req := eventRequest(r, "upd")
		req.Remind24h = true
		got, _, err := r.c.Events.Create(r.ctx, req)
		r.must("create", err)
		r.id("created", "event", got.ID)
		upd := eventRequest(r, "updated")
		upd.ID = got.ID
		createEvent(r, upd)
	})
	b.add("event/update-unknown-id", func(r *run) {
		req := eventRequest(r, "ghost")
		req.ID = 1 << 40
		got, _, err := r.c.Events.Create(r.ctx, req)
		r.err("create", err)
		r.value("returned", got)
		e, err := r.event(1 << 40)
		r.err("stored.err", err)
		r.note("stored", e != nil)
	})
	b.add("event/unknown-customer", func(r *run) {
		req := eventRequest(r, "nocust")
		req.CustomerID = 1 << 40
		createEvent(r, req)
	})
	b.add("event/owner-admin", func(r *run) {
		req := eventRequest(r, "owned")
		req.Owner = 1
		createEvent(r, req)
	})
	b.add("event/owner-not-a-user", func(r *run) {
		req := eventRequest(r, "owned999")
		req.Owner = 99999
		createEvent(r, req)
	})
	b.add("event/owner-filter", func(r *run) {
		req := eventRequest(r, "mine")
		req.Owner = 1
		got, _, err := r.c.Events.Create(r.ctx, req)
		r.must("create", err)
		found := false
		for e, err := range r.c.Events.All(r.ctx, &jetpackcrm.EventListOptions{Owner: 1}) {
			if err != nil {
				r.err("all.err", err)
				break
			}
			if e.Owner != 1 {
				r.note("other-owner", e.Owner)
				break
			}
			found = found || e.ID == got.ID
		}
		r.note("found", found)
	})
	b.add("event/from-after-to-refused", func(r *run) {
		req := eventRequest(r, "backwards")
		req.From, req.To = req.To, req.From
		createEvent(r, req)
	})
	// 255 bytes as stored: 31 "é" as "&eacute;" and 7 bytes more.
	b.add("event/title-at-the-limit", func(r *run) {
		req := eventRequest(r, "")
		req.Title = strings.Repeat("é", 31) + r.stamp[:7]
		createEvent(r, req)
	})
	b.add("event/long-title", func(r *run) {
		req := eventRequest(r, strings.Repeat("long ", 60))
		createEvent(r, req)
	})
	for _, a := range awkward {
		b.add("event/awkward/"+a.name, func(r *run) {
			req := eventRequest(r, a.text)
			req.Notes = a.text
			createEvent(r, req)
		})
	}
	for _, u := range utf8Samples {
		b.add("event/utf8-"+u.name+"/title", func(r *run) { createEvent(r, eventRequest(r, u.text)) })
		b.add("event/utf8-"+u.name+"/notes", func(r *run) {
			req := eventRequest(r, "notes")
			req.Notes = u.text
			createEvent(r, req)
		})
	}
	return b
}

func companyScenarios() []scenario {
	var b builder
	every := func(r *run, v string) *jetpackcrm.CompanyRequest {
		return &jetpackcrm.CompanyRequest{Name: "Co " + v + " " + r.stamp, Email: r.email("co"), Status: "Customer",
			Address:          jetpackcrm.Address{Line1: "l1 " + v, Line2: "l2 " + v, City: "city " + v, County: "county " + v, Postcode: "pc " + v, Country: "country " + v},
			SecondaryAddress: jetpackcrm.Address{Line1: "s1 " + v, City: "scity " + v},
			MainPhone:        "main " + v, SecondaryPhone: "sec " + v, Twitter: "tw " + v, LinkedIn: "li " + v, Facebook: "fb " + v,
			Tags: []string{"cotag " + v + " " + r.stamp}}
	}
	createCo := func(r *run, req *jetpackcrm.CompanyRequest) {
		got, _, err := r.c.Companies.Create(r.ctx, req)
		r.err("create", err)
		r.value("returned", got)
		if got != nil && got.ID > 0 {
			r.storedCompany("stored", got.ID)
		}
		if refused(err) && isTextRefusal(err) {
			if id := r.sendRaw("raw", "create_company", req); id > 0 {
				r.storedCompany("raw.stored", id)
			}
		}
	}
	b.add("company/every-field", func(r *run) { createCo(r, every(r, "plain")) })
	for _, u := range utf8Samples {
		b.add("company/utf8-"+u.name+"/every-field", func(r *run) { createCo(r, every(r, u.text)) })
	}
	b.add("company/utf8-4byte/name", func(r *run) {
		createCo(r, &jetpackcrm.CompanyRequest{Name: "Emoji 😀 " + r.stamp, Email: r.email("co4")})
	})
	b.add("company/utf8-4byte/city", func(r *run) {
		createCo(r, &jetpackcrm.CompanyRequest{Name: "Emoji city " + r.stamp, Email: r.email("co4c"), Address: jetpackcrm.Address{City: "x 😀"}})
	})
	b.add("company/zero-and-minus-one-values", func(r *run) {
		createCo(r, &jetpackcrm.CompanyRequest{Name: "Zero " + r.stamp, Email: r.email("cozero"), Status: "-1",
			Address: jetpackcrm.Address{City: "0", Postcode: "00"}, MainPhone: "-1"})
	})
	b.add("company/avatar", func(r *run) {
		createCo(r, &jetpackcrm.CompanyRequest{Name: "Avatar " + r.stamp, Email: r.email("coavatar"),
			Avatar: `https://example.com/logo.png?a=1&b="2" Zoë <x>`})
	})
	for _, a := range awkward {
		b.add("company/awkward/"+a.name, func(r *run) {
			createCo(r, &jetpackcrm.CompanyRequest{Name: a.text + " " + r.stamp, Email: r.email("coawk"), Address: jetpackcrm.Address{City: a.text}})
		})
	}
	b.add("company/existing-email", func(r *run) {
		email := r.email("coagain")
		first, _, err := r.c.Companies.Create(r.ctx, &jetpackcrm.CompanyRequest{Name: "First " + r.stamp, Email: email, MainPhone: "123"})
		r.must("first", err)
		_, _, err = r.c.Companies.Create(r.ctx, &jetpackcrm.CompanyRequest{Name: "Second " + r.stamp, Email: email})
		r.err("second", err)
		r.storedCompany("stored", first.ID)
	})
	b.add("company/existing-name", func(r *run) {
		first, _, err := r.c.Companies.Create(r.ctx, &jetpackcrm.CompanyRequest{Name: "Same " + r.stamp, Email: r.email("n1")})
		r.must("first", err)
		_, _, err = r.c.Companies.Create(r.ctx, &jetpackcrm.CompanyRequest{Name: "Same " + r.stamp, Email: r.email("n2")})
		r.err("second", err)
		r.storedCompany("stored", first.ID)
	})
	b.add("company/invalid-email-refused", func(r *run) {
		_, _, err := r.c.Companies.Create(r.ctx, &jetpackcrm.CompanyRequest{Name: "Bad " + r.stamp, Email: "not-an-email"})
		r.err("create", err)
	})
	return b
}

func quoteInvoiceScenarios() []scenario {
	var b builder
	b.add("quote/seeded", func(r *run) {
		var seed *jetpackcrm.Quote
		for q, err := range r.c.Quotes.All(r.ctx, nil) {
			if err != nil {
				r.err("all.err", err)
				break
			}
			if q.Title == "Seed quote" && (seed == nil || q.ID < seed.ID) {
				seed = q
			}
		}
		r.note("found", seed != nil)
		if seed != nil {
			seed.Date, seed.Created, seed.LastUpdated, seed.Hash = time.Time{}, time.Time{}, time.Time{}, "" // set by setup.sh
			r.value("seed", seed)
		}
	})
	b.add("invoice/seeded", func(r *run) {
		var seed *jetpackcrm.Invoice
		for inv, err := range r.c.Invoices.All(r.ctx, nil) {
			if err != nil {
				r.err("all.err", err)
				break
			}
			if len(inv.LineItems) > 0 && inv.LineItems[0].Title == "Seed item" && (seed == nil || inv.ID < seed.ID) {
				seed = inv
			}
		}
		r.note("found", seed != nil)
		if seed != nil {
			seed.Date, seed.DueDate, seed.Created, seed.LastUpdated, seed.Hash, seed.Reference = time.Time{}, time.Time{}, time.Time{}, time.Time{}, "", ""
			for i := range seed.LineItems {
				// Set by setup.sh (the DAL leaves the order 0; the fake numbers lines).
				seed.LineItems[i].Created, seed.LineItems[i].LastUpdated, seed.LineItems[i].Order = time.Time{}, time.Time{}, 0
			}
			r.value("seed", seed)
		}
	})
	b.add("quote/page-size", func(r *run) {
		page, resp, err := r.c.Quotes.List(r.ctx, &jetpackcrm.ListOptions{PerPage: 1})
		r.err("list", err)
		r.note("len<=1", len(page) <= 1)
		r.note("nonempty", len(page) > 0)
		if resp != nil {
			r.note("page", resp.Page)
		}
	})
	b.add("invoice/page-size", func(r *run) {
		page, _, err := r.c.Invoices.List(r.ctx, &jetpackcrm.ListOptions{PerPage: 1})
		r.err("list", err)
		r.note("len<=1", len(page) <= 1)
		r.note("nonempty", len(page) > 0)
	})
	return b
}

func webhookScenarios() []scenario {
	var b builder
	for _, w := range []struct {
		name   string
		action string
		data   any
	}{
		{"echo-object", "jcrm_test_echo", map[string]any{"a": 1, "b": "two", "c": []int{3}}},
		{"echo-string", "jcrm_test_echo", "it's \"quoted\" \\ 😀"},
		{"echo-null", "jcrm_test_echo", nil},
		{"noop", "jcrm_test_noop", map[string]any{"x": true}},
		{"unknown-action", "no_such_action_for_differential", nil},
	} {
		b.add("webhook/"+w.name, func(r *run) {
			res, _, err := r.c.Webhooks.Send(r.ctx, w.action, w.data)
			r.err("send", err)
			if res != nil {
				r.note("success", res.Success)
				if len(res.Data) > 0 {
					var v any
					if json.Unmarshal(res.Data, &v) == nil {
						canon, _ := json.Marshal(v)
						r.str("data", string(canon))
					} else {
						r.str("data-raw", string(res.Data))
					}
				}
			}
		})
	}
	b.add("webhook/empty-action-refused", func(r *run) {
		_, _, err := r.c.Webhooks.Send(r.ctx, "", nil)
		r.err("send", err)
	})
	return b
}

func bulkScenarios() []scenario {
	var b builder
	b.add("bulk/upsert-many-mixed", func(r *run) {
		reqs := []*jetpackcrm.CustomerRequest{
			{Email: r.email("b0"), FirstName: "Zero"},
			{Email: "not-an-email", FirstName: "Bad"},
			{Email: r.email("b2"), FirstName: "Emoji 😀"},
			{Email: r.email("b3"), FirstName: "O'Neil"},
			{Email: strings.ToUpper(r.email("b0")), FirstName: "ZeroAgain"},
		}
		res, err := r.c.Customers.UpsertMany(r.ctx, reqs, jetpackcrm.BulkOptions{Concurrency: 1})
		r.err("bulk", err)
		for _, x := range res {
			k := "result" + itoa(x.Index)
			r.note(k+".outcome", x.Outcome)
			r.err(k+".err", x.Err)
		}
		r.stored("stored")
	})
	b.add("bulk/upsert-many-merge", func(r *run) {
		email := r.email("bm")
		_, _, err := r.c.Customers.Create(r.ctx, everyField(email, "orig"))
		r.must("create", err)
		res, err := r.c.Customers.UpsertMany(r.ctx, []*jetpackcrm.CustomerRequest{
			{Email: email, Address: jetpackcrm.Address{City: "Merged"}},
			{Email: r.email("bm-new"), FirstName: "New"},
		}, jetpackcrm.BulkOptions{Merge: true, Concurrency: 1})
		r.err("bulk", err)
		for _, x := range res {
			k := "result" + itoa(x.Index)
			r.note(k+".outcome", x.Outcome)
			r.err(k+".err", x.Err)
		}
		r.stored("stored")
	})
	return b
}

// rawScenarios reach what the typed API does not send (the order
// parameter, the companies filters, page sizes below 1) through
// Client.NewRequest and Client.Do.
func rawScenarios() []scenario {
	var b builder
	rawList := func(r *run, method, endpoint string, q url.Values, body any) ([]map[string]json.RawMessage, error) {
		req, err := r.c.NewRequest(r.ctx, method, endpoint, q, body)
		if err != nil {
			return nil, err
		}
		var out []map[string]json.RawMessage
		_, err = r.c.Do(req, &out)
		return out, err
	}
	idOf := func(m map[string]json.RawMessage) int64 {
		var s string
		if json.Unmarshal(m["id"], &s) != nil {
			return 0
		}
		n, _ := strconv.ParseInt(s, 10, 64)
		return n
	}
	order := func(list []map[string]json.RawMessage) string {
		if len(list) < 2 {
			return "too-short"
		}
		if idOf(list[0]) < idOf(list[1]) {
			return "ascending"
		}
		return "descending"
	}
	for _, ep := range []string{"transactions", "events", "quotes", "invoices", "customer_search"} {
		b.add("raw/"+ep+"/order-parameter", func(r *run) {
			switch ep {
			case "transactions":
				for i := range 2 {
					_, _, err := r.c.Transactions.Create(r.ctx, txRequest(r, "RAW"+itoa(i), "", "1.00"))
					r.must("create", err)
				}
			case "events":
				for i := range 2 {
					_, _, err := r.c.Events.Create(r.ctx, eventRequest(r, "raw"+itoa(i)))
					r.must("create", err)
				}
			case "customer_search":
				for i := range 2 {
					r.mk("c"+itoa(i), &jetpackcrm.CustomerRequest{Email: r.email("raw" + itoa(i))})
				}
			}
			q := url.Values{"perpage": {"2"}}
			if ep == "customer_search" {
				q.Set("zbs_query", r.stamp)
			}
			for _, o := range []string{"", "ASC", "asc", "DESC", "sideways"} {
				if o != "" {
					q.Set("order", o)
				}
				list, err := rawList(r, http.MethodGet, ep, q, nil)
				r.err("order="+o+".err", err)
				r.note("order="+o, order(list))
			}
		})
	}
	for _, ep := range []string{"transactions", "events"} {
		b.add("raw/"+ep+"/perpage-below-one", func(r *run) {
			for _, pp := range []string{"0", "-3", "abc"} {
				list, err := rawList(r, http.MethodGet, ep, url.Values{"perpage": {pp}}, nil)
				r.err("perpage="+pp+".err", err)
				r.note("perpage="+pp+".len", min(len(list), 2)) // 0, 1 or "2 or more"
			}
		})
	}
	b.add("raw/companies-filters", func(r *run) {
		co, _, err := r.c.Companies.Create(r.ctx, &jetpackcrm.CompanyRequest{Name: "Filtered " + r.stamp, Email: r.email("filt"), AssignTo: 1})
		r.must("create", err)
		for _, f := range []struct {
			name string
			body map[string]any
		}{
			{"search", map[string]any{"search": r.stamp}},
			{"owned", map[string]any{"owned": 1, "search": r.stamp}},
			{"search-none", map[string]any{"search": "none" + r.stamp}},
			{"invoices-flag", map[string]any{"invoices": "true", "search": r.stamp}},
			{"transactions-flag", map[string]any{"transactions": "true", "search": r.stamp}},
		} {
			list, err := rawList(r, http.MethodPost, "companies", nil, f.body)
			r.err(f.name+".err", err)
			mine, others := false, false
			keys := map[string]bool{}
			for _, c := range list {
				if idOf(c) == co.ID {
					mine = true
				} else {
					others = true
				}
				for _, k := range []string{"invoices", "quotes", "transactions"} {
					if _, ok := c[k]; ok {
						keys[k] = true
					}
				}
			}
			// Whether the site's own company is on the page depends on how
			// many older ones it has; only "mine and nothing else" compares.
			r.note(f.name+".only-mine", mine && !others)
			r.note(f.name+".others", others)
			r.note(f.name+".embeds", fmt.Sprint(keys))
		}
	})
	return b
}
