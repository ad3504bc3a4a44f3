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
		cw := newCSVOut(w, v, v.customKeys(items))
		for _, it := range items {
			if err := cw.write(it); err != nil {
				return err
			}
		}
		return cw.close()
	default:
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(tableHeader(v), "\t"))
		for _, it := range items {
			fmt.Fprintln(tw, strings.Join(tableRow(v, it), "\t"))
		}
		return tw.Flush()
	}
}

// csvOut writes records as CSV: the header (the view's fields, then the
// custom-field keys), then one row per record, every cell through csvSafe.
type csvOut[T any] struct {
	cw     *csv.Writer
	v      view[T]
	custom []string
	// known is custom as a set, to refuse a record with a key the header
	// lacks: its value would be lost without a word.
	known  map[string]bool
	header bool
}

func newCSVOut[T any](w io.Writer, v view[T], custom []string) *csvOut[T] {
	known := make(map[string]bool, len(custom))
	for _, k := range custom {
		known[k] = true
	}
	return &csvOut[T]{cw: csv.NewWriter(w), v: v, custom: custom, known: known}
}

func (o *csvOut[T]) writeHeader() error {
	if o.header {
		return nil
	}
	o.header = true
	header := make([]string, 0, len(o.v.fields)+len(o.custom))
	for _, c := range o.v.fields {
		header = append(header, c.name)
	}
	header = append(header, o.custom...)
	return o.cw.Write(header)
}

func (o *csvOut[T]) write(it T) error {
	if err := o.writeHeader(); err != nil {
		return err
	}
	var cf map[string]string
	if o.v.custom != nil {
		cf = o.v.custom(it)
	}
	for k := range cf {
		if !o.known[k] {
			return fmt.Errorf("a record has custom field %q, which the first record of the list did not have: stopped rather than leave the column out", k)
		}
	}
	row := make([]string, 0, len(o.v.fields)+len(o.custom))
	for _, c := range o.v.fields {
		row = append(row, csvSafe(c.get(it)))
	}
	for _, k := range o.custom {
		row = append(row, csvSafe(cf[k]))
	}
	return o.cw.Write(row)
}

func (o *csvOut[T]) close() error {
	if err := o.writeHeader(); err != nil {
		return err
	}
	o.cw.Flush()
	return o.cw.Error()
}

// csvFormulaStart are the first characters with which a spreadsheet reads
// a cell as a formula (OWASP's list: = + - @, tab and carriage return).
const csvFormulaStart = "=+-@\t\r"

// csvSafe neutralises a cell a spreadsheet would run as a formula by
// putting an apostrophe before it, which spreadsheets show as text and do
// not display. A cell that already starts with an apostrophe gets one more,
// so that csvUnsafe (import) gives back every value exactly.
func csvSafe(s string) string {
	if s != "" && (strings.IndexByte(csvFormulaStart, s[0]) >= 0 || s[0] == '\'') {
		return "'" + s
	}
	return s
}

// csvUnsafe undoes csvSafe: an apostrophe before a formula character or
// another apostrophe is removed. Any other leading apostrophe (a value
// typed as 'hello) is data and stays.
func csvUnsafe(s string) string {
	if len(s) >= 2 && s[0] == '\'' && (strings.IndexByte(csvFormulaStart, s[1]) >= 0 || s[1] == '\'') {
		return s[1:]
	}
	return s
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

// runList prints one page of a list (through one) or, with --all, every
// record (through all, an SDK iterator: it stops when the server ignores
// paging and never yields a record twice), streamed as it arrives. what
// names the records for "No contacts.".
func runList[T any](a *app, ctx context.Context, format string, lf *listFlags, what string, v view[T],
	one func(context.Context, jetpackcrm.ListOptions) ([]T, *jetpackcrm.Response, error),
	all func(context.Context, jetpackcrm.ListOptions) iter.Seq2[T, error],
) error {
	if err := lf.check(); err != nil {
		return err
	}
	if lf.all {
		n, err := renderStream(a.stdout, format, all(ctx, jetpackcrm.ListOptions{PerPage: lf.perPage}), v)
		if err != nil {
			return err
		}
		a.noResults(format, n, what)
		return nil
	}
	items, resp, err := one(ctx, lf.options())
	if err != nil {
		return err
	}
	if a.noResults(format, len(items), what) {
		return nil
	}
	if err := renderList(a.stdout, format, items, v); err != nil {
		return err
	}
	if resp != nil {
		a.pageHint(format, resp.NextPage)
	}
	return nil
}

// tableFlushEvery is how many rows a streamed table holds before writing
// them: the columns are aligned within each block.
const tableFlushEvery = 500

// renderStream writes the records of seq in format as they arrive, and
// returns how many it wrote. A table with none writes nothing (the caller
// says so); JSON writes [] and CSV its header. The CSV header's custom-field
// columns are those of the first record: every record a list returns
// carries every custom field of its type, and a record with another one
// stops the output rather than lose its value. An error from seq is
// returned after the records before it were written.
func renderStream[T any](w io.Writer, format string, seq iter.Seq2[T, error], v view[T]) (n int, err error) {
	// Unbuffered (a CSV row is flushed as written), so that each record
	// reaches a reader while the next page is fetched; tables are aligned
	// in blocks.
	bw := w
	var cw *csvOut[T]
	var tw *tabwriter.Writer
	for it, ierr := range seq {
		if ierr != nil {
			err = ierr
			break
		}
		switch format {
		case formatJSON:
			b, merr := json.MarshalIndent(v.jsonValue(it), "  ", "  ")
			if merr != nil {
				return n, merr
			}
			sep := ",\n  "
			if n == 0 {
				sep = "[\n  "
			}
			_, err = fmt.Fprintf(bw, "%s%s", sep, b)
		case formatJSONL:
			b, merr := json.Marshal(v.jsonValue(it))
			if merr != nil {
				return n, merr
			}
			_, err = fmt.Fprintf(bw, "%s\n", b)
		case formatCSV:
			if cw == nil {
				var keys []string
				if v.custom != nil {
					keys = slices.Sorted(maps.Keys(v.custom(it)))
				}
				cw = newCSVOut(bw, v, keys)
			}
			if err = cw.write(it); err == nil {
				cw.cw.Flush()
				err = cw.cw.Error()
			}
		default:
			if tw == nil || n%tableFlushEvery == 0 {
				if tw != nil {
					if err = tw.Flush(); err != nil {
						break
					}
				}
				tw = tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
				if n == 0 {
					fmt.Fprintln(tw, strings.Join(tableHeader(v), "\t"))
				}
			}
			_, err = fmt.Fprintln(tw, strings.Join(tableRow(v, it), "\t"))
		}
		if err != nil {
			return n, err
		}
		n++
	}
	var cerr error
	switch {
	case err != nil:
		// The records before the error are written; no closing bracket or
		// bare header suggests that the output is complete.
		if tw != nil {
			cerr = tw.Flush()
		}
		if cw != nil {
			cw.cw.Flush()
		}
	case format == formatJSON && n == 0:
		_, cerr = fmt.Fprint(bw, "[]\n")
	case format == formatJSON:
		_, cerr = fmt.Fprint(bw, "\n]\n")
	case format == formatCSV && cw == nil:
		cerr = newCSVOut(bw, v, nil).close()
	case format == formatCSV:
		cerr = cw.close()
	case tw != nil:
		cerr = tw.Flush()
	}
	if err == nil {
		err = cerr
	}
	return n, err
}

func tableHeader[T any](v view[T]) []string {
	header := make([]string, len(v.table))
	for i, c := range v.table {
		header[i] = strings.ToUpper(c.name)
	}
	return header
}

func tableRow[T any](v view[T], it T) []string {
	row := make([]string, len(v.table))
	for i, c := range v.table {
		row[i] = cell(c.get(it))
	}
	return row
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
