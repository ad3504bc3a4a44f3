package main

import (
	"context"
	"iter"
	"strings"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/spf13/cobra"
)

var companyView = view[*jetpackcrm.Company]{
	table: []column[*jetpackcrm.Company]{
		{"id", func(c *jetpackcrm.Company) string { return fmtInt(c.ID) }},
		{"name", func(c *jetpackcrm.Company) string { return c.Name }},
		{"email", func(c *jetpackcrm.Company) string { return c.Email }},
		{"status", func(c *jetpackcrm.Company) string { return c.Status }},
		{"city", func(c *jetpackcrm.Company) string { return c.Address.City }},
		{"contacts", func(c *jetpackcrm.Company) string { return fmtInt(int64(len(c.Contacts))) }},
	},
	fields: []column[*jetpackcrm.Company]{
		{"id", func(c *jetpackcrm.Company) string { return fmtInt(c.ID) }},
		{"name", func(c *jetpackcrm.Company) string { return c.Name }},
		{"email", func(c *jetpackcrm.Company) string { return c.Email }},
		{"status", func(c *jetpackcrm.Company) string { return c.Status }},
		{"addr1", func(c *jetpackcrm.Company) string { return c.Address.Line1 }},
		{"addr2", func(c *jetpackcrm.Company) string { return c.Address.Line2 }},
		{"city", func(c *jetpackcrm.Company) string { return c.Address.City }},
		{"county", func(c *jetpackcrm.Company) string { return c.Address.County }},
		{"postcode", func(c *jetpackcrm.Company) string { return c.Address.Postcode }},
		{"country", func(c *jetpackcrm.Company) string { return c.Address.Country }},
		{"secaddr1", func(c *jetpackcrm.Company) string { return c.SecondaryAddress.Line1 }},
		{"secaddr2", func(c *jetpackcrm.Company) string { return c.SecondaryAddress.Line2 }},
		{"seccity", func(c *jetpackcrm.Company) string { return c.SecondaryAddress.City }},
		{"seccounty", func(c *jetpackcrm.Company) string { return c.SecondaryAddress.County }},
		{"secpostcode", func(c *jetpackcrm.Company) string { return c.SecondaryAddress.Postcode }},
		{"seccountry", func(c *jetpackcrm.Company) string { return c.SecondaryAddress.Country }},
		{"maintel", func(c *jetpackcrm.Company) string { return c.MainPhone }},
		{"sectel", func(c *jetpackcrm.Company) string { return c.SecondaryPhone }},
		{"tw", func(c *jetpackcrm.Company) string { return c.Twitter }},
		{"li", func(c *jetpackcrm.Company) string { return c.LinkedIn }},
		{"fb", func(c *jetpackcrm.Company) string { return c.Facebook }},
		{"avatar", func(c *jetpackcrm.Company) string { return c.Avatar }},
		{"owner", func(c *jetpackcrm.Company) string { return fmtID(c.Owner) }},
		{"wpid", func(c *jetpackcrm.Company) string { return fmtID(c.WPID) }},
		{"tags", func(c *jetpackcrm.Company) string { return tagList(c.Tags) }},
		{"contacts", func(c *jetpackcrm.Company) string {
			emails := make([]string, 0, len(c.Contacts))
			for _, ct := range c.Contacts {
				emails = append(emails, ct.Email)
			}
			return strings.Join(emails, ", ")
		}},
		{"created", func(c *jetpackcrm.Company) string { return fmtTime(c.Created) }},
		{"lastupdated", func(c *jetpackcrm.Company) string { return fmtTime(c.LastUpdated) }},
		{"lastcontacted", func(c *jetpackcrm.Company) string { return fmtTime(c.LastContacted) }},
	},
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
