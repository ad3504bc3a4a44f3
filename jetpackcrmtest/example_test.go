package jetpackcrmtest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

func ExampleNewServer() {
	srv := jetpackcrmtest.NewServer()
	defer srv.Close()

	q := url.Values{"api_key": {srv.APIKey}, "api_secret": {srv.APISecret}}
	resp, err := http.Post(srv.URL+"/zbs_api/create_customer/?"+q.Encode(), "application/json",
		strings.NewReader(`{"email":"ada@example.com","fname":"Ada","postcode":90210}`))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))

	c, _ := srv.ContactByEmail("ada@example.com")
	fmt.Println(c.ID, c.FirstName, c.Address.Postcode, c.Status)
	// Output:
	// 200 {"email":"ada@example.com","fname":"Ada","postcode":90210,"id":1}
	// 1 Ada 90210 Lead
}

func ExampleServer_Client() {
	srv := jetpackcrmtest.NewServer()
	defer srv.Close()
	srv.SeedContacts(3)

	client := srv.Client()
	page, _, err := client.Customers.List(context.Background(), &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 2}})
	if err != nil {
		panic(err)
	}
	for _, c := range page {
		fmt.Println(c.ID, c.Email)
	}
	// Output:
	// 1 grace.lovelace.1@example.com
	// 2 alan.lovelace.2@example.com
}

func ExampleServer_InjectSchedule() {
	srv := jetpackcrmtest.NewServer()
	defer srv.Close()
	// The first status call hits maintenance mode, the second gets through.
	srv.InjectSchedule("status", jetpackcrmtest.Fault503, jetpackcrmtest.FaultNone)

	status := srv.URL + "/zbs_api/status/?" + url.Values{"api_key": {srv.APIKey}, "api_secret": {srv.APISecret}}.Encode()
	for i := 0; i < 2; i++ {
		resp, err := http.Get(status)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Printf("%d Retry-After=%q\n", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	fmt.Println(srv.FaultCount(jetpackcrmtest.Fault503))
	// Output:
	// 503 Retry-After="1"
	// 200 Retry-After=""
	// 1
}

func ExampleServer_SeedInvoice() {
	srv := jetpackcrmtest.NewServer()
	defer srv.Close()
	ada, _ := srv.SeedContact(jetpackcrmtest.Contact{Email: "ada@example.com"})
	inv, _ := srv.SeedInvoice(jetpackcrmtest.Invoice{
		IDOverride: "INV-0001",
		Status:     "Unpaid",
		ContactID:  ada.ID,
		Total:      "1440",
		LineItems:  []jetpackcrmtest.LineItem{{Title: "Consulting", Quantity: "2", Price: "720"}},
	})
	fmt.Println(inv.ID, inv.LineItems[0].ID, len(inv.Hash))
	// Output: 1 1 19
}
