package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

// importOptions are the flags of customers import.
type importOptions struct {
	dryRun    bool
	overwrite bool
	// update is the merge, the default since --overwrite exists; the flag
	// is still accepted.
	update                   bool
	allowUnknownCustomFields bool
	concurrency              int
	failedOut                string
	format                   string
	noProgress               bool
}

// mode names what the import does with an existing contact.
func (o *importOptions) mode() string {
	if o.overwrite {
		return "overwrite"
	}
	return "merge"
}

// maxListedFailures is how many failed rows are listed on stderr.
const maxListedFailures = 10

func newImportCmd(a *app) *cobra.Command {
	var o importOptions
	cmd := &cobra.Command{
		Use:   "import FILE.csv|FILE.jsonl",
		Short: "Create or update contacts from a CSV or JSONL file",
		Long: `Create or update one contact per row of a CSV file (with a header line) or a
JSONL file (one JSON object per line). "-" reads stdin (give --format).

Columns (or JSONL keys) are the API's field names (email, status, prefix,
fname, lname, addr1, addr2, city, county, postcode, country, secaddr_addr1 ...
secaddr_country, hometel, worktel, mobtel, tw, li, fb, avatar, tags, assign,
sticky) or the SDK's (Email, FirstName, LastName, Address.City,
SecondaryAddress.Line1, HomePhone, Tags, AssignTo, ForceStatus, ...), in any
case. Any other column is a custom field, by its slug (e.g.
membership-level). tags is a comma-separated list. Read-only columns of an
export (id, created, lastupdated, wpid, ...) are skipped, so an export
imports back as it is; so are _line and _error, so a corrected failed-rows
file can be imported again.

Every row is checked before anything is sent: a row with a missing or bad
email, a value that is not valid UTF-8, a bad tag or owner, or a custom field
the site does not have is reported and skipped, never half-written. A column
that is neither a field nor a plausible slug stops the import before it
starts.

By default each row is merged into the contact with its email: only the
fields the row fills in change (read, merge, write), nothing is blanked, and
a contact that does not exist is created. --overwrite instead makes each row
the whole contact (the API's create_customer upsert): a row for an existing
email OVERWRITES that contact, blanking every field the row leaves empty and
resetting an empty status to the default.

--dry-run writes nothing. With a site configured it reads the site and says
how many rows are new and how many existing contacts each mode would change;
without one it only checks the rows.

A custom field the site does not define is refused (the site would drop the
value without a word); --allow-unknown-custom-fields sends it anyway.

Rows are sent --concurrency at a time. At the end a summary counts the
contacts created, updated and failed, and the failed rows are written, with
the reason, to a CSV file (--failed-out, default FILE.failed.csv).

Exit code: 0 if every row was written, 4 if some failed (see the failed-rows
file), 3 if the site refused the credentials (nothing written), 1 if the file
cannot be read (nothing written).`,
		Example: `  jpcrm customers import contacts.csv --dry-run
  jpcrm customers import contacts.csv
  jpcrm customers import full-records.csv --overwrite
  jpcrm customers export -o jsonl | jpcrm customers import - --format jsonl`,
		Args: exactArgs(1, "one FILE (or - for stdin)"),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"csv", "jsonl", "ndjson"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runImport(cmd, args[0], &o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.dryRun, "dry-run", false, "check every row and report what each mode would change; write nothing (reads the site when configured)")
	f.BoolVar(&o.overwrite, "overwrite", false, "make each row the whole contact: BLANKS the fields a row leaves empty (default: merge)")
	f.BoolVar(&o.update, "update", false, "merge (the default): change only the fields a row fills in")
	_ = f.MarkHidden("update")
	f.BoolVar(&o.allowUnknownCustomFields, "allow-unknown-custom-fields", false, "send custom fields the site does not define (it drops them silently)")
	f.IntVar(&o.concurrency, "concurrency", jetpackcrm.DefaultBulkConcurrency, fmt.Sprintf("requests in flight, 1 to %d", jetpackcrm.MaxBulkConcurrency))
	f.StringVar(&o.failedOut, "failed-out", "", "where to write the failed rows (default: FILE.failed.csv next to FILE)")
	f.StringVar(&o.format, "format", "", "csv or jsonl (default: from the file name)")
	f.BoolVar(&o.noProgress, "no-progress", false, "no progress bar (there is none unless stderr is a terminal)")
	_ = cmd.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{formatCSV, formatJSONL}, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// importFormat picks the file format from --format or the file name.
func importFormat(path, flag string) (string, error) {
	switch strings.ToLower(flag) {
	case formatCSV:
		return formatCSV, nil
	case formatJSONL, "ndjson":
		return formatJSONL, nil
	case "":
	default:
		return "", usageErrorf("--format %s: want csv or jsonl", flag)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return formatCSV, nil
	case ".jsonl", ".ndjson":
		return formatJSONL, nil
	}
	return "", usageErrorf("cannot tell the format of %q from its name: give --format csv or --format jsonl", path)
}

// defaultFailedPath is FILE.failed.csv next to FILE.
func defaultFailedPath(path string) string {
	if path == "-" {
		return "import.failed.csv"
	}
	return strings.TrimSuffix(path, filepath.Ext(path)) + ".failed.csv"
}

// importSummary is the result of an import, printed as text or JSON.
type importSummary struct {
	File           string `json:"file"`
	Mode           string `json:"mode"`
	DryRun         bool   `json:"dry_run"`
	Rows           int    `json:"rows"`
	Valid          int    `json:"valid"`
	Created        int    `json:"created"`
	Updated        int    `json:"updated"`
	Unchanged      int    `json:"unchanged"`
	Failed         int    `json:"failed"`
	Invalid        int    `json:"invalid"`
	Refused        int    `json:"refused"`
	Interrupted    int    `json:"interrupted,omitempty"`
	FailedRowsFile string `json:"failed_rows_file,omitempty"`
	// DryRunSite is what a dry run learnt from the site (nil without one).
	DryRunSite *dryRunSite `json:"dry_run_site,omitempty"`
}

// dryRunSite is what a dry run says the import would do on the site.
type dryRunSite struct {
	// New rows would create a contact; Existing rows name one.
	New      int `json:"new"`
	Existing int `json:"existing"`
	// MergeChanges and OverwriteChanges count the existing contacts each
	// mode would change; the others it would leave as they are.
	MergeChanges     int `json:"merge_changes"`
	OverwriteChanges int `json:"overwrite_changes"`
}

func (a *app) runImport(cmd *cobra.Command, path string, o *importOptions) error {
	format, err := a.outputFormat(cmd, formatTable, formatTable, formatJSON, formatJSONL)
	if err != nil {
		return err
	}
	if o.concurrency < 1 || o.concurrency > jetpackcrm.MaxBulkConcurrency {
		return usageErrorf("--concurrency must be between 1 and %d, got %d", jetpackcrm.MaxBulkConcurrency, o.concurrency)
	}
	if o.update && o.overwrite {
		return usageErrorf("--update (merge) and --overwrite do not go together")
	}
	fileFormat, err := importFormat(path, o.format)
	if err != nil {
		return err
	}
	failedPath := o.failedOut
	if failedPath == "" {
		failedPath = defaultFailedPath(path)
	}
	if path != "-" && filepath.Clean(failedPath) == filepath.Clean(path) {
		return usageErrorf("--failed-out must not be the input file")
	}
	if o.allowUnknownCustomFields {
		a.clientOpts = append(a.clientOpts, jetpackcrm.WithoutCustomFieldCheck())
	}

	// Configuration problems stop the import before the file is read. A
	// dry run without a site only checks the rows.
	c, err := a.apiClient()
	if err != nil && !(o.dryRun && errors.Is(err, errNotConfigured)) {
		return err
	}

	name, in := path, io.Reader(a.stdin)
	if path == "-" {
		name = "stdin"
	} else {
		fh, err := os.Open(path)
		if err != nil {
			return err
		}
		defer fh.Close()
		in = fh
	}
	file, err := readImportFile(name, fileFormat, in)
	if err != nil {
		return err
	}
	if len(file.ignored) > 0 {
		fmt.Fprintf(a.stderr, "note: skipping read-only columns: %s\n", strings.Join(file.ignored, ", "))
	}

	ctx := cmd.Context()
	var sendErr error
	var site *dryRunSite
	if c != nil && countValid(file.rows) > 0 {
		if o.dryRun {
			site, sendErr = a.decideRows(ctx, c, file.rows, o)
		} else {
			sendErr = a.sendRows(ctx, c, file.rows, o)
		}
	}

	sum := summarize(file, o)
	sum.DryRunSite = site
	if sum.Failed > 0 {
		if err := writeFailedRows(failedPath, file); err != nil {
			return fmt.Errorf("writing the failed rows: %w", err)
		}
		sum.FailedRowsFile = failedPath
		a.listFailures(file.rows)
	}
	if err := a.printSummary(format, sum, o); err != nil {
		return err
	}
	switch {
	case sendErr != nil && o.dryRun:
		return fmt.Errorf("dry run stopped before every row was checked: %w", sendErr)
	case sendErr != nil && sum.Created+sum.Updated == 0:
		return fmt.Errorf("nothing was imported: %w", sendErr)
	case sendErr != nil:
		return fmt.Errorf("import stopped before every row was sent (the failed-rows file lists those not sent): %w", sendErr)
	case sum.Failed > 0:
		return silent(exitPartial)
	}
	return nil
}

func countValid(rows []*importRow) int {
	n := 0
	for _, r := range rows {
		if r.err == nil {
			n++
		}
	}
	return n
}

// validRows returns the rows to send and their requests.
func validRows(rows []*importRow) ([]*importRow, []*jetpackcrm.CustomerRequest) {
	var valid []*importRow
	var reqs []*jetpackcrm.CustomerRequest
	for _, r := range rows {
		if r.err == nil {
			valid = append(valid, r)
			reqs = append(reqs, r.req)
		}
	}
	return valid, reqs
}

// progress returns an OnResult callback that draws a progress bar on a
// terminal (none when stderr is not one, or with --no-progress), and the
// function that ends it.
func (a *app) progress(n int, what string, o *importOptions) (func(jetpackcrm.BulkResult), func()) {
	if o.noProgress || !a.stderrIsTerminal() {
		return nil, func() {}
	}
	bar := newProgressBar(a.stderr, n, what, 100*time.Millisecond)
	return func(jetpackcrm.BulkResult) { _ = bar.Add(1) }, func() { _ = bar.Finish() }
}

// newProgressBar is the import's progress bar: rows done of n, rows per
// second and the time left, redrawn at most every throttle.
func newProgressBar(w io.Writer, n int, what string, throttle time.Duration) *progressbar.ProgressBar {
	return progressbar.NewOptions(n,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionSetWidth(30),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(throttle),
		progressbar.OptionClearOnFinish(),
	)
}

// failRow records a failed result on its row: refused before sending (a
// *ValidationError, e.g. an unknown custom field), cut short by the
// interruption, or refused by the site or the network.
func (a *app) failRow(ctx context.Context, r *importRow, err error) {
	r.err = errors.New(a.redact(err.Error()))
	var ve *jetpackcrm.ValidationError
	switch {
	case errors.As(err, &ve):
		// Said like the checks of the file: the column and the reason.
		r.err, r.outcome = rowError(columnForSDKField(ve.Field), "%s", a.redact(ve.Reason)), rowInvalid
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		r.outcome = rowInterrupted
	default:
		r.outcome = rowRefused
	}
}

// sendRows writes the valid rows through Customers.Sync, which writes only
// the contacts a row changes, and records each row's outcome. The error is
// non-nil only if the import stopped early (ctx ended, or the site refused
// the credentials).
func (a *app) sendRows(ctx context.Context, c *jetpackcrm.Client, rows []*importRow, o *importOptions) error {
	valid, reqs := validRows(rows)
	onResult, done := a.progress(len(reqs), "importing", o)
	results, err := c.Customers.Sync(ctx, reqs, jetpackcrm.SyncOptions{Concurrency: o.concurrency, Overwrite: o.overwrite, OnResult: onResult})
	done()
	if results == nil { // refused options: nothing was sent
		return err
	}
	for i, r := range valid {
		res := results[i]
		if res.Err != nil {
			a.failRow(ctx, r, res.Err)
			continue
		}
		switch res.Outcome {
		case jetpackcrm.BulkCreated:
			r.outcome = rowCreated
		case jetpackcrm.BulkUnchanged:
			r.outcome = rowUnchanged
		default:
			r.outcome = rowUpdated
		}
	}
	return err
}

// decideRows is the dry run against the site: it asks the SDK what a merge
// and what an overwrite of the valid rows would do, writing nothing, and
// counts the rows that are new and the existing contacts each mode would
// change. Rows the SDK refuses are marked failed. The error is non-nil only
// if ctx ended first.
func (a *app) decideRows(ctx context.Context, c *jetpackcrm.Client, rows []*importRow, o *importOptions) (*dryRunSite, error) {
	valid, reqs := validRows(rows)
	onResult, done := a.progress(2*len(reqs), "checking", o)
	merge, err := c.Customers.Sync(ctx, reqs, jetpackcrm.SyncOptions{Concurrency: o.concurrency, DryRun: true, OnResult: onResult})
	var overwrite []jetpackcrm.BulkResult
	if err == nil {
		overwrite, err = c.Customers.Sync(ctx, reqs, jetpackcrm.SyncOptions{Concurrency: o.concurrency, Overwrite: true, DryRun: true, OnResult: onResult})
	}
	done()
	if merge == nil || overwrite == nil {
		return nil, err
	}
	site := &dryRunSite{}
	for i, r := range valid {
		m, w := merge[i], overwrite[i]
		switch {
		case m.Err != nil:
			a.failRow(ctx, r, m.Err)
		case w.Err != nil:
			a.failRow(ctx, r, w.Err)
		case m.Outcome == jetpackcrm.BulkCreated:
			site.New++
		default:
			site.Existing++
			if m.Outcome == jetpackcrm.BulkUpdated {
				site.MergeChanges++
			}
			if w.Outcome == jetpackcrm.BulkUpdated {
				site.OverwriteChanges++
			}
		}
	}
	return site, err
}

func summarize(f *importFile, o *importOptions) importSummary {
	s := importSummary{File: f.name, Mode: o.mode(), DryRun: o.dryRun, Rows: len(f.rows)}
	for _, r := range f.rows {
		switch {
		case r.err != nil && r.outcome == rowRefused:
			s.Refused++
		case r.err != nil && r.outcome == rowInterrupted:
			s.Interrupted++
		case r.err != nil:
			s.Invalid++
		case r.outcome == rowCreated:
			s.Created++
		case r.outcome == rowUpdated:
			s.Updated++
		case r.outcome == rowUnchanged:
			s.Unchanged++
		}
		if r.err == nil {
			s.Valid++
		}
	}
	s.Failed = s.Invalid + s.Refused + s.Interrupted
	if o.dryRun {
		s.Created, s.Updated, s.Unchanged = 0, 0, 0
	}
	return s
}

func (a *app) printSummary(format string, s importSummary, o *importOptions) error {
	if format != formatTable {
		if format == formatJSONL {
			return renderList(a.stdout, formatJSONL, []importSummary{s}, view[importSummary]{})
		}
		return writeJSON(a.stdout, s)
	}
	w := a.stdout
	if o.dryRun {
		fmt.Fprintf(w, "%s: %d rows checked, nothing written (dry run)\n", s.File, s.Rows)
		fmt.Fprintf(w, "  valid      %6d\n", s.Valid)
		fmt.Fprintf(w, "  invalid    %6d\n", s.Invalid)
		if d := s.DryRunSite; d != nil {
			if s.Refused > 0 {
				fmt.Fprintf(w, "  unchecked  %6d  (the site could not be asked)\n", s.Refused)
			}
			fmt.Fprintf(w, "  new        %6d  (would be created)\n", d.New)
			fmt.Fprintf(w, "  existing   %6d\n", d.Existing)
			fmt.Fprintf(w, "    merge      would change %d, leave %d as they are (the default)\n", d.MergeChanges, d.Existing-d.MergeChanges)
			fmt.Fprintf(w, "    overwrite  would change %d, leave %d as they are (--overwrite)\n", d.OverwriteChanges, d.Existing-d.OverwriteChanges)
		}
	} else {
		fmt.Fprintf(w, "%s: %d rows, %s\n", s.File, s.Rows, s.Mode)
		fmt.Fprintf(w, "  created    %6d\n", s.Created)
		fmt.Fprintf(w, "  updated    %6d\n", s.Updated)
		fmt.Fprintf(w, "  unchanged  %6d\n", s.Unchanged)
		detail := fmt.Sprintf("%d invalid, %d refused by the site", s.Invalid, s.Refused)
		if s.Interrupted > 0 {
			detail += fmt.Sprintf(", %d not sent or cut short by the interruption", s.Interrupted)
		}
		fmt.Fprintf(w, "  failed     %6d  (%s)\n", s.Failed, detail)
	}
	if s.FailedRowsFile != "" {
		fmt.Fprintf(w, "Failed rows, with the reason, are in %s\n", s.FailedRowsFile)
	}
	if o.dryRun && s.DryRunSite == nil && s.Valid > 0 {
		fmt.Fprintln(w, "No site is configured: the rows were checked on their own (custom fields for their form only), and nothing tells which exist.")
	}
	return nil
}

// listFailures shows the first failed rows on stderr.
func (a *app) listFailures(rows []*importRow) {
	n := 0
	for _, r := range rows {
		if r.err == nil {
			continue
		}
		if n++; n <= maxListedFailures {
			fmt.Fprintf(a.stderr, "line %d: %s\n", r.line, a.redact(r.err.Error()))
		}
	}
	if n > maxListedFailures {
		fmt.Fprintf(a.stderr, "... and %d more failed rows\n", n-maxListedFailures)
	}
}

// writeFailedRows writes the failed rows to path as CSV: _line, _error and
// then the row as read (the CSV columns, or the JSONL line as _json). An
// import skips _line and _error, so the file can be corrected and imported
// again. The file holds contact data: it is created readable by its owner
// only.
func writeFailedRows(path string, f *importFile) error {
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(out)
	header := []string{"_line", "_error"}
	if f.format == formatCSV {
		header = append(header, f.header...)
	} else {
		header = append(header, "_json")
	}
	_ = cw.Write(header)
	for _, r := range f.rows {
		if r.err == nil {
			continue
		}
		rec := []string{fmt.Sprint(r.line), r.err.Error()}
		if f.format == formatCSV {
			rec = append(rec, r.raw...)
		} else {
			rec = append(rec, r.json)
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
