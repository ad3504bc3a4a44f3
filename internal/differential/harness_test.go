package differential_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/internal/realsite"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// scenario is one entry of the suite: run makes SDK calls through r and
// records what they returned and what the site stored. It must not depend
// on which side it runs on.
type scenario struct {
	name string
	run  func(r *run)
}

// inFlight bounds the scenarios running at once, over all sites: the real
// sites share two cores with the test binary.
var inFlight = make(chan struct{}, 6)

// scenarioTimeout bounds one scenario on one side.
const scenarioTimeout = 2 * time.Minute

// TestDifferential runs every scenario against a fresh fake of each real
// site's plugin version and against the site, and compares the normalised
// results. A difference must be in knownDifferences; an entry there that no
// longer differs fails too.
func TestDifferential(t *testing.T) {
	sites := realsite.Require(t)
	checkScenarioList(t)
	for _, s := range sites {
		t.Run("site="+s.Name, func(t *testing.T) {
			t.Parallel()
			testSite(t, s)
		})
	}
}

// checkScenarioList fails on duplicate names and on table entries naming
// no scenario.
func checkScenarioList(t *testing.T) {
	t.Helper()
	names := map[string]bool{}
	for _, sc := range scenarios() {
		if names[sc.name] {
			t.Fatalf("scenario %q is listed twice", sc.name)
		}
		names[sc.name] = true
	}
	for _, k := range knownDifferences {
		if !names[k.scenario] {
			t.Errorf("knownDifferences names scenario %q, which does not exist", k.scenario)
		}
	}
}

// outcome is one scenario's comparison on one site.
type outcome struct {
	name       string
	fake, real result
	differ     []string // the keys whose values differ, sorted
	known      *knownDifference
}

func testSite(t *testing.T, s realsite.Site) {
	version := s.Version
	client := s.Client(t)
	if version == "" {
		st, _, err := client.Status(context.Background())
		if err != nil {
			t.Fatalf("status of %s: %v", s.URL, err)
		}
		version = st.CRMVersion
	}
	bad, err := jetpackcrm.NewClient(s.URL, s.APIKey, s.APISecret+"-wrong", jetpackcrm.WithInsecureHTTP())
	if err != nil {
		t.Fatal(err)
	}
	siteOpts, custom, err := discoverSetup(client, version)
	if err != nil {
		t.Fatalf("reading the set-up of site %s: %v", s.Name, err)
	}
	list := scenarios()
	outcomes := make([]outcome, len(list))
	t.Run("scenarios", func(t *testing.T) {
		for i, sc := range list {
			t.Run(sc.name, func(t *testing.T) {
				t.Parallel()
				inFlight <- struct{}{}
				defer func() { <-inFlight }()
				fake := newFakeSide(siteOpts)
				defer fake.close()
				o := outcome{name: sc.name}
				o.fake = runScenario(t, sc, fake.client, fake.bad, custom)
				o.real = runScenario(t, sc, client, bad, custom)
				o.differ = diffKeys(o.fake, o.real)
				o.known = lookupKnown(sc.name, version)
				outcomes[i] = o
				checkOutcome(t, o, version)
			})
		}
	})
	report(t, s, version, outcomes)
}

// checkOutcome fails on a difference the table does not list, exactly, and
// on a listed one that is gone.
func checkOutcome(t *testing.T, o outcome, version string) {
	t.Helper()
	if msg := verdict(o, version); msg != "" {
		t.Error(msg)
	}
}

// verdict is what is wrong with an outcome, "" when nothing is.
func verdict(o outcome, version string) string {
	switch {
	case len(o.differ) == 0 && o.known != nil:
		return fmt.Sprintf("known difference no longer differs on %s (remove it from knownDifferences): %s", version, o.known.reason)
	case len(o.differ) > 0 && o.known == nil:
		return fmt.Sprintf("fake and site %s differ (fix the fake, or list it in knownDifferences with the reason):\n%s", version, describeDiff(o))
	case len(o.differ) > 0 && !slices.Equal(o.differ, o.known.sortedKeys()):
		return fmt.Sprintf("fake and site %s differ in other keys than knownDifferences lists (%s):\n%s", version,
			strings.Join(o.known.sortedKeys(), ", "), describeDiff(o))
	}
	return ""
}

// report prints the summary line and the known differences, and appends
// them to $JCRM_DIFFERENTIAL_REPORT when set (go test hides the output of
// passing packages; .ci/run prints the file).
func report(t *testing.T, s realsite.Site, version string, outcomes []outcome) {
	agree, ran := 0, 0
	var known []string
	for _, o := range outcomes {
		if o.name == "" {
			continue // not run (go test -run chose others)
		}
		ran++
		if len(o.differ) == 0 {
			agree++
			continue
		}
		if o.known != nil {
			known = append(known, fmt.Sprintf("  %s: %s [%s]", o.name, o.known.reason, strings.Join(o.differ, ", ")))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "differential: %d of %d scenarios agree (Jetpack CRM %s at %s; fake WithCRMVersion(%q))\n",
		agree, ran, s.Name, s.URL, version)
	if len(known) > 0 {
		fmt.Fprintf(&b, "differential: %d known differences on %s:\n%s\n", len(known), s.Name, strings.Join(known, "\n"))
	}
	t.Log("\n" + b.String())
	if dir := os.Getenv("JCRM_DIFFERENTIAL_DUMP"); dir != "" {
		dump(t, dir, s.Name, outcomes)
	}
	if path := os.Getenv("JCRM_DIFFERENTIAL_REPORT"); path != "" {
		reportMu.Lock()
		defer reportMu.Unlock()
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Errorf("report: %v", err)
			return
		}
		defer f.Close()
		_, _ = f.WriteString(b.String())
	}
}

var reportMu sync.Mutex

// dump writes every scenario's two results to dir/<site>.txt, for reading
// what the sites stored.
func dump(t *testing.T, dir, site string, outcomes []outcome) {
	var b strings.Builder
	for _, o := range outcomes {
		if o.name == "" {
			continue
		}
		fmt.Fprintf(&b, "== %s (differ: %s)\n", o.name, strings.Join(o.differ, ", "))
		for _, side := range []struct {
			name string
			res  result
		}{{"fake", o.fake}, {"site", o.real}} {
			for _, l := range side.res {
				fmt.Fprintf(&b, "  %s %s=%s\n", side.name, l.key, l.value)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(dir, site+".txt"), []byte(b.String()), 0o644); err != nil {
		t.Errorf("dump: %v", err)
	}
}

// fakeSide is a fresh fake configured like the sites scripts/sites starts.
type fakeSide struct {
	srv         *jetpackcrmtest.Server
	client, bad *jetpackcrm.Client
}

func newFakeSide(siteOpts []jetpackcrmtest.Option) *fakeSide {
	opts := append([]jetpackcrmtest.Option{
		// The sites' must-use plugin registers these two actions.
		jetpackcrmtest.WithWebhook("jcrm_test_noop", func(json.RawMessage) (any, error) { return nil, nil }),
		jetpackcrmtest.WithWebhook("jcrm_test_echo", func(data json.RawMessage) (any, error) { return data, nil }),
	}, siteOpts...)
	srv := jetpackcrmtest.NewServer(opts...)
	seedLikeSetup(srv)
	bad, err := jetpackcrm.NewClient(srv.URL, srv.APIKey, srv.APISecret+"-wrong")
	if err != nil {
		panic(err)
	}
	return &fakeSide{srv: srv, client: srv.Client(), bad: bad}
}

// discoverSetup reads what a fake needs to be configured like the site: its
// plugin version and the custom fields defined for contacts, companies and
// transactions (every record of a type carries them all). A type with no
// record yet gets one, named with a stamp.
func discoverSetup(c *jetpackcrm.Client, version string) ([]jetpackcrmtest.Option, customFields, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	opts := []jetpackcrmtest.Option{jetpackcrmtest.WithCRMVersion(version)}
	var custom customFields
	slugs := func(m map[string]string) []string {
		var out []string
		for k := range m {
			if !strings.HasSuffix(k, "_zbs-name-clash-tmp-fix") { // 6.6's copy of "owner", not a field
				out = append(out, k)
			}
		}
		sort.Strings(out)
		return out
	}
	contacts, _, err := c.Customers.List(ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{PerPage: 1}})
	if err != nil {
		return nil, custom, err
	}
	if len(contacts) > 0 {
		custom.contact = slugs(contacts[0].CustomFields)
		opts = append(opts, jetpackcrmtest.WithContactCustomFields(custom.contact...))
	}
	companies, _, err := c.Companies.List(ctx, &jetpackcrm.ListOptions{PerPage: 1})
	if err == nil && len(companies) == 0 {
		stamp := realsite.Stamp()
		_, _, err = c.Companies.Create(ctx, &jetpackcrm.CompanyRequest{Name: "Probe " + stamp, Email: "probe." + stamp + "@example.com"})
		if err == nil {
			companies, _, err = c.Companies.List(ctx, &jetpackcrm.ListOptions{PerPage: 1})
		}
	}
	if err != nil {
		return nil, custom, err
	}
	if len(companies) > 0 {
		opts = append(opts, jetpackcrmtest.WithCompanyCustomFields(slugs(companies[0].CustomFields)...))
	}
	txs, _, err := c.Transactions.List(ctx, &jetpackcrm.ListOptions{PerPage: 1})
	if err == nil && len(txs) == 0 {
		stamp := realsite.Stamp()
		_, _, err = c.Transactions.Create(ctx, &jetpackcrm.TransactionRequest{OrderID: "probe-" + stamp, Status: "Succeeded", Total: decimal.NewFromInt(1)})
		if err == nil {
			txs, _, err = c.Transactions.List(ctx, &jetpackcrm.ListOptions{PerPage: 1})
		}
	}
	if err != nil {
		return nil, custom, err
	}
	if len(txs) > 0 {
		opts = append(opts, jetpackcrmtest.WithTransactionCustomFields(slugs(txs[0].CustomFields)...))
	}
	return opts, custom, nil
}

// customFields are the custom-field slugs a site defines.
type customFields struct{ contact []string }

func (f *fakeSide) close() { f.srv.Close() }

// seedLikeSetup adds what ../shared/site/wp-setup.php seeds: a contact, a
// quote and an invoice made inside the CRM (the API cannot make the last two);
// then a few records of "other people", as a shared site has, so that a
// filter the site ignores shows on the fake too.
func seedLikeSetup(srv *jetpackcrmtest.Server) {
	now := time.Now().UTC().Truncate(time.Second)
	defer func() {
		srv.SeedContacts(8)
		for i := range 8 {
			n := strconv.Itoa(i)
			if _, err := srv.SeedCompany(jetpackcrmtest.Company{Name: "Other company " + n, Email: "other" + n + "@example.net"}); err != nil {
				panic(err)
			}
			if _, err := srv.SeedTransaction(jetpackcrmtest.Transaction{OrderID: "other-" + n, Status: "Succeeded", Total: "1.00", FromAPI: true}); err != nil {
				panic(err)
			}
			if _, err := srv.SeedEvent(jetpackcrmtest.Event{Title: "Other task " + n, Start: now, End: now.Add(time.Hour)}); err != nil {
				panic(err)
			}
		}
	}()
	c, err := srv.SeedContact(jetpackcrmtest.Contact{Email: "seed.contact@example.org", Status: "Customer", FirstName: "Seed", LastName: "Contact", Owner: -1, WPID: -1})
	if err != nil {
		panic(err)
	}
	// The DAL's defaults: attachments on, partial payments and tips allowed.
	if _, err := srv.SeedQuote(jetpackcrmtest.Quote{Title: "Seed quote", Value: "120.00", Currency: "USD", Date: now,
		Content: "<p>Seed quote content</p>", Notes: "created by setup.sh", ContactID: c.ID, Created: now, SendAttachments: true}); err != nil {
		panic(err)
	}
	if _, err := srv.SeedInvoice(jetpackcrmtest.Invoice{Status: "Unpaid", Currency: "USD", Date: now, DueDate: now.Add(30 * 24 * time.Hour),
		AllowPartial: true, AllowTip: true,
		Net: "100.00", Tax: "0", Total: "100.00", ContactID: c.ID, Created: now,
		LineItems: []jetpackcrmtest.LineItem{{Title: "Seed item", Description: "one seed item", Quantity: "1", Price: "100", Total: "100", Net: "100"}},
	}); err != nil {
		panic(err)
	}
}

// runScenario runs sc on one side and returns its normalised result.
func runScenario(t *testing.T, sc scenario, c, bad *jetpackcrm.Client, custom customFields) result {
	ctx, cancel := context.WithTimeout(context.Background(), scenarioTimeout)
	defer cancel()
	r := &run{ctx: ctx, c: c, bad: bad, stamp: realsite.Stamp(), ids: map[string]map[int64]string{}, start: time.Now(), custom: custom}
	r.stampRE = regexp.MustCompile("(?i)" + regexp.QuoteMeta(r.stamp))
	func() {
		defer func() {
			if p := recover(); p != nil {
				if _, ok := p.(abort); !ok {
					panic(p)
				}
			}
		}()
		sc.run(r)
	}()
	return r.out
}

// abort stops a scenario whose precondition failed; what was recorded
// until then is compared.
type abort struct{}

// result is an ordered list of key=value lines.
type result []line

type line struct{ key, value string }

func (res result) get(key string) (string, bool) {
	for _, l := range res {
		if l.key == key {
			return l.value, true
		}
	}
	return "", false
}

// diffKeys returns the keys whose values differ between a and b (a key on
// one side only differs), sorted.
func diffKeys(a, b result) []string {
	seen := map[string]bool{}
	var out []string
	for _, res := range []result{a, b} {
		for _, l := range res {
			if seen[l.key] {
				continue
			}
			seen[l.key] = true
			va, oka := a.get(l.key)
			vb, okb := b.get(l.key)
			if oka != okb || va != vb {
				out = append(out, l.key)
			}
		}
	}
	sort.Strings(out)
	return out
}

// describeDiff shows the differing keys and both results.
func describeDiff(o outcome) string {
	var b strings.Builder
	for _, k := range o.differ {
		vf, okf := o.fake.get(k)
		vr, okr := o.real.get(k)
		if !okf {
			vf = "(absent)"
		}
		if !okr {
			vr = "(absent)"
		}
		fmt.Fprintf(&b, "  %s:\n    fake: %s\n    site: %s\n", k, vf, vr)
	}
	fmt.Fprintf(&b, "  (%d keys on the fake, %d on the site)", len(o.fake), len(o.real))
	return b.String()
}

// run is one scenario on one side: the client, the stamp unique to this
// run, and the result being recorded.
type run struct {
	ctx     context.Context
	c, bad  *jetpackcrm.Client
	stamp   string
	stampRE *regexp.Regexp
	start   time.Time
	out     result
	ids     map[string]map[int64]string
	// custom are the site's custom fields (the fake is set up with them).
	custom customFields
}

// email returns an address unique to this run: local.<stamp>@example.com.
func (r *run) email(local string) string { return local + "." + r.stamp + "@example.com" }

// put records a line. A key is recorded once per scenario.
func (r *run) put(key, value string) {
	if _, dup := r.out.get(key); dup {
		panic(fmt.Sprintf("differential: key %q recorded twice", key))
	}
	r.out = append(r.out, line{key, value})
}

// norm replaces the run's stamp, in any case, by <S>.
func (r *run) norm(s string) string { return r.stampRE.ReplaceAllString(s, "<S>") }

// str records a string, quoted, with the stamp normalised.
func (r *run) str(key, s string) { r.put(key, strconv.Quote(r.norm(s))) }

// note records a value as fmt prints it.
func (r *run) note(key string, v any) { r.put(key, r.norm(fmt.Sprint(v))) }

// id records an ID as its order of appearance among the IDs of kind
// ("contact#1"), so that the fake's and the site's numbering compare.
func (r *run) id(key, kind string, id int64) { r.put(key, r.idLabel(kind, id)) }

func (r *run) idLabel(kind string, id int64) string {
	if id == 0 {
		return "0"
	}
	m := r.ids[kind]
	if m == nil {
		m = map[int64]string{}
		r.ids[kind] = m
	}
	if l, ok := m[id]; ok {
		return l
	}
	l := fmt.Sprintf("%s#%d", kind, len(m)+1)
	m[id] = l
	return l
}

// when records a time: "now" within an hour of the run, else RFC 3339 in UTC.
func (r *run) when(key string, t time.Time) {
	switch {
	case t.IsZero():
		r.put(key, "zero")
	case t.After(r.start.Add(-time.Hour)) && t.Before(time.Now().Add(time.Hour)):
		r.put(key, "now")
	default:
		r.put(key, t.UTC().Format(time.RFC3339))
	}
}

// err records the class of an error (see errClass).
func (r *run) err(key string, err error) { r.put(key, errClass(err)) }

// must records err under key and aborts the scenario when it is not nil.
func (r *run) must(key string, err error) {
	if err != nil {
		r.err(key, err)
		panic(abort{})
	}
}

// errClass names what kind of failure err is, without its text (which
// carries site-specific detail).
func errClass(err error) string {
	if err == nil {
		return "ok"
	}
	var ve *jetpackcrm.ValidationError
	if errors.As(err, &ve) {
		return "invalid(" + ve.Field + ")"
	}
	var rl *jetpackcrm.RateLimitError
	if errors.As(err, &rl) {
		return "rate-limited"
	}
	var ae *jetpackcrm.APIError
	if errors.As(err, &ae) {
		switch {
		case errors.Is(err, jetpackcrm.ErrRejected):
			return "rejected(" + ae.Code + ")"
		case errors.Is(err, jetpackcrm.ErrNotFound) && ae.StatusCode == 200:
			return "not-found"
		}
		return fmt.Sprintf("http-%d", ae.StatusCode)
	}
	if errors.Is(err, jetpackcrm.ErrNotFound) {
		return "not-found"
	}
	var de *jetpackcrm.DecodeError
	if errors.As(err, &de) {
		return fmt.Sprintf("decode(http-%d)", de.StatusCode)
	}
	var re *jetpackcrm.RequestError
	if errors.As(err, &re) {
		return "request"
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timeout"
	}
	return "error"
}

// value records v (a model, a slice of models, a scalar) field by field:
// "key.Field=value", zero values left out (a nil slice too; an empty one is
// "len=0"), IDs numbered by appearance, times and the stamp normalised.
func (r *run) value(key string, v any) { r.walk(key, reflect.ValueOf(v)) }

var (
	timeType     = reflect.TypeFor[time.Time]()
	decimalType  = reflect.TypeFor[decimal.Decimal]()
	rawType      = reflect.TypeFor[json.RawMessage]()
	durationType = reflect.TypeFor[time.Duration]()
)

// idKinds names the record kind of an ID field: "ID" by its struct, the
// others by their name.
var idKinds = map[string]string{
	"Customer": "contact", "Company": "company", "Transaction": "tx", "Event": "event", "Quote": "quote",
	"Invoice": "invoice", "Tag": "tag", "Reminder": "reminder", "LineItem": "lineitem",
	"CustomerID": "contact", "CompanyID": "company", "EventID": "event",
}

func (r *run) walk(key string, v reflect.Value) {
	if !v.IsValid() {
		return
	}
	switch v.Type() {
	case timeType:
		if t := v.Interface().(time.Time); !t.IsZero() {
			r.when(key, t)
		}
		return
	case decimalType:
		if d := v.Interface().(decimal.Decimal); !d.IsZero() {
			r.put(key, d.String())
		}
		return
	case rawType:
		if raw := v.Interface().(json.RawMessage); len(raw) > 0 {
			r.str(key, string(raw))
		}
		return
	case durationType:
		if d := time.Duration(v.Int()); d != 0 {
			r.put(key, d.String())
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			r.walk(key, v.Elem())
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			fk := key + "." + f.Name
			if kind := idKindOf(t, f.Name); kind != "" && f.Type.Kind() == reflect.Int64 {
				if id := v.Field(i).Int(); id != 0 {
					r.id(fk, kind, id)
				}
				continue
			}
			r.walk(fk, v.Field(i))
		}
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		r.put(key+".len", strconv.Itoa(v.Len()))
		for i := range v.Len() {
			r.walk(fmt.Sprintf("%s[%d]", key, i), v.Index(i))
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		r.put(key+".len", strconv.Itoa(len(keys)))
		for _, k := range keys {
			r.walk(key+"["+r.norm(k.String())+"]", v.MapIndex(k))
		}
	case reflect.String:
		if s := v.String(); s != "" {
			r.str(key, s)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n := v.Int(); n != 0 {
			r.put(key, strconv.FormatInt(n, 10))
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n := v.Uint(); n != 0 {
			r.put(key, strconv.FormatUint(n, 10))
		}
	case reflect.Bool:
		if v.Bool() {
			r.put(key, "true")
		}
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); f != 0 {
			r.put(key, strconv.FormatFloat(f, 'g', -1, 64))
		}
	default:
		r.note(key, v.Interface())
	}
}

func idKindOf(t reflect.Type, field string) string {
	if field == "ID" {
		return idKinds[t.Name()]
	}
	if field == "ParentID" {
		return idKinds[t.Name()]
	}
	return idKinds[field]
}
