package main

import (
	"context"
	"iter"
	"strings"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/spf13/cobra"
)

// companyFields are the CSV and detail columns of companies: see fieldSpec.
var companyFields = fieldSpec[*jetpackcrm.Company]{
	omit:  []string{"invoices", "quotes", "transactions"},
	after: [][2]string{{"status", "email"}, {"owner", "avatar"}, {"tags", "wpid"}, {"contacts", "tags"}},
}

var companyView = view[*jetpackcrm.Company]{
	table: []column[*jetpackcrm.Company]{
		{"id", func(c *jetpackcrm.Company) string { return fmtInt(c.ID) }},
		{"name", func(c *jetpackcrm.Company) string { return c.Name }},
		{"email", func(c *jetpackcrm.Company) string { return c.Email }},
		{"status", func(c *jetpackcrm.Company) string { return c.Status }},
		{"city", func(c *jetpackcrm.Company) string { return c.Address.City }},
		{"contacts", func(c *jetpackcrm.Company) string { return fmtInt(int64(len(c.Contacts))) }},
	},
	fields: wireColumns(companyFields),
	custom: func(c *jetpackcrm.Company) map[string]string { return c.CustomFields },
}

func newCompaniesCmd(a *app) *cobra.Command {
	return newGroupCmd("companies", "List and create companies",
		`Companies exist when the CRM runs in B2B mode. Each lists its linked contacts.`,
		newCompaniesListCmd(a), newCompaniesCreateCmd(a))
}

func newCompaniesListCmd(a *app) *cobra.Command {
	var lf listFlags
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List companies, one page or --all",
		Example: `  jpcrm companies list --all -o csv`,
		Args:    exactArgs(0, "no arguments"),
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
			return runList(a, cmd.Context(), format, &lf, "companies", companyView,
				func(ctx context.Context, lo jetpackcrm.ListOptions) ([]*jetpackcrm.Company, *jetpackcrm.Response, error) {
					return c.Companies.List(ctx, &lo)
				},
				func(ctx context.Context, lo jetpackcrm.ListOptions) iter.Seq2[*jetpackcrm.Company, error] {
					return c.Companies.All(ctx, &lo)
				})
		},
	}
	lf.register(cmd)
	return cmd
}

func newCompaniesCreateCmd(a *app) *cobra.Command {
	var req jetpackcrm.CompanyRequest
	var tags, custom []string
	cmd := &cobra.Command{
		Use:   "create --name NAME --email EMAIL [fields]",
		Short: "Create a company",
		Long: `Create a company. --name and --email are both required.

Do not use it to change a company: on Jetpack CRM 6.4.x a company whose email
(or name) already exists is OVERWRITTEN (every field not given is blanked) and
the site then fails with HTTP 500, although the overwrite was saved.`,
		Example: `  jpcrm companies create --name "Analytical Engines Ltd" --email info@engines.example --city London`,
		Args:    exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := a.outputFormat(cmd, formatTable)
			if err != nil {
				return err
			}
			if req.Name == "" || req.Email == "" {
				return usageErrorf("--name and --email are both required")
			}
			r := req
			r.Tags = splitTags(strings.Join(tags, ","))
			if r.CustomFields, err = parseAssignments("--custom", custom); err != nil {
				return err
			}
			c, err := a.apiClient()
			if err != nil {
				return err
			}
			co, _, err := c.Companies.Create(cmd.Context(), &r)
			if err != nil {
				return err
			}
			return renderOne(a.stdout, format, co, companyView)
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.Name, "name", "", "company name (required, unique)")
	f.StringVar(&req.Email, "email", "", "company email (required, unique)")
	f.StringVar(&req.Status, "status", "", `status, e.g. "Lead"`)
	f.StringVar(&req.Address.Line1, "addr1", "", "address line 1")
	f.StringVar(&req.Address.Line2, "addr2", "", "address line 2")
	f.StringVar(&req.Address.City, "city", "", "city")
	f.StringVar(&req.Address.County, "county", "", "county or state")
	f.StringVar(&req.Address.Postcode, "postcode", "", "postcode")
	f.StringVar(&req.Address.Country, "country", "", "country")
	f.StringVar(&req.MainPhone, "phone", "", "main phone")
	f.StringVar(&req.SecondaryPhone, "phone2", "", "secondary phone")
	f.StringVar(&req.Twitter, "twitter", "", "Twitter handle")
	f.StringVar(&req.LinkedIn, "linkedin", "", "LinkedIn")
	f.StringVar(&req.Facebook, "facebook", "", "Facebook")
	f.StringVar(&req.Avatar, "avatar", "", "avatar URL")
	f.Int64Var(&req.AssignTo, "assign-to", 0, "WordPress user ID to own the company")
	f.StringSliceVar(&tags, "tags", nil, "comma-separated tag names")
	f.StringArrayVar(&custom, "custom", nil, "custom field as SLUG=VALUE (repeatable)")
	return cmd
}
