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
	table: tableColumns([]tableColumn[*jetpackcrm.Company]{
		{wire: "id"}, {wire: "name"}, {wire: "email"}, {wire: "status"}, {wire: "city"},
		{wire: "contacts", get: func(c *jetpackcrm.Company) string { return fmtInt(int64(len(c.Contacts))) }},
	}),
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
	companyRequestFlags(cmd, &req)
	cmd.Flags().StringSliceVar(&tags, "tags", nil, "comma-separated tag names")
	cmd.Flags().StringArrayVar(&custom, "custom", nil, "custom field as SLUG=VALUE (repeatable)")
	return cmd
}

// companyRequestFlags registers the company fields as flags of cmd.
func companyRequestFlags(cmd *cobra.Command, req *jetpackcrm.CompanyRequest) {
	f := newRequestFlags(cmd, req)
	f.skip("tags") // through tags
	f.flag("name", "name", "company name (required, unique)")
	f.flag("email", "email", "company email (required, unique)")
	f.flag("status", "status", `status, e.g. "Lead"`)
	f.flag("addr1", "addr1", "address line 1")
	f.flag("addr2", "addr2", "address line 2")
	f.flag("city", "city", "city")
	f.flag("county", "county", "county or state")
	f.flag("postcode", "postcode", "postcode")
	f.flag("country", "country", "country")
	f.flag("secaddr1", "sec-addr1", "second address, line 1")
	f.flag("secaddr2", "sec-addr2", "second address, line 2")
	f.flag("seccity", "sec-city", "second address, city")
	f.flag("seccounty", "sec-county", "second address, county or state")
	f.flag("secpostcode", "sec-postcode", "second address, postcode")
	f.flag("seccountry", "sec-country", "second address, country")
	f.flag("maintel", "phone", "main phone")
	f.flag("sectel", "phone2", "secondary phone")
	f.flag("tw", "twitter", "Twitter handle")
	f.flag("li", "linkedin", "LinkedIn")
	f.flag("fb", "facebook", "Facebook")
	f.flag("avatar", "avatar", "avatar URL")
	f.flag("assign", "assign-to", "WordPress user ID to own the company")
	f.rest()
}
