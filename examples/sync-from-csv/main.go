// Command sync-from-csv syncs contacts from a CSV file into Jetpack CRM
// with Customers.Sync and prints how many were created, updated, left
// unchanged and failed, with a line per failure.
//
//	go run ./examples/sync-from-csv contacts.csv
//
// The first row names the columns: email (required), fname, lname, status,
// prefix, addr1, addr2, city, county, postcode, country, hometel, worktel,
// mobtel, tags (separated by ";"); any other column is a custom field slug.
// Existing contacts are merged (the fields the file does not have are kept)
// and written only when the file changes them; new ones are created. Run it
// twice on the same file: the second run writes nothing.
//
// It uses JCRM_URL, JCRM_API_KEY and JCRM_API_SECRET when set; otherwise it
// runs against the in-memory fake Jetpack CRM, seeded with a few contacts,
// and with no file argument it syncs a small built-in sample.
package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

const sample = `email,fname,lname,city,tags,favourite-colour
grace.lovelace.1@example.com,Grace,Hopper,Arlington,navy;cobol,blue
new.person@example.com,New,Person,Leeds,,green
not-an-email,Bad,Row,Nowhere,,
ada@example.com,Ada,Lovelace,London,vip,
`

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sync-from-csv:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	c, done, err := connect(out)
	if err != nil {
		return err
	}
	defer done()

	var in io.Reader = strings.NewReader(sample)
	fromSample := len(args) == 0
	if !fromSample {
		f, err := os.Open(args[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	} else {
		fmt.Fprintln(out, "No file given: syncing the built-in sample (its third row is bad on purpose).")
	}
	requests, lines, err := readCSV(in)
	if err != nil {
		return err
	}
	results, err := c.Customers.Sync(ctx, requests, jetpackcrm.SyncOptions{Concurrency: 4})
	if err != nil {
		return err
	}
	counts := map[jetpackcrm.BulkOutcome]int{}
	for _, r := range results {
		counts[r.Outcome]++
		if r.Err != nil {
			fmt.Fprintf(out, "line %d: %v\n", lines[r.Index], r.Err)
		}
	}
	fmt.Fprintf(out, "created %d, updated %d, unchanged %d, failed %d\n", counts[jetpackcrm.BulkCreated], counts[jetpackcrm.BulkUpdated],
		counts[jetpackcrm.BulkUnchanged], counts[jetpackcrm.BulkFailed])
	if counts[jetpackcrm.BulkFailed] > 0 && !fromSample {
		return errors.New("some rows failed")
	}
	return nil
}

// readCSV turns each data row into a request; lines[i] is request i's line
// number in the file, for messages.
func readCSV(in io.Reader) ([]*jetpackcrm.CustomerRequest, []int, error) {
	r := csv.NewReader(in)
	header, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("reading the header: %w", err)
	}
	var requests []*jetpackcrm.CustomerRequest
	var lines []int
	for line := 2; ; line++ {
		row, err := r.Read()
		if err == io.EOF {
			return requests, lines, nil
		}
		if err != nil {
			return nil, nil, err
		}
		req := &jetpackcrm.CustomerRequest{}
		for i, col := range header {
			if i < len(row) {
				setField(req, strings.ToLower(strings.TrimSpace(col)), strings.TrimSpace(row[i]))
			}
		}
		requests = append(requests, req)
		lines = append(lines, line)
	}
}

func setField(req *jetpackcrm.CustomerRequest, col, v string) {
	if v == "" {
		return
	}
	fields := map[string]*string{
		"email": &req.Email, "status": &req.Status, "prefix": &req.Prefix, "fname": &req.FirstName, "lname": &req.LastName,
		"addr1": &req.Address.Line1, "addr2": &req.Address.Line2, "city": &req.Address.City, "county": &req.Address.County,
		"postcode": &req.Address.Postcode, "country": &req.Address.Country,
		"hometel": &req.HomePhone, "worktel": &req.WorkPhone, "mobtel": &req.MobilePhone,
	}
	switch dst, ok := fields[col]; {
	case ok:
		*dst = v
	case col == "tags":
		for _, t := range strings.Split(v, ";") {
			if t = strings.TrimSpace(t); t != "" {
				req.Tags = append(req.Tags, t)
			}
		}
	default:
		if req.CustomFields == nil {
			req.CustomFields = map[string]string{}
		}
		req.CustomFields[col] = v
	}
}

func connect(out io.Writer) (*jetpackcrm.Client, func(), error) {
	if site := os.Getenv("JCRM_URL"); site != "" {
		c, err := jetpackcrm.NewClient(site, os.Getenv("JCRM_API_KEY"), os.Getenv("JCRM_API_SECRET"))
		return c, func() {}, err
	}
	srv := jetpackcrmtest.NewServer(jetpackcrmtest.WithContactCustomFields("favourite-colour"))
	srv.SeedContacts(3)
	fmt.Fprintf(out, "JCRM_URL is not set: using the in-memory fake Jetpack CRM at %s\n", srv.URL)
	return srv.Client(), srv.Close, nil
}
