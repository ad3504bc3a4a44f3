// Command quickstart is a tour of the Jetpack CRM API through the SDK:
// status, create-or-update, a partial update that blanks nothing, search, a
// page of contacts, iterating over all of them, a transaction and an event.
//
// With JCRM_URL, JCRM_API_KEY and JCRM_API_SECRET set it talks to that site
// (and writes a few records to it); otherwise it starts the in-memory fake
// Jetpack CRM from package jetpackcrmtest and says so.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
	"github.com/shopspring/decimal"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	c, closeFake, err := connect(out)
	if err != nil {
		return err
	}
	defer closeFake()

	st, _, err := c.Status(ctx)
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	fmt.Fprintf(out, "Connected: %s (CRM %s, database %s)\n\n", st.Status, st.CRMVersion, st.DBVersion)

	// A unique email, so the tour can run again on the same site.
	stamp := time.Now().UTC().Format("20060102T150405.000")
	email := "quickstart-" + stamp + "@example.com"

	created, _, err := c.Customers.Create(ctx, &jetpackcrm.CustomerRequest{
		Email:       email,
		Status:      "Lead",
		FirstName:   "Ada",
		LastName:    "Lovelace",
		MobilePhone: "07700 900123",
		Address:     jetpackcrm.Address{Line1: "12 St James Square", City: "London", Country: "United Kingdom"},
		Tags:        []string{"quickstart"},
	})
	if err != nil {
		return fmt.Errorf("create contact: %w", err)
	}
	fmt.Fprintf(out, "1. Created contact #%d %s %s <%s>\n", created.ID, created.FirstName, created.LastName, email)

	// Customers.Create on an existing email would blank every field not sent.
	// Update reads the contact, merges and writes the whole record back.
	updated, _, err := c.Customers.Update(ctx, email, &jetpackcrm.CustomerRequest{Status: "Customer", Address: jetpackcrm.Address{City: "Marylebone"}})
	if err != nil {
		return fmt.Errorf("update contact: %w", err)
	}
	fmt.Fprintf(out, "2. Updated city and status without blanking: %s %s, %s, %s, mobile %s\n",
		updated.FirstName, updated.LastName, updated.Address.City, updated.Status, updated.MobilePhone)

	got, _, err := c.Customers.GetByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("get by email: %w", err)
	}
	fmt.Fprintf(out, "3. Read back by email: #%d %s %s, %s, %s, mobile %s\n", got.ID, got.FirstName, got.LastName, got.Address.City, got.Status, got.MobilePhone)

	found, _, err := c.Customers.Search(ctx, "Lovelace", &jetpackcrm.ListOptions{PerPage: 5})
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	fmt.Fprintf(out, "4. Search \"Lovelace\": %d match(es) on the first page\n", len(found))

	page, resp, err := c.Customers.List(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{Page: 1, PerPage: 3}, WithTags: true})
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	fmt.Fprintf(out, "5. First page of contacts (%d per page, next page %d):\n", resp.PerPage, resp.NextPage)
	for _, p := range page {
		fmt.Fprintf(out, "   #%-4d %-40s %s\n", p.ID, p.Email, p.Status)
	}

	total := 0
	for _, err := range c.Customers.All(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 50}}) {
		if err != nil {
			return fmt.Errorf("iterate: %w", err)
		}
		total++
	}
	fmt.Fprintf(out, "6. Iterated over all contacts: %d\n", total)

	tx, _, err := c.Transactions.Create(ctx, &jetpackcrm.TransactionRequest{
		OrderID:  "QS-" + stamp,
		Email:    email,
		Status:   "Succeeded",
		Total:    decimal.RequireFromString("149.99"),
		Title:    "Annual plan",
		Currency: "GBP",
		Date:     time.Now(),
	})
	if err != nil {
		return fmt.Errorf("create transaction: %w", err)
	}
	fmt.Fprintf(out, "7. Transaction #%d %s for %s %s\n", tx.ID, tx.OrderID, tx.Total.StringFixed(2), tx.Currency)

	start := time.Now().Add(24 * time.Hour).Truncate(time.Hour)
	ev, _, err := c.Events.Create(ctx, &jetpackcrm.EventRequest{
		Title:      "Call Ada about renewal",
		From:       start,
		To:         start.Add(time.Hour),
		CustomerID: created.ID,
		Notes:      "Created by the quickstart",
		Remind24h:  true,
	})
	if err != nil {
		return fmt.Errorf("create event: %w", err)
	}
	fmt.Fprintf(out, "8. Task #%d %q, complete=%v\n", ev.ID, ev.Title, ev.Complete)

	_, _, err = c.Webhooks.Send(ctx, "no_such_action", nil)
	var apiErr *jetpackcrm.APIError
	if errors.As(err, &apiErr) {
		fmt.Fprintf(out, "9. An unknown webhook action is refused: HTTP %d %s\n", apiErr.StatusCode, apiErr.Status)
	}
	fmt.Fprintln(out, "\nDone.")
	return nil
}

// connect uses the site named in the environment, or starts the fake.
func connect(out io.Writer) (*jetpackcrm.Client, func(), error) {
	site, key, secret := os.Getenv("JCRM_URL"), os.Getenv("JCRM_API_KEY"), os.Getenv("JCRM_API_SECRET")
	if site != "" {
		c, err := jetpackcrm.NewClient(site, key, secret)
		if err != nil {
			return nil, nil, err
		}
		fmt.Fprintf(out, "Using the Jetpack CRM site at %s\n", site)
		return c, func() {}, nil
	}
	srv := jetpackcrmtest.NewServer()
	srv.SeedContacts(5)
	fmt.Fprintf(out, "JCRM_URL is not set: using the in-memory fake Jetpack CRM at %s\n", srv.URL)
	return srv.Client(), srv.Close, nil
}
