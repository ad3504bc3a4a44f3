// Command export writes every contact of a Jetpack CRM to standard output,
// as JSON lines (the default) or CSV, walking all pages with
// Customers.All.
//
//	go run ./examples/export            # JSON lines
//	go run ./examples/export -format csv
//
// It uses JCRM_URL, JCRM_API_KEY and JCRM_API_SECRET when set; otherwise it
// exports from the in-memory fake Jetpack CRM seeded with 25 contacts (the
// note about it goes to standard error, so standard output stays clean).
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

func main() {
	format := flag.String("format", "jsonl", "output format: jsonl or csv")
	perPage := flag.Int("per-page", 100, "contacts per request")
	flag.Parse()
	if err := run(context.Background(), *format, *perPage, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "export:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, format string, perPage int, out, diag io.Writer) error {
	if format != "jsonl" && format != "csv" {
		return fmt.Errorf("unknown format %q (want jsonl or csv)", format)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	c, done, err := connect(diag)
	if err != nil {
		return err
	}
	defer done()

	w := bufio.NewWriter(out)
	defer w.Flush()
	var write func(*jetpackcrm.Customer) error
	if format == "jsonl" {
		enc := json.NewEncoder(w)
		write = func(cu *jetpackcrm.Customer) error { return enc.Encode(cu) }
	} else {
		cw := csv.NewWriter(w)
		defer cw.Flush()
		if err := cw.Write([]string{"id", "email", "status", "prefix", "fname", "lname", "addr1", "addr2", "city", "county", "postcode", "country", "hometel", "worktel", "mobtel", "created"}); err != nil {
			return err
		}
		write = func(cu *jetpackcrm.Customer) error {
			created := ""
			if !cu.Created.IsZero() {
				created = cu.Created.UTC().Format(time.RFC3339)
			}
			a := cu.Address
			return cw.Write([]string{strconv.FormatInt(cu.ID, 10), cu.Email, cu.Status, cu.Prefix, cu.FirstName, cu.LastName,
				a.Line1, a.Line2, a.City, a.County, a.Postcode, a.Country, cu.HomePhone, cu.WorkPhone, cu.MobilePhone, created})
		}
	}
	n := 0
	for cu, err := range c.Customers.All(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: perPage}}) {
		if err != nil {
			return err
		}
		if err := write(cu); err != nil {
			return err
		}
		n++
	}
	fmt.Fprintf(diag, "exported %d contacts\n", n)
	return nil
}

func connect(diag io.Writer) (*jetpackcrm.Client, func(), error) {
	if site := os.Getenv("JCRM_URL"); site != "" {
		c, err := jetpackcrm.NewClient(site, os.Getenv("JCRM_API_KEY"), os.Getenv("JCRM_API_SECRET"))
		return c, func() {}, err
	}
	srv := jetpackcrmtest.NewServer()
	srv.SeedContacts(25)
	fmt.Fprintf(diag, "JCRM_URL is not set: exporting from the in-memory fake Jetpack CRM at %s\n", srv.URL)
	return srv.Client(), srv.Close, nil
}
