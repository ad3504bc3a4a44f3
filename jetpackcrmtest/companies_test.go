package jetpackcrmtest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jpcrm-go/jetpackcrm/jetpackcrmtest"
)

// companyKeys are the keys of a company, in the recorded order.
var companyKeys = []string{
	"id", "owner", "status", "name", "email", "addr1", "addr2", "city", "county", "country", "postcode",
	"secaddr1", "secaddr2", "seccity", "seccounty", "seccountry", "secpostcode", "maintel", "sectel",
	"wpid", "avatar", "tw", "li", "fb", "created", "created_date", "lastupdated", "lastupdated_date",
	"lastcontacted", "lastcontacted_date", "contacts",
}

func TestCreateCompany(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r := post(t, srv, "create_company", `{"name":"Analytical Engines Ltd","email":"info@ae.example.com","city":"London","website":"https://ae.example.com","tags":["b2b"]}`)
	assert.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, `{"name":"Analytical Engines Ltd","email":"info@ae.example.com","city":"London","website":"https:\/\/ae.example.com","tags":["b2b"],"id":1}`, string(r.body))
	r = call(t, srv, request{method: http.MethodGet, endpoint: "create_company", body: `{"name":"Get Co","email":"get@co.example.com"}`})
	assert.Equal(t, `{"name":"Get Co","email":"get@co.example.com","id":2}`, string(r.body))

	co, ok := srv.CompanyByEmail("info@ae.example.com")
	require.True(t, ok)
	assert.Equal(t, "Lead", co.Status)
	assert.Equal(t, []string{"b2b"}, co.Tags)
	assert.Equal(t, 2, srv.Tags()[0].ObjectType)
}

func TestCreateCompanyFailures(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	post(t, srv, "create_company", `{"name":"Cobol Systems Inc","email":"hello@cobol.example.com","city":"Boston"}`)
	tests := []struct {
		name, body, contentType string
		wantStatus              int
		wantType, wantBody      string
	}{
		{"missing email", `{"name":"No Email Co"}`, "application/json", 200, "text/html; charset=UTF-8", ""},
		{"invalid email", `{"name":"Bad","email":"nope"}`, "application/json", 200, "text/html; charset=UTF-8", ""},
		{"malformed JSON", `{"name":`, "application/json", 200, "text/html; charset=UTF-8", ""},
		{"missing name", `{"email":"noname@example.com"}`, "application/json", 200, "application/json; charset=UTF-8", `{"error":100}`},
		{"any id, JSON request", `{"id":2,"name":"X"}`, "application/json", 500, "application/json; charset=UTF-8", `{"code":"internal_server_error",`},
		{"any id, other request", `{"id":1,"name":"X","email":"x@example.com"}`, "text/plain", 500, "text/html; charset=UTF-8", "<!DOCTYPE html>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := call(t, srv, request{method: http.MethodPost, endpoint: "create_company", body: tc.body, header: http.Header{"Content-Type": {tc.contentType}}})
			assert.Equal(t, tc.wantStatus, r.status)
			assert.Equal(t, tc.wantType, r.header.Get("Content-Type"))
			if tc.wantBody == "" {
				assert.Empty(t, r.body)
			} else {
				assert.True(t, strings.HasPrefix(string(r.body), tc.wantBody), "body %q", r.body)
			}
		})
	}
	co, _ := srv.CompanyByEmail("hello@cobol.example.com")
	assert.Equal(t, "Boston", co.Address.City, "an id > 0 dies before any change")
}

func TestCreateCompanyUpdateSavesThenDies(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	post(t, srv, "create_company", `{"name":"Analytical Engines Ltd","email":"info@ae.example.com","status":"Customer","addr1":"1 Babbage Way","maintel":"020 7946 0999"}`)
	r := post(t, srv, "create_company", `{"name":"Analytical Engines Limited","email":"info@ae.example.com","city":"Cambridge"}`)
	assert.Equal(t, http.StatusInternalServerError, r.status)
	co, _ := srv.CompanyByEmail("info@ae.example.com")
	assert.Equal(t, "Analytical Engines Limited", co.Name)
	assert.Equal(t, "Cambridge", co.Address.City)
	assert.Empty(t, co.Address.Line1, "unsent fields are blanked")
	assert.Empty(t, co.MainPhone)
	assert.Equal(t, "Lead", co.Status)
	assert.Equal(t, 1, srv.Counts().Companies)

	// An unknown email with a known name updates that company too.
	r = post(t, srv, "create_company", `{"name":"analytical engines limited","email":"new@ae.example.com"}`)
	assert.Equal(t, http.StatusInternalServerError, r.status)
	_, ok := srv.CompanyByEmail("new@ae.example.com")
	assert.True(t, ok)
	assert.Equal(t, 1, srv.Counts().Companies)
}

func TestCompaniesList(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, c := range []jetpackcrmtest.Company{
		{Name: "Analytical Engines", Email: "info@ae.example.com"},
		{Name: "Cobol Systems", Email: "hello@cobol.example.com"},
		{Name: "Unix 1 Labs", Email: "labs@unix.example.com"},
	} {
		_, err := srv.SeedCompany(c)
		require.NoError(t, err)
	}
	_, err := srv.SeedContact(jetpackcrmtest.Contact{Email: "ada@example.com", CompanyID: 1})
	require.NoError(t, err)
	_, err = srv.SeedQuote(jetpackcrmtest.Quote{Title: "Q", CompanyID: 1})
	require.NoError(t, err)
	_, err = srv.SeedInvoice(jetpackcrmtest.Invoice{IDOverride: "I", CompanyID: 1})
	require.NoError(t, err)

	tests := []struct {
		name, body, wantPrefix string
		wantIDs                []string
		wantExtra              []string
	}{
		{"no body", ``, "", []string{"1", "2", "3"}, nil},
		{"malformed body", `{"perpage":`, "", []string{"1", "2", "3"}, nil},
		{"search adds invoices and does not filter", `{"search":"Cobol"}`, "", []string{"1", "2", "3"}, []string{"invoices"}},
		{`invoices:"true" searches for "1"`, `{"invoices":"true"}`, "", []string{"1", "3"}, nil},
		{`transactions:"true" adds quotes`, `{"transactions":"true"}`, "", []string{"1", "2", "3"}, []string{"quotes"}},
		{`quotes:"true" prints HTML first`, `{"quotes":"true","perpage":1}`, `<div class="zbs info msg">Use of $argsOverride in zeroBS_getCompanies is no longer relevant (DAL3.0)</div>`, []string{"1"}, nil},
		{"pages", `{"perpage":2,"page":2}`, "", []string{"3"}, nil},
		{"page -1 is the first page", `{"perpage":1,"page":-1}`, "", []string{"1"}, nil},
		{"no unlimited mode", `{"perpage":-1,"page":-1}`, "", nil, nil},
		{"perpage 0", `{"perpage":0}`, "", nil, nil},
		{"non-numeric perpage", `{"perpage":"abc"}`, "", nil, nil},
		{"owned is ignored", `{"owned":99}`, "", []string{"1", "2", "3"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := call(t, srv, request{method: http.MethodPost, endpoint: "companies", body: tc.body})
			require.Equal(t, http.StatusOK, r.status)
			body := string(r.body)
			require.True(t, strings.HasPrefix(body, tc.wantPrefix), "body %q", body)
			rest := result{body: []byte(strings.TrimPrefix(body, tc.wantPrefix))}
			assert.Equal(t, tc.wantIDs, rest.ids(t))
			for _, o := range rest.list(t) {
				assert.Equal(t, tc.wantExtra, nilIfEmpty(o.keys()[len(companyKeys):]))
			}
		})
	}

	first := post(t, srv, "companies", `{}`).list(t)[0]
	assert.Equal(t, companyKeys, first.keys())
	assert.Len(t, first.get("contacts").([]any), 1)
	assert.Equal(t, "0", first.get("owner"))
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
