package main

import (
	"maps"
	"slices"
	"strings"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/spf13/cobra"
)

var statusView = view[*jetpackcrm.Status]{
	fields: []column[*jetpackcrm.Status]{
		{"status", func(s *jetpackcrm.Status) string { return s.Status }},
		{"message", func(s *jetpackcrm.Status) string { return s.Message }},
		{"crm_version", func(s *jetpackcrm.Status) string { return s.CRMVersion }},
		{"db_version", func(s *jetpackcrm.Status) string { return s.DBVersion }},
		{"modules", func(s *jetpackcrm.Status) string { return strings.Join(s.Modules, ", ") }},
		{"extensions", func(s *jetpackcrm.Status) string {
			var parts []string
			for _, k := range slices.Sorted(maps.Keys(s.Extensions)) {
				x := s.Extensions[k]
				parts = append(parts, strings.TrimSpace(x.Name+" "+x.Version))
			}
			return strings.Join(parts, ", ")
		}},
	},
}

func newStatusCmd(a *app) *cobra.Command {
	var full bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Check the connection and the credentials; show the CRM's version",
		Long: `Check that the site answers and accepts the API key and secret, and show the
CRM and database versions (--full adds the enabled modules and the installed
extensions). Exits with code 3 if the site refuses the credentials.`,
		Example: `  jpcrm status
  jpcrm status --full -o json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := a.outputFormat(cmd, formatTable)
			if err != nil {
				return err
			}
			c, err := a.apiClient()
			if err != nil {
				return err
			}
			call := c.Status
			if full {
				call = c.StatusFull
			}
			st, _, err := call(cmd.Context())
			if err != nil {
				return err
			}
			return renderOne(a.stdout, format, st, statusView)
		},
	}
	cmd.Flags().BoolVar(&full, "full", false, "also list the enabled modules and the installed extensions")
	return cmd
}
