package jetpackcrm_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// exampleSite starts the SDK's own fake Jetpack CRM (package
// jetpackcrmtest), which answers as the real sites do, holding five
// contacts: Ada Lovelace (ID 1, a Lead in London, tagged vip) and four
// others. Real programs pass their site's address and the API key and
// secret from CRM > Settings > API.
func exampleSite() *jetpackcrmtest.Server {
	site := jetpackcrmtest.NewServer(jetpackcrmtest.WithCredentials("example-key", "example-secret"))
	seed := []jetpackcrmtest.Contact{{Email: "ada.lovelace@example.com", Status: "Lead", FirstName: "Ada", LastName: "Lovelace",
		Address: jetpackcrmtest.Address{City: "London"}, MobilePhone: "07700 900123", Tags: []string{"vip"}}}
	for _, name := range []string{"grace.hopper", "linus.torvalds", "alan.turing", "katherine.johnson"} {
		seed = append(seed, jetpackcrmtest.Contact{Email: name + "@example.com", Status: "Lead"})
	}
	for _, c := range seed {
		if _, err := site.SeedContact(c); err != nil {
			panic(err)
		}
	}
	return site
}

// A Client is made once per site, with the API key and secret from
// CRM > Settings > API, and shared by every goroutine.
func ExampleNewClient() {
	site := exampleSite()
	defer site.Close()

	client, err := jetpackcrm.NewClient(site.URL, "example-key", "example-secret",
		jetpackcrm.WithUserAgent("shop-sync/1.0"),
		jetpackcrm.WithRetryPolicy(jetpackcrm.RetryPolicy{MaxRetries: 3}),
	)
	if err != nil {
		fmt.Println("bad configuration:", err)
		return
	}
	status, _, err := client.Status(context.Background())
	if err != nil {
		fmt.Println("cannot connect:", err)
		return
	}
	fmt.Println(status.Status, "to Jetpack CRM", status.CRMVersion)

	// Plain http to another machine would send the secret in clear text.
	_, err = jetpackcrm.NewClient("http://crm.example.com", "example-key", "example-secret")
	fmt.Println(err != nil)
	// Output:
	// Successful Connection to Jetpack CRM 6.4.3
	// true
}

// Create adds a contact, or overwrites the contact with the same email.
func ExampleCustomersService_Create() {
	site := exampleSite()
	defer site.Close()
	client, _ := jetpackcrm.NewClient(site.URL, "example-key", "example-secret")

	c, _, err := client.Customers.Create(context.Background(), &jetpackcrm.CustomerRequest{
		Email:       "ada.lovelace@example.com",
		Status:      "Lead",
		FirstName:   "Ada",
		LastName:    "Lovelace",
		Address:     jetpackcrm.Address{City: "London"},
		MobilePhone: "07700 900123",
		Tags:        []string{"vip"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.ID, c.Email, c.FirstName, c.LastName, c.Address.City)
	// Output: 1 ada.lovelace@example.com Ada Lovelace London
}

// Update changes some fields and keeps the others, which a plain Create
// (an overwrite on the server) would blank.
func ExampleCustomersService_Update() {
	site := exampleSite()
	defer site.Close()
	client, _ := jetpackcrm.NewClient(site.URL, "example-key", "example-secret")
	ctx := context.Background()

	c, _, err := client.Customers.Update(ctx, "ada.lovelace@example.com", &jetpackcrm.CustomerRequest{
		Address: jetpackcrm.Address{City: "Marylebone"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %s, %s, %s, %s, tags %s\n", c.FirstName, c.LastName, c.Address.City, c.Status, c.MobilePhone, c.Tags[0].Name)

	_, _, err = client.Customers.Update(ctx, "nobody@example.com", &jetpackcrm.CustomerRequest{FirstName: "Nobody"})
	fmt.Println(errors.Is(err, jetpackcrm.ErrNotFound))
	// Output:
	// Ada Lovelace, Marylebone, Lead, 07700 900123, tags vip
	// true
}

// All walks every page; breaking out of the loop stops it.
func ExampleCustomersService_All() {
	site := exampleSite()
	defer site.Close()
	client, _ := jetpackcrm.NewClient(site.URL, "example-key", "example-secret")

	opts := &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 2}}
	for c, err := range client.Customers.All(context.Background(), opts) {
		if err != nil {
			fmt.Println(err)
			break
		}
		fmt.Println(c.ID, c.Email)
	}
	pages := 0
	for _, r := range site.Requests() {
		if r.Endpoint == "customers" {
			pages++
		}
	}
	fmt.Println("pages of 2:", pages)
	// Output:
	// 1 ada.lovelace@example.com
	// 2 grace.hopper@example.com
	// 3 linus.torvalds@example.com
	// 4 alan.turing@example.com
	// 5 katherine.johnson@example.com
	// pages of 2: 3
}

// Transactions are keyed by order ID: sending the same OrderID again
// overwrites that transaction. Money is exact (decimal), dates are sent as
// Unix seconds.
func ExampleTransactionsService_Create() {
	site := exampleSite()
	defer site.Close()
	client, _ := jetpackcrm.NewClient(site.URL, "example-key", "example-secret")

	tx, _, err := client.Transactions.Create(context.Background(), &jetpackcrm.TransactionRequest{
		OrderID:  "ORD-1001",
		Email:    "ada.lovelace@example.com",
		Status:   "Succeeded",
		Total:    decimal.RequireFromString("149.99"),
		Title:    "Annual plan",
		Currency: "GBP",
		Date:     time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tx.ID, tx.OrderID, tx.Currency, tx.Total.StringFixed(2), tx.Date.UTC().Format(time.RFC3339))
	// Output: 1 ORD-1001 GBP 149.99 2023-11-14T22:13:20Z
}

// Events (tasks) need a title, a start and an end. Times may be in any
// zone; the SDK sends them in UTC, and always says whether the task is
// complete (the server would otherwise store it as done).
func ExampleEventsService_Create() {
	site := exampleSite()
	defer site.Close()
	client, _ := jetpackcrm.NewClient(site.URL, "example-key", "example-secret")

	newYork := time.FixedZone("EST", -5*3600)
	from := time.Date(2026, 11, 28, 22, 0, 0, 0, newYork)
	e, _, err := client.Events.Create(context.Background(), &jetpackcrm.EventRequest{
		Title:      "Call Ada about renewal",
		From:       from,
		To:         from.Add(time.Hour),
		CustomerID: 1,
		Remind24h:  true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.ID, e.Title)
	fmt.Println(e.Start.UTC().Format("2006-01-02 15:04 MST"), "to", e.End.UTC().Format("15:04 MST"))
	fmt.Println("complete:", e.Complete, "reminders:", len(e.Reminders))
	// Output:
	// 1 Call Ada about renewal
	// 2026-11-29 03:00 UTC to 04:00 UTC
	// complete: false reminders: 1
}

// Errors are matched with errors.Is and errors.As: input refused before
// sending, HTTP errors with their sentinel, and the 200 answers in which
// the CRM refused a write.
func Example_errors() {
	site := exampleSite()
	defer site.Close()
	client, _ := jetpackcrm.NewClient(site.URL, "example-key", "example-secret")
	ctx := context.Background()

	// Refused by the SDK: nothing was sent.
	_, _, err := client.Transactions.Create(ctx, &jetpackcrm.TransactionRequest{OrderID: "ORD-1", Status: "Succeeded"})
	var invalid *jetpackcrm.ValidationError
	if errors.As(err, &invalid) {
		fmt.Println("invalid input:", invalid.Field, errors.Is(err, jetpackcrm.ErrInvalidInput))
	}

	// An HTTP error: a sentinel per status, details in *APIError.
	_, _, err = client.Webhooks.Send(ctx, "no_such_action", nil)
	var apiErr *jetpackcrm.APIError
	if errors.Is(err, jetpackcrm.ErrBadRequest) && errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Status)
	}

	// HTTP 200, but the CRM refused the write: ErrRejected and its code.
	// (Contact 2 does not have this email.)
	_, _, err = client.Customers.Create(ctx, &jetpackcrm.CustomerRequest{ID: 2, Email: "ada.lovelace@example.com"})
	if errors.Is(err, jetpackcrm.ErrRejected) && errors.As(err, &apiErr) {
		fmt.Println("rejected, error", apiErr.Code)
	}
	fmt.Println(err)

	// The API answers an update of a missing event with success and stores
	// nothing: the SDK looks the event up first.
	_, _, err = client.Events.Create(ctx, &jetpackcrm.EventRequest{ID: 999, Title: "Call",
		From: time.Unix(1796115600, 0), To: time.Unix(1796119200, 0)})
	fmt.Println(errors.Is(err, jetpackcrm.ErrNotFound), err)

	// customer_search answers [] for an unknown email.
	_, _, err = client.Customers.GetByEmail(ctx, "nobody@example.com")
	fmt.Println(errors.Is(err, jetpackcrm.ErrNotFound))

	// Wrong credentials.
	bad, _ := jetpackcrm.NewClient(site.URL, "example-key", "wrong-secret")
	_, _, err = bad.Status(ctx)
	fmt.Println(errors.Is(err, jetpackcrm.ErrUnauthorized))
	// Output:
	// invalid input: Total true
	// 400 Invalid webhook request
	// rejected, error 100
	// jetpackcrm: POST create_customer: rejected by the CRM (HTTP 200, error 100)
	// true jetpackcrm: Events.Create: no event with ID 999; the server would answer success and store nothing: jetpackcrm: not found
	// true
	// true
}
