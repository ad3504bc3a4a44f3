package jetpackcrm

import (
	"context"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWireFields(t *testing.T) {
	t.Parallel()
	byName := func(fields []WireField) map[string]WireField {
		m := map[string]WireField{}
		for _, f := range fields {
			m[f.Name] = f
		}
		return m
	}
	customer := byName(WireFields(Customer{}))
	assert.Equal(t, WireFields(Customer{}), WireFields(&Customer{}), "a value or a pointer")
	for name, path := range map[string]string{
		"id": "ID", "fname": "FirstName", "addr1": "Address.Line1", "secaddr_city": "SecondaryAddress.City",
		"createduts": "Created", "tags": "Tags", "transactions": "Transactions",
	} {
		require.Contains(t, customer, name)
		assert.Equal(t, path, customer[name].Path, name)
	}
	assert.Equal(t, []string{"seccity"}, customer["secaddr_city"].Aliases)
	assert.Equal(t, []string{"name"}, customer["fullname"].Aliases)
	assert.Equal(t, []string{"created"}, customer["createduts"].Aliases, "the legacy fallback is a name too")
	assert.NotContains(t, customer, "", "CustomFields is not a wire field")

	c := Customer{SecondaryAddress: Address{City: "Bath"}}
	f := customer["secaddr_city"]
	assert.Equal(t, "Bath", reflect.ValueOf(c).FieldByIndex(f.Index).Interface())
	assert.Equal(t, reflect.TypeFor[string](), f.Type)

	company := byName(WireFields(Company{}))
	assert.Equal(t, "SecondaryAddress.City", company["seccity"].Path, "companies write sec... names")
	req := byName(WireFields(&CustomerRequest{}))
	assert.Equal(t, "AssignTo", req["assign"].Path)
	assert.Equal(t, "ForceStatus", req["sticky"].Path)
	tx := byName(WireFields(Transaction{}))
	assert.Equal(t, []string{"customer"}, tx["contact"].Aliases)
	for _, f := range tx {
		assert.NotEqual(t, "CompanyID", f.Path, "a field without a wire name of its own is not listed")
	}
	assert.Nil(t, WireFields(42))
	assert.Nil(t, WireFields(nil))
}

// TestWireNamesAreUnique checks every model's table: no wire name is
// claimed twice (the codec refuses to build one that does), and the
// request's writable names are the record's, so that what is written is
// read back into the same field.
func TestWireNamesAreUnique(t *testing.T) {
	t.Parallel()
	for _, pair := range []struct{ req, rec any }{
		{CustomerRequest{}, Customer{}}, {CompanyRequest{}, Company{}}, {TransactionRequest{}, Transaction{}},
	} {
		rec := codecs().byType[reflect.TypeOf(pair.rec)]
		for _, f := range WireFields(pair.req) {
			assert.True(t, rec.isBuiltin(f.Name), "%T %s is a key of %T", pair.req, f.Name, pair.rec)
		}
	}
	assert.Panics(t, func() {
		type twice struct {
			A string `json:"a"`
			B string `json:"b" jpcrm:"alias=a"`
		}
		r := &registry{byType: map[reflect.Type]*modelCodec{}, targets: map[reflect.Type]func([]byte, any) error{}}
		register[twice](r, "twice").build(r)
	})
}

// TestStoredTextIsDecodedOnRead: the CRM stores task titles and notes, a
// transaction's currency and avatars (twice) through htmlentities, and tag
// names with &#34; and &#39;, and lists them so; reads decode exactly
// that, at any depth (a contact in an event, a contact's tags), while a
// create reply, which echoes what was sent, is left as it is.
func TestStoredTextIsDecodedOnRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := setup(t)
	contact := `{"id":"7","email":"a@example.com","avatar":"https://x/a.png?s=1&amp;amp;d=&amp;quot;2&amp;quot; Zo&amp;euml; &amp;amp;#x1f600;",` +
		`"fname":"Tom &amp; Jerry","tags":[{"id":"1","name":"O&#39;Neil &#34;Q&#34; &amp;"}]}`
	events := `[{"id":"1","title":"O&#039;Neil &amp; Zo&euml; &lt;3 &amp;amp; &euro;","desc":"Say &quot;hi&quot; &amp;#x1f600;",` +
		`"contact":[` + contact + `],"company":[{"id":"2","name":"Co","avatar":"a&amp;amp;b"}]}]`
	serveWire(env, http.MethodGet, "events", jsonResponder(200, events))
	serveWire(env, http.MethodGet, "customer_search", jsonResponder(200, contact))
	serveWire(env, http.MethodPost, "create_event", jsonResponder(200,
		`{"title":"Tom &amp; Jerry","customer":-1,"notes":"a &lt; b","to":"2030-01-01 11:00:00","from":"2030-01-01 10:00:00","notify":-1,"complete":0,"owner":-1,"id":9}`))
	serveWire(env, http.MethodGet, "transactions", jsonResponder(200, `[{"id":"3","ref":"o","currency":"&amp;"}]`))

	list, _, err := env.client.Events.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, list, 1)
	e := list[0]
	assert.Equal(t, "O'Neil & Zoë <3 &amp; €", e.Title)
	assert.Equal(t, `Say "hi" 😀`, e.Description)
	require.NotNil(t, e.Contact)
	assert.Equal(t, `https://x/a.png?s=1&d="2" Zoë 😀`, e.Contact.Avatar, "twice, then the SDK's reference")
	assert.Equal(t, "Tom &amp; Jerry", e.Contact.FirstName, "a field the CRM does not encode is left alone")
	require.Len(t, e.Contact.Tags, 1)
	assert.Equal(t, `O'Neil "Q" &amp;`, e.Contact.Tags[0].Name, "only the tag quotes")
	require.NotNil(t, e.Company)
	assert.Equal(t, "a&b", e.Company.Avatar)

	c, _, err := env.client.Customers.GetByEmail(ctx, "a@example.com")
	require.NoError(t, err)
	assert.Equal(t, `https://x/a.png?s=1&d="2" Zoë 😀`, c.Avatar)
	assert.Equal(t, `O'Neil "Q" &amp;`, c.Tags[0].Name)

	txs, _, err := env.client.Transactions.List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, "&", txs[0].Currency)

	from := time.Date(2030, 1, 1, 10, 0, 0, 0, time.UTC)
	created, _, err := env.client.Events.Create(ctx, &EventRequest{Title: "Tom &amp; Jerry", Notes: "a &lt; b", From: from, To: from.Add(time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, "Tom &amp; Jerry", created.Title, "the echo of what was sent")
	assert.Equal(t, "a &lt; b", created.Description)

	// A model decoded by itself (UnmarshalJSON) is the wire value.
	var raw Event
	require.NoError(t, raw.UnmarshalJSON([]byte(`{"id":"1","title":"O&#039;Neil"}`)))
	assert.Equal(t, "O&#039;Neil", raw.Title)
}

// TestNullEntriesInEmbeddedListsAreSkipped: a null entry of a list inside
// a record (a contact's tags, invoices, quotes and transactions, an event's
// reminders, a company's contacts, a transaction's line items) holds no
// record: it is skipped, as the top-level lists skip theirs, rather than
// read as an empty record (which iterators and the CLI would hand out as a
// contact, invoice... with ID 0).
func TestNullEntriesInEmbeddedListsAreSkipped(t *testing.T) {
	t.Parallel()
	var c Customer
	require.NoError(t, c.UnmarshalJSON([]byte(`{"id":"1","tags":[null,{"id":"4","name":"vip"},null],"invoices":[null],`+
		`"quotes":[null,null],"transactions":[{"id":"5","lineitems":[null,{"id":"6","title":"x"}]},null],"aliases":[null,"b@example.com"]}`)))
	require.Len(t, c.Tags, 1)
	assert.Equal(t, "vip", c.Tags[0].Name)
	assert.Empty(t, c.Invoices)
	assert.NotNil(t, c.Invoices, "asked for, none")
	assert.Empty(t, c.Quotes)
	require.Len(t, c.Transactions, 1)
	require.Len(t, c.Transactions[0].LineItems, 1)
	assert.Equal(t, int64(6), c.Transactions[0].LineItems[0].ID)
	assert.Equal(t, []string{"b@example.com"}, c.Aliases)

	var e Event
	require.NoError(t, e.UnmarshalJSON([]byte(`{"id":"1","reminders":[null,{"id":"2","remind_at":-86400}],"contact":[null]}`)))
	require.Len(t, e.Reminders, 1)
	assert.Equal(t, int64(2), e.Reminders[0].ID)
	assert.Nil(t, e.Contact)

	var co Company
	require.NoError(t, co.UnmarshalJSON([]byte(`{"id":"1","contacts":[null,{"id":"3"}],"tags":{"0":null,"1":{"id":"9","name":"t"}}}`)))
	require.Len(t, co.Contacts, 1)
	assert.Equal(t, int64(3), co.Contacts[0].ID)
	require.Len(t, co.Tags, 1, "an object of entries too")

	// Through a list call, with the top-level null dropped as before.
	env := setup(t)
	serveWire(env, http.MethodPost, "customers", jsonResponder(200,
		`[null,{"id":"1","email":"a@example.com","invoices":[null,{"id":"8"}],"transactions":[null]}]`))
	list, _, err := env.client.Customers.List(context.Background(), &CustomerListOptions{WithInvoices: true, WithTransactions: true})
	require.NoError(t, err)
	require.Len(t, list, 1)
	for _, c := range list {
		for _, inv := range c.Invoices {
			assert.NotZero(t, inv.ID, "no empty invoice")
		}
		assert.Empty(t, c.Transactions)
	}
	assert.Len(t, list[0].Invoices, 1)
}

// TestOwnerCopyOfJetpackCRM66IsNotACustomField: 6.6 lists contacts with
// "owner_zbs-name-clash-tmp-fix", a copy of the owner ("-1" when none).
// Read as a custom field, it went back in every merge write (Sync), where
// "-1" is a value the site drops, and the write was refused.
func TestOwnerCopyOfJetpackCRM66IsNotACustomField(t *testing.T) {
	t.Parallel()
	var c Customer
	require.NoError(t, c.UnmarshalJSON([]byte(`{"id":"1","email":"a@example.com","owner":"-1","owner_zbs-name-clash-tmp-fix":"-1","sdk-text":"x"}`)))
	assert.Equal(t, map[string]string{"sdk-text": "x"}, c.CustomFields)
	r := customerRequestFrom(&c)
	assert.NoError(t, r.validate(), "the contact can be written back")
}
