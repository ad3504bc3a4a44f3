package main

import (
	"fmt"
	"net"
	"time"

	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
	"github.com/spf13/cobra"
)

// fakeOptions are the flags of the fake command.
type fakeOptions struct {
	addr         string
	seedContacts int
	demo         bool
	key, secret  string
	customFields []string
}

func newFakeCmd(a *app) *cobra.Command {
	var o fakeOptions
	cmd := &cobra.Command{
		Use:   "fake",
		Short: "Serve an in-memory fake Jetpack CRM on a loopback port, for trying jpcrm",
		Long: `Serve the in-memory fake Jetpack CRM of package jetpackcrmtest (the one the SDK
is tested against) on a loopback address, and print its URL and the API key
and secret to use, as export lines for the JCRM_* variables. It serves until
interrupted (Ctrl-C). All data lives in memory and is lost on exit.

The fake answers like a Jetpack CRM 6.4.4 site, quirks included: upserts
blank the fields they are not sent, unknown custom-field slugs are ignored.`,
		Example: `  jpcrm fake --seed-contacts 25 --demo
  eval "$(jpcrm fake --addr 127.0.0.1:8089 | grep ^export)"  # in another shell: copy the export lines`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runFake(cmd, &o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8089", "loopback address to listen on (port 0: any free port)")
	f.IntVar(&o.seedContacts, "seed-contacts", 0, "number of generated contacts to start with")
	f.BoolVar(&o.demo, "demo", false, "also seed a company, quotes, invoices, transactions and a task")
	f.StringVar(&o.key, "key", "", "API key to accept (default: a random jpcrm_pk_...)")
	f.StringVar(&o.secret, "secret", "", "API secret to accept (default: a random jpcrm_sk_...)")
	f.StringSliceVar(&o.customFields, "custom-fields", nil, "contact custom-field slugs the fake CRM has, comma-separated")
	return cmd
}

func (a *app) runFake(cmd *cobra.Command, o *fakeOptions) error {
	if o.seedContacts < 0 {
		return usageErrorf("--seed-contacts must not be negative, got %d", o.seedContacts)
	}
	host, _, err := net.SplitHostPort(o.addr)
	if err != nil {
		return usageErrorf("--addr %q: %v", o.addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usageErrorf("--addr %q is not a loopback address: the fake has no TLS and prints its secret", o.addr)
	}
	opts := []jetpackcrmtest.Option{jetpackcrmtest.WithCredentials(o.key, o.secret)}
	if len(o.customFields) > 0 {
		opts = append(opts, jetpackcrmtest.WithContactCustomFields(o.customFields...))
	}
	srv := jetpackcrmtest.NewUnstartedServer(opts...)
	if err := srv.Start(o.addr); err != nil {
		return fmt.Errorf("cannot listen on %s: %w", o.addr, err)
	}
	defer srv.Close()
	srv.SeedContacts(o.seedContacts)
	if o.demo {
		if err := seedDemo(srv); err != nil {
			return err
		}
	}
	counts := srv.Counts()
	w := a.stdout
	fmt.Fprintf(w, "Fake Jetpack CRM listening on %s (%d contacts)\n", srv.URL, counts.Contacts)
	fmt.Fprintf(w, "URL:        %s\n", srv.URL)
	fmt.Fprintf(w, "API key:    %s\n", srv.APIKey)
	fmt.Fprintf(w, "API secret: %s\n", srv.APISecret)
	fmt.Fprintln(w, "\nIn another shell:")
	fmt.Fprintf(w, "export %s=%s\n", envURL, srv.URL)
	fmt.Fprintf(w, "export %s=%s\n", envKey, srv.APIKey)
	fmt.Fprintf(w, "export %s=%s\n", envSecret, srv.APISecret)
	fmt.Fprintln(w, "\nServing until interrupted (Ctrl-C); the data is lost on exit.")
	<-cmd.Context().Done()
	fmt.Fprintln(a.stderr, "stopping the fake CRM")
	return nil
}

// seedDemo adds a little of everything the API can list, with fixed
// dates, so that every jpcrm command has something to show.
func seedDemo(srv *jetpackcrmtest.Server) error {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	co, err := srv.SeedCompany(jetpackcrmtest.Company{
		Name: "Analytical Engines Ltd", Email: "info@engines.example", Status: "Customer",
		Address: jetpackcrmtest.Address{City: "London", Country: "UK"}, MainPhone: "+44 20 7946 0000",
	})
	if err != nil {
		return err
	}
	ada, err := srv.SeedContact(jetpackcrmtest.Contact{
		Email: "ada@engines.example", FirstName: "Ada", LastName: "Lovelace", Status: "Customer",
		Address: jetpackcrmtest.Address{City: "London"}, CompanyID: co.ID,
	})
	if err != nil {
		return err
	}
	for _, q := range []jetpackcrmtest.Quote{
		{IDOverride: "Q-0001", Title: "Difference Engine No. 2", Currency: "GBP", Value: "17470.00", Date: day(1, 12), Status: jetpackcrmtest.QuoteAccepted, Accepted: day(1, 20), ContactID: ada.ID},
		{IDOverride: "Q-0002", Title: "Analytical Engine (design)", Currency: "GBP", Value: "4250.50", Date: day(2, 3), Status: jetpackcrmtest.QuotePublished, ContactID: ada.ID},
	} {
		if _, err := srv.SeedQuote(q); err != nil {
			return err
		}
	}
	for _, inv := range []jetpackcrmtest.Invoice{
		{IDOverride: "INV-0001", Status: "Paid", Currency: "GBP", Net: "1200.00", Tax: "240.00", Total: "1440.00", Date: day(1, 21), DueDate: day(2, 20), PaidDate: day(2, 1), ContactID: ada.ID},
		{IDOverride: "INV-0002", Status: "Unpaid", Currency: "GBP", Net: "500.00", Tax: "100.00", Total: "600.00", Date: day(2, 10), DueDate: day(3, 12), ContactID: ada.ID},
	} {
		if _, err := srv.SeedInvoice(inv); err != nil {
			return err
		}
	}
	for _, t := range []jetpackcrmtest.Transaction{
		{OrderID: "WC-1001", Status: "Succeeded", Type: "Sale", Title: "Punched cards (box)", Currency: "GBP", Net: "124.99", Tax: "25.00", Total: "149.99", Date: day(1, 22), ContactID: ada.ID, FromAPI: true},
		{OrderID: "WC-1002", Status: "Refunded", Type: "Sale", Title: "Brass gears", Currency: "GBP", Total: "35.00", Date: day(2, 14), ContactID: ada.ID, FromAPI: true},
	} {
		if _, err := srv.SeedTransaction(t); err != nil {
			return err
		}
	}
	_, err = srv.SeedEvent(jetpackcrmtest.Event{
		Title: "Call Ada about the engine", Description: "Bring the notes.",
		Start: day(3, 2).Add(10 * time.Hour), End: day(3, 2).Add(11 * time.Hour), ContactID: ada.ID,
	})
	return err
}
