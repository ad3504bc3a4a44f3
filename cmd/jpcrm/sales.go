package main

import (
	"context"
	"iter"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/spf13/cobra"
)

// Quotes, invoices and transactions carry a client-portal access hash that
// grants access to the document: jpcrm never prints it, in any format.

func quoteStatus(s int) string {
	switch s {
	case jetpackcrm.QuoteStatusDraft:
		return "draft"
	case jetpackcrm.QuoteStatusPublished:
		return "published"
	case jetpackcrm.QuoteStatusAccepted:
		return "accepted"
	}
	return fmtInt(int64(s))
}

// quoteFields are the CSV and detail columns of quotes: see fieldSpec.
var quoteFields = fieldSpec[*jetpackcrm.Quote]{
	omit:   []string{"content", "hash", "lastviewed", "viewed_count", "send_attachments", "customerid"},
	header: map[string]string{"id_override": "reference"},
	get:    map[string]func(*jetpackcrm.Quote) string{"status": func(q *jetpackcrm.Quote) string { return quoteStatus(q.Status) }},
	after:  [][2]string{{"accepted", "date"}, {"lineitems", "notes"}, {"owner", "lineitems"}},
}

var quoteView = view[*jetpackcrm.Quote]{
	table: tableColumns([]tableColumn[*jetpackcrm.Quote]{
		{wire: "id"}, {wire: "id_override", header: "reference"}, {wire: "title"}, {wire: "value"},
		{wire: "currency"}, {wire: "status", get: func(q *jetpackcrm.Quote) string { return quoteStatus(q.Status) }}, {wire: "date"},
	}),
	fields: wireColumns(quoteFields),
	custom: func(q *jetpackcrm.Quote) map[string]string { return q.CustomFields },
	json: func(q *jetpackcrm.Quote) any {
		c := *q
		c.Hash = ""
		return c
	},
}

// invoiceFields are the CSV and detail columns of invoices: see fieldSpec.
var invoiceFields = fieldSpec[*jetpackcrm.Invoice]{
	omit: []string{"parent", "status_label", "hash", "addressed_from", "addressed_to", "allow_partial", "allow_tip",
		"shipping_tax", "discount_type", "customerid"},
	header: map[string]string{"id_override": "reference", "due_date": "due", "paid_date": "paid"},
	after:  [][2]string{{"currency", "total"}, {"date", "currency"}, {"due_date", "date"}, {"paid_date", "due_date"}, {"lineitems", "paid_date"}, {"owner", "lineitems"}},
}

var invoiceView = view[*jetpackcrm.Invoice]{
	table: tableColumns([]tableColumn[*jetpackcrm.Invoice]{
		{wire: "id"}, {wire: "id_override", header: "reference"}, {wire: "status"}, {wire: "total"},
		{wire: "currency"}, {wire: "date"}, {wire: "due_date", header: "due"},
	}),
	fields: wireColumns(invoiceFields),
	custom: func(i *jetpackcrm.Invoice) map[string]string { return i.CustomFields },
	json: func(i *jetpackcrm.Invoice) any {
		c := *i
		c.Hash = ""
		return c
	},
}

func newQuotesCmd(a *app) *cobra.Command {
	return newGroupCmd("quotes", "List quotes",
		`The API can list quotes, newest first, but not create them. Listed quotes carry
no reference to their contact or company (an API limitation).`,
		newSimpleListCmd(a, "quotes", quoteView,
			func(c *jetpackcrm.Client) func(context.Context, jetpackcrm.ListOptions) ([]*jetpackcrm.Quote, *jetpackcrm.Response, error) {
				return func(ctx context.Context, lo jetpackcrm.ListOptions) ([]*jetpackcrm.Quote, *jetpackcrm.Response, error) {
					return c.Quotes.List(ctx, &lo)
				}
			},
			func(c *jetpackcrm.Client) func(context.Context, jetpackcrm.ListOptions) iter.Seq2[*jetpackcrm.Quote, error] {
				return func(ctx context.Context, lo jetpackcrm.ListOptions) iter.Seq2[*jetpackcrm.Quote, error] {
					return c.Quotes.All(ctx, &lo)
				}
			}))
}

func newInvoicesCmd(a *app) *cobra.Command {
	return newGroupCmd("invoices", "List invoices",
		`The API can list invoices but not create them. Listed invoices carry no
reference to their contact or company (an API limitation).`,
		newSimpleListCmd(a, "invoices", invoiceView,
			func(c *jetpackcrm.Client) func(context.Context, jetpackcrm.ListOptions) ([]*jetpackcrm.Invoice, *jetpackcrm.Response, error) {
				return func(ctx context.Context, lo jetpackcrm.ListOptions) ([]*jetpackcrm.Invoice, *jetpackcrm.Response, error) {
					return c.Invoices.List(ctx, &lo)
				}
			},
			func(c *jetpackcrm.Client) func(context.Context, jetpackcrm.ListOptions) iter.Seq2[*jetpackcrm.Invoice, error] {
				return func(ctx context.Context, lo jetpackcrm.ListOptions) iter.Seq2[*jetpackcrm.Invoice, error] {
					return c.Invoices.All(ctx, &lo)
				}
			}))
}

// newSimpleListCmd is a "list" command for a kind of record with paging
// only.
func newSimpleListCmd[T any](a *app, what string, v view[T],
	one func(*jetpackcrm.Client) func(context.Context, jetpackcrm.ListOptions) ([]T, *jetpackcrm.Response, error),
	all func(*jetpackcrm.Client) func(context.Context, jetpackcrm.ListOptions) iter.Seq2[T, error],
) *cobra.Command {
	var lf listFlags
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List " + what + ", one page or --all",
		Example: "  jpcrm " + what + " list --all -o csv",
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
			return runList(a, cmd.Context(), format, &lf, what, v, one(c), all(c))
		},
	}
	lf.register(cmd)
	return cmd
}
