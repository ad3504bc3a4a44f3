package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
)

// importOptions are the flags of customers import.
type importOptions struct {
	dryRun      bool
	update      bool
	concurrency int
	failedOut   string
	format      string
	noProgress  bool
}

// walkPerPage is the page size of the walk that finds existing contacts.
const walkPerPage = jetpackcrm.DefaultIteratorPerPage

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

By default each row is an upsert (the API's create_customer): a row for an
existing email OVERWRITES that contact, blanking every field the row leaves
empty and resetting an empty status to the default. --update instead changes
only the fields the row fills in (read, merge, write), and creates contacts
that do not exist yet.

Rows are sent --concurrency at a time. At the end a summary counts the
contacts created, updated and failed, and the failed rows are written, with
the reason, to a CSV file (--failed-out, default FILE.failed.csv).

Exit code: 0 if every row was written, 4 if some failed (see the failed-rows
file), 3 if the site refused the credentials (nothing written), 1 if the file
cannot be read (nothing written).`,
		Example: `  jpcrm customers import contacts.csv --dry-run
  jpcrm customers import contacts.csv
  jpcrm customers import changes.csv --update
  jpcrm customers export -o jsonl | jpcrm customers import - --format jsonl --update`,
		Args: exactArgs(1, "one FILE (or - for stdin)"),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"csv", "jsonl", "ndjson"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runImport(cmd, args[0], &o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.dryRun, "dry-run", false, "check every row and report; send nothing (no configuration needed)")
	f.BoolVar(&o.update, "update", false, "change only the fields a row fills in (no blanking); create missing contacts")
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
	Failed         int    `json:"failed"`
	Invalid        int    `json:"invalid"`
	Refused        int    `json:"refused"`
	Interrupted    int    `json:"interrupted,omitempty"`
	FailedRowsFile string `json:"failed_rows_file,omitempty"`
}

func (a *app) runImport(cmd *cobra.Command, path string, o *importOptions) error {
	format, err := a.outputFormat(cmd, formatTable, formatTable, formatJSON, formatJSONL)
	if err != nil {
		return err
	}
	if o.concurrency < 1 || o.concurrency > jetpackcrm.MaxBulkConcurrency {
		return usageErrorf("--concurrency must be between 1 and %d, got %d", jetpackcrm.MaxBulkConcurrency, o.concurrency)
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

	// Configuration problems stop the import before the file is read.
	var c *jetpackcrm.Client
	if !o.dryRun {
		if c, err = a.apiClient(); err != nil {
			return err
		}
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
	if !o.dryRun && countValid(file.rows) > 0 {
		facts, err := a.inspectSite(ctx, c, file.rows, o)
		if err != nil {
			return fmt.Errorf("nothing was imported: %w", err)
		}
		facts.checkCustomFields(a, file.rows)
		sendErr = a.sendRows(ctx, c, file.rows, facts, o)
	}

	sum := summarize(file, o)
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

// siteFacts is what the import learns from the site before writing.
type siteFacts struct {
	// slugs are the custom-field slugs of the site's contacts; nil when the
	// site has no contact to learn them from.
	slugs map[string]bool
	// existing holds the lower-cased emails (and aliases) of the contacts
	// that exist, for telling created from updated in upsert mode.
	existing map[string]bool
}

// inspectSite reads what the import needs to know before writing: which
// custom fields the site's contacts have and, in upsert mode (where the API
// does not say whether an upsert created or overwrote), which emails exist.
//
// Finding the existing emails costs one request per 100 contacts of the
// site by walking Customers.All, or one request per email of the file by
// GetByEmail. The walk is tried first, as it is cheaper whenever the site
// has fewer than 100 contacts per row imported (the usual case); once it has
// read as many pages as the file has emails, the remaining emails are looked
// up one by one instead, so the cost is never more than twice the cheaper
// method's.
func (a *app) inspectSite(ctx context.Context, c *jetpackcrm.Client, rows []*importRow, o *importOptions) (*siteFacts, error) {
	facts := &siteFacts{}
	needSlugs := false
	emails := map[string]string{} // lower-cased -> as written
	var order []string
	for _, r := range rows {
		if r.err != nil {
			continue
		}
		needSlugs = needSlugs || len(r.req.CustomFields) > 0
		k := strings.ToLower(r.req.Email)
		if _, ok := emails[k]; !ok {
			emails[k] = r.req.Email
			order = append(order, k)
		}
	}
	learn := func(cust *jetpackcrm.Customer) {
		if facts.slugs == nil {
			facts.slugs = map[string]bool{}
		}
		for k := range cust.CustomFields {
			facts.slugs[k] = true
		}
	}
	if o.update {
		if !needSlugs {
			return facts, nil
		}
		list, _, err := c.Customers.List(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{Page: 1, PerPage: 1}})
		if err != nil {
			return nil, err
		}
		for _, cust := range list {
			learn(cust)
		}
		return facts, nil
	}

	facts.existing = map[string]bool{}
	budget := len(order) * walkPerPage
	read, complete := 0, true
	for cust, err := range c.Customers.All(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: walkPerPage}}) {
		if err != nil {
			return nil, err
		}
		learn(cust)
		facts.existing[strings.ToLower(cust.Email)] = true
		for _, al := range cust.Aliases {
			facts.existing[strings.ToLower(al)] = true
		}
		if read++; read >= budget {
			complete = false
			break
		}
	}
	var todo []string
	if !complete {
		for _, k := range order {
			if !facts.existing[k] {
				todo = append(todo, emails[k])
			}
		}
	}
	if a.logger != nil {
		a.logger.Debug("import: existing contacts", "contacts_read", read, "walk_complete", complete, "lookups", len(todo))
	}
	if len(todo) == 0 {
		return facts, nil
	}
	found, err := lookupEmails(ctx, c, todo, o.concurrency)
	if err != nil {
		return nil, err
	}
	for _, e := range found {
		facts.existing[strings.ToLower(e)] = true
	}
	return facts, nil
}

// lookupEmails returns the emails that name a contact, looking them up
// concurrency at a time.
func lookupEmails(ctx context.Context, c *jetpackcrm.Client, emails []string, concurrency int) ([]string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		found    []string
		firstErr error
		wg       sync.WaitGroup
	)
	work := make(chan string)
	for range min(concurrency, len(emails)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range work {
				_, _, err := c.Customers.GetByEmail(ctx, e)
				mu.Lock()
				switch {
				case err == nil:
					found = append(found, e)
				case errors.Is(err, jetpackcrm.ErrNotFound):
				case firstErr == nil:
					firstErr = err
					cancel()
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, e := range emails {
		select {
		case work <- e:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return found, firstErr
}

// checkCustomFields refuses rows that set a custom field the site's
// contacts do not have: the API would drop the value without a word.
func (f *siteFacts) checkCustomFields(a *app, rows []*importRow) {
	if f.slugs == nil {
		unchecked := map[string]bool{}
		for _, r := range rows {
			if r.err == nil {
				for k := range r.req.CustomFields {
					unchecked[k] = true
				}
			}
		}
		if len(unchecked) > 0 {
			fmt.Fprintf(a.stderr, "warning: the site has no contact yet, so custom fields %s cannot be checked; the site ignores a slug it does not know\n",
				strings.Join(slices.Sorted(maps.Keys(unchecked)), ", "))
		}
		return
	}
	known := slices.Sorted(maps.Keys(f.slugs))
	for _, r := range rows {
		if r.err != nil {
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(r.req.CustomFields)) {
			if !f.slugs[k] {
				hint := "the site's contacts have none"
				if len(known) > 0 {
					hint = "the site's are " + strings.Join(known, ", ")
				}
				r.err = rowError(k, "no such custom field on the site (%s)", hint)
				r.req, r.outcome = nil, rowInvalid
				break
			}
		}
	}
}

// sendRows writes the valid rows through Customers.UpsertMany and records
// each row's outcome. The error is non-nil only if ctx ended first.
func (a *app) sendRows(ctx context.Context, c *jetpackcrm.Client, rows []*importRow, facts *siteFacts, o *importOptions) error {
	var valid []*importRow
	var reqs []*jetpackcrm.CustomerRequest
	for _, r := range rows {
		if r.err == nil {
			valid = append(valid, r)
			reqs = append(reqs, r.req)
		}
	}
	if len(reqs) == 0 {
		return nil
	}
	var bar *progressbar.ProgressBar
	if !o.noProgress && a.stderrIsTerminal() {
		bar = progressbar.NewOptions(len(reqs),
			progressbar.OptionSetWriter(a.stderr),
			progressbar.OptionSetDescription("importing"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	results, err := c.Customers.UpsertMany(ctx, reqs, jetpackcrm.BulkOptions{
		Concurrency: o.concurrency,
		Merge:       o.update,
		OnResult: func(jetpackcrm.BulkResult) {
			if bar != nil {
				_ = bar.Add(1)
			}
		},
	})
	if bar != nil {
		_ = bar.Finish()
	}
	if results == nil { // refused options: nothing was sent
		return err
	}
	// Outcomes in input order: in upsert mode, the first successful row of
	// an email that did not exist created it; any later one updated it.
	created := map[string]bool{}
	for i, r := range valid {
		res := results[i]
		if res.Err != nil {
			r.outcome, r.err = rowRefused, errors.New(a.redact(res.Err.Error()))
			if ctx.Err() != nil && errors.Is(res.Err, ctx.Err()) {
				r.outcome = rowInterrupted
			}
			continue
		}
		switch res.Outcome {
		case jetpackcrm.BulkCreated:
			r.outcome = rowCreated
		case jetpackcrm.BulkUpdated:
			r.outcome = rowUpdated
		default:
			k := strings.ToLower(r.req.Email)
			if facts.existing[k] || created[k] {
				r.outcome = rowUpdated
			} else {
				r.outcome = rowCreated
				created[k] = true
			}
		}
	}
	return err
}

func summarize(f *importFile, o *importOptions) importSummary {
	s := importSummary{File: f.name, Mode: "upsert", DryRun: o.dryRun, Rows: len(f.rows)}
	if o.update {
		s.Mode = "update"
	}
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
		}
		if r.err == nil {
			s.Valid++
		}
	}
	s.Failed = s.Invalid + s.Refused + s.Interrupted
	if o.dryRun {
		s.Created, s.Updated = 0, 0
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
		fmt.Fprintf(w, "%s: %d rows checked, nothing sent (dry run)\n", s.File, s.Rows)
		fmt.Fprintf(w, "  valid    %6d\n", s.Valid)
		fmt.Fprintf(w, "  invalid  %6d\n", s.Invalid)
	} else {
		fmt.Fprintf(w, "%s: %d rows, %s\n", s.File, s.Rows, s.Mode)
		fmt.Fprintf(w, "  created  %6d\n", s.Created)
		fmt.Fprintf(w, "  updated  %6d\n", s.Updated)
		detail := fmt.Sprintf("%d invalid, %d refused by the site", s.Invalid, s.Refused)
		if s.Interrupted > 0 {
			detail += fmt.Sprintf(", %d not sent or cut short by the interruption", s.Interrupted)
		}
		fmt.Fprintf(w, "  failed   %6d  (%s)\n", s.Failed, detail)
	}
	if s.FailedRowsFile != "" {
		fmt.Fprintf(w, "Failed rows, with the reason, are in %s\n", s.FailedRowsFile)
	}
	if o.dryRun && s.Valid > 0 {
		fmt.Fprintln(w, "Custom-field columns were checked for their form only: a dry run does not read the site.")
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
