package main

import (
	"context"
	"iter"
	"strings"
	"time"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"
)

// transactionFields are the CSV and detail columns of transactions: see fieldSpec.
var transactionFields = fieldSpec[*jetpackcrm.Transaction]{
	// The hash grants access to the client portal: never shown.
	omit: []string{"type_accounting", "status_bool", "origin", "parent", "hash", "customer_ip",
		"shipping_tax", "date_paid", "date_completed", "lineitems", "contact"},
	header: map[string]string{"ref": "orderid", "customerid": "customer"},
	get:    map[string]func(*jetpackcrm.Transaction) string{"company": func(t *jetpackcrm.Transaction) string { return fmtID(t.CompanyID) }},
	after:  [][2]string{{"currency", "total"}, {"date", "currency"}, {"customerid", "date"}, {"company", "customerid"}, {"owner", "company"}},
}

var transactionView = view[*jetpackcrm.Transaction]{
	table: tableColumns([]tableColumn[*jetpackcrm.Transaction]{
		{wire: "id"}, {wire: "ref", header: "order"}, {wire: "status"}, {wire: "type"}, {wire: "total"},
		{wire: "currency"}, {wire: "date"}, {wire: "title"},
	}),
	fields: wireColumns(transactionFields),
	custom: func(t *jetpackcrm.Transaction) map[string]string { return t.CustomFields },
	json: func(t *jetpackcrm.Transaction) any {
		c := *t
		c.Hash = ""
		return c
	},
}

func newTransactionsCmd(a *app) *cobra.Command {
	return newGroupCmd("transactions", "List and create transactions (payments)",
		`Transactions are payments, keyed by their order ID. Listed transactions carry
no reference to their contact (an API limitation).`,
		newSimpleListCmd(a, "transactions", transactionView,
			func(c *jetpackcrm.Client) func(context.Context, jetpackcrm.ListOptions) ([]*jetpackcrm.Transaction, *jetpackcrm.Response, error) {
				return func(ctx context.Context, lo jetpackcrm.ListOptions) ([]*jetpackcrm.Transaction, *jetpackcrm.Response, error) {
					return c.Transactions.List(ctx, &lo)
				}
			},
			func(c *jetpackcrm.Client) func(context.Context, jetpackcrm.ListOptions) iter.Seq2[*jetpackcrm.Transaction, error] {
				return func(ctx context.Context, lo jetpackcrm.ListOptions) iter.Seq2[*jetpackcrm.Transaction, error] {
					return c.Transactions.All(ctx, &lo)
				}
			}),
		newTransactionsCreateCmd(a))
}

func newTransactionsCreateCmd(a *app) *cobra.Command {
	var req jetpackcrm.TransactionRequest
	var total, net, tax, fee, discount, shipping, date string
	var custom []string
	cmd := &cobra.Command{
		Use:   "create --order-id ID --status STATUS --total AMOUNT [fields]",
		Short: "Create a transaction, or overwrite the one with this order ID",
		Long: `Create a transaction (create_transaction). An existing --order-id is
OVERWRITTEN: every field not given is blanked, so give the whole transaction.
--email links the contact with that email, creating it (status "Customer",
--first-name) if there is none. Amounts are decimal numbers; --date is
YYYY-MM-DD, "YYYY-MM-DD HH:MM" or RFC 3339 (UTC unless a zone is given).`,
		Example: `  jpcrm transactions create --order-id WC-1001 --status Succeeded --total 149.99 --currency GBP --email ada@example.com --title "Difference Engine"`,
		Args:    exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := a.outputFormat(cmd, formatTable)
			if err != nil {
				return err
			}
			if req.OrderID == "" || req.Status == "" || total == "" {
				return usageErrorf("--order-id, --status and --total are required")
			}
			r := req
			for _, m := range []struct {
				flag, val string
				dst       *decimal.Decimal
			}{{"--total", total, &r.Total}, {"--net", net, &r.Net}, {"--tax", tax, &r.Tax}, {"--fee", fee, &r.Fee}, {"--discount", discount, &r.Discount}, {"--shipping", shipping, &r.Shipping}} {
				if m.val == "" {
					continue
				}
				d, err := decimal.NewFromString(strings.TrimSpace(m.val))
				if err != nil {
					return usageErrorf("%s %q: not a decimal number", m.flag, m.val)
				}
				*m.dst = d
			}
			if date != "" {
				if r.Date, err = parseTimeFlag("--date", date); err != nil {
					return err
				}
			}
			if r.CustomFields, err = parseAssignments("--custom", custom); err != nil {
				return err
			}
			c, err := a.apiClient()
			if err != nil {
				return err
			}
			t, _, err := c.Transactions.Create(cmd.Context(), &r)
			if err != nil {
				return err
			}
			return renderOne(a.stdout, format, t, transactionView)
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.OrderID, "order-id", "", "unique order reference (required)")
	f.StringVar(&req.Status, "status", "", `status, e.g. "Succeeded" (required)`)
	f.StringVar(&total, "total", "", "total amount, not zero (required)")
	f.StringVar(&req.Email, "email", "", "email of the contact to link (created if missing)")
	f.StringVar(&req.FirstName, "first-name", "", "first name of a contact that --email creates")
	f.StringVar(&req.Title, "title", "", "item title")
	f.StringVar(&req.Description, "description", "", "description")
	f.StringVar(&req.Type, "type", "", `type, e.g. "Sale"`)
	f.StringVar(&req.Currency, "currency", "", "ISO currency code, e.g. GBP (default: the CRM's)")
	f.StringVar(&net, "net", "", "net amount")
	f.StringVar(&tax, "tax", "", "tax amount")
	f.StringVar(&fee, "fee", "", "fee amount")
	f.StringVar(&discount, "discount", "", "discount amount")
	f.StringVar(&shipping, "shipping", "", "shipping amount")
	f.StringVar(&date, "date", "", "transaction date")
	f.Int64Var(&req.CompanyID, "company-id", 0, "ID of the company to link")
	f.StringArrayVar(&custom, "custom", nil, "custom field as SLUG=VALUE (repeatable)")
	return cmd
}

// timeLayouts are the forms a date flag accepts.
var timeLayouts = []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"}

// parseTimeFlag reads a date or time, in UTC unless it names a zone.
func parseTimeFlag(flag, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usageErrorf(`%s %q: want YYYY-MM-DD, "YYYY-MM-DD HH:MM" or RFC 3339`, flag, s)
}
