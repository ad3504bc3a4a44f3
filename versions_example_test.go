package jetpackcrm_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// The release decides what a Client can ask for: here a 6.6.1 site, which
// takes an order on its lists and filters companies.
func ExampleClient_Features() {
	srv := jetpackcrmtest.NewServer(jetpackcrmtest.WithCRMVersion("6.6.1"))
	defer srv.Close()
	c := srv.Client()

	f, err := c.Features(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("Jetpack CRM", f.Version)
	for _, line := range f.Enabled() {
		fmt.Println("-", line)
	}
	// Output:
	// Jetpack CRM 6.6.1
	// - order=ASC|DESC on the events, transactions, quotes, invoices and contact search lists
	// - companies filters: search, owner, with invoices, quotes and transactions
}

// Newest transactions first, where the release can list them so; on
// Jetpack CRM 6.4 the SDK refuses before sending.
func ExampleListOptions_order() {
	for _, v := range []string{"6.6.1", "6.4.4"} {
		srv := jetpackcrmtest.NewServer(jetpackcrmtest.WithCRMVersion(v))
		for _, ref := range []string{"A-1", "A-2", "A-3"} {
			if _, err := srv.SeedTransaction(jetpackcrmtest.Transaction{OrderID: ref, Status: "Paid", Total: "10.00", FromAPI: true}); err != nil {
				panic(err)
			}
		}
		c := srv.Client()
		list, _, err := c.Transactions.List(context.Background(), &jetpackcrm.ListOptions{Order: jetpackcrm.Descending, PerPage: 2})
		switch {
		case errors.Is(err, jetpackcrm.ErrInvalidInput):
			fmt.Println(v+":", "refused:", err)
		case err != nil:
			fmt.Println(err)
		default:
			fmt.Println(v+":", list[0].OrderID, list[1].OrderID)
		}
		srv.Close()
	}
	// Output:
	// 6.6.1: A-3 A-2
	// 6.4.4: refused: jetpackcrm: Transactions.List: invalid input: Order: Jetpack CRM 6.4.3 (the site's crm_version) ignores order on transactions and lists them in no defined order, not newest first; order=ASC|DESC needs Jetpack CRM 6.5.0 or later
}

// Companies owned by one user, with their transactions (Jetpack CRM 6.6.0
// and later).
func ExampleCompaniesService_ListFiltered() {
	srv := jetpackcrmtest.NewServer(jetpackcrmtest.WithCRMVersion("6.6.1"))
	defer srv.Close()
	acme, err := srv.SeedCompany(jetpackcrmtest.Company{Name: "Acme", Email: "hello@acme.example", Owner: 1})
	if err != nil {
		panic(err)
	}
	if _, err := srv.SeedCompany(jetpackcrmtest.Company{Name: "Other", Email: "hi@other.example"}); err != nil {
		panic(err)
	}
	if _, err := srv.SeedTransaction(jetpackcrmtest.Transaction{OrderID: "ACME-1", Status: "Paid", Total: "99.00", CompanyID: acme.ID, FromAPI: true}); err != nil {
		panic(err)
	}
	c := srv.Client()
	list, _, err := c.Companies.ListFiltered(context.Background(), &jetpackcrm.CompanyListOptions{Owner: 1, WithTransactions: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, co := range list {
		fmt.Println(co.Name, len(co.Transactions), co.Transactions[0].OrderID)
	}
	// Output:
	// Acme 1 ACME-1
}
