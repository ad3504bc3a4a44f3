package main

import (
	"encoding/json"
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
		{"features", func(s *jetpackcrm.Status) string { return strings.Join(featureLines(s), "; ") }},
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
	json: func(s *jetpackcrm.Status) any {
		// The status as the API sends it, plus what the SDK makes of it.
		var m map[string]any
		b, err := json.Marshal(s)
		if err != nil || json.Unmarshal(b, &m) != nil {
			return s
		}
		m["features"] = featureLines(s)
		return m
	},
}

// featureLines are the API features the SDK uses with the site's release
// (from the SDK: jetpackcrm.Features), or "none".
func featureLines(s *jetpackcrm.Status) []string {
	if lines := s.Features().Enabled(); len(lines) > 0 {
		return lines
	}
	return []string{"none"}
}

func newStatusCmd(a *app) *cobra.Command {
	var full bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Check the connection and the credentials; show the CRM's version",
		Long: `Check that the site answers and accepts the API key and secret, and show the
CRM version, the API features that release enables (order=ASC|DESC on lists
from Jetpack CRM 6.5.0, the companies filters from 6.6.0; "none" before) and
the database version (--full adds the enabled modules and the installed
extensions). Jetpack CRM 6.4.4 reports crm_version 6.4.3. Exits with code 3 if
the site refuses the credentials.`,
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
