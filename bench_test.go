package jetpackcrm_test

// Benchmarks of the SDK against what users write today: hand-written
// net/http + encoding/json, into []map[string]any and into a plain struct.
// All three run in the same process against the same loopback httptest
// server serving recorded bodies, through the same *http.Client, so the
// ratios compare like with like. scripts/bench prints the ratio table.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/jpcrm-go/jetpackcrm"
	"github.com/jpcrm-go/jetpackcrm/internal/recorded"
)

const (
	benchKey    = "jpcrm_pk_0123456789abcdef0123456789abcdef01234567"
	benchSecret = "jpcrm_sk_0123456789abcdef0123456789abcdef01234567"
)

var firstID = regexp.MustCompile(`^\{"id":"\d+"`)

// pageOf repeats the objects of a recorded list until it has n, each with a
// distinct string id, like a real page.
func pageOf(tb testing.TB, capture, n int) []byte {
	tb.Helper()
	var objs []json.RawMessage
	if err := json.Unmarshal(recorded.MustByNumber(tb, capture).ResponseBody, &objs); err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	b.WriteByte('[')
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(firstID.ReplaceAll(objs[i%len(objs)], []byte(`{"id":"`+strconv.Itoa(i+1)+`"`)))
	}
	b.WriteByte(']')
	return b.Bytes()
}

// benchServer serves recorded bodies on loopback, checking the credentials
// like the real server does.
func benchServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	bodies := map[string][]byte{
		"/zbs_api/customers/":       pageOf(tb, 61, 100),
		"/zbs_api/events/":          pageOf(tb, 133, 100),
		"/zbs_api/status/":          recorded.MustByNumber(tb, 1).ResponseBody,
		"/zbs_api/create_customer/": recorded.MustByNumber(tb, 26).ResponseBody,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		q := r.URL.Query()
		if q.Get("api_key") != benchKey || q.Get("api_secret") != benchSecret {
			http.Error(w, `{"success":false}`, http.StatusUnauthorized)
			return
		}
		body, ok := bodies[r.URL.Path]
		if !ok {
			http.Error(w, `{"success":false}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		_, _ = w.Write(body)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

func benchHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: tr}
}

// handWritten is the request code users write today.
func handWritten(ctx context.Context, hc *http.Client, base, method, endpoint string, query url.Values, body any, out any) error {
	if query == nil {
		query = url.Values{}
	}
	query.Set("api_key", benchKey)
	query.Set("api_secret", benchSecret)
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+"/zbs_api/"+endpoint+"/?"+query.Encode(), rd)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// plainCustomer is a contact as a user would declare it: the wire's types.
type plainCustomer struct {
	ID, Owner, Status, Email, Prefix, Fname, Lname             string
	Addr1, Addr2, City, County, Country, Postcode              string
	SecaddrAddr1                                               string `json:"secaddr_addr1"`
	Hometel, Worktel, Mobtel, Created, Createduts, Lastupdated string
	Tags                                                       []struct{ ID, Name, Slug string }
}

type plainEvent struct {
	ID, Owner, Title, Desc string
	Start, End, Complete   int64
	Contact                []plainCustomer
}

type plainStatus struct {
	Success bool
	Data    struct {
		Status, Message string
		CRMVersion      string `json:"crm_version"`
		DBVersion       string `json:"db_version"`
	}
}

type benchEnv struct {
	ctx  context.Context
	hc   *http.Client
	base string
	sdk  *jetpackcrm.Client
}

func newBenchEnv(b *testing.B) *benchEnv {
	srv := benchServer(b)
	hc := benchHTTPClient()
	c, err := jetpackcrm.NewClient(srv.URL, benchKey, benchSecret, jetpackcrm.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(hc.CloseIdleConnections)
	return &benchEnv{ctx: context.Background(), hc: hc, base: srv.URL, sdk: c}
}

func must(b *testing.B, err error) {
	if err != nil {
		b.Fatal(err)
	}
}

func BenchmarkCustomersList(b *testing.B) {
	e := newBenchEnv(b)
	listBody := map[string]any{"page": 1, "perpage": 100}
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out, _, err := e.sdk.Customers.List(e.ctx, &jetpackcrm.CustomerListOptions{ListOptions: jetpackcrm.ListOptions{Page: 1, PerPage: 100}})
			must(b, err)
			if len(out) != 100 {
				b.Fatalf("got %d", len(out))
			}
		}
	})
	b.Run("impl=map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out []map[string]any
			must(b, handWritten(e.ctx, e.hc, e.base, "POST", "customers", nil, listBody, &out))
		}
	})
	b.Run("impl=struct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out []plainCustomer
			must(b, handWritten(e.ctx, e.hc, e.base, "POST", "customers", nil, listBody, &out))
		}
	})
}

func BenchmarkCustomersCreate(b *testing.B) {
	e := newBenchEnv(b)
	req := &jetpackcrm.CustomerRequest{
		Email: "ada.lovelace@example.com", Status: "Lead", Prefix: "Ms", FirstName: "Ada", LastName: "Lovelace",
		Address:   jetpackcrm.Address{Line1: "12 St James Square", Line2: "Flat 3", City: "London", County: "Greater London", Country: "United Kingdom", Postcode: "SW1Y 4JH"},
		HomePhone: "+44 20 7946 0000", WorkPhone: "020 7946 0001", MobilePhone: "07700 900123", Tags: []string{"vip", "api"},
	}
	mapReq := map[string]any{
		"email": "ada.lovelace@example.com", "status": "Lead", "prefix": "Ms", "fname": "Ada", "lname": "Lovelace",
		"addr1": "12 St James Square", "addr2": "Flat 3", "city": "London", "county": "Greater London", "country": "United Kingdom", "postcode": "SW1Y 4JH",
		"hometel": "+44 20 7946 0000", "worktel": "020 7946 0001", "mobtel": "07700 900123", "tags": []string{"vip", "api"},
	}
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _, err := e.sdk.Customers.Create(e.ctx, req)
			must(b, err)
		}
	})
	b.Run("impl=map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out map[string]any
			must(b, handWritten(e.ctx, e.hc, e.base, "POST", "create_customer", nil, mapReq, &out))
		}
	})
	b.Run("impl=struct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out struct {
				plainCustomer
				ID   int64
				Tags []string
			}
			must(b, handWritten(e.ctx, e.hc, e.base, "POST", "create_customer", nil, mapReq, &out))
		}
	})
}

func BenchmarkEventsList(b *testing.B) {
	e := newBenchEnv(b)
	q := func() url.Values { return url.Values{"page": {"1"}, "perpage": {"100"}} }
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out, _, err := e.sdk.Events.List(e.ctx, &jetpackcrm.EventListOptions{ListOptions: jetpackcrm.ListOptions{Page: 1, PerPage: 100}})
			must(b, err)
			if len(out) != 100 {
				b.Fatalf("got %d", len(out))
			}
		}
	})
	b.Run("impl=map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out []map[string]any
			must(b, handWritten(e.ctx, e.hc, e.base, "GET", "events", q(), nil, &out))
		}
	})
	b.Run("impl=struct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out []plainEvent
			must(b, handWritten(e.ctx, e.hc, e.base, "GET", "events", q(), nil, &out))
		}
	})
}

func BenchmarkStatus(b *testing.B) {
	e := newBenchEnv(b)
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _, err := e.sdk.Status(e.ctx)
			must(b, err)
		}
	})
	b.Run("impl=map", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out map[string]any
			must(b, handWritten(e.ctx, e.hc, e.base, "GET", "status", nil, nil, &out))
		}
	})
	b.Run("impl=struct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var out plainStatus
			must(b, handWritten(e.ctx, e.hc, e.base, "GET", "status", nil, nil, &out))
		}
	})
}
