package jetpackcrm

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm/internal/recorded"
)

// decodeRecorded decodes the response body of capture n into a new T.
func decodeRecorded[T any](t *testing.T, n int) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(recorded.MustByNumber(t, n).ResponseBody, &v), "capture %d", n)
	return v
}

// decodeDocumented decodes testdata/documented/name into a new T.
func decodeDocumented[T any](t *testing.T, name string) T {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(recorded.DocumentedDir(), name))
	require.NoError(t, err)
	var v T
	require.NoError(t, json.Unmarshal(b, &v), name)
	return v
}

func TestDecodeRecordedCustomers(t *testing.T) {
	t.Parallel()
	list := decodeRecorded[[]*Customer](t, 61)
	require.Len(t, list, 3)

	ada := list[0]
	assert.Equal(t, int64(1), ada.ID)
	assert.Equal(t, int64(0), ada.Owner, `"owner":"-1" means unassigned`)
	assert.Equal(t, "Lead", ada.Status)
	assert.Equal(t, "ada.lovelace@example.com", ada.Email)
	assert.Equal(t, "Augusta Ada", ada.FirstName)
	assert.Equal(t, "", ada.LastName)
	assert.Equal(t, "Augusta Ada", ada.FullName)
	assert.Equal(t, Address{City: "Marylebone"}, ada.Address)
	assert.True(t, ada.SecondaryAddress.IsZero())
	assert.Equal(t, int64(0), ada.WPID)
	assert.Equal(t, time.Unix(1795835057, 0), ada.Created, "from createduts, not the site-formatted created")
	assert.Equal(t, time.Unix(1795835058, 0), ada.LastUpdated)
	assert.True(t, ada.LastContacted.IsZero(), `"lastcontacteduts":"-1" means never`)
	require.Len(t, ada.Tags, 3)
	assert.Equal(t, Tag{ID: 3, Name: "bold", Slug: "bold", ObjectType: 1, Created: time.Unix(1795835057, 0), LastUpdated: time.Unix(1795835057, 0)}, ada.Tags[0])
	assert.Equal(t, []string{"bold", "api", "vip"}, tagNames(ada.Tags))
	assert.NotNil(t, ada.Invoices, "requested lists are empty, not nil")
	assert.Empty(t, ada.Invoices)
	assert.Empty(t, ada.Quotes)
	assert.Empty(t, ada.Transactions)
	assert.Nil(t, ada.CustomFields, "every key the server sends is known")

	assert.Equal(t, "grace.hopper@example.com", list[1].Email)
	assert.Equal(t, []Tag{}, list[1].Tags)
	assert.Equal(t, "Linus", list[2].FirstName)
}

func TestDecodeRecordedCustomerWithEverything(t *testing.T) {
	t.Parallel()
	list := decodeRecorded[[]*Customer](t, 154)
	require.Len(t, list, 1)
	ada := list[0]

	require.Len(t, ada.Invoices, 1)
	inv := ada.Invoices[0]
	assert.Equal(t, "INV-SEED-1", inv.Reference)
	assertDecimal(t, "1440.00", inv.Total)
	require.Len(t, inv.LineItems, 1)
	assert.Equal(t, "Consulting", inv.LineItems[0].Title)

	require.Len(t, ada.Quotes, 1)
	q := ada.Quotes[0]
	assert.Equal(t, "Website redesign", q.Title)
	assert.Equal(t, "<p>Redesign of the marketing site, 3 rounds of review.</p>", q.Content, "embedded quotes keep their content")

	require.Len(t, ada.Transactions, 1)
	tx := ada.Transactions[0]
	assert.Equal(t, "ORD-1001", tx.OrderID)
	require.NotNil(t, tx.Contact, "transactions embedded in a contact carry it")
	assert.Equal(t, "ada.lovelace@example.com", tx.Contact.Email)
	assert.Equal(t, int64(1), tx.CustomerID)
	assert.Nil(t, tx.Company)
	assert.Nil(t, tx.CustomFields)
}

func TestDecodeRecordedCustomerSearchByEmail(t *testing.T) {
	t.Parallel()
	for _, n := range []int{74, 155} {
		c := decodeRecorded[Customer](t, n)
		assert.Equal(t, int64(1), c.ID)
		assert.Equal(t, "ada.lovelace@example.com", c.Email)
		assert.Len(t, c.Tags, 3)
		assert.Nil(t, c.Quotes, "customer_search sends no quotes")
		assert.Nil(t, c.CustomFields)
	}
	c := decodeRecorded[Customer](t, 155)
	require.Len(t, c.Transactions, 1)
	assert.Nil(t, c.Transactions[0].Contact)

	miss := recorded.MustByNumber(t, 75).ResponseBody
	assert.True(t, isEmptyJSONArray(miss), "a miss is []")
	var none Customer
	assert.Error(t, json.Unmarshal(miss, &none), "[] must not decode as an empty contact")
}

func TestDecodeRecordedCompanies(t *testing.T) {
	t.Parallel()
	list := decodeRecorded[[]*Company](t, 92)
	require.Len(t, list, 3)
	co := list[0]
	assert.Equal(t, int64(1), co.ID)
	assert.Equal(t, "Analytical Engines Limited", co.Name)
	assert.Equal(t, "info@analytical.example.com", co.Email)
	assert.Equal(t, "Lead", co.Status)
	assert.Equal(t, "Cambridge", co.Address.City)
	assert.Equal(t, time.Unix(1795835073, 0), co.Created)
	assert.Equal(t, time.Unix(1795835074, 0), co.LastUpdated)
	assert.True(t, co.LastContacted.IsZero())
	assert.Equal(t, []*Customer{}, co.Contacts)
	assert.Nil(t, co.CustomFields)
	assert.Equal(t, "Get Co", list[2].Name)
}

func TestDecodeRecordedTransactions(t *testing.T) {
	t.Parallel()
	list := decodeRecorded[[]*Transaction](t, 114)
	require.Len(t, list, 6)

	ord := list[0]
	assert.Equal(t, "ORD-1001", ord.OrderID)
	assert.Equal(t, "Refunded", ord.Status)
	assertDecimal(t, "149.99", ord.Total)
	assert.True(t, ord.Total.Equal(decimal.RequireFromString("149.99")))
	assert.True(t, ord.Date.IsZero(), `"date":0 is unset`)
	assert.True(t, ord.DatePaid.IsZero())
	assert.True(t, ord.IncludedInTotals)
	assert.Equal(t, "debit", ord.Accounting)
	assert.Equal(t, int64(0), ord.CustomerID, "the transactions list has no customer reference")
	assert.Nil(t, ord.Contact)
	assert.Equal(t, []LineItem{}, ord.LineItems)
	assert.Nil(t, ord.CustomFields)

	full := list[2]
	assert.Equal(t, "ORD-2001", full.OrderID)
	assert.Equal(t, "Sale", full.Type)
	assert.Equal(t, "Consulting hour", full.Title)
	assert.Equal(t, "Remote session", full.Description)
	assert.Equal(t, "EUR", full.Currency)
	assert.Equal(t, time.Unix(1704067200, 0), full.Date)
	assertDecimal(t, "100.00", full.Net)
	assertDecimal(t, "2.50", full.Fee)
	assertDecimal(t, "5.00", full.Shipping)
	assertDecimal(t, "20.00", full.Tax)
	assertDecimal(t, "120.00", full.Total)
	assert.True(t, full.DatePaid.IsZero(), "date_paid is not stored by the server")

	assert.Equal(t, time.Unix(2024, 0), list[4].Date, `"date":"2024-01-02" was stored as 2024 seconds`)
}

func TestDecodeRecordedEvents(t *testing.T) {
	t.Parallel()
	list := decodeRecorded[[]*Event](t, 133)
	require.Len(t, list, 3)

	e := list[0]
	assert.Equal(t, int64(1), e.ID)
	assert.Equal(t, int64(1), e.Owner)
	assert.Equal(t, "Call Ada about renewal (moved)", e.Title)
	assert.True(t, e.Start == time.Unix(1796115600, 0))
	assert.Equal(t, time.Unix(1796119200, 0), e.End)
	assert.True(t, e.Complete)
	assert.False(t, e.ShowOnPortal)
	assert.True(t, e.ShowOnCalendar)
	assert.Equal(t, []Reminder{}, e.Reminders)
	require.NotNil(t, e.Contact)
	assert.Equal(t, "ada.lovelace@example.com", e.Contact.Email)
	assert.Equal(t, int64(1), e.CustomerID)
	assert.Nil(t, e.Company, `"company":[] is no company`)
	assert.Nil(t, e.CustomFields)

	assert.False(t, list[1].Complete, `"complete":0`)
	assert.Equal(t, "grace.hopper@example.com", list[1].Contact.Email)
	assert.Nil(t, list[2].Contact, `"contact":[]`)
	assert.Equal(t, int64(0), list[2].CustomerID)
	assertTime(t, time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC), list[2].Start)
}

func TestDecodeRecordedQuotes(t *testing.T) {
	t.Parallel()
	list := decodeRecorded[[]*Quote](t, 143)
	require.Len(t, list, 1)
	q := list[0]
	assert.Equal(t, int64(1), q.ID)
	assert.Equal(t, "Website redesign", q.Title)
	assertDecimal(t, "4250.50", q.Value)
	assert.Equal(t, "4250.50", formatDecimal(q.Value), "the scale is kept")
	assert.Equal(t, "USD", q.Currency)
	assert.Equal(t, QuoteStatusDraft, q.Status)
	assert.Equal(t, time.Unix(1795835090, 0), q.Date)
	assert.Equal(t, "Seeded by setup/04", q.Notes)
	assert.Equal(t, "nlkKZd5GscZklNRIXhC", q.Hash)
	assert.True(t, q.Accepted.IsZero())
	assert.True(t, q.SendAttachments)
	assert.Equal(t, "", q.Content, "the quotes endpoint suppresses content")
	assert.Nil(t, q.CustomFields)

	assert.Empty(t, decodeRecorded[[]*Quote](t, 141))
}

func TestDecodeRecordedInvoices(t *testing.T) {
	t.Parallel()
	list := decodeRecorded[[]*Invoice](t, 149)
	require.Len(t, list, 1)
	inv := list[0]
	assert.Equal(t, int64(1), inv.ID)
	assert.Equal(t, int64(1), inv.Owner)
	assert.Equal(t, "INV-SEED-1", inv.Reference)
	assert.Equal(t, "Unpaid", inv.Status)
	assert.Equal(t, "USD", inv.Currency)
	assertDecimal(t, "1440.00", inv.Total)
	assertDecimal(t, "1200.00", inv.Net)
	assertDecimal(t, "240.00", inv.Tax)
	assert.True(t, inv.AllowPartial)
	assert.Equal(t, time.Unix(1795835090, 0), inv.Date)
	assert.Equal(t, time.Unix(1798427090, 0), inv.DueDate)
	assert.True(t, inv.PaidDate.IsZero())
	assert.Nil(t, inv.CustomFields)

	require.Len(t, inv.LineItems, 1)
	li := inv.LineItems[0]
	assert.Equal(t, int64(1), li.ID)
	assert.Equal(t, int64(1), li.Order)
	assert.Equal(t, "Consulting", li.Title)
	assert.Equal(t, "Two days on site", li.Description)
	assertDecimal(t, "2", li.Quantity)
	assertDecimal(t, "600.00", li.Price)
	assertDecimal(t, "1200.00", li.Net)
	assertDecimal(t, "1200.00", li.Total)
}

func TestDecodeRecordedStatus(t *testing.T) {
	t.Parallel()
	full := decodeRecorded[statusEnvelope](t, 4)
	assert.True(t, bool(full.Success))
	s := full.Data
	assert.Equal(t, "Successful Connection", s.Status)
	assert.Equal(t, "Your API Connection with Jetpack CRM is functioning correctly.", s.Message)
	assert.Equal(t, "6.4.3", s.CRMVersion)
	assert.Equal(t, "3.0", s.DBVersion)
	assert.Contains(t, s.Modules, "api")
	assert.Len(t, s.Modules, 10)
	assert.NotNil(t, s.Extensions)
	assert.Empty(t, s.Extensions, `"extensions":[]`)

	short := decodeRecorded[statusEnvelope](t, 1)
	assert.Equal(t, "6.4.3", short.Data.CRMVersion)
	assert.Nil(t, short.Data.Modules)
	assert.Nil(t, short.Data.Extensions)

	var withExt Status
	require.NoError(t, json.Unmarshal([]byte(`{"crm_version":6.5,"extensions":{"woo":{"name":"WooSync","version":"3.0"}}}`), &withExt))
	assert.Equal(t, "6.5", withExt.CRMVersion)
	assert.Equal(t, map[string]Extension{"woo": {Name: "WooSync", Version: "3.0"}}, withExt.Extensions)
}

func TestDecodeRecordedWebhook(t *testing.T) {
	t.Parallel()
	echo := decodeRecorded[WebhookResult](t, 160)
	assert.True(t, echo.Success)
	assert.JSONEq(t, `{"field1":1.23,"field2":"4.56"}`, string(echo.Data))

	noop := decodeRecorded[WebhookResult](t, 159)
	assert.True(t, noop.Success)
	assert.Nil(t, noop.Data)

	out, err := json.Marshal(echo)
	require.NoError(t, err)
	assert.JSONEq(t, `{"success":true,"data":{"field1":1.23,"field2":"4.56"}}`, string(out))
}

func TestDecodeRecordedCreateReplies(t *testing.T) {
	t.Parallel()
	t.Run("create_customer", func(t *testing.T) {
		t.Parallel()
		c := decodeRecorded[Customer](t, 26)
		assert.Equal(t, int64(1), c.ID)
		assert.Equal(t, "Ms", c.Prefix)
		assert.Equal(t, "Lovelace", c.LastName)
		assert.Equal(t, Address{Line1: "12 St James Square", Line2: "Flat 3", City: "London", County: "Greater London", Postcode: "SW1Y 4JH", Country: "United Kingdom"}, c.Address)
		assert.Equal(t, "07700 900123", c.MobilePhone)
		require.Len(t, c.Tags, 4, "echoed tags are the names as sent")
		assert.Equal(t, []string{"vip", "api", "<b>bold</b>"}, tagNames(c.Tags), "blank names are dropped")
		assert.Nil(t, c.CustomFields)

		numbers := decodeRecorded[Customer](t, 37)
		assert.Equal(t, "12345", numbers.FirstName)
		assert.Equal(t, "90210", numbers.Address.Postcode)
		assert.Equal(t, "5551234", numbers.MobilePhone)
		assert.Equal(t, int64(5), numbers.ID)

		unicode := decodeRecorded[Customer](t, 38)
		assert.Equal(t, "Zoë", unicode.FirstName)
		assert.Equal(t, "Ångström 李", unicode.LastName)

		sticky := decodeRecorded[Customer](t, 35)
		assert.Nil(t, sticky.CustomFields, "sticky is a request key, not a custom field")
	})
	t.Run("create_company", func(t *testing.T) {
		t.Parallel()
		co := decodeRecorded[Company](t, 84)
		assert.Equal(t, int64(1), co.ID)
		assert.Equal(t, "020 7946 0999", co.MainPhone)
		assert.Equal(t, []string{"b2b", "api"}, tagNames(co.Tags))
		assert.Equal(t, map[string]string{"website": "https://analytical.example.com"}, co.CustomFields, "unknown keys echo as custom fields")
	})
	t.Run("create_transaction", func(t *testing.T) {
		t.Parallel()
		tx := decodeRecorded[Transaction](t, 102)
		assert.Equal(t, int64(1), tx.ID)
		assert.Equal(t, "ORD-1001", tx.OrderID)
		assertDecimal(t, "149.99", tx.Total)
		assert.Equal(t, time.Unix(1700000000, 0), tx.Date)
		assert.Nil(t, tx.CustomFields, "email and fname are request keys")

		numeric := decodeRecorded[Transaction](t, 103)
		assertDecimal(t, "25.5", numeric.Total)

		all := decodeRecorded[Transaction](t, 104)
		assert.Equal(t, time.Unix(1704153600, 0), all.DatePaid)
		assertDecimal(t, "0", all.Discount)
	})
	t.Run("create_event", func(t *testing.T) {
		t.Parallel()
		e := decodeRecorded[Event](t, 120)
		assert.Equal(t, int64(1), e.ID)
		assert.Equal(t, "Call Ada about renewal", e.Title)
		assert.Equal(t, "Discuss the annual plan", e.Description)
		assert.Equal(t, int64(1), e.CustomerID)
		assert.Equal(t, int64(1), e.Owner)
		assertTime(t, time.Date(2026, 11, 29, 3, 0, 0, 0, time.UTC), e.Start)
		assertTime(t, time.Date(2026, 11, 29, 4, 0, 0, 0, time.UTC), e.End)
		assert.False(t, e.Complete)
		assert.Equal(t, []Reminder{{EventID: 1, Offset: -24 * time.Hour}}, e.Reminders, `"notify":24`)

		moved := decodeRecorded[Event](t, 124)
		assert.True(t, moved.Complete)
		assert.Equal(t, int64(0), moved.CustomerID, `"customer":-1 is none`)
		assert.Equal(t, int64(0), moved.Owner)
		assert.Nil(t, moved.Reminders, `"notify":-1`)
		// 124 set the times that the events list (133) then reports.
		assertTime(t, time.Unix(1796115600, 0), moved.Start)

		iso := decodeRecorded[Event](t, 126)
		assertTime(t, time.Unix(1740823200, 0), iso.Start)
		assert.False(t, iso.Complete, `"complete":-1 (not sent) reads as false`)
	})
}

// TestRecordedBodiesDecode decodes every recorded 200 body of the list and
// create endpoints, and checks that the list endpoints carry no key the
// models do not know (nothing lands in CustomFields).
func TestRecordedBodiesDecode(t *testing.T) {
	t.Parallel()
	all, err := recorded.LoadAll()
	require.NoError(t, err)
	decoded := 0
	for _, e := range all {
		b := e.ResponseBody
		if e.StatusCode != 200 || len(b) == 0 || (b[0] != '[' && b[0] != '{') {
			continue // errors, empty bodies, and the companies body with HTML before the JSON
		}
		if strings.HasPrefix(e.Endpoint, "create_") && !strings.Contains(string(b), `"id":`) {
			continue // refusals such as {"errors":1}
		}
		var customFields func() []map[string]string
		var v any
		switch e.Endpoint {
		case "customers", "customer_search":
			var l []*Customer
			if b[0] == '{' {
				l = []*Customer{{}}
				v = l[0]
			} else {
				v = &l
			}
			customFields = func() (m []map[string]string) {
				for _, c := range l {
					m = append(m, c.CustomFields)
					for _, tx := range c.Transactions {
						m = append(m, tx.CustomFields)
					}
					for _, q := range c.Quotes {
						m = append(m, q.CustomFields)
					}
					for _, inv := range c.Invoices {
						m = append(m, inv.CustomFields)
					}
				}
				return m
			}
		case "companies":
			var l []*Company
			v = &l
			customFields = func() (m []map[string]string) {
				for _, c := range l {
					m = append(m, c.CustomFields)
				}
				return m
			}
		case "transactions":
			var l []*Transaction
			v = &l
			customFields = func() (m []map[string]string) {
				for _, x := range l {
					m = append(m, x.CustomFields)
				}
				return m
			}
		case "events":
			var l []*Event
			v = &l
			customFields = func() (m []map[string]string) {
				for _, x := range l {
					m = append(m, x.CustomFields)
					if x.Contact != nil {
						m = append(m, x.Contact.CustomFields)
					}
				}
				return m
			}
		case "quotes":
			v = &[]*Quote{}
		case "invoices":
			v = &[]*Invoice{}
		case "create_customer":
			v = &Customer{}
		case "create_company":
			v = &Company{}
		case "create_transaction":
			v = &Transaction{}
		case "create_event":
			v = &Event{}
		case "webhook":
			v = &WebhookResult{}
		case "status":
			v = &statusEnvelope{}
		default:
			continue
		}
		require.NoError(t, json.Unmarshal(b, v), e.Name)
		decoded++
		if customFields != nil {
			for _, m := range customFields() {
				assert.Nil(t, m, "%s: unknown keys %v", e.Name, m)
			}
		}
	}
	assert.GreaterOrEqual(t, decoded, 100)
}

func TestDecodeDocumentedFixtures(t *testing.T) {
	t.Parallel()
	t.Run("customers and customer_search (legacy meta)", func(t *testing.T) {
		t.Parallel()
		for _, name := range []string{"customers.json", "customer_search.json"} {
			c := decodeDocumented[Customer](t, name)
			assert.Equal(t, int64(20267), c.ID)
			assert.Equal(t, "email@email.com", c.Email, "from meta")
			assert.Equal(t, "Customer", c.Status, "meta.status wins over zbsc_status")
			assert.Equal(t, "John", c.FirstName)
			assert.Equal(t, "Doe", c.LastName)
			assert.Equal(t, "John Doe", c.FullName)
			assertTime(t, time.Date(2017, 4, 25, 3, 33, 38, 0, time.UTC), c.Created)
			assert.Equal(t, map[string]string{"cf1": "Custom Field 1"}, c.CustomFields)
		}
	})
	t.Run("create_customer", func(t *testing.T) {
		t.Parallel()
		c := decodeDocumented[Customer](t, "create_customer.json")
		assert.Equal(t, int64(135), c.ID, `"ID":135`)
		assert.Equal(t, "johndoe@example.com", c.Email)
		assert.Equal(t, "Sampleton", c.Address.City)
		assert.Equal(t, "555 135", c.MobilePhone)
		assert.Nil(t, c.CustomFields, "notes is a dropped request key")
	})
	t.Run("quotes", func(t *testing.T) {
		t.Parallel()
		q := decodeDocumented[Quote](t, "quotes.json")
		assert.Equal(t, int64(20069), q.ID)
		assert.Equal(t, "1", q.Reference, "zbsid")
		assert.Equal(t, "New Website", q.Title, "meta.name")
		assertDecimal(t, "500", q.Value)
		assertTime(t, time.Date(2017, 4, 14, 0, 0, 0, 0, time.UTC), q.Date)
		assert.Equal(t, int64(19967), q.CustomerID)
		assertTime(t, time.Date(2017, 4, 14, 16, 42, 50, 0, time.UTC), q.Created)
		assert.Nil(t, q.CustomFields)
	})
	t.Run("invoices", func(t *testing.T) {
		t.Parallel()
		inv := decodeDocumented[Invoice](t, "invoices.json")
		assert.Equal(t, int64(20069), inv.ID)
		assert.Equal(t, "1", inv.Reference)
		assertDecimal(t, "500", inv.Total)
		assert.Equal(t, int64(19967), inv.CustomerID)
		assert.Nil(t, inv.CustomFields)
	})
	t.Run("transactions", func(t *testing.T) {
		t.Parallel()
		tx := decodeDocumented[Transaction](t, "transactions.json")
		assert.Equal(t, int64(20286), tx.ID)
		assert.Equal(t, "ch_1ADFow40goDHn2SuOM9h5Lsn", tx.OrderID)
		assert.Equal(t, "succeeded", tx.Status)
		assertDecimal(t, "69.3", tx.Total)
		assert.Equal(t, "USD", tx.Currency)
		assert.Equal(t, "My Awesome Order", tx.Title)
		assert.Equal(t, int64(20284), tx.CustomerID)
		assertTime(t, time.Date(2017, 4, 27, 0, 0, 0, 0, time.UTC), tx.Date)
		assert.Nil(t, tx.CustomFields)
	})
	t.Run("create_transaction", func(t *testing.T) {
		t.Parallel()
		tx := decodeDocumented[Transaction](t, "create_transaction.json")
		assert.Equal(t, "John", tx.OrderID)
		assertDecimal(t, "79.99", tx.Total)
		assertDecimal(t, "59.99", tx.Net)
		assert.Equal(t, "Your Item Name", tx.Title)
		assert.Nil(t, tx.CustomFields)
	})
	t.Run("events", func(t *testing.T) {
		t.Parallel()
		list := decodeDocumented[[]*Event](t, "events.json")
		require.Len(t, list, 3)
		e := list[0]
		assert.Equal(t, int64(44155), e.ID)
		assert.Equal(t, "My Event From the API", e.Title)
		assert.Equal(t, "Here are some notes for the event", e.Description)
		assertTime(t, time.Date(2018, 2, 11, 20, 0, 0, 0, time.UTC), e.Start)
		assertTime(t, time.Date(2018, 2, 11, 21, 0, 0, 0, time.UTC), e.End)
		assert.False(t, e.Complete, `"complete":"-1"`)
		assert.Equal(t, int64(1), e.Owner)
		assert.Equal(t, int64(44149), e.CustomerID, "meta.customer, not the top-level false")
		assertTime(t, time.Date(2018, 2, 11, 4, 37, 2, 0, time.UTC), e.Created)
		assert.Nil(t, e.CustomFields)

		assertTime(t, time.Date(2018, 1, 6, 2, 0, 0, 0, time.UTC), list[1].Start)
		assertTime(t, time.Date(2018, 1, 6, 2, 15, 0, 0, time.UTC), list[1].End)
		assert.Equal(t, int64(37792), list[1].CustomerID)
		assertTime(t, time.Date(2018, 1, 20, 13, 0, 0, 0, time.UTC), list[2].Start)
		assert.Equal(t, "Demo with Mark", list[2].Title)
	})
	t.Run("create_event", func(t *testing.T) {
		t.Parallel()
		e := decodeDocumented[Event](t, "create_event.json")
		assert.Equal(t, "My Event From the API", e.Title)
		assert.Equal(t, int64(44149), e.CustomerID)
		assertTime(t, time.Date(2018, 2, 1, 3, 30, 0, 0, time.UTC), e.Start)
		assertTime(t, time.Date(2018, 2, 1, 4, 30, 0, 0, time.UTC), e.End)
		assert.Len(t, e.Reminders, 1)
	})
}

// TestModelsRoundTrip marshals decoded records and decodes them again: the
// models' MarshalJSON writes the wire shape, so nothing is lost (a Customer
// cached as JSON by json.Marshal comes back intact).
func TestModelsRoundTrip(t *testing.T) {
	t.Parallel()
	check := func(t *testing.T, v, again any) {
		t.Helper()
		b, err := json.Marshal(v)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, again), "%s", b)
		assert.Equal(t, v, again)
	}
	for _, n := range []int{61, 154} {
		l := decodeRecorded[[]*Customer](t, n)
		check(t, &l, &[]*Customer{})
	}
	c := decodeRecorded[Customer](t, 155)
	c.CustomFields = map[string]string{"custom-field": "bacon", "addr_floor": "3"}
	c.Aliases = []string{"ada@example.org"}
	check(t, &c, &Customer{})

	co := decodeRecorded[[]*Company](t, 92)
	co[0].Contacts = []*Customer{&c}
	co[0].SecondaryAddress = Address{Line1: "2 Side St", Country: "UK"}
	check(t, &co, &[]*Company{})

	tx := decodeRecorded[[]*Transaction](t, 114)
	check(t, &tx, &[]*Transaction{})
	ev := decodeRecorded[[]*Event](t, 133)
	ev[0].Reminders = []Reminder{{ID: 4, EventID: 1, Offset: -24 * time.Hour, Sent: time.Unix(1796029200, 0)}}
	check(t, &ev, &[]*Event{})
	created := decodeRecorded[Event](t, 120)
	check(t, &created, &Event{})
	q := decodeRecorded[[]*Quote](t, 143)
	check(t, &q, &[]*Quote{})
	inv := decodeRecorded[[]*Invoice](t, 149)
	check(t, &inv, &[]*Invoice{})
	st := decodeRecorded[statusEnvelope](t, 4).Data
	check(t, &st, &Status{})
	st.Extensions = map[string]Extension{"woo": {Name: "WooSync", Version: "3.0"}}
	check(t, &st, &Status{})
}

func TestCustomerRequestMarshal(t *testing.T) {
	t.Parallel()
	req := CustomerRequest{
		Email:            "ada@example.com",
		FirstName:        "Ada",
		LastName:         "Lovelace",
		Address:          Address{City: "London", Postcode: "SW1Y 4JH"},
		SecondaryAddress: Address{Line1: "2 Side St"},
		HomePhone:        "+44 20 7946 0000",
		Tags:             []string{"vip", "api"},
		AssignTo:         1,
		CustomFields:     map[string]string{"custom-field": "bacon", "addr_floor": "3"},
	}
	b, err := json.Marshal(req)
	require.NoError(t, err)
	assert.Equal(t, `{"email":"ada@example.com","fname":"Ada","lname":"Lovelace","city":"London","postcode":"SW1Y 4JH",`+
		`"secaddr_addr1":"2 Side St","hometel":"+44 20 7946 0000","tags":["vip","api"],"assign":1,`+
		`"addr_floor":"3","custom-field":"bacon"}`, string(b), "wire names, no empty values, custom fields at top level, sorted")

	b, err = json.Marshal(&CustomerRequest{ID: 2, Email: "g@example.com", Status: "Customer", ForceStatus: true, Tags: []string{}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":2,"email":"g@example.com","status":"Customer","sticky":"1"}`, string(b))

	b, err = json.Marshal(CustomerRequest{})
	require.NoError(t, err)
	assert.Equal(t, `{}`, string(b), `never sends ""`)

	for _, key := range []string{"fname", "email", "secaddr_city", "tags", "id", "meta", "createduts", "foo_cfdate"} {
		_, err := json.Marshal(CustomerRequest{Email: "a@example.com", CustomFields: map[string]string{key: "x"}})
		assert.Error(t, err, key)
	}
}

func TestCompanyRequestMarshal(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(CompanyRequest{
		Name: "Analytical Engines Ltd", Email: "info@analytical.example.com", Status: "Lead",
		Address: Address{Line1: "1 Babbage Way", City: "London"}, SecondaryAddress: Address{City: "Cambridge"},
		MainPhone: "020 7946 0999", Tags: []string{"b2b"}, CustomFields: map[string]string{"website": "https://x.example"},
	})
	require.NoError(t, err)
	assert.Equal(t, `{"name":"Analytical Engines Ltd","email":"info@analytical.example.com","status":"Lead",`+
		`"addr1":"1 Babbage Way","city":"London","seccity":"Cambridge","maintel":"020 7946 0999","tags":["b2b"],`+
		`"website":"https://x.example"}`, string(b))

	_, err = json.Marshal(CompanyRequest{Name: "X", Email: "x@example.com", CustomFields: map[string]string{"maintel": "1"}})
	assert.Error(t, err)
}

func TestTransactionRequestMarshal(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(TransactionRequest{
		OrderID: "ORD-1001", Email: "ada@example.com", Status: "Succeeded",
		Total: decimal.RequireFromString("149.99"), Title: "Annual plan", Currency: "GBP",
		Net: decimal.RequireFromString("120.00"), Date: time.Unix(1700000000, 0),
		CustomFields: map[string]string{"gateway": "stripe"},
	})
	require.NoError(t, err)
	assert.Equal(t, `{"orderid":"ORD-1001","status":"Succeeded","total":"149.99","email":"ada@example.com",`+
		`"title":"Annual plan","currency":"GBP","net":"120.00","date":1700000000,"gateway":"stripe"}`, string(b))

	var wire map[string]any
	require.NoError(t, json.Unmarshal(b, &wire))
	assert.IsType(t, float64(0), wire["date"], "date is a JSON number of Unix seconds")
	assert.IsType(t, "", wire["total"], "money is a string")
	assert.NotContains(t, wire, "item_title")
	assert.NotContains(t, wire, "tax", "zero amounts are not sent")

	b, err = json.Marshal(TransactionRequest{OrderID: "A", Status: "Paid", Total: decimal.NewFromInt(-5), CompanyID: 3})
	require.NoError(t, err)
	assert.Equal(t, `{"orderid":"A","status":"Paid","total":"-5","company":3}`, string(b))

	_, err = json.Marshal(TransactionRequest{OrderID: "A", Status: "Paid", Total: decimal.NewFromInt(1), CustomFields: map[string]string{"ref": "x"}})
	assert.Error(t, err)
}

func TestEventRequestMarshal(t *testing.T) {
	t.Parallel()
	cet := time.FixedZone("CET", 3600)
	b, err := json.Marshal(EventRequest{
		Title: "Call Ada",
		From:  time.Date(2026, 12, 1, 10, 0, 0, 0, cet),
		To:    time.Date(2026, 12, 1, 11, 30, 0, 0, cet),
	})
	require.NoError(t, err)
	assert.Equal(t, `{"title":"Call Ada","from":"2026-12-01 09:00:00","to":"2026-12-01 10:30:00","notify":0,"complete":0}`, string(b),
		"complete and notify are always sent; times in UTC")

	b, err = json.Marshal(&EventRequest{
		ID: 7, Title: "Done", From: time.Unix(1796115600, 0), To: time.Unix(1796119200, 0),
		CustomerID: 1, Notes: "n", Complete: true, Remind24h: true, Owner: -1,
	})
	require.NoError(t, err)
	assert.Equal(t, `{"id":7,"title":"Done","from":"2026-12-01 09:00:00","to":"2026-12-01 10:00:00","customer":1,"notes":"n","notify":24,"complete":1,"owner":-1}`, string(b))

	// The server's reply to what we send decodes to the same instants.
	var e Event
	require.NoError(t, json.Unmarshal(b, &e))
	assert.True(t, e.Start.Equal(time.Unix(1796115600, 0)))
	assert.True(t, e.End.Equal(time.Unix(1796119200, 0)))
}

func TestCustomerRequestValidate(t *testing.T) {
	t.Parallel()
	ok := func() *CustomerRequest {
		return &CustomerRequest{Email: "ada@example.com", FirstName: "Ada", Tags: []string{"vip"}, CustomFields: map[string]string{"custom-field": "x"}}
	}
	require.NoError(t, ok().validate())
	for _, tc := range []struct {
		name   string
		mutate func(*CustomerRequest)
		field  string
	}{
		{"missing email", func(r *CustomerRequest) { r.Email = "" }, "Email"},
		{"invalid email", func(r *CustomerRequest) { r.Email = "ada" }, "Email"},
		{"email with display name", func(r *CustomerRequest) { r.Email = "Ada <ada@example.com>" }, "Email"},
		{"negative id", func(r *CustomerRequest) { r.ID = -1 }, "ID"},
		{"negative assign", func(r *CustomerRequest) { r.AssignTo = -1 }, "AssignTo"},
		{"invalid UTF-8 name", func(r *CustomerRequest) { r.LastName = "Lov\xffelace" }, "LastName"},
		{"invalid UTF-8 address", func(r *CustomerRequest) { r.SecondaryAddress.City = "\xc3" }, "SecondaryAddress.City"},
		{"invalid UTF-8 tag", func(r *CustomerRequest) { r.Tags = []string{"\xff"} }, "Tags[0]"},
		{"invalid UTF-8 custom value", func(r *CustomerRequest) { r.CustomFields["custom-field"] = "\xff" }, `CustomFields["custom-field"]`},
		{"invalid UTF-8 custom key", func(r *CustomerRequest) { r.CustomFields["\xff"] = "x" }, "CustomFields"},
		{"custom field named like a built-in", func(r *CustomerRequest) { r.CustomFields["lname"] = "x" }, `CustomFields["lname"]`},
		{"blank custom key", func(r *CustomerRequest) { r.CustomFields[" "] = "x" }, `CustomFields[" "]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := ok()
			tc.mutate(r)
			err := r.validate()
			var fe *invalidFieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.field, fe.Field)
		})
	}
}

func TestCompanyRequestValidate(t *testing.T) {
	t.Parallel()
	ok := func() *CompanyRequest { return &CompanyRequest{Name: "Get Co", Email: "get@co.example.com"} }
	require.NoError(t, ok().validate())
	for _, tc := range []struct {
		name   string
		mutate func(*CompanyRequest)
		field  string
	}{
		{"missing name", func(r *CompanyRequest) { r.Name = " " }, "Name"},
		{"missing email", func(r *CompanyRequest) { r.Email = "" }, "Email"},
		{"invalid email", func(r *CompanyRequest) { r.Email = "get@co" }, "Email"},
		{"negative assign", func(r *CompanyRequest) { r.AssignTo = -2 }, "AssignTo"},
		{"invalid UTF-8", func(r *CompanyRequest) { r.MainPhone = "\xff" }, "MainPhone"},
		{"custom field named like a built-in", func(r *CompanyRequest) { r.CustomFields = map[string]string{"seccity": "x"} }, `CustomFields["seccity"]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := ok()
			tc.mutate(r)
			var fe *invalidFieldError
			require.ErrorAs(t, r.validate(), &fe)
			assert.Equal(t, tc.field, fe.Field)
		})
	}
}

func TestTransactionRequestValidate(t *testing.T) {
	t.Parallel()
	ok := func() *TransactionRequest {
		return &TransactionRequest{OrderID: "ORD-1", Status: "Succeeded", Total: decimal.RequireFromString("0.01")}
	}
	require.NoError(t, ok().validate())
	refund := ok()
	refund.Total = decimal.NewFromInt(-10)
	require.NoError(t, refund.validate(), "negative totals are allowed")
	for _, tc := range []struct {
		name   string
		mutate func(*TransactionRequest)
		field  string
	}{
		{"missing orderid", func(r *TransactionRequest) { r.OrderID = "" }, "OrderID"},
		{"blank orderid", func(r *TransactionRequest) { r.OrderID = "  " }, "OrderID"},
		{"missing status", func(r *TransactionRequest) { r.Status = "" }, "Status"},
		{"zero total", func(r *TransactionRequest) { r.Total = decimal.Decimal{} }, "Total"},
		{"zero total with scale", func(r *TransactionRequest) { r.Total = decimal.RequireFromString("0.00") }, "Total"},
		{"invalid email", func(r *TransactionRequest) { r.Email = "nope" }, "Email"},
		{"date before 1970", func(r *TransactionRequest) { r.Date = time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC) }, "Date"},
		{"negative company", func(r *TransactionRequest) { r.CompanyID = -1 }, "CompanyID"},
		{"invalid UTF-8", func(r *TransactionRequest) { r.Title = "\xff" }, "Title"},
		{"custom field named like a built-in", func(r *TransactionRequest) { r.CustomFields = map[string]string{"total": "1"} }, `CustomFields["total"]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := ok()
			tc.mutate(r)
			var fe *invalidFieldError
			require.ErrorAs(t, r.validate(), &fe)
			assert.Equal(t, tc.field, fe.Field)
		})
	}
}

func TestEventRequestValidate(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ok := func() *EventRequest { return &EventRequest{Title: "Call", From: from, To: from.Add(time.Hour)} }
	require.NoError(t, ok().validate())
	instant := ok()
	instant.To = instant.From
	require.NoError(t, instant.validate(), "From == To is allowed")
	nobody := ok()
	nobody.Owner = -1
	require.NoError(t, nobody.validate())
	for _, tc := range []struct {
		name   string
		mutate func(*EventRequest)
		field  string
	}{
		{"missing title", func(r *EventRequest) { r.Title = "" }, "Title"},
		{"blank title", func(r *EventRequest) { r.Title = "\t" }, "Title"},
		{"missing from", func(r *EventRequest) { r.From = time.Time{} }, "From"},
		{"missing to", func(r *EventRequest) { r.To = time.Time{} }, "To"},
		{"from after to", func(r *EventRequest) { r.From = r.To.Add(time.Second) }, "From"},
		{"negative id", func(r *EventRequest) { r.ID = -1 }, "ID"},
		{"negative customer", func(r *EventRequest) { r.CustomerID = -1 }, "CustomerID"},
		{"bad owner", func(r *EventRequest) { r.Owner = -2 }, "Owner"},
		{"invalid UTF-8", func(r *EventRequest) { r.Notes = "\xff" }, "Notes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := ok()
			tc.mutate(r)
			var fe *invalidFieldError
			require.ErrorAs(t, r.validate(), &fe)
			assert.Equal(t, tc.field, fe.Field)
		})
	}
}

func TestMergeCustomerRequestKeepsUnsentFields(t *testing.T) {
	t.Parallel()
	current := decodeRecorded[Customer](t, 155)
	current.CustomFields = map[string]string{"custom-field": "bacon", "renewal": "2026-01-01"}
	current.Owner = 3

	merged := mergeCustomerRequest(&current, &CustomerRequest{
		Email:        "ada.lovelace@example.com",
		LastName:     "Lovelace",
		Address:      Address{Line1: "12 St James Square"},
		CustomFields: map[string]string{"renewal": "2027-01-01"},
	})
	b, err := json.Marshal(merged)
	require.NoError(t, err)
	assert.Equal(t, `{"id":1,"email":"ada.lovelace@example.com","status":"Lead","fname":"Augusta Ada","lname":"Lovelace",`+
		`"addr1":"12 St James Square","city":"Marylebone","tags":["bold","api","vip"],"assign":3,`+
		`"custom-field":"bacon","renewal":"2027-01-01"}`, string(b))
	assert.Equal(t, "2026-01-01", current.CustomFields["renewal"], "the current record is not modified")

	renamed := mergeCustomerRequest(&current, &CustomerRequest{Email: "ada@example.org", Status: "Customer", ForceStatus: true, Tags: []string{"vip"}})
	assert.Equal(t, int64(1), renamed.ID, "the ID is kept so the email changes")
	assert.Equal(t, "ada@example.org", renamed.Email)
	assert.Equal(t, "Customer", renamed.Status)
	assert.True(t, renamed.ForceStatus)
	assert.Equal(t, []string{"vip"}, renamed.Tags)

	noTags := current
	noTags.Tags = nil
	assert.Nil(t, mergeCustomerRequest(&noTags, &CustomerRequest{}).Tags, "tags not loaded are not sent")
}

func TestTagDecodesNameOrObject(t *testing.T) {
	t.Parallel()
	var tags []Tag
	require.NoError(t, json.Unmarshal([]byte(`["vip",{"id":"2","name":"api","slug":"api"}]`), &tags))
	assert.Equal(t, []Tag{{Name: "vip"}, {ID: 2, Name: "api", Slug: "api"}}, tags)
	var tag Tag
	assert.Error(t, json.Unmarshal([]byte(`5`), &tag))
}

func TestDecodeErrorsAreNotValidationErrors(t *testing.T) {
	t.Parallel()
	var c Customer
	err := json.Unmarshal([]byte(`{"id":true}`), &c)
	require.Error(t, err)
	var fe *invalidFieldError
	assert.False(t, errors.As(err, &fe))
	var de *jsonDecodeError
	assert.True(t, errors.As(err, &de))
	assert.Equal(t, "Customer.id", de.Path)
}
