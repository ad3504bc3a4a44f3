package jetpackcrm

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hasSupplementary reports whether b holds a 4-byte UTF-8 character.
func hasSupplementary(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if isSupplementary(r) {
			return true
		}
		b = b[n:]
	}
	return false
}

// echoResponder answers a create with its own body plus an id, as the
// server does (the references written by the SDK come back as they went).
func echoResponder(req *http.Request) (*http.Response, error) {
	var body bytes.Buffer
	if rc, err := req.GetBody(); err == nil { // the wire recorder has read req.Body
		_, _ = body.ReadFrom(rc)
	}
	b := bytes.TrimSuffix(bytes.TrimSpace(body.Bytes()), []byte("}"))
	return jsonResponder(200, string(b)+`,"id":7}`)(req)
}

// TestCharactersOutsideTheBMPAreStoredAsReferences: the CRM's tables cannot
// hold 4-byte UTF-8 (a real site answers {"error":100}, see
// TestRealSiteCharactersOutsideTheBMPRoundTrip); every text field of every
// write goes out as "&#x1F600;" and comes back as the character.
func TestCharactersOutsideTheBMPAreStoredAsReferences(t *testing.T) {
	t.Parallel()
	const e = "😀𝄞"
	const ref = "&#x1f600;&#x1d11e;"
	ctx := context.Background()
	addr := Address{Line1: "1 " + e, Line2: "2 " + e, City: "C" + e, County: "K" + e, Postcode: "P" + e, Country: "X" + e}
	tests := []struct {
		name     string
		endpoint string
		call     func(c *Client) (any, error)
		check    func(t *testing.T, v any)
	}{
		{"Customers.Create", "create_customer", func(c *Client) (any, error) {
			v, _, err := c.Customers.Create(ctx, &CustomerRequest{Email: "ada@example.com", Status: "Lead" + e, Prefix: "Dr" + e,
				FirstName: "Ada" + e, LastName: "L" + e, Address: addr, SecondaryAddress: addr, HomePhone: "1" + e, WorkPhone: "2" + e,
				MobilePhone: "3" + e, Twitter: "t" + e, LinkedIn: "l" + e, Facebook: "f" + e, Avatar: "a" + e, Tags: []string{"vip" + e},
				CustomFields: map[string]string{"sdk-text": "cf" + e}})
			return v, err
		}, func(t *testing.T, v any) {
			c := v.(*Customer)
			assert.Equal(t, "Ada"+e, c.FirstName)
			assert.Equal(t, addr, c.Address)
			assert.Equal(t, addr, c.SecondaryAddress)
			assert.Equal(t, "3"+e, c.MobilePhone)
			assert.Equal(t, "vip"+e, c.Tags[0].Name)
			assert.Equal(t, "cf"+e, c.CustomFields["sdk-text"])
		}},
		{"Companies.Create", "create_company", func(c *Client) (any, error) {
			v, _, err := c.Companies.Create(ctx, &CompanyRequest{Name: "Co" + e, Email: "co@example.com", Status: "S" + e, Address: addr,
				MainPhone: "1" + e, Tags: []string{"t" + e}, CustomFields: map[string]string{"sdk-company-text": "cf" + e}})
			return v, err
		}, func(t *testing.T, v any) {
			co := v.(*Company)
			assert.Equal(t, "Co"+e, co.Name)
			assert.Equal(t, addr, co.Address)
			assert.Equal(t, "cf"+e, co.CustomFields["sdk-company-text"])
		}},
		{"Transactions.Create", "create_transaction", func(c *Client) (any, error) {
			v, _, err := c.Transactions.Create(ctx, &TransactionRequest{OrderID: "O" + e, Status: "S" + e, Total: decimal.NewFromInt(1),
				Email: "ada@example.com", FirstName: "F" + e, Title: "T" + e, Description: "D" + e, Type: "Sale" + e, Currency: "USD",
				CustomFields: map[string]string{"sdk-transaction-text": "cf" + e}})
			return v, err
		}, func(t *testing.T, v any) {
			x := v.(*Transaction)
			assert.Equal(t, "O"+e, x.OrderID)
			assert.Equal(t, "T"+e, x.Title)
			assert.Equal(t, "D"+e, x.Description)
			assert.Equal(t, "cf"+e, x.CustomFields["sdk-transaction-text"])
		}},
		{"Events.Create", "create_event", func(c *Client) (any, error) {
			v, _, err := c.Events.Create(ctx, &EventRequest{Title: "Call" + e, Notes: "N" + e, From: okFrom, To: okTo})
			return v, err
		}, func(t *testing.T, v any) {
			ev := v.(*Event)
			assert.Equal(t, "Call"+e, ev.Title)
			assert.Equal(t, "N"+e, ev.Description)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setup(t)
			w := serveWire(env, http.MethodPost, tt.endpoint, echoResponder)
			v, err := tt.call(env.client)
			require.NoError(t, err)
			body := w.single(t).Body
			assert.False(t, hasSupplementary(body), "no 4-byte UTF-8 on the wire: %s", body)
			assert.Contains(t, string(body), ref)
			tt.check(t, v)
		})
	}
}

func TestCharactersOutsideTheBMPInReadsAndQueries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("a search finds what was stored as references", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		w := serveWire(env, http.MethodGet, "customer_search", jsonResponder(200, `[{"id":"1","email":"a@example.com","fname":"A&#x1F600;"}]`))
		list, _, err := env.client.Customers.Search(ctx, "A😀", nil)
		require.NoError(t, err)
		assert.Equal(t, "A😀", list[0].FirstName)
		assert.Equal(t, "A&#x1f600;", w.single(t).Query.Get("zbs_query"))
	})
	t.Run("the customers list body", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		w := serveWire(env, http.MethodPost, "customers", jsonResponder(200, `[]`))
		_, _, err := env.client.Customers.List(ctx, &CustomerListOptions{Search: "😀"})
		require.NoError(t, err)
		assert.Equal(t, "&#x1f600;", bodyMap(t, w.single(t))["search"])
	})
	t.Run("the events list escapes its text once more", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		serveWire(env, http.MethodGet, "events", jsonResponder(200,
			`[{"id":"1","title":"E&amp;#x1F600; &amp;#128512;","desc":"a &amp;#x1d11e;","contact":[{"id":"2","fname":"F&#x1F600;"}]}]`))
		list, _, err := env.client.Events.List(ctx, nil)
		require.NoError(t, err)
		assert.Equal(t, "E😀 😀", list[0].Title)
		assert.Equal(t, "a 𝄞", list[0].Description)
		assert.Equal(t, "F😀", list[0].Contact.FirstName)
	})
	t.Run("references of BMP characters and malformed ones are left alone", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		serveWire(env, http.MethodGet, "customer_search", jsonResponder(200,
			`[{"id":"1","email":"a@example.com","fname":"&#xE9; &#233; &#x; &#x1F600 &#x110000; &amp;#x1F600; &#xFFFF;"}]`))
		list, _, err := env.client.Customers.Search(ctx, "", nil)
		require.NoError(t, err)
		assert.Equal(t, "&#xE9; &#233; &#x; &#x1F600 &#x110000; &amp;#x1F600; &#xFFFF;", list[0].FirstName)
	})
	t.Run("a webhook's data is sent and read as it is", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		w := serveWire(env, http.MethodPost, "webhook", jsonResponder(200, `{"success":true,"data":"&#x1F600;"}`))
		res, _, err := env.client.Webhooks.Send(ctx, "a", "😀")
		require.NoError(t, err)
		assert.True(t, hasSupplementary(w.single(t).Body))
		assert.JSONEq(t, `"&#x1F600;"`, string(res.Data))
	})
	t.Run("a raw body's surrogate pairs are written as references too", func(t *testing.T) {
		t.Parallel()
		env := setup(t)
		w := serveWire(env, http.MethodPost, "create_customer", jsonResponder(200, `{"id":1}`))
		req, err := env.client.NewRequest(ctx, http.MethodPost, "create_customer", nil, []byte(`{"email":"a@example.com","fname":"\ud83d\ude00 \\ud83d\\ude00"}`))
		require.NoError(t, err)
		_, err = env.client.Do(req, nil)
		require.NoError(t, err)
		assert.Equal(t, `{"email":"a@example.com","fname":"&#x1f600; \\ud83d\\ude00"}`, string(w.single(t).Body))
	})
}

// TestTextHoldingAReferenceIsRefused: such text would read back as the
// character, so it is refused before sending, in every text field.
func TestTextHoldingAReferenceIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, text := range []string{"&#x1F600;", "x &#128512; y", "&amp;#x1f600;", "a & b &#X1D11E;"} {
		calls := map[string]func(c *Client) error{
			"FirstName": func(c *Client) error {
				_, _, err := c.Customers.Create(ctx, &CustomerRequest{Email: "a@example.com", FirstName: text})
				return err
			},
			"Address.City": func(c *Client) error {
				_, _, err := c.Customers.Create(ctx, &CustomerRequest{Email: "a@example.com", Address: Address{City: text}})
				return err
			},
			"Tags": func(c *Client) error {
				_, _, err := c.Customers.Create(ctx, &CustomerRequest{Email: "a@example.com", Tags: []string{text}})
				return err
			},
			`CustomFields["x"]`: func(c *Client) error {
				_, _, err := c.Customers.Create(ctx, &CustomerRequest{Email: "a@example.com", CustomFields: map[string]string{"x": text}})
				return err
			},
			"Title": func(c *Client) error {
				_, _, err := c.Events.Create(ctx, &EventRequest{Title: text, From: okFrom, To: okTo})
				return err
			},
			"Description": func(c *Client) error {
				_, _, err := c.Transactions.Create(ctx, &TransactionRequest{OrderID: "A", Status: "S", Total: decimal.NewFromInt(1), Description: text})
				return err
			},
		}
		for field, call := range calls {
			t.Run(field+" "+text, func(t *testing.T) {
				t.Parallel()
				env, sent := setupNothingSent(t)
				err := call(env.client)
				require.ErrorIs(t, err, ErrInvalidInput)
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, field, ve.Field)
				assert.Contains(t, ve.Reason, "would read back as it")
				assert.Zero(t, sent.Load())
			})
		}
	}
	// Ampersands and other references are fine.
	env := setup(t)
	serveWire(env, http.MethodPost, "create_customer", echoResponder)
	c, _, err := env.client.Customers.Create(ctx, &CustomerRequest{Email: "a@example.com", FirstName: "A & B &#233; &amp; &#x1F600"})
	require.NoError(t, err)
	assert.Equal(t, "A & B &#233; &amp; &#x1F600", c.FirstName)
}
