package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHelp(t *testing.T) {
	t.Parallel()
	r := ok(t, nil, "--help")
	for _, want := range []string{"customers", "companies", "quotes", "invoices", "transactions", "events",
		"webhook", "status", "fake", "completion", "JCRM_URL", "JCRM_API_KEY", "JCRM_API_SECRET", "--secret-file",
		"4 partial failure"} {
		assert.Contains(t, r.stdout, want)
	}
	assert.Empty(t, r.stderr)

	r = ok(t, nil, "customers", "import", "--help")
	for _, want := range []string{"--dry-run", "--overwrite", "--allow-unknown-custom-fields", "--concurrency", "--failed-out", "FirstName"} {
		assert.Contains(t, r.stdout, want)
	}
	// A group alone prints its help.
	assert.Contains(t, ok(t, nil, "customers").stdout, "export")
}

func TestVersionAndCompletion(t *testing.T) {
	t.Parallel()
	assert.Contains(t, ok(t, nil, "--version").stdout, "jpcrm version")
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		r := ok(t, nil, "completion", shell)
		assert.Contains(t, r.stdout, "jpcrm", shell)
	}
	// Dynamic completion of -o values.
	r := ok(t, nil, "__complete", "customers", "list", "-o", "")
	assert.Contains(t, r.stdout, "jsonl")
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	env := envOf(srv)
	for _, args := range [][]string{
		{"bogus"},
		{"customers", "lsit"},
		{"customers", "list", "--bogus"},
		{"customers", "list", "--all", "--page", "2"},
		{"customers", "list", "--page", "-1"},
		{"customers", "list", "-o", "yaml"},
		{"customers", "get"},
		{"customers", "search"},
		{"customers", "upsert"},
		{"customers", "update", "ada@example.com"},
		{"customers", "import"},
		{"customers", "import", "contacts.txt"},
		{"customers", "import", "x.csv", "--concurrency", "0"},
		{"companies", "create", "--name", "X"},
		{"transactions", "create", "--order-id", "A"},
		{"transactions", "create", "--order-id", "A", "--status", "S", "--total", "abc"},
		{"events", "create", "--title", "T"},
		{"events", "create", "--title", "T", "--from", "tomorrow"},
		{"webhook", "send"},
		{"webhook", "send", "x", "--data", "{not json"},
		{"status", "extra"},
		{"fake", "--addr", "0.0.0.0:0"},
		{"status", "--retries", "-1"},
	} {
		r := jpcrm(t, env, "", args...)
		assert.Equalf(t, exitUsage, r.code, "jpcrm %v\nstderr: %s", args, r.stderr)
		assert.Containsf(t, r.stderr, "--help' for usage", "jpcrm %v", args)
	}
	assert.Contains(t, jpcrm(t, env, "", "customers", "lsit").stderr, "did you mean list?")
	assert.Zero(t, srv.RequestCount(), "usage errors must send nothing")
}

func TestConfiguration(t *testing.T) {
	t.Parallel()
	srv := newFake(t)

	// Nothing set: a usage error naming the three variables.
	r := jpcrm(t, nil, "", "status")
	assert.Equal(t, exitUsage, r.code)
	for _, v := range []string{envURL, envKey, envSecret} {
		assert.Contains(t, r.stderr, v)
	}

	// Flags override the environment.
	bad := map[string]string{envURL: "http://127.0.0.1:1", envKey: "wrong", envSecret: "wrong-secret"}
	ok(t, bad, "status", "--url", srv.URL, "--api-key", srv.APIKey, "--api-secret", srv.APISecret)

	// --secret-file, instead of the variable.
	secretFile := writeFile(t, "secret", srv.APISecret+"\n")
	env := map[string]string{envURL: srv.URL, envKey: srv.APIKey}
	ok(t, env, "status", "--secret-file", secretFile)
	// ... and over it.
	ok(t, map[string]string{envURL: srv.URL, envKey: srv.APIKey, envSecret: "wrong-secret"}, "status", "--secret-file", secretFile)

	r = jpcrm(t, env, "", "status", "--secret-file", secretFile, "--api-secret", "x")
	assert.Equal(t, exitUsage, r.code)
	r = jpcrm(t, env, "", "status", "--secret-file", writeFile(t, "empty", "\n"))
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "is empty")
	r = jpcrm(t, env, "", "status", "--secret-file", filepath.Join(t.TempDir(), "missing"))
	assert.Equal(t, exitUsage, r.code)

	// A world-readable secret file works, with a warning.
	loose := writeFile(t, "loose", srv.APISecret)
	require.NoError(t, os.Chmod(loose, 0o644))
	r = ok(t, env, "status", "--secret-file", loose)
	assert.Contains(t, r.stderr, "readable by other users")

	// A site URL carrying the secret is refused without echoing it.
	r = jpcrm(t, envOf(srv), "", "status", "--url", srv.URL+"/?api_secret="+srv.APISecret)
	assert.Equal(t, exitUsage, r.code)
	assert.NotContains(t, r.stderr, srv.APISecret)
}

func TestSecretNeverPrinted(t *testing.T) {
	t.Parallel()
	srv := demoFake(t)
	env := envOf(srv)
	// --debug logs every attempt; jpcrm() fails the test if the secret
	// appears anywhere in the output.
	r := ok(t, env, "--debug", "customers", "list", "--all")
	assert.Contains(t, r.stderr, "level=DEBUG")
	assert.Contains(t, r.stderr, "endpoint=customers")
	assert.Contains(t, r.stderr, "secret_from=$JCRM_API_SECRET")
	assert.NotContains(t, r.stderr, srv.APIKey)

	// Nor in errors, with the wrong secret.
	wrong := map[string]string{envURL: srv.URL, envKey: srv.APIKey, envSecret: testSecret + "x"}
	r = jpcrm(t, wrong, "", "--debug", "status")
	assert.Equal(t, exitAuth, r.code)
	assert.NotContains(t, r.stderr, testSecret)

	// The redacting stderr catches the secret even in text the SDK did not
	// produce.
	a := newApp(nil, nil, &strings.Builder{}, nil)
	a.stderr.addSecrets("s3cr3t/+=")
	assert.Equal(t, "x [REDACTED] [REDACTED] y", a.redact("x s3cr3t/+= s3cr3t%2F%2B%3D y"))
}

func TestStatus(t *testing.T) {
	t.Parallel()
	srv := newFake(t, jetpackcrmtest.WithModules("api", "invbuilder"), jetpackcrmtest.WithExtension("woosync", "WooSync", "3.1"))
	env := envOf(srv)
	golden(t, "status.table", ok(t, env, "status").stdout)
	golden(t, "status_full.table", ok(t, env, "status", "--full").stdout)
	golden(t, "status.csv", ok(t, env, "status", "-o", "csv").stdout)

	var st map[string]any
	require.NoError(t, json.Unmarshal([]byte(ok(t, env, "status", "-o", "json").stdout), &st))
	assert.Equal(t, "6.4.3", st["crm_version"])

	// Main failure: the site refuses the credentials.
	r := jpcrm(t, map[string]string{envURL: srv.URL, envKey: srv.APIKey, envSecret: "jpcrm_sk_wrong"}, "", "status")
	assert.Equal(t, exitAuth, r.code)
	assert.Contains(t, r.stderr, "401")
	assert.Contains(t, r.stderr, "check JCRM_API_KEY and JCRM_API_SECRET")
	assert.Empty(t, r.stdout)

	// A site that does not answer.
	r = jpcrm(t, map[string]string{envURL: "http://127.0.0.1:1", envKey: "k", envSecret: "secret"}, "", "status", "--retries", "0")
	assert.Equal(t, exitError, r.code)
}

func TestCustomersList(t *testing.T) {
	t.Parallel()
	srv := demoFake(t)
	env := envOf(srv)

	r := ok(t, env, "customers", "list")
	golden(t, "customers_list.table", r.stdout)
	assert.Contains(t, r.stderr, "--page 2")

	golden(t, "customers_list_page2.table", ok(t, env, "customers", "list", "--page", "2", "--per-page", "5").stdout)
	golden(t, "customers_list_all.csv", ok(t, env, "customers", "list", "--all", "-o", "csv").stdout)

	// --all walks every page through the iterator.
	srv.SeedContacts(200)
	srv.ResetLog()
	r = ok(t, env, "customers", "list", "--all", "--per-page", "50", "-o", "jsonl")
	assert.Len(t, strings.Split(strings.TrimSpace(r.stdout), "\n"), 213)
	assert.Equal(t, 5, endpointCounts(srv)["customers"], "213 contacts at 50 per page")

	var list []map[string]any
	require.NoError(t, json.Unmarshal([]byte(ok(t, env, "customers", "list", "-o", "json", "--per-page", "3").stdout), &list))
	assert.Len(t, list, 3)
	assert.Equal(t, "grace.lovelace.1@example.com", list[0]["email"])

	r = ok(t, env, "customers", "list", "--search", "engines", "--with-tags", "--per-page", "2")
	assert.Contains(t, r.stdout, "ada@engines.example")

	// Main failure: refused credentials.
	r = jpcrm(t, map[string]string{envURL: srv.URL, envKey: "jpcrm_pk_wrong", envSecret: srv.APISecret}, "", "customers", "list")
	assert.Equal(t, exitAuth, r.code)
}

func TestCustomersListEmpty(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	r := ok(t, envOf(srv), "customers", "list")
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "No contacts.")
	assert.Equal(t, "[]\n", ok(t, envOf(srv), "customers", "list", "-o", "json").stdout)
}

func TestCustomersGet(t *testing.T) {
	t.Parallel()
	srv := demoFake(t, jetpackcrmtest.WithContactCustomFields("membership-level"))
	env := envOf(srv)
	ok(t, env, "customers", "update", "ada@engines.example", "--tags", "vip,engines", "--custom", "membership-level=gold")
	golden(t, "customers_get.table", ok(t, env, "customers", "get", "ada@engines.example").stdout)
	golden(t, "customers_get.csv", ok(t, env, "customers", "get", "ada@engines.example", "-o", "csv").stdout)

	// Main failure: no such contact.
	r := jpcrm(t, env, "", "customers", "get", "nobody@example.com")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "not found")
	// An address the SDK refuses before sending.
	assert.Equal(t, exitUsage, jpcrm(t, env, "", "customers", "get", "not-an-email").code)
}

func TestCustomersSearch(t *testing.T) {
	t.Parallel()
	srv := demoFake(t)
	env := envOf(srv)
	golden(t, "customers_search.table", ok(t, env, "customers", "search", "london").stdout)
	golden(t, "customers_search.csv", ok(t, env, "customers", "search", "london", "-o", "csv").stdout)

	// --all walks the search pages.
	r := ok(t, env, "customers", "search", "lovelace", "--all", "--per-page", "4", "-o", "jsonl")
	assert.Len(t, strings.Split(strings.TrimSpace(r.stdout), "\n"), 13)

	// Main failure: nothing matches.
	r = ok(t, env, "customers", "search", "zzz-nothing")
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "No contacts match zzz-nothing")
}

func TestCustomersUpsert(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	env := envOf(srv)
	r := ok(t, env, "customers", "upsert", "--email", "ada@example.com", "--first-name", "Ada",
		"--last-name", "Lovelace", "--status", "Lead", "--city", "London", "--tags", "vip, newsletter")
	golden(t, "customers_upsert.table", r.stdout)
	c, found := srv.ContactByEmail("ada@example.com")
	require.True(t, found)
	assert.Equal(t, "London", c.Address.City)
	assert.Equal(t, []string{"vip", "newsletter"}, c.Tags)

	// An upsert overwrites: the city is blanked.
	ok(t, env, "customers", "upsert", "--email", "ada@example.com", "--first-name", "Ada")
	c, _ = srv.ContactByEmail("ada@example.com")
	assert.Empty(t, c.Address.City)

	// Main failure: refused before sending.
	before := srv.RequestCount()
	r = jpcrm(t, env, "", "customers", "upsert", "--email", "ada@@example")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "not a valid email")
	assert.Equal(t, before, srv.RequestCount())
	r = jpcrm(t, env, "", "customers", "upsert", "--email", "ada@example.com", "--custom", "fname=x")
	assert.Equal(t, exitUsage, r.code)
}

func TestCustomersUpdate(t *testing.T) {
	t.Parallel()
	srv := demoFake(t)
	env := envOf(srv)
	r := ok(t, env, "customers", "update", "ada@engines.example", "--city", "Paris")
	assert.Contains(t, r.stdout, "Paris")
	c, _ := srv.ContactByEmail("ada@engines.example")
	assert.Equal(t, "Paris", c.Address.City)
	assert.Equal(t, "Lovelace", c.LastName, "update keeps the other fields")
	assert.Equal(t, "Customer", c.Status)

	ok(t, env, "customers", "update", "ada@engines.example", "--new-email", "ada@lovelace.example")
	_, found := srv.ContactByEmail("ada@lovelace.example")
	assert.True(t, found)

	// Main failure: no such contact.
	r = jpcrm(t, env, "", "customers", "update", "nobody@example.com", "--city", "Paris")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "not found")
}

func TestCustomersExport(t *testing.T) {
	t.Parallel()
	srv := demoFake(t, jetpackcrmtest.WithContactCustomFields("membership-level"))
	env := envOf(srv)
	ok(t, env, "customers", "update", "ada@engines.example", "--tags", "vip", "--custom", "membership-level=gold")
	r := ok(t, env, "customers", "export")
	golden(t, "customers_export.csv", r.stdout)
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	require.NoError(t, err)
	assert.Len(t, rows, 14)

	var n int
	for line := range strings.SplitSeq(strings.TrimSpace(ok(t, env, "customers", "export", "-o", "jsonl").stdout), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m))
		n++
	}
	assert.Equal(t, 13, n)

	// Main failure: refused credentials; nothing on stdout.
	r = jpcrm(t, map[string]string{envURL: srv.URL, envKey: srv.APIKey, envSecret: "jpcrm_sk_nope"}, "", "customers", "export")
	assert.Equal(t, exitAuth, r.code)
	assert.Empty(t, r.stdout)
}

func TestCompanies(t *testing.T) {
	t.Parallel()
	srv := demoFake(t)
	env := envOf(srv)
	golden(t, "companies_list.table", ok(t, env, "companies", "list").stdout)
	golden(t, "companies_list.csv", ok(t, env, "companies", "list", "--all", "-o", "csv").stdout)

	r := ok(t, env, "companies", "create", "--name", "Difference Ltd", "--email", "hello@difference.example", "--city", "Leeds", "--tags", "b2b")
	assert.Contains(t, r.stdout, "Difference Ltd")
	co, found := srv.CompanyByEmail("hello@difference.example")
	require.True(t, found)
	assert.Equal(t, "Leeds", co.Address.City)

	// Main failure: an email the SDK refuses.
	r = jpcrm(t, env, "", "companies", "create", "--name", "X", "--email", "nope")
	assert.Equal(t, exitUsage, r.code)
	// ... and the site's 500 after overwriting an existing company.
	r = jpcrm(t, env, "", "companies", "create", "--name", "Y", "--email", "hello@difference.example", "--retries", "0")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "500")
}

func TestQuotesAndInvoices(t *testing.T) {
	t.Parallel()
	srv := demoFake(t)
	env := envOf(srv)
	golden(t, "quotes_list.table", ok(t, env, "quotes", "list").stdout)
	golden(t, "quotes_list.csv", ok(t, env, "quotes", "list", "-o", "csv").stdout)
	golden(t, "invoices_list.table", ok(t, env, "invoices", "list").stdout)
	golden(t, "invoices_list.csv", ok(t, env, "invoices", "list", "--all", "-o", "csv").stdout)

	// Portal hashes are never printed.
	for _, q := range srv.Quotes() {
		require.NotEmpty(t, q.Hash)
		assert.NotContains(t, ok(t, env, "quotes", "list", "-o", "json").stdout, q.Hash)
	}
	for _, inv := range srv.Invoices() {
		assert.NotContains(t, ok(t, env, "invoices", "list", "-o", "jsonl").stdout, inv.Hash)
	}

	// Main failure: the site fails (a PHP fatal error) and retries are off.
	srv.InjectSchedule(jetpackcrmtest.EndpointQuotes, jetpackcrmtest.Fault500)
	r := jpcrm(t, env, "", "quotes", "list", "--retries", "0")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "500")
	srv.InjectSchedule(jetpackcrmtest.EndpointInvoices, jetpackcrmtest.Fault502)
	r = jpcrm(t, env, "", "invoices", "list", "--retries", "0")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "502")
}

func TestTransactions(t *testing.T) {
	t.Parallel()
	srv := demoFake(t)
	env := envOf(srv)
	golden(t, "transactions_list.table", ok(t, env, "transactions", "list").stdout)
	golden(t, "transactions_list.csv", ok(t, env, "transactions", "list", "-o", "csv").stdout)
	for _, tr := range srv.Transactions() {
		if tr.Hash != "" {
			assert.NotContains(t, ok(t, env, "transactions", "list", "-o", "json").stdout, tr.Hash)
		}
	}

	r := ok(t, env, "transactions", "create", "--order-id", "WC-2001", "--status", "Succeeded", "--total", "99.50",
		"--currency", "GBP", "--email", "ada@engines.example", "--title", "Oil", "--date", "2026-01-04")
	assert.Contains(t, r.stdout, "WC-2001")
	tr, found := srv.TransactionByOrderID("WC-2001")
	require.True(t, found)
	assert.True(t, decimal.RequireFromString(tr.Total).Equal(decimal.RequireFromString("99.5")), tr.Total)

	// Main failure: a zero total, refused before sending.
	r = jpcrm(t, env, "", "transactions", "create", "--order-id", "WC-2002", "--status", "Succeeded", "--total", "0")
	assert.Equal(t, exitUsage, r.code)
	_, found = srv.TransactionByOrderID("WC-2002")
	assert.False(t, found)
}

func TestEvents(t *testing.T) {
	t.Parallel()
	srv := demoFake(t)
	env := envOf(srv)
	golden(t, "events_list.table", ok(t, env, "events", "list").stdout)
	golden(t, "events_list.csv", ok(t, env, "events", "list", "-o", "csv").stdout)

	ada, _ := srv.ContactByEmail("ada@engines.example")
	r := ok(t, env, "events", "create", "--title", "Send the notes", "--from", "2026-03-05 14:00",
		"--customer-id", fmt.Sprint(ada.ID), "--remind")
	assert.Contains(t, r.stdout, "Send the notes")
	evs := srv.Events()
	require.Len(t, evs, 2)
	assert.False(t, evs[1].Complete, "jpcrm must not create tasks as done")
	assert.Equal(t, "2026-03-05 15:00", fmtMinute(evs[1].End), "one hour by default")
	assert.Equal(t, ada.ID, evs[1].ContactID)

	// Main failure: an end before the start.
	r = jpcrm(t, env, "", "events", "create", "--title", "X", "--from", "2026-03-05", "--to", "2026-03-04")
	assert.Equal(t, exitUsage, r.code)
	assert.Len(t, srv.Events(), 2)
}

func TestWebhookSend(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.HandleWebhook("sync_order", func(data json.RawMessage) (any, error) {
		var in struct {
			OrderID int `json:"order_id"`
		}
		if err := json.Unmarshal(data, &in); err != nil {
			return nil, err
		}
		return map[string]any{"synced": in.OrderID}, nil
	})
	env := envOf(srv)
	r := ok(t, env, "webhook", "send", "sync_order", "--data", `{"order_id": 1001}`)
	golden(t, "webhook_send.table", r.stdout)
	r = ok(t, env, "webhook", "send", "sync_order", "--data-file", writeFile(t, "d.json", `{"order_id": 7}`), "-o", "json")
	assert.JSONEq(t, `{"success":true,"data":{"synced":7}}`, r.stdout)
	r = jpcrm(t, env, `{"order_id": 8}`, "webhook", "send", "sync_order", "--data-file", "-", "-o", "jsonl")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, `"synced":8`)

	// Main failure: an action the site does not register.
	r = jpcrm(t, env, "", "webhook", "send", "unknown_action")
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "400")
}

// TestSearchAllEndsWhenTheServerIgnoresPaging: --all used to loop for ever
// (and grow without bound) against a server that answers every page with
// the same records. It walks through the SDK's iterator now: each record
// once, streamed as it arrives, and a paging error at the end.
func TestSearchAllEndsWhenTheServerIgnoresPaging(t *testing.T) {
	t.Parallel()
	var pages atomic.Int32
	firstOut := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if pages.Add(1) == 2 {
			// The first page must be on stdout before the second is served.
			select {
			case <-firstOut:
			case <-time.After(5 * time.Second):
				t.Error("the first page was not written before the second was fetched")
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[{"id":"1","email":"a@example.com"},{"id":"2","email":"b@example.com"}]`)
	}))
	t.Cleanup(ts.Close)
	var out, errb bytes.Buffer
	stdout := &signalWriter{w: &out, first: firstOut}
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"customers", "search", "example", "--all", "--per-page", "2", "-o", "jsonl"}, nil, stdout, &errb,
			func(k string) string {
				return map[string]string{envURL: ts.URL, envKey: testKey, envSecret: testSecret}[k]
			})
	}()
	select {
	case code := <-done:
		assert.Equal(t, exitError, code)
	case <-time.After(10 * time.Second):
		t.Fatal("jpcrm customers search --all did not stop against a server that ignores paging")
	}
	stdout.mu.Lock()
	defer stdout.mu.Unlock()
	assert.Equal(t, 2, strings.Count(out.String(), "\n"), "each contact once: %s", out.String())
	assert.Contains(t, errb.String(), "does not seem to honour paging")
	assert.Equal(t, int32(2), pages.Load())
}

// signalWriter closes first on the first write.
type signalWriter struct {
	mu    sync.Mutex
	w     io.Writer
	first chan struct{}
	once  sync.Once
}

func (s *signalWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.once.Do(func() { close(s.first) })
	return s.w.Write(p)
}

// TestErrorsAreNotDoublePrefixed: the SDK's errors start with
// "jetpackcrm: ", which after "jpcrm: " said nothing.
func TestErrorsAreNotDoublePrefixed(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	r := jpcrm(t, envOf(srv), "", "customers", "get", "nobody@example.com")
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, "jpcrm: Customers.GetByEmail: no contact has this email: not found\n", r.stderr)
	r = jpcrm(t, envOf(srv), "", "customers", "upsert", "--email", "a@example.com", "--first-name", "\xff")
	assert.Equal(t, exitUsage, r.code)
	assert.NotContains(t, r.stderr, "jetpackcrm:")
	assert.True(t, strings.HasPrefix(r.stderr, "jpcrm: Customers.Create: invalid input: FirstName"), r.stderr)
}

// TestCSVExportNeutralisesFormulas: a CRM field that begins like a formula
// is written with a leading apostrophe (a spreadsheet shows it as text),
// and the import takes it off again.
func TestCSVExportNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	values := jetpackcrmtest.Contact{Email: "eve@example.com", FirstName: `=HYPERLINK("http://evil.example","x")`, LastName: "'quoted",
		Prefix: "@home", MobilePhone: "+44 20 7946 0000", HomePhone: "-5", Address: jetpackcrmtest.Address{City: "''twice", Line1: "'plain"}}
	_, err := srv.SeedContact(values)
	require.NoError(t, err)
	out := ok(t, envOf(srv), "customers", "export").stdout
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 2)
	got := map[string]string{}
	for i, h := range recs[0] {
		got[h] = recs[1][i]
	}
	assert.Equal(t, `'=HYPERLINK("http://evil.example","x")`, got["fname"])
	assert.Equal(t, "''quoted", got["lname"])
	assert.Equal(t, "'@home", got["prefix"])
	assert.Equal(t, "'+44 20 7946 0000", got["mobtel"])
	assert.Equal(t, "'-5", got["hometel"])
	assert.Equal(t, "'''twice", got["city"])
	assert.Equal(t, "''plain", got["addr1"])
	for _, cell := range recs[1] {
		if cell != "" {
			assert.NotContains(t, "=+-@\t\r", cell[:1], "cell %q starts like a formula", cell)
		}
	}
	assert.Contains(t, ok(t, nil, "customers", "export", "--help").stdout, "leading apostrophe")

	// Imported back, every value is what it was.
	before, _ := srv.ContactByEmail("eve@example.com")
	ok(t, envOf(srv), "customers", "import", writeFile(t, "export.csv", out), "--overwrite")
	after, _ := srv.ContactByEmail("eve@example.com")
	assert.Equal(t, before.FirstName, after.FirstName)
	assert.Equal(t, before.LastName, after.LastName)
	assert.Equal(t, before.Prefix, after.Prefix)
	assert.Equal(t, before.MobilePhone, after.MobilePhone)
	assert.Equal(t, before.HomePhone, after.HomePhone)
	assert.Equal(t, before.Address, after.Address)
}
