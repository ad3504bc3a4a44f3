package main

import (
	"context"
	"iter"
	"reflect"
	"strings"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/spf13/cobra"
)

// customerFields are the CSV and detail columns of contacts: see fieldSpec.
var customerFields = fieldSpec[*jetpackcrm.Customer]{
	omit:   []string{"fullname", "aliases", "invoices", "quotes", "transactions"},
	header: map[string]string{"createduts": "created", "lastcontacteduts": "lastcontacted"},
	after:  [][2]string{{"email", "id"}, {"owner", "avatar"}, {"tags", "wpid"}},
}

// customerView prints contacts. Its fields are named as the API names them,
// so an exported CSV imports back as it is.
var customerView = view[*jetpackcrm.Customer]{
	table: tableColumns([]tableColumn[*jetpackcrm.Customer]{
		{wire: "id"}, {wire: "email"}, {header: "name", get: customerName}, {wire: "status"}, {wire: "city"},
		{wire: "createduts", header: "created"},
	}),
	fields: wireColumns(customerFields),
	custom: func(c *jetpackcrm.Customer) map[string]string { return c.CustomFields },
}

func customerName(c *jetpackcrm.Customer) string {
	if c.FullName != "" {
		return c.FullName
	}
	return strings.TrimSpace(c.FirstName + " " + c.LastName)
}

// tagList joins tag names with ", " (import splits on commas).
func tagList(tags []jetpackcrm.Tag) string {
	names := make([]string, 0, len(tags))
	for _, t := range tags {
		names = append(names, t.Name)
	}
	return strings.Join(names, ", ")
}

func newCustomersCmd(a *app) *cobra.Command {
	return newGroupCmd("customers", "List, search, write, import and export contacts",
		`Contacts (the API calls them customers) are keyed by email address.`,
		newCustomersListCmd(a), newCustomersGetCmd(a), newCustomersSearchCmd(a),
		newCustomersUpsertCmd(a), newCustomersUpdateCmd(a), newImportCmd(a), newCustomersExportCmd(a))
}

func newCustomersListCmd(a *app) *cobra.Command {
	var lf listFlags
	var opts jetpackcrm.CustomerListOptions
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List contacts, one page or --all",
		Long: `List contacts in ID order: one page (--page, --per-page), or every page with
--all. --search filters by name, email, address or phone.`,
		Example: `  jpcrm customers list
  jpcrm customers list --all -o csv > contacts.csv
  jpcrm customers list --search london --with-tags -o json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := a.outputFormat(cmd, formatTable)
			if err != nil {
				return err
			}
			if err := lf.check(); err != nil {
				return err
			}
			c, err := a.apiClient()
			if err != nil {
				return err
			}
			with := func(lo jetpackcrm.ListOptions) *jetpackcrm.CustomerListOptions {
				o := opts
				o.ListOptions = lo
				return &o
			}
			return runList(a, cmd.Context(), format, &lf, "contacts", customerView,
				func(ctx context.Context, lo jetpackcrm.ListOptions) ([]*jetpackcrm.Customer, *jetpackcrm.Response, error) {
					return c.Customers.List(ctx, with(lo))
				},
				func(ctx context.Context, lo jetpackcrm.ListOptions) iter.Seq2[*jetpackcrm.Customer, error] {
					return c.Customers.All(ctx, with(lo))
				})
		},
	}
	lf.register(cmd)
	cmd.Flags().StringVar(&opts.Search, "search", "", "only contacts whose name, email, address or phone contains this")
	cmd.Flags().BoolVar(&opts.WithTags, "with-tags", false, "include each contact's tags")
	return cmd
}

func newCustomersGetCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "get EMAIL",
		Short: "Show the contact with this email address",
		Long: `Show the contact whose email (or alias) is exactly EMAIL, with its tags.
Exits with code 1 if there is none.`,
		Example:           `  jpcrm customers get ada@example.com`,
		Args:              exactArgs(1, "one EMAIL"),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := a.outputFormat(cmd, formatTable)
			if err != nil {
				return err
			}
			c, err := a.apiClient()
			if err != nil {
				return err
			}
			cust, _, err := c.Customers.GetByEmail(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return renderOne(a.stdout, format, cust, customerView)
		},
	}
}

func newCustomersSearchCmd(a *app) *cobra.Command {
	var lf listFlags
	cmd := &cobra.Command{
		Use:   "search QUERY",
		Short: "Find contacts by name, email, address or phone",
		Long: `Find contacts whose names, email, address or phone numbers contain QUERY,
case-insensitively (the API's customer_search).`,
		Example:           `  jpcrm customers search lovelace`,
		Args:              exactArgs(1, "one QUERY"),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := a.outputFormat(cmd, formatTable)
			if err != nil {
				return err
			}
			if err := lf.check(); err != nil {
				return err
			}
			c, err := a.apiClient()
			if err != nil {
				return err
			}
			return runList(a, cmd.Context(), format, &lf, "contacts match "+args[0], customerView,
				func(ctx context.Context, lo jetpackcrm.ListOptions) ([]*jetpackcrm.Customer, *jetpackcrm.Response, error) {
					return c.Customers.Search(ctx, args[0], &lo)
				},
				func(ctx context.Context, lo jetpackcrm.ListOptions) iter.Seq2[*jetpackcrm.Customer, error] {
					return c.Customers.SearchAll(ctx, args[0], &lo)
				})
		},
	}
	lf.register(cmd)
	return cmd
}

// customerFlags are the contact fields as flags, for upsert and update.
type customerFlags struct {
	req    jetpackcrm.CustomerRequest
	tags   []string
	custom []string
}

func (cf *customerFlags) register(cmd *cobra.Command) {
	f := newRequestFlags(cmd, &cf.req)
	// The email is each command's own flag; tags go through cf.tags; the
	// CRM sets id and wpid.
	f.skip("email", "tags", "id", "wpid")
	f.flag("status", "status", `status, e.g. "Lead" or "Customer"`)
	f.flag("sticky", "force-status", `apply --status even to a contact whose status is "Customer"`)
	f.flag("prefix", "prefix", "name prefix, e.g. Dr")
	f.flag("fname", "first-name", "first name")
	f.flag("lname", "last-name", "last name")
	f.flag("addr1", "addr1", "address line 1")
	f.flag("addr2", "addr2", "address line 2")
	f.flag("city", "city", "city")
	f.flag("county", "county", "county or state")
	f.flag("postcode", "postcode", "postcode")
	f.flag("country", "country", "country")
	f.flag("secaddr_addr1", "sec-addr1", "second address, line 1")
	f.flag("secaddr_addr2", "sec-addr2", "second address, line 2")
	f.flag("secaddr_city", "sec-city", "second address, city")
	f.flag("secaddr_county", "sec-county", "second address, county or state")
	f.flag("secaddr_postcode", "sec-postcode", "second address, postcode")
	f.flag("secaddr_country", "sec-country", "second address, country")
	f.flag("hometel", "home-phone", "home phone")
	f.flag("worktel", "work-phone", "work phone")
	f.flag("mobtel", "mobile-phone", "mobile phone")
	f.flag("tw", "twitter", "Twitter handle")
	f.flag("li", "linkedin", "LinkedIn")
	f.flag("fb", "facebook", "Facebook")
	f.flag("avatar", "avatar", "avatar URL")
	f.flag("assign", "assign-to", "WordPress user ID to own the contact")
	f.rest()
	cmd.Flags().StringSliceVar(&cf.tags, "tags", nil, "comma-separated tag names; they REPLACE the contact's tags")
	cmd.Flags().StringArrayVar(&cf.custom, "custom", nil, "custom field as SLUG=VALUE (repeatable)")
}

// request returns the request the flags describe.
func (cf *customerFlags) request() (*jetpackcrm.CustomerRequest, error) {
	r := cf.req
	for _, t := range cf.tags {
		if t = strings.TrimSpace(t); t != "" {
			r.Tags = append(r.Tags, t)
		}
	}
	custom, err := parseAssignments("--custom", cf.custom)
	if err != nil {
		return nil, err
	}
	r.CustomFields = custom
	return &r, nil
}

// parseAssignments parses repeated KEY=VALUE flag values.
func parseAssignments(flag string, values []string) (map[string]string, error) {
	if len(values) == 0 {
		return nil, nil
	}
	m := make(map[string]string, len(values))
	for _, v := range values {
		k, val, ok := strings.Cut(v, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, usageErrorf("%s %q: want SLUG=VALUE", flag, v)
		}
		m[k] = val
	}
	return m, nil
}

func newCustomersUpsertCmd(a *app) *cobra.Command {
	var cf customerFlags
	cmd := &cobra.Command{
		Use:   "upsert --email EMAIL [fields]",
		Short: "Create a contact, or overwrite the one with this email",
		Long: `Create a contact, or OVERWRITE the contact with the same email: this is the
API's create_customer, which blanks every field not given and resets an
omitted --status to the CRM's default ("Lead"). To change some fields of an
existing contact, use "jpcrm customers update".

Prints what the CRM echoed back (the fields sent, plus the ID).`,
		Example: `  jpcrm customers upsert --email ada@example.com --first-name Ada --last-name Lovelace --status Lead
  jpcrm customers upsert --email ada@example.com --tags vip,newsletter --custom membership-level=gold`,
		Args: exactArgs(0, "no arguments (the email is --email)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := a.outputFormat(cmd, formatTable)
			if err != nil {
				return err
			}
			if cf.req.Email == "" {
				return usageErrorf("--email is required")
			}
			req, err := cf.request()
			if err != nil {
				return err
			}
			c, err := a.apiClient()
			if err != nil {
				return err
			}
			cust, _, err := c.Customers.Create(cmd.Context(), req)
			if err != nil {
				return err
			}
			return renderOne(a.stdout, format, cust, customerView)
		},
	}
	cmd.Flags().StringVar(&cf.req.Email, "email", "", "email address (required): the contact's key")
	cf.register(cmd)
	return cmd
}

func newCustomersUpdateCmd(a *app) *cobra.Command {
	var cf customerFlags
	cmd := &cobra.Command{
		Use:   "update EMAIL [fields]",
		Short: "Change some fields of a contact, leaving the others alone",
		Long: `Change the given fields of the contact with this email and keep every other
field as it is (the SDK reads the contact, merges, and writes the whole
record back). --new-email changes the address itself. --tags replaces the
contact's tags. Exits with code 1 if no contact has the email.`,
		Example: `  jpcrm customers update ada@example.com --city London
  jpcrm customers update ada@example.com --new-email ada@lovelace.example`,
		Args:              exactArgs(1, "one EMAIL"),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := a.outputFormat(cmd, formatTable)
			if err != nil {
				return err
			}
			req, err := cf.request()
			if err != nil {
				return err
			}
			if isEmptyChange(req) {
				return usageErrorf("nothing to change: give at least one field flag (see --help)")
			}
			c, err := a.apiClient()
			if err != nil {
				return err
			}
			cust, _, err := c.Customers.Update(cmd.Context(), args[0], req)
			if err != nil {
				return err
			}
			return renderOne(a.stdout, format, cust, customerView)
		},
	}
	cmd.Flags().StringVar(&cf.req.Email, "new-email", "", "change the contact's email address to this")
	cf.register(cmd)
	return cmd
}

// isEmptyChange reports whether an update would change nothing: no field
// of the request is set but ForceStatus, which changes nothing alone.
func isEmptyChange(r *jetpackcrm.CustomerRequest) bool {
	probe := *r
	probe.ForceStatus = false
	if len(probe.Tags) == 0 {
		probe.Tags = nil
	}
	if len(probe.CustomFields) == 0 {
		probe.CustomFields = nil
	}
	return reflect.ValueOf(probe).IsZero()
}

func newCustomersExportCmd(a *app) *cobra.Command {
	var perPage int
	var noTags bool
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write every contact to stdout (CSV unless -o says otherwise)",
		Long: `Write every contact, with its tags and custom fields, to stdout. The default
format is CSV with the API's field names as columns, which "jpcrm customers
import" reads back; -o json or jsonl gives the API's JSON shape.

In CSV, a cell that begins with =, +, -, @, a tab or a carriage return (a
phone number such as +44 20 7946 0000, or a formula someone typed into the
CRM) gets a leading apostrophe, so that a spreadsheet shows it as text
instead of running it; a cell that begins with an apostrophe gets one more.
Spreadsheets do not display that apostrophe, and "jpcrm customers import"
removes it: export then import gives back every value exactly.

Contacts are written as they are read, page by page.`,
		Example: `  jpcrm customers export > contacts.csv
  jpcrm customers export -o jsonl > contacts.jsonl`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := a.outputFormat(cmd, formatCSV)
			if err != nil {
				return err
			}
			if perPage < 0 {
				return usageErrorf("--per-page must be 1 or more, got %d", perPage)
			}
			c, err := a.apiClient()
			if err != nil {
				return err
			}
			opts := &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: perPage}, WithTags: !noTags}
			n, err := renderStream(a.stdout, format, c.Customers.All(cmd.Context(), opts), customerView)
			if err != nil {
				return err
			}
			a.noResults(format, n, "contacts")
			return nil
		},
	}
	cmd.Flags().IntVar(&perPage, "per-page", 0, "contacts per request (default 100)")
	cmd.Flags().BoolVar(&noTags, "no-tags", false, "leave tags out (a cheaper request)")
	return cmd
}
