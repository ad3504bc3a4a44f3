package jetpackcrmtest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/jpcrm-go/jetpackcrm/internal/recorded"
)

// FuzzEndpoints feeds arbitrary requests to every endpoint: the fake must
// never panic and must answer with a status the real site can produce.
// The seed corpus is the recorded requests.
func FuzzEndpoints(f *testing.F) {
	exchanges, err := recorded.LoadAll()
	if err != nil {
		f.Fatal(err)
	}
	for _, ex := range exchanges {
		f.Add(ex.Endpoint, ex.Method, ex.URL.Query().Encode(), ex.RequestBody)
	}
	f.Add("create_event", "POST", "", []byte(`{"id":1,"title":"t","from":"today","to":"@-5","notify":"24","customer":"1e3"}`))
	f.Add("create_customer", "POST", "", []byte(`{"email":"a@example.com","tags":{"0":"x","a":[{}]},"id":"1","assign":[1]}`))
	f.Add("companies", "POST", "", []byte(`{"invoices":"true","quotes":"true","transactions":"true","search":1,"perpage":"1e2"}`))
	allowed := map[int]bool{200: true, 301: true, 400: true, 401: true, 404: true, 405: true, 418: true, 500: true, 501: true}
	f.Fuzz(func(t *testing.T, endpoint, method, rawQuery string, body []byte) {
		srv := NewUnstartedServer(WithCredentials("k", "s"), WithPHPBuiltinServer(len(body)%2 == 0))
		defer srv.Close()
		srv.SeedContacts(2)
		_, _ = srv.SeedCompany(Company{Name: "Co 1", Email: "co@example.com"})
		_, _ = srv.SeedEvent(Event{Title: "e"})
		_, _ = srv.SeedQuote(Quote{ContactID: 1, CompanyID: 1, LineItems: []LineItem{{Quantity: "x"}}})
		_, _ = srv.SeedInvoice(Invoice{ContactID: 1, CompanyID: 1})
		srv.HandleWebhook("a", func(d json.RawMessage) (any, error) { return d, nil })
		q, err := url.ParseQuery(rawQuery)
		if err != nil {
			q = url.Values{}
		}
		q.Set("api_key", "k")
		q.Set("api_secret", "s")
		req, err := http.NewRequest(method, "http://fake.test/zbs_api/"+url.PathEscape(endpoint)+"/?"+q.Encode(), bytes.NewReader(body))
		if err != nil {
			return
		}
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if !allowed[rec.Code] {
			t.Fatalf("%s %s: status %d", method, endpoint, rec.Code)
		}
	})
}
