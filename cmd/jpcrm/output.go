package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"
)

// Output formats.
const (
	formatTable = "table"
	formatJSON  = "json"
	formatJSONL = "jsonl"
	formatCSV   = "csv"
)

// outputFormat returns the -o format, checked against the ones the command
// supports; def is used when -o was not given.
func (a *app) outputFormat(cmd *cobra.Command, def string, allowed ...string) (string, error) {
	f := strings.ToLower(strings.TrimSpace(a.output))
	if !cmd.Flags().Changed("output") {
		f = def
	}
	if len(allowed) == 0 {
		allowed = []string{formatTable, formatJSON, formatJSONL, formatCSV}
	}
	if !slices.Contains(allowed, f) {
		return "", usageErrorf("-o %s: %s supports %s", a.output, cmd.CommandPath(), strings.Join(allowed, ", "))
	}
	return f, nil
}

// column is one column of a table or CSV: a header and how to get its
// value.
type column[T any] struct {
	name string
	get  func(T) string
}

// view says how to print one kind of record.
type view[T any] struct {
	// table is the columns of the table form (headers are upper-cased).
	table []column[T]
	// fields is the columns of the CSV form and of the detail form of one
	// record, named as the API names the fields.
	fields []column[T]
	// custom returns the record's custom fields, written after fields
	// (nil if the kind has none).
	custom func(T) map[string]string
	// json returns the value to encode in the JSON forms (default: the
	// record itself, in the API's wire shape).
	json func(T) any
}

func (v view[T]) jsonValue(item T) any {
	if v.json != nil {
		return v.json(item)
	}
	return item
}

// customKeys returns the sorted union of the custom-field keys of items.
func (v view[T]) customKeys(items []T) []string {
	if v.custom == nil {
		return nil
	}
	keys := map[string]bool{}
	for _, it := range items {
		for k := range v.custom(it) {
			keys[k] = true
		}
	}
	return slices.Sorted(maps.Keys(keys))
}

// renderList writes items in format.
func renderList[T any](w io.Writer, format string, items []T, v view[T]) error {
	switch format {
	case formatJSON:
		vals := make([]any, 0, len(items))
		for _, it := range items {
			vals = append(vals, v.jsonValue(it))
		}
		return writeJSON(w, vals)
	case formatJSONL:
		for _, it := range items {
			b, err := json.Marshal(v.jsonValue(it))
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(w, "%s\n", b); err != nil {
				return err
			}
		}
		return nil
	case formatCSV:
		custom := v.customKeys(items)
		cw := csv.NewWriter(w)
		header := make([]string, 0, len(v.fields)+len(custom))
		for _, c := range v.fields {
			header = append(header, c.name)
		}
		header = append(header, custom...)
		if err := cw.Write(header); err != nil {
			return err
		}
		for _, it := range items {
			row := make([]string, 0, len(header))
			for _, c := range v.fields {
				row = append(row, c.get(it))
			}
			var cf map[string]string
			if v.custom != nil {
				cf = v.custom(it)
			}
			for _, k := range custom {
				row = append(row, cf[k])
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	default:
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		header := make([]string, len(v.table))
		for i, c := range v.table {
			header[i] = strings.ToUpper(c.name)
		}
		fmt.Fprintln(tw, strings.Join(header, "\t"))
		for _, it := range items {
			row := make([]string, len(v.table))
			for i, c := range v.table {
				row[i] = cell(c.get(it))
			}
			fmt.Fprintln(tw, strings.Join(row, "\t"))
		}
		return tw.Flush()
	}
}

// renderOne writes one record: as a FIELD VALUE list (non-empty fields only)
// in table form, else as a list of one.
func renderOne[T any](w io.Writer, format string, item T, v view[T]) error {
	switch format {
	case formatJSON:
		return writeJSON(w, v.jsonValue(item))
	case formatJSONL, formatCSV:
		return renderList(w, format, []T{item}, v)
	default:
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, c := range v.fields {
			if val := c.get(item); val != "" {
				fmt.Fprintf(tw, "%s\t%s\n", c.name, cell(val))
			}
		}
		if v.custom != nil {
			cf := v.custom(item)
			for _, k := range slices.Sorted(maps.Keys(cf)) {
				if cf[k] != "" {
					fmt.Fprintf(tw, "%s\t%s\n", k, cell(cf[k]))
				}
			}
		}
		return tw.Flush()
	}
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// cell makes a value safe for one table cell: tabs and line breaks become
// spaces and other control characters are dropped, so that CRM data cannot
// break the table or send escape sequences to the terminal.
func cell(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// Value formatting shared by the views.

func fmtInt(n int64) string { return strconv.FormatInt(n, 10) }

// fmtID writes 0 (unset) as "".
func fmtID(n int64) string {
	if n == 0 {
		return ""
	}
	return fmtInt(n)
}

func fmtBool(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// fmtTime is RFC 3339 in UTC, "" for the zero time (CSV and detail forms).
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// fmtDate is the day, for tables.
func fmtDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// fmtMinute is the minute, for tables of events.
func fmtMinute(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// fmtMoney shows at least two decimals, and more when the amount has them.
func fmtMoney(d decimal.Decimal) string {
	if d.Exponent() < -2 {
		return d.String()
	}
	return d.StringFixed(2)
}

// listFlags are the paging flags of the list commands.
type listFlags struct {
	all     bool
	page    int
	perPage int
}

func (lf *listFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&lf.all, "all", false, "walk every page (through the SDK's iterator)")
	cmd.Flags().IntVar(&lf.page, "page", 0, "page to show, from 1 (default 1)")
	cmd.Flags().IntVar(&lf.perPage, "per-page", 0, "records per page (default: the site's, 10; with --all, 100)")
}

func (lf *listFlags) check() error {
	switch {
	case lf.page < 0:
		return usageErrorf("--page must be 1 or more, got %d", lf.page)
	case lf.perPage < 0:
		return usageErrorf("--per-page must be 1 or more, got %d", lf.perPage)
	case lf.all && lf.page != 0:
		return usageErrorf("--all and --page do not go together: --all shows every page")
	}
	return nil
}

func (lf *listFlags) options() jetpackcrm.ListOptions {
	return jetpackcrm.ListOptions{Page: lf.page, PerPage: lf.perPage}
}

// fetch returns one page (through one) or, with --all, every record
// (through all). next is the page after the one shown, 0 if none.
func fetch[T any](ctx context.Context, lf *listFlags,
	one func(context.Context, jetpackcrm.ListOptions) ([]T, *jetpackcrm.Response, error),
	all func(context.Context, jetpackcrm.ListOptions) iter.Seq2[T, error],
) (items []T, next int, err error) {
	if err := lf.check(); err != nil {
		return nil, 0, err
	}
	if lf.all {
		for it, err := range all(ctx, jetpackcrm.ListOptions{PerPage: lf.perPage}) {
			if err != nil {
				return nil, 0, err
			}
			items = append(items, it)
		}
		return items, 0, nil
	}
	items, resp, err := one(ctx, lf.options())
	if err != nil {
		return nil, 0, err
	}
	if resp != nil {
		next = resp.NextPage
	}
	return items, next, nil
}

// pageHint tells a person reading a table that there is more.
func (a *app) pageHint(format string, next int) {
	if format == formatTable && next > 0 {
		fmt.Fprintf(a.stderr, "(more on page %d: --page %d, or --all for every page)\n", next, next)
	}
}

// noResults tells a person reading a table that the list is empty.
func (a *app) noResults(format string, n int, what string) bool {
	if format == formatTable && n == 0 {
		fmt.Fprintf(a.stderr, "No %s.\n", what)
		return true
	}
	return false
}
