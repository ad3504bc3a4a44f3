package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// smallCSV has two new contacts, one existing (seeded) contact, a bad email
// and a value that is not UTF-8.
const smallCSV = "email,fname,lname,city,status,tags\n" +
	"ada@example.com,Ada,Lovelace,London,Lead,\"vip, newsletter\"\n" +
	"charles@example.com,Charles,Babbage,London,Customer,\n" +
	"grace.lovelace.1@example.com,Grace,Hopper,Arlington,Customer,\n" +
	"not-an-email,Bad,Row,Nowhere,Lead,\n" +
	"edsger@example.com,Edsger,Dijkstra,\xffmsterdam,Lead,\n"

// tmpless replaces the temp dir of path in s, for golden files.
func tmpless(s, path string) string { return strings.ReplaceAll(s, filepath.Dir(path), "TMP") }

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	require.NoError(t, err)
	return rows
}

func TestImportSmallCSV(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.SeedContacts(3)
	path := writeFile(t, "contacts.csv", smallCSV)

	r := jpcrm(t, envOf(srv), "", "customers", "import", path)
	assert.Equal(t, exitPartial, r.code, r.stderr)
	golden(t, "import_small.summary", tmpless(r.stdout, path))
	golden(t, "import_small.stderr", r.stderr)
	assert.NotContains(t, r.stderr, "importing", "no progress bar when stderr is not a terminal")

	failed := filepath.Join(filepath.Dir(path), "contacts.failed.csv")
	b, err := os.ReadFile(failed)
	require.NoError(t, err)
	golden(t, "import_small.failed.csv", string(b))
	info, err := os.Stat(failed)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	// What the site holds.
	assert.Len(t, srv.Contacts(), 5)
	ada, found := srv.ContactByEmail("ada@example.com")
	require.True(t, found)
	assert.Equal(t, "London", ada.Address.City)
	assert.Equal(t, []string{"vip", "newsletter"}, ada.Tags)
	grace, _ := srv.ContactByEmail("grace.lovelace.1@example.com")
	assert.Equal(t, "Hopper", grace.LastName)
	_, found = srv.ContactByEmail("edsger@example.com")
	assert.False(t, found, "a row with a bad value is never written")

	// The corrected failed-rows file imports as it is: _line and _error are
	// skipped.
	fixed := strings.NewReplacer("not-an-email", "bad@example.com", "\xffmsterdam", "Amsterdam").Replace(string(b))
	r = ok(t, envOf(srv), "customers", "import", writeFile(t, "fixed.csv", fixed))
	assert.Contains(t, r.stdout, "created         2")
	assert.Contains(t, r.stderr, "skipping read-only columns: _line, _error")
}

func TestImportDryRunSendsNothing(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.SeedContacts(3)
	path := writeFile(t, "contacts.csv", smallCSV)
	before := srv.Contacts()

	// With a site: it reads the site and says what each mode would do.
	r := jpcrm(t, envOf(srv), "", "customers", "import", path, "--dry-run")
	assert.Equal(t, exitPartial, r.code, "a dry run with invalid rows says so")
	golden(t, "import_dry_run.summary", tmpless(r.stdout, path))
	assert.Zero(t, endpointCounts(srv)["create_customer"], "a dry run writes nothing")
	assert.Equal(t, before, srv.Contacts())
	assert.Len(t, readCSV(t, filepath.Join(filepath.Dir(path), "contacts.failed.csv")), 3)

	// It needs no configuration (then it checks the rows only), and exits
	// 0 when every row is valid.
	good := writeFile(t, "good.csv", "Email,FirstName\nx@example.com,X\n")
	r = ok(t, nil, "customers", "import", good, "--dry-run")
	assert.Contains(t, r.stdout, "valid           1")
	assert.Contains(t, r.stdout, "No site is configured")
	_, err := os.Stat(filepath.Join(filepath.Dir(good), "good.failed.csv"))
	assert.True(t, os.IsNotExist(err), "no failed-rows file without failures")
}

// TestImportDryRunCountsWhatEachModeWouldChange: a row that repeats what
// the site holds is no change for a merge, but an overwrite of it still
// blanks the fields the row leaves out.
func TestImportDryRunCountsWhatEachModeWouldChange(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.SeedContacts(3) // grace.lovelace.1 (Customer, Arlington, +1 555 0001), alan.lovelace.2 ...
	path := writeFile(t, "c.csv", "email,city,status\n"+
		"grace.lovelace.1@example.com,Arlington,Customer\n"+ // merge: unchanged; overwrite: blanks names and phone
		"alan.lovelace.2@example.com,Paris,Lead\n"+ // both change it
		"new@example.com,Rome,Lead\n")
	r := ok(t, envOf(srv), "customers", "import", path, "--dry-run", "-o", "json")
	var sum importSummary
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &sum))
	assert.Equal(t, &dryRunSite{New: 1, Existing: 2, MergeChanges: 1, OverwriteChanges: 2}, sum.DryRunSite)
	assert.Zero(t, endpointCounts(srv)["create_customer"])
}

// TestImport1000Rows imports 1,000 rows of which 20 are bad in different
// ways: the 980 good ones are written, the 20 bad ones reported, and nothing
// else on the site changes.
func TestImport1000Rows(t *testing.T) {
	t.Parallel()
	srv := newFake(t, jetpackcrmtest.WithContactCustomFields("membership-level"))
	srv.SeedContacts(25)
	before := srv.Contacts()

	bad := map[int]string{ // row index -> what is wrong with it
		10: "email", 60: "email", 110: "email", 160: "email", 210: "email", 260: "email",
		310: "noemail", 360: "noemail", 410: "noemail", 460: "noemail",
		510: "utf8", 560: "utf8", 610: "utf8",
		660: "fields", 710: "fields",
		760: "assign", 810: "assign",
		860: "sticky", 910: "sticky",
		960: "custom",
	}
	badEmails := []string{"plain", "two@@example.com", "nodot@localhost", "sp ace@example.com", "Ada <ada@example.com>", "zoë@example.com"}
	var sb strings.Builder
	sb.WriteString("Email,FirstName,lname,City,assign,sticky,membership-level,nickname\n")
	var wantBadLines []int
	for i := range 1000 {
		email := fmt.Sprintf("person%04d@import.example", i)
		fname, city, assign, sticky, level, nick := fmt.Sprintf("P%d", i), "Leeds", "", "", "silver", ""
		extra := ""
		switch bad[i] {
		case "email":
			email = badEmails[len(wantBadLines)%len(badEmails)]
		case "noemail":
			email = ""
		case "utf8":
			city = "Le\xffds"
		case "fields":
			extra = ",one-too-many"
		case "assign":
			assign = "abc"
		case "sticky":
			sticky = "maybe"
		case "custom":
			nick = "Pip"
		}
		if bad[i] != "" {
			wantBadLines = append(wantBadLines, i+2)
		}
		fmt.Fprintf(&sb, "%s,%s,Row,%s,%s,%s,%s,%s%s\n", csvQuote(email), fname, city, assign, sticky, level, nick, extra)
	}
	path := writeFile(t, "thousand.csv", sb.String())

	began := time.Now()
	r := jpcrm(t, envOf(srv), "", "customers", "import", path, "--concurrency", "8", "-o", "json")
	took := time.Since(began)
	require.Equal(t, exitPartial, r.code, r.stderr)
	var sum importSummary
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &sum))
	assert.Equal(t, importSummary{File: path, Mode: "merge", Rows: 1000, Valid: 980, Created: 980, Failed: 20, Invalid: 20,
		FailedRowsFile: filepath.Join(filepath.Dir(path), "thousand.failed.csv")}, sum)

	// 980 written, the 25 seeded contacts untouched, no bad row written.
	after := srv.Contacts()
	require.Len(t, after, 25+980)
	assert.Equal(t, before, after[:25])
	for i := range 1000 {
		c, found := srv.ContactByEmail(fmt.Sprintf("person%04d@import.example", i))
		if bad[i] != "" {
			assert.Falsef(t, found, "bad row %d (%s) was written", i, bad[i])
			continue
		}
		require.Truef(t, found, "row %d not written", i)
		assert.Equal(t, fmt.Sprintf("P%d", i), c.FirstName)
		assert.Equal(t, "Leeds", c.Address.City)
		assert.Equal(t, "silver", c.CustomFields["membership-level"])
	}
	// Requests: one contact to learn the custom fields, one page of the
	// site's contacts (all 25), a write per good row, and nothing else but
	// a re-read of the list's end per second of creating (SyncOptions.
	// RecheckAfter), so the bound follows how long the import took (a
	// loaded machine takes many seconds).
	counts := endpointCounts(srv)
	assert.Equal(t, 980, counts["create_customer"])
	assert.GreaterOrEqual(t, counts["customers"], 2)
	assert.LessOrEqual(t, counts["customers"], 3+int(took/time.Second), "took %v", took)
	assert.Len(t, counts, 2, "%v", counts)

	// The 20 bad rows are reported, with their line and reason.
	rows := readCSV(t, sum.FailedRowsFile)
	require.Len(t, rows, 21)
	assert.Equal(t, []string{"_line", "_error", "Email", "FirstName", "lname", "City", "assign", "sticky", "membership-level", "nickname"}, rows[0])
	var gotLines []int
	for _, row := range rows[1:] {
		n, err := strconv.Atoi(row[0])
		require.NoError(t, err)
		gotLines = append(gotLines, n)
		assert.NotEmpty(t, row[1])
	}
	assert.Equal(t, wantBadLines, gotLines)
	reasons := strings.Join(func() []string {
		var out []string
		for _, row := range rows[1:] {
			out = append(out, row[1])
		}
		return out
	}(), "\n")
	for _, want := range []string{"email: required", "not a valid email", "City: not valid UTF-8", "has 9 fields, the header has 8",
		`assign: "abc" is not a WordPress user ID`, `sticky: "maybe" is not yes or no`, "nickname: the site defines no such contact custom field"} {
		assert.Contains(t, reasons, want)
	}
	assert.Contains(t, r.stderr, "... and 10 more failed rows")
}

func csvQuote(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

func TestImportMergesByDefault(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.SeedContacts(3)
	// Contact 1 has a mobile phone and a city; the file changes only the
	// city and adds one new contact.
	path := writeFile(t, "changes.csv", "email,city\ngrace.lovelace.1@example.com,Paris\nnew@example.com,Rome\n")
	r := ok(t, envOf(srv), "customers", "import", path)
	golden(t, "import_update.summary", tmpless(r.stdout, path))
	grace, _ := srv.ContactByEmail("grace.lovelace.1@example.com")
	assert.Equal(t, "Paris", grace.Address.City)
	assert.Equal(t, "Grace", grace.FirstName, "a merge keeps the fields the file leaves empty")
	assert.Equal(t, "+1 555 0001", grace.MobilePhone)
	assert.Equal(t, "Customer", grace.Status)
	_, found := srv.ContactByEmail("new@example.com")
	assert.True(t, found)

	// --update, the merge's old flag, is still accepted; it does not go
	// with --overwrite.
	r = ok(t, envOf(srv), "customers", "import", path, "--update")
	assert.Contains(t, r.stdout, "rows, merge")
	r = jpcrm(t, envOf(srv), "", "customers", "import", path, "--update", "--overwrite")
	assert.Equal(t, exitUsage, r.code)

	// --overwrite makes each row the whole contact: it blanks what the
	// file does not send.
	r = ok(t, envOf(srv), "customers", "import", path, "--overwrite", "-o", "json")
	var sum importSummary
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &sum))
	assert.Equal(t, "overwrite", sum.Mode)
	assert.Equal(t, 2, sum.Updated, "both contacts exist now")
	grace, _ = srv.ContactByEmail("grace.lovelace.1@example.com")
	assert.Empty(t, grace.FirstName)
	assert.Empty(t, grace.MobilePhone)
}

func TestImportJSONL(t *testing.T) {
	t.Parallel()
	srv := newFake(t, jetpackcrmtest.WithContactCustomFields("membership-level"))
	srv.SeedContacts(1)
	lines := []string{
		`{"email":"ada@example.com","fname":"Ada","Address":{"City":"London","Postcode":"N1"},"tags":["vip",{"name":"engines"}],"CustomFields":{"membership-level":"gold"}}`,
		`{"Email":"alan@example.com","FirstName":"Alan","mobtel":441234,"sticky":true,"status":"Customer","id":99,"createduts":1700000000}`,
		``,
		`{"email":"bad@example.com","favourite colour":"blue"}`,
		`not json`,
		`{"email":"dup@example.com","fname":"A","FirstName":"B"}`,
		`{"email":"arr@example.com","city":["a"]}`,
	}
	path := writeFile(t, "contacts.jsonl", strings.Join(lines, "\n")+"\n")
	r := jpcrm(t, envOf(srv), "", "customers", "import", path)
	assert.Equal(t, exitPartial, r.code)
	golden(t, "import_jsonl.summary", tmpless(r.stdout, path))
	golden(t, "import_jsonl.failed.csv", func() string {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(path), "contacts.failed.csv"))
		require.NoError(t, err)
		return string(b)
	}())
	assert.Contains(t, r.stderr, "skipping read-only columns: createduts, id")

	ada, found := srv.ContactByEmail("ada@example.com")
	require.True(t, found)
	assert.Equal(t, "London", ada.Address.City)
	assert.Equal(t, "N1", ada.Address.Postcode)
	assert.Equal(t, []string{"vip", "engines"}, ada.Tags)
	assert.Equal(t, "gold", ada.CustomFields["membership-level"])
	alan, _ := srv.ContactByEmail("alan@example.com")
	assert.Equal(t, "441234", alan.MobilePhone)
	assert.Equal(t, "Customer", alan.Status)

	// From stdin.
	r = jpcrm(t, envOf(srv), lines[0]+"\n", "customers", "import", "-", "--format", "jsonl", "--failed-out", filepath.Join(t.TempDir(), "f.csv"))
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "stdin: 1 rows, merge")
}

func TestImportFileErrors(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	env := envOf(srv)
	for name, content := range map[string]string{
		"unknown column":  "email,First Name!\na@example.com,A\n",
		"no email column": "fname,lname\nA,B\n",
		"duplicate":       "email,fname,FirstName\na@example.com,A,B\n",
		"full name":       "email,name\na@example.com,Ada Lovelace\n",
		"builtin slug":    "email,notes\na@example.com,x\n",
		"empty file":      "",
	} {
		path := writeFile(t, "f.csv", content)
		r := jpcrm(t, env, "", "customers", "import", path)
		assert.Equalf(t, exitError, r.code, "%s: %s", name, r.stderr)
		assert.Containsf(t, r.stderr, path, name)
		_, err := os.Stat(filepath.Join(filepath.Dir(path), "f.failed.csv"))
		assert.Truef(t, os.IsNotExist(err), "%s: no failed-rows file", name)
	}
	assert.Zero(t, srv.RequestCount(), "a bad file sends nothing")
	r := jpcrm(t, env, "", "customers", "import", filepath.Join(t.TempDir(), "missing.csv"))
	assert.Equal(t, exitError, r.code)
}

func TestImportAuthFailureWritesNothing(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	path := writeFile(t, "contacts.csv", smallCSV)
	r := jpcrm(t, map[string]string{envURL: srv.URL, envKey: srv.APIKey, envSecret: "jpcrm_sk_wrong"}, "", "customers", "import", path)
	assert.Equal(t, exitAuth, r.code)
	assert.Contains(t, r.stderr, "nothing was imported")
	assert.Empty(t, srv.Contacts())
	assert.Zero(t, endpointCounts(srv)["create_customer"])
}

func TestImportRefusedRows(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	// The second write fails with a PHP fatal error, and retries are off.
	srv.InjectSchedule(jetpackcrmtest.EndpointCreateCustomer, jetpackcrmtest.FaultNone, jetpackcrmtest.Fault500)
	path := writeFile(t, "c.csv", "email\na@example.com\nb@example.com\nc@example.com\n")
	r := jpcrm(t, envOf(srv), "", "customers", "import", path, "--concurrency", "1", "--retries", "0")
	assert.Equal(t, exitPartial, r.code)
	assert.Contains(t, r.stdout, "failed          1  (0 invalid, 1 refused by the site)")
	rows := readCSV(t, filepath.Join(filepath.Dir(path), "c.failed.csv"))
	require.Len(t, rows, 2)
	assert.Equal(t, []string{"3", "b@example.com"}, []string{rows[1][0], rows[1][2]})
	assert.Contains(t, rows[1][1], "500")
	assert.Len(t, srv.Contacts(), 2)
}

// TestImportExistingLookup checks the created/updated classification in
// both modes on a site much bigger than the file: one small page of the
// site's contacts, then a lookup per email.
func TestImportExistingLookup(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	seeded := srv.SeedContacts(300)
	for _, tc := range []struct {
		mode, fname      string
		created, updated int
		// searches: a lookup per email, and a read back after each merge.
		searches int
	}{{"--overwrite", "Updated", 1, 1, 2}, {"--update", "Again", 0, 2, 4}} {
		path := writeFile(t, "two.csv", "email,fname\n"+seeded[249].Email+","+tc.fname+"\nbrand.new@example.com,"+tc.fname+"\n")
		srv.ResetLog()
		r := ok(t, envOf(srv), "customers", "import", path, "-o", "json", tc.mode)
		var sum importSummary
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &sum))
		assert.Equal(t, tc.created, sum.Created, tc.mode)
		assert.Equal(t, tc.updated, sum.Updated, tc.mode)
		assert.Equal(t, map[string]int{"customers": 1, "customer_search": tc.searches, "create_customer": 2}, endpointCounts(srv), tc.mode)
	}
}

func TestImportExportRoundTrip(t *testing.T) {
	t.Parallel()
	srv := demoFake(t, jetpackcrmtest.WithContactCustomFields("membership-level"))
	env := envOf(srv)
	ok(t, env, "customers", "update", "ada@engines.example", "--tags", "vip", "--custom", "membership-level=gold")
	before := srv.Contacts()
	for _, format := range []string{"csv", "jsonl"} {
		out := ok(t, env, "customers", "export", "-o", format).stdout
		path := writeFile(t, "export."+format, out)
		// Both modes find that the site already holds every row: nothing
		// is written.
		srv.ResetLog()
		r := ok(t, env, "customers", "import", path)
		assert.Contains(t, r.stdout, "unchanged      13", format)
		r = ok(t, env, "customers", "import", path, "--overwrite")
		assert.Contains(t, r.stdout, "unchanged      13", format)
		assert.Zero(t, endpointCounts(srv)["create_customer"], format)
		assert.Equal(t, before, srv.Contacts(), "%s: an export imports back unchanged", format)
	}
}

func TestImportInterrupted(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: jetpackcrmtest.EndpointCreateCustomer, Rate: 1,
		Kinds: []jetpackcrmtest.FaultKind{jetpackcrmtest.FaultLatency}, Latency: 20 * time.Millisecond})
	var sb strings.Builder
	sb.WriteString("email\n")
	for i := range 200 {
		fmt.Fprintf(&sb, "slow%d@example.com\n", i)
	}
	path := writeFile(t, "slow.csv", sb.String())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel once some rows are written (a fixed delay wrote none on a
	// loaded machine), polling within a bound.
	go func() {
		defer cancel()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if len(srv.Contacts()) >= 3 {
					return
				}
			}
		}
	}()
	var out, errb strings.Builder
	env := envOf(srv)
	code := runContext(ctx, []string{"customers", "import", path, "--concurrency", "1", "-o", "json"}, nil, &out, &errb,
		func(k string) string { return env[k] })
	assert.Equal(t, exitError, code)
	assert.Contains(t, errb.String(), "import stopped before every row was sent")
	var sum importSummary
	require.NoError(t, json.Unmarshal([]byte(out.String()), &sum))
	assert.Positive(t, sum.Created)
	assert.Positive(t, sum.Interrupted)
	assert.Equal(t, 200, sum.Created+sum.Interrupted)
	written := len(srv.Contacts())
	assert.True(t, written == sum.Created || written == sum.Created+1, "written %d, created %d", written, sum.Created)
	assert.Len(t, readCSV(t, sum.FailedRowsFile), 1+sum.Interrupted)
}

// TestImportProgressBarShowsRateAndETA: on a terminal the import draws rows
// done, rows per second and the time left.
func TestImportProgressBarShowsRateAndETA(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	bar := newProgressBar(&out, 100, "importing", 0)
	for range 10 {
		require.NoError(t, bar.Add(1))
	}
	s := out.String()
	assert.Contains(t, s, "importing")
	assert.Contains(t, s, "10/100")
	assert.Contains(t, s, "rows/s")
	assert.Regexp(t, `\[[0-9]+s:[0-9]+s\]`, s, "elapsed and time left")
}
