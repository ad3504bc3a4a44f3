package jetpackcrm

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/jpcrm-go/jetpackcrm/internal/recorded"
)

// customerPage builds a list body of n contacts by repeating the objects of
// capture 61 (contacts with tags, invoices, quotes and transactions).
func customerPage(tb testing.TB, n int) []byte {
	tb.Helper()
	var objs []json.RawMessage
	if err := json.Unmarshal(recorded.MustByNumber(tb, 61).ResponseBody, &objs); err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(objs[i%len(objs)])
	}
	b.WriteByte(']')
	return b.Bytes()
}

// plainCustomer is the baseline: the same keys decoded by encoding/json
// into plain fields, with the mixed-type keys given the (cheapest) type the
// page actually holds.
type plainCustomer struct {
	ID               string     `json:"id"`
	Owner            string     `json:"owner"`
	Status           string     `json:"status"`
	Email            string     `json:"email"`
	Prefix           string     `json:"prefix"`
	Fname            string     `json:"fname"`
	Lname            string     `json:"lname"`
	Addr1            string     `json:"addr1"`
	Addr2            string     `json:"addr2"`
	City             string     `json:"city"`
	County           string     `json:"county"`
	Country          string     `json:"country"`
	Postcode         string     `json:"postcode"`
	SecAddr1         string     `json:"secaddr_addr1"`
	SecAddr2         string     `json:"secaddr_addr2"`
	SecCity          string     `json:"secaddr_city"`
	SecCounty        string     `json:"secaddr_county"`
	SecCountry       string     `json:"secaddr_country"`
	SecPostcode      string     `json:"secaddr_postcode"`
	HomeTel          string     `json:"hometel"`
	WorkTel          string     `json:"worktel"`
	MobTel           string     `json:"mobtel"`
	WPID             string     `json:"wpid"`
	Avatar           string     `json:"avatar"`
	Tw               string     `json:"tw"`
	Li               string     `json:"li"`
	Fb               string     `json:"fb"`
	Created          string     `json:"created"`
	LastContacted    int        `json:"lastcontacted"`
	CreatedUTS       string     `json:"createduts"`
	CreatedDate      string     `json:"created_date"`
	LastUpdated      string     `json:"lastupdated"`
	LastUpdatedDate  string     `json:"lastupdated_date"`
	LastContactedUTS string     `json:"lastcontacteduts"`
	LastContactedDt  bool       `json:"lastcontacted_date"`
	FullName         string     `json:"fullname"`
	Name             string     `json:"name"`
	Tags             []plainTag `json:"tags"`
	Invoices         []json.RawMessage
	Quotes           []json.RawMessage
	Transactions     []json.RawMessage
}

type plainTag struct {
	ID          string `json:"id"`
	ObjType     string `json:"objtype"`
	Name        string `json:"name"`
	Slug        string `json:"slug"`
	Created     string `json:"created"`
	LastUpdated string `json:"lastupdated"`
}

// BenchmarkDecodeCustomers decodes a 100-contact page (with tags, invoices,
// quotes and transactions): impl=sdk the way Customers.List does (decodeBody
// into a *[]*Customer, every lenient rule applied), impl=struct with
// encoding/json into plain fields of the page's own types.
func BenchmarkDecodeCustomers(b *testing.B) {
	page := customerPage(b, 100)
	b.Run("impl=sdk", func(b *testing.B) {
		ci := newCallInfo(http.MethodPost, "customers")
		resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}}
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			var out []*Customer
			if err := decodeBody(ci, resp, page, 1, nil, &out); err != nil {
				b.Fatal(err)
			}
			if len(out) != 100 {
				b.Fatal(len(out))
			}
		}
	})
	// The design not taken: json.Unmarshal (v2) with the lenient rules as
	// type-level unmarshalers (see v2Customer).
	b.Run("impl=v2unmarshalers", func(b *testing.B) {
		opts := jsonv2.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true),
			jsonv2.WithUnmarshalers(jsonv2.JoinUnmarshalers(v2Rule(lenientInt), v2Rule(lenientString), v2Rule(lenientDateTime))))
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			var out []*v2Customer
			if err := jsonv2.Unmarshal(page, &out, opts); err != nil {
				b.Fatal(err)
			}
			if len(out) != 100 {
				b.Fatal(len(out))
			}
		}
	})
	b.Run("impl=struct", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			var out []*plainCustomer
			if err := json.Unmarshal(page, &out); err != nil {
				b.Fatal(err)
			}
			if len(out) != 100 {
				b.Fatal(len(out))
			}
		}
	})
}

// v2Customer is the contact for the design not taken: json.Unmarshal (v2)
// with the lenient rules registered as type-level unmarshalers. Its nested
// lists stay raw values (less work than the SDK does), so its benchmark is
// a lower bound of that design's cost.
type v2Customer struct {
	ID            int64     `json:"id"`
	Owner         int64     `json:"owner"`
	Status        string    `json:"status"`
	Email         string    `json:"email"`
	Prefix        string    `json:"prefix"`
	FirstName     string    `json:"fname"`
	LastName      string    `json:"lname"`
	FullName      string    `json:"fullname"`
	Addr1         string    `json:"addr1"`
	Addr2         string    `json:"addr2"`
	City          string    `json:"city"`
	County        string    `json:"county"`
	Postcode      string    `json:"postcode"`
	Country       string    `json:"country"`
	SecAddr1      string    `json:"secaddr_addr1"`
	SecAddr2      string    `json:"secaddr_addr2"`
	SecCity       string    `json:"secaddr_city"`
	SecCounty     string    `json:"secaddr_county"`
	SecPostcode   string    `json:"secaddr_postcode"`
	SecCountry    string    `json:"secaddr_country"`
	HomePhone     string    `json:"hometel"`
	WorkPhone     string    `json:"worktel"`
	MobilePhone   string    `json:"mobtel"`
	Twitter       string    `json:"tw"`
	LinkedIn      string    `json:"li"`
	Facebook      string    `json:"fb"`
	Avatar        string    `json:"avatar"`
	WPID          int64     `json:"wpid"`
	Created       time.Time `json:"createduts"`
	LastUpdated   time.Time `json:"lastupdated"`
	LastContacted time.Time `json:"lastcontacteduts"`
	Tags          []v2Tag   `json:"tags"`
	Invoices      jsontext.Value
	Quotes        jsontext.Value
	Transactions  jsontext.Value
	CustomFields  map[string]jsontext.Value `json:",unknown"`
}

type v2Tag struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Slug        string    `json:"slug"`
	ObjectType  int64     `json:"objtype"`
	Created     time.Time `json:"created"`
	LastUpdated time.Time `json:"lastupdated"`
}

func v2Rule[T any](rule func(jsontext.Value) (T, error)) *jsonv2.Unmarshalers {
	return jsonv2.UnmarshalFromFunc(func(d *jsontext.Decoder, v *T) error {
		val, err := d.ReadValue()
		if err != nil {
			return err
		}
		*v, err = rule(val)
		return err
	})
}
