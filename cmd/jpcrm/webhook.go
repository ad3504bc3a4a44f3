package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/spf13/cobra"
)

// maxWebhookData bounds --data-file.
const maxWebhookData = 8 << 20

var webhookView = view[*jetpackcrm.WebhookResult]{
	fields: []column[*jetpackcrm.WebhookResult]{
		{"success", func(r *jetpackcrm.WebhookResult) string { return fmtBool(r.Success) }},
		{"data", func(r *jetpackcrm.WebhookResult) string { return string(r.Data) }},
	},
}

func newWebhookCmd(a *app) *cobra.Command {
	var data, dataFile string
	send := &cobra.Command{
		Use:   "send ACTION",
		Short: "Send an action to the site's webhook endpoint",
		Long: `Post {"action": ACTION, "data": DATA} to the webhook endpoint, which runs the
WordPress action jpcrm_webhook_ACTION. Only actions that a plugin registers
exist (a stock Jetpack CRM registers none without WooCommerce): an unknown
action exits with code 1. DATA is JSON, from --data or --data-file (- for
stdin). The send is not retried after an error that may have reached the
site, since the handler may not be idempotent.`,
		Example: `  jpcrm webhook send sync_order --data '{"order_id": 1001}'
  jpcrm webhook send sync_order --data-file order.json`,
		Args:              exactArgs(1, "one ACTION"),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := a.outputFormat(cmd, formatTable, formatTable, formatJSON, formatJSONL)
			if err != nil {
				return err
			}
			if data != "" && dataFile != "" {
				return usageErrorf("give --data or --data-file, not both")
			}
			raw := []byte(data)
			if dataFile != "" {
				var in io.Reader = a.stdin
				if dataFile != "-" {
					fh, err := os.Open(dataFile)
					if err != nil {
						return usageErrorf("--data-file: %v", err)
					}
					defer fh.Close()
					in = fh
				}
				if raw, err = io.ReadAll(io.LimitReader(in, maxWebhookData)); err != nil {
					return err
				}
			}
			var payload any
			if len(bytes.TrimSpace(raw)) > 0 {
				if !json.Valid(raw) {
					return usageErrorf("the webhook data is not valid JSON")
				}
				payload = json.RawMessage(raw)
			}
			c, err := a.apiClient()
			if err != nil {
				return err
			}
			res, _, err := c.Webhooks.Send(cmd.Context(), strings.TrimSpace(args[0]), payload)
			if err != nil {
				return err
			}
			if format == formatTable {
				return renderOne(a.stdout, format, res, webhookView)
			}
			return renderOne(a.stdout, format, res, view[*jetpackcrm.WebhookResult]{})
		},
	}
	send.Flags().StringVar(&data, "data", "", "the action's data, as JSON")
	send.Flags().StringVar(&dataFile, "data-file", "", "read the action's data (JSON) from this file, - for stdin")
	return newGroupCmd("webhook", "Send actions to the site's webhook endpoint",
		`Run WordPress actions that a plugin registered for the CRM's webhook endpoint.`, send)
}
