package jetpackcrm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/internal/recorded"
	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// Lookups by email against the fake behind a front that does what WordPress
// does to query strings (wp_magic_quotes: $_GET values backslash-escaped),
// which the fake itself does not: customer_search?email= then never finds
// an address with an apostrophe, as on a real site.

// wpSlashes is addslashes, what WordPress applies to every $_GET value.
var wpSlashes = strings.NewReplacer(`\`, `\\`, `'`, `\'`, `"`, `\"`, "\x00", `\0`)

// wpSlashing is a front that slashes the query values as WordPress does
// (except the credentials, which WordPress compares before any of it).
func wpSlashing(fake http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		for k, vs := range q {
			if k == "api_key" || k == "api_secret" {
				continue
			}
			for i := range vs {
				vs[i] = wpSlashes.Replace(vs[i])
			}
		}
		r.URL.RawQuery = q.Encode()
		fake.ServeHTTP(w, r)
	})
}

func TestGetByEmailFindsAddressesWordPressSlashes(t *testing.T) {
	t.Parallel()
	site := setupFakeBehind(t, wpSlashing, nil, jetpackcrm.WithoutRetries())
	for _, c := range []jetpackcrmtest.Contact{
		{Email: "jo'neil@example.org", FirstName: "Jo"}, // contains the address below: a LIKE hit
		{Email: "o'neil@example.org", FirstName: "Pat", Tags: []string{"irish"}},
		{Email: "plain@example.org", FirstName: "Plain"},
	} {
		_, err := site.srv.SeedContact(c)
		require.NoError(t, err)
	}
	c := site.client
	ctx := context.Background()

	for _, tc := range []struct {
		email, want string
	}{
		{"o'neil@example.org", "Pat"},
		{"O'NEIL@Example.org", "Pat"},
		{"jo'neil@example.org", "Jo"},
		{"plain@example.org", "Plain"},
	} {
		got, _, err := c.Customers.GetByEmail(ctx, tc.email)
		require.NoError(t, err, tc.email)
		assert.Equal(t, tc.want, got.FirstName, tc.email)
	}
	got, _, err := c.Customers.GetByEmail(ctx, "o'neil@example.org")
	require.NoError(t, err)
	assert.Equal(t, []string{"irish"}, tagNamesOf(got.Tags), "tags come with the contact")
	assert.Equal(t, 1, site.calls("customer_search"), "only the plain address asks customer_search?email=")

	_, _, err = c.Customers.GetByEmail(ctx, "o'nobody@example.org")
	require.ErrorIs(t, err, jetpackcrm.ErrNotFound)
	assert.NotContains(t, err.Error(), "nobody", "a miss names the operation, not the address")
	_, _, err = c.Customers.GetByEmail(ctx, "nobody@example.org")
	require.ErrorIs(t, err, jetpackcrm.ErrNotFound)
	assert.NotContains(t, err.Error(), "nobody")

	// Update and a merging UpsertMany find the contact: they change what
	// was asked and blank nothing.
	_, _, err = c.Customers.Update(ctx, "o'neil@example.org", &jetpackcrm.CustomerRequest{LastName: "O'Neil"})
	require.NoError(t, err)
	res, err := c.Customers.UpsertMany(ctx, []*jetpackcrm.CustomerRequest{{Email: "o'neil@example.org", Address: jetpackcrm.Address{City: "Cork"}}},
		jetpackcrm.BulkOptions{Merge: true})
	require.NoError(t, err)
	require.NoError(t, res[0].Err)
	assert.Equal(t, jetpackcrm.BulkUpdated, res[0].Outcome, "found, so merged rather than created")
	pat, ok := site.srv.ContactByEmail("o'neil@example.org")
	require.True(t, ok)
	assert.Equal(t, "Pat", pat.FirstName)
	assert.Equal(t, "O'Neil", pat.LastName)
	assert.Equal(t, "Cork", pat.Address.City)
	assert.Equal(t, []string{"irish"}, pat.Tags)
	assert.Equal(t, 3, site.srv.Counts().Contacts)
}

// 2,000 Customers.Create upserts against a server failing about 10% of
// requests with 429, 500, 503 and connection resets before and after the
// write: every call succeeds after retries, and the CRM ends with exactly
// 2,000 contacts, each holding the fields sent.
func TestReliabilityCustomersUpsertsLoseNothing(t *testing.T) {
	t.Parallel()
	const n, workers = 2000, 16
	env := setupFake(t, nil)
	env.srv.InjectFaults(jetpackcrmtest.Faults{Endpoint: "create_customer", Rate: 0.10, Kinds: relFaultKinds, Seed: relSeedCustomers, RetryAfter: -1})
	reqs := make([]*jetpackcrm.CustomerRequest, n)
	for i := range reqs {
		status := "Lead"
		if i%2 == 0 {
			status = "Customer"
		}
		reqs[i] = &jetpackcrm.CustomerRequest{
			Email: fmt.Sprintf("contact.%04d@example.com", i), Status: status,
			FirstName: fmt.Sprintf("First%04d", i), LastName: "Reliable",
			Address:     jetpackcrm.Address{City: fmt.Sprintf("City %d", i%50), Postcode: fmt.Sprintf("PC%04d", i)},
			MobilePhone: fmt.Sprintf("+44 7700 %06d", i),
			Tags:        []string{"bulk", fmt.Sprintf("batch-%d", i%10)},
		}
	}
	ctx := context.Background()
	start := time.Now()
	attempts, errs := relRun(n, workers, func(i int) (int, error) {
		c, resp, err := env.client.Customers.Create(ctx, reqs[i])
		if err == nil && (c == nil || c.ID == 0 || c.Email != reqs[i].Email) {
			err = fmt.Errorf("bad echo %+v", c)
		}
		return relAttempts(resp, err), err
	})
	elapsed := time.Since(start)
	for i, err := range errs {
		require.NoError(t, err, "call %d", i)
	}

	counts := env.srv.FaultCounts()
	total := relSum(attempts)
	assert.Equal(t, env.srv.RequestCount(), total, "every attempt reached the server, and nothing else did")
	assert.Equal(t, total-n, relSum([]int{counts[jetpackcrmtest.Fault429], counts[jetpackcrmtest.Fault500], counts[jetpackcrmtest.Fault503],
		counts[jetpackcrmtest.FaultResetBeforeWrite], counts[jetpackcrmtest.FaultResetAfterWrite]}), "one retry per fault")
	assert.InDelta(t, 0.10, float64(total-n)/float64(total), 0.03, "about 10%% of requests failed")
	assert.Positive(t, counts[jetpackcrmtest.FaultResetAfterWrite], "some writes were applied and then reset")

	contacts := env.srv.Contacts()
	require.Len(t, contacts, n, "exactly one contact per email")
	byEmail := make(map[string]jetpackcrmtest.Contact, n)
	for _, c := range contacts {
		byEmail[c.Email] = c
	}
	for _, r := range reqs {
		c, ok := byEmail[r.Email]
		require.True(t, ok, "contact %s lost", r.Email)
		assert.Equal(t, r.FirstName, c.FirstName)
		assert.Equal(t, r.LastName, c.LastName)
		assert.Equal(t, r.Status, c.Status)
		assert.Equal(t, r.Address.City, c.Address.City)
		assert.Equal(t, r.Address.Postcode, c.Address.Postcode)
		assert.Equal(t, r.MobilePhone, c.MobilePhone)
		assert.Equal(t, r.Tags, c.Tags)
	}
	t.Logf("Customers.Create x%d, %d workers, seed %d: %d attempts, %d retries, faults %s, 0 errors, %d contacts, %v",
		n, workers, relSeedCustomers, total, total-n, relFaultSummary(counts), len(contacts), elapsed.Round(time.Millisecond))
}

// ---------------------------------------------------------------------------
// Customers.Create and Customers.Update against the fake, which upserts as
// create_customer does on a real site (captures 26-33, 74, 75): an update
// REPLACES the record with exactly the fields sent, blanking the others,
// resetting an omitted status to the default and the owner and linked user
// unless sent; tags are replaced when sent and kept otherwise.

const adaEmail = "ada.lovelace@example.com"

// adaFields are the contact custom fields the fake defines for these tests.
// Their clients skip the check of custom-field slugs, which would refuse
// the first write to an empty site (customfields_test.go tests it).
var adaFields = jetpackcrmtest.WithContactCustomFields("shoe-size", "favourite-engine")

// seedAda is the full record of capture 26, with a status that is neither
// the default nor the sticky "Customer".
func seedAda() *jetpackcrm.CustomerRequest {
	return &jetpackcrm.CustomerRequest{Email: adaEmail, Status: "Refused", Prefix: "Ms", FirstName: "Ada", LastName: "Lovelace",
		Address: jetpackcrm.Address{Line1: "12 St James Square", Line2: "Flat 3", City: "London", County: "Greater London",
			Postcode: "SW1Y 4JH", Country: "United Kingdom"},
		HomePhone: "+44 20 7946 0000", WorkPhone: "020 7946 0001", MobilePhone: "07700 900123", Tags: []string{"vip", "api"},
		CustomFields: map[string]string{"shoe-size": "37"}}
}

// contactView is what a caller can see of a contact. Its CustomFields hold
// only the fields set: the site lists every defined custom field, "" when
// unset.
type contactView struct {
	Status, Email, Prefix, FirstName, LastName string
	Address, SecondaryAddress                  jetpackcrm.Address
	HomePhone, WorkPhone, MobilePhone          string
	Tags                                       []string
	CustomFields                               map[string]string
}

func viewOf(c *jetpackcrm.Customer) contactView {
	return contactView{Status: c.Status, Email: c.Email, Prefix: c.Prefix, FirstName: c.FirstName, LastName: c.LastName,
		Address: c.Address, SecondaryAddress: c.SecondaryAddress, HomePhone: c.HomePhone, WorkPhone: c.WorkPhone, MobilePhone: c.MobilePhone,
		Tags: tagNamesOf(c.Tags), CustomFields: setFields(c.CustomFields)}
}

// setFields are the custom fields with a value.
func setFields(all map[string]string) map[string]string {
	set := map[string]string{}
	for slug, v := range all {
		if v != "" {
			set[slug] = v
		}
	}
	return set
}

// seededView is seedAda as the site lists it: tags by tag ID descending
// (the DAL sorts them so), so "api", tagged second, comes first.
func seededView() contactView {
	s := seedAda()
	return contactView{Status: s.Status, Email: s.Email, Prefix: s.Prefix, FirstName: s.FirstName, LastName: s.LastName,
		Address: s.Address, HomePhone: s.HomePhone, WorkPhone: s.WorkPhone, MobilePhone: s.MobilePhone,
		Tags: []string{"api", "vip"}, CustomFields: map[string]string{"shoe-size": "37"}}
}

// contactWrites are the bodies of the create_customer requests srv saw.
func contactWrites(srv *jetpackcrmtest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Endpoint == jetpackcrmtest.EndpointCreateCustomer {
			out = append(out, string(r.Body))
		}
	}
	return out
}

// The trap itself: the partial upsert of capture 29 through Create blanks
// what it does not send, as the real server does.
func TestCustomersCreateWithAPartialRecordBlanksTheRest(t *testing.T) {
	t.Parallel()
	env := setupFake(t, []jetpackcrmtest.Option{adaFields}, jetpackcrm.WithoutCustomFieldCheck())
	ctx := context.Background()
	_, _, err := env.client.Customers.Create(ctx, seedAda())
	require.NoError(t, err)

	_, _, err = env.client.Customers.Create(ctx, &jetpackcrm.CustomerRequest{Email: adaEmail, FirstName: "Augusta Ada",
		Address: jetpackcrm.Address{City: "Marylebone"}})
	require.NoError(t, err)
	writes := contactWrites(env.srv)
	require.Len(t, writes, 2)
	assert.JSONEq(t, string(recorded.MustByNumber(t, 29).RequestBody), writes[1], "Create sends only what it was given")

	got, _, err := env.client.Customers.GetByEmail(ctx, adaEmail)
	require.NoError(t, err)
	assert.Equal(t, "Augusta Ada", got.FirstName)
	assert.Empty(t, got.LastName, "blanked")
	assert.Empty(t, got.HomePhone, "blanked")
	assert.Empty(t, got.WorkPhone, "blanked")
	assert.Empty(t, got.MobilePhone, "blanked")
	assert.Equal(t, jetpackcrm.Address{City: "Marylebone"}, got.Address, "address lines blanked")
	assert.Equal(t, "Lead", got.Status, "an omitted status resets to the default")
	assert.Empty(t, setFields(got.CustomFields), "custom fields blanked")
}

type updateCase struct {
	name    string
	change  *jetpackcrm.CustomerRequest
	want    func(v *contactView)
	readAt  string // the email to read the result back by
	noOldAt bool   // the old email no longer finds the contact
}

var updateCases = []updateCase{
	{"first name and city, as in capture 29", &jetpackcrm.CustomerRequest{FirstName: "Augusta Ada", Address: jetpackcrm.Address{City: "Marylebone"}},
		func(v *contactView) { v.FirstName = "Augusta Ada"; v.Address.City = "Marylebone" }, adaEmail, false},
	{"status", &jetpackcrm.CustomerRequest{Status: "Customer"},
		func(v *contactView) { v.Status = "Customer" }, adaEmail, false},
	{"one phone and the secondary address", &jetpackcrm.CustomerRequest{MobilePhone: "07700 900999", SecondaryAddress: jetpackcrm.Address{City: "Ockham"}},
		func(v *contactView) { v.MobilePhone = "07700 900999"; v.SecondaryAddress.City = "Ockham" }, adaEmail, false},
	{"tags replace the tags", &jetpackcrm.CustomerRequest{Tags: []string{"alumni"}},
		func(v *contactView) { v.Tags = []string{"alumni"} }, adaEmail, false},
	{"a custom field is added, the others kept", &jetpackcrm.CustomerRequest{CustomFields: map[string]string{"favourite-engine": "analytical"}},
		func(v *contactView) {
			v.CustomFields = map[string]string{"shoe-size": "37", "favourite-engine": "analytical"}
		}, adaEmail, false},
	{"the email address changes by id", &jetpackcrm.CustomerRequest{Email: "ada@lovelace.example.com"},
		func(v *contactView) { v.Email = "ada@lovelace.example.com" }, "ada@lovelace.example.com", true},
}

func TestCustomersUpdateChangesOnlyWhatWasAsked(t *testing.T) {
	t.Parallel()
	for _, tt := range updateCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setupFake(t, []jetpackcrmtest.Option{adaFields}, jetpackcrm.WithoutCustomFieldCheck())
			ctx := context.Background()
			created, _, err := env.client.Customers.Create(ctx, seedAda())
			require.NoError(t, err)
			require.Len(t, contactWrites(env.srv), 1)

			want := seededView()
			tt.want(&want)
			updated, resp, err := env.client.Customers.Update(ctx, adaEmail, tt.change)
			require.NoError(t, err)
			assert.Equal(t, 1, resp.Attempts)
			assert.Equal(t, created.ID, updated.ID, "the same contact")
			assert.Equal(t, want, viewOf(updated), "what Update returns")
			writes := contactWrites(env.srv)
			require.Len(t, writes, 2, "one write")

			var written map[string]any
			require.NoError(t, json.Unmarshal([]byte(writes[1]), &written))
			assert.EqualValues(t, created.ID, written["id"], "the write is keyed by id")
			assert.Equal(t, want.Status, written["status"], "the status is always sent")

			got, _, err := env.client.Customers.GetByEmail(ctx, tt.readAt)
			require.NoError(t, err)
			assert.Equal(t, created.ID, got.ID)
			assert.Equal(t, want, viewOf(got), "what the server stored")
			if tt.noOldAt {
				_, _, err = env.client.Customers.GetByEmail(ctx, adaEmail)
				assert.ErrorIs(t, err, jetpackcrm.ErrNotFound)
			}
		})
	}
}

func TestCustomersUpdateUnknownEmailSendsNoWrite(t *testing.T) {
	t.Parallel()
	env := setupFake(t, nil)
	c, resp, err := env.client.Customers.Update(context.Background(), "nobody@example.com", &jetpackcrm.CustomerRequest{FirstName: "Nobody"})
	assert.Nil(t, c)
	require.NotNil(t, resp)
	assert.ErrorIs(t, err, jetpackcrm.ErrNotFound)
	relAssertNoSecret(t, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
	var endpoints []string
	for _, r := range env.srv.Requests() {
		endpoints = append(endpoints, r.Method+" "+r.Endpoint)
	}
	assert.Equal(t, []string{"GET customer_search"}, endpoints, "one read, no write")
}

type ownerCase struct {
	name          string
	owner, wpid   int64
	change        jetpackcrm.CustomerRequest
	wantOwner     int64
	wantWPID      int64
	wantNotKept   string
	wantSent      string // the owner sent that the site did not keep
	wantFirstName string
}

var ownerCases = []ownerCase{
	{"a CRM user's contact keeps its owner and linked user", 1, 9, jetpackcrm.CustomerRequest{Address: jetpackcrm.Address{City: "Paris"}}, 1, 9, "", "", "Ada"},
	{"an unassigned, unlinked contact", -1, -1, jetpackcrm.CustomerRequest{Address: jetpackcrm.Address{City: "Paris"}}, 0, 0, "", "", "Ada"},
	{"an owner without a CRM role is dropped by the site: reported", 5, 9, jetpackcrm.CustomerRequest{Address: jetpackcrm.Address{City: "Paris"}}, 0, 9,
		"did not keep WordPress user 5 as the contact's owner", "5", "Ada"},
	{"assigning to a user without a CRM role: reported", 1, -1, jetpackcrm.CustomerRequest{AssignTo: 6}, 0, 0,
		"did not keep WordPress user 6 as the contact's owner", "6", "Ada"},
	{"a changed first name", 1, 9, jetpackcrm.CustomerRequest{FirstName: "Augusta"}, 1, 9, "", "", "Augusta"},
}

// TestCustomersUpdateKeepsTheLinkedUserAndReportsADroppedOwner: Update used
// to drop the linked WordPress user (wpid) and, for an owner without a CRM
// role, the owner, and returned the old values as if kept.
func TestCustomersUpdateKeepsTheLinkedUserAndReportsADroppedOwner(t *testing.T) {
	t.Parallel()
	for _, tt := range ownerCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := setupFake(t, []jetpackcrmtest.Option{jetpackcrmtest.WithAdminUsers(1)})
			seeded, err := env.srv.SeedContact(jetpackcrmtest.Contact{Owner: tt.owner, WPID: tt.wpid, Status: "Customer", Email: adaEmail,
				FirstName: "Ada", LastName: "Lovelace", Address: jetpackcrmtest.Address{City: "London"}})
			require.NoError(t, err)
			c, resp, err := env.client.Customers.Update(context.Background(), adaEmail, &tt.change)
			if tt.wantNotKept != "" {
				require.ErrorIs(t, err, jetpackcrm.ErrNotKept)
				assert.Contains(t, err.Error(), tt.wantNotKept)
				var nk *jetpackcrm.NotKeptError
				require.ErrorAs(t, err, &nk)
				assert.Equal(t, &jetpackcrm.NotKeptError{Op: "Customers.Update", ID: seeded.ID,
					Fields: []jetpackcrm.NotKeptField{{Name: "assign", Sent: tt.wantSent, Stored: "0"}}}, nk)
				relAssertNoSecret(t, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
			} else {
				require.NoError(t, err)
			}
			require.NotNil(t, c, "the contact the site holds")
			require.NotNil(t, resp)
			assert.Equal(t, tt.wantOwner, c.Owner)
			assert.Equal(t, tt.wantWPID, c.WPID)
			assert.Equal(t, tt.wantFirstName, c.FirstName)
			assert.Equal(t, "Lovelace", c.LastName, "nothing blanked")
			stored, ok := env.srv.Contact(seeded.ID)
			require.True(t, ok)
			wantStored := int64(-1)
			if tt.wantWPID > 0 {
				wantStored = tt.wantWPID
			}
			assert.Equal(t, wantStored, stored.WPID, "the linked user the site holds")
		})
	}
}
