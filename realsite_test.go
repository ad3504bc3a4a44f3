package jetpackcrm_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/internal/realsite"
)

// TestRealSiteTour runs the whole API against every real Jetpack CRM site
// the environment names (see internal/realsite), and skips without one.
// It writes records with unique emails and order ids, so it can run again
// on the same site (the CRM must run in B2B mode for companies).
// JCRM_WEBHOOK_ACTION names a registered webhook action to send (optional:
// stock Jetpack CRM registers none without WooCommerce).
func TestRealSiteTour(t *testing.T) {
	realsite.Each(t, testRealSiteTour)
}

func testRealSiteTour(t *testing.T, s realsite.Site) {
	site, key, secret := s.URL, s.APIKey, s.APISecret
	t.Parallel()
	noSecret := func(err error) {
		t.Helper()
		if err != nil {
			assert.NotContains(t, err.Error(), secret)
			assert.NotContains(t, fmt.Sprintf("%+v", err), secret)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var opts []jetpackcrm.Option
	if strings.HasPrefix(site, "http://") {
		opts = append(opts, jetpackcrm.WithInsecureHTTP()) // a test site on a private network
	}
	c, err := jetpackcrm.NewClient(site, key, secret, opts...)
	require.NoError(t, err)

	// status
	st, _, err := c.Status(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, st.CRMVersion)
	assert.NotEmpty(t, st.DBVersion)
	full, _, err := c.StatusFull(ctx)
	require.NoError(t, err)
	assert.Contains(t, full.Modules, "api")
	assert.NotNil(t, full.Extensions)

	stamp := time.Now().UTC().Format("20060102150405.000000")
	email := fmt.Sprintf("sdk-tour-%s@example.com", stamp)

	// create_customer, then Update's read-merge-write, then customer_search
	created, _, err := c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{
		Email: email, Status: "Lead", FirstName: "Tour", LastName: "Guide",
		Address: jetpackcrm.Address{Line1: "1 Test Street", City: "Testville"}, MobilePhone: "0700 000000",
		Tags: []string{"sdk-tour"},
	})
	require.NoError(t, err)
	require.Positive(t, created.ID)

	updated, _, err := c.Customers.Update(ctx, email, &jetpackcrm.CustomerRequest{Address: jetpackcrm.Address{City: "Newtown"}})
	require.NoError(t, err)
	assert.Equal(t, created.ID, updated.ID)
	assert.Equal(t, "Guide", updated.LastName)

	got, _, err := c.Customers.GetByEmail(ctx, email)
	require.NoError(t, err)
	assert.Equal(t, created.ID, got.ID)
	assert.Equal(t, "Newtown", got.Address.City, "the update changed the city")
	assert.Equal(t, "Guide", got.LastName, "the update blanked nothing")
	assert.Equal(t, "1 Test Street", got.Address.Line1)
	assert.Equal(t, "0700 000000", got.MobilePhone)
	assert.Equal(t, "Lead", got.Status)
	tags := []string{}
	for _, tg := range got.Tags {
		tags = append(tags, tg.Name)
	}
	assert.Contains(t, tags, "sdk-tour", "the update kept the tags")

	_, _, err = c.Customers.GetByEmail(ctx, "nobody-"+stamp+"@example.com")
	assert.ErrorIs(t, err, jetpackcrm.ErrNotFound)
	noSecret(err)

	found, _, err := c.Customers.Search(ctx, email, nil)
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, created.ID, found[0].ID)

	// customers
	page, resp, err := c.Customers.List(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 2}, WithTags: true})
	require.NoError(t, err)
	assert.LessOrEqual(t, len(page), 2)
	assert.Equal(t, 1, resp.Page)
	assert.Equal(t, 2, resp.PerPage)

	// Pages of 500, stopping at the new record: the shared sites hold
	// thousands of records, which pages of 50 took minutes to walk.
	big := jetpackcrm.ListOptions{PerPage: 500}
	seen, hit := map[int64]bool{}, false
	for cu, err := range c.Customers.All(ctx, &jetpackcrm.CustomerListOptions{ListOptions: big}) {
		require.NoError(t, err)
		assert.False(t, seen[cu.ID], "contact %d yielded twice", cu.ID)
		seen[cu.ID] = true
		if hit = cu.ID == created.ID; hit {
			break
		}
	}
	assert.True(t, hit, "the new contact is in the walk of %d", len(seen))

	// create_company, companies (B2B mode)
	co, _, err := c.Companies.Create(ctx, &jetpackcrm.CompanyRequest{Name: "SDK Tour " + stamp, Email: "co-" + email})
	require.NoError(t, err)
	require.Positive(t, co.ID)
	var listed *jetpackcrm.Company
	for x, err := range c.Companies.All(ctx, &big) {
		require.NoError(t, err)
		if x.ID == co.ID {
			listed = x
			break
		}
	}
	require.NotNil(t, listed, "the new company is listed")
	assert.Equal(t, "SDK Tour "+stamp, listed.Name)
	assert.Equal(t, "co-"+email, listed.Email)

	// create_transaction, transactions
	total := decimal.RequireFromString("12.34")
	when := time.Now().Truncate(time.Second)
	tx, _, err := c.Transactions.Create(ctx, &jetpackcrm.TransactionRequest{
		OrderID: "SDK-" + stamp, Email: email, Status: "Succeeded", Total: total,
		Title: "SDK tour", Currency: "USD", Date: when,
	})
	require.NoError(t, err)
	require.Positive(t, tx.ID)
	var stored *jetpackcrm.Transaction
	for x, err := range c.Transactions.All(ctx, &big) {
		require.NoError(t, err)
		if x.ID == tx.ID {
			stored = x
			break
		}
	}
	require.NotNil(t, stored, "the new transaction is listed")
	assert.Equal(t, "SDK-"+stamp, stored.OrderID)
	assert.True(t, total.Equal(stored.Total), "total %s", stored.Total)
	assert.Equal(t, "SDK tour", stored.Title)
	assert.True(t, when.Equal(stored.Date), "date %v, want %v", stored.Date, when)

	// create_event, events
	start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
	ev, _, err := c.Events.Create(ctx, &jetpackcrm.EventRequest{Title: "SDK tour " + stamp, From: start, To: start.Add(time.Hour),
		CustomerID: created.ID, Remind24h: true})
	require.NoError(t, err)
	require.Positive(t, ev.ID)
	var mine *jetpackcrm.Event
	for e, err := range c.Events.All(ctx, &jetpackcrm.EventListOptions{ListOptions: big}) {
		require.NoError(t, err)
		if e.ID == ev.ID {
			mine = e
			break
		}
	}
	require.NotNil(t, mine, "the new event is listed")
	assert.False(t, mine.Complete, "complete is always sent, so a new task is not done")
	assert.True(t, mine.Start.Equal(start), "start %v, want %v", mine.Start, start)
	assert.True(t, mine.End.Equal(start.Add(time.Hour)), "end %v", mine.End)
	require.NotNil(t, mine.Contact, "the linked contact is embedded")
	assert.Equal(t, email, mine.Contact.Email)
	assert.Len(t, mine.Reminders, 1)

	// The site answers an update of a missing ID with success and stores
	// nothing: the SDK looks the event up first.
	_, _, err = c.Events.Create(ctx, &jetpackcrm.EventRequest{ID: 1 << 40, Title: "no such event", From: start, To: start})
	assert.ErrorIs(t, err, jetpackcrm.ErrNotFound, "a nonexistent id is refused before writing")
	noSecret(err)

	// quotes, invoices (the API cannot create them)
	for q, err := range c.Quotes.All(ctx, nil) {
		require.NoError(t, err)
		assert.Positive(t, q.ID)
	}
	for inv, err := range c.Invoices.All(ctx, nil) {
		require.NoError(t, err)
		assert.Positive(t, inv.ID)
	}

	// webhook
	if action := os.Getenv("JCRM_WEBHOOK_ACTION"); action != "" {
		res, _, err := c.Webhooks.Send(ctx, action, map[string]any{"from": "sdk"})
		require.NoError(t, err)
		assert.True(t, res.Success)
	}
	_, _, err = c.Webhooks.Send(ctx, "sdk_tour_no_such_action_"+strings.ReplaceAll(stamp, ".", "_"), nil)
	var apiErr *jetpackcrm.APIError
	require.True(t, errors.As(err, &apiErr), "%v", err)
	assert.ErrorIs(t, err, jetpackcrm.ErrBadRequest)
	assert.Equal(t, 400, apiErr.StatusCode)
	assert.Equal(t, "Invalid webhook request", apiErr.Status)
	noSecret(err)

	// wrong credentials
	bad, err := jetpackcrm.NewClient(site, key, secret+"x", opts...)
	require.NoError(t, err)
	_, _, err = bad.Status(ctx)
	assert.ErrorIs(t, err, jetpackcrm.ErrUnauthorized)
	noSecret(err)
	assert.NotContains(t, err.Error(), key)
}
